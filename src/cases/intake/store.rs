//! Reading the form's pick-lists and saving a report: a new case, or a further report on
//! an open one. Each save is one transaction with its timeline entry and audit row.

use super::check::{Decision, Report, ValidCase, ValidIncident, ValidPerson};
use crate::cases::events::EventKind;
use crate::cases::timeline::Actor;
use crate::{
    cases::{
        codes, people as people_store, reference,
        settings::CaseSettings,
        timeline::{self, Entry},
        visibility::Viewer,
    },
    deadlines,
    web::time_fmt,
};
use entity::{
    areas, case_access, case_parties, case_strands, cases, incident_types, incidents, people, strands,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use std::collections::HashSet;

/// What the new-case form offers: strands, areas (the viewer's own first) and the
/// settings the priority suggestion depends on.
pub struct Choices {
    pub strands: Vec<strands::Model>,
    pub my_areas: Vec<areas::Model>,
    pub other_areas: Vec<areas::Model>,
    pub settings: CaseSettings,
}

impl Choices {
    pub async fn load(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<Self, DbErr> {
        let strands = strands::Entity::find()
            .filter(strands::Column::Retired.eq(false))
            .order_by_asc(strands::Column::Position)
            .all(db)
            .await?;
        let (my_areas, other_areas) = crate::cases::areas::all(db)
            .await?
            .into_iter()
            .filter(|a| !a.retired)
            .partition(|a| viewer.area_ids.contains(&a.id));
        Ok(Choices {
            strands,
            my_areas,
            other_areas,
            settings: CaseSettings::load(db).await?,
        })
    }

    /// The officer's first area: most reports are from their own patch.
    pub fn default_area(&self) -> Option<i32> {
        self.my_areas.first().map(|a| a.id)
    }

    /// Every area a case may be logged in.
    pub fn areas(&self) -> Vec<areas::Model> {
        self.my_areas.iter().chain(&self.other_areas).cloned().collect()
    }
}

/// How a case comes to be opened.
pub enum Opening<'a> {
    /// Logged now, on the form.
    Logged,
    /// Brought in from the landlord's earlier records: numbered in the year it was
    /// received, with the landlord's reference, given to the harassment officer the file
    /// names (`owner`, checked as assignable); audited once for the whole import.
    Imported {
        import_id: i32,
        external_ref: &'a str,
        owner: Option<i32>,
    },
}

/// Someone named on a case as it was opened, in the order the report named them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// The `case_parties` row.
    pub party_id: i32,
    pub person_id: i32,
    /// `codes::PARTY_ROLES`.
    pub role: String,
    /// As stored (a known person keeps the name on their record).
    pub name: Option<String>,
}

/// A case just opened, who it names and the deadlines planned for it.
pub struct Opened {
    pub case: cases::Model,
    pub named: Vec<Named>,
    pub deadlines: Vec<entity::deadlines::Model>,
}

