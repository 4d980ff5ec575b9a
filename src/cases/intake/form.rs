//! The intake form as typed: every value is kept as the string the officer entered, so an
//! invalid or interrupted submission comes back exactly as it was. Checking and turning
//! it into typed values is `check`'s job.

use crate::{cases::codes, web::time_fmt};
use std::sync::LazyLock;
use time::OffsetDateTime;

/// Person slots per report: more than any doorstep report needs, and a bound on what a
/// crafted request can make us render.
pub const MAX_PEOPLE: usize = 12;

/// The reuse answer "No, this is someone new".
pub const NEW_PERSON: &str = "new";

/// The `action` of the "Add another person" button.
pub const ADD_PERSON: &str = "add-person";

/// The submitted body: name/value pairs in order (checkboxes repeat a name).
pub struct Body(Vec<(String, String)>);

impl Body {
    pub fn parse(bytes: &[u8]) -> Self {
        Body(url::form_urlencoded::parse(bytes).into_owned().collect())
    }

    /// The first value of `name`, or "" when it was not sent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn owned(&self, name: &str) -> String {
        self.get(name).to_owned()
    }
}

/// The field names of one person slot (`p0_name`, `p1_role`, …). Built once for every
/// slot so they are `&'static str`, as the shared form components and error summary need.
#[derive(Debug)]
pub struct SlotNames {
    pub index: usize,
    pub role: String,
    pub kind: String,
    pub name: String,
    pub description: String,
    pub phone: String,
    pub email: String,
    pub contact: String,
    pub address: String,
    pub postcode: String,
    pub tenancy_ref: String,
    pub tenant: String,
    pub household: String,
    pub language: String,
    pub interpreter: String,
    pub vulnerabilities: String,
    pub ethnicity: String,
    /// The reuse decision: an existing person's id, or "new".
    pub matched: String,
    /// Set once the reuse question has been shown, so an unanswered one is an error.
    pub asked: String,
    /// One per `codes::CHARACTERISTICS`, in order.
    pub monitoring: Vec<String>,
}

impl SlotNames {
    fn new(index: usize) -> Self {
        let f = |suffix: &str| format!("p{index}_{suffix}");
        SlotNames {
            index,
            role: f("role"),
            kind: f("kind"),
            name: f("name"),
            description: f("description"),
            phone: f("phone"),
            email: f("email"),
            contact: f("contact"),
            address: f("address"),
            postcode: f("postcode"),
            tenancy_ref: f("tenancy_ref"),
            tenant: f("tenant"),
            household: f("household"),
            language: f("language"),
            interpreter: f("interpreter"),
            vulnerabilities: f("vulnerabilities"),
            ethnicity: f("ethnicity"),
            matched: f("match"),
            asked: f("asked"),
            monitoring: codes::CHARACTERISTICS.iter().map(|c| f(c.field)).collect(),
        }
    }
}

static SLOTS: LazyLock<Vec<SlotNames>> = LazyLock::new(|| (0..MAX_PEOPLE).map(SlotNames::new).collect());

/// One person as typed.
#[derive(Clone)]
pub struct PersonForm {
    pub names: &'static SlotNames,
    pub role: String,
    pub kind: String,
    pub name: String,
    pub description: String,
    pub phone: String,
    pub email: String,
    pub contact: String,
    pub address: String,
    pub postcode: String,
    pub tenancy_ref: String,
    /// "", "yes" or "no".
    pub tenant: String,
    pub household: String,
    pub language: String,
    pub interpreter: bool,
    pub vulnerabilities: String,
    pub ethnicity: String,
    pub monitoring: Vec<String>,
    pub matched: String,
    pub asked: bool,
}

impl PersonForm {
    fn blank(names: &'static SlotNames, role: &str) -> Self {
        PersonForm {
            names,
            role: role.to_owned(),
            kind: codes::NAMED.to_owned(),
            name: String::new(),
            description: String::new(),
            phone: String::new(),
            email: String::new(),
            contact: String::new(),
            address: String::new(),
            postcode: String::new(),
            tenancy_ref: String::new(),
            tenant: String::new(),
            household: String::new(),
            language: String::new(),
            interpreter: false,
            vulnerabilities: String::new(),
            // Asked, never assumed: "Not known" is an answer someone chooses, and a
            // pre-selected one would count as recorded in the completeness figures.
            ethnicity: String::new(),
            monitoring: vec![String::new(); codes::CHARACTERISTICS.len()],
            matched: String::new(),
            asked: false,
        }
    }

