//! The post-closure check page.

use super::form::SatisfactionForm;
use crate::{
    cases::{codes::SATISFACTION, parts::case_form},
    web::{
        Ctx,
        forms::{FormErrors, Input, code_choices, radios, textarea},
    },
};
use entity::cases;
use maud::{Markup, html};

pub(super) fn page(ctx: &Ctx, case: &cases::Model, f: &SatisfactionForm, errors: &FormErrors) -> Markup {
    let answers: Vec<(&'static str, &'static str)> = SATISFACTION.to_vec();
    let body = html! {
        (Input::text("checked_on", "Date of the check", &f.checked_on).kind("date").hint("For example 2026-12-01").render(errors))
        (radios("handling", "How satisfied was the victim with how the case was handled?", Some("If the victim declined or could not be contacted, choose that here: the next question is then not asked."), &code_choices(&answers, &[f.handling.as_str()]), errors))
        (radios("outcome", "How satisfied was the victim with the outcome?", None, &code_choices(&answers, &[f.outcome.as_str()]), errors))
        (textarea("notes", "Notes (optional)", None, &f.notes, errors))
        button.button type="submit" { "Record the check" }
    };
    case_form(
        ctx,
        case,
        "Post-closure check",
        "satisfaction",
        errors,
        html! {},
        body,
    )
}