/// Opens a case for `report`. The reference is taken inside the transaction, so it is
/// numbered only if the case is saved.
pub async fn create_case(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &ValidCase,
    report: &Report,
    opening: &Opening<'_>,
) -> Result<Opened, DbErr> {
    let (year, external_ref, import_id, owner) = match opening {
        Opening::Logged => (time_fmt::london(by.now).year(), None, None, None),
        Opening::Imported {
            import_id,
            external_ref,
            owner,
        } => (
            time_fmt::london(report.incident.received_at).year(),
            Some((*external_ref).to_owned()),
            Some(*import_id),
            *owner,
        ),
    };
    let saved = cases::ActiveModel {
        reference: Set(reference::next(txn, year).await?),
        status: Set(codes::OPEN.to_owned()),
        priority: Set(case.priority.to_owned()),
        suggested_priority: Set(case.suggested_priority.to_owned()),
        priority_reason: Set(case.priority_reason.clone()),
        hate_perceived: Set(case.hate_perceived),
        perceived_by: Set(case.perceived_by.map(str::to_owned)),
        area_id: Set(case.area_id),
        owner_id: Set(owner),
        logged_by: Set(by.viewer.id),
        received_at: Set(report.incident.received_at),
        opened_at: Set(by.now),
        updated_at: Set(by.now),
        restricted: Set(false),
        version: Set(1),
        procedure_version_id: Set(deadlines::rules_cache::current_procedure(txn).await?.version_id),
        external_ref: Set(external_ref),
        import_id: Set(import_id),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    insert_strands(txn, saved.id, &case.strand_ids).await?;
    // The logger stays named on the case, so they keep seeing it if it is restricted;
    // so does its officer.
    let named: HashSet<i32> = [Some(by.viewer.id), owner].into_iter().flatten().collect();
    // Held in a bulk write: its readers there (restriction, and assignment, which could
    // otherwise name the same person twice) flush it first; the demo landlord's casework
    // is handed its cases, not found through the visibility filter.
    let access = named.into_iter().map(|user_id| case_access::ActiveModel {
        case_id: Set(saved.id),
        user_id: Set(user_id),
        added_at: Set(by.now),
        added_by: Set(Some(by.viewer.id)),
    });
    crate::db::bulk::insert(txn, access.collect()).await?;
    // A new case: nobody is named on it yet.
    let named = add_incident_and_people(txn, by, &saved, report, HashSet::new()).await?;
    let entry = Entry::event(
        &saved,
        EventKind::Opened,
        report.incident.received_at,
        summary(&report.incident),
    );
    match opening {
        Opening::Logged => timeline::record(txn, by.now, by.viewer, by.origin, "case.created", entry).await?,
        Opening::Imported { external_ref, .. } => {
            timeline::write(txn, by.now, by.viewer, &entry).await?;
            let imported = format!(
                "Imported from the landlord's earlier records (their reference {external_ref}) by {} on {}",
                by.viewer.display_name,
                time_fmt::plain_date(time_fmt::london(by.now).date())
            );
            timeline::write(
                txn,
                by.now,
                by.viewer,
                &Entry::event(&saved, EventKind::Imported, by.now, imported),
            )
            .await?;
        }
    }
    let people = report.people.iter().map(|p| (p.role, p.details.kind.as_str()));
    let facts = deadlines::schedule::facts_of_report(&report.incident.types, people);
    let deadlines =
        deadlines::schedule::after_opening(txn, &saved, facts, report.incident.received_at, by.now).await?;
    Ok(Opened {
        case: saved,
        named,
        deadlines,
    })
}

/// Adds `report` to an open case. `false` (and nothing written) when the case was closed
/// in the meantime.
pub async fn add_report(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    report: &Report,
) -> Result<bool, DbErr> {
    // Touching the row only while it is open makes "still open?" and the write one step,
    // and (on PostgreSQL) locks the case against a close racing this report.
    let touched = cases::Entity::update_many()
        .col_expr(cases::Column::UpdatedAt, Expr::value(by.now))
        .filter(cases::Column::Id.eq(case.id))
        .filter(cases::Column::Status.eq(codes::OPEN))
        .exec(txn)
        .await?;
    if touched.rows_affected == 0 {
        return Ok(false);
    }
    let on_case = parties_on(txn, case.id).await?;
    add_incident_and_people(txn, by, case, report, on_case).await?;
    let entry = Entry::event(
        case,
        EventKind::FurtherReport,
        report.incident.received_at,
        summary(&report.incident),
    );
    timeline::record(txn, by.now, by.viewer, by.origin, "case.report_added", entry).await?;
    // New people or incident types may call for stages the case did not need before.
    deadlines::schedule::after_report(txn, case, report.incident.received_at, by.now).await?;
    Ok(true)
}

async fn insert_strands(txn: &DatabaseTransaction, case_id: i32, strand_ids: &[i32]) -> Result<(), DbErr> {
    let rows = strand_ids.iter().map(|&strand_id| case_strands::ActiveModel {
        case_id: Set(case_id),
        strand_id: Set(strand_id),
    });
    // Nothing in a bulk write reads strands back.
    crate::db::bulk::insert(txn, rows.collect()).await
}

/// Who is named on the case already, in which role.
async fn parties_on(txn: &DatabaseTransaction, case_id: i32) -> Result<HashSet<(i32, String)>, DbErr> {
    Ok(case_parties::Entity::find()
        .select_only()
        .columns([case_parties::Column::PersonId, case_parties::Column::Role])
        .filter(case_parties::Column::CaseId.eq(case_id))
        .into_tuple::<(i32, String)>()
        .all(txn)
        .await?
        .into_iter()
        .collect())
}

async fn add_incident_and_people(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    report: &Report,
    on_case: HashSet<(i32, String)>,
) -> Result<Vec<Named>, DbErr> {
    let incident = insert_incident(txn, by, case.id, &report.incident).await?;
    link_people(txn, by, case.id, incident.id, &report.people, on_case).await
}

async fn insert_incident(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case_id: i32,
    i: &ValidIncident,
) -> Result<incidents::Model, DbErr> {
    let incident = incidents::ActiveModel {
        case_id: Set(case_id),
        received_at: Set(i.received_at),
        received_how: Set(i.received_how.to_owned()),
        reporter_type: Set(i.reporter_type.to_owned()),
        reporter_name: Set(i.reporter_name.clone()),
        occurred_kind: Set(i.occurred_kind.to_owned()),
        occurred_at: Set(i.occurred_at),
        location_kind: Set(i.location_kind.to_owned()),
        location_address: Set(i.location_address.clone()),
        other_type: Set(i.other_type.clone()),
        description: Set(i.description.clone()),
        police_involved: Set(i.police_involved == Some(true)),
        police_known: Set(i.police_involved.is_some()),
        crime_reference: Set(i.crime_reference.clone()),
        logged_by: Set(by.viewer.id),
        created_at: Set(by.now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let types = i.types.iter().map(|code| incident_types::ActiveModel {
        incident_id: Set(incident.id),
        type_code: Set(code.clone()),
    });
    // Held back in a bulk write; deadline planning, their one reader there, flushes them.
    crate::db::bulk::insert(txn, types.collect()).await?;
    Ok(incident)
}

/// Stores new people, fills in what known ones lacked, and names each on the case in
/// their role, once (someone `on_case` in that role already is not added again). Returns
/// those newly named, in the order the report names them (the first victim is the victim
/// an import's first contact was with).
async fn link_people(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case_id: i32,
    incident_id: i32,
    people: &[ValidPerson],
    mut on_case: HashSet<(i32, String)>,
) -> Result<Vec<Named>, DbErr> {
    let mut named = vec![];
    for (p, person) in people.iter().zip(save_people(txn, by, people).await?) {
        people_store::queue_possible_duplicates(txn, by.now, person.id, &p.possibly_same, case_id).await?;
        if on_case.insert((person.id, p.role.to_owned())) {
            named.push((person, p.role));
        }
    }
    if named.is_empty() {
        return Ok(vec![]);
    }
    let rows = named.iter().map(|(person, role)| case_parties::ActiveModel {
        case_id: Set(case_id),
        person_id: Set(person.id),
        role: Set((*role).to_owned()),
        incident_id: Set(Some(incident_id)),
        added_at: Set(by.now),
        added_by: Set(by.viewer.id),
        ..Default::default()
    });
    let stored = case_parties::Entity::insert_many(rows)
        .exec_with_returning(txn)
        .await?;
    // RETURNING promises no order: each row is found again by its (person, role), which
    // is unique on a case.
    named
        .into_iter()
        .map(|(person, role)| {
            let party = stored
                .iter()
                .find(|s| s.person_id == person.id && s.role == role)
                .ok_or_else(|| DbErr::RecordNotFound(format!("party {} as {role}", person.id)))?;
            Ok(Named {
                party_id: party.id,
                person_id: person.id,
                role: role.to_owned(),
                name: person.name,
            })
        })
        .collect()
}

/// Fills in what known people lacked and stores the new ones together; returns each
/// person as stored, in the order of `people`.
async fn save_people(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    people: &[ValidPerson],
) -> Result<Vec<people::Model>, DbErr> {
    let mut known = Vec::with_capacity(people.len());
    for p in people {
        let found = match p.decision {
            Decision::Reuse(id) => people::Entity::find_by_id(id).one(txn).await?,
            Decision::New | Decision::Undecided => None,
        };
        known.push(match found {
            Some(found) => Some(people_store::fill_blanks(txn, by.now, found, &p.details).await?),
            None => None,
        });
    }
    let new: Vec<_> = people
        .iter()
        .zip(&known)
        .filter(|(_, k)| k.is_none())
        .map(|(p, _)| &p.details)
        .collect();
    let mut created = people_store::create_all(txn, by.now, by.viewer.id, &new)
        .await?
        .into_iter();
    known
        .into_iter()
        .map(|k| k.or_else(|| created.next()).ok_or(DbErr::RecordNotInserted))
        .collect()
}

/// The timeline's one line about a report: how it came in and what it was.
fn summary(i: &ValidIncident) -> String {
    let types: Vec<&str> = i
        .types
        .iter()
        .map(|t| match (t.as_str(), &i.other_type) {
            (codes::OTHER_TYPE, Some(other)) => other.as_str(),
            (code, _) => codes::label(&codes::INCIDENT_TYPES, code),
        })
        .collect();
    // What an imported spreadsheet did not say is left out, not written as an answer.
    let how = [
        (i.received_how != codes::NOT_RECORDED)
            .then(|| codes::label(&codes::RECEIVED_HOW, i.received_how).to_lowercase()),
        (i.reporter_type != codes::NOT_RECORDED).then(|| {
            format!(
                "from {}",
                codes::label(&codes::REPORTER_TYPES, i.reporter_type).to_lowercase()
            )
        }),
    ];
    let how: Vec<String> = how.into_iter().flatten().collect();
    match how.is_empty() {
        true => format!("Report received: {}", types.join("; ")),
        false => format!("Report received ({}): {}", how.join(", "), types.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn incident(received_how: &'static str, reporter_type: &'static str) -> ValidIncident {
        ValidIncident {
            received_at: datetime!(2026-11-23 09:00 UTC),
            received_how,
            reporter_type,
            reporter_name: None,
            occurred_kind: "unknown",
            occurred_at: None,
            location_kind: "home",
            location_address: None,
            types: vec!["verbal-abuse".to_owned()],
            other_type: None,
            description: "Shouted".to_owned(),
            police_involved: None,
            crime_reference: None,
        }
    }

    #[test]
    fn the_timeline_line_leaves_out_what_an_import_did_not_say() {
        assert_eq!(
            summary(&incident("phone", codes::VICTIM)),
            "Report received (phone, from the victim): Verbal abuse"
        );
        assert_eq!(
            summary(&incident(codes::NOT_RECORDED, codes::NOT_RECORDED)),
            "Report received: Verbal abuse"
        );
        assert_eq!(
            summary(&incident(codes::NOT_RECORDED, codes::VICTIM)),
            "Report received (from the victim): Verbal abuse"
        );
    }
}
