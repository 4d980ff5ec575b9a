//! Bank holidays: the published GOV.UK feed where it covers the year, the standing rules
//! (computed, provisional) elsewhere.

use super::{Division, Holiday, computus::easter_sunday};
use serde::Deserialize;
use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::LazyLock,
};
use time::{Date, Duration, Month, Weekday, macros::format_description};

/// A copy of GOV.UK's `bank-holidays.json`, shipped so deadlines never depend on the network.
const FEED: &str = include_str!("uk-bank-holidays.json");

#[derive(Deserialize)]
struct Feed {
    events: Vec<Event>,
}

#[derive(Deserialize)]
struct Event {
    title: String,
    date: String,
}

/// The feed, parsed once.
struct Published {
    /// Per division (indexed by [`Division::index`]): holidays by year, sorted by date.
    by_year: [BTreeMap<i32, Vec<Holiday>>; 3],
    first_year: i32,
    last_year: i32,
}

static PUBLISHED: LazyLock<Published> = LazyLock::new(|| parse(FEED));

/// Parses the feed. It is embedded and covered by the tests, so a bad file is a build
/// mistake, not a runtime condition: panicking on first use is the right answer.
fn parse(json: &str) -> Published {
    let feeds: HashMap<String, Feed> = serde_json::from_str(json).expect("bank-holiday feed is valid JSON");
    let by_year = Division::ALL.map(|division| {
        let feed = feeds
            .get(division.code())
            .unwrap_or_else(|| panic!("bank-holiday feed has no {}", division.code()));
        let mut years: BTreeMap<i32, Vec<Holiday>> = BTreeMap::new();
        for event in &feed.events {
            let date = Date::parse(&event.date, format_description!("[year]-[month]-[day]"))
                .unwrap_or_else(|e| panic!("bank-holiday feed date {:?}: {e}", event.date));
            years.entry(date.year()).or_default().push(Holiday {
                date,
                title: event.title.clone(),
                provisional: false,
            });
        }
        for holidays in years.values_mut() {
            holidays.sort_by_key(|h| h.date);
        }
        years
    });
    // Published means published for every division, so a year is either data or rules
    // everywhere and `is_provisional_year` needs no division.
    let first_year = by_year.iter().filter_map(|years| years.keys().next()).max();
    let last_year = by_year.iter().filter_map(|years| years.keys().next_back()).min();
    Published {
        first_year: *first_year.expect("bank-holiday feed has events"),
        last_year: *last_year.expect("bank-holiday feed has events"),
        by_year,
    }
}

/// Last year covered by the shipped GOV.UK data, read from the data itself.
pub fn last_published_year() -> i32 {
    PUBLISHED.last_year
}

/// First year covered by the shipped GOV.UK data.
pub(super) fn first_published_year() -> i32 {
    PUBLISHED.first_year
}

/// Whether `year`'s holidays are computed rather than published (the same for every
/// division: the data covers them all for the same years).
pub fn is_provisional_year(year: i32) -> bool {
    year < PUBLISHED.first_year || year > PUBLISHED.last_year
}

/// The division's bank holidays in `year`, sorted by date: published data where it exists
/// (`provisional: false`), otherwise computed from the standing rules (`provisional: true`).
/// Empty for years outside the `time` crate's range.
pub fn bank_holidays(division: Division, year: i32) -> Vec<Holiday> {
    if !is_provisional_year(year)
        && let Some(published) = PUBLISHED.by_year[division.index()].get(&year)
    {
        return published.clone();
    }
    computed(division, year)
}

