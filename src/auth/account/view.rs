//! The change-password page.

use crate::{
    error::AppResult,
    web::{
        Ctx,
        forms::{FormErrors, Input, csrf_field, error_summary},
        layout,
    },
};
use maud::{Markup, html};

/// The form, with a banner when the password must be changed (`first`: at the first
/// sign-in, else after a reset).
pub(super) fn page(ctx: &Ctx, errors: &FormErrors, first: bool) -> AppResult<Markup> {
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
