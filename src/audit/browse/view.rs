//! The audit trail page: the filter form and a page of events.

use super::form::Filters;
use crate::web::{
    Ctx,
    forms::{FormErrors, error_summary},
    layout,
    pagination::Pager,
    table::{self, Col},
    time_fmt,
};
use entity::audit_events;
use maud::{Markup, html};
use time::OffsetDateTime;

/// What the filter form offers to choose from: the actions and kinds of record the
/// readable trail holds.
pub(super) struct Offered {
    pub actions: Vec<String>,
    pub record_types: Vec<String>,
}

/// The page for filters `f`, with the events they `found` (none when `errors`); an
/// administrator (`is_admin`) is told case events are not theirs to read.
pub(super) fn page(
    ctx: &Ctx,
    is_admin: bool,
    summarised_until: Option<OffsetDateTime>,
    f: &Filters,
    errors: &FormErrors,
    offered: &Offered,
    found: Option<&(Vec<audit_events::Model>, Pager)>,
) -> Markup {
    let Offered {
        actions,
        record_types,
    } = offered;
    layout::page(
        ctx,
        "Audit trail",
        !errors.is_empty(),
        html! {
            (error_summary(errors))
            h1.heading-xl { "Audit trail" }
            @if is_admin {
                p.body { "Sign-ins, and changes to accounts, areas and settings. Case events (views, changes, exports, searches) are shown to managers only. Entries cannot be edited: " code { "harbour audit verify" } " detects any tampering." }
            } @else {
                p.body { "Every sign-in, change, and view or export of case data. Entries cannot be edited: " code { "harbour audit verify" } " detects any tampering." }
            }
            @if let Some(until) = summarised_until {
                p.body { "Events up to " (time_fmt::date(time_fmt::london(until).date())) " are older than the retention period: they are kept as a count per action for each month, not listed here." }
            }
            form.filters method="get" action="/audit" novalidate {
                div.form-group {
                    label.label for="actor" { "Username" }
                    input.input id="actor" name="actor" type="text" value=(f.actor);
                }
                div.form-group {
                    label.label for="action" { "Action" }
                    select.select id="action" name="action" {
                        option value="" { "Any action" }
                        @for a in actions { option value=(a) selected[&f.action == a] { (action_label(a)) } }
                    }
                }
                div.form-group {
                    label.label for="target_type" { "Record type" }
                    select.select id="target_type" name="target_type" {
                        option value="" { "Any" }
                        @for t in record_types { option value=(t) selected[&f.target_type == t] { (sentence(t)) } }
                    }
                }
                div.form-group.form-group--error[errors.get("from").is_some()] {
                    label.label for="from" { "From" }
                    @if let Some(e) = errors.get("from") { p.error-message { (e) } }
                    input.input.input--width-10 id="from" name="from" type="date" value=(f.from);
                }
                div.form-group.form-group--error[errors.get("to").is_some()] {
                    label.label for="to" { "To" }
                    @if let Some(e) = errors.get("to") { p.error-message { (e) } }
                    input.input.input--width-10 id="to" name="to" type="date" value=(f.to);
                }
                div.form-group {
                    label.label for="target_id" { "Record" }
                    div.hint id="target_id-hint" { @if is_admin { "A user's or area's number" } @else { "A case reference like HC-2026-000123, or a user's or import's number" } }
                    input.input.input--width-20 id="target_id" name="target_id" type="text" value=(f.target_id) aria-describedby="target_id-hint";
                }
                div.form-group { button.button.button--secondary type="submit" { "Filter" } }
            }
            @if let Some((rows, pager)) = found {
                @if rows.is_empty() {
                    p.body { "No events match." }
                } @else {
                    (table::table("Audit events, newest first", &[Col::Text("When"), Col::Text("Who"), Col::Text("Action"), Col::Text("Record"), Col::Text("Details"), Col::Text("From")], html! {
                                @for e in rows {
                                    tr {
                                        td.table__cell { (time_fmt::datetime(e.at)) }
                                        td.table__cell { (e.actor_name) }
                                        td.table__cell { (action_label(&e.action)) }
                                        td.table__cell {
                                            @if let (Some(t), Some(id)) = (&e.target_type, &e.target_id) { (sentence(t)) " " (id) }
                                        }
                                        td.table__cell { (e.summary) }
                                        td.table__cell { (e.client_addr.as_deref().unwrap_or("")) }
                                    }
                                }
                            }))
                    (pager.render("/audit", &[
                        ("actor", f.actor.clone()), ("action", f.action.clone()), ("target_type", f.target_type.clone()),
                        ("target_id", f.target_id.clone()), ("from", f.from.clone()), ("to", f.to.clone()),
                    ]))
                }
            }
        },
    )
}

/// An action code as people read it: `case.chronology_exported` → "Case: chronology
/// exported" (codes stay stable for filters and exports; labels are for reading).
pub(super) fn action_label(code: &str) -> String {
    match code.split_once('.') {
        Some((record, what)) => format!("{}: {}", sentence(record), what.replace(['_', '-'], " ")),
        None => sentence(code),
    }
}

/// `import` → "Import", `login_throttle` → "Login throttle".
fn sentence(code: &str) -> String {
    let words = code.replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::action_label;

    #[test]
    fn action_codes_read_as_words() {
        assert_eq!(
            action_label("case.chronology_exported"),
            "Case: chronology exported"
        );
        assert_eq!(action_label("login.succeeded"), "Login: succeeded");
        assert_eq!(action_label("odd"), "Odd");
        assert_eq!(
            action_label(crate::cases::monitoring::VIEWED),
            "Person: monitoring viewed"
        );
    }
}
