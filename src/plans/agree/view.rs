//! The plan page: the plan as it stands (when revising), the plan's fields and, on a first
//! agreement or when some were typed, the action rows.

use super::form::{AGREED_UNITS, PlanForm, row_prefix};
use crate::plans::{CHANNELS, COPY_GIVEN, case_panel, fields};
use crate::{
    cases::parts::case_form,
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, code_choices, radios, select, textarea},
    },
};
use entity::{action_plans, cases};
use maud::{Markup, html};

pub(super) fn page(
    ctx: &Ctx,
    case: &cases::Model,
    standing: Option<&(action_plans::Model, String)>,
    staff: &[(i32, String)],
    f: &PlanForm,
    errors: &FormErrors,
) -> Markup {
    let revising = standing.is_some();
    let title = if revising {
        "Revise the action plan"
    } else {
        "Agree an action plan"
    };
    let units: Vec<Choice> = std::iter::once(Choice {
        value: String::new(),
        label: "Choose a unit",
        selected: f.every_unit.trim().is_empty(),
    })
    .chain(AGREED_UNITS.into_iter().map(|u| Choice {
        value: u.code().to_owned(),
        label: u.label(),
        selected: f.every_unit.trim() == u.code(),
    }))
    .collect();
    let channels: Vec<Choice> = std::iter::once(Choice {
        value: String::new(),
        label: "Choose how",
        selected: f.channel.trim().is_empty(),
    })
    .chain(code_choices(&CHANNELS, &[f.channel.trim()]))
    .collect();
    let copy = code_choices(&COPY_GIVEN, &[f.copy_given_how.trim()]);
    // Action rows show on a first agreement, and whenever some were typed.
    let rows = !revising || f.has_actions();
    let before = html! {
        @if let Some((plan, by)) = standing {
            div.inset-text id="standing-plan" {
                h2.heading-m { "The plan as it stands" }
                (case_panel::plan_summary(plan, by))
            }
        }
        p.body {
            "Record what was agreed with the victim. The contact frequency replaces the procedure's regular-update timescale on this case"
            @if !revising { ", and agreeing the plan completes the action-plan deadline" }
            "."
        }
    };
    let fields_html = html! {
        input type="hidden" name="based_on" value=(f.based_on);
        (Input::text("agreed_on", "Date agreed with the victim", &f.agreed_on).kind("date").narrow().render(errors))
        (radios("copy_given_how", "Was the victim given a copy of the plan?", None, &copy, errors))
        (Input::text("copy_given_on", "Date the copy was given", &f.copy_given_on).kind("date").narrow().hint("Leave empty if no copy has been given yet.").render(errors))
        div.form-group {
            fieldset.fieldset {
                legend.fieldset__legend { "How often the victim will be updated" }
                (Input::text("every_amount", "Every", &f.every_amount).narrow().hint("A whole number of days, from 1 to 90.").render(errors))
                (select("every_unit", "Unit", &units, errors))
            }
        }
        (select("channel", "How the victim will be contacted", &channels, errors))
        (Input::text("interpreter_language", "Interpreter language (optional)", &f.interpreter_language).hint("Leave empty if no interpreter is needed.").render(errors))
        (textarea("communication_needs", "Communication or other needs (optional)", Some("For example: large print, a trusted person present, no visits after dark."), &f.communication_needs, errors))
        (textarea("notes", "Notes (optional)", None, &f.notes, errors))
        @if rows {
            h2.heading-m { "Actions" }
            p.body { "Up to three actions now; add more from the case page afterwards. Leave a row empty to skip it." }
            @for (i, row) in f.actions.iter().enumerate() {
                div.form-group {
                    fieldset.fieldset {
                        legend.fieldset__legend.heading-s { "Action " (i + 1) }
                        (fields::render(row, &row_prefix(i), staff, None, errors))
                    }
                }
            }
        }
        button.button type="submit" { @if revising { "Save the revised plan" } @else { "Save the action plan" } }
    };
    case_form(ctx, case, title, "plan", errors, before, fields_html)
}
