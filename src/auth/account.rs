//! A signed-in user changes their own password (also where a reset password must be
//! replaced). Other sessions of the user end; this one gets a new id.

use crate::{
    audit::{self, Event, Origin},
    auth::{password, policy::Permission, session_store, throttle},
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors, Input, csrf_field, error_summary},
        layout,
        route::Route,
    },
};
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use entity::users;
use maud::{Markup, html};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/account/password", Permission::SignedIn, form),
        Route::post("/account/password", Permission::SignedIn, submit),
    ]
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

use crate::auth::current_user::FIRST_SIGN_IN_KEY;

async fn first_sign_in(ctx: &Ctx) -> AppResult<bool> {
    Ok(ctx.session.get::<bool>(FIRST_SIGN_IN_KEY).await?.unwrap_or(false))
}

async fn form(ctx: Ctx) -> AppResult<Markup> {
    view(&ctx, &FormErrors::default(), first_sign_in(&ctx).await?)
}

async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    axum::Form(f): axum::Form<PasswordForm>,
) -> AppResult<Response> {
    let me = ctx.user()?.clone();
    let actor = ctx.actor()?;
    let user = users::Entity::find_by_id(me.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    if f.current_password.is_empty() {
        errors.add("current_password", "Enter your current password");
    } else if !password::verify(f.current_password.clone(), user.password_hash.clone()).await? {
        // Counted like a failed sign-in, so a borrowed session cannot guess the password.
        let now = state.now();
        let txn = crate::db::begin(&state.db).await?;
        let locked = throttle::record_password_failure(&txn, me.id, now).await?;
        let failed = Event::new("password.change_failed", "Wrong current password").on("user", me.id);
        audit::record(&txn, now, &actor, &origin, failed).await?;
        if locked {
            audit::record(
                &txn,
                now,
                &actor,
                &origin,
                crate::auth::throttle::lock_event(me.id),
            )
            .await?;
            session_store::end_sessions_of(&txn, me.id, None).await?;
        }
        txn.commit().await?;
        if locked {
            ctx.session.flush().await?;
            return Ok(Redirect::to("/login").into_response());
        }
        errors.add("current_password", "Your current password is not right");
    }
    if let Err(e) = password::check_policy(&f.new_password, &user.username) {
        errors.add("new_password", e);
    } else if f.new_password == f.current_password {
        errors.add(
            "new_password",
            "Choose a password different from your current one",
        );
    } else if f.new_password != f.confirm_password {
        errors.add("confirm_password", "The passwords do not match");
    }
    if !errors.is_empty() {
        let first = first_sign_in(&ctx).await?;
        return Ok(forms::invalid(view(&ctx, &errors, first)?));
    }
    let hash = password::hash(f.new_password).await?;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let version = user.version;
    let mut row = user.into_active_model();
    row.password_hash = Set(hash);
    row.must_change_password = Set(false);
    row.updated_at = Set(now);
    row.version = Set(version + 1);
    row.update(&txn).await?;
    session_store::end_sessions_of(&txn, me.id, ctx.session.id().as_ref()).await?;
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new("password.changed", "Changed own password").on("user", me.id),
    )
    .await?;
    txn.commit().await?;
    ctx.session.cycle_id().await?;
    set_flash(
        &ctx.session,
        "Your password has been changed. You have been signed out everywhere else.",
    )
    .await?;
    Ok(Redirect::to("/").into_response())
}

fn view(ctx: &Ctx, errors: &FormErrors, first: bool) -> AppResult<Markup> {
    let must_change = ctx.user()?.must_change_password;
    Ok(layout::page(
        ctx,
        "Change your password",
        !errors.is_empty(),
        html! {
            (error_summary(errors))
            h1.heading-xl { "Change your password" }
            @if must_change && first {
                div.banner.banner--important role="status" {
                    p.body { "Welcome to Harbour. Replace the temporary password you were given with one only you know to continue." }
                }
            } @else if must_change {
                div.banner.banner--important role="status" {
                    p.body { "Your password was reset by an administrator. Choose a new password to continue." }
                }
            }
            form method="post" action="/account/password" novalidate {
                (csrf_field(&ctx.csrf))
                (Input::password("current_password", "Current password", "current-password").render(errors))
                (Input::password("new_password", "New password", "new-password").hint("At least 12 characters. Three random words make a strong password.").render(errors))
                (Input::password("confirm_password", "Confirm new password", "new-password").render(errors))
                button.button type="submit" { "Change password" }
            }
        },
    ))
}
