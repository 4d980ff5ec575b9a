//! The page frame: header with organisation, product and signed-in user, navigation by
//! role, skip link, one-off message banner, footer.

use crate::web::forms::csrf_field;
use crate::{
    auth::policy::{Permission, allows, role_label},
    web::Ctx,
};
use maud::{DOCTYPE, Markup, html};

/// Navigation entries; each is shown only to roles the policy allows.
const NAV: [(&str, &str, Permission); 15] = [
    ("Home", "/", Permission::SignedIn),
    ("Cases", "/cases", Permission::ViewCases),
    ("Log a report", "/cases/new", Permission::LogCases),
    ("Deadlines", "/deadlines", Permission::ViewDeadlines),
    ("Compliance", "/compliance", Permission::ViewCompliance),
    ("Reports", "/reports", Permission::ViewReports),
    ("Import", "/import", Permission::ImportCases),
    ("People", "/people", Permission::SubjectAccess),
    ("Duplicates", "/people/duplicates", Permission::MergePeople),
    ("Retention", "/retention", Permission::ManageRetention),
    ("Users", "/admin/users", Permission::ManageUsers),
    ("Areas", "/admin/areas", Permission::ManageAreas),
    ("Settings", "/admin/settings", Permission::ManageSettings),
    ("Audit trail", "/audit", Permission::ViewAudit),
    ("Your account", "/account/password", Permission::SignedIn),
];

/// A whole page. `title` becomes the <title> and should match the page's h1; pages showing
/// form errors pass `has_errors` so the title starts with "Error:" (GOV.UK pattern).
/// One row of a summary list (`dl.summary-list`): a key and its value.
pub fn summary_row(key: &str, value: impl maud::Render) -> Markup {
    html! { div.summary-list__row { dt.summary-list__key { (key) } dd.summary-list__value { (value) } } }
}

pub fn page(ctx: &Ctx, title: &str, has_errors: bool, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title {
                    @if has_errors { "Error: " }
                    (title) " – Harbour"
                }
                link rel="stylesheet" href=(crate::web::assets::CSS_PATH.as_str());
            }
            body {
                a.skip-link href="#main" { "Skip to main content" }
                (header(ctx))
                div.container {
                    @if ctx.settings.demo {
                        div.banner.banner--warning role="note" {
                            p.body { strong { "Demo data. " } "Every case, person and account here is made up. Do not enter real information." }
                        }
                    }
                    main.main id="main" tabindex="-1" {
                        @if let Some(message) = &ctx.flash {
                            div.banner.banner--success role="status" {
                                p.body { (message) }
                            }
                        }
                        (content)
                    }
                }
                footer.site-footer.no-print {
                    div.container {
                        p.body-s { "Harbour – racial harassment and hate incident case management." }
                    }
                }
            }
        }
    }
}

fn header(ctx: &Ctx) -> Markup {
    html! {
        header.site-header {
            div.container.site-header__inner {
                span.site-header__org { (ctx.settings.org_name) }
                a.site-header__product href="/" { "Harbour" }
                @if let Some(user) = &ctx.user {
                    div.site-header__user {
                        span { (user.display_name) " (" (role_label(user.role)) ")" }
                        " "
                        form.inline method="post" action="/logout" {
                            (csrf_field(&ctx.csrf))
                            button.link-button type="submit" { "Sign out" }
                        }
                    }
                }
            }
        }
        @if let Some(user) = &ctx.user {
            nav.site-nav.no-print aria-label="Main" {
                div.container {
                    ul {
                        @let current = current_entry(&ctx.path);
                        @for (label, href, permission) in NAV {
                            @if allows(user.role, permission) {
                                li {
                                    @if current == Some(href) {
                                        a href=(href) aria-current="page" { (label) }
                                    } @else {
                                        a href=(href) { (label) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The navigation entry for `path`: the longest entry it falls under, so /cases/new is
/// "Log a report" while /cases/HC-… is "Cases".
fn current_entry(path: &str) -> Option<&'static str> {
    NAV.iter()
        .map(|(_, href, _)| *href)
        .filter(|href| match *href {
            "/" => path == "/",
            href => path == href || path.starts_with(&format!("{href}/")),
        })
        .max_by_key(|href| href.len())
}

#[cfg(test)]
mod tests {
    use super::current_entry;

    #[test]
    fn the_longest_matching_entry_is_current() {
        assert_eq!(current_entry("/"), Some("/"));
        assert_eq!(current_entry("/cases"), Some("/cases"));
        assert_eq!(current_entry("/cases/HC-2026-000001"), Some("/cases"));
        assert_eq!(current_entry("/cases/new"), Some("/cases/new"));
        assert_eq!(current_entry("/admin/settings"), Some("/admin/settings"));
        assert_eq!(current_entry("/casesx"), None);
        assert_eq!(current_entry("/people/duplicates"), Some("/people/duplicates"));
        assert_eq!(current_entry("/people/12/subject-access"), Some("/people"));
    }
}
