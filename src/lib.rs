//! Harbour: racial-harassment and hate-incident case tracking for UK social landlords.
//! The library builds the whole application ([`app`]) so that `main` and the tests serve
//! exactly the same Router.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod chronology;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod deadlines;
pub mod demo;
pub mod enforcement;
pub mod error;
pub mod home;
pub mod housekeeping;
pub mod import;
pub mod one_cpu;
pub mod page_memo;
pub mod people;
pub mod plans;
pub mod procedure;
pub mod reports;
pub mod retention;
pub mod risk;
pub mod routes;
pub mod state;
pub mod support;
pub mod web;

use crate::{auth::session_store::DbSessionStore, state::AppState};
use axum::{
    Router,
    http::{HeaderName, StatusCode},
    middleware,
    response::IntoResponse,
};
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    csrf::CsrfLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

/// Brings the database up to date: the schema, then the data steps capabilities own.
pub async fn migrate(db: &sea_orm::DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    db::migrate_then(db, |txn, now| {
        Box::pin(deadlines::schedule::plan_cases_opened_before_deadlines(txn, now))
    })
    .await
}

/// The whole web application over `state`.
pub fn app(state: AppState) -> Router {
    let settings = state.settings.clone();
    let store = DbSessionStore::new(
        state.db.clone(),
        state.clock.clone(),
        time::Duration::minutes(settings.idle_timeout_minutes),
    );
    let sessions = SessionManagerLayer::new(store)
        .with_name("harbour_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.is_https())
        // A browser-session cookie; the server ends idle sessions (see the store).
        .with_expiry(Expiry::OnSessionEnd)
        .with_always_save(true);

    let mut csrf = CsrfLayer::new();
    if let Ok(with_origin) = CsrfLayer::new().add_trusted_origin(settings.public_origin()) {
        csrf = with_origin;
    }
    let request_id = HeaderName::from_static("x-request-id");

    let pages = routes::router(&state)
        .fallback(|| async { error::AppError::NotFound })
        // Innermost first: these run closest to the handlers. Everything that can refuse a
        // request sits inside the error-page renderer, so every refusal is a proper page;
        // the auth layer, outside it, dresses its own errors (`web::error_pages::dress`).
        .layer(middleware::from_fn_with_state(
            settings.clone(),
            auth::csrf::check,
        ))
        .layer(middleware::from_fn(web::input::clean_query))
        .layer(csrf)
        // The largest body of all (an upload); the form check holds forms to their own limit.
        .layer(RequestBodyLimitLayer::new(web::upload::MAX_UPLOAD_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(settings.request_timeout_seconds),
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::error_pages::render,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::current_user::load,
        ))
        .layer(sessions);

    // Health and assets need no session: the health check must answer 503, not fail in
    // the session layer, when the database is down.
    Router::new()
        .merge(pages)
        .route("/healthz", axum::routing::get(healthz))
        .route("/assets/{file}", axum::routing::get(web::assets::stylesheet))
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn_with_state(
                    settings.clone(),
                    web::headers::screen_request_id,
                ))
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                        let id = req
                            .headers()
                            .get("x-request-id")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("");
                        // The setup link is a secret: keep it out of the logs.
                        let path = req.uri().path();
                        let path = if path.starts_with("/setup/") {
                            "/setup/…"
                        } else {
                            path
                        };
                        tracing::info_span!("request", method = %req.method(), path = %path, request_id = %id)
                    }),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                // Outside the panic catcher, so even a panic's response has the headers.
                .layer(middleware::from_fn_with_state(
                    settings.clone(),
                    web::headers::security_headers,
                ))
                .layer(CatchPanicLayer::custom(|_| {
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Sorry, there is a problem with the service.",
                    )
                        .into_response()
                }))
                .layer(CompressionLayer::new()),
        )
        .with_state(state)
}

/// For load balancers: 200 when the database answers, 503 otherwise.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    if db::ping(&state.db).await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
