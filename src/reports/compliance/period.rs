//! Reporting periods (pure): UK financial years (1 April – 31 March) and their quarters, or
//! custom dates. A financial year is named by the calendar year it starts in: `fy-2026` is
//! 1 April 2026 – 31 March 2027, and `q3-2026` is its third quarter (October – December
//! 2026); `q4-2026` falls in the next calendar year (January – March 2027).

use time::{Date, Month};

/// The longest custom period, in years.
pub const MAX_SPAN_YEARS: i32 = 5;

/// Financial years a preset may name (beyond them dates overflow or mean a typing mistake).
const YEARS: std::ops::RangeInclusive<i32> = 1950..=2099;

/// A named period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The financial year starting 1 April of this year.
    Year(i32),
    /// Quarter 1–4 of the financial year starting in this year.
    Quarter(u8, i32),
}

impl Preset {
    /// `fy-2026`, `q3-2026`.
    pub fn code(self) -> String {
        match self {
            Preset::Year(y) => format!("fy-{y}"),
            Preset::Quarter(q, y) => format!("q{q}-{y}"),
        }
    }

    pub fn parse(code: &str) -> Option<Preset> {
        let code = code.trim().to_ascii_lowercase();
        let (head, year) = code.split_once('-')?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        if !YEARS.contains(&year) {
            return None;
        }
        match head {
            "fy" => Some(Preset::Year(year)),
            "q1" => Some(Preset::Quarter(1, year)),
            "q2" => Some(Preset::Quarter(2, year)),
            "q3" => Some(Preset::Quarter(3, year)),
            "q4" => Some(Preset::Quarter(4, year)),
            _ => None,
        }
    }

    /// e.g. "Financial year 2026 to 2027", "Q3 2026 to 2027 (October to December 2026)".
    pub fn label(self) -> String {
        match self {
            Preset::Year(y) => format!("Financial year {y} to {}", y + 1),
            Preset::Quarter(q, y) => {
                let (from, to) = self.dates();
                format!(
                    "Q{q} {y} to {} ({} to {} {})",
                    y + 1,
                    from.month(),
                    to.month(),
                    to.year()
                )
            }
        }
    }

    /// First and last day (inclusive).
    pub fn dates(self) -> (Date, Date) {
        match self {
            Preset::Year(y) => (day(y, Month::April, 1), day(y + 1, Month::March, 31)),
            Preset::Quarter(q, y) => {
                let (start_year, start) = match q {
                    1 => (y, Month::April),
                    2 => (y, Month::July),
                    3 => (y, Month::October),
                    _ => (y + 1, Month::January),
                };
                let first = day(start_year, start, 1);
                let end_month = start.nth_next(2);
                let last = day(start_year, end_month, end_month.length(start_year));
                (first, last)
            }
        }
    }
}

fn day(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).expect("a valid calendar date")
}

/// The financial year (named by its starting calendar year) that `d` falls in.
pub fn financial_year_of(d: Date) -> i32 {
    if d.month() >= Month::April {
        d.year()
    } else {
        d.year() - 1
    }
}

/// (quarter 1–4, financial year) of a date.
pub fn quarter_of(d: Date) -> (u8, i32) {
    let q = match d.month() {
        Month::April | Month::May | Month::June => 1,
        Month::July | Month::August | Month::September => 2,
        Month::October | Month::November | Month::December => 3,
        _ => 4,
    };
    (q, financial_year_of(d))
}

/// What the period select offers on `today`: the current financial year and its quarters,
/// then the previous year and its quarters.
pub fn choices(today: Date) -> Vec<Preset> {
    let current = financial_year_of(today);
    [current, current - 1]
        .into_iter()
        .flat_map(|y| {
            [
                Preset::Year(y),
                Preset::Quarter(1, y),
                Preset::Quarter(2, y),
                Preset::Quarter(3, y),
                Preset::Quarter(4, y),
            ]
        })
        .collect()
}

