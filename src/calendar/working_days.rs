//! Working days and the deadlines built on them.
//!
//! Dates are London dates and instants are UTC. Arithmetic that would leave the `time`
//! crate's range (after 9999) panics; no real deadline gets near it.

use super::{
    Division,
    holidays::{bank_holidays, first_published_year, is_weekend, last_published_year},
    london::{end_of_london_day, london_date},
};
use std::{
    collections::{BTreeSet, HashSet},
    fmt,
    ops::RangeInclusive,
    sync::LazyLock,
};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// One division's bank holidays over the years deadlines realistically touch, so a lookup is
/// a hash probe rather than a rebuild of the year's list. Other years are computed on demand.
struct HolidayCache {
    years: RangeInclusive<i32>,
    dates: HashSet<Date>,
}

static CACHE: LazyLock<[HolidayCache; 3]> = LazyLock::new(|| {
    Division::ALL.map(|division| {
        let years = first_published_year() - 10..=last_published_year() + 30;
        let dates = years
            .clone()
            .flat_map(|year| bank_holidays(division, year))
            .map(|holiday| holiday.date)
            .collect();
        HolidayCache { years, dates }
    })
});

/// A landlord's working calendar: weekdays that are neither a bank holiday of its division
/// nor one of its own closure days. Cheap to build: the holidays are shared.
#[derive(Clone)]
pub struct Calendar {
    division: Division,
    closure_days: BTreeSet<Date>,
    holidays: &'static HolidayCache,
}

impl fmt::Debug for Calendar {
    /// Leaves out the shared holiday table, which would swamp the output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("division", &self.division)
            .field("closure_days", &self.closure_days)
            .finish_non_exhaustive()
    }
}

impl Calendar {
    /// `closure_days` are the landlord's own non-working days (office closures, e.g. between
    /// Christmas and New Year); they count like bank holidays.
    pub fn new(division: Division, closure_days: impl IntoIterator<Item = Date>) -> Self {
        Calendar {
            division,
            closure_days: closure_days.into_iter().collect(),
            holidays: &CACHE[division.index()],
        }
    }

    /// Whose bank holidays this calendar observes.
    pub fn division(&self) -> Division {
        self.division
    }

    /// Not a Saturday or Sunday, not a bank holiday of the division, not a closure day.
    pub fn is_working_day(&self, day: Date) -> bool {
        !is_weekend(day) && !self.is_bank_holiday(day) && !self.closure_days.contains(&day)
    }

    fn is_bank_holiday(&self, day: Date) -> bool {
        if self.holidays.years.contains(&day.year()) {
            self.holidays.dates.contains(&day)
        } else {
            bank_holidays(self.division, day.year())
                .iter()
                .any(|h| h.date == day)
        }
    }

    /// The first working day strictly after `day`.
    pub fn next_working_day(&self, day: Date) -> Date {
        let mut next = day;
        loop {
            next = next.next_day().expect("date within the time crate's range");
            if self.is_working_day(next) {
                return next;
            }
        }
    }

    /// The London date of working day `n` after `received`.
    ///
    /// The day of receipt never counts, working or not: from a working day, day 1 is the next
    /// working day; from a weekend, holiday or closure day, day 1 is the first working day
    /// after it — both "the first working day strictly after". Hence `n = 0` is the London
    /// date of receipt itself (even if that is not a working day): "due the same day".
    pub fn working_day_n(&self, received: OffsetDateTime, n: u32) -> Date {
        (0..n).fold(london_date(received), |day, _| self.next_working_day(day))
    }

    /// Due instant for "N working days": the end of working day `n` (23:59:59 London), in UTC.
    pub fn due_in_working_days(&self, received: OffsetDateTime, n: u32) -> OffsetDateTime {
        end_of_london_day(self.working_day_n(received, n))
    }

    /// Due instant for "N hours": exactly `hours` × 3600 s after `received`, whatever the
    /// clocks do meanwhile. In UTC, truncated to the whole second.
    pub fn due_in_hours(received: OffsetDateTime, hours: u32) -> OffsetDateTime {
        (received + Duration::hours(i64::from(hours)))
            .to_offset(UtcOffset::UTC)
            .truncate_to_second()
    }

