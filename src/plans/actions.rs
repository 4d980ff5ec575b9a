//! The actions of a case's action plan: adding one to the standing plan, and updating one
//! (description, owner, status, date completed, outcome, target date). Each action's
//! target date is a dated deadline on the case, kept in step: retitled with the
//! description, moved (an extension, with a reason) with the target date, completed (met
//! or late) when the action is done, closed off when it is cancelled.

use super::{
    ACTION_STATUSES, CANCELLED, DONE, OPEN,
    fields::{self, ActionFields, Owner, TEXT_MAX, ValidAction},
    is_final,
};
use crate::{
    audit::Origin,
    calendar::{end_of_london_day, london_date},
    cases::{
        codes,
        parts::case_form,
        staff_names::user_names,
        timeline::{self, Entry},
        visibility::{self, Viewer},
    },
    deadlines::{dated, state},
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
use entity::{action_plans, cases, deadlines, plan_actions};
use maud::{Markup, html};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    sea_query::Expr,
};
use time::{Date, OffsetDateTime};

/// Why a closed case refuses this.
const CLOSED: &str = "This case is closed: its action plan can no longer be changed. Reopen the case first.";

const NO_PLAN: &str =
    "Agree an action plan with the victim first: actions are added to the plan that stands.";

/// Adds `action` to `plan`: the action, its deadline and the timeline entry (audited).
pub(super) async fn insert(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    origin: &Origin,
    case: &cases::Model,
    plan: &action_plans::Model,
    action: &ValidAction,
    now: OffsetDateTime,
) -> Result<plan_actions::Model, sea_orm::DbErr> {
    let row = plan_actions::Entity::insert(plan_actions::ActiveModel {
        case_id: Set(case.id),
        plan_id: Set(plan.id),
        description: Set(action.description.clone()),
        owner_id: Set(action.owner.id()),
        owner_other: Set(action.owner.other()),
        target_on: Set(action.target_on),
        status: Set(OPEN.to_owned()),
        created_by: Set(viewer.id),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(txn)
    .await?;
    dated::add(
        txn,
        case,
        Stage::PlanAction,
        row.id,
        &row.description,
        row.target_on,
        now,
    )
    .await?;
    let owner = owner_name(txn, &action.owner).await?;
    let body = format!(
        "Action added: “{}”. Owner: {owner}. Target date {}.",
        row.description,
        time_fmt::plain_date(row.target_on)
    );
    timeline::record(
        txn,
        now,
        viewer,
        origin,
        "case.plan_action_added",
        Entry::event(case, "plan-action-added", now, body),
    )
    .await?;
    Ok(row)
}

async fn owner_name(db: &impl ConnectionTrait, owner: &Owner) -> Result<String, sea_orm::DbErr> {
    Ok(match owner {
        Owner::Other(name) => name.clone(),
        Owner::Staff(id) => user_names(db, [Some(*id)]).await?.remove(id).unwrap_or_default(),
    })
}

// ---------------------------------------------------------------------------------------
// Adding an action to the standing plan.

pub async fn add_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Viewed action form").await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let plan = super::standing(&state.db, case.id)
        .await?
        .ok_or(AppError::Conflict(NO_PLAN))?;
    let staff = super::staff(&state.db).await?;
    Ok(add_page(
        &ctx,
        &case,
        &plan,
        &staff,
        &ActionFields::default(),
        &FormErrors::default(),
    ))
}

fn action_from_pairs(pairs: &[(String, String)]) -> ActionFields {
    let mut f = ActionFields::default();
    for (name, value) in pairs {
        f.set("", name, value.clone());
    }
    f
}

pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let plan = super::standing(&state.db, case.id)
        .await?
        .ok_or(AppError::Conflict(NO_PLAN))?;
    let staff = super::staff(&state.db).await?;
    let f = action_from_pairs(&pairs);
    let now = state.now();
    let rules = fields::Rules {
        staff: &staff,
        keep: None,
        earliest: Some((plan.agreed_on, "the date the plan was agreed")),
        today: london_date(now),
    };
    let mut errors = FormErrors::default();
    let Some(valid) = fields::validate(&f, "", "", &rules, &mut errors) else {
        return Ok(forms::invalid(add_page(&ctx, &case, &plan, &staff, &f, &errors)));
    };
    let txn = crate::db::begin(&state.db).await?;
    let held = crate::cases::lock::hold_case(&txn, &case).await?;
    crate::cases::lock::require_open(&held, CLOSED)?;
    let plan = super::standing(&txn, case.id)
        .await?
        .ok_or(AppError::Conflict(NO_PLAN))?;
    insert(&txn, &viewer, &origin, &held, &plan, &valid, now).await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        "Action added to the plan, with its target date as a deadline.",
    )
    .await?;
    Ok(Redirect::to(&format!("/cases/{}#plan", case.reference)).into_response())
}

