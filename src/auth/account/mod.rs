//! A signed-in user changes their own password (also where a reset password must be
//! replaced). Other sessions of the user end; this one gets a new id.

mod form;
mod store;
mod view;

use self::form::{PasswordForm, validate};
use crate::{
    audit::Origin,
    auth::{current_user::FIRST_SIGN_IN_KEY, password, policy::Permission},
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors},
        route::Route,
    },
};
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use maud::Markup;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/account/password", Permission::SignedIn, form),
        Route::post("/account/password", Permission::SignedIn, submit),
    ]
}

async fn first_sign_in(ctx: &Ctx) -> AppResult<bool> {
    Ok(ctx.session.get::<bool>(FIRST_SIGN_IN_KEY).await?.unwrap_or(false))
}

async fn form(ctx: Ctx) -> AppResult<Markup> {
    view::page(&ctx, &FormErrors::default(), first_sign_in(&ctx).await?)
}

async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    axum::Form(f): axum::Form<PasswordForm>,
) -> AppResult<Response> {
    let me = ctx.user()?.clone();
    let actor = ctx.actor()?;
    let user = store::find(&state.db, me.id).await?;
    let mut errors = FormErrors::default();
    if !f.current_password.is_empty()
        && !password::verify(f.current_password.clone(), user.password_hash.clone()).await?
    {
        // Counted like a failed sign-in, so a borrowed session cannot guess the password.
        let now = state.now();
        let locked = store::record_wrong_password(&state.db, &actor, &origin, me.id, now).await?;
        if locked {
            ctx.session.flush().await?;
            return Ok(Redirect::to("/login").into_response());
        }
        errors.add("current_password", "Your current password is not right");
    }
    // The form's own checks (an empty current password among them) follow a wrong current
    // password, in the order the fields are shown.
    let v = match validate(&f, &user.username) {
        Ok(v) if errors.is_empty() => v,
        checked => {
            if let Err(more) = checked {
                errors.append(more);
            }
            let first = first_sign_in(&ctx).await?;
            return Ok(forms::invalid(view::page(&ctx, &errors, first)?));
        }
    };
    let hash = password::hash(v.new_password.to_owned()).await?;
    let now = state.now();
    let keep = ctx.session.id();
    store::change_password(&state.db, &actor, &origin, now, user, hash, keep.as_ref()).await?;
    ctx.session.cycle_id().await?;
    set_flash(
        &ctx.session,
        "Your password has been changed. You have been signed out everywhere else.",
    )
    .await?;
    Ok(Redirect::to("/").into_response())
}
