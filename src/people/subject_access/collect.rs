//! Gathering everything held about one person across the cases the viewer may see: their
//! details, monitoring answers and corrections, and per case its summary, their part in
//! it, its reports and the records that concern them (every record of a case they are the
//! victim on; otherwise the reports and the records naming them), with everyone else
//! redacted (`redact`). The records are the case chronology's, so nothing is missed that
//! the chronology shows.

use super::redact::{Redactor, Replaced, role_tag};
use crate::{
    cases::{
        codes::{self, label},
        details::store::strand_ids,
        parts::person_name,
        people::name_key,
        visibility::Viewer,
    },
    chronology::{
        When,
        entry::Source,
        load::{self as chronology},
    },
    people::{correction, fields},
};
use entity::{
    case_parties, cases, incident_types, incidents, people, person_changes, person_merges, strands,
    timeline_entries,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IdenStatic, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::OffsetDateTime;

/// A detail as people read it.
#[derive(Clone, Debug, Serialize)]
pub struct Detail {
    pub detail: String,
    pub value: String,
}

/// One correction of the subject's details (their own data: values included).
#[derive(Clone, Debug, Serialize)]
pub struct Correction {
    pub detail: String,
    pub was: Option<String>,
    pub now: Option<String>,
    pub when: String,
    pub by: String,
    pub why: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PersonPart {
    pub person_id: i32,
    pub name: String,
    pub details: Vec<Detail>,
    pub monitoring: Vec<Detail>,
    pub corrections: Vec<Correction>,
    pub produced_at: String,
    pub produced_by: String,
    /// Cases the person is on that the producer may not see (a manager named on them
    /// must add their part).
    pub cases_not_included: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct IncidentPart {
    pub received: String,
    pub what_happened: Vec<String>,
    pub location: String,
    pub description: String,
}

/// One record of a case, as the chronology gives it, redacted.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    pub when: String,
    pub kind: String,
    pub details: String,
    pub by: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CasePart {
    pub reference: String,
    /// The subject's part(s) in the case.
    pub roles: Vec<String>,
    pub received: String,
    pub opened: String,
    pub closed: Option<String>,
    pub status: String,
    pub priority: String,
    pub strands: Vec<String>,
    pub outcome: Option<String>,
    pub incidents: Vec<IncidentPart>,
    /// Every record when the subject is a victim; else the records naming them.
    pub all_records: bool,
    pub records: Vec<Record>,
}

/// One kind of data replaced in one record: never the value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Redaction {
    pub case: String,
    pub record: String,
    pub data: &'static str,
    pub replaced_by: String,
    pub times: usize,
}

pub struct Dossier {
    pub person: PersonPart,
    pub cases: Vec<CasePart>,
    pub redactions: Vec<Redaction>,
}

fn text_of(at: OffsetDateTime) -> String {
    When::At(at).text()
}

/// The person's own details and monitoring answers, as people read them.
pub fn details_of(p: &people::Model) -> (Vec<Detail>, Vec<Detail>) {
    let (mut details, mut monitoring) = (vec![], vec![]);
    for (column, name) in fields::all() {
        if let Some(value) = fields::shown(p, column) {
            let d = Detail {
                detail: name.to_owned(),
                value,
            };
            if correction::is_monitoring(column.as_str()) {
                monitoring.push(d);
            } else {
                details.push(d);
            }
        }
    }
    (details, monitoring)
}

/// The cases `person_id` is on: those `viewer` may see (oldest first), and how many
/// others there are.
pub async fn cases_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    person_id: i32,
) -> Result<(Vec<cases::Model>, usize), DbErr> {
    let ids: BTreeSet<i32> = case_parties::Entity::find()
        .select_only()
        .column(case_parties::Column::CaseId)
        .filter(case_parties::Column::PersonId.eq(person_id))
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let visible = cases::Entity::find()
        .filter(cases::Column::Id.is_in(ids.iter().copied()))
        .filter(viewer.condition())
        .order_by_asc(cases::Column::ReceivedAt)
        .order_by_asc(cases::Column::Id)
        .all(db)
        .await?;
    let hidden = ids.len() - visible.len();
    Ok((visible, hidden))
}

pub async fn collect(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    person: &people::Model,
    now: OffsetDateTime,
) -> Result<Dossier, DbErr> {
    let (details, monitoring) = details_of(person);
    let (visible, hidden) = cases_of(db, viewer, person.id).await?;
    let mut redactions = vec![];
    let mut parts = vec![];
    let mut redactors = BTreeMap::new();
    for case in &visible {
        let (part, redactor) = case_part(db, viewer, person, case, now, &mut redactions).await?;
        parts.push(part);
        redactors.insert(case.id, (case.reference.as_str(), redactor));
    }
    // The values are the subject's own; a reason typed for a correction may name others:
    // redacted as on the case it was made from, or as on every case when that is not shown.
    let corrections = correction::history(db, viewer, person.id)
        .await?
        .into_iter()
        .map(|c| {
            let when = text_of(c.row.changed_at);
            let record = format!("Correction ({when})");
            // The case it was made from first: its parts name whoever it knows.
            let own = c.row.case_id.and_then(|id| redactors.get(&id));
            let others = redactors.iter().filter(|(id, _)| Some(**id) != c.row.case_id);
            let redactor = Redactor::combined(own.into_iter().chain(others.map(|(_, r)| r)).map(|(_, r)| r));
            let reference = own.map_or("", |(reference, _)| reference);
            let why = redacted(&redactor, &c.row.reason, reference, &record, &mut redactions);
            Correction {
                detail: c.label,
                was: c.row.old_value,
                now: c.row.new_value,
                when,
                by: c.by,
                why,
            }
        })
        .collect();
    Ok(Dossier {
        person: PersonPart {
            person_id: person.id,
            name: person_name(person),
            details,
            monitoring,
            corrections,
            produced_at: text_of(now),
            produced_by: viewer.display_name.clone(),
            cases_not_included: hidden,
        },
        cases: parts,
        redactions,
    })
}

/// Everyone else on `case` for the redactor; the subject's own parts in it.
async fn parties(
    db: &impl ConnectionTrait,
    subject: &people::Model,
    case: &cases::Model,
    reporters: &[String],
) -> Result<(Redactor, Vec<String>), DbErr> {
    let rows = case_parties::Entity::find()
        .filter(case_parties::Column::CaseId.eq(case.id))
        .order_by_asc(case_parties::Column::Id)
        .all(db)
        .await?;
    let persons: HashMap<i32, people::Model> = people::Entity::find()
        .filter(people::Column::Id.is_in(rows.iter().map(|r| r.person_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let earlier = earlier_details(db, &persons.keys().copied().collect::<Vec<_>>()).await?;
    // The subject's own details, now and before, are never anyone else's.
    let own: Vec<&str> = contact_details(subject)
        .into_iter()
        .filter_map(|(_, v)| v)
        .chain(
            earlier
                .get(&subject.id)
                .into_iter()
                .flatten()
                .map(|(_, v)| v.as_str()),
        )
        .collect();
    let mut redactor = Redactor::new(subject.name.as_deref()).subjects_own(&own);
    let mut roles = vec![];
    let mut seen = BTreeSet::new();
    for (role, role_label) in codes::PARTY_ROLES {
        let of_role: Vec<&people::Model> = rows
            .iter()
            .filter(|r| r.role == role)
            .filter_map(|r| {
                if r.person_id == subject.id {
                    roles.push(role_label.to_owned());
                    return None;
                }
                persons.get(&r.person_id)
            })
            .filter(|p| seen.insert(p.id))
            .collect();
        let several = of_role.len() > 1;
        for (n, p) in of_role.into_iter().enumerate() {
            let tag = role_tag(role_label, several.then_some(n + 1));
            let name = (p.kind == codes::NAMED)
                .then(|| p.name.clone())
                .flatten()
                .unwrap_or_else(|| person_name(p));
            redactor.person(&tag, Some(&name), &contact_details(p));
            for (data, value) in earlier.get(&p.id).into_iter().flatten() {
                match *data {
                    "name" => redactor.person(&tag, Some(value), &[]),
                    _ => redactor.person(&tag, None, &[(data, Some(value))]),
                }
            }
        }
    }
    // Someone named as the reporter who is not the subject.
    let own = subject.name.as_deref().map(name_key);
    for name in reporters {
        if Some(name_key(name)) != own {
            redactor.person(&role_tag("Reporter", None), Some(name), &[]);
        }
    }
    Ok((redactor, roles))
}

/// Redacts `text`, noting what was replaced against `record` of `case`.
fn redacted(redactor: &Redactor, text: &str, case: &str, record: &str, log: &mut Vec<Redaction>) -> String {
    let (out, replaced) = redactor.redact(text);
    for Replaced { data, replacement } in replaced {
        match log
            .iter_mut()
            .find(|r| r.case == case && r.record == record && r.data == data && r.replaced_by == replacement)
        {
            Some(r) => r.times += 1,
            None => log.push(Redaction {
                case: case.to_owned(),
                record: record.to_owned(),
                data,
                replaced_by: replacement,
                times: 1,
            }),
        }
    }
    out
}

async fn case_part(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    subject: &people::Model,
    case: &cases::Model,
    now: OffsetDateTime,
    log: &mut Vec<Redaction>,
) -> Result<(CasePart, Redactor), DbErr> {
    let reference = case.reference.as_str();
    let incident_rows = incidents::Entity::find()
        .filter(incidents::Column::CaseId.eq(case.id))
        .order_by_asc(incidents::Column::ReceivedAt)
        .order_by_asc(incidents::Column::Id)
        .all(db)
        .await?;
    let reporters: Vec<String> = incident_rows
        .iter()
        .filter_map(|i| i.reporter_name.clone())
        .filter(|n| !n.trim().is_empty())
        .collect();
    let (redactor, roles) = parties(db, subject, case, &reporters).await?;
    let all_records = roles
        .iter()
        .any(|r| r == label(&codes::PARTY_ROLES, codes::VICTIM));
    let types = incident_types::Entity::find()
        .filter(incident_types::Column::IncidentId.is_in(incident_rows.iter().map(|i| i.id)))
        .all(db)
        .await?;
    let incidents = incident_rows
        .iter()
        .enumerate()
        .map(|(n, i)| {
            let record = format!("Report {}", n + 1);
            let other = i.other_type.as_deref();
            let what_happened = codes::incident_types_said(&codes::codes_of(i.id, &types), other)
                .into_iter()
                .map(|(code, said)| match (code, other) {
                    // What was typed may name someone; the list's labels do not.
                    (codes::OTHER_TYPE, Some(_)) => redacted(&redactor, &said, reference, &record, log),
                    _ => said,
                })
                .collect();
            let place = match &i.location_address {
                Some(a) if !a.trim().is_empty() => {
                    format!("{}: {}", label(&codes::LOCATIONS, &i.location_kind), a.trim())
                }
                _ => label(&codes::LOCATIONS, &i.location_kind).to_owned(),
            };
            IncidentPart {
                received: text_of(i.received_at),
                what_happened,
                location: redacted(&redactor, &place, reference, &record, log),
                description: redacted(&redactor, &i.description, reference, &record, log),
            }
        })
        .collect();
    // Timeline rows recorded as with the subject (a contact with a witness, say).
    let with_subject: BTreeSet<i32> = timeline_entries::Entity::find()
        .select_only()
        .column(timeline_entries::Column::Id)
        .filter(timeline_entries::Column::CaseId.eq(case.id))
        .filter(timeline_entries::Column::PersonId.eq(subject.id))
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let chronology = chronology::load(db, case, &viewer.display_name, now).await?;
    let records = chronology
        .entries
        .iter()
        .filter(|e| {
            all_records
                || e.source == Source::Report
                || (e.source == Source::Timeline && with_subject.contains(&e.id))
                || redactor.names_subject(&e.details)
        })
        .map(|e| {
            let when = e.at.text();
            let record = format!("{} ({when})", e.kind);
            Record {
                details: redacted(&redactor, &e.details, reference, &record, log),
                kind: e.kind.to_owned(),
                by: e.author.clone(),
                when,
            }
        })
        .collect();
    let strand_ids = strand_ids(db, case.id).await?;
    let strands = strands::Entity::find()
        .filter(strands::Column::Id.is_in(strand_ids))
        .order_by_asc(strands::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.label)
        .collect();
    let part = CasePart {
        reference: case.reference.clone(),
        roles,
        received: text_of(case.received_at),
        opened: text_of(case.opened_at),
        closed: case.closed_at.map(text_of),
        status: label(&codes::STATUSES, &case.status).to_owned(),
        priority: label(&codes::PRIORITIES, &case.priority).to_owned(),
        strands,
        outcome: case
            .outcome
            .as_deref()
            .map(|o| label(&codes::OUTCOMES, o).to_owned()),
        incidents,
        all_records,
        records,
    };
    Ok((part, redactor))
}

/// The details that identify a person besides their name (column, what it is).
const CONTACT_DETAILS: [(&str, &str); 5] = [
    ("phone", "phone"),
    ("email", "email"),
    ("address", "address"),
    ("postcode", "postcode"),
    ("tenancy_ref", "tenancy reference"),
];

/// `p`'s contact details, as (what it is, value).
fn contact_details(p: &people::Model) -> Vec<(&'static str, Option<&str>)> {
    CONTACT_DETAILS
        .iter()
        .map(|&(column, data)| {
            let value = match column {
                "phone" => p.phone.as_deref(),
                "email" => p.email.as_deref(),
                "address" => p.address.as_deref(),
                "postcode" => p.postcode.as_deref(),
                _ => p.tenancy_ref.as_deref(),
            };
            (data, value)
        })
        .collect()
}

/// What each of `ids` was known by before a correction or a merge: records written
/// before then still carry it, and it is still theirs.
async fn earlier_details(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Vec<(&'static str, String)>>, DbErr> {
    let mut out: HashMap<i32, Vec<(&'static str, String)>> = HashMap::new();
    // A person's history keeps their earlier names and contact details.
    let history = || std::iter::once(&("name", "name")).chain(&CONTACT_DETAILS);
    let data_of = |column: &str| history().find(|(c, _)| *c == column).map(|(_, d)| *d);
    let changes = person_changes::Entity::find()
        .filter(person_changes::Column::PersonId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    for c in changes {
        if let (Some(data), Some(was)) = (data_of(&c.field), c.old_value) {
            out.entry(c.person_id).or_default().push((data, was));
        }
    }
    let merges = person_merges::Entity::find()
        .filter(person_merges::Column::KeptId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    for m in merges {
        let Ok(record) = serde_json::from_str::<serde_json::Value>(&m.record) else {
            continue;
        };
        for side in ["kept", "merged"] {
            for &(column, data) in history() {
                if let Some(was) = record["before"][side][column].as_str() {
                    out.entry(m.kept_id).or_default().push((data, was.to_owned()));
                }
            }
        }
    }
    Ok(out)
}
