//! Corrections in the database: the person on a case, saving a correction over the version
//! the form was opened on (each earlier value kept in `person_changes`, the search terms and
//! match keys in step, the timeline told which details changed and the change audited), and
//! a person's history of corrections.

use crate::people::fields;
use crate::{
    audit::{self, Event},
    cases::{
        codes::{self, label},
        events::EventKind,
        people::{MONITORING_COLUMNS, index_terms},
        timeline::{self, Actor, Entry},
        visibility::Viewer,
    },
    error::{AppError, AppResult},
};
use entity::{case_parties, cases, people, person_changes, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseTransaction, DbErr, EntityTrait, IdenStatic, IntoActiveModel, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// The person `id` on `case` and their part in it; `NotFound` when they are not on it.
pub(super) async fn party(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    id: &str,
) -> AppResult<(people::Model, &'static str)> {
    let id: i32 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let part = case_parties::Entity::find()
        .filter(case_parties::Column::CaseId.eq(case.id))
        .filter(case_parties::Column::PersonId.eq(id))
        .order_by_asc(case_parties::Column::Id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = people::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = codes::find(&codes::PARTY_ROLES, &part.role).unwrap_or(codes::VICTIM);
    Ok((person, role))
}

/// Person `id` as saved now; `NotFound` when they are gone.
pub(super) async fn latest(db: &impl ConnectionTrait, id: i32) -> AppResult<people::Model> {
    people::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Saves `corrected` (the `changed` details, for `reason`) over `person`, in their part
/// `role` on `case`, if `person` is unchanged since the form was opened: the earlier values
/// go to `person_changes`, with the timeline entry and the audit record. The saved record,
/// or `None` (nothing written) when someone else saved first.
pub(super) async fn correct(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    (person, role): (&people::Model, &str),
    corrected: &people::Model,
    changed: &[(people::Column, &'static str)],
    reason: &str,
) -> AppResult<Option<people::Model>> {
    let (viewer, now) = (by.viewer, by.now);
    crate::retention::lock_unless_disposed(txn, case).await?;
    let mut update = corrected.clone().into_active_model().reset_all();
    update.id = NotSet;
    update.version = NotSet; // moved on by the save
    update.updated_at = Set(now);
    let saved = crate::db::versioned::save_if_unchanged(
        txn,
        people::Entity::update_many().set(update),
        person.id,
        person.version,
    )
    .await?;
    if !saved {
        return Ok(None);
    }
    let stored = latest(txn, person.id).await?;
    index_terms(txn, &stored).await?;
    for (column, _) in changed {
        person_changes::ActiveModel {
            person_id: Set(person.id),
            case_id: Set(Some(case.id)),
            field: Set(column.as_str().to_owned()),
            old_value: Set(fields::shown(person, *column)),
            new_value: Set(fields::shown(&stored, *column)),
            reason: Set(reason.to_owned()),
            changed_by: Set(viewer.id),
            changed_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    // Field names only: the timeline and the audit trail carry no values (the audit trail
    // is read by administrators; monitoring answers are need-to-know).
    let names: Vec<String> = changed.iter().map(|(_, l)| l.to_lowercase()).collect();
    let names = names.join(", ");
    let role_name = label(&codes::PARTY_ROLES, role).to_lowercase();
    let mut entry = Entry::event(
        case,
        EventKind::PersonCorrected,
        now,
        format!("Details of the {role_name} corrected: {names}"),
    );
    entry.person_id = Some(person.id);
    timeline::write(txn, now, viewer, &entry).await?;
    audit::record(
        txn,
        now,
        &viewer.audit_actor(),
        by.origin,
        Event::new(
            "person.corrected",
            format!(
                "{}: details of person {} corrected: {names}",
                case.reference, person.id
            ),
        )
        .on("person", person.id),
    )
    .await?;
    Ok(Some(stored))
}

/// One corrected detail, as the history shows it.
pub struct Change {
    pub row: person_changes::Model,
    /// The detail's name as people read it.
    pub label: String,
    pub by: String,
}

impl Change {
    /// Ethnicity and the other protected characteristics: their values are need-to-know,
    /// so the history says they changed without saying from what to what.
    pub fn is_monitoring(&self) -> bool {
        is_monitoring(&self.row.field)
    }
}

pub fn is_monitoring(field: &str) -> bool {
    field == people::Column::Ethnicity.as_str() || MONITORING_COLUMNS.iter().any(|c| c.as_str() == field)
}

/// A detail's name as people read it, from its column name.
fn field_label(field: &str) -> String {
    fields::all()
        .into_iter()
        .find(|(c, _)| c.as_str() == field)
        .map_or_else(|| field.to_owned(), |(_, l)| l.to_owned())
}

/// Every correction of `person_id`, newest first.
/// The person's corrections made from cases `viewer` may see (or from no case now): the
/// reasons typed on a restricted case stay with it.
pub async fn history(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    person_id: i32,
) -> Result<Vec<Change>, DbErr> {
    let visible = sea_orm::sea_query::Query::select()
        .column(cases::Column::Id)
        .from(cases::Entity)
        .cond_where(viewer.condition())
        .to_owned();
    let rows = person_changes::Entity::find()
        .filter(person_changes::Column::PersonId.eq(person_id))
        .filter(
            sea_orm::Condition::any()
                .add(person_changes::Column::CaseId.is_null())
                .add(person_changes::Column::CaseId.in_subquery(visible)),
        )
        .order_by_desc(person_changes::Column::ChangedAt)
        .order_by_desc(person_changes::Column::Id)
        .all(db)
        .await?;
    let names: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().map(|r| r.changed_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| Change {
            label: field_label(&row.field),
            by: names.get(&row.changed_by).cloned().unwrap_or_default(),
            row,
        })
        .collect())
}
