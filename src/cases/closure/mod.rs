//! Closing a case with an outcome, a reason and the date the victim was told; reopening
//! with a reason (managers). Each closure is its own row: history is never overwritten.

mod form;
pub mod store;
mod view;

use crate::{
    audit::Origin,
    auth::policy::{Permission, allows},
    cases::{
        codes,
        timeline::Actor,
        visibility::{self, Viewer},
    },
    deadlines::closing,
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors},
        time_fmt,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::cases;
use form::{CloseForm, ReopenForm};
use maud::Markup;
use store::Closing;
use view::{close_page, reopen_page};

/// What this person may answer for each open deadline when closing.
fn closer(viewer: &Viewer, now: time::OffsetDateTime) -> closing::Closer {
    closing::Closer {
        may_waive: allows(viewer.role, Permission::WaiveDeadlines),
        may_record_review: allows(viewer.role, Permission::RecordManagerReview),
        now,
    }
}

/// The case must be in `status` for this action; otherwise a 409 page says why.
fn require_status(case: &cases::Model, status: &str) -> AppResult<()> {
    if case.status == status {
        Ok(())
    } else {
        Err(AppError::Conflict(if status == codes::OPEN {
            "This case is already closed."
        } else {
            "This case is open."
        }))
    }
}

pub async fn close_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_status(&case, codes::OPEN)?;
    let f = CloseForm {
        victim_told_on: time_fmt::london_fields(state.now()).0,
        ..Default::default()
    };
    let open = closing::open_deadlines(&state.db, case.id).await?;
    Ok(close_page(
        &ctx,
        closer(&viewer, state.now()),
        &case,
        &open,
        &f,
        &FormErrors::default(),
    ))
}

pub async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<CloseForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_status(&case, codes::OPEN)?;
    let now = state.now();
    let today = time_fmt::london(now).date();
    let (valid, mut errors) = match form::validate(&f, &case, today) {
        Ok(v) => (Some(v), FormErrors::default()),
        Err(errors) => (None, errors),
    };
    let closer = closer(&viewer, now);
    let txn = crate::db::begin(&state.db).await?;
    // Only an open case closes: two people closing at once cannot both succeed. Closing the
    // row first also locks it (PostgreSQL), so no contact can plan a deadline meanwhile;
    // a refused form rolls it back.
    if !store::mark_closed(&txn, case.id, now, valid.as_ref().map(|v| v.outcome)).await? {
        return Err(AppError::Conflict("This case is already closed."));
    }
    let open = closing::open_deadlines(&txn, case.id).await?;
    let answers = closing::read(open.clone(), &f.deadlines, closer, &mut errors);
    let (Some(v), true) = (valid, errors.is_empty()) else {
        drop(txn);
        return Ok(forms::invalid(close_page(
            &ctx, closer, &case, &open, &f, &errors,
        )));
    };
    let closing = Closing {
        at: now,
        by: viewer.id,
        outcome: v.outcome,
        reason: v.reason,
        victim_told_on: v.victim_told_on,
    };
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    store::close(&txn, &by, &case, &closing, answers).await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("{} closed.", case.reference)).await?;
    Ok(Redirect::to(&format!("/cases/{}", case.reference)).into_response())
}

pub async fn reopen_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_status(&case, codes::CLOSED)?;
    crate::retention::require_not_disposed(&state.db, &case).await?;
    Ok(reopen_page(
        &ctx,
        &case,
        &ReopenForm::default(),
        &FormErrors::default(),
    ))
}

pub async fn reopen(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<ReopenForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_status(&case, codes::CLOSED)?;
    let v = match form::validate_reopen(&f) {
        Ok(v) => v,
        Err(errors) => return Ok(forms::invalid(reopen_page(&ctx, &case, &f, &errors))),
    };
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    store::reopen(&txn, &by, &case, v.reason).await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("{} reopened.", case.reference)).await?;
    Ok(Redirect::to(&format!("/cases/{}", case.reference)).into_response())
}
