//! The chronology as a page (printable: see the print rules in the stylesheet) and as CSV.
//! Both are plain functions of the loaded [`Chronology`]; they hold the same rows.

use super::{entry::Entry, load::Chronology};
use crate::web::{
    Ctx, layout,
    table::{Col, table},
    time_fmt,
};
use maud::{Markup, html};
use std::borrow::Cow;

pub fn page(ctx: &Ctx, chronology: &Chronology) -> Markup {
    let h = &chronology.header;
    let title = format!("Chronology of {}", h.reference);
    let base = format!("/cases/{}", h.reference);
    let rows: Vec<(&str, Markup)> = vec![
        ("Case", html! { (h.reference) }),
        (
            "Status",
            html! { (h.status) @if let Some(o) = &h.outcome { " (" (o) ")" } @if h.restricted { ", restricted" } },
        ),
        ("Priority", html! { (h.priority) }),
        ("Area", html! { (h.area) }),
        (
            "Case officer",
            html! { @match &h.officer { Some(o) => (o), None => "Unassigned" } },
        ),
        (
            "Victim",
            html! { @if h.victims.is_empty() { "None recorded" } @else { (h.victims.join(", ")) } },
        ),
        (
            "Risk",
            html! {
                @match h.risk {
                    Some((level, at)) => { (level) " risk, assessed " (time_fmt::datetime(at)) }
                    None => "Not assessed",
                }
            },
        ),
        (
            "Produced",
            html! { (time_fmt::datetime(h.produced_at)) " by " (h.produced_by) },
        ),
    ];
    let caption = format!(
        "Chronology of {}: {} entries",
        h.reference,
        chronology.entries.len()
    );
    layout::page(
        ctx,
        &title,
        false,
        html! {
            div.chronology {
                a.back-link.no-print href=(base) { "Back to " (h.reference) }
                h1.heading-xl { (title) }
                dl.summary-list.chronology__header {
                    @for (key, value) in rows {
                        (layout::summary_row(key, value))
                    }
                }
                div.no-print {
                    p.body {
                        a href={ (base) "/chronology.csv" } { "Download CSV" }
                        " (the same rows, for a spreadsheet)"
                    }
                    p.body { "To print this chronology or save it as a PDF, use your browser's Print command." }
                }
                @if chronology.entries.is_empty() {
                    p.body { "Nothing recorded yet." }
                } @else {
                    (table(
                        &caption,
                        &[Col::Text("When"), Col::Text("What"), Col::Text("Details"), Col::Text("By")],
                        html! {
                            @for e in &chronology.entries {
                                tr.table__row {
                                    td.table__cell.chronology__when { (e.at.markup()) }
                                    td.table__cell.chronology__what { (e.kind) }
                                    td.table__cell.preserve-lines { (e.details) }
                                    td.table__cell { (e.author) }
                                }
                            }
                        },
                    ))
                }
            }
        },
    )
}

/// The entries as CSV: a header row, then When (`YYYY-MM-DD HH:MM` London, or
/// `YYYY-MM-DD`), What, Details, By. Starts with a UTF-8 byte-order mark so spreadsheet
/// programs read "£" and accented names correctly.
pub fn csv(entries: &[Entry]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(["When", "What", "Details", "By"])?;
    for e in entries {
        let cells = [
            csv_cell(&e.at.text()).into_owned(),
            csv_cell(e.kind).into_owned(),
            csv_cell(&e.details).into_owned(),
            csv_cell(&e.author).into_owned(),
        ];
        out.write_record(&cells)?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// A cell a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'` (OWASP's CSV injection advice).
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chronology::entry::{Source, When};
    use time::macros::{date, datetime};

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_defused() {
        for risky in [
            "=1+1",
            "+44 7700",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"http://x\")",
        ] {
            assert_eq!(csv_cell(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in ["", "Visit", "2026-11-23 09:00", "a=b", " =1", "'quoted"] {
            assert_eq!(csv_cell(safe), safe, "{safe:?}");
        }
    }

    #[test]
    fn csv_has_a_header_and_one_record_per_entry_with_quoting() {
        let entries = vec![
            Entry::new(
                Source::Report,
                1,
                When::At(datetime!(2026-07-01 13:05 UTC)),
                "Report received",
            )
            .by("Tess Officer")
            .details("Line one, with a comma\nLine \"two\""),
            Entry::new(
                Source::Plan,
                2,
                When::Day(date!(2026 - 07 - 02)),
                "Action plan agreed",
            )
            .by("=cmd")
            .details("-5 pounds"),
        ];
        let bytes = csv(&entries).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "When,What,Details,By\r\n\
             2026-07-01 14:05,Report received,\"Line one, with a comma\nLine \"\"two\"\"\",Tess Officer\r\n\
             2026-07-02 (date only),Action plan agreed,'-5 pounds,'=cmd\r\n"
        );
    }
}
