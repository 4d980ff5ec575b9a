//! Values as landlords type them: UK dates, yes/no, priorities, and labels or codes of
//! Harbour's pick-lists (matched ignoring case and punctuation).

use crate::cases::codes::Code;
use time::{Date, Month, Time};

/// A text reduced for comparison: lower case letters and digits, single spaces.
pub fn key(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// A date, with a time when one was given: `31/12/2025`, `1/2/25`, `2025-12-31`,
/// `31-12-2025`, `31.12.2025`, each optionally followed by `14:30` or `14:30:00`.
pub fn date_time(text: &str) -> Result<(Date, Option<Time>), String> {
    let text = text.trim();
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (d.trim(), Some(t.trim())),
        None => (text, None),
    };
    let date = date_only(date)?;
    let time = match time.filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(clock(t).ok_or_else(|| format!("“{t}” is not a time of day; write it like 14:30"))?),
    };
    Ok((date, time))
}

fn date_only(text: &str) -> Result<Date, String> {
    let wrong = || format!("“{text}” is not a date; write it like 31/12/2025 or 2025-12-31");
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let [a, b, c] = parts[..] else {
        return Err(wrong());
    };
    let number = |s: &str| s.parse::<i32>().ok().filter(|_| !s.is_empty() && s.len() <= 4);
    let (Some(a), Some(b), Some(c)) = (number(a), number(b), number(c)) else {
        return Err(wrong());
    };
    let (year, month, day) = if parts[0].len() == 4 {
        (a, b, c)
    } else if parts[2].len() == 2 {
        // Two-digit years: this century up to next year, the last one before that.
        let next_year = (time::OffsetDateTime::now_utc().year() % 100) + 1;
        (if c <= next_year { 2000 + c } else { 1900 + c }, b, a)
    } else if parts[2].len() == 4 {
        (c, b, a)
    } else {
        return Err(wrong());
    };
    let month = u8::try_from(month).ok().and_then(|m| Month::try_from(m).ok());
    let day = u8::try_from(day).ok();
    match (month, day) {
        (Some(month), Some(day)) => Date::from_calendar_date(year, month, day)
            .map_err(|_| format!("“{text}” is not a real date (there is no such day)")),
        _ => Err(format!(
            "“{text}” is not a real date (there is no such month or day)"
        )),
    }
}

fn clock(text: &str) -> Option<Time> {
    let mut parts = text.split(':');
    let hour = parts.next()?.parse::<u8>().ok()?;
    let minute = parts.next()?.parse::<u8>().ok()?;
    let second = match parts.next() {
        Some(s) => s.split('.').next()?.parse::<u8>().ok()?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Time::from_hms(hour, minute, second).ok()
}

/// `yes`/`no` (also y/n, true/false, 1/0).
pub fn yes_no(text: &str) -> Option<bool> {
    match key(text).as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// The code in `list` whose code, label, or label before a bracket is `text`; then
/// `aliases` (pairs of a key and a code).
pub fn code_in(list: &[Code], aliases: &[(&str, &'static str)], text: &str) -> Option<&'static str> {
    let k = key(text);
    if k.is_empty() {
        return None;
    }
    list.iter()
        .find(|(code, label)| {
            key(code) == k || key(label) == k || label.split(" (").next().is_some_and(|short| key(short) == k)
        })
        .map(|(code, _)| *code)
        .or_else(|| aliases.iter().find(|(alias, _)| *alias == k).map(|(_, c)| *c))
}

/// `;`-separated items, trimmed, blanks left out.
pub fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, time};

    #[test]
    fn uk_and_iso_dates_with_and_without_times() {
        let cases = [
            ("31/12/2025", date!(2025 - 12 - 31), None),
            ("1/2/25", date!(2025 - 02 - 01), None),
            ("2025-12-31", date!(2025 - 12 - 31), None),
            ("31-12-2025", date!(2025 - 12 - 31), None),
            ("31.12.2025 14:30", date!(2025 - 12 - 31), Some(time!(14:30))),
            ("2025-12-31T09:05:00", date!(2025 - 12 - 31), Some(time!(09:05))),
            ("1/2/2025 7:05", date!(2025 - 02 - 01), Some(time!(07:05))),
        ];
        for (text, d, t) in cases {
            assert_eq!(date_time(text), Ok((d, t)), "{text}");
        }
    }

    #[test]
    fn impossible_dates_and_times_are_refused_with_the_value() {
        for text in [
            "31/02/2025",
            "2025-13-01",
            "12/31/2025",
            "yesterday",
            "1/2",
            "1/2/25 25:00",
            "",
        ] {
            let e = date_time(text).unwrap_err();
            assert!(
                e.contains(text.split(' ').next_back().unwrap_or("")),
                "{text}: {e}"
            );
        }
    }

    #[test]
    fn labels_codes_and_aliases_match_ignoring_case_and_punctuation() {
        use crate::cases::codes::OUTCOMES;
        assert_eq!(code_in(&OUTCOMES, &[], "RESOLVED"), Some("resolved"));
        assert_eq!(
            code_in(&OUTCOMES, &[], "Unresolved - victim moved"),
            Some("unresolved-moved")
        );
        assert_eq!(
            code_in(&OUTCOMES, &[("moved", "unresolved-moved")], "moved"),
            Some("unresolved-moved")
        );
        assert_eq!(code_in(&OUTCOMES, &[], "sorted"), None);
        assert_eq!(yes_no(" Y "), Some(true));
        assert_eq!(yes_no("maybe"), None);
    }
}
