//! The pure core of the chronology: one [`Entry`] per thing that happened, and the one
//! order they are read in. No database, no clock.
//!
//! An entry happens at an instant (a contact at 14:05) or on a day only (an action plan
//! agreed on 24 November). A day-only entry sorts after everything timed on its London
//! day (the report that opened a case comes before the plan agreed that day), and shows
//! the date alone. Ties are broken by a fixed order
//! of sources, then by the source record's id, then by the step within that record (a
//! support measure requested, then provided), so the order is total and the same on every
//! run and on both databases.

use crate::calendar::start_of_london_day;
use maud::Markup;
use time::{Date, OffsetDateTime, UtcOffset, macros::format_description};
use time_tz::{OffsetDateTimeExt, timezones::db::europe::LONDON};

/// When an entry happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    At(OffsetDateTime),
    /// A date with no time of day (a target date, a date agreed, a hearing).
    Day(Date),
}

impl When {
    /// The instant it sorts at: itself, or the start of its London day.
    pub fn instant(self) -> OffsetDateTime {
        match self {
            When::At(at) => at.to_offset(UtcOffset::UTC),
            When::Day(day) => start_of_london_day(day),
        }
    }

    /// Where it sorts: by London day, the timed entries of a day before its date-only
    /// ones, then by instant.
    pub fn order(self) -> (Date, bool, OffsetDateTime) {
        (self.day(), matches!(self, When::Day(_)), self.instant())
    }

    /// The London day it falls on.
    pub fn day(self) -> Date {
        match self {
            When::At(at) => crate::calendar::london_date(at),
            When::Day(day) => day,
        }
    }

    /// As the CSV carries it: `YYYY-MM-DD HH:MM` in London time, or `YYYY-MM-DD (date
    /// only)`: one format, the date first, so a spreadsheet sorts the column as the page.
    pub fn text(self) -> String {
        match self {
            When::At(at) => at
                .to_timezone(LONDON)
                .format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
                .unwrap_or_default(),
            When::Day(day) => format!(
                "{} (date only)",
                day.format(format_description!("[year]-[month]-[day]"))
                    .unwrap_or_default()
            ),
        }
    }

    /// As the page shows it, inside `<time datetime>`.
    pub fn markup(self) -> Markup {
        match self {
            When::At(at) => crate::web::time_fmt::datetime(at),
            When::Day(day) => crate::web::time_fmt::date(day),
        }
    }
}

/// An instant as people read it in free text: "24 Nov 2026, 09:00" (London).
pub fn plain_datetime(at: OffsetDateTime) -> String {
    at.to_timezone(LONDON)
        .format(format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute]"
        ))
        .unwrap_or_default()
}

/// Which kind of record an entry comes from; also the tie-break order for entries at the
/// same instant (a report before what was done about it; a closure before the actions
/// and deadlines it settled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Report,
    Timeline,
    Closure,
    Risk,
    Plan,
    PlanAction,
    Support,
    Referral,
    Enforcement,
    LegalDate,
    Deadline,
}

/// One row of the chronology.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub at: When,
    /// What happened, e.g. "Report received", "Contact: visit", "Deadline late".
    pub kind: &'static str,
    pub details: String,
    /// Who recorded or did it (a display name), or "Harbour" for what the system worked
    /// out (a deadline falling due).
    pub author: String,
    pub source: Source,
    /// The source record's id.
    pub id: i32,
    /// Which step of that record (0 for records with one entry).
    pub step: u8,
}

impl Entry {
    pub fn new(source: Source, id: i32, at: When, kind: &'static str) -> Self {
        Entry {
            at,
            kind,
            details: String::new(),
            author: String::new(),
            source,
            id,
            step: 0,
        }
    }

    pub fn step(mut self, step: u8) -> Self {
        self.step = step;
        self
    }

    pub fn by(mut self, author: impl Into<String>) -> Self {
        self.author = author.into();
        self
    }

    pub fn details(mut self, details: impl Into<String>) -> Self {
        self.details = details.into();
        self
    }

    /// The sort key: when (`When::order`), source, record id, step.
    pub fn key(&self) -> ((Date, bool, OffsetDateTime), Source, i32, u8) {
        (self.at.order(), self.source, self.id, self.step)
    }
}

/// Puts entries in chronology order (total: equal keys only for the same step of the same
/// record, which is the same entry).
pub fn sort(entries: &mut [Entry]) {
    entries.sort_by_key(Entry::key);
}

/// Lines of "Key: value" details, skipping empty values.
#[derive(Default)]
pub struct Details(Vec<String>);

impl Details {
    pub fn new() -> Self {
        Details::default()
    }

    /// A line as it is.
    pub fn line(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        if !text.trim().is_empty() {
            self.0.push(text.trim().to_owned());
        }
        self
    }

    /// "key: value", when there is a value.
    pub fn field(self, key: &str, value: Option<impl AsRef<str>>) -> Self {
        match value {
            Some(v) if !v.as_ref().trim().is_empty() => {
                let v = v.as_ref().trim().to_owned();
                self.line(format!("{key}: {v}"))
            }
            _ => self,
        }
    }

