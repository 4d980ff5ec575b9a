//! The person search, the person page and the printable subject access page.

use super::collect::{CasePart, Detail, Dossier};
use crate::web::layout::summary_row as row;
use crate::{
    cases::{
        codes::{self, label},
        parts::{person_card, person_name},
        people::CaseLink,
    },
    people::correction::{Change, history_section},
    web::{
        Ctx,
        forms::{FormErrors, Input},
        layout,
        table::{Col, table},
    },
};
use entity::people;
use maud::{Markup, html};

/// A person found, with the cases they are on that the viewer may see.
pub struct Found {
    pub person: people::Model,
    pub cases: Vec<CaseLink>,
}

fn case_links(links: &[CaseLink]) -> Markup {
    html! {
        ul.list {
            @for c in links {
                li { a href={ "/cases/" (c.reference) } { (c.reference) } " – " (label(&codes::PARTY_ROLES, &c.role)) ", " (label(&codes::STATUSES, &c.status).to_lowercase()) }
            }
        }
    }
}

pub fn search(ctx: &Ctx, q: &str, found: Option<&[Found]>) -> Markup {
    layout::page(
        ctx,
        "Find a person",
        false,
        html! {
            h1.heading-xl { "Find a person" }
            p.body { "For a subject access request or a correction: find the person, then produce everything held about them." }
            form.filters method="get" action="/people" novalidate {
                (Input::text("q", "Search", q)
                    .kind("search")
                    .hint("Words from a name or address, a postcode or a tenancy reference")
                    .render(&FormErrors::default()))
                button.button type="submit" { "Search" }
            }
            @if let Some(found) = found {
                @if found.is_empty() {
                    p.body { "Nobody matches. Check the spelling, or search by postcode or tenancy reference." }
                } @else {
                    h2.heading-m { (found.len()) @if found.len() == 1 { " person" } @else { " people" } }
                    @for f in found {
                        div.person-card {
                            h3.heading-s { a href={ "/people/" (f.person.id) } { (person_name(&f.person)) } }
                            @if let Some(pc) = &f.person.postcode { p.body-s { (pc) } }
                            (case_links(&f.cases))
                        }
                    }
                }
            }
        },
    )
}

pub fn person(ctx: &Ctx, p: &people::Model, links: &[CaseLink], hidden: usize, history: &[Change]) -> Markup {
    let name = person_name(p);
    layout::page(
        ctx,
        &name,
        false,
        html! {
            a.back-link href="/people" { "Find a person" }
            span.caption { "Person" }
            h1.heading-xl { (name) }
            div.button-group {
                a.button href={ "/people/" (p.id) "/subject-access" } { "Subject access: printable page" }
                a.button.button--secondary href={ "/people/" (p.id) "/subject-access.zip" } { "Download (zip of JSON and CSV)" }
            }
            p.body { "Both give everything held about this person on the cases you can see, with other people's details replaced by their part in the case. Producing either is recorded in the audit trail." }
            h2.heading-m { "Details" }
            // Managers only (SubjectAccess), who may read monitoring answers.
            (person_card(p, crate::cases::monitoring::Shown::Answers))
            p.body-s { "To correct a detail, open one of their cases and choose “Correct details” by their name." }
            h2.heading-m { "Cases" }
            (case_links(links))
            (hidden_cases(hidden))
            (history_section(history))
        },
    )
}

fn hidden_cases(hidden: usize) -> Markup {
    html! {
        @if hidden > 0 {
            div.inset-text {
                p.body {
                    (hidden) " further case" @if hidden > 1 { "s" } " this person is on "
                    @if hidden > 1 { "are" } @else { "is" }
                    " restricted and not visible to you, so "
                    @if hidden > 1 { "they are" } @else { "it is" }
                    " not included. A manager named on "
                    @if hidden > 1 { "them" } @else { "it" }
                    " must add their part to the response."
                }
            }
        }
    }
}

fn details_list(list: &[Detail]) -> Markup {
    html! {
        @if list.is_empty() {
            p.body { "None recorded." }
        } @else {
            dl.summary-list {
                @for d in list {
                    div.summary-list__row { dt.summary-list__key { (d.detail) } dd.summary-list__value { (d.value) } }
                }
            }
        }
    }
}

