//! The account actions block on the user page, and the page that asks before deactivating.

use crate::web::{Ctx, forms::csrf_field, layout, time_fmt};
use entity::users;
use maud::{Markup, html};

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
                dd.summary-list__value { (super::super::list::status_tag(u, now)) }
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

/// "Deactivate this account?": what it does, and the button that does it.
pub(super) fn deactivate_page(ctx: &Ctx, user: &users::Model) -> Markup {
    let title = format!("Deactivate {}?", user.display_name);
    layout::page(
        ctx,
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
    )
}
