//! The case chronology: every report, contact, assessment, plan, support measure,
//! referral, perpetrator action and deadline of a case in date order with its author, as a
//! printable page and a CSV of the same rows. Producing it is audited.
//!
//! Who may read it is exactly who may read the case page: `ViewCases`, and a case the
//! viewer cannot see is the standard 404. Nothing on a visible case is hidden from it.
//! People appear by name only: their contact details and equality monitoring answers
//! are on the case page, where monitoring answers are need-to-know (`cases::monitoring`);
//! a chronology handed on (to a court, an agency) carries none of them.

pub mod entry;
pub mod ledger;
pub mod load;
mod records;
mod view;

use crate::{
    audit::Origin,
    auth::policy::Permission,
    cases::{timeline, visibility::Viewer},
    error::AppResult,
    state::AppState,
    web::{Ctx, route::Route},
};
use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use entity::cases;
use maud::Markup;

pub use entry::{Entry, When};
pub use view::csv_cell;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/cases/{reference}/chronology", Permission::ViewCases, page),
        Route::get("/cases/{reference}/chronology.csv", Permission::ViewCases, csv),
    ]
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = crate::cases::visibility::find(&state.db, &viewer, &reference).await?;
    let now = state.now();
    let chronology = load::load(&state.db, &case, &viewer.display_name, now).await?;
    audit(
        &state,
        &viewer,
        &origin,
        &case,
        "case.chronology_viewed",
        "Chronology viewed",
    )
    .await?;
    Ok(view::page(&ctx, &chronology))
}

async fn csv(
    State(state): State<AppState>,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Response> {
    let case = crate::cases::visibility::find(&state.db, &viewer, &reference).await?;
    let now = state.now();
    let chronology = load::load(&state.db, &case, &viewer.display_name, now).await?;
    let body = view::csv(&chronology.entries).map_err(crate::error::AppError::internal)?;
    audit(
        &state,
        &viewer,
        &origin,
        &case,
        "case.chronology_exported",
        "Chronology exported as CSV",
    )
    .await?;
    let disposition = format!("attachment; filename=\"{}-chronology.csv\"", case.reference);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// The audit row for producing the chronology: the case and a label, never its content.
async fn audit(
    state: &AppState,
    viewer: &Viewer,
    origin: &Origin,
    case: &cases::Model,
    action: &'static str,
    summary: &str,
) -> AppResult<()> {
    let txn = crate::db::begin(&state.db).await?;
    timeline::audit_case(&txn, state.now(), viewer, origin, action, case, summary).await?;
    txn.commit().await?;
    Ok(())
}
