//! The equality report pages: the dashboard (filters, definitions, every section with its
//! charts and tables, the disparity findings in plain English), the drill-down list of
//! cases behind a count, and the list of repeat alleged perpetrators. Functions of their
//! view models, except [`repeat_people`], which loads that list's names.

use super::{
    charts::{self, Bar},
    groups::{ALL, GROUPS},
    params::{Criteria, INTERNAL, PUBLICATION, Params},
    report::{Names, Report, period_label},
    table::{Cell, Level, Mark, Table, thousands},
};
use crate::{
    cases::codes,
    reports::compliance::{period, view::period_fields},
    web::{
        Ctx,
        forms::{Choice, FormErrors, error_summary, select},
        layout,
        table::{self as table_ui, Col},
        time_fmt,
    },
};
use maud::{Markup, html};

pub const TITLE: &str = "Equality and regulator reports";

/// What each figure means, shown on the page and in the board report.
pub const DEFINITIONS: [(&str, &str); 9] = [
    ("Opened", "A case is opened in the period it was received."),
    (
        "Closed",
        "A case is closed in the period of its latest closure, if it is still closed: a case closed, reopened and closed again counts once, with its latest outcome.",
    ),
    (
        "Counting by ethnicity",
        "A case counts once in each ethnic category and group of its victims: a case with two victims of different groups counts in both. \"All\" counts each case once. A case with no victim recorded counts as \"Not known\".",
    ),
    (
        "Resolved rate",
        "Cases closed as resolved, of the cases closed in the period.",
    ),
    (
        "First contact",
        "Hours from the report to the earliest visit, phone call, letter, e-mail or meeting with a victim (failed attempts do not count), over cases opened in the period: the median and the 90th percentile (nearest rank).",
    ),
    (
        "Initial contact on time",
        "Initial-contact deadlines met, of those met, late or still overdue, for cases opened in the period.",
    ),
    (
        "Closed within the target",
        "Of the cases opened in the period at least the target number of days before its end (or before today, for a period still running), so that cases too young to have closed do not bias it, those closed within that many days.",
    ),
    (
        "Disparity",
        "Each group is compared with the reference group using Fisher's exact test (two-sided), adjusted for the number of groups compared with Holm's method. A difference is flagged when the adjusted p is below 0.05 and both groups have at least 10 cases. \"Prefer not to say\" and \"Not known\" are counted but never tested. A difference is not its cause.",
    ),
    (
        "Publication mode",
        "Counts of 1 to 4 are shown as [c]; so are rates whose numerator or its complement is 1 to 4, medians of fewer than 5 cases, and any cell that would let a hidden one be worked out from a total. [u] marks a rate on fewer than 10 cases; [x] a figure that cannot be worked out. Zeros and NM01 are always shown.",
    ),
];

/// What the dashboard shows: the request as typed and checked, the report (None when the
/// request could not be used), and who is looking.
pub struct Dashboard<'a> {
    pub params: &'a Params,
    pub criteria: &'a Criteria,
    pub names: &'a Names,
    pub report: Option<&'a Report>,
    pub errors: &'a FormErrors,
    /// Managers may choose internal mode and follow counts to cases.
    pub internal_allowed: bool,
    /// The periods offered (this financial year and last, with their quarters).
    pub choices: &'a [period::Preset],
}

pub fn dashboard(ctx: &Ctx, d: &Dashboard) -> Markup {
    layout::page(
        ctx,
        TITLE,
        !d.errors.is_empty(),
        html! {
            (error_summary(d.errors))
            h1.heading-xl { (TITLE) }
            (filter_form(d))
            @if let Some(r) = d.report {
                (summary(r, d.internal_allowed))
                (sections(r, d.internal_allowed && !r.criteria.publication))
            }
        },
    )
}

