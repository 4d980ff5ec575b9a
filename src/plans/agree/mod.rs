//! Agreeing an action plan with the victim, and revising it: the date agreed, the copy
//! given, the contact frequency and channel (which set the case's regular-update deadline),
//! communication needs, notes and, on the first agreement, up to three actions. Completes
//! the case's action-plan deadline (met or late by the date agreed).
//!
//! Handlers here; the form and its checks in `form`, the reads and the agreement's writes
//! in `store`, the page in `view`.

mod form;
mod store;
mod view;

pub use form::MAX_EVERY;
pub use store::agree_first;

use crate::{
    audit::Origin,
    calendar::london_date,
    cases::{
        timeline,
        visibility::{self, Viewer},
    },
    error::AppResult,
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
use entity::{action_plans, cases};
use form::{PlanForm, is_based_on, validate};
use maud::Markup;
use store::{with_author, write};
use view::page;

/// Why a closed case refuses this.
const CLOSED: &str =
    "This case is closed: its action plan can no longer be agreed or changed. Reopen the case first.";

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Viewed action plan form").await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let standing = crate::plans::standing(&state.db, case.id).await?;
    let staff = crate::plans::staff(&state.db).await?;
    let f = PlanForm::new(&case, standing.as_ref(), london_date(state.now()));
    let standing = with_author(&state, standing).await?;
    Ok(page(
        &ctx,
        &case,
        standing.as_ref(),
        &staff,
        &f,
        &FormErrors::default(),
    ))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let f = PlanForm::from_pairs(pairs);
    let now = state.now();
    let standing = crate::plans::standing(&state.db, case.id).await?;
    let staff = crate::plans::staff(&state.db).await?;
    if !is_based_on(&f, standing.as_ref()) {
        return stale(&state, &ctx, &case, standing, &staff, f).await;
    }
    let valid = match validate(&f, &case, standing.as_ref(), &staff, now) {
        Ok(valid) => valid,
        Err(errors) => {
            let standing = with_author(&state, standing).await?;
            return Ok(forms::invalid(page(
                &ctx,
                &case,
                standing.as_ref(),
                &staff,
                &f,
                &errors,
            )));
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    // The case row is held from here (PostgreSQL), so two agreements cannot interleave.
    let held = crate::cases::lock::hold_case(&txn, &case).await?;
    crate::cases::lock::require_open(&held, CLOSED)?;
    let now_standing = crate::plans::standing(&txn, case.id).await?;
    if !is_based_on(&f, now_standing.as_ref()) {
        drop(txn);
        return stale(&state, &ctx, &case, now_standing, &staff, f).await;
    }
    let revision = now_standing.is_some();
    let updated = write(&txn, &viewer, &origin, held, &valid, revision, now).await?;
    txn.commit().await?;
    let flash = if revision {
        "Action plan revised; the regular-update deadline follows the agreed contact frequency."
    } else {
        "Action plan agreed; the regular-update deadline follows the agreed contact frequency."
    };
    set_flash(&ctx.session, flash).await?;
    Ok(Redirect::to(&format!("/cases/{}#plan", updated.reference)).into_response())
}

/// Another plan was agreed since the form was built: the form again, with what they typed
/// and the plan that now stands shown above it.
async fn stale(
    state: &AppState,
    ctx: &Ctx,
    case: &cases::Model,
    standing: Option<action_plans::Model>,
    staff: &[(i32, String)],
    f: PlanForm,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    errors.add(
        "agreed_on",
        "Someone else recorded an action plan on this case while you were filling in the form. It is shown above; what you typed is still in the form. Check both, then save again",
    );
    let f = PlanForm {
        based_on: standing.as_ref().map_or(0, |p| p.id).to_string(),
        ..f
    };
    let standing = with_author(state, standing).await?;
    Ok(forms::stale(page(
        ctx,
        case,
        standing.as_ref(),
        staff,
        &f,
        &errors,
    )))
}
