//! The deadline action page: the deadline as it stands and the form for one action.

use super::{Action, form::ActionForm};
use crate::{
    cases::parts::case_form,
    deadlines::case_panel::stage_name,
    web::{
        Ctx,
        forms::{FormErrors, Input, textarea},
        time_fmt,
    },
};
use entity::{cases, deadlines};
use maud::{Markup, html};

pub(super) fn page(
    ctx: &Ctx,
    case: &cases::Model,
    d: &deadlines::Model,
    action: Action,
    f: &ActionForm,
    errors: &FormErrors,
) -> Markup {
    let title = format!("{}: {}", action.title(), stage_name(d));
    let about = html! {
        dl.summary-list {
            div.summary-list__row { dt.summary-list__key { "Case" } dd.summary-list__value { (case.reference) } }
            div.summary-list__row { dt.summary-list__key { "Due" } dd.summary-list__value { (time_fmt::datetime(d.due_at)) } }
            @if d.extended_at.is_some() {
                div.summary-list__row { dt.summary-list__key { "Originally due" } dd.summary-list__value { (time_fmt::datetime(d.original_due_at)) } }
            }
        }
        @if action == Action::Extend {
            p.body { "Reports keep counting against the original due date; the extension changes when the deadline next shows as overdue." }
        }
        @if action == Action::Waive {
            p.body { "A waived deadline is excused: it counts as waived, not as met or late, in compliance reports." }
        }
    };
    let fields = html! {
        input type="hidden" name="version" value=(f.version);
        @match action {
            Action::Done => {
                div.date-time {
                    (Input::text("date", "Date done", &f.date).kind("date").narrow().render(errors))
                    (Input::text("time", "Time", &f.time).kind("time").narrow().render(errors))
                }
                (textarea("text", "Note (optional)", Some("What was done."), &f.text, errors))
            }
            Action::Extend => {
                (Input::text("due_on", "New due date", &f.due_on).kind("date").narrow().hint("Due at the end of this day.").render(errors))
                (textarea("text", "Reason for the extension", None, &f.text, errors))
            }
            Action::Waive => {
                (textarea("text", "Reason for waiving", None, &f.text, errors))
            }
        }
        button.button type="submit" { (action.title()) }
    };
    case_form(
        ctx,
        case,
        &title,
        &format!("deadlines/{}/{}", d.id, action.path()),
        errors,
        about,
        fields,
    )
}
