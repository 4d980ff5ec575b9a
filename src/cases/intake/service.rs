//! One way to make a case. The intake form, the importer and the demo landlord all check,
//! match people, number and store a new case through here, so none keeps a second copy
//! of the rules. The form adds what only a person at a screen can do (questions about
//! who is known, offers of an open case); callers with nobody to ask link people here.

pub use super::check::{Decision, Report, ValidCase, ValidPerson, person_details};
pub use super::form::{Body, MAX_PEOPLE, PersonForm, ReportForm, SUGGESTED};
pub use super::store::{Choices, Named, Opened, Opening};
pub use super::view::person_fields;
use super::{check, store};
use crate::cases::timeline::Actor;
use crate::{cases::people as people_store, web::forms::FormErrors};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};
use time::OffsetDateTime;

/// A report that opens a new case, checked.
#[derive(Clone, Debug)]
pub struct NewCase {
    pub case: ValidCase,
    pub report: Report,
}

/// Checks a report that opens a new case, exactly as the intake form is checked. Every
/// problem is recorded against the form field it is about.
pub fn check(form: &ReportForm, choices: &Choices, now: OffsetDateTime) -> Result<NewCase, FormErrors> {
    let mut errors = FormErrors::default();
    let incident = check::incident(&form.incident, now, &mut errors);
    let people = check::people(&form.people, true, &mut errors);
    let case = check::case(
        &form.case,
        &form.incident.types,
        &choices.strands,
        &choices.areas(),
        choices.settings.hate_is_priority_1,
        &mut errors,
    );
    match (case, incident, people.complete) {
        (Some(case), Some(incident), true) if errors.is_empty() => Ok(NewCase {
            case,
            report: Report {
                incident,
                people: people.valid,
            },
        }),
        // A part that is not valid always has an error recorded.
        _ => Err(errors),
    }
}

/// The name of a victim whose records gave none (kept apart from anyone else's).
pub const NAME_NOT_RECORDED: &str = "Name not recorded";

/// Links each person to someone already known, as the form would after asking: the
/// earliest person with the same tenancy reference, or else with the same name and
/// postcode (never for a person whose name was not recorded). Anyone else is new. Reads
/// inside the caller's transaction, so people created earlier in it (a repeat victim on
/// a later row) are found.
pub async fn link_known(db: &impl ConnectionTrait, people: &mut [ValidPerson]) -> Result<(), DbErr> {
    for p in people {
        let found = people_store::find_matches(db, &p.details).await?;
        let key = p
            .details
            .tenancy_ref
            .as_deref()
            .map(people_store::tenancy_ref_key);
        let same_tenancy = found
            .iter()
            .find(|f| key.is_some() && f.tenancy_ref_key.as_deref() == key.as_deref());
        let nameless = p.details.name.as_deref() == Some(NAME_NOT_RECORDED);
        let same_name = found.first().filter(|_| !nameless);
        p.decision = match same_tenancy.or(same_name) {
            Some(known) => Decision::Reuse(known.id),
            None => Decision::New,
        };
    }
    Ok(())
}

/// Opens the case in the caller's transaction: numbered, stored with its people, on the
/// timeline, and its deadlines planned from when the report was received.
pub async fn open(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    new: &NewCase,
    opening: &Opening<'_>,
) -> Result<Opened, DbErr> {
    store::create_case(txn, by, &new.case, &new.report, opening).await
}
