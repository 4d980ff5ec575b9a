//! Checking the people on a report: each person's details and monitoring answers, and
//! that a new case has a victim.

use super::*;

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
        crate::cases::intake::form::NEW_PERSON => Decision::New,
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
