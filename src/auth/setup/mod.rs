//! First run: while no active administrator exists, `serve` prints a one-time link (random,
//! expires in an hour, single use) where the first administrator chooses their username
//! and password. `harbour create-user` is the scriptable alternative.

mod form;
mod store;
mod view;

pub use self::store::issue_token_if_needed;
use self::{
    form::{SetupForm, validate},
    store::Refused,
};
use crate::{
    audit::Origin,
    auth::{password, policy::Permission},
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
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use time::Duration;

pub const LINK_LIFETIME: Duration = Duration::hours(1);

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/setup/{token}", Permission::Public, form),
        Route::post("/setup/{token}", Permission::Public, submit),
    ]
}

async fn form(State(state): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    if !store::usable(&state.db, &token, state.now()).await? {
        return Ok(invalid_link(&ctx));
    }
    Ok(view::page(&ctx, &token, &SetupForm::default(), &FormErrors::default()).into_response())
}

async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(token): Path<String>,
    axum::Form(f): axum::Form<SetupForm>,
) -> AppResult<Response> {
    let now = state.now();
    if !store::usable(&state.db, &token, now).await? {
        return Ok(invalid_link(&ctx));
    }
    let v = match validate(&f) {
        Ok(v) => v,
        Err(errors) => return Ok(forms::invalid(view::page(&ctx, &token, &f, &errors))),
    };
    let hash = password::hash(f.password.clone()).await?;

    match store::create_admin(&state.db, &origin, now, &token, v, hash).await? {
        Ok(_) => {}
        Err(Refused::InvalidLink) => return Ok(invalid_link(&ctx)),
        Err(Refused::DuplicateUsername) => {
            // A deactivated account keeps its name; the new administrator needs another.
            let mut errors = FormErrors::default();
            errors.add(
                "username",
                "A user with that username already exists: choose another",
            );
            let page = view::page(&ctx, &token, &f, &errors);
            return Ok(forms::invalid(page));
        }
    }
    set_flash(
        &ctx.session,
        "Administrator account created. Sign in with your new username and password.",
    )
    .await?;
    Ok(Redirect::to("/login").into_response())
}

/// The link cannot be used: 404.
fn invalid_link(ctx: &Ctx) -> Response {
    (StatusCode::NOT_FOUND, view::invalid_link(ctx)).into_response()
}
