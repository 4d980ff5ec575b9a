//! Europe/London dates and day ends: deadlines are stored in UTC but fall due by the UK clock.

use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset, macros::time};
use time_tz::{OffsetDateTimeExt, OffsetResult, PrimitiveDateTimeExt, timezones::db::europe::LONDON};

/// End of a London day (23:59:59 local) as UTC — 22:59:59Z in BST, 23:59:59Z in GMT.
///
/// UK clocks change at 01:00 UTC, so 23:59:59 local always exists exactly once; the other
/// arms only keep this total should the zone data ever say otherwise.
pub fn end_of_london_day(day: time::Date) -> OffsetDateTime {
    let local = PrimitiveDateTime::new(day, time!(23:59:59));
    let at = match local.assume_timezone(LONDON) {
        OffsetResult::Some(at) => at,
        // Two instants read 23:59:59: the day ends at the later one.
        OffsetResult::Ambiguous(_, later) => later,
        OffsetResult::None => local.assume_timezone_utc(LONDON),
    };
    at.to_offset(UtcOffset::UTC)
}

/// Start of a London day (00:00:00 local) as UTC: one second after the previous day ends.
pub fn start_of_london_day(day: time::Date) -> OffsetDateTime {
    match day.previous_day() {
        Some(before) => end_of_london_day(before) + time::Duration::SECOND,
        None => end_of_london_day(day) - time::Duration::DAY + time::Duration::SECOND,
    }
}

/// The London calendar date of an instant (in whatever offset it is given).
pub fn london_date(at: OffsetDateTime) -> time::Date {
    at.to_timezone(LONDON).date()
}

/// `day` moved on by whole years; 29 February becomes 28 February in a common year.
pub fn add_years(day: time::Date, years: i32) -> time::Date {
    let year = day.year() + years;
    time::Date::from_calendar_date(year, day.month(), day.day())
        .or_else(|_| time::Date::from_calendar_date(year, time::Month::February, 28))
        .unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn london_days_start_at_local_midnight() {
        assert_eq!(
            start_of_london_day(date!(2026 - 01 - 15)),
            datetime!(2026-01-15 00:00 UTC)
        );
        assert_eq!(
            start_of_london_day(date!(2026 - 07 - 15)),
            datetime!(2026-07-14 23:00 UTC)
        );
        // The spring-forward day starts at GMT midnight, the next at BST midnight.
        assert_eq!(
            start_of_london_day(date!(2026 - 03 - 29)),
            datetime!(2026-03-29 00:00 UTC)
        );
        assert_eq!(
            start_of_london_day(date!(2026 - 03 - 30)),
            datetime!(2026-03-29 23:00 UTC)
        );
    }

    #[test]
    fn end_of_day_follows_bst_and_gmt() {
        let table = [
            (date!(2026 - 01 - 15), datetime!(2026-01-15 23:59:59 UTC)),
            (date!(2026 - 03 - 28), datetime!(2026-03-28 23:59:59 UTC)), // last GMT day
            (date!(2026 - 03 - 29), datetime!(2026-03-29 22:59:59 UTC)), // clocks went forward at 01:00
            (date!(2026 - 07 - 01), datetime!(2026-07-01 22:59:59 UTC)),
            (date!(2026 - 10 - 24), datetime!(2026-10-24 22:59:59 UTC)), // last BST day
            (date!(2026 - 10 - 25), datetime!(2026-10-25 23:59:59 UTC)), // clocks went back at 02:00
        ];
        for (day, end) in table {
            let got = end_of_london_day(day);
            assert_eq!(got, end, "{day}");
            assert_eq!(got.offset(), UtcOffset::UTC, "{day}");
        }
    }

    #[test]
    fn london_date_differs_from_utc_date_around_midnight() {
        let table = [
            (datetime!(2026-07-03 22:59:59 UTC), date!(2026 - 07 - 03)), // 23:59:59 BST
            (datetime!(2026-07-03 23:00:00 UTC), date!(2026 - 07 - 04)), // 00:00 BST
            (datetime!(2026-07-03 23:30:00 UTC), date!(2026 - 07 - 04)),
            (datetime!(2026-01-03 23:30:00 UTC), date!(2026 - 01 - 03)), // GMT: same date
            (datetime!(2026-07-04 02:30:00 +05:00), date!(2026 - 07 - 03)), // input offset is irrelevant
        ];
        for (at, day) in table {
            assert_eq!(london_date(at), day, "{at}");
        }
    }
}
