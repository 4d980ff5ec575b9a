//! Checking what happened: when it was received and happened, how, where, what kind of
//! incident, and whether the police are involved.

use super::*;

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
