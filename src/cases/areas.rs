//! The landlord's areas, as cases, users and reports name them (administrators manage
//! them in `admin::areas`).

use entity::areas;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder};

/// All areas in name order (retired last), for lists and pickers.
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<areas::Model>, DbErr> {
    areas::Entity::find()
        .order_by_asc(areas::Column::Retired)
        .order_by_asc(areas::Column::NameKey)
        .all(db)
        .await
}
