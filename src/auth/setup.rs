//! First run: while no active administrator exists, `serve` prints a one-time link (random,
//! expires in an hour, single use) where the first administrator chooses their username
//! and password. `harbour create-user` is the scriptable alternative.

use crate::{
    audit::{self, Actor, Event, Origin},
    auth::{password, policy::Permission, tokens, users},
    error::AppResult,
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
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use entity::{Role, setup_tokens};
use maud::{Markup, html};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

pub const LINK_LIFETIME: Duration = Duration::hours(1);

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/setup/{token}", Permission::Public, form),
        Route::post("/setup/{token}", Permission::Public, submit),
    ]
}

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
async fn usable<C: ConnectionTrait>(db: &C, token: &str, now: OffsetDateTime) -> Result<bool, DbErr> {
    let found = setup_tokens::Entity::find_by_id(tokens::sha256_hex(token))
        .filter(setup_tokens::Column::UsedAt.is_null())
        .filter(setup_tokens::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    Ok(found.is_some() && !users::active_admin_exists(db).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetupForm {
    username: String,
    display_name: String,
    email: String,
    password: String,
    confirm_password: String,
}

async fn form(State(state): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    if !usable(&state.db, &token, state.now()).await? {
        return Ok(invalid_link(&ctx));
    }
    Ok(view(&ctx, &token, &SetupForm::default(), &FormErrors::default()).into_response())
}

async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(token): Path<String>,
    axum::Form(f): axum::Form<SetupForm>,
) -> AppResult<Response> {
    let now = state.now();
    if !usable(&state.db, &token, now).await? {
        return Ok(invalid_link(&ctx));
    }
    let mut errors = FormErrors::default();
    if let Err(e) = users::check_username(&f.username) {
        errors.add("username", e);
    }
    if let Err(e) = users::check_display_name(&f.display_name) {
        errors.add("display_name", e);
    }
    let email = users::check_email(&f.email).unwrap_or_else(|e| {
        errors.add("email", e);
        None
    });
    if let Err(e) = password::check_policy(&f.password, &f.username) {
        errors.add("password", e);
    } else if f.password != f.confirm_password {
        errors.add("confirm_password", "The passwords do not match");
    }
    if !errors.is_empty() {
        return Ok(forms::invalid(view(&ctx, &token, &f, &errors)));
    }
    let hash = password::hash(f.password.clone()).await?;

    let txn = crate::db::begin(&state.db).await?;
    // Checked again inside the transaction: two people racing for the link, one wins.
    if !usable(&txn, &token, now).await? {
        return Ok(invalid_link(&ctx));
    }
    let updated = setup_tokens::Entity::update_many()
        .col_expr(setup_tokens::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(setup_tokens::Column::TokenHash.eq(tokens::sha256_hex(&token)))
        .filter(setup_tokens::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(invalid_link(&ctx));
    }
    let created = users::create(
        &txn,
        now,
        users::NewUser {
            username: f.username.clone(),
            display_name: f.display_name.clone(),
            email,
            role: Role::Admin,
            password_hash: hash,
            area_ids: vec![],
            must_change_password: false,
        },
    )
    .await;
    let admin = match created {
        Ok(admin) => admin,
        Err(users::CreateUserError::DuplicateUsername) => {
            // A deactivated account keeps its name; the new administrator needs another.
            errors.add(
                "username",
                "A user with that username already exists: choose another",
            );
            let page = view(&ctx, &token, &f, &errors);
            return Ok(forms::invalid(page));
        }
        Err(users::CreateUserError::Db(e)) => return Err(e.into()),
    };
    audit::record(
        &txn,
        now,
        &Actor::user(admin.id, &admin.username),
        &origin,
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
    set_flash(
        &ctx.session,
        "Administrator account created. Sign in with your new username and password.",
    )
    .await?;
    Ok(Redirect::to("/login").into_response())
}

fn invalid_link(ctx: &Ctx) -> Response {
    let body = layout::page(
        ctx,
        "This setup link is not valid",
        false,
        html! {
            h1.heading-l { "This setup link is not valid" }
            p.body { "Setup links work once, for one hour, and only until the first administrator exists." }
            p.body {
                "If nobody has finished setup, restart Harbour to print a new link, or create the administrator with "
                code { "harbour create-user --role admin" } "."
            }
            p.body { a href="/login" { "Go to sign in" } }
        },
    );
    (StatusCode::NOT_FOUND, body).into_response()
}

fn view(ctx: &Ctx, token: &str, f: &SetupForm, errors: &FormErrors) -> Markup {
    layout::page(
        ctx,
        "Set up Harbour",
        !errors.is_empty(),
        html! {
            (error_summary(errors))
            span.caption { "First-run setup" }
            h1.heading-xl { "Create the first administrator" }
            p.body { "Administrators manage staff accounts, areas and settings. They cannot read case details." }
            form method="post" action={ "/setup/" (token) } novalidate {
                (csrf_field(&ctx.csrf))
                (Input::text("username", "Username", &f.username).autocomplete("username").hint(crate::auth::users::USERNAME_HINT).render(errors))
                (Input::text("display_name", "Full name", &f.display_name).autocomplete("name").render(errors))
                (Input::text("email", "Email address (optional)", &f.email).kind("email").autocomplete("email").render(errors))
                (Input::password("password", "Password", "new-password").hint("At least 12 characters. Three random words make a strong password.").render(errors))
                (Input::password("confirm_password", "Confirm password", "new-password").render(errors))
                button.button type="submit" { "Create administrator" }
            }
        },
    )
}
