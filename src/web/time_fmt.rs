//! Dates and times as people in the UK read them: Europe/London, BST-aware, inside a
//! machine-readable `<time datetime>` (the UTC instant).

use maud::{Markup, html};
use time::{OffsetDateTime, format_description::well_known::Rfc3339, macros::format_description};
use time_tz::{OffsetDateTimeExt, timezones::db::europe::LONDON};

pub fn london(t: OffsetDateTime) -> OffsetDateTime {
    t.to_timezone(LONDON)
}

/// e.g. `<time datetime="2026-07-01T13:05:00Z">1 Jul 2026, 14:05</time>`.
pub fn datetime(t: OffsetDateTime) -> Markup {
    let local = london(t);
    let shown = local
        .format(format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute]"
        ))
        .unwrap_or_default();
    html! { time datetime=(machine(t)) { (shown) } }
}

/// A calendar date, e.g. `<time datetime="2026-11-23">23 Nov 2026</time>`.
pub fn date(d: time::Date) -> Markup {
    let shown = plain_date(d);
    let machine = d
        .format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default();
    html! { time datetime=(machine) { (shown) } }
}

/// A calendar date as text, e.g. "23 Nov 2026" (for messages and e-mails).
pub fn plain_date(d: time::Date) -> String {
    d.format(format_description!(
        "[day padding:none] [month repr:short] [year]"
    ))
    .unwrap_or_default()
}

/// `YYYY-MM-DD`: a date in links, file names and exports.
pub fn iso_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// `YYYY-MM-DD` as typed into a date field, in years a case could involve (1900–2100):
/// anything else is a typing mistake, and far-off years overflow date arithmetic.
pub fn parse_date(text: &str) -> Option<time::Date> {
    time::Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .ok()
        .filter(|d| (1900..=2100).contains(&d.year()))
}

/// A date and time typed as London local time (`HH:MM`), as a UTC instant. In the hour
/// the clocks go back the earlier (BST) reading is taken; a time skipped when they go
/// forward is refused.
pub fn parse_london(date: &str, time_of_day: &str) -> Option<OffsetDateTime> {
    let d = parse_date(date)?;
    let t = time::Time::parse(time_of_day.trim(), format_description!("[hour]:[minute]")).ok()?;
    london_at(d, t)
}

/// Why `date` and `time_of_day` are not a London moment, as (field, message) for the
/// form: the date, the time or (when the clocks went forward) the hour that did not happen.
pub fn unreadable_moment(date: &str, time_of_day: &str) -> (&'static str, &'static str) {
    if date.trim().is_empty() {
        ("date", "Enter the date")
    } else if parse_date(date).is_none() {
        (
            "date",
            "Enter the date as YYYY-MM-DD, a real date like 2026-11-23",
        )
    } else if time_of_day.trim().is_empty() {
        ("time", "Enter the time")
    } else if time::Time::parse(time_of_day.trim(), format_description!("[hour]:[minute]")).is_err() {
        ("time", "Enter the time as HH:MM on the 24-hour clock, like 14:30")
    } else {
        (
            "time",
            "That time did not happen in London: the clocks went forward at 01:00. Enter a time before 01:00 or from 02:00",
        )
    }
}

/// [`unreadable_moment`] for a form with more than one moment: the message says which
/// (`what`, such as "it happened").
pub fn unreadable_moment_of(date: &str, time_of_day: &str, what: &str) -> (&'static str, String) {
    let (part, message) = unreadable_moment(date, time_of_day);
    let lead = format!("Enter the {part}");
    let message = match message.strip_prefix(&lead) {
        Some(rest) => format!("{lead} {what}{rest}"),
        None => message.to_owned(),
    };
    (part, message)
}

/// A London date and time of day as a UTC instant (`None` for a time skipped when the
/// clocks go forward; the earlier reading in the hour they go back).
pub fn london_at(d: time::Date, t: time::Time) -> Option<OffsetDateTime> {
    use time_tz::{OffsetResult, PrimitiveDateTimeExt};
    let local = time::PrimitiveDateTime::new(d, t);
    let at = match local.assume_timezone(LONDON) {
        OffsetResult::Some(at) => at,
        OffsetResult::Ambiguous(earlier, _) => earlier,
        OffsetResult::None => return None,
    };
    Some(at.to_offset(time::UtcOffset::UTC))
}

/// The London date and `HH:MM` of an instant, for pre-filling date and time fields.
pub fn london_fields(t: OffsetDateTime) -> (String, String) {
    let local = london(t);
    (
        local
            .format(format_description!("[year]-[month]-[day]"))
            .unwrap_or_default(),
        local
            .format(format_description!("[hour]:[minute]"))
            .unwrap_or_default(),
    )
}

fn machine(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime as at;

    #[test]
    fn a_form_with_two_moments_says_which_one_is_unreadable() {
        assert_eq!(
            unreadable_moment_of("2026-02-30", "10:00", "it happened"),
            (
                "date",
                "Enter the date it happened as YYYY-MM-DD, a real date like 2026-11-23".to_owned()
            )
        );
        assert_eq!(
            unreadable_moment_of("2026-02-28", "9", "the report was received").1,
            "Enter the time the report was received as HH:MM on the 24-hour clock, like 14:30"
        );
        assert!(
            unreadable_moment_of("2026-03-29", "01:30", "it happened")
                .1
                .starts_with("That time did not happen in London")
        );
    }

    #[test]
    fn an_unreadable_moment_says_which_part_is_wrong() {
        assert_eq!(unreadable_moment("2026-02-30", "10:00").0, "date");
        assert_eq!(unreadable_moment(" ", "10:00"), ("date", "Enter the date"));
        assert_eq!(unreadable_moment("2026-02-28", ""), ("time", "Enter the time"));
        assert_eq!(unreadable_moment("2026-02-28", "25:61").0, "time");
        let (field, message) = unreadable_moment("2026-03-29", "01:30");
        assert_eq!(field, "time");
        assert!(message.contains("clocks went forward"));
        assert_eq!(parse_london("2026-03-29", "01:30"), None);
    }

    #[test]
    fn shows_london_time_in_winter_and_summer() {
        let winter = at!(2026-01-15 13:05 UTC);
        assert_eq!(
            datetime_string(winter),
            r#"<time datetime="2026-01-15T13:05:00Z">15 Jan 2026, 13:05</time>"#
        );
        let summer = at!(2026-07-01 13:05 UTC);
        assert_eq!(
            datetime_string(summer),
            r#"<time datetime="2026-07-01T13:05:00Z">1 Jul 2026, 14:05</time>"#
        );
    }

    #[test]
    fn london_fields_round_trip_across_clock_changes() {
        for t in [at!(2026-01-15 13:05 UTC), at!(2026-07-01 13:05 UTC)] {
            let (d, hm) = london_fields(t);
            assert_eq!(parse_london(&d, &hm), Some(t));
        }
        // 01:30 on 29 March 2026 does not exist in London; 01:30 on 25 October is twice.
        assert_eq!(parse_london("2026-03-29", "01:30"), None);
        assert_eq!(
            parse_london("2026-10-25", "01:30"),
            Some(at!(2026-10-25 00:30 UTC))
        );
        assert_eq!(parse_london("2026-02-30", "10:00"), None);
        assert_eq!(parse_london("2026-02-10", "25:00"), None);
        assert_eq!(parse_london("-9999-01-01", "10:00"), None);
        assert_eq!(parse_date("1899-12-31"), None);
    }

    fn datetime_string(t: OffsetDateTime) -> String {
        super::datetime(t).into_string()
    }
}
