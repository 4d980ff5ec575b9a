//! The account form page (create and edit, with a stale edit's saved version beside it)
//! and the page that shows a temporary password once.

use super::form::UserForm;
use crate::{
    auth::policy::{parse_role, role_code, role_label},
    state::AppState,
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, checkboxes, csrf_field, error_summary, select},
        layout,
    },
};
use entity::{Role, areas, users};
use maud::{Markup, html};
use sea_orm::Iterable;
/// A new or reset account's temporary password, shown this once, under `heading`.
pub fn temporary_password_page(ctx: &Ctx, user: &users::Model, temporary: &str, heading: &str) -> Markup {
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
pub(super) struct FormView<'a> {
    pub(super) user: Option<&'a users::Model>,
    pub(super) all_areas: &'a [areas::Model],
    /// The saved version, when an edit was refused as stale.
    pub(super) theirs: Option<&'a UserForm>,
    pub(super) now: time::OffsetDateTime,
}

impl<'a> FormView<'a> {
    pub(super) fn new(
        user: Option<&'a users::Model>,
        all_areas: &'a [areas::Model],
        state: &AppState,
    ) -> Self {
        FormView {
            user,
            all_areas,
            theirs: None,
            now: state.now(),
        }
    }
}

/// The add or edit form (`view.user` says which) showing `f` as typed.
pub(super) fn form_page(ctx: &Ctx, view: FormView, f: &UserForm, errors: &FormErrors) -> Markup {
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
                @if let Some(u) = user { (super::super::actions::panel(ctx, u, now)) }
                p.body { a href="/admin/users" { "Back to users" } }
        },
    )
}
