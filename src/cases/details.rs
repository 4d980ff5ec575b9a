use crate::error::{AppError, AppResult};
use axum::response::Response;

pub async fn edit_form() -> AppResult<Response> {
    Err(AppError::NotFound)
}

pub async fn save() -> AppResult<Response> {
    Err(AppError::NotFound)
}
