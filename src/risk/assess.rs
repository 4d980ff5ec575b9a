//! Assessing a case's risk (`/cases/{reference}/risk/new`, `POST /cases/{reference}/risk`)
//! and reading one assessment back (`/cases/{reference}/risk/{id}`).
//!
//! Saving is one transaction: the assessment and its answers; when it is now the case's
//! latest, the case's standing level (and the manager-review cadence that follows it);
//! the first open risk-assessment deadline completed (met or late); the timeline entry
//! and audit row.

use super::{
    form::{AssessForm, QUESTIONS_ID},
    record::{self, CLOSED, Recorded},
    store,
    view::{self, AssessmentView, level_label},
};
use crate::cases::timeline::Actor;
use crate::web::forms;
use crate::{
    audit::Origin,
    cases::{
        staff_names::user_names,
        timeline,
        visibility::{self, Viewer},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{Ctx, extract::set_flash, forms::FormErrors},
};
use axum::{
    Form,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use maud::Markup;

pub async fn new_form(
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
        "Viewed risk assessment form",
    )
    .await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let set = store::current(&state.db).await?;
    let first = store::latest_for_case(&state.db, case.id).await?.is_none();
    let f = AssessForm::new(&set, first, state.now());
    Ok(view::form_page(
        &ctx,
        &case,
        &set,
        &f,
        &FormErrors::default(),
        None,
    ))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let f = AssessForm::from_fields(&fields);
    let set = store::current(&state.db).await?;
    let built_from = f.set_id.trim().parse::<i32>().ok();
    if built_from != Some(set.id) {
        // The questions changed while the form was open: answers to questions still asked
        // are kept, the rest asked again.
        let from = match built_from {
            Some(id) => store::load(&state.db, id).await.ok(),
            None => None,
        };
        let f = f.carried(from.as_ref(), &set);
        let mut errors = FormErrors::default();
        errors.add(
            QUESTIONS_ID,
            format!(
                "The questions changed (now version {}) while you were filling in the form. Answers to questions still asked are kept: check them, answer any new ones and save again",
                set.number
            ),
        );
        let scored = f.scored(&set);
        return Ok(forms::stale(view::form_page(
            &ctx,
            &case,
            &set,
            &f,
            &errors,
            scored.as_ref(),
        )));
    }
    let now = state.now();
    let valid = match f.validate(&set, case.received_at, now) {
        Ok(valid) => valid,
        Err(errors) => {
            let scored = f.scored(&set);
            return Ok(forms::invalid(view::form_page(
                &ctx,
                &case,
                &set,
                &f,
                &errors,
                scored.as_ref(),
            )));
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    let Recorded { case, standing, met } = record::record(&txn, &by, &case, set.id, &valid).await?;
    txn.commit().await?;
    let mut flash = format!(
        "Risk assessment saved: {} (score {}).",
        level_label(valid.level),
        valid.scored.total
    );
    if !standing {
        flash.push_str(" It is dated before the latest assessment, whose level stands.");
    }
    match met {
        Some(true) => flash.push_str(" Deadline “Risk assessment completed” met."),
        Some(false) => flash.push_str(" Deadline “Risk assessment completed” done late."),
        None => {}
    }
    set_flash(&ctx.session, flash).await?;
    Ok(Redirect::to(&format!("/cases/{}#risk", case.reference)).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
) -> AppResult<Markup> {
    // Another case's assessment, or no such case, is the same 404 (checked before the view
    // is recorded, so nothing is audited for a miss).
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let id: i32 = id.parse().map_err(|_| AppError::NotFound)?;
    let assessment = store::find_on_case(&state.db, case.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    timeline::record_view(&state, &viewer, &origin, &case, "Viewed risk assessment").await?;
    let set = store::load(&state.db, assessment.set_id).await?;
    let answers = store::answers(&state.db, assessment.id).await?;
    let by = user_names(&state.db, [Some(assessment.created_by)])
        .await?
        .remove(&assessment.created_by)
        .unwrap_or_default();
    Ok(view::assessment_page(
        &ctx,
        &case,
        &AssessmentView {
            assessment,
            set,
            answers,
            by,
        },
    ))
}
