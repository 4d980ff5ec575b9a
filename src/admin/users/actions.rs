//! One-button account actions on the user page. Each ends the person's sessions where it
//! changes what they may do, and writes an audit row in the same transaction.

use super::{find, is_last_active_admin};
use crate::{
    audit::{self, Event, Origin},
    auth::{password, session_store::end_sessions_of},
    error::{AppError, AppResult},
    state::AppState,
    web::{Ctx, extract::set_flash, forms::csrf_field, time_fmt},
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::users;
use maud::{Markup, html};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

/// The actions block shown under the edit form.
pub fn panel(ctx: &Ctx, u: &users::Model, now: time::OffsetDateTime) -> Markup {
    let button = |path: &str, label: &str, class: &str| {
        html! {
            form.inline method="post" action={ "/admin/users/" (u.id) "/" (path) } {
                (csrf_field(&ctx.csrf))
                button type="submit" class={ "button " (class) } { (label) }
            }
        }
    };
    html! {
        h2.heading-m { "Account" }
        dl.summary-list {
            div.summary-list__row {
                dt.summary-list__key { "Status" }
                dd.summary-list__value { (super::list::status_tag(u, now)) }
            }
            div.summary-list__row {
                dt.summary-list__key { "Last sign-in" }
                dd.summary-list__value { @if let Some(t) = u.last_login_at { (time_fmt::datetime(t)) } @else { "Never" } }
            }
            @if let Some(t) = u.locked_until {
                div.summary-list__row {
                    dt.summary-list__key { "Locked until" }
                    dd.summary-list__value { (time_fmt::datetime(t)) }
                }
            }
        }
        div.button-group {
            (button("reset-password", "Reset password", "button--secondary"))
            @if u.locked_until.is_some() { (button("unlock", "Unlock", "button--secondary")) }
            @if u.active {
                // One click would be too easy to regret: the button asks first.
                a.button.button--warning href={ "/admin/users/" (u.id) "/deactivate" } { "Deactivate" }
            } @else {
                (button("reactivate", "Reactivate", "button--secondary"))
            }
        }
    }
}

/// Changes one account in `txn`: applies `change`, stamps and versions the row, and writes
/// the audit row. The version is bumped in SQL so a concurrent edit is never lost.
async fn apply(
    txn: &DatabaseTransaction,
    state: &AppState,
    ctx: &Ctx,
    origin: &Origin,
    user: users::Model,
    change: impl FnOnce(&mut users::ActiveModel),
    event: Event,
) -> AppResult<users::Model> {
    let actor = ctx.actor()?;
    let now = state.now();
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
    audit::record(txn, now, &actor, origin, event.on("user", id)).await?;
    users::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Back to the user's page with a message.
async fn done(ctx: &Ctx, id: i32, message: impl Into<String>) -> AppResult<Response> {
    set_flash(&ctx.session, message).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

/// "Deactivate this account?": what it does, and the button that does it.
pub async fn deactivate_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Markup> {
    let user = find(&state, id).await?;
    let title = format!("Deactivate {}?", user.display_name);
    Ok(crate::web::layout::page(
        &ctx,
        &title,
        false,
        html! {
            h1.heading-l { (title) }
            ul.list.list--bullet {
                li { (user.display_name) " (" (user.username) ") is signed out everywhere and can no longer sign in." }
                li { "Their cases stay assigned to them until a manager reassigns them; nothing they recorded is removed." }
                li { "You can reactivate the account later." }
            }
            div.button-group {
                form.inline method="post" action={ "/admin/users/" (user.id) "/deactivate" } {
                    (csrf_field(&ctx.csrf))
                    button.button.button--warning type="submit" { "Yes, deactivate" }
                }
                a.link href={ "/admin/users/" (user.id) } { "Cancel" }
            }
        },
    ))
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
    let txn = crate::db::begin(&state.db).await?;
    if is_last_active_admin(&txn, &user).await? {
        drop(txn);
        return done(
            &ctx,
            id,
            "This is the only active administrator and cannot be deactivated.",
        )
        .await;
    }
    let event = Event::new(
        "user.deactivated",
        format!("Deactivated {}; their sessions ended", user.username),
    );
    let user = apply(
        &txn,
        &state,
        &ctx,
        &origin,
        user,
        |r| r.active = Set(false),
        event,
    )
    .await?;
    end_sessions_of(&txn, id, None).await?;
    txn.commit().await?;
    done(
        &ctx,
        id,
        format!("{} is deactivated and has been signed out.", user.username),
    )
    .await
}

pub async fn reactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let user = find(&state, id).await?;
    let txn = crate::db::begin(&state.db).await?;
    let event = Event::new("user.reactivated", format!("Reactivated {}", user.username));
    let user = apply(&txn, &state, &ctx, &origin, user, |r| r.active = Set(true), event).await?;
    txn.commit().await?;
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
    let txn = crate::db::begin(&state.db).await?;
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
    let user = apply(&txn, &state, &ctx, &origin, user, reset, event).await?;
    end_sessions_of(&txn, id, None).await?;
    txn.commit().await?;
    Ok(super::edit::temporary_password_page(&ctx, &user, &temporary, "Password reset").into_response())
}

pub async fn unlock(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let user = find(&state, id).await?;
    let txn = crate::db::begin(&state.db).await?;
    let event = Event::new("user.unlocked", format!("Unlocked {}", user.username));
    let unlock = |r: &mut users::ActiveModel| {
        r.failed_logins = Set(0);
        r.locked_until = Set(None);
    };
    let user = apply(&txn, &state, &ctx, &origin, user, unlock, event).await?;
    txn.commit().await?;
    done(&ctx, id, format!("{} is unlocked.", user.username)).await
}