fn add_page(
    ctx: &Ctx,
    case: &cases::Model,
    plan: &action_plans::Model,
    staff: &[(i32, String)],
    f: &ActionFields,
    errors: &FormErrors,
) -> Markup {
    let before = html! {
        p.body { "The action is added to the plan agreed on " (time_fmt::date(plan.agreed_on)) ". Its target date becomes a deadline on the case." }
    };
    let fields_html = html! {
        (fields::render(f, "", staff, None, errors))
        button.button type="submit" { "Add the action" }
    };
    case_form(
        ctx,
        case,
        "Add an action to the plan",
        "plan/actions",
        errors,
        before,
        fields_html,
    )
}

// ---------------------------------------------------------------------------------------
// Updating an action.

/// The action form as typed.
#[derive(Default, Clone, Debug)]
struct UpdateForm {
    action: ActionFields,
    status: String,
    completed_on: String,
    outcome: String,
    /// Why the target date changed (required when it does).
    reason: String,
    version: String,
}

impl UpdateForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = UpdateForm::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "status" => &mut f.status,
                "completed_on" => &mut f.completed_on,
                "outcome" => &mut f.outcome,
                "reason" => &mut f.reason,
                "version" => &mut f.version,
                _ => {
                    f.action.set("", &name, value);
                    continue;
                }
            };
            *slot = value;
        }
        f
    }

    fn from_action(a: &plan_actions::Model) -> Self {
        UpdateForm {
            action: ActionFields::from_action(a),
            status: a.status.clone(),
            completed_on: crate::web::fields::date_value(a.completed_on),
            outcome: a.outcome.clone().unwrap_or_default(),
            reason: String::new(),
            version: a.version.to_string(),
        }
    }
}

/// An action as its form shows it: the record, its plan's date, its deadline, and names.
struct Shown {
    action: plan_actions::Model,
    plan_agreed_on: Date,
    deadline: Option<deadlines::Model>,
    owner: String,
}

