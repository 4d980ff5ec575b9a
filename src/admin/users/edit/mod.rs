//! Create and edit forms. New accounts get a generated temporary password, shown once to
//! the administrator, which the person must replace at first sign-in.

mod form;
mod store;
mod view;

pub(super) use self::view::temporary_password_page;
use self::{
    form::{UserForm, validate},
    store::Refused,
    view::{FormView, form_page},
};
use super::find;
use crate::{
    audit::Origin,
    auth::{password, policy::role_code, users as accounts},
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, FormErrors},
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::Role;
use maud::Markup;

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
    let user = match store::create(&state.db, &actor, &origin, now, &f.username, v, hash).await? {
        Ok(u) => u,
        Err(store::DuplicateUsername) => {
            let mut errors = FormErrors::default();
            errors.add("username", "A user with that username already exists");
            return Ok(forms::invalid(form_page(
                &ctx,
                FormView::new(None, &areas, &state),
                &f,
                &errors,
            )));
        }
    };
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
    let seen = f.version.unwrap_or(-1);
    match store::update(&state.db, &actor, &origin, now, &user, &v, seen).await? {
        Ok(()) => {}
        Err(Refused::LastAdmin) => {
            let mut errors = FormErrors::default();
            errors.add(
                "role",
                "This is the only active administrator: make someone else an administrator first",
            );
            return Ok(refuse(&errors));
        }
        Err(Refused::Stale) => {
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
    }
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