/// The standing rules for `year`. Knows nothing of one-off holidays (jubilees, funerals,
/// coronations) or moved ones (VE day), which is why the result is provisional.
pub(super) fn computed(division: Division, year: i32) -> Vec<Holiday> {
    let Some(easter) = easter_sunday(year) else {
        return Vec::new();
    };
    let on = |month, day| Date::from_calendar_date(year, month, day).expect("valid day of a valid year");
    let scotland = division == Division::Scotland;
    let northern_ireland = division == Division::NorthernIreland;

    // Holidays defined by weekday never fall at a weekend, so never move.
    let mut by_weekday = vec![("Good Friday", easter - Duration::days(2))];
    if !scotland {
        by_weekday.push(("Easter Monday", easter + Duration::days(1)));
    }
    by_weekday.push(("Early May bank holiday", first_monday(year, Month::May)));
    by_weekday.push(("Spring bank holiday", last_monday(year, Month::May)));
    let summer = if scotland {
        first_monday(year, Month::August)
    } else {
        last_monday(year, Month::August)
    };
    by_weekday.push(("Summer bank holiday", summer));

    // Holidays on fixed dates, in date order: the order decides which gets which substitute.
    let mut by_date = vec![("New Year’s Day", on(Month::January, 1))];
    if scotland {
        by_date.push(("2nd January", on(Month::January, 2)));
    }
    if northern_ireland {
        by_date.push(("St Patrick’s Day", on(Month::March, 17)));
        by_date.push(("Battle of the Boyne (Orangemen’s Day)", on(Month::July, 12)));
    }
    if scotland {
        by_date.push(("St Andrew’s Day", on(Month::November, 30)));
    }
    by_date.push(("Christmas Day", on(Month::December, 25)));
    by_date.push(("Boxing Day", on(Month::December, 26)));

    let mut holidays = by_weekday;
    holidays.extend(with_substitutes(&by_date, &holidays));
    holidays.sort_by_key(|&(_, date)| date);
    holidays
        .into_iter()
        .map(|(title, date)| Holiday {
            date,
            title: title.to_owned(),
            provisional: true,
        })
        .collect()
}

