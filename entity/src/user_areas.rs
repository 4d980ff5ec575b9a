use sea_orm::entity::prelude::*;

/// Which areas (patches) a member of staff works in.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_areas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub area_id: i32,
    #[sea_orm(belongs_to, from = "user_id", to = "id")]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(belongs_to, from = "area_id", to = "id")]
    pub area: BelongsTo<super::areas::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
