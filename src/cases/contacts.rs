use crate::error::{AppError, AppResult};
use axum::response::Response;

pub async fn add() -> AppResult<Response> {
    Err(AppError::NotFound)
}

pub async fn review_explained() -> AppResult<Response> {
    Err(AppError::NotFound)
}
