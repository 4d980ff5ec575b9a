//! People: one record per person across cases, matched for reuse (same tenancy reference,
//! or same name and postcode), and searchable by word through `person_terms`.

use super::{codes, visibility::Viewer};
use entity::{case_parties, cases, people, person_duplicates, person_terms};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, ModelTrait, QueryFilter, QueryOrder, QuerySelect, Value,
};
use std::collections::HashMap;
use time::OffsetDateTime;

pub mod known;

/// A case's parties with their people, in the order they were added.
pub struct Parties(pub Vec<(case_parties::Model, people::Model)>);

/// The parties of case `case_id` with their people: one statement, and once per page
/// (`page_memo`): the case page's people, its related cases and its enforcement panel
/// all start from them.
pub async fn parties_of(db: &impl ConnectionTrait, case_id: i32) -> Result<std::sync::Arc<Parties>, DbErr> {
    crate::page_memo::kept_or(i64::from(case_id), async {
        let rows: Vec<(case_parties::Model, Option<people::Model>)> = case_parties::Entity::find()
            .join(
                sea_orm::JoinType::InnerJoin,
                case_parties::Entity::belongs_to(people::Entity)
                    .from(case_parties::Column::PersonId)
                    .to(people::Column::Id)
                    .into(),
            )
            .select_also(people::Entity)
            .filter(case_parties::Column::CaseId.eq(case_id))
            .order_by_asc(case_parties::Column::Id)
            .all(db)
            .await?;
        Ok(Parties(
            rows.into_iter().filter_map(|(cp, p)| Some((cp, p?))).collect(),
        ))
    })
    .await
}

/// Lower case, single spaces: "  Amina   KHAN " → "amina khan".
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Upper case without spaces: "le1 5ab" → "LE15AB".
pub fn postcode_key(postcode: &str) -> String {
    postcode
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

/// Upper case without spaces or separators: "t-0012 / 3" → "T00123".
pub fn tenancy_ref_key(reference: &str) -> String {
    reference
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_uppercase()
}

/// The longest search term stored (and the longest prefix searched).
pub const MAX_TERM_CHARS: usize = 64;

/// The words a caseload search can find this person by: each word of the name and
/// address (lower case, punctuation trimmed), the postcode and the tenancy reference.
/// Never their monitoring answers: nobody may find people by ethnicity or religion, and
/// most who search may not read them (`cases::monitoring`).
pub fn terms(p: &people::Model) -> Vec<String> {
    let mut terms: Vec<String> = [p.name.as_deref(), p.address.as_deref()]
        .into_iter()
        .flatten()
        .flat_map(search_words)
        .collect();
    if let Some(pc) = p.postcode_key.as_deref().filter(|k| !k.is_empty()) {
        terms.push(pc.to_lowercase());
        // The outward code alone ("LE1") finds everyone in a postcode district.
        if let Some(outward) = p.postcode.as_deref().and_then(|pc| pc.split_whitespace().next()) {
            terms.push(outward.to_lowercase());
        }
    }
    if let Some(t) = p.tenancy_ref_key.as_deref().filter(|k| !k.is_empty()) {
        terms.push(t.to_lowercase());
    }
    terms.sort();
    terms.dedup();
    terms
}

/// Splits typed text into search words the same way [`terms`] does.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_TERM_CHARS).collect())
        .collect()
}

/// Replaces the stored search terms of `person`.
pub async fn index_terms(db: &impl ConnectionTrait, person: &people::Model) -> Result<(), DbErr> {
    // Terms a bulk write holds back (`add_terms`) are replaced too.
    crate::db::bulk::flush::<person_terms::ActiveModel>(db).await?;
    person_terms::Entity::delete_many()
        .filter(person_terms::Column::PersonId.eq(person.id))
        .exec(db)
        .await?;
    add_terms(db, std::slice::from_ref(person)).await
}

