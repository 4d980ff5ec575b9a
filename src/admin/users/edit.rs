//! Create and edit forms. New accounts get a generated temporary password, shown once to
//! the administrator, which the person must replace at first sign-in.

use super::{find, is_last_active_admin};
use crate::{
    audit::{self, Event, Origin},
    auth::{
        password,
        policy::{parse_role, role_code, role_label},
        users::{self as accounts, CreateUserError, NewUser},
    },
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, Choice, FormErrors, Input, checkboxes, csrf_field, error_summary, select},
        layout,
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{Role, areas, users};
use maud::{Markup, html};
use sea_orm::{EntityTrait, Iterable, sea_query::Expr};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UserForm {
    username: String,
    display_name: String,
    email: String,
    role: String,
    #[serde(rename = "area")]
    areas: Vec<String>,
    version: Option<i32>,
}

impl UserForm {
    fn from_model(u: &users::Model, area_ids: &[i32]) -> Self {
        UserForm {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            email: u.email.clone().unwrap_or_default(),
            role: role_code(u.role).to_owned(),
            areas: area_ids.iter().map(i32::to_string).collect(),
            version: Some(u.version),
        }
    }
}

/// The checked, typed values of a valid form.
struct Valid {
    display_name: String,
    email: Option<String>,
    role: Role,
    area_ids: Vec<i32>,
}

