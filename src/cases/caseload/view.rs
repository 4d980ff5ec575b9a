//! The caseload page: tabs, the filter form (GET, so a filtered list is a link), the table
//! and page links. A function of its view model; it runs no queries.

use super::{
    filters::{Criteria, Filters, NOT_ASSESSED, Options, OwnerFilter, RiskFilter, Sort, Tab, UNASSIGNED},
    query::Caseload,
};
use crate::{
    cases::codes,
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, error_summary, select},
        layout,
        table::{self, Col},
        time_fmt,
    },
};
use maud::{Markup, html};

pub struct Page<'a> {
    pub filters: &'a Filters,
    pub criteria: &'a Criteria,
    pub options: &'a Options,
    /// None when the filters could not be used (a bad date): only the form is shown.
    pub result: Option<&'a Caseload>,
    pub errors: &'a FormErrors,
}

pub fn render(ctx: &Ctx, p: &Page) -> Markup {
    let tab = p.criteria.tab;
    layout::page(
        ctx,
        "Cases",
        !p.errors.is_empty(),
        html! {
            (error_summary(p.errors))
            h1.heading-xl { "Cases" }
            (tabs(p))
            (filter_form(p))
            @if let Some(result) = p.result {
                h2.heading-m { (tab.label()) }
                @if result.rows.is_empty() {
                    p.body { (empty_message(tab, p.filters.narrowed())) }
                } @else {
                    (rows(tab, result))
                    (result.pager.render("/cases", &link_params(p.filters, tab)))
                }
            }
        },
    )
}

fn empty_message(tab: Tab, narrowed: bool) -> &'static str {
    match (narrowed, tab) {
        (true, _) => "No cases match. Check the search or remove a filter.",
        (false, Tab::Mine) => "No cases match: you have no cases yet.",
        (false, Tab::Triage) => "No cases match: every open case has an officer.",
        (false, Tab::All) => "No cases match: there are no cases you can see yet.",
    }
}

fn link_params(filters: &Filters, tab: Tab) -> Vec<(&'static str, String)> {
    let mut params = vec![("tab", tab.code().to_owned())];
    params.extend(filters.params());
    params
}

fn href(filters: &Filters, tab: Tab) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in link_params(filters, tab) {
        s.append_pair(k, &v);
    }
    format!("/cases?{}", s.finish())
}

fn tabs(p: &Page) -> Markup {
    html! {
        nav.tabs aria-label="Caseloads" {
            ul.tabs__list {
                @for t in Tab::ALL {
                    li.tabs__item.tabs__item--selected[t == p.criteria.tab] {
                        @if t == p.criteria.tab {
                            a.tabs__link href=(href(p.filters, t)) aria-current="true" { (t.label()) }
                        } @else {
                            a.tabs__link href=(href(p.filters, t)) { (t.label()) }
                        }
                    }
                }
            }
        }
    }
}

