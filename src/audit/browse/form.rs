//! The audit trail's filter form as typed (a query string), and its checks: the dates.

use crate::web::forms::FormErrors;
use serde::Deserialize;
use time::{Date, macros::format_description};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Filters {
    pub actor: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub from: String,
    pub to: String,
    pub page: Option<u64>,
}

/// Valid filters: each one given, as the trail is searched for it (a blank one is `None`).
pub struct Valid<'a> {
    /// A username, trimmed.
    pub actor: Option<&'a str>,
    pub action: Option<&'a str>,
    pub target_type: Option<&'a str>,
    /// A record's number or reference, trimmed.
    pub target_id: Option<&'a str>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub page: Option<u64>,
}

fn parse_day(field: &'static str, s: &str, errors: &mut FormErrors) -> Option<Date> {
    if s.trim().is_empty() {
        return None;
    }
    let parsed = Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok();
    if parsed.is_none() {
        errors.add(field, "Enter a real date, like 2026-11-22");
    }
    parsed
}

/// Checks `f`: each date, if given, is a real one, and the end is not before the start.
pub(super) fn validate(f: &Filters) -> Result<Valid<'_>, FormErrors> {
    let mut errors = FormErrors::default();
    let from = parse_day("from", &f.from, &mut errors);
    let to = parse_day("to", &f.to, &mut errors);
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        errors.add("to", "The end date must be the same as or after the start date");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Valid {
        actor: Some(f.actor.trim()).filter(|s| !s.is_empty()),
        action: Some(f.action.as_str()).filter(|s| !s.is_empty()),
        target_type: Some(f.target_type.as_str()).filter(|s| !s.is_empty()),
        target_id: Some(f.target_id.trim()).filter(|s| !s.is_empty()),
        from,
        to,
        page: f.page,
    })
}
