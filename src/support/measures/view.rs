//! The support measure pages.

use super::form::MeasureForm;
use crate::support::{
    MEASURE_STATUSES, format_pence, measure_status_label,
    pages::{choices, date_or_dash, row, their_version},
};
use crate::{
    cases::{codes, parts::case_form},
    web::{
        Ctx,
        forms::{FormErrors, Input, code_choices, radios, select, textarea},
        time_fmt,
    },
};
use entity::{cases, support_catalogue, support_measures};
use maud::{Markup, html};

pub(super) fn new_page(
    ctx: &Ctx,
    case: &cases::Model,
    catalogue: &[support_catalogue::Model],
    f: &MeasureForm,
    errors: &FormErrors,
) -> Markup {
    let choices = choices(
        "Choose a support measure",
        &f.catalogue_id,
        catalogue.iter().map(|e| (e.id, e.name.as_str())),
    );
    case_form(
        ctx,
        case,
        "Record support",
        "support",
        errors,
        html! { p.body { "Support asked for by or offered to the victim, and what became of it." } },
        html! {
            (select("catalogue_id", "Support measure", &choices, errors))
            (measure_fields(f, errors))
            button.button type="submit" { "Record support" }
        },
    )
}

pub(super) fn edit_page(
    ctx: &Ctx,
    case: &cases::Model,
    m: &support_measures::Model,
    name: &str,
    f: &MeasureForm,
    theirs: Option<&support_measures::Model>,
    errors: &FormErrors,
) -> Markup {
    let title = format!("Update support: {name}");
    case_form(
        ctx,
        case,
        &title,
        &format!("support/{}", m.id),
        errors,
        html! {
            @if case.status != codes::OPEN {
                div.inset-text { p.body { "This case is closed. You can still update support recorded on it: support is often provided after a case closes." } }
            }
            (their_version(theirs.map(summary)))
        },
        html! {
            input type="hidden" name="version" value=(f.version);
            (measure_fields(f, errors))
            div.button-group {
                button.button type="submit" { "Save support" }
                a.button.button--secondary href={ "/cases/" (case.reference) "#support" } { "Cancel" }
            }
        },
    )
}

fn measure_fields(f: &MeasureForm, errors: &FormErrors) -> Markup {
    html! {
        (radios("status", "Status", None, &code_choices(&MEASURE_STATUSES, &[f.status.trim()]), errors))
        (Input::text("requested_on", "Date requested", &f.requested_on).kind("date").narrow().render(errors))
        (Input::text("provided_on", "Date provided", &f.provided_on).kind("date").narrow().hint("Needed when the support was provided; leave blank otherwise.").render(errors))
        (Input::text("declined_on", "Date declined", &f.declined_on).kind("date").narrow().hint("Needed when the victim declined the support; leave blank otherwise.").render(errors))
        (Input::text("cost", "Cost to the landlord (optional)", &f.cost).narrow().hint("In pounds, for example 250 or £1,234.50.").render(errors))
        (textarea("notes", "Notes (optional)", None, &f.notes, errors))
    }
}

/// A measure as saved (shown beside a conflicting edit).
fn summary(m: &support_measures::Model) -> Markup {
    html! {
        dl.summary-list {
            (row("Status", html! { (measure_status_label(&m.status)) }))
            (row("Date requested", time_fmt::date(m.requested_on)))
            (row("Date provided", date_or_dash(m.provided_on)))
            (row("Date declined", date_or_dash(m.declined_on)))
            (row("Cost", html! { (m.cost_pence.map(format_pence).unwrap_or_else(|| "–".to_owned())) }))
            (row("Notes", html! { (m.notes.as_deref().unwrap_or("–")) }))
        }
    }
}
