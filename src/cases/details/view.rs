//! The change-details page.

use super::form::{DetailsForm, Lists, or_none};
use crate::web::layout::summary_row as pair;
use crate::{
    cases::{
        codes::{self, label},
        parts::case_form,
    },
    web::{
        Ctx,
        forms::{Choice, FormErrors, checkboxes, code_choices, radios, select, textarea},
    },
};
use entity::cases;
use maud::{Markup, html};

/// The form `f` for `case`; `theirs` is the saved version after a stale edit.
pub(super) fn form_page(
    ctx: &Ctx,
    case: &cases::Model,
    lists: &Lists,
    f: &DetailsForm,
    theirs: Option<&DetailsForm>,
    errors: &FormErrors,
) -> Markup {
    let strand_choices: Vec<Choice> = lists
        .strands
        .iter()
        .filter(|s| !s.retired || f.strands.contains(&s.id.to_string()))
        .map(|s| Choice {
            value: s.id.to_string(),
            label: &s.label,
            selected: f.strands.contains(&s.id.to_string()),
        })
        .collect();
    let area_choices: Vec<Choice> = lists
        .areas
        .iter()
        .filter(|a| !a.retired || a.id == case.area_id)
        .map(|a| Choice {
            value: a.id.to_string(),
            label: &a.name,
            selected: f.area_id == a.id.to_string(),
        })
        .collect();
    let yes_no = [("yes", "Yes"), ("no", "No")];
    let title = format!("Change details of {}", case.reference);
    case_form(
        ctx,
        case,
        &title,
        "edit",
        errors,
        html! {
            @if let Some(t) = theirs {
                div.inset-text id="their-version" {
                    h2.heading-m { "Their version (saved)" }
                    dl.summary-list {
                        (pair("Priority", label(&codes::PRIORITIES, &t.priority)))
                        (pair("Priority reason", &t.priority_reason))
                        (pair("Perceived as hate", if t.hate_perceived == "yes" { "Yes" } else { "No" }))
                        (pair("Perceived by", label(&codes::PERCEIVED_BY, &t.perceived_by)))
                        (pair("Strands", or_none(lists.strands.iter().filter(|s| t.strands.contains(&s.id.to_string())).map(|s| s.label.as_str()).collect::<Vec<_>>().join(", "))))
                        (pair("Area", lists.areas.iter().find(|a| a.id.to_string() == t.area_id).map_or("", |a| a.name.as_str())))
                    }
                }
            }
        },
        html! {
                input type="hidden" name="version" value=(f.version.unwrap_or(case.version));
                (radios("priority", "Priority", Some(&format!("Suggested when the case was opened: {}", label(&codes::PRIORITIES, &case.suggested_priority))), &code_choices(&codes::PRIORITIES, &[f.priority.as_str()]), errors))
                (textarea("priority_reason", "Reason for the priority", Some("Needed when it differs from the suggested priority."), &f.priority_reason, errors))
                (radios("hate_perceived", "Does the victim or anyone else perceive this as hate?", Some("Perception is enough: no proof is needed."), &code_choices(&yes_no, &[f.hate_perceived.as_str()]), errors))
                (select("perceived_by", "Perceived as hate by", &std::iter::once(Choice { value: String::new(), label: "Not applicable", selected: f.perceived_by.is_empty() }).chain(code_choices(&codes::PERCEIVED_BY, &[f.perceived_by.as_str()])).collect::<Vec<_>>(), errors))
                (checkboxes("strand", "Perceived motivation", Some("Select all that apply."), &strand_choices, errors))
                (select("area_id", "Area", &area_choices, errors))
                div.button-group {
                    button.button type="submit" { "Save changes" }
                    a.button.button--secondary href={ "/cases/" (case.reference) } { "Cancel" }
                }
        },
    )
}
