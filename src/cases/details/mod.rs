//! Changing a case's details (priority, hate perception, strands, area). Edits carry the
//! version the editor saw; an edit on a stale version is refused with the other person's
//! change shown and the editor's own typed values kept.

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
use form::{DetailsForm, Lists, validate};
use maud::Markup;
use store::{lists, strand_ids};
use view::form_page;

pub async fn edit_form(
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
        "Opened the change-details form",
    )
    .await?;
    let current = strand_ids(&state.db, case.id).await?;
    let lists = lists(&state.db).await?;
    Ok(form_page(
        &ctx,
        &case,
        &lists,
        &DetailsForm::from_case(&case, &current),
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
    Form(f): Form<DetailsForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let current = strand_ids(&state.db, case.id).await?;
    let lists = lists(&state.db).await?;
    let v = match validate(&f, &case, &current, &lists) {
        Ok(v) => v,
        Err(errors) => {
            return Ok(forms::invalid(form_page(&ctx, &case, &lists, &f, None, &errors)));
        }
    };
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    let version = f.version.unwrap_or(-1);
    let Some(replanned) = store::save(&txn, &by, &case, version, &current, &v, &lists).await? else {
        drop(txn);
        return conflict(&state, &ctx, &viewer, &reference, &lists, f).await;
    };
    let mut flash = "Case details saved.".to_owned();
    if replanned > 0 {
        flash.push_str(&format!(
            " {replanned} open deadline(s) re-planned for the new priority."
        ));
    }
    txn.commit().await?;
    set_flash(&ctx.session, flash).await?;
    Ok(Redirect::to(&format!("/cases/{}", case.reference)).into_response())
}

/// The edit was made on a stale version: show theirs, keep mine (now against their
/// version, so saving again is a deliberate overwrite).
async fn conflict(
    state: &AppState,
    ctx: &Ctx,
    viewer: &Viewer,
    reference: &str,
    lists: &Lists,
    mine: DetailsForm,
) -> AppResult<Response> {
    let latest = visibility::find(&state.db, viewer, reference).await?;
    let theirs = DetailsForm::from_case(&latest, &strand_ids(&state.db, latest.id).await?);
    let mut errors = FormErrors::default();
    errors.add(
        "priority",
        "Someone else changed this case while you were editing. Their version is shown below; your changes are still in the form. Check both, then save again",
    );
    let mine = DetailsForm {
        version: Some(latest.version),
        ..mine
    };
    Ok(forms::stale(form_page(
        ctx,
        &latest,
        lists,
        &mine,
        Some(&theirs),
        &errors,
    )))
}
