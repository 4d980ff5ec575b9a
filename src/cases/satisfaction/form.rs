//! The post-closure check form as typed, and its checks.

use crate::{
    calendar::london_date,
    cases::codes::{self, NO_ANSWER, SATISFACTION},
    web::{forms::FormErrors, time_fmt},
};
use entity::cases;
use serde::Deserialize;
use time::Date;

/// The longest note kept.
const MAX_NOTE_CHARS: usize = 4_000;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SatisfactionForm {
    pub checked_on: String,
    pub handling: String,
    pub outcome: String,
    pub notes: String,
}

/// A valid form.
pub struct Valid {
    pub checked_on: Date,
    pub handling: &'static str,
    pub outcome: &'static str,
    pub notes: Option<String>,
}

/// Checks `f` for closed `case` on `today`.
pub(super) fn validate(f: &SatisfactionForm, case: &cases::Model, today: Date) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    let checked_on = time_fmt::parse_date(&f.checked_on);
    let closed_on = case.closed_at.map(london_date);
    match checked_on {
        None => errors.add(
            "checked_on",
            "Enter the date of the check as a real date, like 2026-12-01",
        ),
        Some(d) if d > today => errors.add("checked_on", "The date of the check cannot be in the future"),
        Some(d) if closed_on.is_some_and(|c| d < c) => errors.add(
            "checked_on",
            "The date of the check cannot be before the case was closed",
        ),
        _ => {}
    }
    let handling = codes::find(&SATISFACTION, &f.handling);
    if handling.is_none() {
        errors.add(
            "handling",
            "Say how satisfied the victim was with how the case was handled",
        );
    }
    let mut outcome = codes::find(&SATISFACTION, &f.outcome);
    // A victim who declined or could not be reached answered neither question.
    if let Some(h) = handling.filter(|h| NO_ANSWER.contains(h)) {
        outcome = Some(h);
    }
    if outcome.is_none() {
        errors.add("outcome", "Say how satisfied the victim was with the outcome");
    }
    if f.notes.chars().count() > MAX_NOTE_CHARS {
        errors.add("notes", format!("Keep the notes to {MAX_NOTE_CHARS} characters"));
    }
    let (Some(checked_on), Some(handling), Some(outcome), true) =
        (checked_on, handling, outcome, errors.is_empty())
    else {
        return Err(errors);
    };
    let notes = f.notes.trim();
    Ok(Valid {
        checked_on,
        handling,
        outcome,
        notes: (!notes.is_empty()).then(|| notes.to_owned()),
    })
}