/// Stores the search terms of people who have none yet, in one statement (held back in
/// a bulk write: nothing in one searches). Every writer of a person's details comes here,
/// so their match keys are noted here too ([`known`]).
async fn add_terms(db: &impl ConnectionTrait, people: &[people::Model]) -> Result<(), DbErr> {
    people.iter().for_each(known::note);
    let rows: Vec<_> = people
        .iter()
        .flat_map(|person| {
            terms(person).into_iter().map(|term| person_terms::ActiveModel {
                term: Set(term),
                person_id: Set(person.id),
            })
        })
        .collect();
    crate::db::bulk::insert(db, rows).await
}

/// What a form says about a person: a new one, or more about one already known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonDetails {
    /// `codes::PERSON_KINDS`.
    pub kind: String,
    pub name: Option<String>,
    /// What an unknown person or a group looked like, how many, and so on.
    pub description: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub preferred_contact: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub tenancy_ref: Option<String>,
    pub is_tenant: Option<bool>,
    pub household: Option<String>,
    pub language: Option<String>,
    pub interpreter: bool,
    pub vulnerabilities: Option<String>,
    /// Never blank (`codes::NOT_KNOWN` when not asked).
    pub ethnicity: String,
    /// Answers to `codes::CHARACTERISTICS`, in order; `None` when not asked.
    pub monitoring: [Option<String>; MONITORING],
}

pub const MONITORING: usize = codes::CHARACTERISTICS.len();

/// The columns holding the answers to `codes::CHARACTERISTICS`, in the same order.
pub const MONITORING_COLUMNS: [people::Column; MONITORING] = [
    people::Column::AgeBand,
    people::Column::Sex,
    people::Column::Disability,
    people::Column::Religion,
    people::Column::SexualOrientation,
    people::Column::GenderReassignment,
    people::Column::Marriage,
    people::Column::Pregnancy,
];

/// A stored person's answers to `codes::CHARACTERISTICS`, in order.
pub fn monitoring_answers(p: &people::Model) -> [Option<String>; MONITORING] {
    MONITORING_COLUMNS.map(|column| match sea_orm::ModelTrait::get(p, column) {
        sea_orm::Value::String(Some(s)) => Some(s),
        _ => None,
    })
}

impl PersonDetails {
    pub fn is_named(&self) -> bool {
        self.kind == codes::NAMED
    }

    /// The text columns a form can fill, with the values this form gives them (match
    /// keys included, so they are filled together with what they are keys of).
    fn text_columns(&self) -> Vec<(people::Column, Option<String>)> {
        use people::Column as C;
        let mut columns = vec![
            (C::Description, self.description.clone()),
            (C::Phone, self.phone.clone()),
            (C::Email, self.email.clone()),
            (C::PreferredContact, self.preferred_contact.clone()),
            (C::Address, self.address.clone()),
            (C::Postcode, self.postcode.clone()),
            (C::PostcodeKey, self.postcode.as_deref().map(postcode_key)),
            (C::TenancyRef, self.tenancy_ref.clone()),
            (C::TenancyRefKey, self.tenancy_ref.as_deref().map(tenancy_ref_key)),
            (C::Household, self.household.clone()),
            (C::Language, self.language.clone()),
            (C::Vulnerabilities, self.vulnerabilities.clone()),
        ];
        columns.extend(
            MONITORING_COLUMNS
                .into_iter()
                .zip(self.monitoring.iter().cloned()),
        );
        columns
    }
}

/// Stores a new person and their search terms.
pub async fn create(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
    by: i32,
    d: &PersonDetails,
) -> Result<people::Model, DbErr> {
    let mut created = create_all(db, now, by, &[d]).await?;
    created.pop().ok_or_else(|| DbErr::RecordNotInserted)
}

