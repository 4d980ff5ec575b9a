//! The reason form (placing or lifting a hold) as typed and its check.

use crate::web::forms::FormErrors;
use serde::Deserialize;

/// A reason is a sentence or two, not case notes.
const MAX_REASON_CHARS: usize = 1_000;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReasonForm {
    pub(super) reason: String,
}

/// The reason typed, trimmed; a mistake is reported against `field`, `missing` saying what
/// a blank reason lacks.
pub(super) fn validate<'a>(f: &'a ReasonForm, field: &str, missing: &str) -> Result<&'a str, FormErrors> {
    let mut errors = FormErrors::default();
    let reason = f.reason.trim();
    if reason.is_empty() {
        errors.add(field.to_owned(), missing);
    } else if reason.chars().count() > MAX_REASON_CHARS {
        errors.add(
            field.to_owned(),
            format!("Keep the reason to {MAX_REASON_CHARS} characters"),
        );
    }
    if errors.is_empty() {
        Ok(reason)
    } else {
        Err(errors)
    }
}
