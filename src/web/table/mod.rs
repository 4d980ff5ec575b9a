//! Data tables. On a wide screen a table that does not fit scrolls sideways inside its own
//! region, which must be focusable and named so keyboard and screen-reader users can scroll
//! it too. On a phone (the stylesheet's `max-width: 40em` rule) each row shows as a card
//! instead: the heading row is hidden and each cell shows its column's heading, which
//! [`cells::label`] copies onto every body cell as `data-label`.

mod cells;

use maud::{Markup, PreEscaped, html};

/// A column heading.
pub enum Col<'a> {
    Text(&'a str),
    /// Right-aligned, for counts and amounts.
    Numeric(&'a str),
    /// A column of links or buttons; its heading is for screen readers only, and it is not
    /// printed (callers mark its cells `.no-print` where the page may be printed).
    Actions,
}

impl Col<'_> {
    /// The label a cell of this column shows in card form: none for actions or a blank heading.
    fn label(&self) -> Option<&str> {
        match self {
            Col::Text(h) | Col::Numeric(h) if !h.trim().is_empty() => Some(h),
            _ => None,
        }
    }
}

/// A table inside a labelled, keyboard-scrollable region; `caption` names both. `body` is
/// the rows (`tr`), their cells in column order.
///
/// The explicit ARIA roles keep the table's semantics when the card form changes its
/// elements' `display`, which some browsers take as a reason to drop them.
pub fn table(caption: &str, head: &[Col], body: Markup) -> Markup {
    let labels: Vec<Option<&str>> = head.iter().map(Col::label).collect();
    html! {
        div.table-wrapper role="region" aria-label=(caption) tabindex="0" {
            table.table role="table" {
                caption.visually-hidden { (caption) }
                thead role="rowgroup" { tr role="row" {
                    @for col in head {
                        @match col {
                            Col::Text(h) => th.table__header scope="col" role="columnheader" { (h) },
                            Col::Numeric(h) => th.table__header.table__cell--numeric scope="col" role="columnheader" { (h) },
                            Col::Actions => th.table__header.no-print scope="col" role="columnheader" { span.visually-hidden { "Actions" } },
                        }
                    }
                } }
                tbody role="rowgroup" { (PreEscaped(cells::label(&body.into_string(), &labels))) }
            }
        }
    }
}
