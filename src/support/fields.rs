//! What the support and referral forms share: dates typed as `YYYY-MM-DD` that cannot be
//! in the future, text with a length limit, and the closed-case rule for new records.

use crate::{
    cases::codes,
    error::{AppError, AppResult},
    web::{forms::FormErrors, time_fmt},
};
use entity::cases;
use time::{Date, OffsetDateTime};

/// The longest notes, reasons or responses kept.
pub const MAX_TEXT_CHARS: usize = 4_000;

/// Today in London, the day the forms' dates are measured against.
pub fn today(now: OffsetDateTime) -> Date {
    time_fmt::london(now).date()
}

/// A date as a form field value (`YYYY-MM-DD`).
pub fn field(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// A typed date: `None` when blank (the caller decides whether it is required) or invalid
/// or in the future (an error on `field`).
pub fn past_date(
    text: &str,
    field: &'static str,
    what: &str,
    today: Date,
    errors: &mut FormErrors,
) -> Option<Date> {
    if text.trim().is_empty() {
        return None;
    }
    match time_fmt::parse_date(text) {
        None => {
            errors.add(field, format!("Enter the {what} as a real date, YYYY-MM-DD"));
            None
        }
        Some(d) if d > today => {
            errors.add(field, format!("The {what} cannot be in the future"));
            None
        }
        Some(d) => Some(d),
    }
}

/// Free text, trimmed: `None` when blank; too long is an error on `field`.
pub fn text(value: &str, field: &'static str, errors: &mut FormErrors) -> Option<String> {
    let value = value.trim();
    if value.chars().count() > MAX_TEXT_CHARS {
        errors.add(field, format!("Keep it to {MAX_TEXT_CHARS} characters or fewer"));
        return None;
    }
    (!value.is_empty()).then(|| value.to_owned())
}

/// New support measures and referrals are for open cases.
pub fn require_open(case: &cases::Model, message: &'static str) -> AppResult<()> {
    if case.status == codes::OPEN {
        Ok(())
    } else {
        Err(AppError::Conflict(message))
    }
}

/// The record `id` (as typed in the path) parsed, or not found.
pub fn id(text: &str) -> AppResult<i32> {
    text.parse().map_err(|_| AppError::NotFound)
}
