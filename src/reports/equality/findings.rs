//! The disparity section of the report pages: for each compared measure, the flagged
//! disparities in plain English and a table of every group against the reference group
//! (rate with its Wilson interval, the difference with its Newcombe interval, Holm's p).

use super::{
    disparity::{self, Finding, Verdict},
    report::Comparison,
};
use crate::web::table::{self as table_ui, Col};
use maud::{Markup, html};

pub fn comparison(c: &Comparison, publication: bool) -> Markup {
    html! {
            h3.heading-m { (c.title) }
            @for (title, findings) in [("Ethnic groups", &c.by_group), ("Ethnic categories", &c.by_category)] {
                @let flagged: Vec<&Finding> = findings.iter().filter(|f| f.verdict == Verdict::Flagged).collect();
                h4.heading-s { (title) }
                @if flagged.is_empty() {
                    p.body { "No statistically significant disparity." }
                } @else {
                    ul.list {
                        @for f in &flagged {
                            li { strong.tag.tag--red { "Disparity" } " " (disparity::sentence(f, &c.noun, &c.verb)) }
                        }
                    }
                }
                (table_ui::table(&format!("{}: {title}", c.title), &[
                    Col::Text("Group"), Col::Numeric("Rate (95% interval)"), Col::Numeric("Difference from reference (95% interval)"),
                    Col::Numeric("p (Holm)"), Col::Text("Result"),
                ], html! {
                    @for f in findings {
                        tr {
                            th.table__header scope="row" { (f.group.name) }
                            td.table__cell.table__cell--numeric { (rate_text(f)) }
                            td.table__cell.table__cell--numeric {
                                @match (f.verdict, f.difference) {
                                    (Verdict::Withheld, _) | (_, None) => "–",
                                    (_, Some((d, i))) => (format!("{:+.1} pp ({:+.1} to {:+.1})", 100.0 * d, 100.0 * i.lo, 100.0 * i.hi)),
                                }
                            }
                            td.table__cell.table__cell--numeric { (f.p_adjusted.map_or("–".to_owned(), super::table::show_p)) }
                            td.table__cell {
                                @match f.verdict {
                                    Verdict::Flagged => strong.tag.tag--red { "Disparity" },
                                    Verdict::NotSignificant => "No statistically significant difference",
                                    Verdict::TooFew => "Too few cases to test",
                                    Verdict::Withheld => "[c] Not shown",
                                }
                            }
                        }
                    }
                }))
            }
            @if let Some(f) = c.by_group.first() {
    @let hidden = publication && f.reference_withheld;
                p.body-s {
                    "Reference: " (f.reference.name) ", "
                    @if hidden { "[c]" } @else { (rate_text_side(&f.reference, f.reference_wilson)) }
                    "."
                }
            }
        }
}

fn rate_text(f: &Finding) -> String {
    if f.verdict == Verdict::Withheld {
        return "[c]".to_owned();
    }
    rate_text_side(&f.group, f.wilson)
}

fn rate_text_side(s: &disparity::Side, w: Option<super::stats::Interval>) -> String {
    match (s.rate(), w) {
        (Some(r), Some(w)) => format!(
            "{:.1}% of {} ({:.1} to {:.1})",
            100.0 * r,
            s.n,
            100.0 * w.lo,
            100.0 * w.hi
        ),
        _ => "no cases".to_owned(),
    }
}
