//! The correct-details page, and a person's history of corrections (also in a subject
//! access response).

use super::{form::Typed, store::Change};
use crate::{
    cases::{
        codes::{self, label},
        intake::service::person_fields,
        parts::{case_form, person_card, person_name},
    },
    web::{
        Ctx,
        forms::{FormErrors, textarea},
        table::{Col, table},
        time_fmt,
    },
};
use entity::{cases, people};
use maud::{Markup, html};

/// The form for `person` on `case`, with their history; `theirs` is the saved version
/// shown beside what was typed when someone else saved first.
pub(super) fn page(
    ctx: &Ctx,
    case: &cases::Model,
    person: &people::Model,
    typed: &Typed,
    theirs: Option<&people::Model>,
    history: &[Change],
    errors: &FormErrors,
) -> Markup {
    let title = format!("Correct the details of {}", person_name(person));
    case_form(
        ctx,
        case,
        &title,
        &format!("people/{}/edit", person.id),
        errors,
        html! {
            p.body { "Correct what is wrong or out of date. The earlier values are kept in this person's history with your name and reason. The change applies to every case this person is on." }
            @if let Some(saved) = theirs {
                div.inset-text id="their-version" {
                    h2.heading-m { "Their version (saved)" }
                    (person_card(saved, crate::cases::monitoring::Shown::Answers))
                }
            }
        },
        html! {
            input type="hidden" name="version" value=(typed.version);
            fieldset.fieldset.person {
                legend.fieldset__legend.heading-s { (label(&codes::PARTY_ROLES, &typed.person.role)) }
                (person_fields(&typed.person, errors))
            }
            (textarea("reason", "Why are you correcting this?", Some("Required. Kept with the earlier values, so anyone reading the history knows why they changed."), &typed.reason, errors))
            div.button-group {
                button.button type="submit" { "Save corrections" }
                a.button.button--secondary href={ "/cases/" (case.reference) "#people" } { "Cancel" }
            }
            (history_section(history))
        },
    )
}

/// The history as a table: detail, when, who, why, and for details other than
/// monitoring answers the values before and after.
pub fn history_section(history: &[Change]) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "(blank)".to_owned());
    html! {
        h2.heading-m id="history" { "Corrections" }
        @if history.is_empty() {
            p.body { "No details of this person have been corrected." }
        } @else {
            (table(
                "Corrections to this person's details, newest first",
                &[Col::Text("Detail"), Col::Text("Was"), Col::Text("Now"), Col::Text("When"), Col::Text("Who"), Col::Text("Why")],
                html! {
                    @for c in history {
                        tr.table__row {
                            td.table__cell { (c.label) }
                            @if c.is_monitoring() {
                                td.table__cell { "Not shown (monitoring answer)" }
                                td.table__cell { "Changed" }
                            } @else {
                                td.table__cell { (value(&c.row.old_value)) }
                                td.table__cell { (value(&c.row.new_value)) }
                            }
                            td.table__cell { (time_fmt::datetime(c.row.changed_at)) }
                            td.table__cell { (c.by) }
                            td.table__cell.preserve-lines { (c.row.reason) }
                        }
                    }
                },
            ))
        }
    }
}
