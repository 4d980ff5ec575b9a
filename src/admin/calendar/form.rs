//! The calendar page's forms as typed and their checks: the year asked for, the division
//! chosen, and a new closure day.

use crate::{
    calendar::Division,
    error::AppError,
    web::{forms::FormErrors, time_fmt},
};
use serde::Deserialize;
use std::ops::RangeInclusive;

/// Years whose bank holidays can be shown (the data starts in 2019; dates stop at 2100).
pub const YEARS: RangeInclusive<i32> = 2019..=2100;

/// Longest closure-day label.
pub const MAX_LABEL_CHARS: usize = 120;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub(super) year: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DivisionForm {
    pub(super) division: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ClosureForm {
    pub(super) closure_date: String,
    pub(super) closure_label: String,
}

/// A valid new closure day: the day and its label (inner runs of spaces collapsed).
#[derive(Debug)]
pub struct ClosureDay {
    pub day: time::Date,
    pub label: String,
}

/// The year asked for (`?year=`), or this London year when none is given.
pub fn year_asked(asked: Option<&str>, this_year: i32) -> Result<i32, AppError> {
    match asked.map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(this_year),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| YEARS.contains(y))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "Choose a year from {} to {}.",
                    YEARS.start(),
                    YEARS.end()
                ))
            }),
    }
}

/// The division chosen.
pub fn validate_division(f: &DivisionForm) -> Result<Division, FormErrors> {
    Division::from_code(f.division.trim()).ok_or_else(|| {
        let mut errors = FormErrors::default();
        errors.add("division", "Choose the bank holidays your offices follow");
        errors
    })
}

/// A valid new closure day, or the form's errors (duplicates are checked against the database).
pub fn validate_closure(f: &ClosureForm) -> Result<ClosureDay, FormErrors> {
    let mut errors = FormErrors::default();
    let day = if f.closure_date.trim().is_empty() {
        errors.add("closure_date", "Enter the date of the closure day");
        None
    } else {
        let day = time_fmt::parse_date(&f.closure_date);
        if day.is_none() {
            errors.add(
                "closure_date",
                "Enter a real date as YYYY-MM-DD, for example 2026-12-24",
            );
        }
        day
    };
    let label = f.closure_label.split_whitespace().collect::<Vec<_>>().join(" ");
    match label.chars().count() {
        0 => errors.add("closure_label", "Enter what the closure day is for"),
        n if n > MAX_LABEL_CHARS => errors.add(
            "closure_label",
            format!("The label must be {MAX_LABEL_CHARS} characters or fewer"),
        ),
        _ => {}
    }
    match day {
        Some(day) if errors.is_empty() => Ok(ClosureDay { day, label }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::time_fmt::iso_date;

    #[test]
    fn years_outside_the_range_or_not_numbers_are_bad_requests() {
        assert_eq!(year_asked(None, 2026).ok(), Some(2026));
        assert_eq!(year_asked(Some(""), 2026).ok(), Some(2026));
        assert_eq!(year_asked(Some("2028"), 2026).ok(), Some(2028));
        assert_eq!(year_asked(Some("2019"), 2026).ok(), Some(2019));
        assert_eq!(year_asked(Some("2100"), 2026).ok(), Some(2100));
        for bad in ["2018", "2101", "abc", "20x6", "-1", "99999999999"] {
            assert!(
                matches!(year_asked(Some(bad), 2026), Err(AppError::BadRequest(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn closure_days_need_a_real_date_and_a_short_label() {
        let form = |d: &str, l: &str| ClosureForm {
            closure_date: d.to_owned(),
            closure_label: l.to_owned(),
        };
        let ClosureDay { day, label } =
            validate_closure(&form(" 2026-12-24 ", "  Staff   training  ")).expect("valid");
        assert_eq!(iso_date(day), "2026-12-24");
        assert_eq!(label, "Staff training");
        let table: [(&str, &str, &[&str]); 6] = [
            ("", "x", &["closure_date"]),
            ("2026-02-30", "x", &["closure_date"]),
            ("24/12/2026", "x", &["closure_date"]),
            ("2101-01-01", "x", &["closure_date"]),
            ("2026-12-24", "   ", &["closure_label"]),
            (
                "nope",
                &"x".repeat(MAX_LABEL_CHARS + 1),
                &["closure_date", "closure_label"],
            ),
        ];
        for (d, l, wrong) in table {
            let errors = validate_closure(&form(d, l)).expect_err(d);
            for id in wrong {
                assert!(errors.get(id).is_some(), "{d:?}: no error on {id}");
            }
        }
        assert!(validate_closure(&form("2026-12-24", &"x".repeat(MAX_LABEL_CHARS))).is_ok());
    }
}
