//! The restriction page.

use super::form::RestrictionForm;
use crate::{
    auth::policy::role_label,
    cases::parts::case_form,
    web::{
        Ctx,
        forms::{Choice, FormErrors, checkboxes, code_choices, radios, textarea},
    },
};
use entity::{cases, users};
use maud::{Markup, html};

/// The form `f` for `case`, offering `staff`; `theirs` is the restriction as saved after
/// a stale edit.
pub(super) fn page(
    ctx: &Ctx,
    case: &cases::Model,
    staff: &[users::Model],
    f: &RestrictionForm,
    theirs: Option<&RestrictionForm>,
    errors: &FormErrors,
) -> Markup {
    let labels: Vec<String> = staff
        .iter()
        .map(|s| format!("{} ({})", s.display_name, role_label(s.role)))
        .collect();
    let staff_choices: Vec<Choice> = staff
        .iter()
        .zip(&labels)
        .map(|(s, l)| Choice {
            value: s.id.to_string(),
            label: l,
            selected: f.named.contains(&s.id.to_string()),
        })
        .collect();
    let title = format!("Restriction of {}", case.reference);
    case_form(
        ctx,
        case,
        &title,
        "restriction",
        errors,
        html! {
            @if let Some(t) = theirs {
                div.inset-text id="their-version" {
                    h2.heading-m { "As saved now" }
                    p.body { @if t.restricted == "yes" { "Restricted: " (t.reason) } @else { "Not restricted" } }
                    p.body { "Staff named: "
                        @let named: Vec<&str> = staff.iter().filter(|s| t.named.contains(&s.id.to_string())).map(|s| s.display_name.as_str()).collect();
                        @if named.is_empty() { "none" } @else { (named.join(", ")) }
                    }
                }
            }
        },
        html! {
                input type="hidden" name="version" value=(f.version.unwrap_or(case.version));
                (radios("restricted", "Restrict this case?", Some("A restricted case is hidden from everyone except the staff named below and managers – for example when a member of staff is involved."), &code_choices(&[("yes", "Yes, restrict it"), ("no", "No")], &[f.restricted.as_str()]), errors))
                (textarea("reason", "Reason", None, &f.reason, errors))
                (checkboxes("named", "Staff named on this case", Some("They can see the case even when it is restricted. Whoever restricts a case stays named; managers see every case."), &staff_choices, errors))
                button.button type="submit" { "Save" }
        },
    )
}
