//! The account actions in the database: each changes the row in one transaction with its
//! audit record, and ends the person's sessions where it changes what they may do.

use crate::{
    admin::users::is_last_active_admin,
    audit::{self, Actor, Event, Origin},
    auth::session_store::end_sessions_of,
    error::{AppError, AppResult},
};
use entity::users;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use time::OffsetDateTime;

/// Changes one account in `txn`: applies `change`, stamps and versions the row, and writes
/// the audit row. The version is bumped in SQL so a concurrent edit is never lost.
async fn apply(
    txn: &DatabaseTransaction,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    user: users::Model,
    change: impl FnOnce(&mut users::ActiveModel),
    event: Event,
) -> AppResult<users::Model> {
    let id = user.id;
    let mut row = user.into_active_model();
    change(&mut row);
    row.updated_at = Set(now);
    row.update(txn).await?;
    users::Entity::update_many()
        .col_expr(users::Column::Version, Expr::col(users::Column::Version).add(1))
        .filter(users::Column::Id.eq(id))
        .exec(txn)
        .await?;
    audit::record(txn, now, actor, origin, event.on("user", id)).await?;
    users::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
}

/// The account is the only active administrator's.
pub(super) struct LastAdmin;

/// Deactivates `user` and ends their sessions, unless they are the only active
/// administrator.
pub(super) async fn deactivate(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    user: users::Model,
) -> AppResult<Result<users::Model, LastAdmin>> {
    let id = user.id;
    let txn = crate::db::begin(db).await?;
    if is_last_active_admin(&txn, &user).await? {
        drop(txn);
        return Ok(Err(LastAdmin));
    }
    let event = Event::new(
        "user.deactivated",
        format!("Deactivated {}; their sessions ended", user.username),
    );
    let user = apply(&txn, actor, origin, now, user, |r| r.active = Set(false), event).await?;
    end_sessions_of(&txn, id, None).await?;
    txn.commit().await?;
    Ok(Ok(user))
}

/// Lets `user` sign in again.
pub(super) async fn reactivate(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    user: users::Model,
) -> AppResult<users::Model> {
    let txn = crate::db::begin(db).await?;
    let event = Event::new("user.reactivated", format!("Reactivated {}", user.username));
    let user = apply(&txn, actor, origin, now, user, |r| r.active = Set(true), event).await?;
    txn.commit().await?;
    Ok(user)
}

/// Gives `user` the password hashed as `hash`, to be changed at their next sign-in; clears
/// their lock and ends their sessions.
pub(super) async fn reset_password(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    user: users::Model,
    hash: String,
) -> AppResult<users::Model> {
    let id = user.id;
    let txn = crate::db::begin(db).await?;
    let event = Event::new(
        "user.password_reset",
        format!(
            "Reset the password of {}; they must choose a new one",
            user.username
        ),
    );
    let reset = |r: &mut users::ActiveModel| {
        r.password_hash = Set(hash);
        r.must_change_password = Set(true);
        r.failed_logins = Set(0);
        r.locked_until = Set(None);
    };
    let user = apply(&txn, actor, origin, now, user, reset, event).await?;
    end_sessions_of(&txn, id, None).await?;
    txn.commit().await?;
    Ok(user)
}

/// Clears `user`'s failed sign-ins and lock.
pub(super) async fn unlock(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    user: users::Model,
) -> AppResult<users::Model> {
    let txn = crate::db::begin(db).await?;
    let event = Event::new("user.unlocked", format!("Unlocked {}", user.username));
    let unlock = |r: &mut users::ActiveModel| {
        r.failed_logins = Set(0);
        r.locked_until = Set(None);
    };
    let user = apply(&txn, actor, origin, now, user, unlock, event).await?;
    txn.commit().await?;
    Ok(user)
}
