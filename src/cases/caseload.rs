//! Caseloads: my cases, the triage queue, and all visible cases with filters and search.

use crate::error::{AppError, AppResult};
use maud::Markup;

pub async fn list() -> AppResult<Markup> {
    Err(AppError::NotFound)
}