    pub fn build(self) -> String {
        self.0.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn at(t: OffsetDateTime, source: Source, id: i32) -> Entry {
        Entry::new(source, id, When::At(t), "x")
    }

    fn day(d: Date, source: Source, id: i32) -> Entry {
        Entry::new(source, id, When::Day(d), "x")
    }

    fn order(mut entries: Vec<Entry>) -> Vec<(Source, i32, u8)> {
        sort(&mut entries);
        entries.iter().map(|e| (e.source, e.id, e.step)).collect()
    }

    #[test]
    fn entries_sort_by_time_then_source_then_id_then_step() {
        let t = datetime!(2026-11-23 10:00 UTC);
        let later = datetime!(2026-11-23 10:01 UTC);
        let entries = vec![
            at(later, Source::Report, 1),
            at(t, Source::Deadline, 1),
            at(t, Source::Timeline, 9),
            at(t, Source::Timeline, 2),
            at(t, Source::Support, 5).step(2),
            at(t, Source::Support, 5).step(0),
            at(t, Source::Report, 7),
        ];
        assert_eq!(
            order(entries),
            vec![
                (Source::Report, 7, 0),
                (Source::Timeline, 2, 0),
                (Source::Timeline, 9, 0),
                (Source::Support, 5, 0),
                (Source::Support, 5, 2),
                (Source::Deadline, 1, 0),
                (Source::Report, 1, 0),
            ]
        );
    }

    #[test]
    fn the_order_does_not_depend_on_the_order_entries_arrive_in() {
        let t = datetime!(2026-11-23 10:00 UTC);
        let base = vec![
            at(t, Source::Closure, 3),
            day(date!(2026 - 11 - 23), Source::Plan, 1),
            at(t, Source::Deadline, 4),
            at(t, Source::Deadline, 2),
            at(datetime!(2026-11-22 23:59 UTC), Source::Timeline, 1),
        ];
        let expected = order(base.clone());
        let mut reversed = base.clone();
        reversed.reverse();
        assert_eq!(order(reversed), expected);
        let mut rotated = base;
        rotated.rotate_left(2);
        assert_eq!(order(rotated), expected);
    }

    #[test]
    fn a_day_sorts_after_the_timed_entries_of_its_london_day_in_winter() {
        let d = date!(2026 - 11 - 24);
        assert_eq!(When::Day(d).instant(), datetime!(2026-11-24 00:00 UTC));
        let entries = vec![
            at(datetime!(2026-11-25 00:00:01 UTC), Source::Report, 4),
            at(datetime!(2026-11-24 23:59:59 UTC), Source::Report, 1),
            day(d, Source::Deadline, 2),
            at(datetime!(2026-11-23 23:59:59 UTC), Source::Deadline, 3),
        ];
        assert_eq!(
            order(entries),
            vec![
                (Source::Deadline, 3, 0),
                (Source::Report, 1, 0),
                (Source::Deadline, 2, 0),
                (Source::Report, 4, 0),
            ]
        );
        assert_eq!(When::Day(d).text(), "2026-11-24 (date only)");
    }

    #[test]
    fn in_summer_a_day_is_its_london_day_not_its_utc_one() {
        let d = date!(2026 - 07 - 01);
        assert_eq!(When::Day(d).instant(), datetime!(2026-06-30 23:00 UTC));
        let entries = vec![
            // 00:30 BST on 1 July (30 June in UTC): on its day, so before the day-only entry.
            at(datetime!(2026-06-30 23:30 UTC), Source::Report, 1),
            // 00:30 BST on 2 July: after it.
            at(datetime!(2026-07-01 23:30 UTC), Source::Report, 4),
            // 23:30 BST on 30 June: the day before.
            at(datetime!(2026-06-30 22:30 UTC), Source::Report, 2),
            day(d, Source::Plan, 3),
        ];
        assert_eq!(
            order(entries),
            vec![
                (Source::Report, 2, 0),
                (Source::Report, 1, 0),
                (Source::Plan, 3, 0),
                (Source::Report, 4, 0)
            ]
        );
    }

    #[test]
    fn the_days_the_clocks_change_start_at_london_midnight() {
        // Clocks go forward at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on 25
        // October: each of those days starts at midnight in the offset before the change,
        // the day after in the offset after it.
        assert_eq!(
            start_of_london_day(date!(2026 - 03 - 29)),
            datetime!(2026-03-29 00:00 UTC)
        );
        assert_eq!(
            start_of_london_day(date!(2026 - 03 - 30)),
            datetime!(2026-03-29 23:00 UTC)
        );
        assert_eq!(
            start_of_london_day(date!(2026 - 10 - 25)),
            datetime!(2026-10-24 23:00 UTC)
        );
        assert_eq!(
            start_of_london_day(date!(2026 - 10 - 26)),
            datetime!(2026-10-26 00:00 UTC)
        );
    }

    #[test]
    fn times_are_written_in_london_time_and_days_as_dates() {
        assert_eq!(
            When::At(datetime!(2026-07-01 13:05 UTC)).text(),
            "2026-07-01 14:05"
        );
        assert_eq!(
            When::At(datetime!(2026-01-15 13:05 UTC)).text(),
            "2026-01-15 13:05"
        );
        // 23:30 UTC on 30 June is already 1 July in London.
        assert_eq!(
            When::At(datetime!(2026-06-30 23:30 UTC)).text(),
            "2026-07-01 00:30"
        );
        // An instant given in another offset is still written in London time.
        assert_eq!(
            When::At(datetime!(2026-01-15 18:05 +05:00)).text(),
            "2026-01-15 13:05"
        );
        assert_eq!(When::Day(date!(2026 - 07 - 01)).text(), "2026-07-01 (date only)");
        assert_eq!(
            plain_datetime(datetime!(2026-07-01 13:05 UTC)),
            "1 Jul 2026, 14:05"
        );
        let shown = When::Day(date!(2026 - 07 - 01)).markup().into_string();
        assert_eq!(shown, r#"<time datetime="2026-07-01">1 Jul 2026</time>"#);
    }

    #[test]
    fn details_skip_empty_values() {
        let d = Details::new()
            .line("Visit")
            .field("Reason", Some("  Locks broken "))
            .field("Notes", None::<&str>)
            .field("Empty", Some("   "))
            .line("");
        assert_eq!(d.build(), "Visit\nReason: Locks broken");
    }
}
