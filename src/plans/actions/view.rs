//! The pages for adding and updating an action.

use crate::plans::{
    ACTION_STATUSES,
    fields::{self, ActionFields},
    is_final,
};
use crate::{
    cases::parts::case_form,
    web::{
        Ctx,
        forms::{FormErrors, Input, code_choices, radios, textarea},
        time_fmt,
    },
};
use entity::{action_plans, cases};
use maud::{Markup, html};
use time::OffsetDateTime;

use super::{form::UpdateForm, store::Shown};

pub(super) fn add_page(
    ctx: &Ctx,
    case: &cases::Model,
    plan: &action_plans::Model,
    staff: &[(i32, String)],
    f: &ActionFields,
    errors: &FormErrors,
) -> Markup {
    let before = html! {
        p.body { "The action is added to the plan agreed on " (time_fmt::date(plan.agreed_on)) ". Its target date becomes a deadline on the case." }
    };
    let fields_html = html! {
        (fields::render(f, "", staff, None, errors))
        button.button type="submit" { "Add the action" }
    };
    case_form(
        ctx,
        case,
        "Add an action to the plan",
        "plan/actions",
        errors,
        before,
        fields_html,
    )
}

#[allow(clippy::too_many_arguments)]
pub(super) fn edit_page(
    ctx: &Ctx,
    case: &cases::Model,
    shown: &Shown,
    staff: &[(i32, String)],
    f: &UpdateForm,
    now: OffsetDateTime,
    conflict: bool,
    errors: &FormErrors,
) -> Markup {
    let a = &shown.action;
    let statuses = code_choices(&ACTION_STATUSES, &[f.status.trim()]);
    let current = a.owner_id.map(|id| (id, shown.owner.as_str()));
    let before = html! {
        div.inset-text id="current-action" {
            @if conflict { h2.heading-m { "The action as it is now (saved)" } }
            dl.summary-list {
                div.summary-list__row { dt.summary-list__key { "Action" } dd.summary-list__value { (a.description) } }
                div.summary-list__row { dt.summary-list__key { "Owner" } dd.summary-list__value { (shown.owner) } }
                div.summary-list__row { dt.summary-list__key { "Target date" } dd.summary-list__value { (time_fmt::date(a.target_on)) } }
                div.summary-list__row { dt.summary-list__key { "Status" } dd.summary-list__value {
                    (crate::plans::case_panel::action_tag(a, shown.deadline.as_ref(), now))
                } }
                @if let Some(on) = a.completed_on {
                    div.summary-list__row { dt.summary-list__key { "Completed" } dd.summary-list__value { (time_fmt::date(on)) } }
                }
                @if let Some(outcome) = &a.outcome {
                    div.summary-list__row { dt.summary-list__key { "Outcome" } dd.summary-list__value { (outcome) } }
                }
            }
        }
        @if is_final(&a.status) {
            p.body { "This action is " (crate::plans::action_status_label(&a.status).to_lowercase()) ": done and cancelled actions are final. You can still correct its description, owner and outcome." }
        }
    };
    let fields_html = html! {
        input type="hidden" name="version" value=(f.version);
        (fields::render(&f.action, "", staff, current, errors))
        (textarea("reason", "Reason the target date changed", Some("Needed only when you change the target date. The original date is kept for reporting."), &f.reason, errors))
        (radios("status", "Status", Some("Done and cancelled are final."), &statuses, errors))
        (Input::text("completed_on", "Date completed", &f.completed_on).kind("date").narrow().hint("Needed when the action is done.").render(errors))
        (textarea("outcome", "Outcome", Some("Needed when the action is done (what it achieved) or cancelled (why)."), &f.outcome, errors))
        button.button type="submit" { "Save the action" }
    };
    case_form(
        ctx,
        case,
        "Update an action",
        &format!("plan/actions/{}", a.id),
        errors,
        before,
        fields_html,
    )
}
