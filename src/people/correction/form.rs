//! The correct-details form as typed: the intake form's person component, a reason and the
//! version it was opened on; and its checks, the intake form's own plus the reason.

use crate::{
    cases::{
        intake::service::{Body, PersonForm, person_details},
        people::PersonDetails,
    },
    web::forms::FormErrors,
};
use entity::people;

/// The longest reason kept.
const REASON_CHARS: usize = 2_000;

/// What the form holds besides the person: the reason and the version it was opened on.
pub(super) struct Typed {
    pub person: PersonForm,
    pub reason: String,
    pub version: i32,
}

impl Typed {
    /// The form as first shown: `person`'s saved details, in their part `role`.
    pub(super) fn of_person(person: &people::Model, role: &str) -> Self {
        Typed {
            person: PersonForm::of_person(person, role),
            reason: String::new(),
            version: person.version,
        }
    }

    /// The form as posted (`bytes`) about `person`, in their part `role`.
    pub(super) fn parse(bytes: &[u8], person: &people::Model, role: &str) -> Self {
        let body = Body::parse(bytes);
        let mut typed = Typed {
            person: PersonForm::single(&body),
            reason: body.get("reason").to_owned(),
            version: body.get("version").trim().parse().unwrap_or(-1),
        };
        // Who someone is and their part in the case are not details to correct here.
        typed.person.kind = person.kind.clone();
        typed.person.role = role.to_owned();
        typed
    }
}

/// A valid form: the corrected details and why.
pub(super) struct Valid {
    pub details: PersonDetails,
    pub reason: String,
}

/// Checks `typed`: the person's details exactly as on a report, and a reason.
pub(super) fn validate(typed: &Typed) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    let details = person_details(&typed.person, &mut errors);
    let reason = typed.reason.trim().to_owned();
    if reason.is_empty() {
        errors.add("reason", "Say why you are correcting these details");
    } else if reason.chars().count() > REASON_CHARS {
        errors.add(
            "reason",
            format!("The reason must be {REASON_CHARS} characters or fewer"),
        );
    }
    match details {
        Some(details) if errors.is_empty() => Ok(Valid { details, reason }),
        _ => Err(errors),
    }
}
