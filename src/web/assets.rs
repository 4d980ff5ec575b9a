//! The stylesheet, embedded in the binary. Its URL carries a content hash, so it can be
//! cached for a year and a new release is fetched at once.

use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use std::sync::LazyLock;

const CSS: &str = include_str!("../../assets/harbour.css");

pub static CSS_PATH: LazyLock<String> = LazyLock::new(|| {
    use sha2::{Digest, Sha256};
    let digest = hex::encode(Sha256::digest(CSS.as_bytes()));
    format!("/assets/harbour-{}.css", &digest[..12])
});

pub async fn stylesheet(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    if format!("/assets/{file}") != *CSS_PATH {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        CSS,
    )
        .into_response()
}
