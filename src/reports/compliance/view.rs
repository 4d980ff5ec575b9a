//! The compliance pages: the dashboard (filter form, explanation, tables by stage, officer,
//! area, priority and month) and the drill-down list. Functions of their view models; they
//! run no queries. Every count links to the deadlines behind it.

use super::{
    params::{CUSTOM, Criteria, DUE, Drill, Officer, Params, UNASSIGNED, YEAR_TO_DATE},
    period::{Period, Preset, month_code},
    query::Names,
    stats::{Bucket, Dashboard, Item, Measures, show_halves},
};
use crate::web::layout::summary_row;
use crate::{
    procedure::{Priority, Stage},
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, error_summary, select},
        layout,
        pagination::Pager,
        table::{self, Col},
        time_fmt,
    },
};
use maud::{Markup, html};
use time::{Month, OffsetDateTime};

pub const TITLE: &str = "Deadline compliance";
pub const DRILL_TITLE: &str = "Deadlines behind a compliance figure";

pub struct Page<'a> {
    pub params: &'a Params,
    pub criteria: &'a Criteria,
    pub names: &'a Names,
    pub choices: &'a [Preset],
    /// None when the request could not be used: only the form and the errors are shown.
    pub dashboard: Option<&'a Dashboard>,
    /// Deadlines met during the period ahead of a due date after it.
    pub met_ahead: u64,
    pub errors: &'a FormErrors,
}

pub fn render(ctx: &Ctx, p: &Page) -> Markup {
    layout::page(
        ctx,
        TITLE,
        !p.errors.is_empty(),
        html! {
            (error_summary(p.errors))
            h1.heading-xl { (TITLE) }
            (filter_form(p.params, p.criteria, p.names, p.choices, p.errors))
            @if let Some(d) = p.dashboard {
                p.body { (describe_period(&p.criteria.period)) }
                @if p.met_ahead > 0 {
                    div.inset-text {
                        p.body {
                            @if d.total.due == 0 { "No deadlines were due in this period yet, but " } @else { "Besides these, " }
                            (p.met_ahead) " deadline" @if p.met_ahead != 1 { "s were" } @else { " was" }
                            " met during it ahead of a due date after it. They count in the period they are due."
                        }
                    }
                }
                (explanation())
                (tables(p.criteria, p.names, d))
            }
        },
    )
}

fn describe_period(period: &Period) -> Markup {
    html! {
        "Deadlines originally due from " (time_fmt::date(period.from)) " to " (time_fmt::date(period.to))
        @if let Some(preset) = period.preset { " (" (preset.label()) ")" }
        ", by the date they were first due (an extension does not move a deadline out of the period)."
    }
}

fn explanation() -> Markup {
    html! {
        details.details {
            summary.details__summary { "What the figures mean" }
            div.details__text {
                dl.summary-list {
                    @for (term, meaning) in [
                        ("Due", "Every deadline whose original due date is in the period, whatever became of it."),
                        ("Met on time", "Done on or before the original due time."),
                        ("Late", "Done after the original due time, including when done within an extension."),
                        ("Still overdue", "Not done, and the original due time has passed (even if it was extended)."),
                        ("Waived", "Waived by a manager, with a reason."),
                        ("Not applicable", "No longer applicable, for example because the case closed first."),
                        ("Not yet due", "Not done, and the original due time has not passed."),
                        ("% on time", "Met on time divided by met on time, late and still overdue together; shown as – when there are none of those."),
                        ("Median days late", "The middle number of working days late of the late deadlines (with an even number of them, halfway between the middle two)."),
                        ("90th percentile days late", "Nine in ten late deadlines were done within this many working days of the original due time (nearest-rank method: the value at position 90% of the count, rounded up)."),
                    ] {
                        div.summary-list__row {
                            dt.summary-list__key { (term) }
                            dd.summary-list__value { (meaning) }
                        }
                    }
                }
            }
        }
    }
}

/// One row of a table of measures.
struct MeasureRow<'a> {
    label: String,
    measures: &'a Measures,
    /// The parameters that narrow the drill-down to this row.
    narrow: Vec<(&'static str, String)>,
}

