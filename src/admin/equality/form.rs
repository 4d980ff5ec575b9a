//! The reporting settings' two forms as typed and their checks: the report settings, and
//! one reporting year's NM01 figures.

use crate::{
    reports::equality::{
        groups,
        settings::{CLOSE_DAYS_RANGE, Nm01Year, ReportSettings, TARGET_RANGE},
    },
    web::forms::FormErrors,
};
use serde::Deserialize;

/// The longest methodology note.
const MAX_NOTE_CHARS: usize = 4_000;
/// Homes and cases: whole numbers up to ten million.
const MAX_COUNT: u32 = 10_000_000;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SettingsForm {
    pub(super) not_given_target_percent: String,
    pub(super) close_target_days: String,
    pub(super) group_reference: String,
    pub(super) category_reference: String,
}

impl From<&ReportSettings> for SettingsForm {
    fn from(s: &ReportSettings) -> Self {
        SettingsForm {
            not_given_target_percent: s.not_given_target_percent.to_string(),
            close_target_days: s.close_target_days.to_string(),
            group_reference: s.group_reference.clone(),
            category_reference: s.category_reference.clone(),
        }
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct YearForm {
    pub(super) year: String,
    pub(super) homes_rental: String,
    pub(super) homes_ownership: String,
    pub(super) other_asb_cases: String,
    pub(super) methodology: String,
}

impl YearForm {
    /// The NM01 form for reporting year `year`, as saved (or ready to fill in).
    pub fn of(year: i32, saved: Option<Nm01Year>) -> Self {
        match saved {
            Some(y) => YearForm {
                year: y.year.to_string(),
                homes_rental: y.homes_rental.to_string(),
                homes_ownership: y.homes_ownership.to_string(),
                other_asb_cases: y.other_asb_cases.to_string(),
                methodology: y.methodology,
            },
            None => YearForm {
                year: year.to_string(),
                other_asb_cases: "0".to_owned(),
                ..Default::default()
            },
        }
    }
}

fn number(text: &str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    text.trim()
        .replace(',', "")
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
}

/// Checks the report settings form; the settings to save.
pub fn validate_settings(f: &SettingsForm) -> Result<ReportSettings, FormErrors> {
    let mut errors = FormErrors::default();
    let target = number(&f.not_given_target_percent, TARGET_RANGE);
    if target.is_none() {
        errors.add(
            "not_given_target_percent",
            "Enter a whole-number percentage from 0 to 100",
        );
    }
    let days = number(&f.close_target_days, CLOSE_DAYS_RANGE);
    if days.is_none() {
        errors.add("close_target_days", "Enter a whole number of days from 1 to 730");
    }
    let group_ok = groups::group_label(f.group_reference.trim()).is_some();
    if !group_ok {
        errors.add("group_reference", "Choose the reference group from the list");
    }
    let category_ok = groups::categories().any(|(c, _)| c == f.category_reference.trim());
    if !category_ok {
        errors.add(
            "category_reference",
            "Choose the reference category from the list",
        );
    }
    let (Some(target), Some(days), true, true) = (target, days, group_ok, category_ok) else {
        return Err(errors);
    };
    Ok(ReportSettings {
        not_given_target_percent: target,
        close_target_days: days,
        group_reference: f.group_reference.trim().to_owned(),
        category_reference: f.category_reference.trim().to_owned(),
    })
}

/// Checks the NM01 form; the year's figures to save.
pub fn validate_year(f: &YearForm) -> Result<Nm01Year, FormErrors> {
    let mut errors = FormErrors::default();
    let year = f
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.add(
            "year",
            "Enter the year the reporting year starts in, like 2026 for 2026 to 2027",
        );
    }
    let rental = number(&f.homes_rental, 0..=MAX_COUNT);
    if rental.is_none() {
        errors.add(
            "homes_rental",
            "Enter the number of low-cost rental homes owned, a whole number",
        );
    }
    let ownership = number(&f.homes_ownership, 0..=MAX_COUNT);
    if ownership.is_none() {
        errors.add(
            "homes_ownership",
            "Enter the number of low-cost home ownership homes owned (0 if none)",
        );
    }
    let other = number(&f.other_asb_cases, 0..=MAX_COUNT);
    if other.is_none() {
        errors.add(
            "other_asb_cases",
            "Enter the number of ASB cases logged in other systems (0 if none)",
        );
    }
    if rental.zip(ownership).is_some_and(|(r, o)| r + o == 0) {
        errors.add(
            "homes_rental",
            "Enter the homes owned: NM01 cannot divide by no homes",
        );
    }
    if f.methodology.chars().count() > MAX_NOTE_CHARS {
        errors.add(
            "methodology",
            format!("Keep the methodology note to {MAX_NOTE_CHARS} characters"),
        );
    }
    let (Some(year), Some(rental), Some(ownership), Some(other), true) =
        (year, rental, ownership, other, errors.is_empty())
    else {
        return Err(errors);
    };
    Ok(Nm01Year {
        year,
        homes_rental: rental,
        homes_ownership: ownership,
        other_asb_cases: other,
        methodology: f.methodology.trim().to_owned(),
    })
}
