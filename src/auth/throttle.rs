//! Sign-in throttling held in the database, so it holds across instances: a fixed-window
//! counter per client address, and (in `login`) a lock on an account after repeated failures.

use crate::audit::Event;
use entity::{rate_limits, users};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use time::{Duration, OffsetDateTime};

pub const LOGIN_WINDOW: Duration = Duration::minutes(15);
pub const MAX_FAILED_LOGINS: i32 = 5;
pub const LOCKOUT: Duration = Duration::minutes(15);

/// Counts one hit on `bucket`; true while the window's hits are within `limit`.
pub async fn hit<C: ConnectionTrait>(
    db: &C,
    bucket: &str,
    now: OffsetDateTime,
    window: Duration,
    limit: i32,
) -> Result<bool, DbErr> {
    // Start a fresh window if the old one has passed...
    rate_limits::Entity::update_many()
        .col_expr(rate_limits::Column::WindowStart, Expr::value(now))
        .col_expr(rate_limits::Column::Hits, Expr::value(0))
        .filter(rate_limits::Column::Bucket.eq(bucket))
        .filter(rate_limits::Column::WindowStart.lte(now - window))
        .exec(db)
        .await?;
    // ...then count atomically, whoever else is counting.
    rate_limits::Entity::insert(rate_limits::ActiveModel {
        bucket: Set(bucket.to_owned()),
        window_start: Set(now),
        hits: Set(1),
    })
    .on_conflict(
        OnConflict::column(rate_limits::Column::Bucket)
            .value(
                rate_limits::Column::Hits,
                Expr::col((rate_limits::Entity, rate_limits::Column::Hits)).add(1),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let hits = rate_limits::Entity::find_by_id(bucket.to_owned())
        .one(db)
        .await?
        .map_or(0, |r| r.hits);
    Ok(hits <= limit)
}

/// Takes back one hit on `bucket`: a sign-in that succeeded is not an attempt to guess
/// (an office behind one address must not lock itself out at 9 a.m.). Counted first and
/// taken back after, so a burst of guesses sent at once is still counted in full.
pub async fn forgive<C: ConnectionTrait>(db: &C, bucket: &str) -> Result<(), DbErr> {
    rate_limits::Entity::update_many()
        .col_expr(
            rate_limits::Column::Hits,
            Expr::col(rate_limits::Column::Hits).sub(1),
        )
        .filter(rate_limits::Column::Bucket.eq(bucket))
        .filter(rate_limits::Column::Hits.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes windows that ended long ago; run periodically.
pub async fn purge_old<C: ConnectionTrait>(db: &C, now: OffsetDateTime) -> Result<(), DbErr> {
    rate_limits::Entity::delete_many()
        .filter(rate_limits::Column::WindowStart.lte(now - Duration::days(1)))
        .exec(db)
        .await?;
    Ok(())
}

/// Counts a wrong password for `user_id` in the database (atomically, so parallel guesses
/// all count) and locks the account once the count reaches [`MAX_FAILED_LOGINS`]. True when
/// this failure locked it.
pub async fn record_password_failure<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    users::Entity::update_many()
        .col_expr(
            users::Column::FailedLogins,
            Expr::col(users::Column::FailedLogins).add(1),
        )
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    let locked = users::Entity::update_many()
        .col_expr(users::Column::LockedUntil, Expr::value(Some(now + LOCKOUT)))
        .col_expr(users::Column::FailedLogins, Expr::value(0))
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::FailedLogins.gte(MAX_FAILED_LOGINS))
        .exec(db)
        .await?;
    Ok(locked.rows_affected == 1)
}

/// The audit event of an account locked by repeated wrong passwords.
pub fn lock_event(user_id: i32) -> Event {
    let summary = format!(
        "Locked for {} minutes after {MAX_FAILED_LOGINS} wrong passwords",
        LOCKOUT.whole_minutes()
    );
    Event::new("account.locked", summary).on("user", user_id)
}
