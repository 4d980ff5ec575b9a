//! The case lock: a change that depends on the case being open (planning a deadline,
//! recording action) holds the case row for its transaction, so a closure cannot slip in
//! between its check and its write.

use crate::{
    cases::codes,
    error::{AppError, AppResult},
};
use entity::cases;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

/// Locks the case row while it is open (PostgreSQL), so a closure cannot interleave with
/// this transaction's work; returns the case as it now stands (closed if it was
/// closed meanwhile, so nothing recurring is planned on it).
pub async fn hold_case(db: &impl ConnectionTrait, case: &cases::Model) -> Result<cases::Model, DbErr> {
    let touched = cases::Entity::update_many()
        .col_expr(cases::Column::Status, Expr::col(cases::Column::Status))
        .filter(cases::Column::Id.eq(case.id))
        .filter(cases::Column::Status.eq(codes::OPEN))
        .exec(db)
        .await?;
    let status = if touched.rows_affected == 0 {
        codes::CLOSED
    } else {
        codes::OPEN
    };
    Ok(cases::Model {
        status: status.to_owned(),
        ..case.clone()
    })
}

/// New casework is recorded on open cases only: a closed case answers 409 with `message`
/// (which says what to do instead, e.g. reopen it).
pub fn require_open(case: &cases::Model, message: &'static str) -> AppResult<()> {
    if case.status == codes::OPEN {
        Ok(())
    } else {
        Err(AppError::Conflict(message))
    }
}
