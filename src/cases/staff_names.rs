//! Staff display names by user id: who logged, owns, closed, assessed or extended something.
//! A page that shows several records each naming staff (the case page's panels) asks once
//! inside [`for_one_page`]: the first lookup reads every member of staff's name (a landlord
//! has tens to hundreds) and the rest answer from it. Outside a scope each lookup reads the
//! names it needs.

use entity::users;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::{cell::RefCell, collections::HashMap, future::Future, sync::Arc};

tokio::task_local! {
    static PAGE: RefCell<Option<Arc<HashMap<i32, String>>>>;
}

/// Runs `work` with staff names read at most once.
pub async fn for_one_page<F: Future>(work: F) -> F::Output {
    PAGE.scope(RefCell::new(None), work).await
}

/// The display names of `ids` (absent ones ignored), by id.
pub async fn user_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Option<i32>>,
) -> Result<HashMap<i32, String>, DbErr> {
    let ids: Vec<i32> = ids.into_iter().flatten().collect();
    let in_page = PAGE.try_with(|p| p.borrow().clone());
    let all = match in_page {
        Ok(Some(all)) => all,
        Ok(None) => {
            let all = Arc::new(read(db, None).await?);
            let _ = PAGE.try_with(|p| *p.borrow_mut() = Some(all.clone()));
            all
        }
        Err(_) if ids.is_empty() => return Ok(HashMap::new()),
        Err(_) => return read(db, Some(ids)).await,
    };
    Ok(ids
        .into_iter()
        .filter_map(|id| all.get(&id).map(|name| (id, name.clone())))
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
