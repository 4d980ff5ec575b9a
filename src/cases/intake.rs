//! Intake: logging a report as a new case, or as a further report on an open case.

use crate::error::{AppError, AppResult};
use axum::response::Response;
use maud::Markup;

pub async fn new_form() -> AppResult<Markup> {
    Err(AppError::NotFound)
}

pub async fn submit() -> AppResult<Response> {
    Err(AppError::NotFound)
}

pub async fn further_form() -> AppResult<Markup> {
    Err(AppError::NotFound)
}

pub async fn further_submit() -> AppResult<Response> {
    Err(AppError::NotFound)
}
