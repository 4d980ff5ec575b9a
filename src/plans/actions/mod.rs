//! The actions of a case's action plan: adding one to the standing plan, and updating one
//! (description, owner, status, date completed, outcome, target date). Each action's
//! target date is a dated deadline on the case, kept in step: retitled with the
//! description, moved (an extension, with a reason) with the target date, completed (met
//! or late) when the action is done, closed off when it is cancelled.

use crate::cases::events::EventKind;
mod form;
pub mod store;
mod view;

use crate::plans::{
    CANCELLED, DONE,
    fields::{self, ActionFields},
};
use crate::{
    audit::Origin,
    calendar::{end_of_london_day, london_date},
    cases::{
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
        forms::{self, FormErrors},
        time_fmt,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{cases, plan_actions};
use maud::Markup;
use sea_orm::{EntityTrait, sea_query::Expr};
use time::OffsetDateTime;

use form::{UpdateForm, action_from_pairs, validate};
use store::{Shown, find, insert, owner_name};
use view::{add_page, edit_page};
/// Why a closed case refuses this.
const CLOSED: &str = "This case is closed: its action plan can no longer be changed. Reopen the case first.";

const NO_PLAN: &str =
    "Agree an action plan with the victim first: actions are added to the plan that stands.";

pub async fn add_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Viewed action form").await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let plan = crate::plans::standing(&state.db, case.id)
        .await?
        .ok_or(AppError::Conflict(NO_PLAN))?;
    let staff = crate::plans::staff(&state.db).await?;
    Ok(add_page(
        &ctx,
        &case,
        &plan,
        &staff,
        &ActionFields::default(),
        &FormErrors::default(),
    ))
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
    let plan = crate::plans::standing(&state.db, case.id)
        .await?
        .ok_or(AppError::Conflict(NO_PLAN))?;
    let staff = crate::plans::staff(&state.db).await?;
    let f = action_from_pairs(&pairs);
    let now = state.now();
    let rules = fields::Rules {
        staff: &staff,
        keep: None,
        earliest: Some((plan.agreed_on, "the date the plan was agreed")),
        today: london_date(now),
    };
    let valid = match fields::validate(&f, "", "", &rules) {
        Ok(valid) => valid,
        Err(errors) => {
            return Ok(forms::invalid(add_page(&ctx, &case, &plan, &staff, &f, &errors)));
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    let held = crate::cases::lock::hold_case(&txn, &case).await?;
    crate::cases::lock::require_open(&held, CLOSED)?;
    let plan = crate::plans::standing(&txn, case.id)
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
    let staff = crate::plans::staff(&state.db).await?;
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
    let staff = crate::plans::staff(&state.db).await?;
    let f = UpdateForm::from_pairs(pairs);
    let now = state.now();
    if !forms::same_version(&f.version, shown.action.version) {
        return Ok(stale(&ctx, &case, &shown, &staff, f, now));
    }
    let valid = match validate(&f, &shown, &staff, &case, now) {
        Ok(valid) => valid,
        Err(errors) => {
            return Ok(forms::invalid(edit_page(
                &ctx, &case, &shown, &staff, &f, now, false, &errors,
            )));
        }
    };
    let a = &shown.action;
    let txn = crate::db::begin(&state.db).await?;
    let held = crate::cases::lock::hold_case(&txn, &case).await?;
    crate::cases::lock::require_open(&held, CLOSED)?;
    // Only the version the form was built from changes: two people editing at once cannot
    // both succeed.
    let claimed = crate::db::versioned::save_if_unchanged(
        &txn,
        plan_actions::Entity::update_many()
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
            .col_expr(plan_actions::Column::UpdatedAt, Expr::value(Some(now))),
        a.id,
        a.version,
    )
    .await?;
    if !claimed {
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
            crate::plans::action_status_label(&a.status).to_lowercase(),
            crate::plans::action_status_label(valid.status).to_lowercase()
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
        Entry::event(&held, EventKind::PlanActionUpdated, now, body),
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
