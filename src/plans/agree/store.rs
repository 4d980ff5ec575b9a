//! Action plans in the database: who recorded the standing plan, and everything one
//! agreement writes (the plan, the case's agreed contact frequency and its re-planned
//! update deadline, the action-plan deadline completed, the timeline entry, the first
//! actions).

use super::{
    CLOSED,
    form::{PlanForm, Valid, validate},
};
use crate::cases::events::EventKind;
use crate::cases::timeline::Actor;
use crate::{
    audit::Origin,
    calendar::end_of_london_day,
    cases::{
        staff_names::user_names,
        timeline::{self, Entry},
        visibility::Viewer,
    },
    deadlines::{
        schedule::{self, Done, Rules},
        state,
    },
    error::AppResult,
    procedure::Stage,
    state::AppState,
    web::{forms::FormErrors, time_fmt},
};
use entity::{action_plans, cases, deadlines};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use time::OffsetDateTime;

/// The standing plan and the name of whoever recorded it.
pub(super) async fn with_author(
    state: &AppState,
    plan: Option<action_plans::Model>,
) -> AppResult<Option<(action_plans::Model, String)>> {
    let Some(plan) = plan else { return Ok(None) };
    let names = user_names(&state.db, [Some(plan.created_by)]).await?;
    let by = names.get(&plan.created_by).cloned().unwrap_or_default();
    Ok(Some((plan, by)))
}

/// Agrees a case's first plan from `pairs` (the fields as the form sends them) on open
/// `case`, through the form's checks and the same write: how the demo landlord records
/// plans. The form's errors when it would refuse them.
pub async fn agree_first(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    pairs: Vec<(String, String)>,
) -> AppResult<Result<cases::Model, FormErrors>> {
    let f = PlanForm::from_pairs(pairs);
    let staff = crate::plans::staff(txn).await?;
    let valid = match validate(&f, case, None, &staff, by.now) {
        Ok(valid) => valid,
        Err(errors) => return Ok(Err(errors)),
    };
    let held = crate::cases::lock::hold_case(txn, case).await?;
    crate::cases::lock::require_open(&held, CLOSED)?;
    if crate::plans::standing(txn, case.id).await?.is_some() {
        return Err(crate::error::AppError::Conflict(
            "This case has a plan already: revise it instead.",
        ));
    }
    Ok(Ok(
        write(txn, by.viewer, by.origin, held, &valid, false, by.now).await?
    ))
}

/// Everything one agreement writes, in the caller's transaction; returns the case as it
/// now stands.
pub(super) async fn write(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    origin: &Origin,
    case: cases::Model,
    v: &Valid,
    revision: bool,
    now: OffsetDateTime,
) -> AppResult<cases::Model> {
    let plan = action_plans::Entity::insert(action_plans::ActiveModel {
        case_id: Set(case.id),
        agreed_on: Set(v.agreed_on),
        copy_given_how: Set(v.copy_given_how.to_owned()),
        copy_given_on: Set(v.copy_given_on),
        contact_every_unit: Set(v.every.unit.code().to_owned()),
        contact_every_amount: Set(v.every.amount as i32),
        contact_channel: Set(v.channel.to_owned()),
        interpreter_language: Set(v.interpreter_language.clone()),
        communication_needs: Set(v.communication_needs.clone()),
        notes: Set(v.notes.clone()),
        created_by: Set(viewer.id),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(txn)
    .await?;
    // The agreed frequency drives the case's regular-update deadline.
    cases::Entity::update_many()
        .col_expr(
            cases::Column::ContactEveryUnit,
            Expr::value(Some(v.every.unit.code().to_owned())),
        )
        .col_expr(
            cases::Column::ContactEveryAmount,
            Expr::value(Some(v.every.amount as i32)),
        )
        .col_expr(cases::Column::UpdatedAt, Expr::value(now))
        .filter(cases::Column::Id.eq(case.id))
        .exec(txn)
        .await?;
    let case = cases::Model {
        contact_every_unit: Some(v.every.unit.code().to_owned()),
        contact_every_amount: Some(v.every.amount as i32),
        updated_at: now,
        ..case
    };
    schedule::replan_open(txn, &case, Some(Stage::VictimUpdate)).await?;
    // Agreeing the plan is the action-plan stage's activity: done at the end of the day
    // agreed (or now, if that is still to come).
    let agreed_at = now.min(end_of_london_day(v.agreed_on));
    let verdict = complete_plan_deadline(txn, &case, agreed_at, viewer.id, now).await?;
    let mut body = format!(
        "Action plan {} with the victim on {}. Contact every {} by {}. Copy given: {}",
        if revision { "revised" } else { "agreed" },
        time_fmt::plain_date(v.agreed_on),
        v.every.describe(),
        crate::plans::channel_label(v.channel).to_lowercase(),
        crate::plans::copy_given_label(v.copy_given_how).to_lowercase(),
    );
    if let Some(on) = v.copy_given_on {
        body.push_str(&format!(" on {}", time_fmt::plain_date(on)));
    }
    body.push('.');
    if let Some(language) = &v.interpreter_language {
        body.push_str(&format!(" Interpreter: {language}."));
    }
    if let Some(verdict) = verdict {
        body.push_str(&format!(" Action plan deadline {verdict}."));
    }
    timeline::record(
        txn,
        now,
        viewer,
        origin,
        "case.plan_agreed",
        Entry::event(&case, EventKind::PlanAgreed, agreed_at, body),
    )
    .await?;
    for action in &v.actions {
        crate::plans::actions::store::insert(txn, viewer, origin, &case, &plan, action, now).await?;
    }
    Ok(case)
}

/// Completes the case's first open action-plan deadline at `at` (unless `at` is before the
/// event it counts from); "met" or "late" when it did.
async fn complete_plan_deadline(
    txn: &DatabaseTransaction,
    case: &cases::Model,
    at: OffsetDateTime,
    by: i32,
    now: OffsetDateTime,
) -> AppResult<Option<&'static str>> {
    let open = deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case.id))
        .filter(deadlines::Column::Stage.eq(Stage::ActionPlan.code()))
        .filter(deadlines::Column::Status.eq(state::OPEN))
        .order_by_asc(deadlines::Column::Occurrence)
        .order_by_asc(deadlines::Column::Id)
        .one(txn)
        .await?;
    let Some(d) = open.filter(|d| at >= d.anchored_at) else {
        return Ok(None);
    };
    let rules = Rules::for_case(txn, case).await?;
    let done = Done {
        at,
        by,
        note: None,
        now,
    };
    Ok(schedule::complete(txn, &rules, case, d, done)
        .await?
        .map(|d| match state::state(&d, now) {
            state::State::Met => "met",
            _ => "late",
        }))
}
