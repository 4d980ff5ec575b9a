//! A manager's legal hold on one case: placed with a reason, lifted with a reason. Both
//! go on the case's timeline and the audit trail (the reasons stay off the audit trail).
//!
//! Handlers here; the reason form and its check in `form`, the writes in `store`, the page
//! in `view`.

mod form;
mod store;
mod view;

use super::{case_panel, holds};
use crate::cases::timeline::Actor;
use crate::{
    audit::Origin,
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
use entity::cases;
use form::{ReasonForm, validate};
use maud::Markup;

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Opened the legal hold page").await?;
    page(
        &state,
        &ctx,
        &viewer,
        &case,
        &ReasonForm::default(),
        None,
        &FormErrors::default(),
    )
    .await
}

pub async fn place(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<ReasonForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let reason = match validate(&f, "reason", "Say why the case must be kept") {
        Ok(reason) => reason,
        Err(errors) => {
            let page = page(&state, &ctx, &viewer, &case, &f, None, &errors).await?;
            return Ok(forms::invalid(page));
        }
    };
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    store::place(&txn, &by, &case, reason).await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        "Legal hold placed: the case is kept until the hold is lifted.",
    )
    .await?;
    Ok(Redirect::to(&format!("/cases/{}#retention", case.reference)).into_response())
}

pub async fn lift(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, hold_id)): Path<(String, i32)>,
    Form(f): Form<ReasonForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let field = format!("lift-{hold_id}");
    let reason = match validate(&f, &field, "Say why the hold can be lifted") {
        Ok(reason) => reason,
        Err(errors) => {
            let page = page(
                &state,
                &ctx,
                &viewer,
                &case,
                &ReasonForm::default(),
                Some((hold_id, &f)),
                &errors,
            )
            .await?;
            return Ok(forms::invalid(page));
        }
    };
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    store::lift(&txn, &by, &case, hold_id, reason).await?;
    txn.commit().await?;
    set_flash(&ctx.session, "Legal hold lifted.").await?;
    Ok(Redirect::to(&format!("/cases/{}#retention", case.reference)).into_response())
}

/// The hold page with the case's retention panel and its holds in force; `lifting` is a
/// lift form coming back with what was typed.
async fn page(
    state: &AppState,
    ctx: &Ctx,
    viewer: &Viewer,
    case: &cases::Model,
    f: &ReasonForm,
    lifting: Option<(i32, &ReasonForm)>,
    errors: &FormErrors,
) -> AppResult<Markup> {
    let panel = case_panel::load(&state.db, case, state.now()).await?;
    let standing = holds::manual(&state.db, &[case.id]).await?;
    Ok(view::page(
        ctx, viewer, case, &panel, &standing, f, lifting, errors,
    ))
}
