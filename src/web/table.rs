//! Data tables. On a phone a wide table scrolls sideways inside its own region, which must
//! be focusable and named so keyboard and screen-reader users can scroll it too.

use maud::{Markup, html};

/// A column heading.
pub enum Col<'a> {
    Text(&'a str),
    /// Right-aligned, for counts and amounts.
    Numeric(&'a str),
    /// A column of links or buttons; its heading is for screen readers only.
    Actions,
}

/// A table inside a labelled, keyboard-scrollable region; `caption` names both.
pub fn table(caption: &str, head: &[Col], body: Markup) -> Markup {
    html! {
        div.table-wrapper role="region" aria-label=(caption) tabindex="0" {
            table.table {
                caption.visually-hidden { (caption) }
                thead { tr {
                    @for col in head {
                        @match col {
                            Col::Text(h) => th.table__header scope="col" { (h) },
                            Col::Numeric(h) => th.table__header.table__cell--numeric scope="col" { (h) },
                            Col::Actions => th.table__header scope="col" { span.visually-hidden { "Actions" } },
                        }
                    }
                } }
                tbody { (body) }
            }
        }
    }
}
