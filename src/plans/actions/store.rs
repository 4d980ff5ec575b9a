//! Plan actions in the database: adding one with its deadline and timeline entry, the
//! owner's name, and finding one on a case.

use crate::cases::events::EventKind;
use crate::plans::{
    OPEN,
    fields::{Owner, ValidAction},
};
use crate::{
    audit::Origin,
    calendar::london_date,
    cases::{
        staff_names::user_names,
        timeline::{self, Entry},
        visibility::Viewer,
    },
    deadlines::dated,
    error::{AppError, AppResult},
    procedure::Stage,
    web::time_fmt,
};
use entity::{action_plans, cases, deadlines, plan_actions};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};
use time::{Date, OffsetDateTime};

/// Adds `action` to `plan`: the action, its deadline and the timeline entry (audited).
pub async fn insert(
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
        Entry::event(case, EventKind::PlanActionAdded, now, body),
    )
    .await?;
    Ok(row)
}

pub(super) async fn owner_name(db: &impl ConnectionTrait, owner: &Owner) -> Result<String, sea_orm::DbErr> {
    Ok(match owner {
        Owner::Other(name) => name.clone(),
        Owner::Staff(id) => user_names(db, [Some(*id)]).await?.remove(id).unwrap_or_default(),
    })
}

/// An action as its form shows it: the record, its plan's date, its deadline, and names.
pub(super) struct Shown {
    pub(super) action: plan_actions::Model,
    pub(super) plan_agreed_on: Date,
    pub(super) deadline: Option<deadlines::Model>,
    pub(super) owner: String,
}

/// The visible, open case and its action `id` (404 for either missing or of another case).
pub(super) async fn find(db: &impl ConnectionTrait, case: &cases::Model, id: &str) -> AppResult<Shown> {
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