/// Stores new people and their search terms in two statements, whatever their number
/// (a report naming several); returns them in the order of `details`.
pub async fn create_all(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
    by: i32,
    details: &[&PersonDetails],
) -> Result<Vec<people::Model>, DbErr> {
    if details.is_empty() {
        return Ok(vec![]);
    }
    let rows = details
        .iter()
        .map(|d| new_row(now, by, d))
        .collect::<Result<Vec<_>, _>>()?;
    let mut stored = people::Entity::insert_many(rows).exec_with_returning(db).await?;
    // RETURNING promises no order: each is found again by what it says (two people alike
    // in every detail are interchangeable).
    let mut created = Vec::with_capacity(details.len());
    for d in details {
        let at = stored
            .iter()
            .position(|p| p.kind == d.kind && with_details(p, d).is_ok_and(|same| same == *p))
            .ok_or(DbErr::RecordNotInserted)?;
        created.push(stored.swap_remove(at));
    }
    add_terms(db, &created).await?;
    Ok(created)
}

/// A new person's row, as `d` describes them.
fn new_row(now: OffsetDateTime, by: i32, d: &PersonDetails) -> Result<people::ActiveModel, DbErr> {
    let mut person = people::ActiveModel {
        kind: Set(d.kind.clone()),
        name: Set(d.name.clone()),
        name_key: Set(d.name.as_deref().map(name_key)),
        is_tenant: Set(d.is_tenant),
        interpreter: Set(d.interpreter),
        ethnicity: Set(d.ethnicity.clone()),
        ethnicity_list: Set(codes::ETHNICITY_LIST.to_owned()),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    for (column, value) in d.text_columns() {
        person.try_set(column, Value::String(value))?;
    }
    Ok(person)
}

/// `p` with every detail replaced by what `d` says (match keys with them): a deliberate
/// correction, unlike [`fill_blanks`]. Ids, kind, authorship and version are kept.
pub fn with_details(p: &people::Model, d: &PersonDetails) -> Result<people::Model, DbErr> {
    let mut m = p.clone();
    m.name = d.name.clone();
    m.name_key = d.name.as_deref().map(name_key);
    m.is_tenant = d.is_tenant;
    m.interpreter = d.interpreter;
    if m.ethnicity != d.ethnicity {
        m.ethnicity = d.ethnicity.clone();
        m.ethnicity_list = codes::ETHNICITY_LIST.to_owned();
    }
    for (column, value) in d.text_columns() {
        m.try_set(column, Value::String(value))?;
    }
    Ok(m)
}

/// Most people looked at as possibly the same as one typed.
pub const MAX_MATCHES: u64 = 20;

/// Known people who may be the one described: the same tenancy reference, or the same
/// name and postcode. Only named people are matched (groups and unknowns never are).
pub async fn find_matches(db: &impl ConnectionTrait, d: &PersonDetails) -> Result<Vec<people::Model>, DbErr> {
    let tenancy = d
        .tenancy_ref
        .as_deref()
        .map(tenancy_ref_key)
        .filter(|k| !k.is_empty());
    let name = d.name.as_deref().map(name_key).filter(|k| !k.is_empty());
    let postcode = d.postcode.as_deref().map(postcode_key).filter(|k| !k.is_empty());
    let mut same = Condition::any();
    if let Some(t) = tenancy {
        same = same.add(people::Column::TenancyRefKey.eq(t));
    }
    if let (Some(n), Some(p)) = (name, postcode) {
        same = same.add(
            Condition::all()
                .add(people::Column::NameKey.eq(n))
                .add(people::Column::PostcodeKey.eq(p)),
        );
    }
    let nobody = || known::cannot_match(d.tenancy_ref.as_deref(), d.name.as_deref(), d.postcode.as_deref());
    if !d.is_named() || same.is_empty() || nobody() {
        return Ok(vec![]);
    }
    people::Entity::find()
        .filter(people::Column::Kind.eq(codes::NAMED))
        .filter(same)
        .order_by_asc(people::Column::Id)
        .limit(MAX_MATCHES)
        .all(db)
        .await
}

/// Reusing a known person: details the record lacks are filled in from the form; details
/// it already holds are kept (a changed phone number is a deliberate edit on the case
/// page, not a side effect of logging a report). Returns the record as stored.
pub async fn fill_blanks(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
    person: people::Model,
    d: &PersonDetails,
) -> Result<people::Model, DbErr> {
    let mut update = person.clone().into_active_model();
    let mut changed = false;
    for (column, value) in d.text_columns() {
        if value.is_some() && is_blank(&person.get(column)) {
            update.try_set(column, Value::String(value))?;
            changed = true;
        }
    }
    if person.is_tenant.is_none() && d.is_tenant.is_some() {
        update.is_tenant = Set(d.is_tenant);
        changed = true;
    }
    if !person.interpreter && d.interpreter {
        update.interpreter = Set(true);
        changed = true;
    }
    if person.ethnicity == codes::NOT_KNOWN && d.ethnicity != codes::NOT_KNOWN {
        update.ethnicity = Set(d.ethnicity.clone());
        update.ethnicity_list = Set(codes::ETHNICITY_LIST.to_owned());
        changed = true;
    }
    if !changed {
        return Ok(person);
    }
    update.updated_at = Set(now);
    update.version = Set(person.version + 1);
    let person = update.update(db).await?;
    index_terms(db, &person).await?;
    Ok(person)
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::String(Some(s)) => s.trim().is_empty(),
        Value::String(None) => true,
        _ => false,
    }
}

