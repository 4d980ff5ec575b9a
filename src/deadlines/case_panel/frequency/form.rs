//! The contact frequency form as typed and its check.

use crate::{
    procedure::{MAX_AMOUNT, Timescale, Unit},
    web::forms::FormErrors,
};
use serde::Deserialize;

/// Victim contact is agreed in days; an hourly "update" is not a frequency anyone agrees.
pub(super) const AGREED_UNITS: [Unit; 2] = [Unit::CalendarDays, Unit::WorkingDays];

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct FrequencyForm {
    /// Empty: back to the procedure's timescale.
    pub(super) unit: String,
    pub(super) amount: String,
}

/// The agreed timescale, or None for the procedure's.
pub(super) fn validate(f: &FrequencyForm) -> Result<Option<Timescale>, FormErrors> {
    if f.unit.trim().is_empty() {
        return Ok(None);
    }
    let mut errors = FormErrors::default();
    let unit = Unit::from_code(f.unit.trim()).filter(|u| AGREED_UNITS.contains(u));
    if unit.is_none() {
        errors.add("unit", "Choose calendar days or working days");
    }
    let amount = f
        .amount
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|n| (1..=MAX_AMOUNT).contains(n));
    if amount.is_none() {
        errors.add("amount", format!("Enter a whole number from 1 to {MAX_AMOUNT}"));
    }
    match (unit, amount) {
        (Some(unit), Some(amount)) => Ok(Some(Timescale::new(unit, amount as u32))),
        _ => Err(errors),
    }
}
