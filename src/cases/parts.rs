//! The case's building blocks for screens, used by every capability that shows or
//! changes a case: a person's name and card, the status and priority tags, a link to
//! the case, and the frame of a form about one case.

use crate::{
    cases::{
        codes::{self, label},
        monitoring::{self, Shown},
    },
    web::{Ctx, forms::FormErrors, layout},
};
use entity::{cases, people};
use maud::{Markup, html};

pub fn person_name(p: &people::Model) -> String {
    match (p.kind.as_str(), &p.name, &p.description) {
        (codes::NAMED, Some(name), _) => name.clone(),
        ("group", _, Some(d)) => format!("Group: {d}"),
        ("group", _, None) => "A group".to_owned(),
        (_, Some(name), _) if !name.is_empty() => name.clone(),
        (_, _, Some(d)) => format!("Not known: {d}"),
        _ => "Not known".to_owned(),
    }
}

pub fn status_tag(case: &cases::Model) -> Markup {
    html! {
        @if case.status == codes::OPEN { strong.tag.tag--blue { "Open" } }
        @else { strong.tag.tag--grey { "Closed" } }
    }
}

pub fn priority_tag(priority: &str) -> Markup {
    html! {
        @if priority == codes::P1 { strong.tag.tag--red { (label(&codes::PRIORITIES, priority)) } }
        @else { strong.tag.tag--yellow { (label(&codes::PRIORITIES, priority)) } }
    }
}

pub fn case_link(case: &cases::Model) -> Markup {
    html! { a href={ "/cases/" (case.reference) } { (case.reference) } }
}

/// A person's details; their monitoring answers as `monitoring` says (see
/// `cases::monitoring`: the caller decides, by the viewer, and audits what it shows).
pub fn person_card(p: &people::Model, monitoring: Shown) -> Markup {
    let yes_no = |b: bool| if b { "Yes" } else { "No" };
    let mut rows: Vec<(&str, String)> = vec![];
    let mut push = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            rows.push((k, v));
        }
    };
    push(
        "Description",
        p.description.clone().filter(|_| p.kind == codes::NAMED),
    );
    push("Phone", p.phone.clone());
    push("Email", p.email.clone());
    push(
        "Preferred contact",
        p.preferred_contact
            .as_deref()
            .map(|c| label(&codes::CONTACT_METHODS, c).to_owned()),
    );
    push("Address", p.address.clone());
    push("Postcode", p.postcode.clone());
    push("Tenancy reference", p.tenancy_ref.clone());
    push("Tenant", p.is_tenant.map(|t| yes_no(t).to_owned()));
    push("Household", p.household.clone());
    push("Language", p.language.clone());
    push("Interpreter needed", p.interpreter.then(|| "Yes".to_owned()));
    push("Vulnerabilities", p.vulnerabilities.clone());
    rows.extend(monitoring::rows(p, monitoring));
    html! {
        div.person-card {
            h4.heading-s { (person_name(p)) }
            dl.summary-list {
                @for (k, v) in rows {
                    div.summary-list__row { dt.summary-list__key { (k) } dd.summary-list__value { (v) } }
                }
            }
        }
    }
}

/// A form about one case (change details, restriction, close, reopen): back link,
/// heading, error summary, `before` (e.g. the other person's saved version), then the
/// form posting to `/cases/{reference}/{action}` with `fields`.
pub fn case_form(
    ctx: &Ctx,
    case: &cases::Model,
    title: &str,
    action: &str,
    errors: &FormErrors,
    before: Markup,
    fields: Markup,
) -> Markup {
    layout::page(
        ctx,
        title,
        !errors.is_empty(),
        html! {
            a.back-link href={ "/cases/" (case.reference) } { "Back to " (case.reference) }
            h1.heading-xl { (title) }
            (crate::web::forms::error_summary(errors))
            (before)
            form method="post" action={ "/cases/" (case.reference) "/" (action) } novalidate {
                (crate::web::forms::csrf_field(&ctx.csrf))
                (fields)
            }
        },
    )
}