/// Which of `person_ids` appear on a restricted case.
pub async fn on_restricted_cases(db: &impl ConnectionTrait, person_ids: &[i32]) -> Result<Vec<i32>, DbErr> {
    if person_ids.is_empty() {
        return Ok(vec![]);
    }
    case_parties::Entity::find()
        .select_only()
        .column(case_parties::Column::PersonId)
        .distinct()
        .filter(case_parties::Column::PersonId.is_in(person_ids.to_vec()))
        .filter(
            case_parties::Column::CaseId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(cases::Column::Id)
                    .from(cases::Entity)
                    .and_where(cases::Column::Restricted.eq(true))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await
}

/// Queues `person_id`, just recorded on `case_id`, as possibly the same as each of
/// `others` (found by name and postcode on cases its officer could not see), for a
/// manager to merge or set apart.
pub async fn queue_possible_duplicates(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
    person_id: i32,
    others: &[i32],
    case_id: i32,
) -> Result<(), DbErr> {
    let rows: Vec<_> = others
        .iter()
        .filter(|&&other| other != person_id)
        .map(|&other_id| person_duplicates::ActiveModel {
            person_id: Set(person_id),
            other_id: Set(other_id),
            case_id: Set(case_id),
            found_at: Set(now),
            ..Default::default()
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    person_duplicates::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A case a person appears in, as far as the viewer may know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseLink {
    pub person_id: i32,
    pub case_id: i32,
    pub reference: String,
    pub status: String,
    /// The person's part in it (`codes::PARTY_ROLES`).
    pub role: String,
    pub received_at: OffsetDateTime,
}

/// The cases these people appear in that `viewer` may see, newest first. Cases the viewer
/// may not see are left out entirely, never counted or hinted at.
pub async fn visible_cases(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    person_ids: &[i32],
) -> Result<Vec<CaseLink>, DbErr> {
    if person_ids.is_empty() {
        return Ok(vec![]);
    }
    let parties: Vec<(i32, i32, String)> = case_parties::Entity::find()
        .select_only()
        .columns([
            case_parties::Column::PersonId,
            case_parties::Column::CaseId,
            case_parties::Column::Role,
        ])
        .filter(case_parties::Column::PersonId.is_in(person_ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    let mut case_ids: Vec<i32> = parties.iter().map(|(_, c, _)| *c).collect();
    case_ids.sort_unstable();
    case_ids.dedup();
    let visible: Vec<(i32, String, String, OffsetDateTime)> = cases::Entity::find()
        .select_only()
        .columns([
            cases::Column::Id,
            cases::Column::Reference,
            cases::Column::Status,
            cases::Column::ReceivedAt,
        ])
        .filter(cases::Column::Id.is_in(case_ids))
        .filter(viewer.condition())
        .order_by_desc(cases::Column::ReceivedAt)
        .order_by_desc(cases::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut roles: HashMap<i32, Vec<(i32, String)>> = HashMap::new();
    for (person_id, case_id, role) in parties {
        roles.entry(case_id).or_default().push((person_id, role));
    }
    Ok(visible
        .into_iter()
        .flat_map(|(case_id, reference, status, received_at)| {
            roles
                .remove(&case_id)
                .unwrap_or_default()
                .into_iter()
                .map(move |(person_id, role)| CaseLink {
                    person_id,
                    case_id,
                    reference: reference.clone(),
                    status: status.clone(),
                    role,
                    received_at,
                })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_spacing() {
        assert_eq!(name_key("  Amina   KHAN "), "amina khan");
        assert_eq!(postcode_key("le1 5ab"), "LE15AB");
        assert_eq!(tenancy_ref_key("t-0012 / 3"), "T00123");
    }

    #[test]
    fn search_words_trim_punctuation() {
        assert_eq!(
            search_words("12, Oak Road; O'Neil"),
            vec!["12", "oak", "road", "o'neil"]
        );
    }

    #[test]
    fn search_terms_hold_no_monitoring_answers() {
        let at = time::macros::datetime!(2026-11-01 09:00 UTC);
        let p = people::Model {
            id: 1,
            kind: codes::NAMED.to_owned(),
            name: Some("Rosie Lee".to_owned()),
            name_key: Some("rosie lee".to_owned()),
            description: None,
            phone: None,
            email: None,
            preferred_contact: None,
            address: Some("3 Elm Row".to_owned()),
            postcode: Some("LE2 1AA".to_owned()),
            postcode_key: Some("LE21AA".to_owned()),
            tenancy_ref: Some("T-9".to_owned()),
            tenancy_ref_key: Some("T9".to_owned()),
            is_tenant: Some(true),
            household: None,
            language: None,
            interpreter: false,
            vulnerabilities: None,
            ethnicity: "white-gypsy-traveller".to_owned(),
            ethnicity_list: codes::ETHNICITY_LIST.to_owned(),
            age_band: Some("25-34".to_owned()),
            sex: Some("female".to_owned()),
            disability: Some("yes".to_owned()),
            religion: Some("muslim".to_owned()),
            sexual_orientation: Some("bisexual".to_owned()),
            gender_reassignment: Some("no".to_owned()),
            marriage: Some("yes".to_owned()),
            pregnancy: Some("no".to_owned()),
            created_by: 1,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        let terms = terms(&p);
        assert_eq!(terms, ["3", "elm", "le2", "le21aa", "lee", "rosie", "row", "t9"]);
        let answers = monitoring_answers(&p)
            .into_iter()
            .flatten()
            .chain([p.ethnicity.clone()]);
        for answer in answers {
            for word in search_words(&answer)
                .into_iter()
                .chain(search_words(codes::ethnicity_label(&answer)))
            {
                assert!(!terms.contains(&word), "{word}");
            }
        }
    }

    #[test]
    fn monitoring_columns_follow_the_characteristics() {
        use sea_orm::IdenStatic;
        for (column, c) in MONITORING_COLUMNS.iter().zip(codes::CHARACTERISTICS.iter()) {
            assert_eq!(column.as_str(), c.field);
        }
    }

    #[test]
    fn blank_values_are_null_or_whitespace() {
        assert!(is_blank(&Value::String(None)));
        assert!(is_blank(&Value::String(Some("  ".into()))));
        assert!(!is_blank(&Value::String(Some("07700 900123".into()))));
    }
}
