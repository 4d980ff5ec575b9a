//! Action plans agreed with the victim: date agreed, copy given, agreed contact frequency
//! and channel (which sets the regular-update deadline), communication needs, and actions
//! with owner, target date (a dated deadline), status and outcome.
//!
//! Each agreement or revision is a row of `action_plans`; the latest (by date agreed, then
//! id) stands. Actions belong to the case and outlive revisions; each action's target date
//! is a deadline (`Stage::PlanAction`, occurrence = the action's id).

mod actions;
pub mod agree;
pub mod case_panel;
mod fields;

use crate::{
    auth::policy::{Permission, allows},
    cases::codes::{self, Code},
    web::route::Route,
};
use entity::{Role, action_plans, users};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Iterable, QueryFilter, QueryOrder, QuerySelect,
};

/// The copy-given code for "no copy given yet" (no date given then).
pub const NOT_GIVEN: &str = "not-given";

/// How the victim was given a copy of the plan.
pub const COPY_GIVEN: [Code; 5] = [
    ("in-person", "Handed over in person"),
    ("post", "By post"),
    ("email", "By email"),
    ("other", "Another way"),
    (NOT_GIVEN, "Not given yet"),
];

/// How the victim agreed to be contacted.
pub const CHANNELS: [Code; 6] = [
    ("phone", "Phone call"),
    ("visit", "Home visit"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("text", "Text message"),
    ("video", "Video call"),
];

pub const OPEN: &str = "open";
pub const DONE: &str = "done";
pub const CANCELLED: &str = "cancelled";

pub const ACTION_STATUSES: [Code; 3] = [(OPEN, "Open"), (DONE, "Done"), (CANCELLED, "Cancelled")];

/// "Handed over in person", … (the code itself for one no longer listed).
pub fn copy_given_label(code: &str) -> &str {
    codes::label(&COPY_GIVEN, code)
}

/// "Phone call", …
pub fn channel_label(code: &str) -> &str {
    codes::label(&CHANNELS, code)
}

/// "Open", "Done", "Cancelled".
pub fn action_status_label(code: &str) -> &str {
    codes::label(&ACTION_STATUSES, code)
}

/// Done and cancelled actions are final: their status, dates and deadline no longer change.
pub fn is_final(status: &str) -> bool {
    status == DONE || status == CANCELLED
}

pub fn routes() -> Vec<Route> {
    use Permission::ManagePlans;
    vec![
        Route::get("/cases/{reference}/plan/new", ManagePlans, agree::form),
        Route::post("/cases/{reference}/plan", ManagePlans, agree::save),
        Route::get(
            "/cases/{reference}/plan/actions/new",
            ManagePlans,
            actions::add_form,
        ),
        Route::post("/cases/{reference}/plan/actions", ManagePlans, actions::add),
        Route::get(
            "/cases/{reference}/plan/actions/{id}",
            ManagePlans,
            actions::edit_form,
        ),
        Route::post(
            "/cases/{reference}/plan/actions/{id}",
            ManagePlans,
            actions::update,
        ),
    ]
}

/// The plan that stands on the case: the latest agreed (then the latest recorded).
pub async fn standing(db: &impl ConnectionTrait, case_id: i32) -> Result<Option<action_plans::Model>, DbErr> {
    action_plans::Entity::find()
        .filter(action_plans::Column::CaseId.eq(case_id))
        .order_by_desc(action_plans::Column::AgreedOn)
        .order_by_desc(action_plans::Column::Id)
        .one(db)
        .await
}

/// Every agreement on the case, the standing one first.
pub async fn agreements(db: &impl ConnectionTrait, case_id: i32) -> Result<Vec<action_plans::Model>, DbErr> {
    action_plans::Entity::find()
        .filter(action_plans::Column::CaseId.eq(case_id))
        .order_by_desc(action_plans::Column::AgreedOn)
        .order_by_desc(action_plans::Column::Id)
        .all(db)
        .await
}

/// Active staff who work cases (whom the access policy lets see cases; administrators do
/// not), by name: who may own an action.
pub async fn staff(db: &impl ConnectionTrait) -> Result<Vec<(i32, String)>, DbErr> {
    let roles: Vec<Role> = Role::iter()
        .filter(|r| allows(*r, Permission::ViewCases))
        .collect();
    users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Role.is_in(roles))
        .order_by_asc(users::Column::DisplayName)
        .order_by_asc(users::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Closing the case settled the action's deadline (`done`, or not applicable / waived with
/// `reason`): the open action follows, so the plan does not show an open action with a
/// settled deadline. Runs in the closing transaction.
pub async fn settle_at_closure(
    db: &impl ConnectionTrait,
    case_id: i32,
    action_id: i32,
    done: bool,
    reason: &str,
    by: i32,
    now: time::OffsetDateTime,
) -> Result<(), DbErr> {
    use entity::plan_actions;
    use sea_orm::sea_query::{Expr, ExprTrait};
    let (status, completed_on) = if done {
        (DONE, Some(crate::calendar::london_date(now)))
    } else {
        (CANCELLED, None)
    };
    plan_actions::Entity::update_many()
        .col_expr(plan_actions::Column::Status, Expr::value(status))
        .col_expr(plan_actions::Column::CompletedOn, Expr::value(completed_on))
        .col_expr(
            plan_actions::Column::Outcome,
            Expr::value(Some(reason.to_owned())),
        )
        .col_expr(plan_actions::Column::UpdatedBy, Expr::value(Some(by)))
        .col_expr(plan_actions::Column::UpdatedAt, Expr::value(Some(now)))
        .col_expr(
            plan_actions::Column::Version,
            Expr::col(plan_actions::Column::Version).add(1),
        )
        .filter(plan_actions::Column::Id.eq(action_id))
        .filter(plan_actions::Column::CaseId.eq(case_id))
        .filter(plan_actions::Column::Status.eq(OPEN))
        .exec(db)
        .await?;
    Ok(())
}
