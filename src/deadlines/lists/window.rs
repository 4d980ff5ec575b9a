//! Which group of a due list a deadline falls in at a moment (pure): overdue, due today
//! (London date) or due in the next five working days of the landlord's calendar.

use crate::calendar::{Calendar, end_of_london_day, london_date};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// How many working days after today the "due soon" group reaches.
pub const SOON_WORKING_DAYS: u32 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Past its (possibly extended) due time.
    Overdue,
    /// Due later on today's London date.
    Today,
    /// Due after today, up to the end of the fifth working day after today.
    Soon,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::Overdue, Group::Today, Group::Soon];

    /// The id of the group's section (a link target).
    pub fn id(self) -> &'static str {
        match self {
            Group::Overdue => "overdue",
            Group::Today => "due-today",
            Group::Soon => "due-soon",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Group::Overdue => "Overdue",
            Group::Today => "Due today",
            Group::Soon => "Due in the next 5 working days",
        }
    }

    pub fn empty(self) -> &'static str {
        match self {
            Group::Overdue => "Nothing overdue.",
            Group::Today => "Nothing due today.",
            Group::Soon => "Nothing due in the next 5 working days.",
        }
    }
}

/// The moment a due list is drawn up, and the days its groups cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub now: OffsetDateTime,
    /// Today's London date.
    pub today: Date,
    /// The fifth working day after today: the last day of the "due soon" group.
    pub last_day: Date,
}

impl Window {
    pub fn at(calendar: &Calendar, now: OffsetDateTime) -> Self {
        Window {
            now,
            today: london_date(now),
            last_day: calendar.working_day_n(now, SOON_WORKING_DAYS),
        }
    }

    /// Every deadline due before this instant (the start of the London day after
    /// [`Window::last_day`], in UTC) is in one of the groups.
    pub fn cutoff(&self) -> OffsetDateTime {
        (end_of_london_day(self.last_day) + Duration::seconds(1)).to_offset(UtcOffset::UTC)
    }

    /// Every deadline due before this instant (the start of tomorrow's London day, in UTC)
    /// is overdue or due today.
    pub fn end_of_today(&self) -> OffsetDateTime {
        (end_of_london_day(self.today) + Duration::seconds(1)).to_offset(UtcOffset::UTC)
    }

    /// The group of an open deadline due at `due`; `None` when it is due later.
    pub fn group(&self, due: OffsetDateTime) -> Option<Group> {
        if due < self.now {
            return Some(Group::Overdue);
        }
        let day = london_date(due);
        if day <= self.today {
            Some(Group::Today)
        } else if day <= self.last_day {
            Some(Group::Soon)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Division;
    use time::macros::{date, datetime};

    fn window(division: Division, closures: &[Date], now: OffsetDateTime) -> Window {
        Window::at(&Calendar::new(division, closures.iter().copied()), now)
    }

    #[test]
    fn groups_around_a_monday_morning() {
        // Mon 23 Nov 2026, 09:00 GMT: days 1–5 are Tue 24 to Mon 30 Nov.
        let w = window(Division::EnglandAndWales, &[], datetime!(2026-11-23 09:00 UTC));
        assert_eq!(w.today, date!(2026 - 11 - 23));
        assert_eq!(w.last_day, date!(2026 - 11 - 30));
        assert_eq!(w.cutoff(), datetime!(2026-12-01 00:00 UTC));
        assert_eq!(w.end_of_today(), datetime!(2026-11-24 00:00 UTC));
        let cases = [
            (datetime!(2026-11-20 23:59:59 UTC), Some(Group::Overdue)),
            (datetime!(2026-11-23 08:59:59 UTC), Some(Group::Overdue)),
            (datetime!(2026-11-23 09:00 UTC), Some(Group::Today)),
            (datetime!(2026-11-23 23:59:59 UTC), Some(Group::Today)),
            (datetime!(2026-11-24 00:00 UTC), Some(Group::Soon)),
            (datetime!(2026-11-30 23:59:59 UTC), Some(Group::Soon)),
            (datetime!(2026-12-01 00:00 UTC), None),
            (datetime!(2026-12-01 23:59:59 UTC), None),
        ];
        for (due, group) in cases {
            assert_eq!(w.group(due), group, "{due}");
        }
    }

    #[test]
    fn the_calendar_decides_the_fifth_working_day() {
        let now = datetime!(2026-11-23 09:00 UTC);
        // St Andrew's Day (Mon 30 Nov) is a holiday in Scotland.
        let w = window(Division::Scotland, &[], now);
        assert_eq!(w.last_day, date!(2026 - 12 - 01));
        assert_eq!(w.group(datetime!(2026-12-01 23:59:59 UTC)), Some(Group::Soon));
        // A closure day pushes it on too.
        let w = window(
            Division::EnglandAndWales,
            &[date!(2026 - 11 - 25), date!(2026 - 11 - 26)],
            now,
        );
        assert_eq!(w.last_day, date!(2026 - 12 - 02));
        // From a Saturday, day 1 is the Monday.
        let w = window(Division::EnglandAndWales, &[], datetime!(2026-11-21 10:00 UTC));
        assert_eq!(w.today, date!(2026 - 11 - 21));
        assert_eq!(w.last_day, date!(2026 - 11 - 27));
    }

    #[test]
    fn london_days_in_summer_time() {
        // 23:30 UTC on Tue 30 Jun 2026 is 00:30 BST on Wed 1 Jul.
        let w = window(Division::EnglandAndWales, &[], datetime!(2026-06-30 23:30 UTC));
        assert_eq!(w.today, date!(2026 - 07 - 01));
        // Due at the end of Wed 1 Jul (22:59:59 UTC) is today, not tomorrow.
        assert_eq!(w.group(datetime!(2026-07-01 22:59:59 UTC)), Some(Group::Today));
        assert_eq!(w.group(datetime!(2026-07-01 23:00 UTC)), Some(Group::Soon));
        // Days 1–5: Thu 2 Jul to Wed 8 Jul; the cutoff is midnight BST after it.
        assert_eq!(w.last_day, date!(2026 - 07 - 08));
        assert_eq!(w.cutoff(), datetime!(2026-07-08 23:00 UTC));
        assert_eq!(w.end_of_today(), datetime!(2026-07-01 23:00 UTC));
    }
}
