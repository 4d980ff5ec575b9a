//! The quarterly board report: one printable A4 document with the headline figures of the
//! period against the four quarters before it, every section of the dashboard, the
//! disparity findings, NM01 and the definitions. Its published version is the same page in
//! publication mode (`mode=publication`).

use super::{
    disparity::Verdict,
    groups::ALL,
    params::Criteria,
    report::{Report, period_label},
    table::Cell,
    view,
};
use crate::{
    reports::compliance::period::{Period, Preset, quarter_of},
    web::{Ctx, layout, table as table_ui, table::Col},
};
use maud::{Markup, html};

/// The `n` financial quarters before the one the period ends in, oldest first, with the
/// same filters and mode.
pub fn previous_quarters(c: &Criteria, n: usize) -> Vec<Criteria> {
    let mut out = vec![];
    let (mut q, mut y) = quarter_of(c.period.to);
    for _ in 0..n {
        if q == 1 {
            q = 4;
            y -= 1;
        } else {
            q -= 1;
        }
        out.push(Criteria {
            period: Period::of(Preset::Quarter(q, y)),
            ..c.clone()
        });
    }
    out.reverse();
    out
}

/// The headline measures: (label, table, row, measure).
const HEADLINES: [(&str, &str, &str, &str); 7] = [
    ("Cases opened", "victims", ALL, "cases_opened"),
    ("Cases closed", "victims", ALL, "cases_closed"),
    ("Resolved rate", "victims", ALL, "resolved_rate"),
    (
        "Median hours to first contact",
        "victims",
        ALL,
        "first_contact_median_hours",
    ),
    (
        "Initial contact on time",
        "victims",
        ALL,
        "first_contact_on_time_rate",
    ),
    (
        "Victims with ethnicity not given",
        "recording",
        ALL,
        "not_given_rate",
    ),
    (
        "NM01(1) per 1,000 homes, year to date",
        "nm01",
        "nm01",
        "cases_per_1000_homes",
    ),
];

fn headline(r: &Report, table: &str, row: &str, measure: &str) -> String {
    r.table(table)
        .and_then(|t| t.cell(row, measure))
        .map_or("[x]".to_owned(), Cell::display)
}

fn flags(r: &Report) -> usize {
    r.comparisons
        .iter()
        .flat_map(|c| c.by_group.iter().chain(&c.by_category))
        .filter(|f| f.verdict == Verdict::Flagged)
        .count()
}

pub fn page(ctx: &Ctx, r: &Report, quarters: &[Report]) -> Markup {
    let title = "Racial harassment and hate incidents: report to the board";
    let short = |rep: &Report| match rep.criteria.period.preset {
        Some(Preset::Quarter(q, y)) => format!("Q{q} {}/{:02}", y, (y + 1) % 100),
        _ => period_label(&rep.criteria.period),
    };
    let mut head = vec![Col::Text("Measure")];
    let labels: Vec<String> = quarters.iter().map(short).collect();
    head.extend(labels.iter().map(|l| Col::Numeric(l)));
    let this = format!("{} (this report)", short(r));
    head.push(Col::Numeric(&this));
    html! {
        (layout::page(ctx, title, false, html! {
            article.board-report {
                h1.heading-xl { (title) }
                p.body-l { (period_label(&r.criteria.period)) }
                p.body {
                    @if r.criteria.publication {
                        "Published version: counts of 1 to 4 and figures that would reveal them are shown as [c]."
                    } @else {
                        "Internal version with exact figures: not for publication. "
                        a.no-print href={ "/reports/board?" (publication_query(&r.criteria)) } { "Published version" }
                    }
                }
                p.body.no-print {
                    "Print this page, or save it as PDF, for the board pack (A4). "
                    a href={ "/reports?" (r.criteria.query()) } { "Back to the dashboard" }
                }
                h2.heading-l { "Headline figures" }
                (table_ui::table("Headline figures, this period against the four quarters before it", &head, html! {
                    @for (label, table, row, measure) in HEADLINES {
                        tr {
                            th.table__header scope="row" { (label) }
                            @for q in quarters { td.table__cell.table__cell--numeric { (headline(q, table, row, measure)) } }
                            td.table__cell.table__cell--numeric { strong { (headline(r, table, row, measure)) } }
                        }
                    }
                    tr {
                        th.table__header scope="row" { "Disparities flagged" }
                        @for q in quarters { td.table__cell.table__cell--numeric { (flags(q)) } }
                        td.table__cell.table__cell--numeric { strong { (flags(r)) } }
                    }
                }))
                (view::sections(r, false))
                h2.heading-l { "What the figures mean" }
                (view::definitions())
                p.body-s { "Produced by Harbour on " (crate::web::time_fmt::datetime(r.generated_at)) "." }
            }
        }))
    }
}

fn publication_query(c: &Criteria) -> String {
    Criteria {
        publication: true,
        ..c.clone()
    }
    .query()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_quarters_before_cross_a_year_end() {
        let mut c = Criteria::new(Period::of(Preset::Quarter(1, 2026)));
        c.area_id = Some(2);
        let q = previous_quarters(&c, 4);
        let codes: Vec<String> = q.iter().map(|c| c.period.preset.unwrap().code()).collect();
        assert_eq!(codes, ["q1-2025", "q2-2025", "q3-2025", "q4-2025"]);
        assert!(q.iter().all(|c| c.area_id == Some(2)));
    }
}
