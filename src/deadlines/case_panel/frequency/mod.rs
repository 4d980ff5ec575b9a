//! The victim-contact frequency agreed with the victim: it replaces the procedure's
//! regular-update timescale on this case and re-plans the open update deadline.
//!
//! Handlers here; the form and its check in `form`, the write in `store`, the page in
//! `view`.

mod form;
mod store;
mod view;

use crate::cases::timeline::Actor;
use crate::{
    audit::Origin,
    cases::{codes, timeline, visibility::Viewer},
    deadlines::schedule,
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
use form::{FrequencyForm, validate};
use maud::Markup;
use view::page;

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = timeline::open(
        &state,
        &viewer,
        &origin,
        &reference,
        "Viewed contact frequency form",
    )
    .await?;
    require_open(&case)?;
    let f = match schedule::agreed_frequency(&case) {
        Some(t) => FrequencyForm {
            unit: t.unit.code().to_owned(),
            amount: t.amount.to_string(),
        },
        None => FrequencyForm::default(),
    };
    Ok(page(&ctx, &case, &f, &FormErrors::default()))
}

fn require_open(case: &cases::Model) -> AppResult<()> {
    if case.status == codes::OPEN {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "This case is closed: there are no more regular updates to plan.",
        ))
    }
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<FrequencyForm>,
) -> AppResult<Response> {
    let case = crate::cases::visibility::find(&state.db, &viewer, &reference).await?;
    require_open(&case)?;
    let agreed = match validate(&f) {
        Ok(agreed) => agreed,
        Err(errors) => return Ok(forms::invalid(page(&ctx, &case, &f, &errors))),
    };
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    let updated = store::save(&txn, &by, case, agreed).await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        "Contact frequency saved; the next update deadline is re-planned.",
    )
    .await?;
    Ok(Redirect::to(&format!("/cases/{}#deadlines", updated.reference)).into_response())
}
