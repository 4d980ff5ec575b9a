//! What the support measure and referral pages share: the list to choose a new record's
//! catalogue entry or agency from, the saved version shown beside an edit that lost a
//! race, and the rows of a record's summary.

use crate::web::{forms::Choice, time_fmt};
use maud::{Markup, html};
use time::Date;

/// A select's choices: `prompt` (chosen while nothing is) then each `(id, name)`, the one
/// typed chosen.
pub fn choices<'a>(
    prompt: &'a str,
    typed: &str,
    entries: impl Iterator<Item = (i32, &'a str)>,
) -> Vec<Choice<'a>> {
    std::iter::once(Choice {
        value: String::new(),
        label: prompt,
        selected: typed.trim().is_empty(),
    })
    .chain(entries.map(|(id, name)| Choice {
        value: id.to_string(),
        label: name,
        selected: typed.trim() == id.to_string(),
    }))
    .collect()
}

/// Their saved version (its `summary`) above the form, when an edit lost a race.
pub fn their_version(summary: Option<Markup>) -> Markup {
    html! {
        @if let Some(summary) = summary {
            div.inset-text id="their-version" {
                h2.heading-m { "Their version (saved)" }
                (summary)
            }
        }
    }
}

pub use crate::web::layout::summary_row as row;

/// A date, or a dash when there is none.
pub fn date_or_dash(d: Option<Date>) -> Markup {
    d.map_or_else(|| html! { "–" }, time_fmt::date)
}