/// Moves each weekend holiday to the next weekday that is not already a holiday. Holidays
/// already on a weekday keep their day first, so with Christmas on a Sunday, Boxing Day keeps
/// Monday 26th and Christmas moves to Tuesday 27th (as GOV.UK publishes it).
fn with_substitutes(by_date: &[(&'static str, Date)], others: &[(&str, Date)]) -> Vec<(&'static str, Date)> {
    let mut taken: BTreeSet<Date> = others.iter().map(|&(_, date)| date).collect();
    taken.extend(
        by_date
            .iter()
            .map(|&(_, date)| date)
            .filter(|&date| !is_weekend(date)),
    );
    by_date
        .iter()
        .map(|&(title, date)| {
            if !is_weekend(date) {
                return (title, date);
            }
            let mut day = date;
            while is_weekend(day) || taken.contains(&day) {
                day = day.next_day().expect("substitutes stay within the year");
            }
            taken.insert(day);
            (title, day)
        })
        .collect()
}

pub(super) fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn first_monday(year: i32, month: Month) -> Date {
    let first = Date::from_calendar_date(year, month, 1).expect("valid year");
    first + Duration::days(i64::from((7 - first.weekday().number_days_from_monday()) % 7))
}

fn last_monday(year: i32, month: Month) -> Date {
    let last = Date::from_calendar_date(year, month, month.length(year)).expect("valid year");
    last - Duration::days(i64::from(last.weekday().number_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn published_range_comes_from_the_data() {
        assert_eq!(first_published_year(), 2019);
        assert_eq!(last_published_year(), 2027);
        let table = [
            (2018, true),
            (2019, false),
            (2023, false),
            (2027, false),
            (2028, true),
            (2100, true),
        ];
        for (year, provisional) in table {
            assert_eq!(is_provisional_year(year), provisional, "{year}");
            for division in Division::ALL {
                let holidays = bank_holidays(division, year);
                assert!(!holidays.is_empty(), "{division:?} {year}");
                assert!(
                    holidays.iter().all(|h| h.provisional == provisional),
                    "{division:?} {year}"
                );
                assert!(
                    holidays.windows(2).all(|w| w[0].date < w[1].date),
                    "{division:?} {year} sorted"
                );
                assert!(
                    holidays.iter().all(|h| h.date.year() == year),
                    "{division:?} {year}"
                );
            }
        }
    }

    #[test]
    fn computed_years_have_the_standard_count() {
        let table = [
            (Division::EnglandAndWales, 8),
            (Division::Scotland, 9),
            (Division::NorthernIreland, 10),
        ];
        for (division, count) in table {
            for year in [2018, 2028, 2032, 2033, 2038, 2039, 2285] {
                assert_eq!(bank_holidays(division, year).len(), count, "{division:?} {year}");
            }
        }
        let england_2028 = bank_holidays(Division::EnglandAndWales, 2028);
        assert_eq!(england_2028.len(), 8);
        assert!(england_2028.iter().all(|h| h.provisional));
        assert!(bank_holidays(Division::EnglandAndWales, 10_000).is_empty());
    }

    /// Whether a difference between the rules and the data is a date (or label) the data has
    /// and the rules lack, or the other way round.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Only {
        Data,
        Rules,
    }

    /// Every known difference between the rules and GOV.UK's data for 2019–2027. `None`
    /// means all three divisions.
    #[rustfmt::skip]
    const KNOWN_DIFFERENCES: &[(Option<Division>, Date, &str, Only)] = &[
        // 2020: the early May bank holiday moved to Friday 8 May for VE day's 75th anniversary.
        (None, date!(2020 - 05 - 04), "Early May bank holiday", Only::Rules),
        (None, date!(2020 - 05 - 08), "Early May bank holiday (VE day)", Only::Data),
        // 2022: Spring bank holiday moved to Thursday 2 June, plus the Platinum Jubilee and
        // the Queen's state funeral.
        (None, date!(2022 - 05 - 30), "Spring bank holiday", Only::Rules),
        (None, date!(2022 - 06 - 02), "Spring bank holiday", Only::Data),
        (None, date!(2022 - 06 - 03), "Platinum Jubilee bank holiday", Only::Data),
        (None, date!(2022 - 09 - 19), "Bank Holiday for the State Funeral of Queen Elizabeth II", Only::Data),
        // 2023: the King's coronation.
        (None, date!(2023 - 05 - 08), "Bank holiday for the coronation of King Charles III", Only::Data),
        // 2023, Scotland, 1 January a Sunday: same two days off, but GOV.UK labels Monday 2nd
        // "New Year's Day" and Tuesday 3rd "2nd January", where the rule (2 January is a
        // holiday in its own right and keeps its Monday) labels them the other way round.
        (Some(Division::Scotland), date!(2023 - 01 - 02), "2nd January", Only::Rules),
        (Some(Division::Scotland), date!(2023 - 01 - 03), "New Year’s Day", Only::Rules),
        (Some(Division::Scotland), date!(2023 - 01 - 02), "New Year’s Day", Only::Data),
        (Some(Division::Scotland), date!(2023 - 01 - 03), "2nd January", Only::Data),
    ];

    #[test]
    fn rules_reproduce_the_published_years_except_known_one_offs() {
        for division in Division::ALL {
            for year in first_published_year()..=last_published_year() {
                let set = |holidays: Vec<Holiday>| -> BTreeSet<(Date, String)> {
                    holidays.into_iter().map(|h| (h.date, h.title)).collect()
                };
                let data = set(bank_holidays(division, year));
                let rules = set(computed(division, year));
                let expected = |only: Only| -> BTreeSet<(Date, String)> {
                    KNOWN_DIFFERENCES
                        .iter()
                        .filter(|(d, date, _, o)| {
                            d.is_none_or(|d| d == division) && date.year() == year && *o == only
                        })
                        .map(|&(_, date, title, _)| (date, title.to_owned()))
                        .collect()
                };
                assert_eq!(
                    data.difference(&rules).cloned().collect::<BTreeSet<_>>(),
                    expected(Only::Data),
                    "{division:?} {year}: only in the data"
                );
                assert_eq!(
                    rules.difference(&data).cloned().collect::<BTreeSet<_>>(),
                    expected(Only::Rules),
                    "{division:?} {year}: only in the rules"
                );
            }
        }
    }

    /// Substitute days for Christmas, Boxing Day and New Year, published and computed.
    #[test]
    fn weekend_holidays_get_substitutes() {
        use Division::{EnglandAndWales as EW, NorthernIreland as NI, Scotland as S};
        // (division, year, title, the only date with that title)
        let table: &[(Division, i32, &str, Date)] = &[
            // 2021: Christmas Saturday, Boxing Day Sunday (data).
            (EW, 2021, "Christmas Day", date!(2021 - 12 - 27)),
            (EW, 2021, "Boxing Day", date!(2021 - 12 - 28)),
            // 2022: Christmas Sunday: Boxing Day keeps Monday, Christmas moves to Tuesday (data).
            (EW, 2022, "Boxing Day", date!(2022 - 12 - 26)),
            (EW, 2022, "Christmas Day", date!(2022 - 12 - 27)),
            (EW, 2022, "New Year’s Day", date!(2022 - 01 - 03)),
            (S, 2022, "2nd January", date!(2022 - 01 - 04)),
            // 2027 (data): Christmas Saturday.
            (EW, 2027, "Christmas Day", date!(2027 - 12 - 27)),
            (EW, 2027, "Boxing Day", date!(2027 - 12 - 28)),
            (S, 2027, "2nd January", date!(2027 - 01 - 04)),
            // Computed: 2032 Christmas Saturday.
            (EW, 2032, "Christmas Day", date!(2032 - 12 - 27)),
            (EW, 2032, "Boxing Day", date!(2032 - 12 - 28)),
            // 2033: New Year Saturday, Christmas Sunday.
            (EW, 2033, "New Year’s Day", date!(2033 - 01 - 03)),
            (S, 2033, "New Year’s Day", date!(2033 - 01 - 03)),
            (S, 2033, "2nd January", date!(2033 - 01 - 04)),
            (EW, 2033, "Boxing Day", date!(2033 - 12 - 26)),
            (EW, 2033, "Christmas Day", date!(2033 - 12 - 27)),
            (NI, 2033, "Christmas Day", date!(2033 - 12 - 27)),
            // 2034: New Year Sunday: 2 January keeps Monday, New Year moves to Tuesday.
            (EW, 2034, "New Year’s Day", date!(2034 - 01 - 02)),
            (S, 2034, "2nd January", date!(2034 - 01 - 02)),
            (S, 2034, "New Year’s Day", date!(2034 - 01 - 03)),
            // 2038: Christmas Saturday.
            (EW, 2038, "Christmas Day", date!(2038 - 12 - 27)),
            (EW, 2038, "Boxing Day", date!(2038 - 12 - 28)),
            (S, 2038, "Christmas Day", date!(2038 - 12 - 27)),
            (S, 2038, "Boxing Day", date!(2038 - 12 - 28)),
            // 2039: New Year Saturday, Christmas Sunday.
            (EW, 2039, "New Year’s Day", date!(2039 - 01 - 03)),
            (EW, 2039, "Boxing Day", date!(2039 - 12 - 26)),
            (EW, 2039, "Christmas Day", date!(2039 - 12 - 27)),
        ];
        for &(division, year, title, date) in table {
            let holidays = bank_holidays(division, year);
            let found: Vec<Date> = holidays
                .iter()
                .filter(|h| h.title == title)
                .map(|h| h.date)
                .collect();
            assert_eq!(found, vec![date], "{division:?} {year} {title}");
            assert!(
                holidays.iter().all(|h| !is_weekend(h.date)),
                "{division:?} {year}: no weekend days"
            );
        }
    }

    /// Holidays that belong to one division only.
    #[test]
    fn division_specific_holidays() {
        use Division::{EnglandAndWales as EW, NorthernIreland as NI, Scotland as S};
        // (date, holiday in E&W, in Scotland, in NI) — data years and computed years.
        let table = [
            (date!(2025 - 01 - 02), false, true, false), // 2 January
            (date!(2030 - 01 - 02), false, true, false), // 2 January, computed
            (date!(2025 - 08 - 04), false, true, false), // first Monday of August
            (date!(2025 - 08 - 25), true, false, true),  // last Monday of August
            (date!(2030 - 08 - 05), false, true, false), // computed
            (date!(2030 - 08 - 26), true, false, true),  // computed
            (date!(2026 - 11 - 30), false, true, false), // St Andrew's Day
            (date!(2025 - 12 - 01), false, true, false), // St Andrew's substitute (30th a Sunday)
            (date!(2030 - 12 - 02), false, true, false), // computed substitute (30th a Saturday)
            (date!(2026 - 03 - 17), false, false, true), // St Patrick's Day
            (date!(2030 - 03 - 18), false, false, true), // computed substitute (17th a Sunday)
            (date!(2027 - 07 - 12), false, false, true), // Battle of the Boyne
            (date!(2026 - 07 - 13), false, false, true), // Boyne substitute (12th a Sunday)
            (date!(2032 - 07 - 12), false, false, true), // computed
            (date!(2026 - 04 - 06), true, false, true),  // Easter Monday
            (date!(2030 - 04 - 22), true, false, true),  // computed Easter Monday
            (date!(2030 - 04 - 19), true, true, true),   // computed Good Friday
        ];
        for (date, ew, s, ni) in table {
            for (division, expected) in [(EW, ew), (S, s), (NI, ni)] {
                let listed = bank_holidays(division, date.year())
                    .iter()
                    .any(|h| h.date == date);
                assert_eq!(listed, expected, "{division:?} {date}");
            }
        }
    }
}
