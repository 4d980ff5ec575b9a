//! Checking a typed report. Every problem is recorded against the field it is about (so
//! the error summary links to it); a part yields typed values only when all of it is valid.

use super::form::{CaseForm, IncidentForm, PersonForm, ReportForm, SUGGESTED, SlotNames};
use crate::{
    cases::{
        codes::{self, Code},
        people::PersonDetails,
        priority,
    },
    web::{forms::FormErrors, time_fmt},
};
use entity::{areas, strands};
use time::OffsetDateTime;

mod case;
mod incident;
mod people;

pub use case::{case, suggestion};
pub use incident::incident;
pub use people::{People, people, person_details};

/// What happened, checked.
#[derive(Clone, Debug)]
pub struct ValidIncident {
    pub received_at: OffsetDateTime,
    pub received_how: &'static str,
    pub reporter_type: &'static str,
    pub reporter_name: Option<String>,
    pub occurred_kind: &'static str,
    pub occurred_at: Option<OffsetDateTime>,
    pub location_kind: &'static str,
    pub location_address: Option<String>,
    pub types: Vec<String>,
    pub other_type: Option<String>,
    pub description: String,
    /// None when not known.
    pub police_involved: Option<bool>,
    pub crime_reference: Option<String>,
}

/// Whether a typed person is someone already known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Not yet asked, or asked and not answered.
    Undecided,
    New,
    Reuse(i32),
}

#[derive(Clone, Debug)]
pub struct ValidPerson {
    pub slot: &'static SlotNames,
    pub role: &'static str,
    pub details: PersonDetails,
    pub decision: Decision,
    /// The reuse question was on the page the officer submitted.
    pub asked: bool,
    /// Known people with the same name and postcode on cases the officer may not see:
    /// queued for a manager if this person is recorded as new.
    pub possibly_same: Vec<i32>,
}

/// A report's incident and people, checked.
#[derive(Clone, Debug)]
pub struct Report {
    pub incident: ValidIncident,
    pub people: Vec<ValidPerson>,
}

/// The case-level answers of a new case, checked.
#[derive(Clone, Debug)]
pub struct ValidCase {
    pub strand_ids: Vec<i32>,
    pub hate_perceived: bool,
    pub perceived_by: Option<&'static str>,
    pub area_id: i32,
    pub priority: &'static str,
    pub suggested_priority: &'static str,
    pub priority_reason: Option<String>,
}

/// `codes::LOCATIONS`: somewhere else, which needs saying where.
pub(super) const OTHER_PLACE: &str = "other";

/// The description of an imported report whose spreadsheet had none.
pub const NOT_DESCRIBED: &str = "No description was recorded before the case was imported.";

pub(super) const SHORT: usize = 200;
pub(super) const LONG: usize = 2_000;
pub(super) const DESCRIPTION: usize = 20_000;

/// Records errors and remembers whether any part of the thing being checked failed.
pub(super) struct Checker<'a> {
    errors: &'a mut FormErrors,
    ok: bool,
}

impl<'a> Checker<'a> {
    pub(super) fn new(errors: &'a mut FormErrors) -> Self {
        Checker { errors, ok: true }
    }

    pub(super) fn fail(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.add(field, message);
        self.ok = false;
    }

    /// Trimmed text, `None` when empty.
    pub(super) fn text(
        &mut self,
        value: &str,
        max: usize,
        field: &'static str,
        what: &str,
    ) -> Option<String> {
        let value = value.trim();
        if value.chars().count() > max {
            self.fail(field, format!("{what} must be {max} characters or fewer"));
        }
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// Letters, digits, spaces and `-` `/` `.` only: references are matched on a key of
    /// the letters and digits, which must fit its column (`tenancy_ref_key`, 32).
    pub(super) fn tenancy_ref(&mut self, value: &str, field: &'static str) -> Option<String> {
        let text = self.text(value, 32, field, "The tenancy reference")?;
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '/' | '.');
        if !text.chars().all(allowed) {
            self.fail(field, "The tenancy reference can only use letters A to Z, numbers, spaces, hyphens, slashes and full stops");
        }
        Some(text)
    }