fn tables(c: &Criteria, names: &Names, d: &Dashboard) -> Markup {
    let base = c.params();
    let stage_rows: Vec<MeasureRow> = d
        .by_stage
        .iter()
        .map(|(code, m)| MeasureRow {
            label: Stage::label_of(code).to_owned(),
            measures: m,
            narrow: vec![("stage", code.clone())],
        })
        .chain(std::iter::once(MeasureRow {
            label: "All stages".to_owned(),
            measures: &d.total,
            narrow: vec![],
        }))
        .collect();
    let mut officer_rows: Vec<MeasureRow> = d
        .by_officer
        .iter()
        .map(|(id, m)| MeasureRow {
            label: names.officer(*id),
            measures: m,
            narrow: vec![(
                "officer",
                id.map(|i| i.to_string()).unwrap_or_else(|| UNASSIGNED.to_owned()),
            )],
        })
        .collect();
    // By name, unassigned last.
    officer_rows.sort_by(|a, b| {
        let unassigned = |r: &MeasureRow| r.narrow[0].1 == UNASSIGNED;
        (unassigned(a), a.label.to_lowercase()).cmp(&(unassigned(b), b.label.to_lowercase()))
    });
    let mut area_rows: Vec<MeasureRow> = d
        .by_area
        .iter()
        .map(|(id, m)| MeasureRow {
            label: names.area(*id),
            measures: m,
            narrow: vec![("area", id.to_string())],
        })
        .collect();
    area_rows.sort_by_key(|r| r.label.to_lowercase());
    let priority_rows: Vec<MeasureRow> = d
        .by_priority
        .iter()
        .map(|(code, m)| MeasureRow {
            label: Priority::from_code(code).label().to_owned(),
            measures: m,
            narrow: vec![("priority", (*code).to_owned())],
        })
        .collect();
    let month_rows: Vec<MeasureRow> = d
        .by_month
        .iter()
        .map(|((y, m), measures)| MeasureRow {
            label: format!("{m} {y}"),
            measures,
            narrow: vec![("month", month_code(*y, *m))],
        })
        .collect();
    html! {
        h2.heading-l id="by-stage" { "By stage" }
        (measures_table("Deadlines by stage", "Stage", &stage_rows, &base, true, true))
        h2.heading-l id="by-officer" { "By case officer" }
        p.body { "The case's current officer, whoever did the work." }
        @if officer_rows.is_empty() {
            p.body { "No deadlines were due in this period." }
        } @else {
            (measures_table("Deadlines by case officer", "Case officer", &officer_rows, &base, true, false))
        }
        h2.heading-l id="by-area" { "By area" }
        @if area_rows.is_empty() {
            p.body { "No deadlines were due in this period." }
        } @else {
            (measures_table("Deadlines by area", "Area", &area_rows, &base, true, false))
        }
        h2.heading-l id="by-priority" { "By priority" }
        p.body { "The priority each deadline was planned under." }
        (measures_table("Deadlines by priority", "Priority", &priority_rows, &base, true, false))
        h2.heading-l id="by-month" { "Month by month" }
        p.body { "By the month each deadline was originally due." }
        (measures_table("Deadlines by month originally due", "Month", &month_rows, &base, false, false))
    }
}

/// Columns: (heading, bucket counted; `None` for every deadline due).
const FULL: [(&str, Option<Bucket>); 7] = [
    ("Due", None),
    ("Met on time", Some(Bucket::Met)),
    ("Late", Some(Bucket::Late)),
    ("Still overdue", Some(Bucket::Overdue)),
    ("Waived", Some(Bucket::Waived)),
    ("Not applicable", Some(Bucket::NotApplicable)),
    ("Not yet due", Some(Bucket::NotYetDue)),
];
const TREND: [(&str, Option<Bucket>); 4] = [
    ("Due", None),
    ("Met on time", Some(Bucket::Met)),
    ("Late", Some(Bucket::Late)),
    ("Still overdue", Some(Bucket::Overdue)),
];

