//! The close and reopen forms as typed, and their checks. What to do with each open
//! deadline is read against the deadlines themselves, in the closing transaction
//! (`deadlines::closing::read`).

use crate::{
    cases::codes,
    web::{forms::FormErrors, time_fmt},
};
use entity::cases;
use serde::Deserialize;
use std::collections::HashMap;
use time::Date;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CloseForm {
    pub outcome: String,
    pub reason: String,
    pub victim_told_on: String,
    /// What happens to each open deadline (`deadline-{id}`, `deadline-{id}-reason`).
    #[serde(flatten)]
    pub deadlines: HashMap<String, String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReopenForm {
    pub reason: String,
}

/// A valid close form (its deadline answers apart).
pub struct Valid<'a> {
    pub outcome: &'static str,
    pub reason: &'a str,
    pub victim_told_on: Date,
}

/// Checks the outcome, reason and date of `f` for closing `case` on `today`.
pub(super) fn validate<'a>(
    f: &'a CloseForm,
    case: &cases::Model,
    today: Date,
) -> Result<Valid<'a>, FormErrors> {
    let mut errors = FormErrors::default();
    let outcome = codes::find(&codes::OUTCOMES, &f.outcome);
    if outcome.is_none() {
        errors.add("outcome", "Choose the outcome");
    }
    let reason = f.reason.trim();
    if reason.is_empty() {
        errors.add("reason", "Give the reason for closing the case");
    }
    let told = time_fmt::parse_date(&f.victim_told_on);
    match told {
        None => errors.add(
            "victim_told_on",
            "Enter the date the victim was told, as YYYY-MM-DD",
        ),
        Some(d) if d > today => errors.add(
            "victim_told_on",
            "The date the victim was told cannot be in the future",
        ),
        Some(d) if d < time_fmt::london(case.received_at).date() => errors.add(
            "victim_told_on",
            "The date the victim was told cannot be before the case was reported",
        ),
        Some(_) => {}
    }
    match (outcome, told) {
        (Some(outcome), Some(victim_told_on)) if errors.is_empty() => Ok(Valid {
            outcome,
            reason,
            victim_told_on,
        }),
        _ => Err(errors),
    }
}

/// A valid reopen form.
pub struct Reopening<'a> {
    pub reason: &'a str,
}

/// Checks `f`: reopening needs a reason.
pub(super) fn validate_reopen(f: &ReopenForm) -> Result<Reopening<'_>, FormErrors> {
    let reason = f.reason.trim();
    if reason.is_empty() {
        let mut errors = FormErrors::default();
        errors.add("reason", "Give the reason for reopening the case");
        return Err(errors);
    }
    Ok(Reopening { reason })
}
