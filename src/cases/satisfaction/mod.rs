//! The post-closure check: whether the victim was satisfied with how the case was handled
//! and with its outcome (or declined, or could not be contacted). Recorded on a closed case
//! by those who close cases; it completes the open post-closure-check deadline and feeds
//! the equality reports' satisfaction measures.

mod form;
pub mod store;
mod view;

use crate::{
    audit::Origin,
    calendar::london_date,
    cases::{
        codes,
        timeline::Actor,
        visibility::{self, Viewer},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors},
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::cases;
use form::{SatisfactionForm, validate};
use maud::Markup;
use store::Check;
use view::page;

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_closed(&case)?;
    let today = london_date(state.now());
    let f = SatisfactionForm {
        checked_on: crate::web::time_fmt::iso_date(today),
        ..Default::default()
    };
    Ok(page(&ctx, &case, &f, &FormErrors::default()))
}

fn require_closed(case: &cases::Model) -> AppResult<()> {
    if case.status == codes::CLOSED {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "The post-closure check is recorded after the case is closed.",
        ))
    }
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<SatisfactionForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_closed(&case)?;
    let now = state.now();
    let v = match validate(&f, &case, london_date(now)) {
        Ok(v) => v,
        Err(errors) => return Ok(forms::invalid(page(&ctx, &case, &f, &errors))),
    };
    let txn = crate::db::begin(&state.db).await?;
    let case = crate::cases::lock::hold_case(&txn, &case).await?;
    require_closed(&case)?;
    let check = Check {
        checked_on: v.checked_on,
        handling: v.handling,
        outcome: v.outcome,
        notes: v.notes,
        by: viewer.id,
    };
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    store::record(&txn, &by, &case, &check).await?;
    txn.commit().await?;
    set_flash(&ctx.session, "Post-closure check recorded.").await?;
    Ok(Redirect::to(&format!("/cases/{}", case.reference)).into_response())
}