    pub(super) fn required(
        &mut self,
        value: &str,
        max: usize,
        field: &'static str,
        what: &str,
        missing: &str,
    ) -> String {
        let text = self.text(value, max, field, what);
        if text.is_none() {
            self.fail(field, missing);
        }
        text.unwrap_or_default()
    }

    /// The code from `list` that was chosen; "" (with an error) when none was.
    pub(super) fn code(
        &mut self,
        list: &[Code],
        value: &str,
        field: &'static str,
        missing: &str,
    ) -> &'static str {
        let found = codes::find(list, value);
        if found.is_none() {
            self.fail(field, missing);
        }
        found.unwrap_or_default()
    }

    /// As [`Self::code`]; an imported report may also say the answer was not recorded.
    pub(super) fn code_or_unrecorded(
        &mut self,
        imported: bool,
        list: &[Code],
        value: &str,
        field: &'static str,
        missing: &str,
    ) -> &'static str {
        if imported && value.trim() == codes::NOT_RECORDED {
            return codes::NOT_RECORDED;
        }
        self.code(list, value, field, missing)
    }

    /// An optional pick: `None` when left blank.
    pub(super) fn optional_code(
        &mut self,
        list: &[Code],
        value: &str,
        field: &'static str,
    ) -> Option<&'static str> {
        if value.trim().is_empty() {
            return None;
        }
        let found = codes::find(list, value);
        if found.is_none() {
            self.fail(field, "Select an answer from the list");
        }
        found
    }

    pub(super) fn yes_no(&mut self, value: &str, field: &'static str, missing: &str) -> bool {
        match value.trim() {
            "yes" => true,
            "no" => false,
            _ => {
                self.fail(field, missing);
                false
            }
        }
    }

    /// A London date and time typed into two fields, not in the future.
    pub(super) fn when(
        &mut self,
        date: &str,
        time: &str,
        fields: (&'static str, &'static str),
        what: &str,
        now: OffsetDateTime,
    ) -> Option<OffsetDateTime> {
        let (date_field, time_field) = fields;
        if date.trim().is_empty() {
            self.fail(date_field, format!("Enter the date {what}"));
            return None;
        }
        if time.trim().is_empty() {
            self.fail(time_field, format!("Enter the time {what}"));
            return None;
        }
        let Some(at) = time_fmt::parse_london(date, time) else {
            // The mistake goes against the part that is wrong: the date, or the time.
            let (part, message) = time_fmt::unreadable_moment_of(date, time, what);
            let field = if part == "date" { date_field } else { time_field };
            self.fail(field, message);
            return None;
        };
        if at > now {
            // Later today is a wrong time; a later day, a wrong date.
            let field = if time_fmt::london(at).date() > time_fmt::london(now).date() {
                date_field
            } else {
                time_field
            };
            self.fail(
                field,
                format!("The date and time {what} must be now or in the past"),
            );
            return None;
        }
        Some(at)
    }

    pub(super) fn done<T>(self, value: T) -> Option<T> {
        self.ok.then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::intake::form::{Body, ReportForm};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-23 09:00 UTC);

    fn form(body: &str) -> ReportForm {
        ReportForm::parse(&Body::parse(body.as_bytes()))
    }

    const VALID: &str = "received_date=2026-11-23&received_time=08:30&received_how=phone&reporter_type=victim\
        &occurred_kind=unknown&location_kind=home&types=verbal-abuse&description=Shouting&police_involved=no\
        &people=2&p0_role=victim&p0_kind=person&p0_name=Amina+Khan&p0_ethnicity=not-known\
        &p1_role=alleged-perpetrator&p1_kind=person&p1_ethnicity=not-known";

    #[test]
    fn a_valid_report_is_read_and_blank_slots_are_left_out() {
        let mut errors = FormErrors::default();
        let report = report(&form(VALID), &mut errors).expect("valid");
        assert!(errors.is_empty());
        assert_eq!(report.people.len(), 1);
        assert_eq!(report.incident.received_at, datetime!(2026-11-23 08:30 UTC));
    }

    fn report(f: &ReportForm, errors: &mut FormErrors) -> Option<Report> {
        let incident = incident(&f.incident, NOW, errors);
        let people = people(&f.people, true, errors);
        Some(Report {
            incident: incident?,
            people: people.complete.then_some(people.valid)?,
        })
    }

    fn errors_of(body: &str) -> FormErrors {
        let mut errors = FormErrors::default();
        assert!(report(&form(body), &mut errors).is_none(), "{body}");
        errors
    }

    #[test]
    fn each_mistake_is_reported_against_its_field() {
        let cases = [
            // Later today: the time is wrong; a later day: the date; an impossible time.
            ("received_time=08:30", "received_time=09:30", "received_time"),
            (
                "received_date=2026-11-23",
                "received_date=2026-11-24",
                "received_date",
            ),
            ("received_time=08:30", "received_time=25:99", "received_time"),
            (
                "received_date=2026-11-23",
                "received_date=2026-02-30",
                "received_date",
            ),
            ("types=verbal-abuse", "types=other", "other_type"),
            ("types=verbal-abuse", "types=shoving", "types"),
            ("description=Shouting", "description=++", "description"),
            (
                "occurred_kind=unknown",
                "occurred_kind=at&occurred_date=2026-11-23&occurred_time=08:45",
                "occurred_date",
            ),
            ("p0_name=Amina+Khan", "p0_name=", "p0_name"),
            ("p0_kind=person", "p0_kind=group", "p0_kind"),
            ("p1_kind=person", "p1_kind=group&p1_phone=0", "p1_description"),
            ("p0_ethnicity=not-known", "p0_ethnicity=", "p0_ethnicity"),
            (
                "p0_name=Amina+Khan",
                "p0_name=Amina+Khan&p0_email=amina",
                "p0_email",
            ),
            (
                "p0_name=Amina+Khan",
                "p0_name=Amina+Khan&p0_sex=unknown",
                "p0_sex",
            ),
        ];
        for (from, to, field) in cases {
            let errors = errors_of(&VALID.replace(from, to));
            assert!(errors.get(field).is_some(), "{to}: {errors:?}");
        }
    }

    #[test]
    fn only_alleged_perpetrators_may_be_unknown_and_they_need_a_description() {
        let body = VALID.replace(
            "p1_kind=person",
            "p1_kind=unknown&p1_description=Tall+man+in+a+red+coat",
        );
        let mut errors = FormErrors::default();
        let report = report(&form(&body), &mut errors).expect("valid");
        assert_eq!(report.people[1].details.kind, "unknown");
    }

    #[test]
    fn choosing_another_priority_needs_a_reason() {
        let f = CaseForm {
            hate_perceived: "yes".into(),
            perceived_by: "victim".into(),
            strands: vec!["race".into()],
            area: "1".into(),
            priority: codes::P2.into(),
            priority_reason: String::new(),
            imported: false,
        };
        let strands = vec![strands::Model {
            id: 7,
            code: "race".into(),
            label: "Race".into(),
            monitored: true,
            retired: false,
            position: 1,
        }];
        let areas = vec![areas::Model {
            id: 1,
            name: "North".into(),
            name_key: "north".into(),
            retired: false,
            created_at: NOW,
        }];
        let types = vec!["verbal-abuse".to_owned()];
        let mut errors = FormErrors::default();
        assert!(case(&f, &types, &strands, &areas, true, &mut errors).is_none());
        assert!(
            errors
                .get("priority_reason")
                .is_some_and(|m| m.contains("Priority 1"))
        );

        let with_reason = CaseForm {
            priority_reason: "Victim says it has stopped".into(),
            ..f
        };
        let mut errors = FormErrors::default();
        let valid = case(&with_reason, &types, &strands, &areas, true, &mut errors).expect("valid");
        assert_eq!((valid.priority, valid.suggested_priority), (codes::P2, codes::P1));
        assert_eq!(valid.strand_ids, vec![7]);
    }
}
