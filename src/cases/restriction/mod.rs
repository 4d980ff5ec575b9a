//! Restricting a case (for example when a member of staff is involved): only the staff
//! named on it and managers can then see it. The same form names the staff.

mod form;
pub mod store;
mod view;

use crate::{
    audit::Origin,
    cases::{
        timeline::{self, Actor},
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
use form::{RestrictionForm, validate};
use maud::Markup;
use store::{named_ids, restrict, staff};
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
        "Opened the restriction form",
    )
    .await?;
    let f = RestrictionForm::from_case(&case, &named_ids(&state.db, case.id).await?);
    Ok(page(
        &ctx,
        &case,
        &staff(&state.db).await?,
        &f,
        None,
        &FormErrors::default(),
    ))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<RestrictionForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let staff = staff(&state.db).await?;
    let change = match validate(&f, &staff) {
        Ok(change) => change,
        Err(errors) => return Ok(forms::invalid(page(&ctx, &case, &staff, &f, None, &errors))),
    };
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    if !restrict(&txn, &by, &case, &staff, change).await? {
        drop(txn);
        let latest = visibility::find(&state.db, &viewer, &reference).await?;
        let theirs = RestrictionForm::from_case(&latest, &named_ids(&state.db, latest.id).await?);
        let mut errors = FormErrors::default();
        errors.add(
            "restricted",
            "Someone else changed this case while you were editing. The restriction as saved now is shown below; your choices are still in the form. Check both, then save again",
        );
        let mine = RestrictionForm {
            version: Some(latest.version),
            ..f
        };
        return Ok(forms::stale(page(
            &ctx,
            &latest,
            &staff,
            &mine,
            Some(&theirs),
            &errors,
        )));
    }
    txn.commit().await?;
    set_flash(&ctx.session, "Restriction saved.").await?;
    Ok(Redirect::to(&format!("/cases/{}", case.reference)).into_response())
}