    fn parse(names: &'static SlotNames, body: &Body) -> Self {
        PersonForm {
            names,
            role: body.owned(&names.role),
            kind: body.owned(&names.kind),
            name: body.owned(&names.name),
            description: body.owned(&names.description),
            phone: body.owned(&names.phone),
            email: body.owned(&names.email),
            contact: body.owned(&names.contact),
            address: body.owned(&names.address),
            postcode: body.owned(&names.postcode),
            tenancy_ref: body.owned(&names.tenancy_ref),
            tenant: body.owned(&names.tenant),
            household: body.owned(&names.household),
            language: body.owned(&names.language),
            interpreter: !body.get(&names.interpreter).is_empty(),
            vulnerabilities: body.owned(&names.vulnerabilities),
            ethnicity: body.owned(&names.ethnicity),
            monitoring: names.monitoring.iter().map(|n| body.owned(n)).collect(),
            matched: body.owned(&names.matched),
            asked: !body.get(&names.asked).is_empty(),
        }
    }

    /// One person on a form of their own (correcting their details): the first slot's
    /// field names, so the intake component and checks serve it unchanged.
    pub fn single(body: &Body) -> Self {
        Self::parse(&SLOTS[0], body)
    }

    /// A stored person as the one-person form shows them, in `role`.
    pub fn of_person(p: &entity::people::Model, role: &str) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        PersonForm {
            role: role.to_owned(),
            kind: p.kind.clone(),
            name: text(&p.name),
            description: text(&p.description),
            phone: text(&p.phone),
            email: text(&p.email),
            contact: text(&p.preferred_contact),
            address: text(&p.address),
            postcode: text(&p.postcode),
            tenancy_ref: text(&p.tenancy_ref),
            tenant: match p.is_tenant {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
            .to_owned(),
            household: text(&p.household),
            language: text(&p.language),
            interpreter: p.interpreter,
            vulnerabilities: text(&p.vulnerabilities),
            ethnicity: p.ethnicity.clone(),
            monitoring: crate::cases::people::monitoring_answers(p)
                .iter()
                .map(text)
                .collect(),
            ..Self::blank(&SLOTS[0], role)
        }
    }

