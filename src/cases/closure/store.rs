//! Closures in the database: closing a case (its row, the closure's own row, the deadlines
//! it settles) and reopening one. The importer closes cases through `mark_closed` and
//! `insert_closure` too.

use crate::cases::events::EventKind;
use crate::{
    cases::{
        codes::{self, label},
        timeline::{self, Actor, Entry},
    },
    deadlines::{self, closing},
    error::{AppError, AppResult},
};
use entity::{case_closures, cases, deadlines as deadlines_entity};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};

/// A closure: when, by whom, with what outcome and reason, and when the victim was told.
pub struct Closing<'a> {
    pub at: time::OffsetDateTime,
    pub by: i32,
    pub outcome: &'static str,
    pub reason: &'a str,
    pub victim_told_on: time::Date,
}

impl Closing<'_> {
    /// The timeline's line about it.
    pub fn summary(&self) -> String {
        format!(
            "Closed: {}. {}",
            label(&codes::OUTCOMES, self.outcome),
            self.reason
        )
    }
}

/// Closes the case row if it is open (`false` if it was not): only one closer wins, and
/// on PostgreSQL the row is locked until the transaction ends.
pub async fn mark_closed(
    db: &impl ConnectionTrait,
    case_id: i32,
    at: time::OffsetDateTime,
    outcome: Option<&str>,
) -> Result<bool, DbErr> {
    let updated = cases::Entity::update_many()
        .col_expr(cases::Column::Status, Expr::value(codes::CLOSED))
        .col_expr(cases::Column::ClosedAt, Expr::value(Some(at)))
        .col_expr(cases::Column::Outcome, Expr::value(outcome.map(str::to_owned)))
        .col_expr(cases::Column::UpdatedAt, Expr::value(at))
        .col_expr(cases::Column::Version, Expr::col(cases::Column::Version).add(1))
        .filter(cases::Column::Id.eq(case_id))
        .filter(cases::Column::Status.eq(codes::OPEN))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// The closure's own row (a case closed twice has two); returns its id.
pub async fn insert_closure(db: &impl ConnectionTrait, case_id: i32, c: &Closing<'_>) -> Result<i32, DbErr> {
    let stored = case_closures::Entity::insert(case_closures::ActiveModel {
        case_id: Set(case_id),
        closed_at: Set(c.at),
        closed_by: Set(c.by),
        outcome: Set(c.outcome.to_owned()),
        reason: Set(c.reason.to_owned()),
        victim_told_on: Set(c.victim_told_on),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(stored.last_insert_id)
}

/// The rest of closing `case`, whose row `mark_closed` has closed in `txn`: the closure's
/// row and timeline entry, the `answers` for its open deadlines (settling the plan actions
/// they settle) and the deadlines that follow a closure. A 409 when a deadline changed
/// since it was read.
pub(super) async fn close(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    closing: &Closing<'_>,
    answers: Vec<(deadlines_entity::Model, closing::Answer)>,
) -> AppResult<()> {
    let now = by.now;
    insert_closure(txn, case.id, closing).await?;
    let body = closing.summary();
    timeline::record(
        txn,
        now,
        by.viewer,
        by.origin,
        "case.closed",
        Entry::event(case, EventKind::Closed, now, body),
    )
    .await?;
    let closed = cases::Model {
        status: codes::CLOSED.to_owned(),
        closed_at: Some(now),
        ..case.clone()
    };
    let Some(settled) = closing::apply(txn, &closed, answers, by.viewer, by.origin, now).await? else {
        return Err(AppError::Conflict(
            "A deadline on this case changed while you were closing it. Go back to the case and try again.",
        ));
    };
    for s in settled {
        crate::plans::settle_at_closure(txn, closed.id, s.action_id, s.done, &s.reason, by.viewer.id, now)
            .await?;
    }
    deadlines::schedule::after_closure(txn, &closed, now, now).await?;
    Ok(())
}

/// Reopens closed `case` for `reason`, with its timeline entry and the deadlines an open
/// case has again. A 409 when the case changed since it was read.
pub(super) async fn reopen(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    reason: &str,
) -> AppResult<()> {
    let now = by.now;
    // Unchanged since it was read: a case disposed of meanwhile (which changes its
    // version) is not brought back.
    let updated = crate::db::versioned::save_if_unchanged(
        txn,
        cases::Entity::update_many()
            .col_expr(cases::Column::Status, Expr::value(codes::OPEN))
            .col_expr(cases::Column::ClosedAt, Expr::value(None::<time::OffsetDateTime>))
            .col_expr(cases::Column::Outcome, Expr::value(None::<String>))
            .col_expr(cases::Column::UpdatedAt, Expr::value(now))
            .filter(cases::Column::Status.eq(codes::CLOSED)),
        case.id,
        case.version,
    )
    .await?;
    if !updated {
        return Err(AppError::Conflict(
            "This case changed while you were reopening it: open it again to see how it stands.",
        ));
    }
    // The latest closure records that it was undone; the closure itself stays.
    if let Some(latest) = case_closures::Entity::find()
        .filter(case_closures::Column::CaseId.eq(case.id))
        .order_by_desc(case_closures::Column::Id)
        .one(txn)
        .await?
    {
        case_closures::Entity::update_many()
            .col_expr(case_closures::Column::ReopenedAt, Expr::value(Some(now)))
            .col_expr(case_closures::Column::ReopenedBy, Expr::value(Some(by.viewer.id)))
            .col_expr(
                case_closures::Column::ReopenReason,
                Expr::value(Some(reason.to_owned())),
            )
            .filter(case_closures::Column::Id.eq(latest.id))
            .exec(txn)
            .await?;
    }
    timeline::record(
        txn,
        now,
        by.viewer,
        by.origin,
        "case.reopened",
        Entry::event(case, EventKind::Reopened, now, format!("Reopened: {reason}")),
    )
    .await?;
    let reopened = cases::Model {
        status: codes::OPEN.to_owned(),
        closed_at: None,
        ..case.clone()
    };
    deadlines::schedule::after_reopen(txn, &reopened, now).await?;
    Ok(())
}
