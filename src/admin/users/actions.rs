//! One-button account actions on the user page. Each ends the person's sessions where it
//! changes what they may do, and writes an audit row in the same transaction.

use super::{find, is_last_active_admin};
use crate::{
    audit::{self, Actor, Event, Origin},
    auth::{password, session_store::end_sessions_of},
    error::AppResult,
    state::AppState,
    web::{Ctx, extract::set_flash, forms::csrf_field, time_fmt},
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use entity::users;
use maud::{Markup, html};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel, TransactionTrait};

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
                (button("deactivate", "Deactivate", "button--warning"))
            } @else {
                (button("reactivate", "Reactivate", "button--secondary"))
            }
        }
    }
}

pub async fn deactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let me = ctx.user()?.clone();
    let user = find(&state, id).await?;
    if user.id == me.id {
        set_flash(&ctx.session, "You cannot deactivate your own account.").await?;
        return Ok(Redirect::to(&format!("/admin/users/{id}")).into_response());
    }
    let now = state.now();
    let txn = state.db.begin().await?;
    if is_last_active_admin(&txn, &user).await? {
        drop(txn);
        set_flash(
            &ctx.session,
            "This is the only active administrator and cannot be deactivated.",
        )
        .await?;
        return Ok(Redirect::to(&format!("/admin/users/{id}")).into_response());
    }
    let name = user.username.clone();
    let version = user.version;
    let mut row = user.into_active_model();
    row.active = Set(false);
    row.updated_at = Set(now);
    row.version = Set(version + 1);
    row.update(&txn).await?;
    end_sessions_of(&txn, id, None).await?;
    audit::record(
        &txn,
        now,
        &Actor::user(me.id, &me.username),
        &origin,
        Event::new(
            "user.deactivated",
            format!("Deactivated {name}; their sessions ended"),
        )
        .on("user", id),
    )
    .await?;
    txn.commit().await?;
    set_flash(
        &ctx.session,
        format!("{name} is deactivated and has been signed out."),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

pub async fn reactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let me = ctx.user()?.clone();
    let user = find(&state, id).await?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let name = user.username.clone();
    let version = user.version;
    let mut row = user.into_active_model();
    row.active = Set(true);
    row.updated_at = Set(now);
    row.version = Set(version + 1);
    row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        &Actor::user(me.id, &me.username),
        &origin,
        Event::new("user.reactivated", format!("Reactivated {name}")).on("user", id),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("{name} is active again.")).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let me = ctx.user()?.clone();
    let user = find(&state, id).await?;
    let temporary = super::edit::temporary_password();
    let hash = password::hash(temporary.clone()).await?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let version = user.version;
    let mut row = user.clone().into_active_model();
    row.password_hash = Set(hash);
    row.must_change_password = Set(true);
    row.failed_logins = Set(0);
    row.locked_until = Set(None);
    row.updated_at = Set(now);
    row.version = Set(version + 1);
    let user = row.update(&txn).await?;
    end_sessions_of(&txn, id, None).await?;
    audit::record(
        &txn,
        now,
        &Actor::user(me.id, &me.username),
        &origin,
        Event::new(
            "user.password_reset",
            format!(
                "Reset the password of {}; they must choose a new one",
                user.username
            ),
        )
        .on("user", id),
    )
    .await?;
    txn.commit().await?;
    Ok(super::edit::temporary_password_page(&ctx, &user, &temporary, "Password reset").into_response())
}

pub async fn unlock(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let me = ctx.user()?.clone();
    let user = find(&state, id).await?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let name = user.username.clone();
    let version = user.version;
    let mut row = user.into_active_model();
    row.failed_logins = Set(0);
    row.locked_until = Set(None);
    row.updated_at = Set(now);
    row.version = Set(version + 1);
    row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        &Actor::user(me.id, &me.username),
        &origin,
        Event::new("user.unlocked", format!("Unlocked {name}")).on("user", id),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("{name} is unlocked.")).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}
