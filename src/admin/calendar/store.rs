//! The calendar screen's audited writes: the division and the closure days (read through
//! `deadlines::calendar_settings`, which plans deadlines with them).

use super::form::ClosureDay;
use crate::{
    audit::{self, Actor, Event, Origin},
    calendar::Division,
    deadlines::calendar_settings,
    error::{AppError, AppResult},
    web::time_fmt::iso_date,
};
use entity::closure_days;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
};
use time::{Date, OffsetDateTime};

/// Saves the division, audited; false when it already was that (nothing written).
pub(super) async fn save_division(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    by: i32,
    division: Division,
) -> AppResult<bool> {
    let txn = crate::db::begin(db).await?;
    let before = calendar_settings::division(&txn).await?;
    if before == division {
        drop(txn);
        return Ok(false);
    }
    calendar_settings::save_division(&txn, division, now, by).await?;
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new(
            "calendar.division_changed",
            format!(
                "Bank-holiday division changed from {} to {}",
                before.label(),
                division.label()
            ),
        )
        .on("setting", "calendar.division"),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// Is `day` already a closure day?
pub(super) async fn is_closure_day(db: &impl ConnectionTrait, day: Date) -> Result<bool, DbErr> {
    Ok(closure_days::Entity::find()
        .filter(closure_days::Column::Day.eq(day))
        .one(db)
        .await?
        .is_some())
}

/// The day is already a closure day.
pub(super) struct DayTaken;

/// Adds the closure day, audited.
pub(super) async fn add_closure_day(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    by: i32,
    closure: ClosureDay,
) -> AppResult<Result<(), DayTaken>> {
    let ClosureDay { day, label } = closure;
    let txn = crate::db::begin(db).await?;
    let inserted = closure_days::Entity::insert(closure_days::ActiveModel {
        day: Set(day),
        label: Set(label),
        created_at: Set(now),
        created_by: Set(by),
        ..Default::default()
    })
    .exec(&txn)
    .await;
    let id = match inserted {
        Ok(r) => r.last_insert_id,
        // Another administrator added the same day a moment ago.
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(txn);
            return Ok(Err(DayTaken));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new(
            "calendar.closure_day_added",
            format!("Closure day {} added", iso_date(day)),
        )
        .on("closure_day", id),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Removes the closure day `id` (404 when there is none), audited; returns its date.
pub(super) async fn remove_closure_day(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    id: i32,
) -> AppResult<Date> {
    let txn = crate::db::begin(db).await?;
    let day = closure_days::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    closure_days::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new(
            "calendar.closure_day_removed",
            format!("Closure day {} removed", iso_date(day.day)),
        )
        .on("closure_day", id),
    )
    .await?;
    txn.commit().await?;
    Ok(day.day)
}
