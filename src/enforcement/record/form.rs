//! The new action form as typed, its checks, and the optional legal date (shared with the
//! action page's date form and the demo landlord).

use crate::enforcement::{
    ISSUED, LEGAL_DATES, MAX_DATE_NOTE_CHARS, MAX_TEXT_CHARS, STARTING_STATUSES, find_kind, is_ladder,
    store::Perpetrator,
};
use crate::{
    cases::codes,
    web::{fields, forms::FormErrors, time_fmt},
};
use entity::cases;
use serde::Deserialize;
use time::Date;

/// The `against` value for a measure aimed at no one in particular.
pub(super) const NO_ONE: &str = "none";

/// The new action form as typed.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct NewForm {
    /// A perpetrator party id, or `none`.
    pub(super) against: String,
    pub(super) kind: String,
    pub(super) status: String,
    pub(super) planned_on: String,
    pub(super) issued_on: String,
    pub(super) documents: String,
    pub(super) notes: String,
    /// Optional first legal date: empty, `hearing` or `notice-expiry`.
    pub(super) date_kind: String,
    pub(super) due_on: String,
    pub(super) date_note: String,
}

/// A valid new action.
pub(super) struct Valid {
    pub(super) party_id: Option<i32>,
    pub(super) kind: &'static str,
    pub(super) status: &'static str,
    pub(super) planned_on: Date,
    pub(super) status_on: Date,
    pub(super) documents: Option<String>,
    pub(super) notes: Option<String>,
    pub(super) legal: Option<(&'static str, Date, Option<String>)>,
}

pub(super) fn validate(
    f: &NewForm,
    case: &cases::Model,
    perpetrators: &[Perpetrator],
    now: time::OffsetDateTime,
) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    let against = f.against.trim();
    let party_id = match against {
        "" => {
            errors.add("against", "Choose who the action is against");
            None
        }
        NO_ONE => Some(None),
        id => match id
            .parse::<i32>()
            .ok()
            .filter(|id| perpetrators.iter().any(|p| p.party_id == *id))
        {
            Some(id) => Some(Some(id)),
            None => {
                errors.add(
                    "against",
                    "Choose one of this case's alleged perpetrators, or no one in particular",
                );
                None
            }
        },
    };
    let kind = find_kind(&f.kind);
    if kind.is_none() {
        errors.add("kind", "Choose the action");
    }
    if let (Some(kind), Some(None)) = (kind, party_id)
        && is_ladder(kind)
    {
        errors.add(
            "against",
            "This action needs someone it is against: choose an alleged perpetrator (named, not known or a group), or choose a general measure such as CCTV or patrols",
        );
    }
    let status = STARTING_STATUSES.into_iter().find(|s| *s == f.status.trim());
    if status.is_none() {
        errors.add(
            "status",
            "Say whether the action is planned or already issued or served",
        );
    }
    let received = crate::calendar::london_date(case.received_at);
    let planned_on = fields::past_date(
        &mut errors,
        "planned_on",
        &f.planned_on,
        "the date it was planned",
        now,
        received,
        "the case's first report",
    );
    let issued_on = match status {
        Some(ISSUED) => planned_on.and_then(|planned| {
            fields::past_date(
                &mut errors,
                "issued_on",
                &f.issued_on,
                "the date it was issued or served",
                now,
                planned,
                "the date it was planned",
            )
        }),
        _ if !f.issued_on.trim().is_empty() => {
            errors.add(
                "issued_on",
                "Only give the date issued or served for an action that has been issued or served",
            );
            None
        }
        _ => None,
    };
    let documents = fields::optional_text(&mut errors, "documents", &f.documents, MAX_TEXT_CHARS);
    let notes = fields::optional_text(&mut errors, "notes", &f.notes, MAX_TEXT_CHARS);
    let legal = legal_date(&mut errors, &f.date_kind, &f.due_on, &f.date_note, planned_on);
    match (party_id, kind, status, planned_on) {
        (Some(party_id), Some(kind), Some(status), Some(planned_on)) if errors.is_empty() => Ok(Valid {
            party_id,
            kind,
            status,
            planned_on,
            status_on: issued_on.unwrap_or(planned_on),
            documents,
            notes,
            legal,
        }),
        _ => Err(errors),
    }
}

/// An optional legal date typed as (`date_kind`, `due_on`, `date_note`): `None` when
/// none was asked for. Not before the action was planned; it may be past (recorded late).
pub fn legal_date(
    errors: &mut FormErrors,
    kind: &str,
    due_on: &str,
    note: &str,
    earliest: Option<Date>,
) -> Option<(&'static str, Date, Option<String>)> {
    let kind = kind.trim();
    let note = fields::optional_text(errors, "date_note", note, MAX_DATE_NOTE_CHARS);
    if kind.is_empty() {
        if !due_on.trim().is_empty() || note.is_some() {
            errors.add(
                "date_kind",
                "Say whether the date is a court hearing or a notice expiry",
            );
        }
        return None;
    }
    let Some(kind) = codes::find(&LEGAL_DATES, kind) else {
        errors.add("date_kind", "Choose a court hearing or a notice expiry");
        return None;
    };
    let day = fields::required_date(errors, "due_on", due_on, "the date of the hearing or expiry")?;
    if let Some(earliest) = earliest.filter(|e| day < *e) {
        errors.add(
            "due_on",
            format!(
                "The date cannot be before the action was planned ({})",
                time_fmt::plain_date(earliest)
            ),
        );
        return None;
    }
    Some((kind, day, note))
}
