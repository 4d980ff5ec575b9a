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
const OTHER_PLACE: &str = "other";

/// The description of an imported report whose spreadsheet had none.
pub const NOT_DESCRIBED: &str = "No description was recorded before the case was imported.";

const SHORT: usize = 200;
const LONG: usize = 2_000;
const DESCRIPTION: usize = 20_000;

/// Records errors and remembers whether any part of the thing being checked failed.
struct Checker<'a> {
    errors: &'a mut FormErrors,
    ok: bool,
}

impl<'a> Checker<'a> {
    fn new(errors: &'a mut FormErrors) -> Self {
        Checker { errors, ok: true }
    }

    fn fail(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.add(field, message);
        self.ok = false;
    }

    /// Trimmed text, `None` when empty.
    fn text(&mut self, value: &str, max: usize, field: &'static str, what: &str) -> Option<String> {
        let value = value.trim();
        if value.chars().count() > max {
            self.fail(field, format!("{what} must be {max} characters or fewer"));
        }
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// Letters, digits, spaces and `-` `/` `.` only: references are matched on a key of
    /// the letters and digits, which must fit its column (`tenancy_ref_key`, 32).
    fn tenancy_ref(&mut self, value: &str, field: &'static str) -> Option<String> {
        let text = self.text(value, 32, field, "The tenancy reference")?;
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '/' | '.');
        if !text.chars().all(allowed) {
            self.fail(field, "The tenancy reference can only use letters A to Z, numbers, spaces, hyphens, slashes and full stops");
        }
        Some(text)
    }

