//! Actions on one deadline: record its activity as done, extend it (new due date and a
//! reason; the original due date is kept for reports), waive it (managers, with a reason).
//! Each is versioned (a stale form is a 409) and written to the timeline and audit trail.
//!
//! Handlers here; the form and its checks in `form`, the finding and the writes in
//! `store`, the page in `view`.

mod form;
mod store;
mod view;

use crate::cases::timeline::Actor;
use crate::{
    audit::Origin,
    auth::policy::{Permission, allows},
    cases::visibility::Viewer,
    deadlines::state,
    error::{AppError, AppResult},
    procedure::Stage,
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
use entity::deadlines;
use form::{ActionForm, validate};
use maud::Markup;
use store::find;
use view::page;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Done,
    Extend,
    Waive,
}

impl Action {
    fn path(self) -> &'static str {
        match self {
            Action::Done => "done",
            Action::Extend => "extend",
            Action::Waive => "waive",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Action::Done => "Record as done",
            Action::Extend => "Extend deadline",
            Action::Waive => "Waive deadline",
        }
    }
}

/// Refuses actions on a deadline that is no longer open, and a manager review recorded or
/// put back by anyone but a manager.
fn check(viewer: &Viewer, action: Action, d: &deadlines::Model) -> AppResult<()> {
    if d.status != state::OPEN {
        return Err(AppError::Conflict("This deadline is no longer open."));
    }
    if action != Action::Waive && d.stage == Stage::PlanAction.code() {
        return Err(AppError::Conflict(
            "This is an action plan action: record it as done, or move its target date, on the action itself.",
        ));
    }
    if action != Action::Waive
        && Stage::from_code(&d.stage).is_some_and(Stage::done_by_managers_only)
        && !allows(viewer.role, Permission::RecordManagerReview)
    {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

async fn show(
    state: AppState,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    (reference, id): (String, String),
    action: Action,
) -> AppResult<Markup> {
    let (case, d) = find(&state, &viewer, Some(&origin), &reference, &id).await?;
    check(&viewer, action, &d)?;
    let (date, time) = time_fmt::london_fields(state.now());
    let f = ActionForm {
        date,
        time,
        version: d.version.to_string(),
        ..Default::default()
    };
    Ok(page(&ctx, &case, &d, action, &f, &FormErrors::default()))
}

pub async fn done_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(path): Path<(String, String)>,
) -> AppResult<Markup> {
    show(state, ctx, viewer, origin, path, Action::Done).await
}

pub async fn extend_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(path): Path<(String, String)>,
) -> AppResult<Markup> {
    show(state, ctx, viewer, origin, path, Action::Extend).await
}

pub async fn waive_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(path): Path<(String, String)>,
) -> AppResult<Markup> {
    show(state, ctx, viewer, origin, path, Action::Waive).await
}

pub async fn done(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(path): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    submit(state, ctx, viewer, origin, path, f, Action::Done).await
}

pub async fn extend(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(path): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    submit(state, ctx, viewer, origin, path, f, Action::Extend).await
}

pub async fn waive(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(path): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    submit(state, ctx, viewer, origin, path, f, Action::Waive).await
}

async fn submit(
    state: AppState,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    (reference, id): (String, String),
    f: ActionForm,
    action: Action,
) -> AppResult<Response> {
    let (case, d) = find(&state, &viewer, None, &reference, &id).await?;
    check(&viewer, action, &d)?;
    let now = state.now();
    if !forms::same_version(&f.version, d.version) {
        // Stale form: shown again as the deadline now is, with what they typed kept.
        let mut errors = FormErrors::default();
        errors.add(
            "version",
            "Someone changed this deadline while you were filling in the form. Check it as it is now (above) and submit again.",
        );
        let f = ActionForm {
            version: d.version.to_string(),
            ..f
        };
        return Ok(forms::stale(page(&ctx, &case, &d, action, &f, &errors)));
    }
    let change = match validate(&f, action, &case, &d, now) {
        Ok(change) => change,
        Err(errors) => return Ok(forms::invalid(page(&ctx, &case, &d, action, &f, &errors))),
    };
    let text = f.text.trim().to_owned();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    let flash = store::save(&txn, &by, &case, d, change, text).await?;
    txn.commit().await?;
    set_flash(&ctx.session, flash).await?;
    Ok(Redirect::to(&format!("/cases/{}#deadlines", case.reference)).into_response())
}
