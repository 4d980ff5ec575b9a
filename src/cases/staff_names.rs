//! Staff display names by user id: who logged, owns, closed, assessed or extended something.
//! A page that shows several records each naming staff (the case page's panels) asks
//! inside `page_memo::for_one_page`: the first lookup reads every member of staff's name (a
//! landlord has tens to hundreds) and the rest answer from it, as does the list of officers
//! a manager may assign the case to. Outside one, a lookup of names reads only those.

use entity::{Role, users};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Every member of staff, as a page keeps them: names by id, and everyone in name order
/// with their role and whether they are active (the case page's choice of officer).
struct Everyone {
    names: HashMap<i32, String>,
    by_name: Vec<(i32, String, Role, bool)>,
}

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
        return read(db, ids).await;
    }
    let all = everyone(db).await?;
    Ok(ids
        .into_iter()
        .filter_map(|id| all.names.get(&id).map(|name| (id, name.clone())))
        .collect())
}

/// The active members of staff in `role`: (user id, display name), by name. Only the case
/// page asks (a manager's choice of officer), so from everyone as the page reads them.
pub async fn active_in_role(db: &impl ConnectionTrait, role: Role) -> Result<Vec<(i32, String)>, DbErr> {
    Ok(everyone(db)
        .await?
        .by_name
        .iter()
        .filter(|(_, _, r, active)| *r == role && *active)
        .map(|(id, name, _, _)| (*id, name.clone()))
        .collect())
}

/// Everyone, once per page (in the database's order of names, as outside a page).
async fn everyone(db: &impl ConnectionTrait) -> Result<std::sync::Arc<Everyone>, DbErr> {
    crate::page_memo::kept_or(0, async {
        let by_name: Vec<(i32, String, Role, bool)> = by_name(users::Entity::find())
            .select_only()
            .column(users::Column::Id)
            .column(users::Column::DisplayName)
            .column(users::Column::Role)
            .column(users::Column::Active)
            .into_tuple()
            .all(db)
            .await?;
        let names = by_name
            .iter()
            .map(|(id, name, _, _)| (*id, name.clone()))
            .collect();
        Ok::<_, DbErr>(Everyone { names, by_name })
    })
    .await
}

fn by_name(q: sea_orm::Select<users::Entity>) -> sea_orm::Select<users::Entity> {
    q.order_by_asc(users::Column::DisplayName)
        .order_by_asc(users::Column::Id)
}

/// The names of `ids`.
async fn read(db: &impl ConnectionTrait, ids: Vec<i32>) -> Result<HashMap<i32, String>, DbErr> {
    let rows: Vec<(i32, String)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(users::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
