//! Setup links in the database: issuing one, checking one, and using one to create the
//! first administrator.

use super::{LINK_LIFETIME, form::Valid};
use crate::{
    audit::{self, Actor, Event, Origin},
    auth::{tokens, users},
    error::AppResult,
};
use entity::{Role, setup_tokens, users as users_entity};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
};
use time::OffsetDateTime;

/// A fresh setup link token if no active administrator exists yet; None otherwise.
pub async fn issue_token_if_needed(
    db: &DatabaseConnection,
    now: OffsetDateTime,
) -> Result<Option<String>, DbErr> {
    if users::active_admin_exists(db).await? {
        return Ok(None);
    }
    let token = tokens::random_token();
    setup_tokens::Entity::insert(setup_tokens::ActiveModel {
        token_hash: Set(tokens::sha256_hex(&token)),
        created_at: Set(now),
        expires_at: Set(now + LINK_LIFETIME),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(Some(token))
}

/// The token is usable: known, unused, unexpired, and still no administrator.
pub(super) async fn usable<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    let found = setup_tokens::Entity::find_by_id(tokens::sha256_hex(token))
        .filter(setup_tokens::Column::UsedAt.is_null())
        .filter(setup_tokens::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    Ok(found.is_some() && !users::active_admin_exists(db).await?)
}

/// Why the first administrator was not created.
pub(super) enum Refused {
    /// The link stopped being usable (someone else used it first).
    InvalidLink,
    /// An account already has the username.
    DuplicateUsername,
}

/// Uses the link `token` to create the administrator `v` with the password's `hash`,
/// audited as done by the new administrator.
pub(super) async fn create_admin(
    db: &DatabaseConnection,
    origin: &Origin,
    now: OffsetDateTime,
    token: &str,
    v: Valid<'_>,
    hash: String,
) -> AppResult<Result<users_entity::Model, Refused>> {
    let txn = crate::db::begin(db).await?;
    // Checked again inside the transaction: two people racing for the link, one wins.
    if !usable(&txn, token, now).await? {
        return Ok(Err(Refused::InvalidLink));
    }
    let updated = setup_tokens::Entity::update_many()
        .col_expr(setup_tokens::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(setup_tokens::Column::TokenHash.eq(tokens::sha256_hex(token)))
        .filter(setup_tokens::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(Err(Refused::InvalidLink));
    }
    let created = users::create(
        &txn,
        now,
        users::NewUser {
            username: v.username.to_owned(),
            display_name: v.display_name.to_owned(),
            email: v.email,
            role: Role::Admin,
            password_hash: hash,
            area_ids: vec![],
            must_change_password: false,
        },
    )
    .await;
    let admin = match created {
        Ok(admin) => admin,
        Err(users::CreateUserError::DuplicateUsername) => return Ok(Err(Refused::DuplicateUsername)),
        Err(users::CreateUserError::Db(e)) => return Err(e.into()),
    };
    audit::record(
        &txn,
        now,
        &Actor::user(admin.id, &admin.username),
        origin,
        Event::new(
            "setup.admin_created",
            format!(
                "First administrator {} created through the setup link",
                admin.username
            ),
        )
        .on("user", admin.id),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(admin))
}
