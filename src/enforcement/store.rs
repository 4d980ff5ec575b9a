//! Reading and writing perpetrator actions, their status events and legal dates. Every
//! writing function works in the caller's transaction.

use super::{legal_stage, short_kind_label};
use crate::{
    cases::{codes, parts::person_name},
    deadlines::{dated, state},
    error::{AppError, AppResult},
};
use entity::{deadlines, legal_dates, perpetrator_action_events, perpetrator_actions};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};

/// An alleged perpetrator's part in a case, as forms and the panel name them.
#[derive(Clone, Debug)]
pub struct Perpetrator {
    pub party_id: i32,
    pub person_id: i32,
    /// "Mark Stone", "Not known: tall man", "Group: youths on the estate".
    pub name: String,
}

/// The case's alleged perpetrators, in the order they were added.
pub async fn perpetrators(db: &impl ConnectionTrait, case_id: i32) -> Result<Vec<Perpetrator>, DbErr> {
    Ok(crate::cases::people::parties_of(db, case_id)
        .await?
        .0
        .iter()
        .filter(|(cp, _)| cp.role == codes::PERPETRATOR)
        .map(|(cp, p)| Perpetrator {
            party_id: cp.id,
            person_id: p.id,
            name: person_name(p),
        })
        .collect())
}

/// Who an action is against, as a phrase: "Mark Stone" or "no one in particular".
pub fn against(perpetrators: &[Perpetrator], party_id: Option<i32>) -> String {
    match party_id {
        None => "no one in particular".to_owned(),
        Some(id) => perpetrators
            .iter()
            .find(|p| p.party_id == id)
            .map_or_else(|| "a former party".to_owned(), |p| p.name.clone()),
    }
}