fn filter_form(d: &Dashboard) -> Markup {
    let (p, c, names, errors) = (d.params, d.criteria, d.names, d.errors);
    let mut areas = vec![Choice {
        value: String::new(),
        label: "Every area",
        selected: c.area_id.is_none(),
    }];
    areas.extend(names.areas.iter().map(|(id, name)| Choice {
        value: id.to_string(),
        label: name,
        selected: c.area_id == Some(*id),
    }));
    let mut priorities = vec![Choice {
        value: String::new(),
        label: "Either priority",
        selected: c.priority.is_none(),
    }];
    priorities.extend(codes::PRIORITIES.iter().map(|(code, label)| Choice {
        value: code.to_string(),
        label,
        selected: c.priority == Some(*code),
    }));
    let mut strands = vec![Choice {
        value: String::new(),
        label: "Any strand",
        selected: c.strand.is_none(),
    }];
    strands.extend(names.strands.iter().map(|(code, label, _)| Choice {
        value: code.clone(),
        label,
        selected: c.strand.as_deref() == Some(code.as_str()),
    }));
    let hate = [
        ("", "All cases"),
        ("yes", "Perceived as hate"),
        ("no", "Not perceived as hate"),
    ];
    let hate_choices: Vec<Choice> = hate
        .iter()
        .map(|(v, l)| Choice {
            value: v.to_string(),
            label: l,
            selected: c.hate.map(|h| if h { "yes" } else { "no" }).unwrap_or("") == *v,
        })
        .collect();
    let modes = [
        Choice {
            value: INTERNAL.to_owned(),
            label: "Internal: exact figures",
            selected: !c.publication,
        },
        Choice {
            value: PUBLICATION.to_owned(),
            label: "Publication: small numbers suppressed",
            selected: c.publication,
        },
    ];
    html! {
        form.filters.no-print method="get" action="/reports" novalidate {
            div.caseload-filters__grid {
                (period_fields(&p.period, &p.from, &p.to, &c.period, d.choices, "Received or closed from", errors))
                (select("area", "Area", &areas, errors))
                (select("priority", "Priority", &priorities, errors))
                (select("strand", "Motivation strand", &strands, errors))
                (select("hate", "Hate incidents", &hate_choices, errors))
                @if d.internal_allowed {
                    (select("mode", "Mode", &modes, errors))
                }
            }
            div.button-group {
                button.button.button--secondary type="submit" { "Show figures" }
                a href="/reports" { "Reset" }
            }
        }
    }
}

fn summary(r: &Report, internal_allowed: bool) -> Markup {
    let q = r.criteria.query();
    let victims = r.table("victims");
    let all = |m: &str| {
        victims
            .and_then(|t| t.cell(ALL, m))
            .map_or("[x]".to_owned(), Cell::display)
    };
    html! {
        p.body {
            strong { (period_label(&r.criteria.period)) }
            " · "
            @if r.criteria.publication { "Publication mode: small numbers suppressed." } @else { "Internal mode: exact figures, for authorised staff only." }
            @if !internal_allowed { " Equality leads see publication mode only." }
        }
        ul.list.no-print {
            li { a href={ "/reports/board?" (q) } { "Quarterly board report (printable)" } }
            li { a href={ "/reports/equality.csv?" (q) } download { "Download CSV (one row per number)" } }
            li { a href={ "/reports/equality.xlsx?" (q) } download { "Download Excel workbook" } }
        }
        div.headline-figures {
            @for (label, value) in [
                ("Cases opened", all("cases_opened")),
                ("Cases closed", all("cases_closed")),
                ("Resolved rate", all("resolved_rate")),
                ("Median hours to first contact", all("first_contact_median_hours")),
                ("Initial contact on time", all("first_contact_on_time_rate")),
            ] {
                div.headline-figures__item {
                    span.headline-figures__value { (value) }
                    span.headline-figures__label { (label) }
                }
            }
        }
        details.details {
            summary.details__summary { "What the figures mean" }
            div.details__text { (definitions()) }
        }
        nav.contents.no-print aria-label="Sections" {
            h2.heading-s { "Contents" }
            ol.list {
                @for (id, label) in SECTIONS {
                    li { a href={ "#" (id) } { (label) } }
                }
            }
        }
    }
}

