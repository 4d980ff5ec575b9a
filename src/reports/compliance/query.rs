//! The compliance queries: a period's deadlines with their case's officer and area in ONE
//! query (always through the viewer's visibility filter), then names of officers and areas
//! in one query each. The statistics are worked out in Rust ([`super::stats`]).

use super::{
    params::{Criteria, Officer},
    stats::Item,
};
use crate::{
    cases::{caseload::filters::london_midnight, visibility::Viewer},
    procedure::Stage,
};
use entity::{Role, areas, cases, deadlines, users};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::OffsetDateTime;

#[derive(Debug, FromQueryResult)]
struct Row {
    id: i32,
    reference: String,
    restricted: bool,
    stage: String,
    priority: String,
    owner_id: Option<i32>,
    area_id: i32,
    original_due_at: OffsetDateTime,
    due_at: OffsetDateTime,
    extended_at: Option<OffsetDateTime>,
    status: String,
    done_at: Option<OffsetDateTime>,
    late_working_days: Option<i32>,
}

/// The deadlines `c` selects that `viewer` may see, by original due time then id.
pub async fn items(db: &impl ConnectionTrait, viewer: &Viewer, c: &Criteria) -> Result<Vec<Item>, DbErr> {
    let from = london_midnight(c.period.from);
    let before = c
        .period
        .to
        .next_day()
        .map(london_midnight)
        .unwrap_or(OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT));
    let mut q = deadlines::Entity::find()
        .select_only()
        .column(deadlines::Column::Id)
        .column(cases::Column::Reference)
        .column(cases::Column::Restricted)
        .column(deadlines::Column::Stage)
        .column(deadlines::Column::Priority)
        .column(cases::Column::OwnerId)
        .column(cases::Column::AreaId)
        .column(deadlines::Column::OriginalDueAt)
        .column(deadlines::Column::DueAt)
        .column(deadlines::Column::ExtendedAt)
        .column(deadlines::Column::Status)
        .column(deadlines::Column::DoneAt)
        .column(deadlines::Column::LateWorkingDays)
        .join(JoinType::InnerJoin, crate::deadlines::case_relation())
        .filter(viewer.condition())
        .filter(deadlines::Column::OriginalDueAt.gte(from))
        .filter(deadlines::Column::OriginalDueAt.lt(before))
        // Court hearings and notice expiries are the court's and the law's dates, not the
        // officers' performance: compliance counts the procedure and agreed plan actions.
        .filter(deadlines::Column::Stage.is_not_in([Stage::CourtHearing.code(), Stage::NoticeExpiry.code()]));
    if let Some(stage) = c.stage {
        q = q.filter(deadlines::Column::Stage.eq(stage.code()));
    }
    if let Some(priority) = c.priority {
        q = q.filter(deadlines::Column::Priority.eq(priority));
    }
    if let Some(area) = c.area_id {
        q = q.filter(cases::Column::AreaId.eq(area));
    }
    match c.officer {
        Some(Officer::Unassigned) => q = q.filter(cases::Column::OwnerId.is_null()),
        Some(Officer::User(id)) => q = q.filter(cases::Column::OwnerId.eq(id)),
        None => {}
    }
    let rows = q
        .order_by_asc(deadlines::Column::OriginalDueAt)
        .order_by_asc(deadlines::Column::Id)
        .into_model::<Row>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Item {
            id: r.id,
            reference: r.reference,
            restricted: r.restricted,
            stage: r.stage,
            priority: r.priority,
            owner_id: r.owner_id,
            area_id: r.area_id,
            original_due_at: r.original_due_at,
            due_at: r.due_at,
            extended: r.extended_at.is_some(),
            status: r.status,
            done_at: r.done_at,
            late_working_days: r.late_working_days,
        })
        .collect())
}

/// Names for the filter form and the breakdowns.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// Every area, by name: (id, name, retired).
    pub areas: Vec<(i32, String, bool)>,
    /// Harassment officers and anyone else who owns a case in the figures, by name:
    /// (id, name, active).
    pub officers: Vec<(i32, String, bool)>,
}

impl Names {
    pub fn area(&self, id: i32) -> String {
        self.areas
            .iter()
            .find(|(a, _, _)| *a == id)
            .map(|(_, name, _)| name.clone())
            .unwrap_or_else(|| format!("Area {id}"))
    }

    pub fn officer(&self, id: Option<i32>) -> String {
        match id {
            None => "Unassigned".to_owned(),
            Some(id) => self
                .officers
                .iter()
                .find(|(o, _, _)| *o == id)
                .map(|(_, name, _)| name.clone())
                .unwrap_or_else(|| format!("User {id}")),
        }
    }
}

/// Areas, and harassment officers plus the owners in `owner_ids`: one query each.
pub async fn names(db: &impl ConnectionTrait, owner_ids: &[i32]) -> Result<Names, DbErr> {
    let areas: Vec<(i32, String, bool)> = areas::Entity::find()
        .select_only()
        .column(areas::Column::Id)
        .column(areas::Column::Name)
        .column(areas::Column::Retired)
        .order_by_asc(areas::Column::Name)
        .order_by_asc(areas::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut who = sea_orm::Condition::any().add(users::Column::Role.eq(Role::HarassmentOfficer));
    if !owner_ids.is_empty() {
        who = who.add(users::Column::Id.is_in(owner_ids.to_vec()));
    }
    let officers: Vec<(i32, String, bool)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .column(users::Column::Active)
        .filter(who)
        .order_by_asc(users::Column::DisplayName)
        .order_by_asc(users::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(Names { areas, officers })
}

/// The distinct owners among `items`.
pub fn owner_ids(items: &[Item]) -> Vec<i32> {
    let mut ids: Vec<i32> = items.iter().filter_map(|i| i.owner_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
