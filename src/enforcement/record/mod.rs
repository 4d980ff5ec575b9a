//! Recording a new action against an alleged perpetrator (or a general measure aimed at no
//! one in particular): who, what, planned or already issued, documents referenced, and
//! optionally a first court hearing or notice expiry date, which becomes a deadline.
//!
//! Handlers here; the form and its checks in `form`, the writes in `store`, the page in
//! `view`.

mod form;
mod store;
mod view;

pub use form::legal_date;
pub(super) use view::legal_date_fields;

use super::PLANNED;
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
        fields,
        forms::{self, FormErrors},
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use form::{NewForm, validate};
use maud::Markup;
use view::page;

/// Why a closed case refuses this.
const CLOSED: &str = "This case is closed: reopen it to record a new action against a perpetrator.";

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
        "Viewed perpetrator action form",
    )
    .await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let perpetrators = crate::enforcement::store::perpetrators(&state.db, case.id).await?;
    let f = NewForm {
        status: PLANNED.to_owned(),
        planned_on: fields::date_value(Some(crate::calendar::london_date(state.now()))),
        ..Default::default()
    };
    Ok(page(&ctx, &case, &perpetrators, &f, &FormErrors::default()))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<NewForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let perpetrators = crate::enforcement::store::perpetrators(&state.db, case.id).await?;
    let now = state.now();
    let v = match validate(&f, &case, &perpetrators, now) {
        Ok(v) => v,
        Err(errors) => {
            return Ok(forms::invalid(page(&ctx, &case, &perpetrators, &f, &errors)));
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    let case = store::record(&txn, &by, &case, &perpetrators, &v).await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        if v.legal.is_some() {
            "Action recorded; its date is now a deadline on the case."
        } else {
            "Action recorded."
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/cases/{}#enforcement", case.reference)).into_response())
}