/// The period a report covers: London dates of the original due time, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
    /// The preset it came from, if any.
    pub preset: Option<Preset>,
}

impl Period {
    pub fn of(preset: Preset) -> Self {
        let (from, to) = preset.dates();
        Period {
            from,
            to,
            preset: Some(preset),
        }
    }

    /// The current financial year up to and including `today`.
    pub fn year_to_date(today: Date) -> Self {
        let (from, _) = Preset::Year(financial_year_of(today)).dates();
        Period {
            from,
            to: today,
            preset: None,
        }
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }

    /// Each calendar month the period touches, in order, as (year, month).
    pub fn months(&self) -> Vec<(i32, Month)> {
        let mut out = vec![];
        let (mut y, mut m) = (self.from.year(), self.from.month());
        while (y, m as u8) <= (self.to.year(), self.to.month() as u8) {
            out.push((y, m));
            if m == Month::December {
                y += 1;
            }
            m = m.next();
        }
        out
    }
}

/// Why custom dates cannot make a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomError {
    EndBeforeStart,
    TooLong,
}

/// A custom period from `from` to `to` inclusive: `to` not before `from`, and at most
/// [`MAX_SPAN_YEARS`] years (the same date five years on is the last day allowed; from
/// 29 February, 28 February).
pub fn custom(from: Date, to: Date) -> Result<Period, CustomError> {
    if to < from {
        return Err(CustomError::EndBeforeStart);
    }
    let limit_year = from.year() + MAX_SPAN_YEARS;
    let limit = Date::from_calendar_date(limit_year, from.month(), from.day())
        .unwrap_or_else(|_| day(limit_year, Month::February, 28));
    if to > limit {
        return Err(CustomError::TooLong);
    }
    Ok(Period {
        from,
        to,
        preset: None,
    })
}

/// `YYYY-MM` as used in month links.
pub fn month_code(year: i32, month: Month) -> String {
    format!("{year:04}-{:02}", month as u8)
}

