//! Case data written straight to the database, for tests of pages and lists that need
//! cases to exist (intake itself is tested through its form).

#![allow(dead_code)]

use crate::common::TestApp;
use entity::{
    areas, case_access, case_parties, case_strands, cases, incident_types, incidents, people, strands,
    user_areas,
};
use harbour::cases::{codes, people as people_store, reference};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use time::OffsetDateTime;

pub async fn area(app: &TestApp, name: &str) -> i32 {
    areas::ActiveModel {
        name: Set(name.to_owned()),
        name_key: Set(name.to_lowercase()),
        retired: Set(false),
        created_at: Set(app.now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert area")
    .id
}

pub async fn give_area(app: &TestApp, user_id: i32, area_id: i32) {
    user_areas::Entity::insert(user_areas::ActiveModel {
        user_id: Set(user_id),
        area_id: Set(area_id),
    })
    .exec_without_returning(&app.db)
    .await
    .expect("insert user area");
}

#[derive(Clone)]
pub struct PersonSpec {
    pub name: String,
    pub tenancy_ref: Option<String>,
    pub postcode: Option<String>,
    pub address: Option<String>,
    pub ethnicity: String,
    /// Reuse this existing person instead of creating one.
    pub existing_id: Option<i32>,
}

impl PersonSpec {
    pub fn named(name: &str) -> Self {
        PersonSpec {
            name: name.to_owned(),
            tenancy_ref: None,
            postcode: None,
            address: None,
            ethnicity: codes::NOT_KNOWN.to_owned(),
            existing_id: None,
        }
    }

    pub fn tenancy(mut self, reference: &str) -> Self {
        self.tenancy_ref = Some(reference.to_owned());
        self
    }

    pub fn at(mut self, address: &str, postcode: &str) -> Self {
        self.address = Some(address.to_owned());
        self.postcode = Some(postcode.to_owned());
        self
    }

    pub fn existing(id: i32) -> Self {
        PersonSpec {
            existing_id: Some(id),
            ..PersonSpec::named("")
        }
    }
}

#[derive(Clone)]
pub struct CaseSpec {
    pub logged_by: i32,
    pub area_id: i32,
    pub owner_id: Option<i32>,
    pub status: &'static str,
    pub priority: &'static str,
    pub restricted: bool,
    /// Staff named on the case (who may see it when restricted).
    pub named: Vec<i32>,
    pub received_at: Option<OffsetDateTime>,
    pub hate: bool,
    pub strands: Vec<&'static str>,
    pub victims: Vec<PersonSpec>,
    pub witnesses: Vec<PersonSpec>,
    pub perpetrators: Vec<PersonSpec>,
    pub description: String,
}

impl CaseSpec {
    pub fn new(logged_by: i32, area_id: i32) -> Self {
        CaseSpec {
            logged_by,
            area_id,
            owner_id: None,
            status: codes::OPEN,
            priority: codes::P1,
            restricted: false,
            named: vec![],
            received_at: None,
            hate: true,
            strands: vec!["race"],
            victims: vec![PersonSpec::named("Amina Khan")],
            witnesses: vec![],
            perpetrators: vec![],
            description: "Shouted racist abuse at the victim on the stairs".to_owned(),
        }
    }
}

/// A created case: its reference and the ids of the people on it, in spec order
/// (victims, then witnesses, then perpetrators).
pub struct Created {
    pub reference: String,
    pub id: i32,
    pub people: Vec<i32>,
}

pub async fn case(app: &TestApp, spec: CaseSpec) -> Created {
    let now = app.now();
    let received = spec.received_at.unwrap_or(now);
    let txn = harbour::db::begin(&app.db).await.expect("begin");
    let reference = reference::next(&txn, received.year()).await.expect("reference");
    let case = cases::ActiveModel {
        reference: Set(reference.clone()),
        status: Set(spec.status.to_owned()),
        priority: Set(spec.priority.to_owned()),
        suggested_priority: Set(spec.priority.to_owned()),
        hate_perceived: Set(spec.hate),
        perceived_by: Set(spec.hate.then(|| "victim".to_owned())),
        area_id: Set(spec.area_id),
        owner_id: Set(spec.owner_id),
        logged_by: Set(spec.logged_by),
        received_at: Set(received),
        opened_at: Set(now),
        updated_at: Set(now),
        closed_at: Set((spec.status == codes::CLOSED).then_some(now)),
        outcome: Set((spec.status == codes::CLOSED).then(|| "resolved".to_owned())),
        restricted: Set(spec.restricted),
        version: Set(1),
        procedure_version_id: Set(harbour::procedure::store::current(&txn)
            .await
            .expect("procedure")
            .version_id),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .expect("insert case");
    let incident = incidents::ActiveModel {
        case_id: Set(case.id),
        received_at: Set(received),
        received_how: Set("phone".to_owned()),
        reporter_type: Set("victim".to_owned()),
        occurred_kind: Set("unknown".to_owned()),
        location_kind: Set("home".to_owned()),
        description: Set(spec.description.clone()),
        police_involved: Set(false),
        logged_by: Set(spec.logged_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .expect("insert incident");
    incident_types::Entity::insert(incident_types::ActiveModel {
        incident_id: Set(incident.id),
        type_code: Set("verbal-abuse".to_owned()),
    })
    .exec_without_returning(&txn)
    .await
    .expect("insert type");
    for code in &spec.strands {
        let strand = strands::Entity::find()
            .filter(strands::Column::Code.eq(*code))
            .one(&txn)
            .await
            .expect("strand")
            .expect("strand exists");
        case_strands::Entity::insert(case_strands::ActiveModel {
            case_id: Set(case.id),
            strand_id: Set(strand.id),
        })
        .exec_without_returning(&txn)
        .await
        .expect("insert case strand");
    }
    let mut people_ids = vec![];
    let roles = [
        (codes::VICTIM, &spec.victims),
        (codes::WITNESS, &spec.witnesses),
        (codes::PERPETRATOR, &spec.perpetrators),
    ];
    for (role, list) in roles {
        for p in list.iter() {
            let person_id = match p.existing_id {
                Some(id) => id,
                None => {
                    let person = people::ActiveModel {
                        kind: Set(codes::NAMED.to_owned()),
                        name: Set(Some(p.name.clone())),
                        name_key: Set(Some(people_store::name_key(&p.name))),
                        address: Set(p.address.clone()),
                        postcode: Set(p.postcode.clone()),
                        postcode_key: Set(p.postcode.as_deref().map(people_store::postcode_key)),
                        tenancy_ref: Set(p.tenancy_ref.clone()),
                        tenancy_ref_key: Set(p.tenancy_ref.as_deref().map(people_store::tenancy_ref_key)),
                        interpreter: Set(false),
                        ethnicity: Set(p.ethnicity.clone()),
                        ethnicity_list: Set(codes::ETHNICITY_LIST.to_owned()),
                        created_by: Set(spec.logged_by),
                        created_at: Set(now),
                        updated_at: Set(now),
                        version: Set(1),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await
                    .expect("insert person");
                    people_store::index_terms(&txn, &person).await.expect("terms");
                    person.id
                }
            };
            case_parties::ActiveModel {
                case_id: Set(case.id),
                person_id: Set(person_id),
                role: Set(role.to_owned()),
                incident_id: Set(Some(incident.id)),
                added_at: Set(now),
                added_by: Set(spec.logged_by),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .expect("insert party");
            people_ids.push(person_id);
        }
    }
    for user_id in &spec.named {
        case_access::Entity::insert(case_access::ActiveModel {
            case_id: Set(case.id),
            user_id: Set(*user_id),
            added_at: Set(now),
            added_by: Set(None),
        })
        .exec_without_returning(&txn)
        .await
        .expect("insert access");
    }
    // Deadlines as intake plans them (nothing for a case created closed).
    harbour::deadlines::schedule::after_report(&txn, &case, received, now)
        .await
        .expect("plan deadlines");
    txn.commit().await.expect("commit");
    Created {
        reference,
        id: case.id,
        people: people_ids,
    }
}

/// Form fields answering every open deadline on `case_id` with `answer` ("done",
/// "not-applicable" or "waived") and a reason, as the close form asks.
pub async fn deadline_answers(app: &TestApp, case_id: i32, answer: &str) -> Vec<(String, String)> {
    use entity::deadlines;
    let open = deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case_id))
        .filter(deadlines::Column::Status.eq("open"))
        .all(&app.db)
        .await
        .expect("open deadlines");
    open.iter()
        .flat_map(|d| {
            [
                (format!("deadline-{}", d.id), answer.to_owned()),
                (format!("deadline-{}-reason", d.id), "Case closing".to_owned()),
            ]
        })
        .collect()
}

/// The deadlines on a case, in id order.
pub async fn deadlines_of(app: &TestApp, case_id: i32) -> Vec<entity::deadlines::Model> {
    use entity::deadlines;
    use sea_orm::QueryOrder;
    deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case_id))
        .order_by_asc(deadlines::Column::Id)
        .all(&app.db)
        .await
        .expect("deadlines")
}
