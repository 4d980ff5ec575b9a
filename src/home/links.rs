//! The links of the home page: every part of Harbour the signed-in user's role may use,
//! each with what it is for.

use crate::auth::policy::{Permission, allows};
use entity::Role;
use maud::{Markup, html};

/// (address, title, what it is for, the permission it needs)
const LINKS: [(&str, &str, &str, Permission); 17] = [
    (
        "/cases/new",
        "Log a report",
        "Record a report of harassment or a hate incident: as a new case, or as a further report on an open one.",
        Permission::LogCases,
    ),
    (
        "/cases",
        "Cases",
        "Your cases, the triage queue of unassigned cases, and every case you can see, with search and filters.",
        Permission::ViewCases,
    ),
    (
        "/deadlines",
        "Deadlines",
        "What is overdue, due today and due in the next five working days on your cases, and your reminders.",
        Permission::ViewDeadlines,
    ),
    (
        "/compliance",
        "Deadline compliance",
        "How many procedural deadlines were met on time, by stage, officer, area and priority, for any period.",
        Permission::ViewCompliance,
    ),
    (
        "/reports",
        "Equality and regulator reports",
        "Outcomes, response times, enforcement and satisfaction by ethnicity, recording completeness, NM01 and disparity flags; the quarterly board report; CSV and Excel exports.",
        Permission::ViewReports,
    ),
    (
        "/import",
        "Import cases",
        "Bring the landlord's earlier cases in from a spreadsheet (CSV or Excel), checked and previewed before anything is saved.",
        Permission::ImportCases,
    ),
    (
        "/people/duplicates",
        "Possible duplicate people",
        "People recorded with the same name and postcode as someone on a case their officer could not see: merge the two records or set them apart.",
        Permission::MergePeople,
    ),
    (
        "/people",
        "Find a person (subject access)",
        "Everything held about one person across their cases, as a printable page and a zip of JSON and CSV, with other people redacted; their details' corrections.",
        Permission::SubjectAccess,
    ),
    (
        "/retention",
        "Retention review",
        "Closed cases past their retention date: destroy their identifying details (the statistics stay), or see why they are held.",
        Permission::ManageRetention,
    ),
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
        "/admin/settings",
        "Case settings",
        "Hate-incident priority, the ASB Case Review threshold and local motivation strands.",
        Permission::ManageSettings,
    ),
    (
        "/admin/procedure",
        "Procedure timescales",
        "The time limit for each stage of a case at each priority; every change is a new version.",
        Permission::ManageSettings,
    ),
    (
        "/admin/calendar",
        "Working-day calendar",
        "The bank-holiday division, the landlord's closure days and which years' holidays are provisional.",
        Permission::ManageSettings,
    ),
    (
        "/admin/reporting",
        "Reporting settings",
        "Homes owned for NM01, the recording target, the target days to close a case and the disparity reference groups.",
        Permission::ManageSettings,
    ),
    (
        "/admin/retention",
        "Retention periods",
        "How many years closed cases are kept, overall and for particular outcomes.",
        Permission::ManageSettings,
    ),
    (
        "/audit",
        "Audit trail",
        "Who signed in, changed or looked at what, and when (case events for managers only).",
        Permission::ViewAudit,
    ),
];

/// The links `role` may follow; as headings of their own (`nested` false) or under a
/// heading of the page's (`nested` true, below the summary of work).
pub fn render(role: Role, nested: bool) -> Markup {
    html! {
        @for (href, title, description, permission) in LINKS {
            @if allows(role, permission) {
                @if nested {
                    h3.heading-m { a href=(href) { (title) } }
                } @else {
                    h2.heading-m { a href=(href) { (title) } }
                }
                p.body { (description) }
            }
        }
    }
}
