//! The contact frequency page.

use super::form::{AGREED_UNITS, FrequencyForm};
use crate::{
    cases::parts::case_form,
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, select},
    },
};
use entity::cases;
use maud::{Markup, html};

pub(super) fn page(ctx: &Ctx, case: &cases::Model, f: &FrequencyForm, errors: &FormErrors) -> Markup {
    let units: Vec<Choice> = std::iter::once(Choice {
        value: String::new(),
        label: "Use the procedure's timescale",
        selected: f.unit.is_empty(),
    })
    .chain(AGREED_UNITS.into_iter().map(|u| Choice {
        value: u.code().to_owned(),
        label: u.label(),
        selected: f.unit == u.code(),
    }))
    .collect();
    case_form(
        ctx,
        case,
        "Agreed contact frequency",
        "contact-frequency",
        errors,
        html! { p.body { "How often the victim will be updated, as agreed with them. It replaces the procedure's regular-update timescale on this case." } },
        html! {
            (Input::text("amount", "Every", &f.amount).narrow().hint("A whole number.").render(errors))
            (select("unit", "Unit", &units, errors))
            button.button type="submit" { "Save frequency" }
        },
    )
}
