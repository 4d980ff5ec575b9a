//! The deadline action form as typed and its checks: when the activity was done, the new
//! due date, the note or reason.

use super::Action;
use crate::{
    calendar::end_of_london_day,
    web::{forms::FormErrors, time_fmt},
};
use entity::{cases, deadlines};
use serde::Deserialize;
use time::OffsetDateTime;

/// The longest reason or note kept.
const MAX_TEXT_CHARS: usize = 2_000;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ActionForm {
    /// Done: when the activity happened.
    pub(super) date: String,
    pub(super) time: String,
    /// Extend: the new due date.
    pub(super) due_on: String,
    /// Done: optional note; extend and waive: the reason (required).
    pub(super) text: String,
    pub(super) version: String,
}

/// What a valid form asks for.
pub(super) enum Change {
    Done(OffsetDateTime),
    Extend(OffsetDateTime),
    Waive,
}

pub(super) fn validate(
    f: &ActionForm,
    action: Action,
    case: &cases::Model,
    d: &deadlines::Model,
    now: OffsetDateTime,
) -> Result<Change, FormErrors> {
    let mut errors = FormErrors::default();
    let text = f.text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        errors.add("text", format!("Keep it under {MAX_TEXT_CHARS} characters"));
    } else if text.is_empty() && action != Action::Done {
        errors.add("text", "Give the reason");
    }
    let change = match action {
        Action::Done => match time_fmt::parse_london(&f.date, &f.time) {
            None => {
                let (field, message) = time_fmt::unreadable_moment(&f.date, &f.time);
                errors.add(field, message);
                None
            }
            Some(at) if at > now => {
                errors.add("date", "The date and time cannot be in the future");
                None
            }
            Some(at) if at < case.received_at.max(d.anchored_at) => {
                errors.add(
                    "date",
                    "The date cannot be before the event this deadline counts from",
                );
                None
            }
            Some(at) => Some(Change::Done(at)),
        },
        Action::Extend => match time_fmt::parse_date(&f.due_on) {
            None => {
                errors.add("due_on", "Enter the new due date as YYYY-MM-DD");
                None
            }
            Some(day) if end_of_london_day(day) <= d.due_at.max(now) => {
                errors.add(
                    "due_on",
                    "The new due date must be later than the current due date and not in the past",
                );
                None
            }
            Some(day) => Some(Change::Extend(end_of_london_day(day))),
        },
        Action::Waive => Some(Change::Waive),
    };
    match change {
        Some(change) if errors.is_empty() => Ok(change),
        _ => Err(errors),
    }
}