pub fn definitions() -> Markup {
    html! {
        dl.summary-list {
            @for (term, meaning) in DEFINITIONS {
                div.summary-list__row {
                    dt.summary-list__key { (term) }
                    dd.summary-list__value { (meaning) }
                }
            }
        }
    }
}

const SECTIONS: [(&str, &str); 7] = [
    ("volume", "Volume"),
    ("victim-ethnicity", "By victim ethnicity"),
    ("satisfaction", "Victim satisfaction"),
    ("perpetrator-ethnicity", "By alleged perpetrator ethnicity"),
    ("recording", "Recording completeness"),
    ("nm01", "NM01"),
    ("disparity", "Disparity flags"),
];

/// Every section. `drill`: counts link to the cases behind them (managers, internal mode).
pub fn sections(r: &Report, drill: bool) -> Markup {
    let get = |id: &str| r.table(id);
    html! {
        section id="volume" {
            h2.heading-l { "Volume" }
            @if let Some(t) = get("volume-month") { (month_chart(t)) }
            @for id in ["volume-month", "volume-strand", "volume-type", "volume-area", "volume-priority"] {
                @if let Some(t) = get(id) { (render(t, None, None)) }
            }
        }
        section id="victim-ethnicity" {
            h2.heading-l { "By victim ethnicity" }
            @if let Some(t) = get("victims") {
                p.body { (t.note) }
                (rate_chart(r, "resolved_rate", "Resolved rate by victim ethnic group"))
                (render(t, Some(("Cases and outcomes", &VICTIM_OUTCOMES)), drill.then_some(r)))
                (render(t, Some(("Response times", &VICTIM_TIMES)), None))
                (render(t, Some(("Risk at first assessment, support and referrals", &VICTIM_RISK)), None))
            }
        }
        section id="satisfaction" {
            h2.heading-l { "Victim satisfaction" }
            @if let Some(t) = get("satisfaction") {
                p.body { (t.note) }
                (render(t, None, None))
            }
        }
        section id="perpetrator-ethnicity" {
            h2.heading-l { "By alleged perpetrator ethnicity" }
            @if let Some(t) = get("perpetrators") {
                p.body { (t.note) }
                p.body {
                    "Alleged on two or more cases: "
                    strong { (t.cell(ALL, "repeat_alleged_perpetrators").map_or("[x]".to_owned(), Cell::display)) }
                    @if drill {
                        " · " a href={ "/reports/repeat-perpetrators?" (r.criteria.query()) } { "List them with their cases" }
                    }
                }
                (render(t, Some(("People and outcomes", &PERPETRATOR_PEOPLE)), None))
                (render(t, Some(("Action taken, by rung of the ladder", &PERPETRATOR_LADDER)), None))
            }
        }
        section id="recording" {
            h2.heading-l { "Recording completeness" }
            @for id in ["recording", "characteristics"] {
                @if let Some(t) = get(id) {
                    @if !t.note.is_empty() { p.body { (t.note) } }
                    (render(t, None, None))
                }
            }
        }
        section id="nm01" {
            h2.heading-l { "NM01 (Tenant Satisfaction Measures)" }
            (nm01(r))
        }
        section id="disparity" {
            h2.heading-l { "Disparity flags" }
            p.body {
                "Reference groups: " strong { (super::groups::label(&r.settings.group_reference)) } " for the five groups, "
                strong { (super::groups::label(&r.settings.category_reference)) } " for the nineteen categories (set by an administrator)."
            }
            @for c in &r.comparisons { (super::findings::comparison(c, r.criteria.publication)) }
        }
    }
}