fn filter_form(p: &Page) -> Markup {
    let c = p.criteria;
    let f = p.filters;
    let any = |label: &'static str| Choice {
        value: String::new(),
        label,
        selected: false,
    };
    let coded = |list: &'static [codes::Code], chosen: Option<&str>, any_label: &'static str| {
        let mut choices = vec![Choice {
            selected: chosen.is_none(),
            ..any(any_label)
        }];
        choices.extend(list.iter().map(|(code, label)| Choice {
            value: (*code).to_owned(),
            label,
            selected: chosen == Some(*code),
        }));
        choices
    };
    let area_labels: Vec<(i32, String)> = p
        .options
        .areas
        .iter()
        .map(|a| {
            let label = if a.retired {
                format!("{} (retired)", a.name)
            } else {
                a.name.clone()
            };
            (a.id, label)
        })
        .collect();
    let mut area_choices = vec![Choice {
        selected: c.area_id.is_none(),
        ..any("Any area")
    }];
    area_choices.extend(area_labels.iter().map(|(id, label)| Choice {
        value: id.to_string(),
        label,
        selected: c.area_id == Some(*id),
    }));
    let owner_labels: Vec<(i32, String)> = p
        .options
        .owners
        .iter()
        .map(|(id, name, active)| {
            let label = if *active {
                name.clone()
            } else {
                format!("{name} (left)")
            };
            (*id, label)
        })
        .collect();
    let mut owner_choices = vec![
        Choice {
            selected: c.owner.is_none(),
            ..any("Anyone or no one")
        },
        Choice {
            value: UNASSIGNED.to_owned(),
            label: "Unassigned",
            selected: c.owner == Some(OwnerFilter::Unassigned),
        },
    ];
    owner_choices.extend(owner_labels.iter().map(|(id, label)| Choice {
        value: id.to_string(),
        label,
        selected: c.owner == Some(OwnerFilter::User(*id)),
    }));
    let strand_labels: Vec<(String, String, i32)> = p
        .options
        .strands
        .iter()
        .map(|s| {
            let label = if s.retired {
                format!("{} (retired)", s.label)
            } else {
                s.label.clone()
            };
            (s.code.clone(), label, s.id)
        })
        .collect();
    let mut strand_choices = vec![Choice {
        selected: c.strand_id.is_none(),
        ..any("Any strand")
    }];
    strand_choices.extend(strand_labels.iter().map(|(code, label, id)| Choice {
        value: code.clone(),
        label,
        selected: c.strand_id == Some(*id),
    }));
    let mut risk_choices = vec![Choice {
        selected: c.risk.is_none(),
        ..any("Any risk level")
    }];
    // Highest first: the cases to look at first.
    risk_choices.extend(crate::risk::LEVELS.iter().rev().map(|(code, label)| Choice {
        value: (*code).to_owned(),
        label,
        selected: c.risk == Some(RiskFilter::Level(code)),
    }));
    risk_choices.push(Choice {
        value: NOT_ASSESSED.to_owned(),
        label: "Not assessed",
        selected: c.risk == Some(RiskFilter::NotAssessed),
    });
    let sort_choices: Vec<Choice> = Sort::ALL
        .into_iter()
        .map(|s| Choice {
            value: s.code().to_owned(),
            label: s.label(),
            selected: c.sort == s,
        })
        .collect();
    let none = FormErrors::default();
    html! {
        form.filters.caseload-filters method="get" action="/cases" novalidate {
            input type="hidden" name="tab" value=(c.tab.code());
            div.caseload-filters__search {
                (Input::text("q", "Search", &f.q)
                    .kind("search")
                    .hint("A case reference like HC-2026-000123 (or HC-2026-123), or words from a name, address, postcode or tenancy reference")
                    .render(p.errors))
            }
            // Collapsed unless in use, so on a phone the list is not below a screenful of
            // selects.
            details.details.caseload-filters__more open[filters_open(f, p.errors)] {
                summary.details__summary { "Filter and sort" }
                div.caseload-filters__grid {
                    (select("status", "Status", &coded(&codes::STATUSES, c.status, "Any status"), &none))
                    (select("priority", "Priority", &coded(&codes::PRIORITIES, c.priority, "Any priority"), &none))
                    (select("area", "Area", &area_choices, &none))
                    (select("owner", "Case officer", &owner_choices, &none))
                    (select("strand", "Motivation strand", &strand_choices, &none))
                    (select("risk", "Risk level", &risk_choices, &none))
                    (select("sort", "Sort by", &sort_choices, &none))
                    (Input::text("from", "Received from", &f.from).kind("date").hint("For example, 2026-11-01").render(p.errors))
                    (Input::text("to", "Received to", &f.to).kind("date").hint("Inclusive, for example 2026-11-30").render(p.errors))
                }
            }
            div.button-group {
                button.button.button--secondary type="submit" { "Search" }
                @if !f.params().is_empty() {
                    a href={ "/cases?tab=" (c.tab.code()) } { "Clear search and filters" }
                }
            }
        }
    }
}

/// Whether any filter besides the search is set (or wrong), so the form shows them.
fn filters_open(f: &Filters, errors: &FormErrors) -> bool {
    f.params().iter().any(|(k, _)| *k != "q") || errors.get("from").is_some() || errors.get("to").is_some()
}

fn rows(tab: Tab, result: &Caseload) -> Markup {
    let caption = format!("{}, {} cases", tab.label(), result.pager.total);
    table::table(
        &caption,
        &[
            Col::Text("Reference"),
            Col::Text("Received"),
            Col::Text("Victim"),
            Col::Text("Priority"),
            Col::Text("Risk"),
            Col::Text("Status"),
            Col::Text("Area"),
            Col::Text("Case officer"),
            Col::Text("Strands"),
        ],
        html! {
            @for r in &result.rows {
                tr {
                    td.table__cell.caseload__reference {
                        a href={ "/cases/" (r.reference) } { (r.reference) }
                        @if r.restricted { " " strong.tag.tag--red { "Restricted" } }
                    }
                    td.table__cell { (time_fmt::datetime(r.received_at)) }
                    td.table__cell { (r.victims.join(", ")) }
                    td.table__cell { (priority_tag(&r.priority)) }
                    td.table__cell {
                        @match &r.risk_level { Some(level) => (crate::risk::level_tag(level)), None => span.hint { "Not assessed" } }
                    }
                    td.table__cell { (codes::label(&codes::STATUSES, &r.status)) }
                    td.table__cell { (r.area) }
                    td.table__cell {
                        @match &r.owner { Some(o) => (o), None => span.hint { "Unassigned" } }
                    }
                    td.table__cell { (r.strands.join(", ")) }
                }
            }
        },
    )
}

/// A case's priority as a tag: priority 1 in red.
pub fn priority_tag(code: &str) -> Markup {
    let label = codes::label(&codes::PRIORITIES, code);
    html! {
        @if code == codes::P1 {
            strong.tag.tag--red { (label) }
        } @else {
            strong.tag.tag--yellow { (label) }
        }
    }
}
