//! Actions on one deadline: record its activity as done, extend it (new due date and a
//! reason; the original due date is kept for reports), waive it (managers, with a reason).
//! Each is versioned (a stale form is a 409) and written to the timeline and audit trail.

use super::stage_name;
use crate::cases::events::EventKind;
use crate::{
    audit::Origin,
    auth::policy::{Permission, allows},
    calendar::end_of_london_day,
    cases::{
        parts::case_form,
        timeline::{self, Entry},
        visibility::Viewer,
    },
    deadlines::{
        schedule::{self, Done, Rules},
        state,
    },
    error::{AppError, AppResult},
    procedure::Stage,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors, Input, textarea},
        time_fmt,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{cases, deadlines};
use maud::{Markup, html};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use time::OffsetDateTime;

/// The longest reason or note kept.
const MAX_TEXT_CHARS: usize = 2_000;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ActionForm {
    /// Done: when the activity happened.
    date: String,
    time: String,
    /// Extend: the new due date.
    due_on: String,
    /// Done: optional note; extend and waive: the reason (required).
    text: String,
    version: String,
}

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

/// The visible case and its deadline `id` (404 for either missing), the view audited.
async fn find(
    state: &AppState,
    viewer: &Viewer,
    origin: Option<&Origin>,
    reference: &str,
    id: &str,
) -> AppResult<(cases::Model, deadlines::Model)> {
    // Showing the form is a view of the case; submitting it is audited as the change.
    let case = match origin {
        Some(origin) => timeline::open(state, viewer, origin, reference, "Viewed deadline form").await?,
        None => crate::cases::visibility::find(&state.db, viewer, reference).await?,
    };
    let id: i32 = id.parse().map_err(|_| AppError::NotFound)?;
    let deadline = deadlines::Entity::find_by_id(id)
        .filter(deadlines::Column::CaseId.eq(case.id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((case, deadline))
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

/// What a valid form asks for.
enum Change {
    Done(OffsetDateTime),
    Extend(OffsetDateTime),
    Waive,
}

fn validate(
    f: &ActionForm,
    action: Action,
    case: &cases::Model,
    d: &deadlines::Model,
    now: OffsetDateTime,
) -> Result<Change, FormErrors> {
    let mut errors = FormErrors::default();
    let text = f.text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        errors.add("text", format!("Keep it under {MAX_TEXT_CHARS} characters"));
    } else if text.is_empty() && action != Action::Done {
        errors.add("text", "Give the reason");
    }
    let change = match action {
        Action::Done => match time_fmt::parse_london(&f.date, &f.time) {
            None => {
                let (field, message) = time_fmt::unreadable_moment(&f.date, &f.time);
                errors.add(field, message);
                None
            }
            Some(at) if at > now => {
                errors.add("date", "The date and time cannot be in the future");
                None
            }
            Some(at) if at < case.received_at.max(d.anchored_at) => {
                errors.add(
                    "date",
                    "The date cannot be before the event this deadline counts from",
                );
                None
            }
            Some(at) => Some(Change::Done(at)),
        },
        Action::Extend => match time_fmt::parse_date(&f.due_on) {
            None => {
                errors.add("due_on", "Enter the new due date as YYYY-MM-DD");
                None
            }
            Some(day) if end_of_london_day(day) <= d.due_at.max(now) => {
                errors.add(
                    "due_on",
                    "The new due date must be later than the current due date and not in the past",
                );
                None
            }
            Some(day) => Some(Change::Extend(end_of_london_day(day))),
        },
        Action::Waive => Some(Change::Waive),
    };
    match change {
        Some(change) if errors.is_empty() => Ok(change),
        _ => Err(errors),
    }
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
    let name = stage_name(&d);
    let txn = crate::db::begin(&state.db).await?;
    // Only the version the form was built from changes: two people acting at once cannot
    // both succeed.
    let claimed = crate::db::versioned::save_if_unchanged(
        &txn,
        deadlines::Entity::update_many().filter(deadlines::Column::Status.eq(state::OPEN)),
        d.id,
        d.version,
    )
    .await?;
    if !claimed {
        return Err(AppError::Conflict("This deadline changed or is no longer open."));
    }
    let d = deadlines::Model {
        version: d.version + 1,
        ..d
    };
    // Holding the case row keeps a closure from interleaving (nothing recurring is planned
    // on a case closed meanwhile).
    let case = crate::cases::lock::hold_case(&txn, &case).await?;
    let rules = Rules::for_case(&txn, &case).await?;
    let stage = Stage::from_code(&d.stage);
    let (kind, action_code, body, flash) = match change {
        Change::Done(at) => {
            let note = (!text.is_empty()).then(|| text.clone());
            let done = schedule::complete(
                &txn,
                &rules,
                &case,
                d,
                Done {
                    at,
                    by: viewer.id,
                    note,
                    now,
                },
            )
            .await?
            .ok_or(AppError::Conflict("This deadline changed or is no longer open."))?;
            let verdict = state::state(&done, now).label().to_lowercase();
            let mut body = format!("Recorded “{name}” as done ({verdict}).");
            if !text.is_empty() {
                body.push(' ');
                body.push_str(&text);
            }
            (
                EventKind::DeadlineDone,
                "deadline.completed",
                body,
                format!("“{name}” recorded as done ({verdict})."),
            )
        }
        Change::Extend(due) => {
            deadlines::Entity::update(deadlines::ActiveModel {
                id: Set(d.id),
                due_at: Set(due),
                extended_at: Set(Some(now)),
                extended_by: Set(Some(viewer.id)),
                extension_reason: Set(Some(text.clone())),
                ..Default::default()
            })
            .exec(&txn)
            .await?;
            let shown = time_fmt::london(due).date();
            (
                EventKind::DeadlineExtended,
                "deadline.extended",
                format!("Extended “{name}” to {}: {text}", time_fmt::plain_date(shown)),
                format!("“{name}” extended."),
            )
        }
        Change::Waive => {
            deadlines::Entity::update(deadlines::ActiveModel {
                id: Set(d.id),
                status: Set(state::WAIVED.to_owned()),
                resolved_by: Set(Some(viewer.id)),
                resolved_at: Set(Some(now)),
                resolution_note: Set(Some(text.clone())),
                ..Default::default()
            })
            .exec(&txn)
            .await?;
            if let Some(stage) = stage {
                schedule::schedule_next(&txn, &rules, &case, stage, now, now).await?;
            }
            (
                EventKind::DeadlineWaived,
                "deadline.waived",
                format!("Waived “{name}”: {text}"),
                format!("“{name}” waived."),
            )
        }
    };
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        action_code,
        Entry::event(&case, kind, now, body),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, flash).await?;
    Ok(Redirect::to(&format!("/cases/{}#deadlines", case.reference)).into_response())
}

fn page(
    ctx: &Ctx,
    case: &cases::Model,
    d: &deadlines::Model,
    action: Action,
    f: &ActionForm,
    errors: &FormErrors,
) -> Markup {
    let title = format!("{}: {}", action.title(), stage_name(d));
    let about = html! {
        dl.summary-list {
            div.summary-list__row { dt.summary-list__key { "Case" } dd.summary-list__value { (case.reference) } }
            div.summary-list__row { dt.summary-list__key { "Due" } dd.summary-list__value { (time_fmt::datetime(d.due_at)) } }
            @if d.extended_at.is_some() {
                div.summary-list__row { dt.summary-list__key { "Originally due" } dd.summary-list__value { (time_fmt::datetime(d.original_due_at)) } }
            }
        }
        @if action == Action::Extend {
            p.body { "Reports keep counting against the original due date; the extension changes when the deadline next shows as overdue." }
        }
        @if action == Action::Waive {
            p.body { "A waived deadline is excused: it counts as waived, not as met or late, in compliance reports." }
        }
    };
    let fields = html! {
        input type="hidden" name="version" value=(f.version);
        @match action {
            Action::Done => {
                div.date-time {
                    (Input::text("date", "Date done", &f.date).kind("date").narrow().render(errors))
                    (Input::text("time", "Time", &f.time).kind("time").narrow().render(errors))
                }
                (textarea("text", "Note (optional)", Some("What was done."), &f.text, errors))
            }
            Action::Extend => {
                (Input::text("due_on", "New due date", &f.due_on).kind("date").narrow().hint("Due at the end of this day.").render(errors))
                (textarea("text", "Reason for the extension", None, &f.text, errors))
            }
            Action::Waive => {
                (textarea("text", "Reason for waiving", None, &f.text, errors))
            }
        }
        button.button type="submit" { (action.title()) }
    };
    case_form(
        ctx,
        case,
        &title,
        &format!("deadlines/{}/{}", d.id, action.path()),
        errors,
        about,
        fields,
    )
}