const VICTIM_OUTCOMES: [&str; 10] = [
    "cases_opened",
    "cases_still_open",
    "cases_closed",
    "closed_resolved",
    "closed_partly-resolved",
    "closed_unresolved-moved",
    "closed_unresolved-nfa",
    "closed_withdrawn",
    "closed_not-hate",
    "resolved_rate",
];
const VICTIM_TIMES: [&str; 5] = [
    "first_contact_median_hours",
    "first_contact_p90_hours",
    "first_contact_on_time_rate",
    "median_days_to_close",
    "closed_within_target_rate",
];
const VICTIM_RISK: [&str; 6] = [
    "risk_first_standard",
    "risk_first_medium",
    "risk_first_high",
    "risk_not_assessed",
    "support_provided_per_case",
    "referrals_per_case",
];
const PERPETRATOR_PEOPLE: [&str; 6] = [
    "alleged_perpetrators",
    "with_action",
    "actions_granted",
    "actions_refused",
    "actions_breached",
    "actions_withdrawn",
];
const PERPETRATOR_LADDER: [&str; 14] = [
    "action_advice",
    "action_warning-letter",
    "action_mediation",
    "action_abc",
    "action_injunction",
    "action_cpn",
    "action_cbo",
    "action_closure",
    "action_demotion",
    "action_nsp",
    "action_possession",
    "action_absolute-ground",
    "action_prosecution",
    "action_perpetrator-support",
];

/// A table, or the `part` of it named (a caption and its columns). `drill`: counts marked
/// drillable link to the cases behind them.
pub fn render(t: &Table, part: Option<(&str, &[&str])>, drill: Option<&Report>) -> Markup {
    let (caption, columns): (String, Vec<usize>) = match part {
        Some((caption, codes)) => (
            format!("{}: {caption}", t.title),
            codes.iter().filter_map(|c| t.column(c)).collect(),
        ),
        None => (t.title.clone(), (0..t.columns.len()).collect()),
    };
    let mut head = vec![Col::Text("")];
    head.extend(columns.iter().map(|&c| Col::Numeric(&t.columns[c].label)));
    html! {
        h3.heading-m id=(format!("{}-{}", t.id, slug(&caption))) { (caption) }
        (table_ui::table(&caption, &head, html! {
            @for row in &t.rows {
                tr.report-row--total[row.level == Level::Total] .report-row--group[row.level == Level::Group] {
                    th.table__header scope="row" {
                        @if row.level == Level::Item && t.rows.iter().any(|r| r.level == Level::Group) && !row.code.starts_with("group-") {
                            span.report-indent { (row.label) }
                        } @else { (row.label) }
                    }
                    @for &c in &columns {
                        @let cell = &row.cells[c];
                        td.table__cell.table__cell--numeric {
                            @match (drill, cell.drill && !cell.is_hidden() && cell.as_count().is_some_and(|n| n > 0)) {
                                (Some(r), true) => a href={ "/reports/cases?" (r.criteria.query()) "&group=" (row.code) "&measure=" (t.columns[c].code) } {
                                    (cell.display()) span.visually-hidden { " " (t.columns[c].label) ", " (row.label) }
                                },
                                _ => (shown(cell)),
                            }
                        }
                    }
                }
            }
        }))
    }
}