    fn required(
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
    fn code(&mut self, list: &[Code], value: &str, field: &'static str, missing: &str) -> &'static str {
        let found = codes::find(list, value);
        if found.is_none() {
            self.fail(field, missing);
        }
        found.unwrap_or_default()
    }

    /// As [`Self::code`]; an imported report may also say the answer was not recorded.
    fn code_or_unrecorded(
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
    fn optional_code(&mut self, list: &[Code], value: &str, field: &'static str) -> Option<&'static str> {
        if value.trim().is_empty() {
            return None;
        }
        let found = codes::find(list, value);
        if found.is_none() {
            self.fail(field, "Select an answer from the list");
        }
        found
    }

    fn yes_no(&mut self, value: &str, field: &'static str, missing: &str) -> bool {
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
    fn when(
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

    fn done<T>(self, value: T) -> Option<T> {
        self.ok.then_some(value)
    }
}

pub fn incident(f: &IncidentForm, now: OffsetDateTime, errors: &mut FormErrors) -> Option<ValidIncident> {
    let mut c = Checker::new(errors);
    let received_at = c.when(
        &f.received_date,
        &f.received_time,
        ("received_date", "received_time"),
        "the report was received",
        now,
    );
    let received_how = c.code_or_unrecorded(
        f.imported,
        &codes::RECEIVED_HOW,
        &f.received_how,
        "received_how",
        "Select how the report was received",
    );
    let reporter_type = c.code_or_unrecorded(
        f.imported,
        &codes::REPORTER_TYPES,
        &f.reporter_type,
        "reporter_type",
        "Select who reported it",
    );
    let reporter_name = c.text(&f.reporter_name, SHORT, "reporter_name", "The reporter's name");
    let occurred_kind = c.code(
        &codes::OCCURRED_KINDS,
        &f.occurred_kind,
        "occurred_kind",
        "Select when it happened",
    );
    let occurred_at = if occurred_kind == codes::OCCURRED_AT {
        let at = c.when(
            &f.occurred_date,
            &f.occurred_time,
            ("occurred_date", "occurred_time"),
            "it happened",
            now,
        );
        if let (Some(at), Some(received)) = (at, received_at)
            && at > received
        {
            c.fail(
                "occurred_date",
                "It cannot have happened after the report was received",
            );
        }
        at
    } else {
        None
    };
    let location_kind = c.code_or_unrecorded(
        f.imported,
        &codes::LOCATIONS,
        &f.location_kind,
        "location_kind",
        "Select where it happened",
    );
    let location_address = c.text(
        &f.location_address,
        LONG,
        "location_address",
        "The address or place",
    );
    if location_kind == OTHER_PLACE && location_address.is_none() {
        c.fail("location_address", "Enter where it happened");
    }
    let (types, other_type) = incident_types(&mut c, f);
    let description = if f.imported && f.description.trim().is_empty() {
        NOT_DESCRIBED.to_owned()
    } else {
        c.required(
            &f.description,
            DESCRIPTION,
            "description",
            "The description",
            "Enter what happened",
        )
    };
    // A spreadsheet seldom says: the answer is then not known, never "no".
    let police_involved = match f.police_involved.trim() {
        "yes" => Some(true),
        "no" => Some(false),
        codes::NOT_KNOWN => None,
        "" if f.imported => None,
        _ => {
            c.fail(
                "police_involved",
                "Select whether the police are involved, or Not known",
            );
            None
        }
    };
    let crime_reference = c.text(&f.crime_reference, 64, "crime_reference", "The crime reference");
    c.done(ValidIncident {
        received_at: received_at.unwrap_or(now),
        received_how,
        reporter_type,
        reporter_name,
        occurred_kind,
        occurred_at,
        location_kind,
        location_address,
        types,
        other_type,
        description,
        police_involved,
        crime_reference,
    })
}

/// The ticked incident types (each once) and the "other" text, which is kept only when
/// "Other" is ticked.
fn incident_types(c: &mut Checker, f: &IncidentForm) -> (Vec<String>, Option<String>) {
    let mut types: Vec<String> = vec![];
    for code in f
        .types
        .iter()
        .filter_map(|t| codes::find(&codes::INCIDENT_TYPES, t))
    {
        if !types.iter().any(|x| x == code) {
            types.push(code.to_owned());
        }
    }
    if f.types.is_empty() {
        c.fail("types", "Select at least one type of incident");
    } else if f
        .types
        .iter()
        .any(|t| codes::find(&codes::INCIDENT_TYPES, t).is_none())
    {
        c.fail("types", "Select types of incident from the list");
    }
    let other = c.text(&f.other_type, SHORT, "other_type", "The other type of incident");
    let has_other = types.iter().any(|t| t == codes::OTHER_TYPE);
    if has_other && other.is_none() {
        c.fail("other_type", "Describe the other type of incident");
    }
    (types, other.filter(|_| has_other))
}

/// The people typed into non-blank slots: those valid so far (matched with known people
/// even while others are wrong, so reuse questions stay on the page), and whether all are.
pub struct People {
    pub valid: Vec<ValidPerson>,
    pub complete: bool,
}

/// The people typed into non-blank slots. `need_victim`: a new case must name a victim;
/// a further report may add nobody.
pub fn people(forms: &[PersonForm], need_victim: bool, errors: &mut FormErrors) -> People {
    let filled: Vec<&PersonForm> = forms.iter().filter(|p| !p.is_blank()).collect();
    let mut ok = true;
    if need_victim && !filled.iter().any(|p| p.role == codes::VICTIM) {
        let field = forms
            .iter()
            .find(|p| p.role == codes::VICTIM)
            .map_or("people", |p| p.names.name.as_str());
        errors.add(field, "Add at least one victim");
        ok = false;
    }
    let expected = filled.len();
    let valid: Vec<ValidPerson> = filled.into_iter().filter_map(|p| person(p, errors)).collect();
    People {
        complete: ok && valid.len() == expected,
        valid,
    }
}

/// One person's details, checked exactly as on a report (every problem against its field).
pub fn person_details(p: &PersonForm, errors: &mut FormErrors) -> Option<PersonDetails> {
    person(p, errors).map(|v| v.details)
}

fn person(p: &PersonForm, errors: &mut FormErrors) -> Option<ValidPerson> {
    let n = p.names;
    let mut c = Checker::new(errors);
    let role = c.code(
        &codes::PARTY_ROLES,
        &p.role,
        &n.role,
        "Select the person's part in the case",
    );
    let kind = c.code(&codes::PERSON_KINDS, &p.kind, &n.kind, "Select who this is");
    if kind != codes::NAMED && !kind.is_empty() && role != codes::PERPETRATOR {
        c.fail(
            &n.kind,
            "Only an alleged perpetrator can be unknown or a group of people",
        );
    }
    let name = c.text(&p.name, SHORT, &n.name, "The name");
    let description = c.text(&p.description, LONG, &n.description, "The description");
    if kind == codes::NAMED && name.is_none() {
        c.fail(&n.name, "Enter the person's name");
    } else if kind != codes::NAMED && description.is_none() {
        c.fail(
            &n.description,
            "Describe the person or group: what they look like, how many, anything known",
        );
    }
    let phone = c.text(&p.phone, 32, &n.phone, "The phone number");
    if phone.as_deref().is_some_and(|v| !is_phone(v)) {
        c.fail(
            &n.phone,
            "Enter a phone number, like 07700 900 982 or +44 808 157 0192",
        );
    }
    let email = c.text(&p.email, 254, &n.email, "The email address");
    if email.as_deref().is_some_and(|v| !is_email(v)) {
        c.fail(
            &n.email,
            "Enter an email address in the correct format, like name@example.com",
        );
    }
    let preferred_contact = c.optional_code(&codes::CONTACT_METHODS, &p.contact, &n.contact);
    let postcode = c.text(&p.postcode, 10, &n.postcode, "The postcode");
    if postcode
        .as_deref()
        .is_some_and(|v| !v.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == ' '))
    {
        c.fail(&n.postcode, "Enter a real postcode, like LE1 5AB");
    }
    let is_tenant = match p.tenant.trim() {
        "" => None,
        other => Some(c.yes_no(other, &n.tenant, "Select whether they are a tenant")),
    };
    if !codes::is_ethnicity(p.ethnicity.trim()) {
        c.fail(&n.ethnicity, "Select the person's ethnic group, or Not known");
    }
    let monitoring = monitoring(&mut c, p);
    let details = PersonDetails {
        kind: kind.to_owned(),
        name,
        description,
        phone,
        email,
        preferred_contact: preferred_contact.map(str::to_owned),
        address: c.text(&p.address, LONG, &n.address, "The address"),
        postcode: postcode.map(|v| v.to_ascii_uppercase()),
        tenancy_ref: c.tenancy_ref(&p.tenancy_ref, &n.tenancy_ref),
        is_tenant,
        household: c.text(&p.household, LONG, &n.household, "Household members"),
        language: c.text(&p.language, 100, &n.language, "The preferred language"),
        interpreter: p.interpreter,
        vulnerabilities: c.text(&p.vulnerabilities, LONG, &n.vulnerabilities, "Vulnerabilities"),
        ethnicity: p.ethnicity.trim().to_owned(),
        monitoring,
    };
    c.done(ValidPerson {
        slot: n,
        role,
        details,
        decision: decision(&p.matched),
        asked: p.asked,
        possibly_same: vec![],
    })
}

fn monitoring(c: &mut Checker, p: &PersonForm) -> [Option<String>; codes::CHARACTERISTICS.len()] {
    let mut answers: [Option<String>; codes::CHARACTERISTICS.len()] = Default::default();
    let questions = codes::CHARACTERISTICS
        .iter()
        .zip(&p.names.monitoring)
        .zip(&p.monitoring);
    for (answer, ((q, field), value)) in answers.iter_mut().zip(questions) {
        *answer = c.optional_code(q.answers, value, field).map(str::to_owned);
    }
    answers
}

fn decision(matched: &str) -> Decision {
    match matched.trim() {
        "" => Decision::Undecided,
        super::form::NEW_PERSON => Decision::New,
        id => id.parse().map_or(Decision::Undecided, Decision::Reuse),
    }
}

fn is_phone(v: &str) -> bool {
    v.chars().filter(char::is_ascii_digit).count() >= 5
        && v.chars().all(|ch| ch.is_ascii_digit() || " +()-.".contains(ch))
}

fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !v.chars().any(char::is_whitespace)
}

/// The priority the typed answers suggest, and why (shown beside the priority choice).
pub fn suggestion(f: &ReportForm, hate_is_priority_1: bool) -> (&'static str, String) {
    priority::suggest(
        &f.incident.types,
        f.case.hate_perceived == "yes",
        hate_is_priority_1,
    )
}

/// Checks the case-level answers of a new case. `areas`: those it may be logged in
/// (not retired).
pub fn case(
    f: &CaseForm,
    incident_types: &[String],
    strands: &[strands::Model],
    areas: &[areas::Model],
    hate_is_priority_1: bool,
    errors: &mut FormErrors,
) -> Option<ValidCase> {
    let mut c = Checker::new(errors);
    let hate_perceived = c.yes_no(
        &f.hate_perceived,
        "hate_perceived",
        "Select whether anyone perceives it as hate",
    );
    let perceived_by = hate_perceived.then(|| {
        c.code_or_unrecorded(
            f.imported,
            &codes::PERCEIVED_BY,
            &f.perceived_by,
            "perceived_by",
            "Select who perceives it as hate",
        )
    });
    let mut strand_ids = vec![];
    for code in &f.strands {
        match strands.iter().find(|s| s.code == code.trim()) {
            Some(s) if !strand_ids.contains(&s.id) => strand_ids.push(s.id),
            Some(_) => {}
            None => c.fail("strands", "Select motivation strands from the list"),
        }
    }
    if hate_perceived && f.strands.is_empty() {
        c.fail("strands", "Select what the hate is perceived to be about");
    }
    let area_id = f
        .area
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|id| areas.iter().any(|a| a.id == *id));
    if area_id.is_none() {
        c.fail("area", "Select the area");
    }
    let (suggested, why) = priority::suggest(incident_types, hate_perceived, hate_is_priority_1);
    let priority = match f.priority.trim() {
        SUGGESTED => suggested,
        other => c.code(&codes::PRIORITIES, other, "priority", "Select a priority"),
    };
    let reason = c.text(&f.priority_reason, LONG, "priority_reason", "The reason");
    if !priority.is_empty() && priority != suggested && reason.is_none() {
        c.fail(
            "priority_reason",
            format!(
                "The suggested priority is {} ({why}). Give a reason for choosing {}",
                codes::label(&codes::PRIORITIES, suggested),
                codes::label(&codes::PRIORITIES, priority)
            ),
        );
    }
    c.done(ValidCase {
        strand_ids,
        hate_perceived,
        perceived_by,
        area_id: area_id.unwrap_or_default(),
        priority,
        suggested_priority: suggested,
        priority_reason: reason.filter(|_| priority != suggested),
    })
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
