//! Closing a case with an outcome, a reason and the date the victim was told; reopening
//! with a reason (managers). Each closure is its own row: history is never overwritten.

use super::{
    codes::{self, label},
    timeline::{self, Entry},
    visibility::{self, Viewer},
};
use crate::{
    audit::Origin,
    auth::policy::{Permission, allows},
    deadlines::{self, closing},
    error::{AppError, AppResult},
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
use entity::{case_closures, cases, deadlines as deadlines_entity};
use maud::{Markup, html};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CloseForm {
    outcome: String,
    reason: String,
    victim_told_on: String,
    /// What happens to each open deadline (`deadline-{id}`, `deadline-{id}-reason`).
    #[serde(flatten)]
    deadlines: HashMap<String, String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReopenForm {
    reason: String,
}

/// What this person may answer for each open deadline when closing.
fn closer(viewer: &Viewer, now: time::OffsetDateTime) -> closing::Closer {
    closing::Closer {
        may_waive: allows(viewer.role, Permission::WaiveDeadlines),
        may_record_review: allows(viewer.role, Permission::RecordManagerReview),
        now,
    }
}

/// The case must be in `status` for this action; otherwise a 409 page says why.
fn require_status(case: &cases::Model, status: &str) -> AppResult<()> {
    if case.status == status {
        Ok(())
    } else {
        Err(AppError::Conflict(if status == codes::OPEN {
            "This case is already closed."
        } else {
            "This case is open."
        }))
    }
}

pub async fn close_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_status(&case, codes::OPEN)?;
    let f = CloseForm {
        victim_told_on: time_fmt::london_fields(state.now()).0,
        ..Default::default()
    };
    let open = closing::open_deadlines(&state.db, case.id).await?;
    Ok(close_page(
        &ctx,
        &viewer,
        &case,
        &open,
        &f,
        &FormErrors::default(),
        state.now(),
    ))
}

pub async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<CloseForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_status(&case, codes::OPEN)?;
    let now = state.now();
    let today = time_fmt::london(now).date();
    let mut errors = FormErrors::default();
    let outcome = codes::find(&codes::OUTCOMES, &f.outcome);
    if outcome.is_none() {
        errors.add("outcome", "Choose the outcome");
    }
    let reason = f.reason.trim();
    if reason.is_empty() {
        errors.add("reason", "Give the reason for closing the case");
    }
    let told = time_fmt::parse_date(&f.victim_told_on);
    match told {
        None => errors.add(
            "victim_told_on",
            "Enter the date the victim was told, as YYYY-MM-DD",
        ),
        Some(d) if d > today => errors.add(
            "victim_told_on",
            "The date the victim was told cannot be in the future",
        ),
        Some(d) if d < time_fmt::london(case.received_at).date() => errors.add(
            "victim_told_on",
            "The date the victim was told cannot be before the case was reported",
        ),
        Some(_) => {}
    }
    let closer = closer(&viewer, now);
    let txn = crate::db::begin(&state.db).await?;
    // Only an open case closes: two people closing at once cannot both succeed. Closing the
    // row first also locks it (PostgreSQL), so no contact can plan a deadline meanwhile;
    // a refused form rolls it back.
    if !mark_closed(&txn, case.id, now, outcome).await? {
        return Err(AppError::Conflict("This case is already closed."));
    }
    let open = closing::open_deadlines(&txn, case.id).await?;
    let answers = closing::read(open.clone(), &f.deadlines, closer, &mut errors);
    let (Some(outcome), Some(told), true) = (outcome, told, errors.is_empty()) else {
        drop(txn);
        return Ok(forms::invalid(close_page(
            &ctx, &viewer, &case, &open, &f, &errors, now,
        )));
    };
    let closing = Closing {
        at: now,
        by: viewer.id,
        outcome,
        reason,
        victim_told_on: told,
    };
    insert_closure(&txn, case.id, &closing).await?;
    let body = closing.summary();
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.closed",
        Entry::event(&case, "closed", now, body),
    )
    .await?;
    let closed = cases::Model {
        status: codes::CLOSED.to_owned(),
        closed_at: Some(now),
        ..case.clone()
    };
    let Some(settled) = closing::apply(&txn, &closed, answers, &viewer, &origin, now).await? else {
        return Err(AppError::Conflict(
            "A deadline on this case changed while you were closing it. Go back to the case and try again.",
        ));
    };
    for s in settled {
        crate::plans::settle_at_closure(&txn, closed.id, s.action_id, s.done, &s.reason, viewer.id, now)
            .await?;
    }
    deadlines::schedule::after_closure(&txn, &closed, now, now).await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("{} closed.", case.reference)).await?;
    Ok(Redirect::to(&format!("/cases/{}", case.reference)).into_response())
}

/// A closure: when, by whom, with what outcome and reason, and when the victim was told.
pub struct Closing<'a> {
    pub at: time::OffsetDateTime,
    pub by: i32,
    pub outcome: &'static str,
    pub reason: &'a str,
    pub victim_told_on: time::Date,
}

impl Closing<'_> {
    /// The timeline's line about it.
    pub fn summary(&self) -> String {
        format!(
            "Closed: {}. {}",
            label(&codes::OUTCOMES, self.outcome),
            self.reason
        )
    }
}

