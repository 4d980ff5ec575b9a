//! The post-closure check: whether the victim was satisfied with how the case was handled
//! and with its outcome (or declined, or could not be contacted). Recorded on a closed case
//! by those who close cases; it completes the open post-closure-check deadline and feeds
//! the equality reports' satisfaction measures.

use super::{
    codes::{self, NO_ANSWER, SATISFACTION, label},
    parts::case_form,
    timeline::{self, Entry},
    visibility::{self, Viewer},
};
use crate::{
    audit::Origin,
    calendar::london_date,
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
        forms::{self, FormErrors, Input, code_choices, radios, textarea},
        time_fmt,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{case_closures, cases, deadlines, satisfaction_checks};
use maud::{Markup, html};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Deserialize;
use time::OffsetDateTime;

/// The longest note kept.
const MAX_NOTE_CHARS: usize = 4_000;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SatisfactionForm {
    checked_on: String,
    handling: String,
    outcome: String,
    notes: String,
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_closed(&case)?;
    let today = london_date(state.now());
    let f = SatisfactionForm {
        checked_on: crate::web::time_fmt::iso_date(today),
        ..Default::default()
    };
    Ok(page(&ctx, &case, &f, &FormErrors::default()))
}

fn require_closed(case: &cases::Model) -> AppResult<()> {
    if case.status == codes::CLOSED {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "The post-closure check is recorded after the case is closed.",
        ))
    }
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<SatisfactionForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_closed(&case)?;
    let now = state.now();
    let today = london_date(now);
    let mut errors = FormErrors::default();
    let checked_on = time_fmt::parse_date(&f.checked_on);
    let closed_on = case.closed_at.map(london_date);
    match checked_on {
        None => errors.add(
            "checked_on",
            "Enter the date of the check as a real date, like 2026-12-01",
        ),
        Some(d) if d > today => errors.add("checked_on", "The date of the check cannot be in the future"),
        Some(d) if closed_on.is_some_and(|c| d < c) => errors.add(
            "checked_on",
            "The date of the check cannot be before the case was closed",
        ),
        _ => {}
    }
    let handling = codes::find(&SATISFACTION, &f.handling);
    if handling.is_none() {
        errors.add(
            "handling",
            "Say how satisfied the victim was with how the case was handled",
        );
    }
    let mut outcome = codes::find(&SATISFACTION, &f.outcome);
    // A victim who declined or could not be reached answered neither question.
    if let Some(h) = handling.filter(|h| NO_ANSWER.contains(h)) {
        outcome = Some(h);
    }
    if outcome.is_none() {
        errors.add("outcome", "Say how satisfied the victim was with the outcome");
    }
    if f.notes.chars().count() > MAX_NOTE_CHARS {
        errors.add("notes", format!("Keep the notes to {MAX_NOTE_CHARS} characters"));
    }
    let (Some(checked_on), Some(handling), Some(outcome), true) =
        (checked_on, handling, outcome, errors.is_empty())
    else {
        return Ok(forms::invalid(page(&ctx, &case, &f, &errors)));
    };
    let txn = crate::db::begin(&state.db).await?;
    let case = crate::cases::lock::hold_case(&txn, &case).await?;
    require_closed(&case)?;
    let notes = f.notes.trim();
    let check = Check {
        checked_on,
        handling,
        outcome,
        notes: (!notes.is_empty()).then(|| notes.to_owned()),
        by: viewer.id,
    };
    let (at, body) = store(&txn, &case, &check, now).await?;
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.satisfaction_recorded",
        Entry::event(&case, "satisfaction-recorded", at, body),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, "Post-closure check recorded.").await?;
    Ok(Redirect::to(&format!("/cases/{}", case.reference)).into_response())
}

/// A post-closure check, checked.
pub struct Check {
    pub checked_on: time::Date,
    pub handling: &'static str,
    pub outcome: &'static str,
    pub notes: Option<String>,
    pub by: i32,
}

/// Stores the check against the case's latest closure and completes its post-closure
/// check deadline. Returns when it counts as done and the timeline's line about it.
pub async fn store(
    txn: &impl ConnectionTrait,
    case: &cases::Model,
    check: &Check,
    now: OffsetDateTime,
) -> Result<(OffsetDateTime, String), DbErr> {
    let closure = case_closures::Entity::find()
        .filter(case_closures::Column::CaseId.eq(case.id))
        .order_by_desc(case_closures::Column::Id)
        .one(txn)
        .await?;
    let due = deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case.id))
        .filter(deadlines::Column::Stage.eq(Stage::PostClosureCheck.code()))
        .filter(deadlines::Column::Status.eq(state::OPEN))
        .order_by_asc(deadlines::Column::Id)
        .one(txn)
        .await?;
    store_against(txn, case, closure.map(|c| c.id), due, check, now).await
}

/// [`store`] against the closure `closure_id`, completing `due`, the case's open
/// post-closure check deadline if it has one (a caller that just made both knows them).
pub async fn store_against(
    txn: &impl ConnectionTrait,
    case: &cases::Model,
    closure_id: Option<i32>,
    due: Option<deadlines::Model>,
    check: &Check,
    now: OffsetDateTime,
) -> Result<(OffsetDateTime, String), DbErr> {
    let Check {
        checked_on,
        handling,
        outcome,
        ..
    } = *check;
    let today = london_date(now);
    satisfaction_checks::ActiveModel {
        case_id: Set(case.id),
        closure_id: Set(closure_id),
        checked_on: Set(checked_on),
        handling: Set(handling.to_owned()),
        outcome: Set(outcome.to_owned()),
        notes: Set(check.notes.clone()),
        created_by: Set(check.by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    // Done at the end of the day of the check (or now, for a check today).
    let at = if checked_on == today {
        now
    } else {
        checked_on
            .next_day()
            .map(crate::calendar::start_of_london_day)
            .map_or(now, |t| t - time::Duration::seconds(1))
    };
    if let Some(d) = due {
        let rules = Rules::for_case(txn, case).await?;
        let done = Done {
            at: at.max(d.anchored_at),
            by: check.by,
            note: None,
            now,
        };
        schedule::complete(txn, &rules, case, d, done).await?;
    }
    let body = format!(
        "Post-closure check: handling {}; outcome {}.",
        label(&SATISFACTION, handling).to_lowercase(),
        label(&SATISFACTION, outcome).to_lowercase()
    );
    Ok((at, body))
}

fn page(ctx: &Ctx, case: &cases::Model, f: &SatisfactionForm, errors: &FormErrors) -> Markup {
    let answers: Vec<(&'static str, &'static str)> = SATISFACTION.to_vec();
    let body = html! {
        (Input::text("checked_on", "Date of the check", &f.checked_on).kind("date").hint("For example 2026-12-01").render(errors))
        (radios("handling", "How satisfied was the victim with how the case was handled?", Some("If the victim declined or could not be contacted, choose that here: the next question is then not asked."), &code_choices(&answers, &[f.handling.as_str()]), errors))
        (radios("outcome", "How satisfied was the victim with the outcome?", None, &code_choices(&answers, &[f.outcome.as_str()]), errors))
        (textarea("notes", "Notes (optional)", None, &f.notes, errors))
        button.button type="submit" { "Record the check" }
    };
    case_form(
        ctx,
        case,
        "Post-closure check",
        "satisfaction",
        errors,
        html! {},
        body,
    )
}
