//! Retention for the audit trail itself: events older than the retention period are
//! summarised, not edited. Each whole London calendar month before the cutoff becomes one
//! `audit_periods` row (its events' count per action and the chain's link through them:
//! the first event's previous hash and the last event's hash), and its events are deleted,
//! in one transaction per month. The chain stays verifiable: it is anchored per period, so
//! `verify` checks the summaries are contiguous from event 1 and starts from the newest
//! one's closing hash. A month's events are checked before they are summarised: a broken
//! chain is never summarised away.

use super::{
    Actor, Event, Origin,
    chain::{self, ChainBreak},
};
use entity::{audit_anchors, audit_events, audit_periods};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};
use time_tz::{OffsetDateTimeExt, PrimitiveDateTimeExt, timezones::db::europe::LONDON};

/// Years after which audit events are summarised, until the landlord's retention setting
/// is passed in.
pub const DEFAULT_RETENTION_YEARS: u32 = super::chain::SUMMARY_FLOOR_YEARS;

/// What one call of [`summarise_older_than`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summarised {
    pub periods: u64,
    pub events: u64,
}

/// The start (UTC) of the London month `years` before `now`: events before it are older
/// than the retention period, counted in whole months.
pub fn cutoff(now: OffsetDateTime, years: u32) -> OffsetDateTime {
    let today = now.to_timezone(LONDON).date();
    let year = today.year() - i32::try_from(years).unwrap_or(i32::MAX / 2).min(9000);
    let first = Date::from_calendar_date(year, today.month(), 1).unwrap_or(Date::MIN);
    PrimitiveDateTime::new(first, Time::MIDNIGHT)
        .assume_timezone_utc(LONDON)
        .to_offset(time::UtcOffset::UTC)
}

/// "2020-03": the London month of `at`.
fn month_of(at: OffsetDateTime) -> (i32, Month) {
    let d = at.to_timezone(LONDON).date();
    (d.year(), d.month())
}

fn label((year, month): (i32, Month)) -> String {
    format!("{year:04}-{:02}", month as u8)
}

/// Summarises every whole London month of events older than `years` before `now`, oldest
/// first, one transaction per month. Err(break) when the events to summarise do not hold
/// (nothing of that month is changed).
pub async fn summarise_older_than(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    years: u32,
) -> Result<Result<Summarised, ChainBreak>, DbErr> {
    // Never younger than the floor `verify` holds summaries to.
    let years = years.max(super::chain::SUMMARY_FLOOR_YEARS);
    let before = cutoff(now, years);
    let mut done = Summarised::default();
    loop {
        match summarise_one_month(db, now, before, years).await? {
            Ok(Some(events)) => {
                done.periods += 1;
                done.events += events;
            }
            Ok(None) => return Ok(Ok(done)),
            Err(b) => return Ok(Err(b)),
        }
    }
}

