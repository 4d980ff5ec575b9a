//! The setup form, and the page for a link that no longer works.

use super::form::SetupForm;
use crate::web::{
    Ctx,
    forms::{FormErrors, Input, csrf_field, error_summary},
    layout,
};
use maud::{Markup, html};

/// A link that is unknown, used, expired or too late (an administrator exists).
pub(super) fn invalid_link(ctx: &Ctx) -> Markup {
    layout::page(
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
    )
}

/// The form to create the first administrator through the link `token`.
pub(super) fn page(ctx: &Ctx, token: &str, f: &SetupForm, errors: &FormErrors) -> Markup {
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
