//! Easter Sunday, which fixes Good Friday and Easter Monday in years without published data.

use time::{Date, Month};

/// Easter Sunday of `year` in the Gregorian calendar, by the anonymous Gregorian computus
/// (Meeus/Jones/Butcher). `None` only when the year is outside the `time` crate's range.
///
/// Euclidean division keeps every intermediate non-negative, so the result is always a valid
/// date between 22 March and 25 April, even for the proleptic years nobody should ask about.
pub(super) fn easter_sunday(year: i32) -> Option<Date> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let month = if n / 31 == 3 { Month::March } else { Month::April };
    let day = u8::try_from(n % 31 + 1).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Division, bank_holidays, last_published_year};
    use time::{Duration, macros::date};

    #[test]
    fn easter_sundays() {
        let table = [
            (1818, date!(1818 - 03 - 22)), // earliest possible
            (1943, date!(1943 - 04 - 25)), // latest possible
            (2000, date!(2000 - 04 - 23)),
            (2008, date!(2008 - 03 - 23)),
            (2019, date!(2019 - 04 - 21)),
            (2024, date!(2024 - 03 - 31)),
            (2025, date!(2025 - 04 - 20)),
            (2026, date!(2026 - 04 - 05)),
            (2038, date!(2038 - 04 - 25)),
            (2285, date!(2285 - 03 - 22)),
        ];
        for (year, easter) in table {
            assert_eq!(easter_sunday(year), Some(easter), "{year}");
        }
        assert_eq!(easter_sunday(10_000), None);
    }

    /// The published Good Fridays and Easter Mondays agree with the computus.
    #[test]
    fn good_friday_and_easter_monday_match_the_data() {
        for year in 2019..=last_published_year() {
            let easter = easter_sunday(year).unwrap();
            let holidays = bank_holidays(Division::EnglandAndWales, year);
            let on = |title: &str| holidays.iter().find(|h| h.title == title).map(|h| h.date);
            assert_eq!(on("Good Friday"), Some(easter - Duration::days(2)), "{year}");
            assert_eq!(on("Easter Monday"), Some(easter + Duration::days(1)), "{year}");
        }
    }
}
