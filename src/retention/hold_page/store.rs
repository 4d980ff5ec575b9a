//! Legal holds in the database: placing one on a case and lifting one, each with its
//! timeline entry, on a case not disposed of.

use crate::cases::events::EventKind;
use crate::{
    cases::timeline::{self, Actor, Entry},
    error::{AppError, AppResult},
};
use entity::{case_holds, cases};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, sea_query::Expr,
};

/// Places a hold on `case` for `reason`.
pub(super) async fn place(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    reason: &str,
) -> AppResult<()> {
    let (viewer, origin, now) = (by.viewer, by.origin, by.now);
    crate::retention::lock_unless_disposed(txn, case).await?;
    case_holds::Entity::insert(case_holds::ActiveModel {
        case_id: Set(case.id),
        reason: Set(reason.to_owned()),
        placed_by: Set(viewer.id),
        placed_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    let body = format!("Legal hold placed: {reason}");
    let entry = Entry::event(case, EventKind::HoldPlaced, now, body);
    timeline::record(txn, now, viewer, origin, "case.hold_placed", entry).await?;
    Ok(())
}

/// Lifts hold `hold_id` of `case` for `reason` (404 unless it is in force).
pub(super) async fn lift(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    hold_id: i32,
    reason: &str,
) -> AppResult<()> {
    let (viewer, origin, now) = (by.viewer, by.origin, by.now);
    crate::retention::lock_unless_disposed(txn, case).await?;
    // Only a hold of this case still in force: lifting twice, or another case's hold, is
    // "not found".
    let lifted = case_holds::Entity::update_many()
        .col_expr(case_holds::Column::LiftedAt, Expr::value(now))
        .col_expr(case_holds::Column::LiftedBy, Expr::value(viewer.id))
        .col_expr(case_holds::Column::LiftReason, Expr::value(reason))
        .filter(case_holds::Column::Id.eq(hold_id))
        .filter(case_holds::Column::CaseId.eq(case.id))
        .filter(case_holds::Column::LiftedAt.is_null())
        .exec(txn)
        .await?;
    if lifted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    let body = format!("Legal hold lifted: {reason}");
    let entry = Entry::event(case, EventKind::HoldLifted, now, body);
    timeline::record(txn, now, viewer, origin, "case.hold_lifted", entry).await?;
    Ok(())
}
