//! Correcting a person's details (rectification) from a case they are on. The form is the
//! intake form's person component with the same checks, plus a required reason. Saving
//! keeps each earlier value in `person_changes` (who, when, why) in the transaction of
//! the change, keeps the search terms and match keys in step, says on the case's timeline
//! which details changed (never the values) and is audited. A stale form is refused (409)
//! with the saved details shown and the typed ones kept.

mod form;
mod store;
mod view;

pub use store::{Change, history, is_monitoring};
pub use view::history_section;

use super::fields;
use crate::{
    audit::Origin,
    cases::{
        parts::person_name,
        people::with_details,
        timeline::Actor,
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
    extract::{Path, RawForm, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::{cases, people};
use form::Typed;
use maud::Markup;
use view::page;

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::retention::require_not_disposed(&state.db, &case).await?;
    let (person, role) = store::party(&state.db, &case, &id).await?;
    let summary = "Opened the correct-details form";
    crate::cases::monitoring::record_case_view(
        &state,
        &viewer,
        &origin,
        &case,
        (summary, summary),
        &[&person],
    )
    .await?;
    let typed = Typed::of_person(&person, role);
    let history = history(&state.db, &viewer, person.id).await?;
    Ok(page(
        &ctx,
        &case,
        &person,
        &typed,
        None,
        &history,
        &FormErrors::default(),
    ))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
    RawForm(bytes): RawForm,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let (person, role) = store::party(&state.db, &case, &id).await?;
    let typed = Typed::parse(&bytes, &person, role);
    let v = match form::validate(&typed) {
        Ok(v) => v,
        Err(errors) => {
            let history = history(&state.db, &viewer, person.id).await?;
            return Ok(forms::invalid(page(
                &ctx, &case, &person, &typed, None, &history, &errors,
            )));
        }
    };
    if typed.version != person.version {
        return conflict(&state, &ctx, &viewer, &origin, &case, person, typed).await;
    }
    let corrected = with_details(&person, &v.details)?;
    let changed = fields::differing(&person, &corrected);
    let back = format!("/cases/{}#people", case.reference);
    if changed.is_empty() {
        set_flash(&ctx.session, "Nothing was changed: the details are as they were.").await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    let Some(stored) =
        store::correct(&txn, &by, &case, (&person, role), &corrected, &changed, &v.reason).await?
    else {
        drop(txn);
        return conflict(&state, &ctx, &viewer, &origin, &case, person, typed).await;
    };
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!("Details of {} corrected.", person_name(&stored)),
    )
    .await?;
    Ok(Redirect::to(&back).into_response())
}

/// The person changed since the form was opened: their saved details are shown, the
/// typed ones kept (now against the saved version, so saving again is deliberate).
async fn conflict(
    state: &AppState,
    ctx: &Ctx,
    viewer: &Viewer,
    origin: &Origin,
    case: &cases::Model,
    person: people::Model,
    mut typed: Typed,
) -> AppResult<Response> {
    let latest = store::latest(&state.db, person.id).await?;
    // The saved details are shown, monitoring answers included.
    let summary = "Correct-details form: saved version shown";
    crate::cases::monitoring::record_case_view(state, viewer, origin, case, (summary, summary), &[&latest])
        .await?;
    let mut errors = FormErrors::default();
    errors.add(
        typed.person.names.name.as_str(),
        "Someone else changed this person's details while you were correcting them. Their saved details are shown below; your corrections are still in the form. Check both, then save again",
    );
    typed.version = latest.version;
    let history = history(&state.db, viewer, latest.id).await?;
    Ok(forms::stale(page(
        ctx,
        case,
        &latest,
        &typed,
        Some(&latest),
        &history,
        &errors,
    )))
}
