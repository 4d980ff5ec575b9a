//! The signed-in home page: what each role can reach from here.

use crate::{
    auth::policy::{Permission, allows, role_label},
    error::AppResult,
    web::{Ctx, layout, routes::Route},
};
use maud::{Markup, html};

pub fn routes() -> Vec<Route> {
    vec![Route::get("/", Permission::SignedIn, home)]
}

async fn home(ctx: Ctx) -> AppResult<Markup> {
    let user = ctx.user()?;
    let links: [(&str, &str, &str, Permission); 3] = [
        (
            "/admin/users",
            "Users",
            "Create accounts, set roles and areas, reset passwords, deactivate leavers.",
            Permission::ManageUsers,
        ),
        (
            "/admin/areas",
            "Areas",
            "The patches and estates cases and staff belong to.",
            Permission::ManageAreas,
        ),
        (
            "/audit",
            "Audit trail",
            "Who signed in, viewed, changed or exported what, and when.",
            Permission::ViewAudit,
        ),
    ];
    Ok(layout::page(
        &ctx,
        "Home",
        false,
        html! {
            span.caption { (role_label(user.role)) }
            h1.heading-xl { "Welcome, " (user.display_name) }
            @for (href, title, description, permission) in links {
                @if allows(user.role, permission) {
                    h2.heading-m { a href=(href) { (title) } }
                    p.body { (description) }
                }
            }
            @if !allows(user.role, Permission::ManageUsers) {
                div.inset-text {
                    p.body { "Case logging, caseloads and deadlines are being built and will appear here." }
                }
            }
        },
    ))
}
