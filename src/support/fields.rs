//! What the support and referral forms share beyond `web::fields`: dates typed as
//! `YYYY-MM-DD` that may be blank but cannot be in the future, the text length limit,
//! record ids from the path, the case a record's page is on, and the version check of an
//! edit with its message when someone else saved first.

use crate::{
    audit::Origin,
    cases::{
        timeline,
        visibility::{self, Viewer},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{forms::FormErrors, time_fmt},
};
use entity::cases;
use time::Date;

/// The longest notes, reasons or responses kept.
pub const MAX_TEXT_CHARS: usize = 4_000;

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

/// The record `id` (as typed in the path) parsed, or not found.
pub fn id(text: &str) -> AppResult<i32> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// The visible case a support record belongs to: opened (a view of the case, audited as
/// `what`) when its page is shown with `origin`, found when a form is saved.
pub async fn case_of(
    state: &AppState,
    viewer: &Viewer,
    origin: Option<&Origin>,
    reference: &str,
    what: &str,
) -> AppResult<cases::Model> {
    match origin {
        Some(origin) => timeline::open(state, viewer, origin, reference, what).await,
        None => Ok(visibility::find(&state.db, viewer, reference).await?),
    }
}

/// The error of an edit that lost a race with someone else's save, on the status field;
/// `what` names the record ("support measure", "referral").
pub fn changed_meanwhile(what: &str) -> FormErrors {
    let mut errors = FormErrors::default();
    errors.add(
        "status",
        format!(
            "Someone else changed this {what} while you were editing. Their version is shown below; your changes are still in the form. Check both, then save again"
        ),
    );
    errors
}