/// Closes the case row if it is open (`false` if it was not): only one closer wins, and
/// on PostgreSQL the row is locked until the transaction ends.
pub async fn mark_closed(
    db: &impl ConnectionTrait,
    case_id: i32,
    at: time::OffsetDateTime,
    outcome: Option<&str>,
) -> Result<bool, DbErr> {
    let updated = cases::Entity::update_many()
        .col_expr(cases::Column::Status, Expr::value(codes::CLOSED))
        .col_expr(cases::Column::ClosedAt, Expr::value(Some(at)))
        .col_expr(cases::Column::Outcome, Expr::value(outcome.map(str::to_owned)))
        .col_expr(cases::Column::UpdatedAt, Expr::value(at))
        .col_expr(cases::Column::Version, Expr::col(cases::Column::Version).add(1))
        .filter(cases::Column::Id.eq(case_id))
        .filter(cases::Column::Status.eq(codes::OPEN))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// The closure's own row (a case closed twice has two); returns its id.
pub async fn insert_closure(db: &impl ConnectionTrait, case_id: i32, c: &Closing<'_>) -> Result<i32, DbErr> {
    let stored = case_closures::Entity::insert(case_closures::ActiveModel {
        case_id: Set(case_id),
        closed_at: Set(c.at),
        closed_by: Set(c.by),
        outcome: Set(c.outcome.to_owned()),
        reason: Set(c.reason.to_owned()),
        victim_told_on: Set(c.victim_told_on),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(stored.last_insert_id)
}

pub async fn reopen_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_status(&case, codes::CLOSED)?;
    crate::retention::require_not_disposed(&state.db, &case).await?;
    Ok(reopen_page(
        &ctx,
        &case,
        &ReopenForm::default(),
        &FormErrors::default(),
    ))
}

pub async fn reopen(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<ReopenForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    require_status(&case, codes::CLOSED)?;
    let reason = f.reason.trim();
    if reason.is_empty() {
        let mut errors = FormErrors::default();
        errors.add("reason", "Give the reason for reopening the case");
        return Ok(forms::invalid(reopen_page(&ctx, &case, &f, &errors)));
    }
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let updated = cases::Entity::update_many()
        .col_expr(cases::Column::Status, Expr::value(codes::OPEN))
        .col_expr(cases::Column::ClosedAt, Expr::value(None::<time::OffsetDateTime>))
        .col_expr(cases::Column::Outcome, Expr::value(None::<String>))
        .col_expr(cases::Column::UpdatedAt, Expr::value(now))
        .col_expr(cases::Column::Version, Expr::col(cases::Column::Version).add(1))
        .filter(cases::Column::Id.eq(case.id))
        .filter(cases::Column::Status.eq(codes::CLOSED))
        // Unchanged since it was read: a case disposed of meanwhile (which changes its
        // version) is not brought back.
        .filter(cases::Column::Version.eq(case.version))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::Conflict(
            "This case changed while you were reopening it: open it again to see how it stands.",
        ));
    }
    // The latest closure records that it was undone; the closure itself stays.
    if let Some(latest) = case_closures::Entity::find()
        .filter(case_closures::Column::CaseId.eq(case.id))
        .order_by_desc(case_closures::Column::Id)
        .one(&txn)
        .await?
    {
        case_closures::Entity::update_many()
            .col_expr(case_closures::Column::ReopenedAt, Expr::value(Some(now)))
            .col_expr(case_closures::Column::ReopenedBy, Expr::value(Some(viewer.id)))
            .col_expr(
                case_closures::Column::ReopenReason,
                Expr::value(Some(reason.to_owned())),
            )
            .filter(case_closures::Column::Id.eq(latest.id))
            .exec(&txn)
            .await?;
    }
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.reopened",
        Entry::event(&case, "reopened", now, format!("Reopened: {reason}")),
    )
    .await?;
    let reopened = cases::Model {
        status: codes::OPEN.to_owned(),
        closed_at: None,
        ..case.clone()
    };
    deadlines::schedule::after_reopen(&txn, &reopened, now).await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("{} reopened.", case.reference)).await?;
    Ok(Redirect::to(&format!("/cases/{}", case.reference)).into_response())
}

fn close_page(
    ctx: &Ctx,
    viewer: &Viewer,
    case: &cases::Model,
    open: &[deadlines_entity::Model],
    f: &CloseForm,
    errors: &FormErrors,
    now: time::OffsetDateTime,
) -> Markup {
    let title = format!("Close {}", case.reference);
    super::parts::case_form(
        ctx,
        case,
        &title,
        "close",
        errors,
        html! {},
        html! {
                (radios("outcome", "Outcome", None, &code_choices(&codes::OUTCOMES, &[f.outcome.as_str()]), errors))
                (textarea("reason", "Reason for closing", Some("What was done and why the case can close."), &f.reason, errors))
                (Input::text("victim_told_on", "Date the victim was told", &f.victim_told_on).kind("date").narrow().render(errors))
                (closing::fields(open, &f.deadlines, closer(viewer, now), errors))
                button.button.button--warning type="submit" { "Close case" }
        },
    )
}

fn reopen_page(ctx: &Ctx, case: &cases::Model, f: &ReopenForm, errors: &FormErrors) -> Markup {
    let title = format!("Reopen {}", case.reference);
    super::parts::case_form(
        ctx,
        case,
        &title,
        "reopen",
        errors,
        html! {},
        html! {
                (textarea("reason", "Reason for reopening", None, &f.reason, errors))
                button.button type="submit" { "Reopen case" }
        },
    )
}