    /// Nothing typed about anyone: the slot is left out rather than refused. Picking a
    /// role or kind alone does not count.
    pub fn is_blank(&self) -> bool {
        [
            &self.name,
            &self.description,
            &self.phone,
            &self.email,
            &self.address,
            &self.postcode,
            &self.tenancy_ref,
            &self.household,
            &self.language,
            &self.vulnerabilities,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

/// What happened, as typed (shared by new cases and further reports).
#[derive(Clone, Default)]
pub struct IncidentForm {
    pub received_date: String,
    pub received_time: String,
    pub received_how: String,
    pub reporter_type: String,
    pub reporter_name: String,
    pub occurred_kind: String,
    pub occurred_date: String,
    pub occurred_time: String,
    pub location_kind: String,
    pub location_address: String,
    pub types: Vec<String>,
    pub other_type: String,
    pub description: String,
    /// "yes", "no" or "not-known" (`codes::POLICE`); nothing is pre-selected.
    pub police_involved: String,
    pub crime_reference: String,
    /// From an import, not the form: answers the spreadsheet cannot give may be
    /// "not recorded" (`codes::NOT_RECORDED`) and the description may be blank.
    pub imported: bool,
}

impl IncidentForm {
    fn received_now(now: OffsetDateTime) -> Self {
        let (received_date, received_time) = time_fmt::london_fields(now);
        IncidentForm {
            received_date,
            received_time,
            received_how: "phone".to_owned(),
            reporter_type: codes::VICTIM.to_owned(),
            ..Default::default()
        }
    }

    fn parse(body: &Body) -> Self {
        IncidentForm {
            received_date: body.owned("received_date"),
            received_time: body.owned("received_time"),
            received_how: body.owned("received_how"),
            reporter_type: body.owned("reporter_type"),
            reporter_name: body.owned("reporter_name"),
            occurred_kind: body.owned("occurred_kind"),
            occurred_date: body.owned("occurred_date"),
            occurred_time: body.owned("occurred_time"),
            location_kind: body.owned("location_kind"),
            location_address: body.owned("location_address"),
            types: body.all("types"),
            other_type: body.owned("other_type"),
            description: body.owned("description"),
            police_involved: body.owned("police_involved"),
            crime_reference: body.owned("crime_reference"),
            imported: false,
        }
    }
}

/// "Use the suggested priority" (the default priority choice).
pub const SUGGESTED: &str = "suggested";

/// The case as a whole: only asked when a report opens a new case.
#[derive(Clone, Default)]
pub struct CaseForm {
    pub strands: Vec<String>,
    /// "yes" or "no".
    pub hate_perceived: String,
    pub perceived_by: String,
    pub area: String,
    /// [`SUGGESTED`], `codes::P1` or `codes::P2`.
    pub priority: String,
    pub priority_reason: String,
    /// From an import: who perceived it as hate may be "not recorded".
    pub imported: bool,
}

impl CaseForm {
    fn parse(body: &Body) -> Self {
        CaseForm {
            strands: body.all("strands"),
            hate_perceived: body.owned("hate_perceived"),
            perceived_by: body.owned("perceived_by"),
            area: body.owned("area"),
            priority: body.owned("priority"),
            priority_reason: body.owned("priority_reason"),
            imported: false,
        }
    }
}

/// A whole report as typed.
#[derive(Clone)]
pub struct ReportForm {
    pub incident: IncidentForm,
    pub case: CaseForm,
    pub people: Vec<PersonForm>,
    /// An open case this report is about, typed by the officer (new-case form only).
    pub case_reference: String,
    /// The answer to "add this report to the victim's open case?": a reference or "new".
    pub attach_to: String,
}

/// The `attach_to` answer that opens a new case instead.
pub const NEW_CASE: &str = "new";

impl ReportForm {
    /// A new case: received now, from the victim by phone, the suggested priority, the
    /// officer's first area; a victim and an alleged perpetrator to fill in. Whether it is
    /// perceived as hate and each person's ethnicity are left for the officer to answer.
    pub fn new_case(now: OffsetDateTime, default_area: Option<i32>) -> Self {
        let mut form = ReportForm {
            incident: IncidentForm::received_now(now),
            case: CaseForm {
                // Asked, never assumed (perception is the reporter's, not the form's).
                hate_perceived: String::new(),
                perceived_by: codes::VICTIM.to_owned(),
                area: default_area.map(|a| a.to_string()).unwrap_or_default(),
                priority: SUGGESTED.to_owned(),
                ..Default::default()
            },
            people: vec![],
            case_reference: String::new(),
            attach_to: String::new(),
        };
        form.add_person_as(codes::VICTIM);
        form.add_person_as(codes::PERPETRATOR);
        form
    }

    /// A further report on a case: people are optional, added with "Add a person".
    pub fn further(now: OffsetDateTime) -> Self {
        ReportForm {
            incident: IncidentForm::received_now(now),
            case: CaseForm::default(),
            people: vec![],
            case_reference: String::new(),
            attach_to: String::new(),
        }
    }

    /// A report read from an import: nothing filled in, nobody named yet.
    pub fn imported() -> Self {
        ReportForm {
            incident: IncidentForm {
                imported: true,
                ..Default::default()
            },
            case: CaseForm {
                imported: true,
                ..Default::default()
            },
            people: vec![],
            case_reference: String::new(),
            attach_to: String::new(),
        }
    }

    pub fn parse(body: &Body) -> Self {
        let count = body
            .get("people")
            .trim()
            .parse::<usize>()
            .unwrap_or(0)
            .min(MAX_PEOPLE);
        ReportForm {
            incident: IncidentForm::parse(body),
            case: CaseForm::parse(body),
            people: SLOTS
                .iter()
                .take(count)
                .map(|names| PersonForm::parse(names, body))
                .collect(),
            case_reference: body.owned("case_reference"),
            attach_to: body.owned("attach_to"),
        }
    }

    /// One more slot (a victim if there is none yet, else a witness), up to the limit.
    pub fn add_person(&mut self) {
        let has_victim = self.people.iter().any(|p| p.role == codes::VICTIM);
        self.add_person_as(if has_victim { codes::WITNESS } else { codes::VICTIM });
    }

    /// A blank slot for someone in `role`; `None` when every slot is taken.
    pub fn add_person_as(&mut self, role: &str) -> Option<&mut PersonForm> {
        let names = SLOTS.get(self.people.len())?;
        self.people.push(PersonForm::blank(names, role));
        self.people.last_mut()
    }

    pub fn can_add_person(&self) -> bool {
        self.people.len() < MAX_PEOPLE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_round_trip_and_stop_at_the_limit() {
        let body = Body::parse(
            b"people=2&p0_name=Amina+Khan&p0_role=victim&p1_interpreter=yes&types=threats&types=arson",
        );
        let form = ReportForm::parse(&body);
        assert_eq!(form.people.len(), 2);
        assert_eq!(form.people[0].name, "Amina Khan");
        assert!(form.people[1].interpreter && form.people[1].is_blank());
        assert_eq!(form.incident.types, vec!["threats", "arson"]);

        let many = ReportForm::parse(&Body::parse(b"people=9999"));
        assert_eq!(many.people.len(), MAX_PEOPLE);
        let mut full = many.clone();
        full.add_person();
        assert_eq!(full.people.len(), MAX_PEOPLE);
        assert_eq!(many.people[3].names.name, "p3_name");
    }

    #[test]
    fn a_new_case_starts_with_a_victim_and_an_alleged_perpetrator() {
        let form = ReportForm::new_case(time::macros::datetime!(2026-07-01 13:05 UTC), Some(4));
        let roles: Vec<_> = form.people.iter().map(|p| p.role.as_str()).collect();
        assert_eq!(roles, [codes::VICTIM, codes::PERPETRATOR]);
        assert_eq!(form.incident.received_time, "14:05");
        assert_eq!(form.case.area, "4");
    }
}
