//! The new action page: who it is against, the action (ladder and general measures), its
//! status and dates, and an optional first legal date.

use super::form::{NO_ONE, NewForm};
use crate::enforcement::{
    GENERAL_MEASURES, LADDER, LEGAL_DATES, STARTING_STATUSES, status_label, store::Perpetrator,
};
use crate::{
    cases::parts::case_form,
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, radios, textarea},
    },
};
use entity::cases;
use maud::{Markup, html};

/// The action choice: the ladder and the general measures as option groups.
fn kind_select(value: &str, errors: &FormErrors) -> Markup {
    let error = errors.get("kind");
    let described_by = if error.is_some() {
        "kind-hint kind-error"
    } else {
        "kind-hint"
    };
    html! {
        div.form-group.form-group--error[error.is_some()] {
            label.label for="kind" { "Action" }
            div.hint id="kind-hint" {
                "Escalation ladder actions, lightest first, need an alleged perpetrator. General measures can be aimed at anyone, or no one in particular."
            }
            @if let Some(message) = error {
                p.error-message id="kind-error" { span.visually-hidden { "Error: " } (message) }
            }
            select.select.input--error[error.is_some()] id="kind" name="kind" aria-describedby=(described_by) {
                option value="" selected[value.is_empty()] { "Choose an action" }
                optgroup label="Escalation ladder" {
                    @for (code, label) in LADDER {
                        option value=(code) selected[value == code] { (label) }
                    }
                }
                optgroup label="General measures" {
                    @for (code, label) in GENERAL_MEASURES {
                        option value=(code) selected[value == code] { (label) }
                    }
                }
            }
        }
    }
}

/// The optional legal date fields (shared with the action page's date form).
pub(in crate::enforcement) fn legal_date_fields(
    kind: &str,
    due_on: &str,
    note: &str,
    legend: &str,
    with_none: bool,
    errors: &FormErrors,
) -> Markup {
    let mut choices: Vec<Choice> = vec![];
    if with_none {
        choices.push(Choice {
            value: String::new(),
            label: "No date yet",
            selected: kind.is_empty(),
        });
    }
    choices.extend(LEGAL_DATES.iter().map(|(code, label)| Choice {
        value: (*code).to_owned(),
        label,
        selected: kind == *code,
    }));
    html! {
        (radios("date_kind", legend, Some("It becomes a deadline on the case, due at the end of that day."), &choices, errors))
        (Input::text("due_on", "Date", due_on).kind("date").narrow().hint("For example 2027-01-15.").render(errors))
        (Input::text("date_note", "Court or notice details (optional)", note).hint("For example “Derby County Court, courtroom 3”. Up to 200 characters.").render(errors))
    }
}

pub(super) fn page(
    ctx: &Ctx,
    case: &cases::Model,
    perpetrators: &[Perpetrator],
    f: &NewForm,
    errors: &FormErrors,
) -> Markup {
    let mut against: Vec<Choice> = perpetrators
        .iter()
        .map(|p| Choice {
            value: p.party_id.to_string(),
            label: &p.name,
            selected: f.against.trim() == p.party_id.to_string(),
        })
        .collect();
    against.push(Choice {
        value: NO_ONE.to_owned(),
        label: "No one in particular (CCTV, patrols, publicity)",
        selected: f.against.trim() == NO_ONE,
    });
    let statuses: Vec<Choice> = STARTING_STATUSES
        .into_iter()
        .map(|s| Choice {
            value: s.to_owned(),
            label: status_label(s),
            selected: f.status.trim() == s,
        })
        .collect();
    let before = html! {
        @if perpetrators.is_empty() {
            div.inset-text {
                p.body { "No alleged perpetrator is recorded on this case yet, so only general measures can be recorded. Add the alleged perpetrator to the case (named, not known, or a group) to record ladder actions against them." }
            }
        }
    };
    case_form(
        ctx,
        case,
        "Record an action against a perpetrator",
        "enforcement",
        errors,
        before,
        html! {
            (radios("against", "Who is the action against?", Some("The case's alleged perpetrators."), &against, errors))
            (kind_select(&f.kind, errors))
            (radios("status", "Status", None, &statuses, errors))
            (Input::text("planned_on", "Date planned", &f.planned_on).kind("date").narrow().hint("When the action was decided on.").render(errors))
            (Input::text("issued_on", "Date issued or served", &f.issued_on).kind("date").narrow().hint("Only if it has been issued or served.").render(errors))
            (textarea("documents", "Documents referenced (optional)", Some("Where the letters, notices or court papers are kept, e.g. “Warning letter ref WL/123 in the document system”."), &f.documents, errors))
            (textarea("notes", "Notes (optional)", None, &f.notes, errors))
            h2.heading-m { "First court hearing or notice expiry (optional)" }
            (legal_date_fields(&f.date_kind, &f.due_on, &f.date_note, "Is there a date to add?", true, errors))
            button.button type="submit" { "Record action" }
        },
    )
}
