//! Reading what was typed into a form field: trimmed text with a length limit (counted in
//! characters, as the database columns are), and `YYYY-MM-DD` dates measured against today
//! in London. Errors go on the field, for the error summary.

use super::{forms::FormErrors, time_fmt};
use time::{Date, OffsetDateTime};

/// A date as a date field's value (`YYYY-MM-DD`), empty for none.
pub fn date_value(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// `value` trimmed, `None` when empty; an error on `field` when longer than `max`
/// characters.
pub fn optional_text(
    errors: &mut FormErrors,
    field: &'static str,
    value: &str,
    max: usize,
) -> Option<String> {
    let value = value.trim();
    if value.chars().count() > max {
        errors.add(field, format!("Keep it to {max} characters or fewer"));
        return None;
    }
    (!value.is_empty()).then(|| value.to_owned())
}

/// A required `YYYY-MM-DD` date; `what` names it in the message ("the date planned").
pub fn required_date(errors: &mut FormErrors, field: &'static str, value: &str, what: &str) -> Option<Date> {
    if value.trim().is_empty() {
        errors.add(field, format!("Enter {what}"));
        return None;
    }
    let parsed = time_fmt::parse_date(value);
    if parsed.is_none() {
        errors.add(field, format!("Enter {what} as a real date, YYYY-MM-DD"));
    }
    parsed
}

/// A required date that has happened: not after today (London) and not before `earliest`
/// (`earliest_what` says what that is: "the date the case was first reported").
pub fn past_date(
    errors: &mut FormErrors,
    field: &'static str,
    value: &str,
    what: &str,
    now: OffsetDateTime,
    earliest: Date,
    earliest_what: &str,
) -> Option<Date> {
    let day = required_date(errors, field, value, what)?;
    if day > crate::calendar::london_date(now) {
        errors.add(field, "The date cannot be in the future");
        return None;
    }
    if day < earliest {
        errors.add(
            field,
            format!(
                "The date cannot be before {earliest_what} ({})",
                time_fmt::plain_date(earliest)
            ),
        );
        return None;
    }
    Some(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn dates_are_checked_against_today_and_the_earliest() {
        let now = datetime!(2026-11-23 09:00 UTC);
        let earliest = date!(2026 - 11 - 01);
        let mut errors = FormErrors::default();
        let ok = past_date(&mut errors, "d", "2026-11-23", "the date", now, earliest, "x");
        assert_eq!(ok, Some(date!(2026 - 11 - 23)));
        assert!(errors.is_empty());
        for bad in [
            "2026-11-24",
            "2026-10-31",
            "",
            "23/11/2026",
            "2026-02-30",
            "99999-01-01",
        ] {
            let mut errors = FormErrors::default();
            assert_eq!(
                past_date(&mut errors, "d", bad, "the date", now, earliest, "x"),
                None,
                "{bad}"
            );
            assert!(errors.get("d").is_some(), "{bad}");
        }
    }

    #[test]
    fn london_evening_in_summer_is_already_tomorrow() {
        // 23:30 UTC on 1 July is 00:30 on 2 July in London.
        assert_eq!(
            crate::calendar::london_date(datetime!(2026-07-01 23:30 UTC)),
            date!(2026 - 07 - 02)
        );
    }

    #[test]
    fn text_is_trimmed_and_measured_in_characters() {
        let mut errors = FormErrors::default();
        assert_eq!(optional_text(&mut errors, "t", "  ", 5), None);
        assert_eq!(
            optional_text(&mut errors, "t", " ééééé ", 5),
            Some("ééééé".to_owned())
        );
        assert!(errors.is_empty());
        assert_eq!(optional_text(&mut errors, "t", "éééééé", 5), None);
        assert!(errors.get("t").is_some());
    }

    #[test]
    fn date_values_are_iso() {
        assert_eq!(date_value(Some(date!(2026 - 03 - 01))), "2026-03-01");
        assert_eq!(date_value(None), "");
    }
}