/// A cell as text, with the symbols explained to screen readers.
fn shown(cell: &Cell) -> Markup {
    html! {
        @match cell.mark {
            Mark::Confidential => abbr title="Suppressed: a small number" { "[c]" },
            Mark::Unreliable => abbr title="Low reliability: fewer than 10 cases" { "[u]" },
            Mark::Shown => @if cell.value == super::table::Value::Missing {
                abbr title="Nothing to measure" { "[x]" }
            } @else {
                (cell.display())
            },
        }
    }
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn month_chart(t: &Table) -> Markup {
    let months: Vec<(String, Option<u64>, Option<u64>)> = t
        .rows
        .iter()
        .filter(|r| r.level == Level::Item)
        .map(|r| {
            let value = |c: usize| (!r.cells[c].is_hidden()).then(|| r.cells[c].as_count()).flatten();
            (r.label.clone(), value(0), value(2))
        })
        .collect();
    charts::monthly(
        "chart-months",
        "Cases opened by month, this period and a year earlier",
        &months,
    )
}

/// Bars for the five groups and All from the victim table's `measure` (a rate).
fn rate_chart(r: &Report, measure: &str, title: &str) -> Markup {
    let Some(t) = r.table("victims") else {
        return html! {};
    };
    let bars: Vec<Bar> = GROUPS
        .iter()
        .map(|(code, label, _)| (*code, super::groups::short_name(label)))
        .chain([(ALL, "All")])
        .filter_map(|(code, label)| {
            let cell = t.cell(code, measure)?;
            let value = (!cell.is_hidden()).then(|| cell.percent()).flatten();
            let interval = match cell.value {
                super::table::Value::Rate { num, den } => {
                    super::stats::wilson(num, den).map(|i| (100.0 * i.lo, 100.0 * i.hi))
                }
                _ => None,
            }
            .filter(|_| value.is_some());
            Some(Bar {
                label: label.to_owned(),
                value,
                interval,
            })
        })
        .collect();
    charts::percent_bars(&format!("chart-{measure}"), title, &bars)
}

fn nm01(r: &Report) -> Markup {
    let Some(t) = r.table("nm01") else {
        return html! {};
    };
    let cell = |m: &str| t.cell("nm01", m).map_or("[x]".to_owned(), Cell::display);
    let year = format!("{} to {}", r.nm01_year, r.nm01_year + 1);
    html! {
        p.body {
            "Reporting year " (year) " (1 April to 31 March), up to " (time_fmt::plain_date(r.criteria.period.to.min(period::Preset::Year(r.nm01_year).dates().1)))
            ": a quarter's figure is the year to date. Landlord-wide: the filters above do not apply, and small numbers are never suppressed."
        }
        @match r.nm01.as_ref().filter(|y| y.homes() > 0) {
            Some(y) => {
                dl.summary-list {
                    div.summary-list__row {
                        dt.summary-list__key { "NM01(1) ASB cases per 1,000 homes" }
                        dd.summary-list__value {
                            strong { (cell("cases_per_1000_homes")) }
                            " = (" (cell("cases_opened")) " cases opened in Harbour + " (cell("other_asb_cases")) " logged in other systems) ÷ "
                            (thousands(u64::from(y.homes()))) " homes × 1,000"
                        }
                    }
                    div.summary-list__row {
                        dt.summary-list__key { "NM01(2) cases involving hate incidents per 1,000 homes" }
                        dd.summary-list__value {
                            strong { (cell("hate_cases_per_1000_homes")) }
                            " = " (cell("hate_cases_opened")) " cases perceived as hate ÷ " (thousands(u64::from(y.homes()))) " homes × 1,000"
                        }
                    }
                    div.summary-list__row {
                        dt.summary-list__key { "Homes owned" }
                        dd.summary-list__value {
                            (thousands(u64::from(y.homes_rental))) " low-cost rental + " (thousands(u64::from(y.homes_ownership))) " low-cost home ownership = " (thousands(u64::from(y.homes())))
                        }
                    }
                    div.summary-list__row {
                        dt.summary-list__key { "Methodology" }
                        dd.summary-list__value {
                            @if y.methodology.trim().is_empty() { "No methodology note has been written for this year." } @else { (y.methodology) }
                        }
                    }
                }
            }
            None => {
                div.banner.banner--warning role="status" {
                    p.body {
                        strong { "NM01 cannot be worked out yet: " }
                        "the number of homes owned for " (year) " has not been set. An administrator sets it at Settings → Reporting ("
                        code { "/admin/reporting" } "). Cases opened so far: " (cell("cases_opened")) ", of which perceived as hate: " (cell("hate_cases_opened")) "."
                    }
                }
            }
        }
        (render(t, None, None))
    }
}