/// The oldest remaining month before `before`, summarised. Ok(None) when there is none.
async fn summarise_one_month(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    before: OffsetDateTime,
    years: u32,
) -> Result<Result<Option<u64>, ChainBreak>, DbErr> {
    const PAGE: u64 = 1000;
    let txn = crate::db::begin(db).await?;
    crate::db::lock_for_transaction(&txn, crate::db::Lock::AuditChain).await?;
    let (first_id, first_prev) = match chain::verify_periods(&txn).await? {
        Ok(start) => start,
        Err(b) => return Ok(Err(b)),
    };
    let mut expected = first_id;
    let mut prev = first_prev.clone();
    let mut month = None;
    let mut actions: BTreeMap<String, i64> = BTreeMap::new();
    let (mut from_at, mut to_at) = (None::<OffsetDateTime>, None::<OffsetDateTime>);
    'pages: loop {
        let rows = audit_events::Entity::find()
            .filter(audit_events::Column::Id.gte(expected))
            .order_by_asc(audit_events::Column::Id)
            .limit(PAGE)
            .all(&txn)
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            // Clocks of several instances may differ a little: an event stamped in an
            // earlier month than the one before it stays in the later month.
            let row_month = month_of(row.at);
            if row.at >= before || month.is_some_and(|m| row_month > m) {
                break 'pages;
            }
            let broken = |reason| Ok(Err(ChainBreak { id: row.id, reason }));
            if row.id != expected {
                return Ok(Err(ChainBreak {
                    id: expected,
                    reason: "row missing (ids are not consecutive)",
                }));
            }
            if row.prev_hash != prev {
                return broken("previous-hash link does not match the row before");
            }
            if chain::hash_of(&row) != row.hash {
                return broken("row content does not match its hash (edited)");
            }
            month.get_or_insert(row_month);
            *actions.entry(row.action).or_default() += 1;
            from_at = Some(from_at.map_or(row.at, |f| f.min(row.at)));
            to_at = Some(to_at.map_or(row.at, |t| t.max(row.at)));
            prev = row.hash;
            expected += 1;
        }
    }
    let (Some(month), Some(from_at), Some(to_at)) = (month, from_at, to_at) else {
        return Ok(Ok(None));
    };
    let last_id = expected - 1;
    let events = last_id - first_id + 1;
    let mut period = audit_periods::Model {
        first_id,
        last_id,
        from_at,
        to_at,
        month: label(month),
        events,
        actions: serde_json::to_string(&actions).unwrap_or_default(),
        prev_hash: first_prev,
        last_hash: prev,
        hash: String::new(),
        summarised_at: now,
    };
    period.hash = chain::period_hash(&period);
    audit_periods::Entity::insert(audit_periods::ActiveModel {
        first_id: Set(period.first_id),
        last_id: Set(period.last_id),
        from_at: Set(period.from_at),
        to_at: Set(period.to_at),
        month: Set(period.month.clone()),
        events: Set(period.events),
        actions: Set(period.actions),
        prev_hash: Set(period.prev_hash),
        last_hash: Set(period.last_hash),
        hash: Set(period.hash),
        summarised_at: Set(period.summarised_at),
    })
    .exec_without_returning(&txn)
    .await?;
    audit_events::Entity::delete_many()
        .filter(audit_events::Column::Id.between(first_id, last_id))
        .exec(&txn)
        .await?;
    // Daily anchors inside the period are superseded by its closing hash.
    audit_anchors::Entity::delete_many()
        .filter(audit_anchors::Column::LastId.between(first_id, last_id))
        .exec(&txn)
        .await?;
    super::record(
        &txn,
        now,
        &Actor::named("audit retention"),
        &Origin::default(),
        Event::new(
            "audit.summarised",
            format!(
                "Events {first_id} to {last_id} ({}, {events} events) summarised: older than the retention period ({years} years)",
                period.month
            ),
        )
        .on("audit_period", first_id),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(Some(events as u64)))
}

/// The newest summarised period's end, for the audit page: events up to then are kept as
/// monthly counts only.
pub async fn summarised_until(db: &DatabaseConnection) -> Result<Option<OffsetDateTime>, DbErr> {
    audit_periods::Entity::find()
        .select_only()
        .column(audit_periods::Column::ToAt)
        .order_by_desc(audit_periods::Column::LastId)
        .into_tuple()
        .one(db)
        .await
}

/// How many months are summarised.
pub async fn count(db: &DatabaseConnection) -> Result<u64, DbErr> {
    audit_periods::Entity::find().count(db).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_cutoff_is_the_start_of_the_london_month_years_ago() {
        assert_eq!(
            cutoff(datetime!(2026-11-23 09:00 UTC), 6),
            datetime!(2020-11-01 00:00 UTC)
        );
        // 1 July is in BST: its London midnight is 23:00 UTC the day before.
        assert_eq!(
            cutoff(datetime!(2026-07-15 12:00 UTC), 6),
            datetime!(2020-06-30 23:00 UTC)
        );
        // Just after midnight on 1 December in London is December already.
        assert_eq!(
            cutoff(datetime!(2026-12-01 00:30 UTC), 1),
            datetime!(2025-12-01 00:00 UTC)
        );
        assert_eq!(label((2020, Month::March)), "2020-03");
    }
}
