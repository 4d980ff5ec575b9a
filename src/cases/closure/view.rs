//! The close and reopen pages.

use super::form::{CloseForm, ReopenForm};
use crate::{
    cases::{codes, parts::case_form},
    deadlines::closing,
    web::{
        Ctx,
        forms::{FormErrors, Input, code_choices, radios, textarea},
    },
};
use entity::{cases, deadlines as deadlines_entity};
use maud::{Markup, html};

/// The close form, with a choice for each `open` deadline that `closer` may make.
pub(super) fn close_page(
    ctx: &Ctx,
    closer: closing::Closer,
    case: &cases::Model,
    open: &[deadlines_entity::Model],
    f: &CloseForm,
    errors: &FormErrors,
) -> Markup {
    let title = format!("Close {}", case.reference);
    case_form(
        ctx,
        case,
        &title,
        "close",
        errors,
        html! {},
        html! {
                (radios("outcome", "Outcome", None, &code_choices(&codes::OUTCOMES, &[f.outcome.as_str()]), errors))
                (textarea("reason", "Reason for closing", Some("What was done and why the case can close."), &f.reason, errors))
                (Input::text("victim_told_on", "Date the victim was told", &f.victim_told_on).kind("date").narrow().render(errors))
                (closing::fields(open, &f.deadlines, closer, errors))
                button.button.button--warning type="submit" { "Close case" }
        },
    )
}

pub(super) fn reopen_page(ctx: &Ctx, case: &cases::Model, f: &ReopenForm, errors: &FormErrors) -> Markup {
    let title = format!("Reopen {}", case.reference);
    case_form(
        ctx,
        case,
        &title,
        "reopen",
        errors,
        html! {},
        html! {
                (textarea("reason", "Reason for reopening", None, &f.reason, errors))
                button.button type="submit" { "Reopen case" }
        },
    )
}
