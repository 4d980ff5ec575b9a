use crate::error::{AppError, AppResult};
use axum::response::Response;

pub async fn close_form() -> AppResult<Response> {
    Err(AppError::NotFound)
}

pub async fn close() -> AppResult<Response> {
    Err(AppError::NotFound)
}

pub async fn reopen_form() -> AppResult<Response> {
    Err(AppError::NotFound)
}

pub async fn reopen() -> AppResult<Response> {
    Err(AppError::NotFound)
}