fn case_section(c: &CasePart) -> Markup {
    html! {
        section.subject-access__case aria-label=(c.reference) {
            h2.heading-l { (c.reference) }
            dl.summary-list {
                (row("Their part", c.roles.join(", ")))
                (row("Received", &c.received))
                (row("Opened", &c.opened))
                (row("Status", &c.status))
                @if let Some(closed) = &c.closed { (row("Closed", closed)) }
                @if let Some(outcome) = &c.outcome { (row("Outcome", outcome)) }
                (row("Priority", &c.priority))
                (row("Motivation strands", c.strands.join(", ")))
            }
            h3.heading-m { "Reports" }
            @for (n, i) in c.incidents.iter().enumerate() {
                h4.heading-s { "Report " (n + 1) }
                dl.summary-list {
                    (row("Received", &i.received))
                    (row("What happened", i.what_happened.join(", ")))
                    (row("Where", &i.location))
                    div.summary-list__row { dt.summary-list__key { "Description" } dd.summary-list__value { p.body.preserve-lines { (i.description) } } }
                }
            }
            h3.heading-m { "Records" }
            p.body-s {
                @if c.all_records { "Every record of the case (they are a victim on it)." }
                @else { "The reports and the records that name them." }
            }
            @if c.records.is_empty() {
                p.body { "None." }
            } @else {
                (table(
                    &format!("Records of {} about them", c.reference),
                    &[Col::Text("When"), Col::Text("What"), Col::Text("Details"), Col::Text("By")],
                    html! {
                        @for r in &c.records {
                            tr.table__row {
                                td.table__cell.chronology__when { (r.when) }
                                td.table__cell.chronology__what { (r.kind) }
                                td.table__cell.preserve-lines { (r.details) }
                                td.table__cell { (r.by) }
                            }
                        }
                    },
                ))
            }
        }
    }
}

/// The printable answer to a subject access request (the chronology's print styles).
pub fn dossier(ctx: &Ctx, d: &Dossier) -> Markup {
    let p = &d.person;
    let title = format!("Subject access: {}", p.name);
    let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "(blank)".to_owned());
    layout::page(
        ctx,
        &title,
        false,
        html! {
            div.chronology.subject-access {
                a.back-link.no-print href={ "/people/" (p.person_id) } { "Back to " (p.name) }
                h1.heading-xl { (title) }
                dl.summary-list.chronology__header {
                    (row("Person", p.person_id.to_string()))
                    (row("Produced", format!("{} (London time) by {}", p.produced_at, p.produced_by)))
                    (row("Cases", d.cases.len().to_string()))
                }
                div.no-print {
                    p.body {
                        a href={ "/people/" (p.person_id) "/subject-access.zip" } { "Download as a zip" }
                        " (JSON and CSV of the same, for a machine or a spreadsheet)"
                    }
                    p.body { "To print this or save it as a PDF, use your browser's Print command." }
                }
                p.body { "Other people's personal data (other victims, witnesses, alleged perpetrators, reporters) is replaced by their part in the case, for example [alleged perpetrator 1]. Staff names are kept. What was redacted is listed at the end." }
                p.body { strong { "Before release, read the free text: " } "people recorded on a case are found by every name and contact detail they were recorded with; someone named only in a note (a neighbour, say) is not." }
                (hidden_cases(p.cases_not_included))
                h2.heading-l { "Their details" }
                (details_list(&p.details))
                h2.heading-l { "Equality monitoring answers" }
                (details_list(&p.monitoring))
                h2.heading-l { "Corrections to their details" }
                @if p.corrections.is_empty() {
                    p.body { "None." }
                } @else {
                    (table(
                        "Corrections to their details",
                        &[Col::Text("Detail"), Col::Text("Was"), Col::Text("Now"), Col::Text("When"), Col::Text("Who"), Col::Text("Why")],
                        html! {
                            @for c in &p.corrections {
                                tr.table__row {
                                    td.table__cell { (c.detail) }
                                    td.table__cell { (value(&c.was)) }
                                    td.table__cell { (value(&c.now)) }
                                    td.table__cell { (c.when) }
                                    td.table__cell { (c.by) }
                                    td.table__cell.preserve-lines { (c.why) }
                                }
                            }
                        },
                    ))
                }
                @for c in &d.cases { (case_section(c)) }
                h2.heading-l { "What was redacted" }
                @if d.redactions.is_empty() {
                    p.body { "Nothing." }
                } @else {
                    (table(
                        "What was redacted",
                        &[Col::Text("Case"), Col::Text("Record"), Col::Text("Kind of data"), Col::Text("Replaced by"), Col::Numeric("Times")],
                        html! {
                            @for r in &d.redactions {
                                tr.table__row {
                                    td.table__cell { (r.case) }
                                    td.table__cell { (r.record) }
                                    td.table__cell { (r.data) }
                                    td.table__cell { (r.replaced_by) }
                                    td.table__cell.table__cell--numeric { (r.times) }
                                }
                            }
                        },
                    ))
                }
            }
        },
    )
}
