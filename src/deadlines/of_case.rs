//! A case's deadlines, read once for a page: the case page's panels (deadlines, risk
//! reviews, the action plan, enforcement dates) each show some of them. Inside
//! [`for_one_page`] the first reading is kept and the rest answer from it; outside one,
//! each call reads.

use entity::deadlines;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::{cell::RefCell, collections::HashMap, future::Future, sync::Arc};

tokio::task_local! {
    static PAGE: RefCell<HashMap<i32, Arc<Vec<deadlines::Model>>>>;
}

/// Runs `work` (which reads and does not change deadlines) with each case's deadlines
/// read at most once.
pub async fn for_one_page<F: Future>(work: F) -> F::Output {
    PAGE.scope(RefCell::new(HashMap::new()), work).await
}

/// Every deadline on the case, by original due date, then by id.
pub async fn of_case(db: &impl ConnectionTrait, case_id: i32) -> Result<Arc<Vec<deadlines::Model>>, DbErr> {
    if let Ok(Some(kept)) = PAGE.try_with(|p| p.borrow().get(&case_id).cloned()) {
        return Ok(kept);
    }
    let list = Arc::new(
        deadlines::Entity::find()
            .filter(deadlines::Column::CaseId.eq(case_id))
            .order_by_asc(deadlines::Column::OriginalDueAt)
            .order_by_asc(deadlines::Column::Id)
            .all(db)
            .await?,
    );
    let _ = PAGE.try_with(|p| p.borrow_mut().insert(case_id, list.clone()));
    Ok(list)
}
