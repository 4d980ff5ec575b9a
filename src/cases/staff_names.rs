//! Staff display names by user id: who logged, owns, closed, assessed or extended something.
//! A page that shows several records each naming staff (the case page's panels) asks
//! inside `page_memo::for_one_page`: the first lookup reads every member of staff's name (a
//! landlord has tens to hundreds) and the rest answer from it. Outside one each lookup reads
//! the names it needs.

use entity::users;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// Every member of staff's name, as a page keeps it.
struct Everyone(HashMap<i32, String>);

/// The display names of `ids` (absent ones ignored), by id.
pub async fn user_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Option<i32>>,
) -> Result<HashMap<i32, String>, DbErr> {
    let ids: Vec<i32> = ids.into_iter().flatten().collect();
    if !crate::page_memo::in_page() {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        return read(db, Some(ids)).await;
    }
    let all = crate::page_memo::kept_or(0, async { read(db, None).await.map(Everyone) }).await?;
    Ok(ids
        .into_iter()
        .filter_map(|id| all.0.get(&id).map(|name| (id, name.clone())))
        .collect())
}

/// The names of `ids`, or of everyone.
async fn read(db: &impl ConnectionTrait, ids: Option<Vec<i32>>) -> Result<HashMap<i32, String>, DbErr> {
    let mut q = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName);
    if let Some(ids) = ids {
        q = q.filter(users::Column::Id.is_in(ids));
    }
    let rows: Vec<(i32, String)> = q.into_tuple().all(db).await?;
    Ok(rows.into_iter().collect())
}