/// A table of measures; `full` adds waived, not applicable, not yet due and lateness;
/// `last_is_total` marks the last row as the total.
fn measures_table(
    caption: &str,
    first: &str,
    rows: &[MeasureRow],
    base: &[(&'static str, String)],
    full: bool,
    last_is_total: bool,
) -> Markup {
    let counts: &[(&str, Option<Bucket>)] = if full { &FULL } else { &TREND };
    let mut head = vec![Col::Text(first)];
    head.extend(counts.iter().map(|(h, _)| Col::Numeric(h)));
    head.push(Col::Numeric("% on time"));
    if full {
        head.push(Col::Numeric("Median days late"));
        head.push(Col::Numeric("90th percentile days late"));
    }
    let last = rows.len().saturating_sub(1);
    table::table(
        caption,
        &head,
        html! {
            @for (i, row) in rows.iter().enumerate() {
                @let total = last_is_total && i == last;
                tr {
                    th.table__header scope="row" {
                        @if total { strong { (row.label) } } @else { (row.label) }
                    }
                    @for (heading, bucket) in counts {
                        td.table__cell.table__cell--numeric {
                            (count_cell(row, heading, *bucket, base))
                        }
                    }
                    td.table__cell.table__cell--numeric {
                        @match row.measures.percent_on_time() {
                            Some(p) => { (p) "%" },
                            None => span title="None met, late or overdue" { "–" },
                        }
                    }
                    @if full {
                        td.table__cell.table__cell--numeric {
                            @match row.measures.median_late_halves() {
                                Some(h) => (show_halves(h)),
                                None => "–",
                            }
                        }
                        td.table__cell.table__cell--numeric {
                            @match row.measures.p90_late() {
                                Some(d) => (d),
                                None => "–",
                            }
                        }
                    }
                }
            }
        },
    )
}

fn count_cell(
    row: &MeasureRow,
    heading: &str,
    bucket: Option<Bucket>,
    base: &[(&'static str, String)],
) -> Markup {
    let n = row.measures.count(bucket);
    html! {
        @if n == 0 {
            "0"
        } @else {
            a href=(drill_href(base, &row.narrow, bucket)) {
                (n) span.visually-hidden { " " (heading.to_lowercase()) ", " (row.label) }
            }
        }
    }
}

/// The drill-down listing the deadlines behind a count: `base` with `narrow` replacing any
/// parameter of the same name.
pub fn drill_href(
    base: &[(&'static str, String)],
    narrow: &[(&'static str, String)],
    bucket: Option<Bucket>,
) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in base.iter().filter(|(k, _)| !narrow.iter().any(|(n, _)| n == k)) {
        s.append_pair(k, v);
    }
    for (k, v) in narrow {
        s.append_pair(k, v);
    }
    s.append_pair("bucket", bucket.map(Bucket::code).unwrap_or(DUE));
    format!("/compliance/cases?{}", s.finish())
}

pub fn dashboard_href(c: &Criteria) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in c.params() {
        s.append_pair(k, &v);
    }
    format!("/compliance?{}", s.finish())
}

fn filter_form(
    params: &Params,
    c: &Criteria,
    names: &Names,
    choices: &[Preset],
    errors: &FormErrors,
) -> Markup {
    let stage_choices: Vec<Choice> = std::iter::once(Choice {
        value: String::new(),
        label: "All stages",
        selected: c.stage.is_none(),
    })
    .chain(Stage::ALL.into_iter().map(|s| Choice {
        value: s.code().to_owned(),
        label: s.label(),
        selected: c.stage == Some(s),
    }))
    .collect();
    let officer_labels: Vec<(i32, String)> = names
        .officers
        .iter()
        .map(|(id, name, active)| {
            (
                *id,
                if *active {
                    name.clone()
                } else {
                    format!("{name} (left)")
                },
            )
        })
        .collect();
    let mut officer_choices = vec![
        Choice {
            value: String::new(),
            label: "Anyone or no one",
            selected: c.officer.is_none(),
        },
        Choice {
            value: UNASSIGNED.to_owned(),
            label: "Unassigned",
            selected: c.officer == Some(Officer::Unassigned),
        },
    ];
    officer_choices.extend(officer_labels.iter().map(|(id, label)| Choice {
        value: id.to_string(),
        label,
        selected: c.officer == Some(Officer::User(*id)),
    }));
    let area_labels: Vec<(i32, String)> = names
        .areas
        .iter()
        .map(|(id, name, retired)| {
            (
                *id,
                if *retired {
                    format!("{name} (retired)")
                } else {
                    name.clone()
                },
            )
        })
        .collect();
    let mut area_choices = vec![Choice {
        value: String::new(),
        label: "Any area",
        selected: c.area_id.is_none(),
    }];
    area_choices.extend(area_labels.iter().map(|(id, label)| Choice {
        value: id.to_string(),
        label,
        selected: c.area_id == Some(*id),
    }));
    let mut priority_choices = vec![Choice {
        value: String::new(),
        label: "Either priority",
        selected: c.priority.is_none(),
    }];
    priority_choices.extend(Priority::ALL.into_iter().map(|p| Choice {
        value: p.code().to_owned(),
        label: p.label(),
        selected: c.priority == Some(p.code()),
    }));
    html! {
        form.filters method="get" action="/compliance" novalidate {
            div.caseload-filters__grid {
                (period_fields(&params.period, &params.from, &params.to, &c.period, choices, "Original due date", errors))
                (select("stage", "Stage", &stage_choices, errors))
                (select("officer", "Case officer", &officer_choices, errors))
                (select("area", "Area", &area_choices, errors))
                (select("priority", "Priority", &priority_choices, errors))
            }
            div.button-group {
                button.button.button--secondary type="submit" { "Show figures" }
                a href="/compliance" { "Reset" }
            }
        }
    }
}

/// The period select (this year to date, the offered presets, a preset named in a link,
/// custom) and the custom dates, as typed or else the period's own ready to adjust.
pub fn period_fields(
    period: &str,
    from: &str,
    to: &str,
    current: &Period,
    choices: &[Preset],
    from_hint: &str,
    errors: &FormErrors,
) -> Markup {
    let typed_period = period.trim();
    let custom = typed_period == CUSTOM
        || (typed_period.is_empty() && !(from.trim().is_empty() && to.trim().is_empty()));
    let ytd = !custom && current.preset.is_none();
    let codes: Vec<(String, String)> = choices.iter().map(|p| (p.code(), p.label())).collect();
    let mut period_choices = vec![Choice {
        value: YEAR_TO_DATE.to_owned(),
        label: "This financial year to date",
        selected: ytd,
    }];
    period_choices.extend(codes.iter().map(|(code, label)| Choice {
        value: code.clone(),
        label,
        selected: !custom && current.preset.map(|p| p.code()).as_deref() == Some(code.as_str()),
    }));
    // A preset named in a link but not offered (an older year) stays selected.
    let other = current
        .preset
        .filter(|p| !choices.contains(p))
        .map(|p| (p.code(), p.label()));
    if let Some((code, label)) = &other {
        period_choices.push(Choice {
            value: code.clone(),
            label,
            selected: !custom,
        });
    }
    period_choices.push(Choice {
        value: CUSTOM.to_owned(),
        label: "Custom dates (below)",
        selected: custom,
    });
    let shown = |typed: &str, own: time::Date| {
        if typed.trim().is_empty() && errors.is_empty() {
            crate::web::time_fmt::iso_date(own)
        } else {
            typed.to_owned()
        }
    };
    let (from, to) = (shown(from, current.from), shown(to, current.to));
    let from_hint = format!("{from_hint}, for example 2026-04-01");
    html! {
        (select("period", "Period", &period_choices, errors))
        (Input::text("from", "From (custom dates)", &from).kind("date").hint(&from_hint).render(errors))
        (Input::text("to", "To (custom dates)", &to).kind("date").hint("Inclusive, for example 2027-03-31; at most 5 years after the start").render(errors))
    }
}

pub struct DrillPage<'a> {
    pub criteria: &'a Criteria,
    pub drill: &'a Drill,
    pub names: &'a Names,
    pub rows: &'a [&'a Item],
    pub pager: &'a Pager,
    pub now: OffsetDateTime,
    /// For how many working days a still-overdue deadline is overdue.
    pub calendar: &'a crate::calendar::Calendar,
}

pub fn render_drill(ctx: &Ctx, p: &DrillPage) -> Markup {
    let mut query = p.criteria.params();
    query.push((
        "bucket",
        p.drill.bucket.map(Bucket::code).unwrap_or(DUE).to_owned(),
    ));
    if let Some((y, m)) = p.drill.month {
        query.push(("month", month_code(y, m)));
    }
    let measure = p.drill.bucket.map(Bucket::label).unwrap_or("Due");
    layout::page(
        ctx,
        DRILL_TITLE,
        false,
        html! {
            a.back-link href=(dashboard_href(p.criteria)) { "Back to compliance figures" }
            h1.heading-xl { (DRILL_TITLE) }
            dl.summary-list {
                (summary_row("Measure", html! { (measure) }))
                (summary_row("Period", describe_period(&p.criteria.period)))
                @if let Some((y, m)) = p.drill.month {
                    (summary_row("Month originally due", html! { (month_label(y, m)) }))
                }
                @if let Some(stage) = p.criteria.stage {
                    (summary_row("Stage", html! { (stage.label()) }))
                }
                @if let Some(officer) = p.criteria.officer {
                    (summary_row("Case officer", html! { (p.names.officer(match officer {
                        Officer::Unassigned => None,
                        Officer::User(id) => Some(id),
                    })) }))
                }
                @if let Some(area) = p.criteria.area_id {
                    (summary_row("Area", html! { (p.names.area(area)) }))
                }
                @if let Some(priority) = p.criteria.priority {
                    (summary_row("Priority", html! { (Priority::from_code(priority).label()) }))
                }
            }
            @if p.rows.is_empty() {
                p.body { "No deadlines match." }
            } @else {
                (drill_table(p, measure))
                (p.pager.render("/compliance/cases", &query))
            }
        },
    )
}

fn month_label(y: i32, m: Month) -> String {
    format!("{m} {y}")
}

fn drill_table(p: &DrillPage, measure: &str) -> Markup {
    let caption = format!("{measure}: {} deadlines", p.pager.total);
    table::table(
        &caption,
        &[
            Col::Text("Case"),
            Col::Text("Stage"),
            Col::Text("Originally due"),
            Col::Text("Done"),
            Col::Text("State"),
            Col::Numeric("Working days late"),
        ],
        html! {
            @for item in p.rows {
                @let bucket = item.bucket(p.now);
                tr {
                    td.table__cell.caseload__reference {
                        a href={ "/cases/" (item.reference) } { (item.reference) }
                        @if item.restricted { " " strong.tag.tag--red { "Restricted" } }
                    }
                    td.table__cell { (Stage::label_of(&item.stage)) }
                    td.table__cell {
                        (time_fmt::datetime(item.original_due_at))
                        @if item.extended {
                            br;
                            span.hint { "Extended to " (time_fmt::datetime(item.due_at)) }
                        }
                    }
                    td.table__cell {
                        @match item.done_at {
                            Some(done) if bucket == Bucket::Met || bucket == Bucket::Late => (time_fmt::datetime(done)),
                            _ => "–",
                        }
                    }
                    td.table__cell { strong class=(tag_class(bucket)) { (bucket.label()) } }
                    td.table__cell.table__cell--numeric {
                        @match (bucket, item.late_working_days) {
                            (Bucket::Late, Some(days)) => (days),
                            // Counted as the due lists count "overdue by": to today, from
                            // the date it was due (compliance judges the original one).
                            (Bucket::Overdue, _) => { (p.calendar.working_days_late(item.original_due_at, p.now)) " so far" },
                            _ => "–",
                        }
                    }
                }
            }
        },
    )
}

fn tag_class(b: Bucket) -> &'static str {
    match b {
        Bucket::Met => "tag tag--green",
        Bucket::Late | Bucket::Overdue => "tag tag--red",
        Bucket::NotYetDue => "tag tag--blue",
        Bucket::Waived | Bucket::NotApplicable => "tag tag--grey",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drill_links_replace_the_narrowed_parameters() {
        let base = vec![("period", "fy-2026".to_owned()), ("officer", "3".to_owned())];
        assert_eq!(
            drill_href(&base, &[("officer", UNASSIGNED.to_owned())], Some(Bucket::Late)),
            "/compliance/cases?period=fy-2026&officer=unassigned&bucket=late"
        );
        assert_eq!(
            drill_href(&base, &[], None),
            "/compliance/cases?period=fy-2026&officer=3&bucket=due"
        );
    }
}
