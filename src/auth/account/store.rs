//! The signed-in user's account in the database: a wrong current password counted, and the
//! new password saved, each with its audit record.

use crate::{
    audit::{self, Actor, Event, Origin},
    auth::{session_store, throttle},
    error::{AppError, AppResult},
};
use entity::users;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, IntoActiveModel};
use time::OffsetDateTime;
use tower_sessions::session::Id;

/// The account `id` (404 when there is none).
pub(super) async fn find(db: &DatabaseConnection, id: i32) -> AppResult<users::Model> {
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Counts a wrong current password against account `user_id`, audited; `true` when that
/// locked the account, whose sessions are then ended.
pub(super) async fn record_wrong_password(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    user_id: i32,
    now: OffsetDateTime,
) -> AppResult<bool> {
    let txn = crate::db::begin(db).await?;
    let locked = throttle::record_password_failure(&txn, user_id, now).await?;
    let failed = Event::new("password.change_failed", "Wrong current password").on("user", user_id);
    audit::record(&txn, now, actor, origin, failed).await?;
    if locked {
        audit::record(
            &txn,
            now,
            actor,
            origin,
            crate::auth::throttle::lock_event(user_id),
        )
        .await?;
        session_store::end_sessions_of(&txn, user_id, None).await?;
    }
    txn.commit().await?;
    Ok(locked)
}

/// Gives `user` the password hashed as `hash`, no longer to be changed, and ends their
/// sessions but the one `keep`; audited.
pub(super) async fn change_password(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    user: users::Model,
    hash: String,
    keep: Option<&Id>,
) -> AppResult<()> {
    let id = user.id;
    let txn = crate::db::begin(db).await?;
    let version = user.version;
    let mut row = user.into_active_model();
    row.password_hash = Set(hash);
    row.must_change_password = Set(false);
    row.updated_at = Set(now);
    row.version = Set(version + 1);
    row.update(&txn).await?;
    session_store::end_sessions_of(&txn, id, keep).await?;
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new("password.changed", "Changed own password").on("user", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