    /// Due instant for "N calendar days": the end (23:59:59 London) of the day `days` days
    /// after the London date of `received`, in UTC. Weekends and holidays count.
    pub fn due_in_calendar_days(received: OffsetDateTime, days: u32) -> OffsetDateTime {
        end_of_london_day(london_date(received) + Duration::days(i64::from(days)))
    }

    /// How late `done` is against `due`, in whole working days: the working days `d` with
    /// London date of `due` < `d` <= London date of `done`. Anything on the due day itself,
    /// or on the weekend after a Friday deadline, is 0: still late (done after due) but by no
    /// whole working day, which is what a manager reading "N working days late" expects. Also
    /// gives "overdue by", with `done` = now.
    pub fn working_days_late(&self, due: OffsetDateTime, done: OffsetDateTime) -> u32 {
        if done <= due {
            return 0;
        }
        let done_day = london_date(done);
        let mut day = london_date(due);
        let mut late = 0;
        while day < done_day {
            day = day.next_day().expect("before done, so within range");
            if self.is_working_day(day) {
                late += 1;
            }
        }
        late
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Division::{EnglandAndWales as EW, NorthernIreland as NI, Scotland as S};
    use time::macros::{date, datetime, time};
    use time_tz::{OffsetDateTimeExt, timezones::db::europe::LONDON};

    fn assert_utc_whole_seconds(at: OffsetDateTime) {
        assert_eq!(at.offset(), UtcOffset::UTC, "{at}");
        assert_eq!(at.nanosecond(), 0, "{at}");
    }

    #[test]
    fn working_days_exclude_weekends_holidays_and_closures() {
        let closed = date!(2026 - 06 - 17);
        // (division, day, working?)
        let table = [
            (EW, date!(2026 - 06 - 15), true),  // Monday
            (EW, date!(2026 - 06 - 13), false), // Saturday
            (EW, date!(2026 - 06 - 14), false), // Sunday
            (EW, closed, false),                // closure day
            (S, closed, false),
            (EW, date!(2026 - 05 - 25), false), // Spring bank holiday
            (EW, date!(2028 - 05 - 29), false), // computed Spring bank holiday
            (EW, date!(2400 - 12 - 25), false), // beyond the cache: computed on demand
            (EW, date!(2400 - 12 - 27), true),
            (EW, date!(1900 - 12 - 25), false), // before the data and the cache
            // One-off holidays are not working days anywhere.
            (EW, date!(2022 - 06 - 02), false),
            (S, date!(2022 - 06 - 02), false),
            (NI, date!(2022 - 06 - 02), false),
            (EW, date!(2022 - 06 - 03), false),
            (S, date!(2022 - 06 - 03), false),
            (NI, date!(2022 - 06 - 03), false),
            (EW, date!(2022 - 09 - 19), false),
            (S, date!(2022 - 09 - 19), false),
            (NI, date!(2022 - 09 - 19), false),
            (EW, date!(2023 - 05 - 08), false),
            (S, date!(2023 - 05 - 08), false),
            (NI, date!(2023 - 05 - 08), false),
            (EW, date!(2022 - 05 - 30), true), // the usual Spring Monday, moved that year
            // Each division's own days.
            (S, date!(2026 - 01 - 02), false), // 2 January
            (EW, date!(2026 - 01 - 02), true),
            (S, date!(2026 - 08 - 03), false), // Scottish summer: first Monday of August
            (EW, date!(2026 - 08 - 03), true),
            (EW, date!(2026 - 08 - 31), false), // E&W summer: last Monday of August
            (S, date!(2026 - 08 - 31), true),
            (S, date!(2026 - 11 - 30), false), // St Andrew's Day
            (EW, date!(2026 - 11 - 30), true),
            (NI, date!(2026 - 03 - 17), false), // St Patrick's Day
            (EW, date!(2026 - 03 - 17), true),
            (NI, date!(2026 - 07 - 13), false), // Boyne substitute
            (EW, date!(2026 - 07 - 13), true),
            (EW, date!(2026 - 04 - 06), false), // Easter Monday
            (S, date!(2026 - 04 - 06), true),
        ];
        for (division, day, working) in table {
            let calendar = Calendar::new(division, [closed]);
            assert_eq!(calendar.division(), division);
            assert_eq!(calendar.is_working_day(day), working, "{division:?} {day}");
        }
    }

    #[test]
    fn next_working_day_is_strictly_after() {
        let calendar = Calendar::new(EW, [date!(2026 - 12 - 29)]);
        let table = [
            (date!(2026 - 06 - 15), date!(2026 - 06 - 16)), // Monday -> Tuesday
            (date!(2026 - 06 - 12), date!(2026 - 06 - 15)), // Friday -> Monday
            (date!(2026 - 06 - 13), date!(2026 - 06 - 15)), // Saturday -> Monday
            (date!(2026 - 05 - 22), date!(2026 - 05 - 26)), // over the Spring bank holiday
            (date!(2026 - 12 - 24), date!(2026 - 12 - 30)), // Christmas, Boxing substitute, closure
        ];
        for (day, next) in table {
            assert_eq!(calendar.next_working_day(day), next, "{day}");
        }
    }

    #[test]
    fn due_in_working_days() {
        let (thu_24, tue_29) = (date!(2026 - 12 - 24), date!(2026 - 12 - 29)); // closure days
        // (division, closure days, received, n, due)
        #[rustfmt::skip]
        let table: &[(Division, &[Date], OffsetDateTime, u32, OffsetDateTime)] = &[
            // Friday 16:45 BST, 1 working day: end of Monday.
            (EW, &[], datetime!(2026-06-12 15:45 UTC), 1, datetime!(2026-06-15 22:59:59 UTC)),
            // ... or Tuesday when Monday is a bank holiday.
            (EW, &[], datetime!(2026-05-22 15:45 UTC), 1, datetime!(2026-05-26 22:59:59 UTC)),
            // Saturday, 1 working day: end of Monday.
            (EW, &[], datetime!(2026-06-13 09:00 UTC), 1, datetime!(2026-06-15 22:59:59 UTC)),
            // Monday 09:00 BST, 3 working days: end of Thursday.
            (EW, &[], datetime!(2026-06-15 08:00 UTC), 3, datetime!(2026-06-18 22:59:59 UTC)),
            // Thursday 24 Dec 2026: Christmas Friday, weekend, Boxing Day substitute Monday 28.
            (EW, &[], datetime!(2026-12-24 10:00 UTC), 1, datetime!(2026-12-29 23:59:59 UTC)),
            (EW, &[], datetime!(2026-12-24 10:00 UTC), 2, datetime!(2026-12-30 23:59:59 UTC)),
            // Closure days are skipped, and receipt on one counts as a non-working day.
            (EW, &[tue_29], datetime!(2026-12-24 10:00 UTC), 1, datetime!(2026-12-30 23:59:59 UTC)),
            (EW, &[thu_24], datetime!(2026-12-23 10:00 UTC), 1, datetime!(2026-12-29 23:59:59 UTC)),
            (EW, &[thu_24], datetime!(2026-12-24 10:00 UTC), 1, datetime!(2026-12-29 23:59:59 UTC)),
            // New Year 2027: Scotland also has 2 January (substitute Monday 4th).
            (EW, &[], datetime!(2026-12-31 10:00 UTC), 1, datetime!(2027-01-04 23:59:59 UTC)),
            (S, &[], datetime!(2026-12-31 10:00 UTC), 1, datetime!(2027-01-05 23:59:59 UTC)),
            // Scotland's summer holiday is the first Monday of August, E&W's the last.
            (S, &[], datetime!(2026-07-31 10:00 UTC), 1, datetime!(2026-08-04 22:59:59 UTC)),
            (EW, &[], datetime!(2026-07-31 10:00 UTC), 1, datetime!(2026-08-03 22:59:59 UTC)),
            (S, &[], datetime!(2026-08-28 10:00 UTC), 1, datetime!(2026-08-31 22:59:59 UTC)),
            (EW, &[], datetime!(2026-08-28 10:00 UTC), 1, datetime!(2026-09-01 22:59:59 UTC)),
            // Spanning the clocks going forward (Sunday 29 March 2026): received in GMT, due in BST.
            (EW, &[], datetime!(2026-03-27 12:00 UTC), 1, datetime!(2026-03-30 22:59:59 UTC)),
            // ... and back (Sunday 25 October 2026): received in BST, due in GMT.
            (EW, &[], datetime!(2026-10-23 12:00 UTC), 1, datetime!(2026-10-26 23:59:59 UTC)),
            // Friday 23:30 BST is still Friday (a working day)...
            (EW, &[], datetime!(2026-07-03 22:30 UTC), 1, datetime!(2026-07-06 22:59:59 UTC)),
            // ... Friday 23:30 UTC is Saturday 00:30 BST (non-working): day 1 is still Monday.
            (EW, &[], datetime!(2026-07-03 23:30 UTC), 1, datetime!(2026-07-06 22:59:59 UTC)),
            // Sunday 23:59:59 BST is a non-working day: day 1 is Monday.
            (EW, &[], datetime!(2026-07-05 22:59:59 UTC), 1, datetime!(2026-07-06 22:59:59 UTC)),
            // Sunday 23:00 UTC is Monday 00:00 BST, a working day: day 1 is Tuesday.
            (EW, &[], datetime!(2026-07-05 23:00 UTC), 1, datetime!(2026-07-07 22:59:59 UTC)),
            // The input's offset does not matter (this is Sunday 23:30 BST); the answer is UTC.
            (EW, &[], datetime!(2026-07-06 03:30 +05:00), 1, datetime!(2026-07-06 22:59:59 UTC)),
            // N = 0: the end of the London day of receipt, working or not.
            (EW, &[], datetime!(2026-07-03 23:30 UTC), 0, datetime!(2026-07-04 22:59:59 UTC)),
            // Beyond the published data: 2028 Spring bank holiday (computed) is skipped.
            (EW, &[], datetime!(2028-05-26 10:00 UTC), 1, datetime!(2028-05-30 22:59:59 UTC)),
        ];
        for &(division, closures, received, n, due) in table {
            let calendar = Calendar::new(division, closures.iter().copied());
            let got = calendar.due_in_working_days(received, n);
            assert_eq!(got, due, "{division:?} {closures:?} {received} + {n} WD");
            assert_utc_whole_seconds(got);
            assert_eq!(
                got.to_timezone(LONDON).time(),
                time!(23:59:59),
                "{received} + {n} WD"
            );
            assert_eq!(
                calendar.working_day_n(received, n),
                london_date(due),
                "{received} + {n} WD"
            );
        }
    }

    #[test]
    fn due_in_hours_is_exact_across_clock_changes() {
        #[rustfmt::skip]
        let table = [
            (datetime!(2026-03-28 12:00 UTC), 24, datetime!(2026-03-29 12:00 UTC)), // clocks forward
            (datetime!(2026-03-29 00:30 UTC), 1, datetime!(2026-03-29 01:30 UTC)), // during the jump
            (datetime!(2026-10-24 12:00 UTC), 48, datetime!(2026-10-26 12:00 UTC)), // clocks back
            (datetime!(2026-10-25 00:30 UTC), 1, datetime!(2026-10-25 01:30 UTC)), // in the repeated hour
            (datetime!(2026-06-12 16:45 +01:00), 24, datetime!(2026-06-13 15:45 UTC)), // non-UTC input
            (datetime!(2026-06-12 15:45:10.75 UTC), 0, datetime!(2026-06-12 15:45:10 UTC)), // whole seconds
        ];
        for (received, hours, due) in table {
            let got = Calendar::due_in_hours(received, hours);
            assert_eq!(got, due, "{received} + {hours}h");
            assert_utc_whole_seconds(got);
            if received.nanosecond() == 0 {
                assert_eq!(
                    got - received,
                    Duration::hours(i64::from(hours)),
                    "{received} + {hours}h"
                );
            }
        }
    }

    #[test]
    fn due_in_calendar_days_ends_at_london_midnight() {
        #[rustfmt::skip]
        let table = [
            (datetime!(2026-03-28 10:00 UTC), 1, datetime!(2026-03-29 22:59:59 UTC)), // into BST
            (datetime!(2026-03-20 10:00 UTC), 28, datetime!(2026-04-17 22:59:59 UTC)),
            (datetime!(2026-10-24 10:00 UTC), 1, datetime!(2026-10-25 23:59:59 UTC)), // into GMT
            (datetime!(2026-10-01 10:00 UTC), 56, datetime!(2026-11-26 23:59:59 UTC)),
            (datetime!(2026-07-03 23:30 UTC), 0, datetime!(2026-07-04 22:59:59 UTC)), // London Saturday
            (datetime!(2026-12-24 10:00 UTC), 1, datetime!(2026-12-25 23:59:59 UTC)), // holidays count
        ];
        for (received, days, due) in table {
            let got = Calendar::due_in_calendar_days(received, days);
            assert_eq!(got, due, "{received} + {days} days");
            assert_utc_whole_seconds(got);
            assert_eq!(
                got.to_timezone(LONDON).time(),
                time!(23:59:59),
                "{received} + {days} days"
            );
        }
    }

    #[test]
    fn working_days_late() {
        let calendar = Calendar::new(EW, [date!(2026 - 06 - 17)]);
        let friday_end = datetime!(2026-06-12 22:59:59 UTC);
        let before_spring_holiday = datetime!(2026-05-22 22:59:59 UTC); // Friday; Monday 25 is a holiday
        // (due, done, working days late)
        #[rustfmt::skip]
        let table = [
            (friday_end, datetime!(2026-06-12 09:00 UTC), 0),                      // early
            (friday_end, friday_end, 0),                                            // exactly on time
            (datetime!(2026-06-12 10:00 UTC), datetime!(2026-06-12 15:00 UTC), 0),  // same London day
            (friday_end, datetime!(2026-06-12 23:30 UTC), 0),                      // Saturday 00:30 BST
            (friday_end, datetime!(2026-06-13 12:00 UTC), 0),                      // Saturday
            (friday_end, datetime!(2026-06-14 22:59:59 UTC), 0),                   // Sunday 23:59:59 BST
            (friday_end, datetime!(2026-06-14 23:00 UTC), 1),                      // Monday 00:00 BST
            (friday_end, datetime!(2026-06-15 09:00 UTC), 1),                      // Monday
            (friday_end, datetime!(2026-06-16 09:00 UTC), 2),                      // Tuesday
            (friday_end, datetime!(2026-06-18 09:00 UTC), 3),                      // Thursday (Wed closed)
            (friday_end, datetime!(2026-06-22 09:00 UTC), 5),                      // next Monday
            (before_spring_holiday, datetime!(2026-05-25 12:00 UTC), 0),           // bank holiday Monday
            (before_spring_holiday, datetime!(2026-05-26 12:00 UTC), 1),           // Tuesday
            (before_spring_holiday, datetime!(2026-05-27 12:00 UTC), 2),           // Wednesday
            // Across Christmas 2026 (25th and substitute 28th are holidays) into the new year.
            (datetime!(2026-12-24 23:59:59 UTC), datetime!(2027-01-04 12:00 UTC), 4),
        ];
        for (due, done, late) in table {
            assert_eq!(
                calendar.working_days_late(due, done),
                late,
                "due {due}, done {done}"
            );
        }
    }

    #[test]
    fn debug_leaves_out_the_holiday_table() {
        let calendar = Calendar::new(S, [date!(2026 - 12 - 24)]);
        assert_eq!(
            format!("{calendar:?}"),
            "Calendar { division: Scotland, closure_days: {2026-12-24}, .. }"
        );
    }
}