/// The visible, open case and its action `id` (404 for either missing or of another case).
async fn find(db: &impl ConnectionTrait, case: &cases::Model, id: &str) -> AppResult<Shown> {
    let id: i32 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let action = plan_actions::Entity::find_by_id(id)
        .filter(plan_actions::Column::CaseId.eq(case.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan_agreed_on = action_plans::Entity::find_by_id(action.plan_id)
        .one(db)
        .await?
        .map_or(london_date(case.received_at), |p| p.agreed_on);
    let deadline = dated::find(db, case.id, Stage::PlanAction, action.id).await?;
    let owner = match (&action.owner_id, &action.owner_other) {
        (Some(id), _) => user_names(db, [Some(*id)]).await?.remove(id).unwrap_or_default(),
        (None, Some(other)) => other.clone(),
        (None, None) => String::new(),
    };
    Ok(Shown {
        action,
        plan_agreed_on,
        deadline,
        owner,
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Viewed action form").await?;
    let shown = find(&state.db, &case, &id).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let staff = super::staff(&state.db).await?;
    let f = UpdateForm::from_action(&shown.action);
    Ok(edit_page(
        &ctx,
        &case,
        &shown,
        &staff,
        &f,
        state.now(),
        false,
        &FormErrors::default(),
    ))
}

/// What a valid update changes.
struct Valid {
    action: ValidAction,
    status: &'static str,
    completed_on: Option<Date>,
    outcome: Option<String>,
    /// The reason for a changed target date.
    reason: Option<String>,
}

fn validate(
    f: &UpdateForm,
    shown: &Shown,
    staff: &[(i32, String)],
    case: &cases::Model,
    now: OffsetDateTime,
    errors: &mut FormErrors,
) -> Option<Valid> {
    let a = &shown.action;
    let today = london_date(now);
    let rules = fields::Rules {
        staff,
        keep: a.owner_id,
        earliest: Some((shown.plan_agreed_on, "the date the plan was agreed")),
        today,
    };
    let action = fields::validate(&f.action, "", "", &rules, errors);
    let status = codes::find(&ACTION_STATUSES, &f.status);
    let final_label = super::action_status_label(&a.status).to_lowercase();
    match status {
        None => errors.add("status", "Choose the action's status"),
        Some(s) if is_final(&a.status) && s != a.status => errors.add(
            "status",
            format!(
                "This action is {final_label}, which is final: its status cannot change. Add a new action if more needs doing"
            ),
        ),
        Some(_) => {}
    }
    let target_changed = action.as_ref().is_some_and(|v| v.target_on != a.target_on);
    if target_changed && is_final(&a.status) {
        errors.add(
            "target_on",
            format!("This action is {final_label}: its target date can no longer change"),
        );
    }
    let reason = f.reason.trim();
    let reason = if !target_changed {
        None
    } else if reason.is_empty() {
        errors.add("reason", "Give the reason the target date changed");
        None
    } else if reason.chars().count() > TEXT_MAX {
        errors.add("reason", format!("Keep the reason under {TEXT_MAX} characters"));
        None
    } else {
        Some(reason.to_owned())
    };
    let completed_on = match status {
        Some(DONE) => match time_fmt::parse_date(&f.completed_on) {
            None => {
                errors.add(
                    "completed_on",
                    "Enter the date the action was completed as YYYY-MM-DD",
                );
                None
            }
            Some(d) if d > today => {
                errors.add("completed_on", "The date completed cannot be in the future");
                None
            }
            Some(d) if d < london_date(case.received_at) => {
                errors.add(
                    "completed_on",
                    "The date completed cannot be before the case's first report",
                );
                None
            }
            Some(d) if a.status == DONE && Some(d) != a.completed_on => {
                errors.add(
                    "completed_on",
                    "This action is done, which is final: its date completed can no longer change",
                );
                None
            }
            Some(d) => Some(d),
        },
        _ => {
            if !f.completed_on.trim().is_empty() {
                errors.add(
                    "completed_on",
                    "Leave the date completed empty unless the action is done",
                );
            }
            None
        }
    };
    let outcome = f.outcome.trim();
    let outcome = if outcome.chars().count() > TEXT_MAX {
        errors.add("outcome", format!("Keep the outcome under {TEXT_MAX} characters"));
        None
    } else if outcome.is_empty() {
        match status {
            Some(DONE) => errors.add("outcome", "Say what the outcome was"),
            Some(CANCELLED) => errors.add("outcome", "Say why the action was cancelled"),
            _ => {}
        }
        None
    } else {
        Some(outcome.to_owned())
    };
    if !errors.is_empty() {
        return None;
    }
    Some(Valid {
        action: action?,
        status: status?,
        completed_on,
        outcome,
        reason,
    })
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let shown = find(&state.db, &case, &id).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let staff = super::staff(&state.db).await?;
    let f = UpdateForm::from_pairs(pairs);
    let now = state.now();
    if f.version.trim().parse::<i32>().ok() != Some(shown.action.version) {
        return Ok(stale(&ctx, &case, &shown, &staff, f, now));
    }
    let mut errors = FormErrors::default();
    let Some(valid) = validate(&f, &shown, &staff, &case, now, &mut errors) else {
        return Ok(forms::invalid(edit_page(
            &ctx, &case, &shown, &staff, &f, now, false, &errors,
        )));
    };
    let a = &shown.action;
    let txn = crate::db::begin(&state.db).await?;
    let held = crate::cases::lock::hold_case(&txn, &case).await?;
    crate::cases::lock::require_open(&held, CLOSED)?;
    // Only the version the form was built from changes: two people editing at once cannot
    // both succeed.
    let claimed = plan_actions::Entity::update_many()
        .col_expr(
            plan_actions::Column::Description,
            Expr::value(valid.action.description.clone()),
        )
        .col_expr(
            plan_actions::Column::OwnerId,
            Expr::value(valid.action.owner.id()),
        )
        .col_expr(
            plan_actions::Column::OwnerOther,
            Expr::value(valid.action.owner.other()),
        )
        .col_expr(
            plan_actions::Column::TargetOn,
            Expr::value(valid.action.target_on),
        )
        .col_expr(plan_actions::Column::Status, Expr::value(valid.status))
        .col_expr(plan_actions::Column::CompletedOn, Expr::value(valid.completed_on))
        .col_expr(plan_actions::Column::Outcome, Expr::value(valid.outcome.clone()))
        .col_expr(plan_actions::Column::UpdatedBy, Expr::value(Some(viewer.id)))
        .col_expr(plan_actions::Column::UpdatedAt, Expr::value(Some(now)))
        .col_expr(plan_actions::Column::Version, Expr::value(a.version + 1))
        .filter(plan_actions::Column::Id.eq(a.id))
        .filter(plan_actions::Column::Version.eq(a.version))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        drop(txn);
        let shown = find(&state.db, &case, &id).await?;
        return Ok(stale(&ctx, &case, &shown, &staff, f, now));
    }
    let mut changes: Vec<String> = vec![];
    if valid.action.description != a.description {
        changes.push(format!("description now “{}”", valid.action.description));
    }
    let new_owner = (valid.action.owner.id(), valid.action.owner.other());
    if new_owner != (a.owner_id, a.owner_other.clone()) {
        let name = owner_name(&txn, &valid.action.owner).await?;
        changes.push(format!("owner now {name}"));
    }
    let deadline = dated::find(&txn, case.id, Stage::PlanAction, a.id).await?;
    if let Some(d) = &deadline
        && valid.action.description != a.description
    {
        dated::retitle(&txn, d, &valid.action.description).await?;
    }
    let mut deadline = deadline;
    if valid.action.target_on != a.target_on {
        let reason = valid.reason.clone().unwrap_or_default();
        changes.push(format!(
            "target date {} → {} ({reason})",
            time_fmt::plain_date(a.target_on),
            time_fmt::plain_date(valid.action.target_on)
        ));
        if let Some(d) = &deadline
            && dated::move_to(&txn, d, valid.action.target_on, &reason, viewer.id, now).await?
        {
            // Read again: completing it below needs the version just written.
            deadline = dated::find(&txn, case.id, Stage::PlanAction, a.id).await?;
        }
    }
    if valid.status != a.status {
        let mut change = format!(
            "status {} → {}",
            super::action_status_label(&a.status).to_lowercase(),
            super::action_status_label(valid.status).to_lowercase()
        );
        match (valid.status, deadline) {
            (DONE, Some(d)) => {
                let day = valid.completed_on.unwrap_or_else(|| london_date(now));
                let at = now.min(end_of_london_day(day));
                if let Some(done) = dated::complete(&txn, &held, d, at, viewer.id, now).await? {
                    let verdict = state::state(&done, now).label().to_lowercase();
                    change.push_str(&format!(" ({verdict})"));
                }
            }
            (CANCELLED, Some(d)) => {
                let reason = valid.outcome.clone().unwrap_or_default();
                dated::close_off(&txn, &d, &reason, viewer.id, now).await?;
            }
            _ => {}
        }
        changes.push(change);
    }
    if let Some(on) = valid.completed_on
        && a.completed_on != Some(on)
    {
        changes.push(format!("completed on {}", time_fmt::plain_date(on)));
    }
    if valid.outcome != a.outcome
        && let Some(outcome) = &valid.outcome
    {
        changes.push(format!("outcome: {outcome}"));
    }
    let body = if changes.is_empty() {
        format!("Action “{}” saved without changes.", valid.action.description)
    } else {
        format!("Action “{}”: {}.", a.description, changes.join("; "))
    };
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.plan_action_updated",
        Entry::event(&held, "plan-action-updated", now, body),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, "Action updated.").await?;
    Ok(Redirect::to(&format!("/cases/{}#plan", case.reference)).into_response())
}

/// Someone changed the action since the form was built: the form again, with the action
/// as it now is shown above and what they typed kept.
fn stale(
    ctx: &Ctx,
    case: &cases::Model,
    shown: &Shown,
    staff: &[(i32, String)],
    f: UpdateForm,
    now: OffsetDateTime,
) -> Response {
    let mut errors = FormErrors::default();
    errors.add(
        "description",
        "Someone else changed this action while you were editing. It is shown above as it is now; what you typed is still in the form. Check both, then save again",
    );
    let f = UpdateForm {
        version: shown.action.version.to_string(),
        ..f
    };
    forms::stale(edit_page(ctx, case, shown, staff, &f, now, true, &errors))
}

#[allow(clippy::too_many_arguments)]
fn edit_page(
    ctx: &Ctx,
    case: &cases::Model,
    shown: &Shown,
    staff: &[(i32, String)],
    f: &UpdateForm,
    now: OffsetDateTime,
    conflict: bool,
    errors: &FormErrors,
) -> Markup {
    let a = &shown.action;
    let statuses = code_choices(&ACTION_STATUSES, &[f.status.trim()]);
    let current = a.owner_id.map(|id| (id, shown.owner.as_str()));
    let before = html! {
        div.inset-text id="current-action" {
            @if conflict { h2.heading-m { "The action as it is now (saved)" } }
            dl.summary-list {
                div.summary-list__row { dt.summary-list__key { "Action" } dd.summary-list__value { (a.description) } }
                div.summary-list__row { dt.summary-list__key { "Owner" } dd.summary-list__value { (shown.owner) } }
                div.summary-list__row { dt.summary-list__key { "Target date" } dd.summary-list__value { (time_fmt::date(a.target_on)) } }
                div.summary-list__row { dt.summary-list__key { "Status" } dd.summary-list__value {
                    (super::case_panel::action_tag(a, shown.deadline.as_ref(), now))
                } }
                @if let Some(on) = a.completed_on {
                    div.summary-list__row { dt.summary-list__key { "Completed" } dd.summary-list__value { (time_fmt::date(on)) } }
                }
                @if let Some(outcome) = &a.outcome {
                    div.summary-list__row { dt.summary-list__key { "Outcome" } dd.summary-list__value { (outcome) } }
                }
            }
        }
        @if is_final(&a.status) {
            p.body { "This action is " (super::action_status_label(&a.status).to_lowercase()) ": done and cancelled actions are final. You can still correct its description, owner and outcome." }
        }
    };
    let fields_html = html! {
        input type="hidden" name="version" value=(f.version);
        (fields::render(&f.action, "", staff, current, errors))
        (textarea("reason", "Reason the target date changed", Some("Needed only when you change the target date. The original date is kept for reporting."), &f.reason, errors))
        (radios("status", "Status", Some("Done and cancelled are final."), &statuses, errors))
        (Input::text("completed_on", "Date completed", &f.completed_on).kind("date").narrow().hint("Needed when the action is done.").render(errors))
        (textarea("outcome", "Outcome", Some("Needed when the action is done (what it achieved) or cancelled (why)."), &f.outcome, errors))
        button.button type="submit" { "Save the action" }
    };
    case_form(
        ctx,
        case,
        "Update an action",
        &format!("plan/actions/{}", a.id),
        errors,
        before,
        fields_html,
    )
}
