//! Assignment: a manager assigns or reassigns; a harassment officer takes an unassigned
//! case in their own area.

use crate::error::{AppError, AppResult};
use axum::response::Response;

pub async fn assign() -> AppResult<Response> {
    Err(AppError::NotFound)
}

pub async fn take() -> AppResult<Response> {
    Err(AppError::NotFound)
}
