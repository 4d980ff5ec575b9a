//! Post-closure checks in the database: stored against the case's latest closure, and
//! completing its post-closure check deadline (the form and the importer).

use crate::cases::events::EventKind;
use crate::{
    calendar::london_date,
    cases::{
        codes::{SATISFACTION, label},
        timeline::{self, Actor, Entry},
    },
    deadlines::{
        schedule::{self, Done, Rules},
        state,
    },
    procedure::Stage,
};
use entity::{case_closures, cases, deadlines, satisfaction_checks};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use time::OffsetDateTime;

/// A post-closure check, checked.
pub struct Check {
    pub checked_on: time::Date,
    pub handling: &'static str,
    pub outcome: &'static str,
    pub notes: Option<String>,
    pub by: i32,
}

/// Stores the check against the case's latest closure, completes its post-closure check
/// deadline and records it on the timeline.
pub(super) async fn record(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    check: &Check,
) -> Result<(), DbErr> {
    let now = by.now;
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
    let (at, body) = store_against(txn, case, closure.map(|c| c.id), due, check, now).await?;
    timeline::record(
        txn,
        now,
        by.viewer,
        by.origin,
        "case.satisfaction_recorded",
        Entry::event(case, EventKind::SatisfactionRecorded, at, body),
    )
    .await
}

/// Stores the check against the closure `closure_id` and completes `due`, the case's open
/// post-closure check deadline if it has one (a caller that just made both knows them).
/// Returns when it counts as done and the timeline's line about it.
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
