//! Need-to-know for equality monitoring answers: a person's ethnicity and other protected
//! characteristics are special category data (UK GDPR art. 9). Those who work a case
//! through (`Permission::ViewMonitoringAnswers`) and the officer who recorded the person
//! read the answers; anyone else who may see the case learns only whether each was
//! recorded. Every screen showing a person's answers asks [`may_see`], and every showing
//! is audited ([`audit_shown`]).
//!
//! Search never finds people by their answers: `people::terms` indexes names, addresses,
//! postcodes and tenancy references only. Reports show figures, never a person.

use super::{
    codes::{self, label},
    people::monitoring_answers,
    visibility::Viewer,
};
use crate::{
    audit::{self, Event, Origin},
    auth::policy::{Permission, allows},
};
use entity::people;
use sea_orm::{DatabaseTransaction, DbErr};
use time::OffsetDateTime;

/// The audit action for a showing of one person's answers.
pub const VIEWED: &str = "person.monitoring_viewed";

/// What a viewer without the right reads in place of an answer.
pub const RECORDED: &str = "Recorded";
pub const NOT_RECORDED: &str = "Not recorded";

/// May `viewer` read `person`'s monitoring answers?
pub fn may_see(viewer: &Viewer, person: &people::Model) -> bool {
    allows(viewer.role, Permission::ViewMonitoringAnswers) || person.created_by == viewer.id
}

/// How a screen shows one person's answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// The answers themselves.
    Answers,
    /// Whether each was recorded, never what.
    WhetherRecorded,
}

/// How `viewer` is shown `person`'s answers.
pub fn shown(viewer: &Viewer, person: &people::Model) -> Shown {
    if may_see(viewer, person) {
        Shown::Answers
    } else {
        Shown::WhetherRecorded
    }
}

/// Whether anything was recorded: an ethnicity other than "Not known" (a refusal is an
/// answer) or any further characteristic.
pub fn anything_recorded(p: &people::Model) -> bool {
    p.ethnicity != codes::NOT_KNOWN || monitoring_answers(p).iter().any(Option::is_some)
}

/// The monitoring rows of a person's details, (question, what is shown): ethnicity always,
/// each further characteristic when answered.
pub fn rows(p: &people::Model, shown: Shown) -> Vec<(&'static str, String)> {
    let ethnicity = match shown {
        Shown::Answers => codes::ethnicity_label(&p.ethnicity).to_owned(),
        Shown::WhetherRecorded if p.ethnicity == codes::NOT_KNOWN => NOT_RECORDED.to_owned(),
        Shown::WhetherRecorded => RECORDED.to_owned(),
    };
    let mut rows = vec![("Ethnicity", ethnicity)];
    for (c, answer) in codes::CHARACTERISTICS.iter().zip(monitoring_answers(p)) {
        if let Some(answer) = answer.filter(|a| !a.trim().is_empty()) {
            let value = match shown {
                Shown::Answers => label(c.answers, &answer).to_owned(),
                Shown::WhetherRecorded => RECORDED.to_owned(),
            };
            rows.push((c.question, value));
        }
    }
    rows
}

/// Writes one `person.monitoring_viewed` row for each of `people` whose answers `viewer`
/// was just shown (anything recorded, and `may_see`), in the transaction of the screen's
/// own audit row. `screen` names where (a case reference and page, never an answer).
pub async fn audit_shown(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    viewer: &Viewer,
    origin: &Origin,
    screen: &str,
    people: &[&people::Model],
) -> Result<(), DbErr> {
    let mut done: Vec<i32> = vec![];
    for &p in people {
        if done.contains(&p.id) || !anything_recorded(p) || !may_see(viewer, p) {
            continue;
        }
        done.push(p.id);
        audit::record(
            txn,
            now,
            &viewer.audit_actor(),
            origin,
            Event::new(VIEWED, format!("{screen}: monitoring answers of person {}", p.id)).on("person", p.id),
        )
        .await?;
    }
    Ok(())
}

/// A case screen that shows `people`'s details: its `case.viewed` row (`summary`) and
/// their monitoring rows (naming the `screen`), in one transaction.
pub async fn record_case_view(
    state: &crate::state::AppState,
    viewer: &Viewer,
    origin: &Origin,
    case: &entity::cases::Model,
    (summary, screen): (&str, &str),
    people: &[&people::Model],
) -> Result<(), DbErr> {
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    super::timeline::audit_case(&txn, now, viewer, origin, "case.viewed", case, summary).await?;
    let screen = format!("{}: {screen}", case.reference);
    audit_shown(&txn, now, viewer, origin, &screen, people).await?;
    txn.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::Role;
    use time::macros::datetime;

    fn person(created_by: i32) -> people::Model {
        let at = datetime!(2026-11-01 09:00 UTC);
        people::Model {
            id: 7,
            kind: codes::NAMED.to_owned(),
            name: Some("Rosie Lee".to_owned()),
            name_key: Some("rosie lee".to_owned()),
            description: None,
            phone: None,
            email: None,
            preferred_contact: None,
            address: None,
            postcode: None,
            postcode_key: None,
            tenancy_ref: None,
            tenancy_ref_key: None,
            is_tenant: None,
            household: None,
            language: None,
            interpreter: false,
            vulnerabilities: None,
            ethnicity: "white-gypsy-traveller".to_owned(),
            ethnicity_list: codes::ETHNICITY_LIST.to_owned(),
            age_band: None,
            sex: None,
            disability: None,
            religion: Some("christian".to_owned()),
            sexual_orientation: None,
            gender_reassignment: None,
            marriage: None,
            pregnancy: None,
            created_by,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    fn viewer(id: i32, role: Role) -> Viewer {
        Viewer {
            id,
            username: "v".to_owned(),
            display_name: "V".to_owned(),
            role,
            area_ids: vec![],
        }
    }

    #[test]
    fn the_recorder_and_the_caseworkers_see_answers_others_whether_recorded() {
        let p = person(1);
        assert!(may_see(&viewer(1, Role::TenancyOfficer), &p));
        assert!(!may_see(&viewer(2, Role::TenancyOfficer), &p));
        assert!(may_see(&viewer(2, Role::HarassmentOfficer), &p));
        assert!(may_see(&viewer(2, Role::Manager), &p));
        assert!(!may_see(&viewer(2, Role::EqualityLead), &p));
        assert!(!may_see(&viewer(2, Role::Admin), &p));
    }

    #[test]
    fn rows_without_the_right_say_recorded_and_never_the_answer() {
        let mut p = person(1);
        let ethnicity = codes::ethnicity_label(&p.ethnicity).to_owned();
        assert_eq!(
            rows(&p, Shown::Answers),
            [
                ("Ethnicity", ethnicity),
                ("Religion or belief", "Christian".to_owned())
            ]
        );
        assert_eq!(
            rows(&p, Shown::WhetherRecorded),
            [
                ("Ethnicity", RECORDED.to_owned()),
                ("Religion or belief", RECORDED.to_owned())
            ]
        );
        p.ethnicity = codes::PREFER_NOT.to_owned();
        p.religion = None;
        assert!(anything_recorded(&p));
        assert_eq!(
            rows(&p, Shown::WhetherRecorded),
            [("Ethnicity", RECORDED.to_owned())]
        );
        p.ethnicity = codes::NOT_KNOWN.to_owned();
        assert!(!anything_recorded(&p));
        assert_eq!(
            rows(&p, Shown::WhetherRecorded),
            [("Ethnicity", NOT_RECORDED.to_owned())]
        );
    }
}
