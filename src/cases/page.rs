use crate::error::{AppError, AppResult};
use axum::response::Response;

pub async fn show() -> AppResult<Response> {
    Err(AppError::NotFound)
}
