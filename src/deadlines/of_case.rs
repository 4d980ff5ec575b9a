//! A case's deadlines, read once for a page: the case page's panels (deadlines, risk
//! reviews, the action plan, enforcement dates) each show some of them. Inside
//! `page_memo::for_one_page` the first reading is kept and the rest answer from it;
//! outside one, each call reads.

use entity::deadlines;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::sync::Arc;

/// Every deadline on the case, by original due date, then by id.
pub async fn of_case(db: &impl ConnectionTrait, case_id: i32) -> Result<Arc<Vec<deadlines::Model>>, DbErr> {
    crate::page_memo::kept_or(
        i64::from(case_id),
        deadlines::Entity::find()
            .filter(deadlines::Column::CaseId.eq(case_id))
            .order_by_asc(deadlines::Column::OriginalDueAt)
            .order_by_asc(deadlines::Column::Id)
            .all(db),
    )
    .await
}
