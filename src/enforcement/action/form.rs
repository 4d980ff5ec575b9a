//! The action's forms as typed (a change of status, outcome and documents; a new date)
//! and the checks on a change.

use crate::enforcement::{MAX_TEXT_CHARS, STATUSES, status_label, transitions, usual_legal_dates};
use crate::{
    cases::codes,
    web::{fields, forms::FormErrors},
};
use entity::perpetrator_actions;
use serde::Deserialize;
use time::{Date, OffsetDateTime};

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct UpdateForm {
    /// The new status; empty: no change of status.
    pub status: String,
    pub on_date: String,
    pub note: String,
    pub outcome: String,
    pub documents: String,
    pub version: String,
}

impl UpdateForm {
    /// The form as the page first shows it for `a`.
    pub fn default_for(a: &perpetrator_actions::Model, now: OffsetDateTime) -> Self {
        UpdateForm {
            on_date: fields::date_value(Some(crate::calendar::london_date(now))),
            outcome: a.outcome.clone().unwrap_or_default(),
            documents: a.documents.clone().unwrap_or_default(),
            version: a.version.to_string(),
            ..Default::default()
        }
    }
}

/// The add-a-date form (posted to `dates`).
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct DateForm {
    pub date_kind: String,
    pub due_on: String,
    pub date_note: String,
}

impl DateForm {
    /// The date kind the action usually has pre-chosen, when there is just one.
    pub fn for_action(a: &perpetrator_actions::Model) -> Self {
        let usual = usual_legal_dates(&a.kind);
        DateForm {
            date_kind: match usual.as_slice() {
                [only] => (*only).to_owned(),
                _ => String::new(),
            },
            ..Default::default()
        }
    }
}

/// A valid change.
pub(super) struct Change {
    pub(super) status: Option<(&'static str, Date)>,
    pub(super) note: Option<String>,
    pub(super) outcome: Option<String>,
    pub(super) documents: Option<String>,
}

/// Why `to` cannot follow `from`, naming what can.
fn refusal(from: &str) -> String {
    let next = transitions::next(from);
    if next.is_empty() {
        return format!(
            "An action that is {} cannot change status: record a new action instead",
            status_label(from).to_lowercase()
        );
    }
    let names: Vec<&str> = next.iter().map(|s| status_label(s)).collect();
    format!(
        "From “{}” the status can change only to: {}",
        status_label(from),
        names.join(", ")
    )
}

pub(super) fn validate(
    f: &UpdateForm,
    a: &perpetrator_actions::Model,
    now: OffsetDateTime,
) -> Result<Change, FormErrors> {
    let mut errors = FormErrors::default();
    let wanted = f.status.trim();
    let status = if wanted.is_empty() {
        None
    } else {
        match codes::find(&STATUSES, wanted) {
            Some(to) if transitions::allowed(&a.status, to) => Some(to),
            _ => {
                errors.add("status", refusal(&a.status));
                None
            }
        }
    };
    let on = status.and_then(|_| {
        fields::past_date(
            &mut errors,
            "on_date",
            &f.on_date,
            "the date of the change",
            now,
            a.status_on,
            "the date of the current status",
        )
    });
    let note = fields::optional_text(&mut errors, "note", &f.note, MAX_TEXT_CHARS);
    let outcome = fields::optional_text(&mut errors, "outcome", &f.outcome, MAX_TEXT_CHARS);
    let documents = fields::optional_text(&mut errors, "documents", &f.documents, MAX_TEXT_CHARS);
    if errors.is_empty()
        && status.is_none()
        && note.is_none()
        && outcome == a.outcome
        && documents == a.documents
    {
        errors.add(
            "status",
            "Choose a new status, or change the outcome or documents",
        );
    }
    match (status, on) {
        _ if !errors.is_empty() => Err(errors),
        (Some(s), Some(on)) => Ok(Change {
            status: Some((s, on)),
            note,
            outcome,
            documents,
        }),
        (Some(_), None) => Err(errors),
        (None, _) => Ok(Change {
            status: None,
            note,
            outcome,
            documents,
        }),
    }
}
