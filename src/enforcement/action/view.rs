//! The action page, and a legal date as the action page and the case's panel list it.

use crate::enforcement::{
    kind_label, legal_date_label, record::legal_date_fields, status_label, status_tag, transitions,
};
use crate::{
    auth::policy::{Permission, allows},
    cases::{codes, visibility::Viewer},
    deadlines::state,
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, csrf_field, error_summary, radios, textarea},
        layout, time_fmt,
    },
};
use entity::{cases, deadlines, legal_dates};
use maud::{Markup, html};
use time::OffsetDateTime;

use super::{
    form::{DateForm, UpdateForm},
    read::ActionView,
};

/// A legal date with its deadline's state, and a link to move it (an adjournment is an
/// extension of the deadline).
pub fn date_item(
    viewer: &Viewer,
    case: &cases::Model,
    ld: &legal_dates::Model,
    d: Option<&deadlines::Model>,
    now: OffsetDateTime,
) -> Markup {
    let st = d.map(|d| state::state(d, now));
    html! {
        (legal_date_label(&ld.kind)) ": "
        @match d {
            Some(d) => { (time_fmt::date(time_fmt::london(d.due_at).date())) }
            None => { (time_fmt::date(ld.due_on)) }
        }
        @if let Some(note) = &ld.note { " – " (note) }
        @if let (Some(st), Some(d)) = (st, d) {
            " " strong class=(st.tag_class()) { (st.label()) }
            @if d.extended_at.is_some() {
                " " span.hint { "(originally " (time_fmt::date(ld.due_on)) ")" }
            }
            @if st.is_open() && allows(viewer.role, Permission::ManageDeadlines) {
                " " a.no-print href={ "/cases/" (case.reference) "/deadlines/" (d.id) "/extend" } {
                    "Move" span.visually-hidden { " " (legal_date_label(&ld.kind)) " " (time_fmt::plain_date(ld.due_on)) }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub fn page(
    ctx: &Ctx,
    viewer: &Viewer,
    case: &cases::Model,
    view: &ActionView,
    f: &UpdateForm,
    date: &DateForm,
    errors: &FormErrors,
    now: OffsetDateTime,
) -> Markup {
    let a = &view.action;
    let title = view.title();
    let base = format!("/cases/{}/enforcement/{}", case.reference, a.id);
    let next = transitions::next(&a.status);
    let mut choices = vec![Choice {
        value: String::new(),
        label: "No change",
        selected: f.status.trim().is_empty(),
    }];
    choices.extend(next.iter().map(|s| Choice {
        value: (*s).to_owned(),
        label: status_label(s),
        selected: f.status.trim() == *s,
    }));
    let row = |key: &str, value: Markup| layout::summary_row(key, value);
    layout::page(
        ctx,
        &title,
        !errors.is_empty(),
        html! {
            a.back-link href={ "/cases/" (case.reference) "#enforcement" } { "Back to " (case.reference) }
            span.caption { (case.reference) " · action against a perpetrator" }
            h1.heading-xl { (title) }
            (error_summary(errors))
            dl.summary-list {
                (row("Action", html! { (kind_label(&a.kind)) }))
                (row("Against", html! { @match &view.who { Some(w) => (w), None => "No one in particular" } }))
                (row("Status", html! { (status_tag(&a.status)) " since " (time_fmt::date(a.status_on)) }))
                (row("Planned", time_fmt::date(a.planned_on)))
                (row("Outcome", html! { @match &a.outcome { Some(o) => p.body.preserve-lines { (o) }, None => "None recorded" } }))
                (row("Documents", html! { @match &a.documents { Some(d) => p.body.preserve-lines { (d) }, None => "None referenced" } }))
                @if let Some(notes) = &a.notes {
                    (row("Notes", html! { p.body.preserve-lines { (notes) } }))
                }
                (row("Recorded", html! { (time_fmt::datetime(a.created_at)) " by " (view.recorded_by) }))
                @if let (Some(at), Some(by)) = (a.updated_at, &view.updated_by) {
                    (row("Last changed", html! { (time_fmt::datetime(at)) " by " (by) }))
                }
            }
            h2.heading-l id="history" { "History" }
            ol.timeline {
                @for (e, by) in &view.events {
                    li.timeline__item {
                        h3.heading-s { (status_label(&e.status)) }
                        p.body-s { (time_fmt::date(e.on_date)) " · recorded by " (by) }
                        @if let Some(note) = &e.note { p.body.preserve-lines { (note) } }
                    }
                }
            }
            h2.heading-l id="dates" { "Court and notice dates" }
            @if view.dates.is_empty() {
                p.body { "None yet." }
            } @else {
                ul.list {
                    @for (ld, d) in &view.dates {
                        li { (date_item(viewer, case, ld, d.as_ref(), now)) }
                    }
                }
            }
            p.body.hint { "A hearing adjourned or a notice's expiry moved: use “Move” (the deadline's Extend) and give the reason; the original date is kept for reports." }
            h2.heading-l { "Change the status" }
            form method="post" action=(base) novalidate {
                (csrf_field(&ctx.csrf))
                input type="hidden" name="version" value=(f.version);
                @if next.is_empty() {
                    p.body { "This action is " (status_label(&a.status).to_lowercase()) ": its status cannot change. You can still record its outcome and documents." }
                    input type="hidden" name="status" value="";
                } @else {
                    (radios("status", "New status", Some("Only the changes that can follow the current status are offered."), &choices, errors))
                    (Input::text("on_date", "Date of the change", &f.on_date).kind("date").narrow().hint("When it was issued, served, granted, breached… Not before the current status's date.").render(errors))
                    (textarea("note", "Note about the change (optional)", None, &f.note, errors))
                }
                (textarea("outcome", "Outcome (optional)", Some("What the action achieved, e.g. the terms of an order or the result of a hearing."), &f.outcome, errors))
                (textarea("documents", "Documents referenced (optional)", Some("Where the letters, notices or court papers are kept."), &f.documents, errors))
                button.button type="submit" { "Save changes" }
            }
            h2.heading-l id="add-date" { "Add a court or notice date" }
            @if case.status != codes::OPEN {
                p.body { "This case is closed: reopen it to add a date (nothing is left open on a closed case)." }
            } @else if transitions::is_final(&a.status) {
                p.body { "This action is " (status_label(&a.status).to_lowercase()) ": record a new action for a fresh application or notice." }
            } @else {
                form method="post" action={ (base) "/dates" } novalidate {
                    (csrf_field(&ctx.csrf))
                    (legal_date_fields(&date.date_kind, &date.due_on, &date.date_note, "Kind of date", false, errors))
                    button.button.button--secondary type="submit" { "Add date" }
                }
            }
        },
    )
}