/// The action `id` (as typed in the path) of `case_id`; 404 for anything else.
pub async fn find(
    db: &impl ConnectionTrait,
    case_id: i32,
    id: &str,
) -> AppResult<perpetrator_actions::Model> {
    let id: i32 = id.parse().map_err(|_| AppError::NotFound)?;
    perpetrator_actions::Entity::find_by_id(id)
        .filter(perpetrator_actions::Column::CaseId.eq(case_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The case's actions, oldest first.
/// Once per page (`page_memo`): the enforcement and retention panels both read them.
pub async fn actions_of(
    db: &impl ConnectionTrait,
    case_id: i32,
) -> Result<std::sync::Arc<Vec<perpetrator_actions::Model>>, DbErr> {
    crate::page_memo::kept_or(
        i64::from(case_id),
        perpetrator_actions::Entity::find()
            .filter(perpetrator_actions::Column::CaseId.eq(case_id))
            .order_by_asc(perpetrator_actions::Column::PlannedOn)
            .order_by_asc(perpetrator_actions::Column::Id)
            .all(db),
    )
    .await
}

/// An action's status history, in order (dates never go backwards, so date then id).
pub async fn events(
    db: &impl ConnectionTrait,
    action_id: i32,
) -> Result<Vec<perpetrator_action_events::Model>, DbErr> {
    crate::db::bulk::flush::<perpetrator_action_events::ActiveModel>(db).await?;
    perpetrator_action_events::Entity::find()
        .filter(perpetrator_action_events::Column::ActionId.eq(action_id))
        .order_by_asc(perpetrator_action_events::Column::OnDate)
        .order_by_asc(perpetrator_action_events::Column::Id)
        .all(db)
        .await
}

/// The legal dates of the actions `action_ids`, by date.
pub async fn legal_dates_of(
    db: &impl ConnectionTrait,
    action_ids: impl IntoIterator<Item = i32>,
) -> Result<Vec<legal_dates::Model>, DbErr> {
    legal_dates::Entity::find()
        .filter(legal_dates::Column::ActionId.is_in(action_ids))
        .order_by_asc(legal_dates::Column::DueOn)
        .order_by_asc(legal_dates::Column::Id)
        .all(db)
        .await
}

/// Every legal date on case `case_id`, by date; once per page (`page_memo`), like
/// [`actions_of`].
pub async fn legal_dates_of_case(
    db: &impl ConnectionTrait,
    case_id: i32,
) -> Result<std::sync::Arc<Vec<legal_dates::Model>>, DbErr> {
    crate::page_memo::kept_or(
        i64::from(case_id),
        legal_dates::Entity::find()
            .filter(legal_dates::Column::CaseId.eq(case_id))
            .order_by_asc(legal_dates::Column::DueOn)
            .order_by_asc(legal_dates::Column::Id)
            .all(db),
    )
    .await
}

/// The case's court-hearing and notice-expiry deadlines, by legal date id.
pub async fn date_deadlines(
    db: &impl ConnectionTrait,
    case_id: i32,
    dates: &[legal_dates::Model],
) -> Result<HashMap<i32, deadlines::Model>, DbErr> {
    let stages: Vec<&str> = super::LEGAL_DATES
        .iter()
        .filter_map(|(k, _)| legal_stage(k))
        .map(|s| s.code())
        .collect();
    let of_case = crate::deadlines::of_case::of_case(db, case_id).await?;
    let found: Vec<&deadlines::Model> = of_case
        .iter()
        .filter(|d| stages.contains(&d.stage.as_str()))
        .collect();
    Ok(dates
        .iter()
        .filter_map(|ld| {
            let stage = legal_stage(&ld.kind)?.code();
            found
                .iter()
                .find(|d| d.stage == stage && d.occurrence == ld.id)
                .map(|d| (ld.id, (*d).clone()))
        })
        .collect())
}

/// What a legal date's deadline is called beside its stage: "Civil injunction — Derby
/// County Court" (shown as "Court hearing: Civil injunction — Derby County Court").
pub fn title(action_kind: &str, note: Option<&str>) -> String {
    let kind = short_kind_label(action_kind);
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(note) => format!("{kind} — {note}"),
        None => kind.to_owned(),
    }
}

/// A new court hearing or notice expiry date of `action`, and its deadline on the case.
#[allow(clippy::too_many_arguments)]
pub async fn add_legal_date(
    db: &impl ConnectionTrait,
    case: &entity::cases::Model,
    action: &perpetrator_actions::Model,
    kind: &'static str,
    due_on: Date,
    note: Option<String>,
    by: i32,
    now: OffsetDateTime,
) -> Result<legal_dates::Model, DbErr> {
    let stage = legal_stage(kind).ok_or_else(|| DbErr::Custom(format!("unknown legal date {kind}")))?;
    let row = legal_dates::Entity::insert(legal_dates::ActiveModel {
        case_id: Set(case.id),
        action_id: Set(action.id),
        kind: Set(kind.to_owned()),
        due_on: Set(due_on),
        note: Set(note.clone()),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await?;
    dated::add(
        db,
        case,
        stage,
        row.id,
        &title(&action.kind, note.as_deref()),
        due_on,
        now,
    )
    .await?;
    Ok(row)
}

/// Closes off the open deadlines of `action`'s legal dates that are not yet overdue, with
/// `reason`; returns (closed off, left open because already overdue).
pub async fn close_off_dates(
    db: &impl ConnectionTrait,
    action: &perpetrator_actions::Model,
    reason: &str,
    by: i32,
    now: OffsetDateTime,
) -> Result<(usize, usize), DbErr> {
    let dates = legal_dates_of(db, [action.id]).await?;
    let deadlines = date_deadlines(db, action.case_id, &dates).await?;
    let (mut closed, mut left) = (0, 0);
    for d in deadlines.values() {
        let st = state::state(d, now);
        if st == state::State::Overdue {
            left += 1;
        } else if st.is_open() && dated::close_off(db, d, reason, by, now).await? {
            closed += 1;
        }
    }
    Ok((closed, left))
}

/// A new action against an alleged perpetrator (or a general measure).
pub struct NewAction {
    pub case_id: i32,
    /// The perpetrator party it is against; `None` for a measure aimed at no one.
    pub party_id: Option<i32>,
    pub kind: &'static str,
    /// `PLANNED` or `ISSUED`.
    pub status: &'static str,
    pub planned_on: Date,
    pub status_on: Date,
    pub documents: Option<String>,
    pub notes: Option<String>,
}

impl NewAction {
    /// The timeline's line about it; `who` is the name of whom it is against.
    pub fn summary(&self, who: Option<&str>) -> String {
        let mut body = format!(
            "{}: {} on {}.",
            super::headline(self.kind, who),
            super::status_label(self.status).to_lowercase(),
            crate::web::time_fmt::plain_date(self.status_on)
        );
        if self.status != super::PLANNED {
            body.push_str(&format!(
                " Planned on {}.",
                crate::web::time_fmt::plain_date(self.planned_on)
            ));
        }
        body
    }
}

/// Stores the action with its first status event.
pub async fn insert_action(
    db: &impl ConnectionTrait,
    a: &NewAction,
    by: i32,
    now: OffsetDateTime,
) -> Result<perpetrator_actions::Model, DbErr> {
    let action = perpetrator_actions::Entity::insert(perpetrator_actions::ActiveModel {
        case_id: Set(a.case_id),
        party_id: Set(a.party_id),
        kind: Set(a.kind.to_owned()),
        status: Set(a.status.to_owned()),
        status_on: Set(a.status_on),
        planned_on: Set(a.planned_on),
        outcome: Set(None),
        documents: Set(a.documents.clone()),
        notes: Set(a.notes.clone()),
        created_by: Set(by),
        created_at: Set(now),
        updated_by: Set(None),
        updated_at: Set(None),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await?;
    add_event(db, action.id, a.status, a.status_on, None, by, now).await?;
    Ok(action)
}

/// The event row for `status` reached on `on`.
pub async fn add_event(
    db: &impl ConnectionTrait,
    action_id: i32,
    status: &str,
    on: Date,
    note: Option<String>,
    by: i32,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let event = perpetrator_action_events::ActiveModel {
        action_id: Set(action_id),
        status: Set(status.to_owned()),
        on_date: Set(on),
        note: Set(note),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    };
    // Held back in a bulk write, every event alike, so their ids keep their order;
    // [`events`] flushes them before reading.
    crate::db::bulk::insert(db, vec![event]).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_name_the_action_and_the_note() {
        assert_eq!(
            super::title("injunction", Some(" Derby County Court ")),
            "Civil injunction — Derby County Court"
        );
        assert_eq!(super::title("nsp", Some("  ")), "Notice Seeking Possession");
        assert_eq!(super::title("cpn", None), "Community Protection Notice");
    }
}
