//! Sign in and sign out. One generic message for an unknown user, a wrong password and a
//! locked account; unknown users cost a hash too, so timing does not tell them apart.

use crate::{
    audit::{self, Actor, Event, Origin},
    auth::{
        csrf,
        current_user::SIGNED_IN_AT_KEY,
        password,
        policy::Permission,
        session_store::USER_ID_KEY,
        throttle::{self, LOGIN_WINDOW},
        users,
    },
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        forms::{FormErrors, Input, csrf_field, error_summary},
        layout,
        route::Route,
    },
};
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use entity::users as user_entity;
use maud::{Markup, html};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
use serde::Deserialize;

/// How a sign-in attempt with an unknown username appears in the audit trail.
pub const UNKNOWN_USERNAME: &str = "(unknown username)";

pub const FAILED_MESSAGE: &str =
    "The username or password is not right, or the account is locked for a while after too many attempts";

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/login", Permission::Public, form),
        Route::post("/login", Permission::Public, submit),
        Route::post("/logout", Permission::SignedIn, logout),
    ]
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    next: String,
}

async fn form(ctx: Ctx, Query(q): Query<LoginQuery>) -> Response {
    if ctx.user.is_some() {
        return Redirect::to(safe_next(&q.next).unwrap_or("/")).into_response();
    }
    view(&ctx, "", &q.next, &FormErrors::default()).into_response()
}

async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    axum::Form(f): axum::Form<LoginForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    if f.username.trim().is_empty() {
        errors.add("username", "Enter your username");
    }
    if f.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        return Ok(refused(&ctx, &f, &errors, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let now = state.now();
    let bucket = format!("login:{}", origin.client_addr.as_deref().unwrap_or("unknown"));
    if !throttle::hit(
        &state.db,
        &bucket,
        now,
        LOGIN_WINDOW,
        state.settings.login_rate_limit,
    )
    .await?
    {
        errors.add(
            "username",
            "Too many sign-in attempts from this device. Wait 15 minutes and try again",
        );
        return Ok(refused(&ctx, &f, &errors, StatusCode::TOO_MANY_REQUESTS));
    }

    let user = users::find_by_username(&state.db, &f.username).await?;
    let password_ok = match &user {
        Some(u) => password::verify(f.password.clone(), u.password_hash.clone()).await?,
        None => {
            password::verify(f.password.clone(), password::dummy_hash().await?).await?;
            false
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    let checked: Result<user_entity::Model, (Actor, Event)> = match user {
        // The typed name is not recorded: people type passwords into the username box.
        None => Err((
            Actor::named(UNKNOWN_USERNAME),
            Event::new("login.failed", "Unknown username"),
        )),
        Some(u) if !u.active => Err((
            actor_of(&u),
            Event::new("login.failed", "Deactivated account").on("user", u.id),
        )),
        Some(u) if u.locked_until.is_some_and(|t| t > now) => Err((
            actor_of(&u),
            Event::new("login.failed", "Account locked").on("user", u.id),
        )),
        Some(u) if !password_ok => {
            if throttle::record_password_failure(&txn, u.id, now).await? {
                audit::record(&txn, now, &actor_of(&u), &origin, throttle::lock_event(u.id)).await?;
            }
            Err((
                actor_of(&u),
                Event::new("login.failed", "Wrong password").on("user", u.id),
            ))
        }
        Some(u) => Ok(u),
    };
    let user = match checked {
        Ok(user) => user,
        Err((actor, event)) => {
            audit::record(&txn, now, &actor, &origin, event).await?;
            txn.commit().await?;
            errors.add("username", FAILED_MESSAGE);
            return Ok(refused(&ctx, &f, &errors, StatusCode::UNAUTHORIZED));
        }
    };
    let actor = actor_of(&user);

    let mut row: user_entity::ActiveModel = user.clone().into_active_model();
    row.failed_logins = Set(0);
    row.locked_until = Set(None);
    row.last_login_at = Set(Some(now));
    row.update(&txn).await?;
    throttle::forgive(&txn, &bucket).await?;
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new("login.succeeded", "Signed in").on("user", user.id),
    )
    .await?;
    txn.commit().await?;

    // A new session id at the privilege change defeats session fixation.
    ctx.session.cycle_id().await?;
    ctx.session.insert(USER_ID_KEY, user.id).await?;
    ctx.session.insert(SIGNED_IN_AT_KEY, now.unix_timestamp()).await?;
    csrf::rotate(&ctx.session).await?;

    if user.last_login_at.is_none() {
        ctx.session
            .insert(crate::auth::current_user::FIRST_SIGN_IN_KEY, true)
            .await?;
    }
    let to = if user.must_change_password {
        "/account/password"
    } else {
        safe_next(&f.next).unwrap_or("/")
    };
    Ok(Redirect::to(to).into_response())
}

async fn logout(State(state): State<AppState>, ctx: Ctx, origin: Origin) -> AppResult<Response> {
    let user = ctx.user()?;
    let txn = crate::db::begin(&state.db).await?;
    audit::record(
        &txn,
        state.now(),
        &ctx.actor()?,
        &origin,
        Event::new("logout", "Signed out").on("user", user.id),
    )
    .await?;
    txn.commit().await?;
    // Deletes the row server-side: the old cookie is worthless from here on.
    ctx.session.flush().await?;
    Ok(Redirect::to("/login").into_response())
}

fn actor_of(u: &user_entity::Model) -> Actor {
    Actor::user(u.id, &u.username)
}

/// Only local paths: "/cases/1" yes; "//evil.example", "/\\evil", "https://…" no.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && next != "/login";
    ok.then_some(next)
}

fn refused(ctx: &Ctx, f: &LoginForm, errors: &FormErrors, status: StatusCode) -> Response {
    (status, view(ctx, &f.username, &f.next, errors)).into_response()
}

fn view(ctx: &Ctx, username: &str, next: &str, errors: &FormErrors) -> Markup {
    layout::page(
        ctx,
        "Sign in",
        !errors.is_empty(),
        html! {
            (error_summary(errors))
            h1.heading-xl { "Sign in to Harbour" }
            form method="post" action="/login" novalidate {
                (csrf_field(&ctx.csrf))
                input type="hidden" name="next" value=(next);
                (Input::text("username", "Username", username).autocomplete("username").render(errors))
                (Input::password("password", "Password", "current-password").render(errors))
                button.button type="submit" { "Sign in" }
            }
            p.body { "Forgotten your password or locked out? Ask your administrator to reset it." }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_must_be_a_local_path() {
        assert_eq!(safe_next("/admin/users?page=2"), Some("/admin/users?page=2"));
        for bad in [
            "",
            "admin",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/ok\\x",
            "/a\nb",
            "/login",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
