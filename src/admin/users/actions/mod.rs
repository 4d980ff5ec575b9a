//! One-button account actions on the user page. Each ends the person's sessions where it
//! changes what they may do, and writes an audit row in the same transaction.

mod store;
mod view;

pub(super) use self::view::panel;
use super::find;
use crate::{
    audit::Origin,
    auth::password,
    error::AppResult,
    state::AppState,
    web::{Ctx, extract::set_flash},
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use maud::Markup;

/// Back to the user's page with a message.
async fn done(ctx: &Ctx, id: i32, message: impl Into<String>) -> AppResult<Response> {
    set_flash(&ctx.session, message).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

/// The page that asks before deactivating.
pub async fn deactivate_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Markup> {
    let user = find(&state, id).await?;
    Ok(view::deactivate_page(&ctx, &user))
}

pub async fn deactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let user = find(&state, id).await?;
    if user.id == ctx.user()?.id {
        return done(&ctx, id, "You cannot deactivate your own account.").await;
    }
    let actor = ctx.actor()?;
    let now = state.now();
    match store::deactivate(&state.db, &actor, &origin, now, user).await? {
        Ok(user) => {
            done(
                &ctx,
                id,
                format!("{} is deactivated and has been signed out.", user.username),
            )
            .await
        }
        Err(store::LastAdmin) => {
            done(
                &ctx,
                id,
                "This is the only active administrator and cannot be deactivated.",
            )
            .await
        }
    }
}

pub async fn reactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let user = find(&state, id).await?;
    let actor = ctx.actor()?;
    let user = store::reactivate(&state.db, &actor, &origin, state.now(), user).await?;
    done(&ctx, id, format!("{} is active again.", user.username)).await
}

pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let user = find(&state, id).await?;
    let temporary = super::edit::temporary_password();
    let hash = password::hash(temporary.clone()).await?;
    let actor = ctx.actor()?;
    let user = store::reset_password(&state.db, &actor, &origin, state.now(), user, hash).await?;
    Ok(super::edit::temporary_password_page(&ctx, &user, &temporary, "Password reset").into_response())
}

pub async fn unlock(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let user = find(&state, id).await?;
    let actor = ctx.actor()?;
    let user = store::unlock(&state.db, &actor, &origin, state.now(), user).await?;
    done(&ctx, id, format!("{} is unlocked.", user.username)).await
}