pub fn parse_month(code: &str) -> Option<(i32, Month)> {
    let (y, m) = code.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let y: i32 = y.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    if !YEARS.contains(&y) {
        return None;
    }
    Some((y, Month::try_from(m).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn financial_years_run_april_to_march() {
        assert_eq!(
            Preset::Year(2026).dates(),
            (date!(2026 - 04 - 01), date!(2027 - 03 - 31))
        );
        assert_eq!(financial_year_of(date!(2026 - 03 - 31)), 2025);
        assert_eq!(financial_year_of(date!(2026 - 04 - 01)), 2026);
        assert_eq!(financial_year_of(date!(2026 - 12 - 31)), 2026);
        assert_eq!(financial_year_of(date!(2027 - 01 - 01)), 2026);
        assert_eq!(quarter_of(date!(2026 - 11 - 23)), (3, 2026));
        assert_eq!(quarter_of(date!(2027 - 02 - 01)), (4, 2026));
        assert_eq!(quarter_of(date!(2026 - 04 - 01)), (1, 2026));
    }

    #[test]
    fn quarters_and_q4_in_the_next_calendar_year() {
        let table = [
            (1, date!(2026 - 04 - 01), date!(2026 - 06 - 30)),
            (2, date!(2026 - 07 - 01), date!(2026 - 09 - 30)),
            (3, date!(2026 - 10 - 01), date!(2026 - 12 - 31)),
            (4, date!(2027 - 01 - 01), date!(2027 - 03 - 31)),
        ];
        for (q, from, to) in table {
            assert_eq!(Preset::Quarter(q, 2026).dates(), (from, to), "Q{q}");
        }
        assert_eq!(
            Preset::Quarter(3, 2026).label(),
            "Q3 2026 to 2027 (October to December 2026)"
        );
        assert_eq!(
            Preset::Quarter(4, 2026).label(),
            "Q4 2026 to 2027 (January to March 2027)"
        );
    }

    #[test]
    fn leap_years_do_not_move_the_boundaries() {
        // Q4 of 2027–28 holds 29 February 2028; the year still ends 31 March.
        let (from, to) = Preset::Quarter(4, 2027).dates();
        assert_eq!((from, to), (date!(2028 - 01 - 01), date!(2028 - 03 - 31)));
        assert!(Period::of(Preset::Quarter(4, 2027)).contains(date!(2028 - 02 - 29)));
        assert_eq!(
            Preset::Year(2027).dates(),
            (date!(2027 - 04 - 01), date!(2028 - 03 - 31))
        );
        // Five years from 29 February ends on 28 February.
        assert!(custom(date!(2028 - 02 - 29), date!(2033 - 02 - 28)).is_ok());
        assert_eq!(
            custom(date!(2028 - 02 - 29), date!(2033 - 03 - 01)),
            Err(CustomError::TooLong)
        );
    }

    #[test]
    fn codes_round_trip_and_nonsense_is_refused() {
        for p in [
            Preset::Year(2026),
            Preset::Quarter(1, 2025),
            Preset::Quarter(4, 2026),
        ] {
            assert_eq!(Preset::parse(&p.code()), Some(p));
        }
        assert_eq!(Preset::parse(" FY-2026 "), Some(Preset::Year(2026)));
        for bad in [
            "", "fy", "fy-26", "q5-2026", "q0-2026", "fy-+2026", "fy-99999", "x-2026", "fy-1066",
        ] {
            assert_eq!(Preset::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn choices_are_this_year_and_last_with_their_quarters() {
        let c = choices(date!(2026 - 11 - 23));
        assert_eq!(c.len(), 10);
        assert_eq!(c[0], Preset::Year(2026));
        assert_eq!(c[4], Preset::Quarter(4, 2026));
        assert_eq!(c[5], Preset::Year(2025));
        // In February the current year is the one that started last April.
        assert_eq!(choices(date!(2027 - 02 - 10))[0], Preset::Year(2026));
    }

    #[test]
    fn year_to_date_and_custom_limits() {
        let p = Period::year_to_date(date!(2026 - 11 - 23));
        assert_eq!((p.from, p.to), (date!(2026 - 04 - 01), date!(2026 - 11 - 23)));
        let p = Period::year_to_date(date!(2027 - 01 - 05));
        assert_eq!(p.from, date!(2026 - 04 - 01));
        assert!(custom(date!(2026 - 01 - 01), date!(2026 - 01 - 01)).is_ok());
        assert_eq!(
            custom(date!(2026 - 01 - 02), date!(2026 - 01 - 01)),
            Err(CustomError::EndBeforeStart)
        );
        assert!(custom(date!(2026 - 01 - 01), date!(2031 - 01 - 01)).is_ok());
        assert_eq!(
            custom(date!(2026 - 01 - 01), date!(2031 - 01 - 02)),
            Err(CustomError::TooLong)
        );
    }

    #[test]
    fn months_cover_the_period_across_a_year_end() {
        let p = Period::of(Preset::Quarter(3, 2026));
        assert_eq!(
            p.months(),
            vec![
                (2026, Month::October),
                (2026, Month::November),
                (2026, Month::December)
            ]
        );
        let p = custom(date!(2026 - 12 - 15), date!(2027 - 02 - 01)).unwrap();
        assert_eq!(
            p.months(),
            vec![
                (2026, Month::December),
                (2027, Month::January),
                (2027, Month::February)
            ]
        );
        assert_eq!(Period::of(Preset::Year(2026)).months().len(), 12);
        assert_eq!(month_code(2027, Month::February), "2027-02");
        assert_eq!(parse_month("2027-02"), Some((2027, Month::February)));
        assert_eq!(parse_month("2027-13"), None);
        assert_eq!(parse_month("2027-2"), None);
    }
}