/// `current_areas`: the person's areas now; they may keep a retired one, not gain one.
/// `new_account`: the username is checked too (it cannot be changed later).
fn validate(
    f: &UserForm,
    known_areas: &[areas::Model],
    current_areas: &[i32],
    new_account: bool,
) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    if new_account && let Err(e) = accounts::check_username(&f.username) {
        errors.add("username", e);
    }
    if let Err(e) = accounts::check_display_name(&f.display_name) {
        errors.add("display_name", e);
    }
    let email = accounts::check_email(&f.email).unwrap_or_else(|e| {
        errors.add("email", e);
        None
    });
    let role = parse_role(&f.role);
    if role.is_none() {
        errors.add("role", "Choose a role");
    }
    let mut area_ids = vec![];
    for a in &f.areas {
        match a.parse::<i32>().ok().filter(|id| {
            known_areas
                .iter()
                .any(|k| k.id == *id && (!k.retired || current_areas.contains(id)))
        }) {
            Some(id) if !area_ids.contains(&id) => area_ids.push(id),
            Some(_) => {}
            None => errors.add("area", "Choose areas from the list"),
        }
    }
    match role {
        Some(role) if errors.is_empty() => Ok(Valid {
            display_name: f.display_name.trim().to_owned(),
            email,
            role,
            area_ids,
        }),
        _ => Err(errors),
    }
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let areas = crate::cases::areas::all(&state.db).await?;
    let blank = UserForm {
        role: role_code(Role::TenancyOfficer).into(),
        ..Default::default()
    };
    Ok(form_page(
        &ctx,
        FormView::new(None, &areas, &state),
        &blank,
        &FormErrors::default(),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Form(f): Form<UserForm>,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let areas = crate::cases::areas::all(&state.db).await?;
    let v = match validate(&f, &areas, &[], true) {
        Ok(v) => v,
        Err(errors) => {
            return Ok(forms::invalid(form_page(
                &ctx,
                FormView::new(None, &areas, &state),
                &f,
                &errors,
            )));
        }
    };
    let temporary = temporary_password();
    let hash = password::hash(temporary.clone()).await?;
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let created = accounts::create(
        &txn,
        now,
        NewUser {
            username: f.username.clone(),
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
        Err(CreateUserError::DuplicateUsername) => {
            let mut errors = FormErrors::default();
            errors.add("username", "A user with that username already exists");
            return Ok(forms::invalid(form_page(
                &ctx,
                FormView::new(None, &areas, &state),
                &f,
                &errors,
            )));
        }
        Err(CreateUserError::Db(e)) => return Err(e.into()),
    };
    audit::record(
        &txn,
        now,
        &actor,
        &origin,
        Event::new(
            "user.created",
            format!("Created {} as {}", user.username, role_label(user.role)),
        )
        .on("user", user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(temporary_password_page(&ctx, &user, &temporary, "Account created").into_response())
}

pub async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Markup> {
    let user = find(&state, id).await?;
    let area_ids = accounts::area_ids_of(&state.db, id).await?;
    let areas = crate::cases::areas::all(&state.db).await?;
    Ok(form_page(
        &ctx,
        FormView::new(Some(&user), &areas, &state),
        &UserForm::from_model(&user, &area_ids),
        &FormErrors::default(),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    origin: Origin,
    Path(id): Path<i32>,
    Form(f): Form<UserForm>,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let user = find(&state, id).await?;
    let areas = crate::cases::areas::all(&state.db).await?;
    let current_areas = accounts::area_ids_of(&state.db, id).await?;
    let valid = validate(&f, &areas, &current_areas, false);
    let refuse = |errors: &FormErrors| {
        forms::invalid(form_page(
            &ctx,
            FormView::new(Some(&user), &areas, &state),
            &f,
            errors,
        ))
    };
    let v = match valid {
        Ok(v) => v,
        Err(errors) => return Ok(refuse(&errors)),
    };
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    if v.role != Role::Admin && is_last_active_admin(&txn, &user).await? {
        let mut errors = FormErrors::default();
        errors.add(
            "role",
            "This is the only active administrator: make someone else an administrator first",
        );
        return Ok(refuse(&errors));
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
        f.version.unwrap_or(-1),
    )
    .await?;
    if !updated {
        drop(txn);
        let area_ids = accounts::area_ids_of(&state.db, id).await?;
        let theirs = UserForm::from_model(&user, &area_ids);
        let mut errors = FormErrors::default();
        errors.add("display_name", "Someone else changed this user while you were editing. Their version is shown below; your changes are still in the form. Check both, then save again");
        let mut mine = f.clone();
        mine.version = Some(user.version);
        return Ok(forms::stale(form_page(
            &ctx,
            FormView {
                theirs: Some(&theirs),
                ..FormView::new(Some(&user), &areas, &state)
            },
            &mine,
            &errors,
        )));
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
        &actor,
        &origin,
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
    set_flash(&ctx.session, format!("Saved changes to {}.", v.display_name)).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

/// 16 random characters from an unambiguous alphabet, in groups of four.
pub(super) fn temporary_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

pub(super) fn temporary_password_page(
    ctx: &Ctx,
    user: &users::Model,
    temporary: &str,
    heading: &str,
) -> Markup {
    layout::page(
        ctx,
        heading,
        false,
        html! {
            div.panel {
                h1.panel__title { (heading) }
                div.panel__body {
                    p { "Temporary password for " strong { (user.username) } ":" }
                    p { code.panel__secret id="temporary-password" { (temporary) } }
                }
            }
            p.body { "Give this password to " (user.display_name) " in person or by phone – never by email. It is shown only once. They must choose their own password when they first sign in." }
            p.body { a href={ "/admin/users/" (user.id) } { "Back to " (user.display_name) } " · " a href="/admin/users" { "All users" } }
        },
    )
}

/// What the form shows besides the typed values.
struct FormView<'a> {
    user: Option<&'a users::Model>,
    all_areas: &'a [areas::Model],
    /// The saved version, when an edit was refused as stale.
    theirs: Option<&'a UserForm>,
    now: time::OffsetDateTime,
}

impl<'a> FormView<'a> {
    fn new(user: Option<&'a users::Model>, all_areas: &'a [areas::Model], state: &AppState) -> Self {
        FormView {
            user,
            all_areas,
            theirs: None,
            now: state.now(),
        }
    }
}

fn form_page(ctx: &Ctx, view: FormView, f: &UserForm, errors: &FormErrors) -> Markup {
    let FormView {
        user,
        all_areas,
        theirs,
        now,
    } = view;
    let title = match user {
        Some(u) => format!("Edit {}", u.display_name),
        None => "Add a user".to_owned(),
    };
    let action = user.map_or("/admin/users".to_owned(), |u| format!("/admin/users/{}", u.id));
    let roles: Vec<Choice> = Role::iter()
        .map(|r| Choice {
            value: role_code(r).to_owned(),
            label: role_label(r),
            selected: f.role == role_code(r),
        })
        .collect();
    let area_choices: Vec<Choice> = all_areas
        .iter()
        .filter(|a| !a.retired || f.areas.contains(&a.id.to_string()))
        .map(|a| Choice {
            value: a.id.to_string(),
            label: &a.name,
            selected: f.areas.contains(&a.id.to_string()),
        })
        .collect();
    layout::page(
        ctx,
        &title,
        !errors.is_empty(),
        html! {
                (error_summary(errors))
                @if let Some(u) = user { span.caption { (u.username) } }
                h1.heading-xl { (title) }
                @if let Some(t) = theirs {
                    div.inset-text {
                        h2.heading-s { "The saved version now says" }
                        dl.summary-list {
                            div.summary-list__row { dt.summary-list__key { "Full name" } dd.summary-list__value { (t.display_name) } }
                            div.summary-list__row { dt.summary-list__key { "Email" } dd.summary-list__value { (t.email) } }
                            div.summary-list__row { dt.summary-list__key { "Role" } dd.summary-list__value { (parse_role(&t.role).map(role_label).unwrap_or("")) } }
                        }
                    }
                }
                form method="post" action=(action) novalidate {
                    (csrf_field(&ctx.csrf))
                    @if let Some(v) = f.version { input type="hidden" name="version" value=(v); }
                    @if user.is_none() {
                        (Input::text("username", "Username", &f.username).autocomplete("off").hint(crate::auth::users::USERNAME_HINT).render(errors))
                    }
                    (Input::text("display_name", "Full name", &f.display_name).autocomplete("off").render(errors))
                    (Input::text("email", "Email address (optional)", &f.email).kind("email").autocomplete("off").hint("For deadline reminders. They never contain case details.").render(errors))
                    (select("role", "Role", &roles, errors))
                    @if area_choices.is_empty() {
                        p.body.hint { "There are no areas yet. " a href="/admin/areas" { "Add areas" } " to give staff a patch." }
                    } @else {
                        (checkboxes("area", "Areas", Some("Tenancy officers see cases in their areas."), &area_choices, errors))
                    }
                    button.button type="submit" { @if user.is_some() { "Save changes" } @else { "Create user" } }
                }
                @if let Some(u) = user { (super::actions::panel(ctx, u, now)) }
                p.body { a href="/admin/users" { "Back to users" } }
        },
    )
}
