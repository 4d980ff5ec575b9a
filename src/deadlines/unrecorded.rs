//! Imported history the spreadsheet could not tell about: deadlines that fell due before
//! the import are closed off as not recorded, so they are left out of compliance as no
//! longer applicable ones are. Only for a case being imported in the caller's transaction.

use super::schedule::{close_off_open, closure_stages};
use crate::procedure::Stage;
use entity::deadlines;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, sea_query::Condition};
use time::OffsetDateTime;

/// Why an imported case's deadline was closed off: its spreadsheet could not say.
pub const NOT_RECORDED_NOTE: &str = "Not recorded before the case was imported";

/// Imported history: the open deadlines due before `before` are closed off as not
/// recorded, so they are left out of compliance as no longer applicable ones are. Only
/// for a case being imported in the caller's transaction.
pub async fn close_off_unrecorded(
    db: &impl ConnectionTrait,
    case_id: i32,
    before: OffsetDateTime,
    at: OffsetDateTime,
) -> Result<u64, DbErr> {
    let due_before = Condition::all().add(deadlines::Column::DueAt.lt(before));
    close_off_open(db, case_id, due_before, NOT_RECORDED_NOTE, at).await
}

/// Imported history of a case closed in the caller's transaction: every deadline still
/// open from before its closure, and the closure's own (the letter, the check) where due
/// before `at`, are closed off as not recorded. A recent closure's own are live.
pub async fn close_off_unrecorded_at_closure(
    db: &impl ConnectionTrait,
    case_id: i32,
    at: OffsetDateTime,
) -> Result<u64, DbErr> {
    let closure_stages = closure_stages().into_iter().map(Stage::code);
    let unrecorded = Condition::any()
        .add(deadlines::Column::DueAt.lt(at))
        .add(deadlines::Column::Stage.is_not_in(closure_stages));
    close_off_open(db, case_id, unrecorded, NOT_RECORDED_NOTE, at).await
}
