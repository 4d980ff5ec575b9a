//! Accounts in the database for the account form: creating one and saving an edit, each
//! with its audit record.

use super::form::Valid;
use crate::{
    admin::users::is_last_active_admin,
    audit::{self, Actor, Event, Origin},
    auth::{
        policy::{role_code, role_label},
        users::{self as accounts, CreateUserError, NewUser},
    },
    error::AppResult,
};
use entity::{Role, users};
use sea_orm::{DatabaseConnection, EntityTrait, sea_query::Expr};
use time::OffsetDateTime;

/// Another account already has the username.
pub(super) struct DuplicateUsername;

/// Creates the account `username` from `v` with the temporary password's `hash`, audited.
pub(super) async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    username: &str,
    v: Valid,
    hash: String,
) -> AppResult<Result<users::Model, DuplicateUsername>> {
    let txn = crate::db::begin(db).await?;
    let created = accounts::create(
        &txn,
        now,
        NewUser {
            username: username.to_owned(),
            display_name: v.display_name,
            email: v.email,
            role: v.role,
            password_hash: hash,
            area_ids: v.area_ids,
            must_change_password: true,
        },
    )
    .await;
    let user = match created {
        Ok(u) => u,
        Err(CreateUserError::DuplicateUsername) => return Ok(Err(DuplicateUsername)),
        Err(CreateUserError::Db(e)) => return Err(e.into()),
    };
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new(
            "user.created",
            format!("Created {} as {}", user.username, role_label(user.role)),
        )
        .on("user", user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(user))
}

/// Why an edit was not saved.
pub(super) enum Refused {
    /// It would leave no active administrator.
    LastAdmin,
    /// Someone else saved the account since version `seen`.
    Stale,
}

/// Saves `v` over `user` if it is still at version `seen`, with its areas and an audit
/// record of what changed.
pub(super) async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    origin: &Origin,
    now: OffsetDateTime,
    user: &users::Model,
    v: &Valid,
    seen: i32,
) -> AppResult<Result<(), Refused>> {
    let id = user.id;
    let txn = crate::db::begin(db).await?;
    if v.role != Role::Admin && is_last_active_admin(&txn, user).await? {
        return Ok(Err(Refused::LastAdmin));
    }
    // Optimistic concurrency: only the version the editor saw may be changed.
    let updated = crate::db::versioned::save_if_unchanged(
        &txn,
        users::Entity::update_many()
            .col_expr(users::Column::DisplayName, Expr::value(v.display_name.clone()))
            .col_expr(users::Column::Email, Expr::value(v.email.clone()))
            .col_expr(users::Column::Role, Expr::value(role_code(v.role)))
            .col_expr(users::Column::UpdatedAt, Expr::value(now)),
        id,
        seen,
    )
    .await?;
    if !updated {
        drop(txn);
        return Ok(Err(Refused::Stale));
    }
    let old_areas = accounts::area_ids_of(&txn, id).await?;
    accounts::set_areas(&txn, id, &v.area_ids).await?;
    let mut changes = vec![];
    if user.display_name != v.display_name {
        changes.push(format!("name {:?} → {:?}", user.display_name, v.display_name));
    }
    if user.email != v.email {
        changes.push("email changed".to_owned());
    }
    if user.role != v.role {
        changes.push(format!("role {} → {}", role_label(user.role), role_label(v.role)));
    }
    let mut sorted_old = old_areas.clone();
    sorted_old.sort();
    let mut sorted_new = v.area_ids.clone();
    sorted_new.sort();
    if sorted_old != sorted_new {
        changes.push("areas changed".to_owned());
    }
    audit::record(
        &txn,
        now,
        actor,
        origin,
        Event::new(
            "user.updated",
            format!(
                "Updated {}: {}",
                user.username,
                if changes.is_empty() {
                    "no changes".to_owned()
                } else {
                    changes.join("; ")
                }
            ),
        )
        .on("user", id),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}
