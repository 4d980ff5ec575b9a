//! The compliance queries: a period's deadlines with their case's officer and area in ONE
//! query (always through the viewer's visibility filter), then names of officers and areas
//! in one query each. The dashboard counts them in the database ([`groups`]); the
//! drill-down lists them ([`items`]). The statistics are worked out in Rust ([`super::stats`]).

use super::{
    params::{Criteria, Officer},
    period::{month_code, parse_month},
    stats::{Bucket, Group, Item},
};
use crate::{
    calendar::start_of_london_day,
    cases::visibility::Viewer,
    deadlines::state::{DONE, NOT_APPLICABLE, WAIVED},
    procedure::Stage,
    reports::sql::{self, Sql},
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
    let from = start_of_london_day(c.period.from);
    let before = c
        .period
        .to
        .next_day()
        .map(start_of_london_day)
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

/// The filters of `c` and the viewer's visibility, on deadlines `d` joined to cases `c`.
fn narrow(s: &mut Sql, viewer: &Viewer, c: &Criteria, backend: sea_orm::DbBackend) {
    if let Some(stage) = c.stage {
        s.push(" AND d.stage = ?", [stage.code().into()]);
    }
    if let Some(priority) = c.priority {
        s.push(" AND d.priority = ?", [priority.into()]);
    }
    if let Some(area) = c.area_id {
        s.push(" AND c.area_id = ?", [area.into()]);
    }
    match c.officer {
        Some(Officer::Unassigned) => {
            s.push(" AND c.owner_id IS NULL", []);
        }
        Some(Officer::User(id)) => {
            s.push(" AND c.owner_id = ?", [id.into()]);
        }
        None => {}
    }
    s.append(sql::visible(viewer, backend));
}

/// Deadlines done during the period whose (original) due date falls after it: met early,
/// so counted in the period they are due, which the dashboard says (on day one of a
/// period nothing is due yet, though work has been done).
pub async fn met_ahead(db: &impl ConnectionTrait, viewer: &Viewer, c: &Criteria) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let (from, before) = sql::bounds(c.period.from, c.period.to);
    let mut s = Sql::default();
    s.push(
        &format!(
            "SELECT COUNT(*) FROM deadlines d JOIN cases c ON c.id = d.case_id \
             WHERE d.status = {done} AND d.done_at >= ? AND d.done_at < ? AND d.original_due_at >= ? \
             AND d.stage NOT IN {excluded}",
            done = sql::lit(DONE),
            excluded = sql::list(&[Stage::CourtHearing.code(), Stage::NoticeExpiry.code()]),
        ),
        [from.into(), before.into(), before.into()],
    );
    narrow(&mut s, viewer, c, backend);
    let row = s.all(db).await?.into_iter().next();
    Ok(row.map_or(Ok(0), |r| r.try_get_by_index::<i64>(0))?.max(0) as u64)
}

/// The period's deadlines counted in the database, grouped by everything the dashboard
/// breaks them down by (stage, priority, officer, area, month, bucket, working days late):
/// one row per group, never one per deadline. Same selection as [`items`].
pub async fn groups(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    c: &Criteria,
    now: OffsetDateTime,
) -> Result<Vec<Group>, DbErr> {
    let backend = db.get_database_backend();
    let (from, before) = sql::bounds(c.period.from, c.period.to);
    // The London month of the original due time.
    let mut month = String::from("CASE");
    let mut values: Vec<sea_orm::Value> = vec![];
    for (y, m) in c.period.months() {
        let first = time::Date::from_calendar_date(y, m, 1).expect("first of month");
        let last = time::Date::from_calendar_date(y, m, m.length(y)).expect("last of month");
        let (start, end) = sql::bounds(first, last);
        month.push_str(&format!(
            " WHEN d.original_due_at >= ? AND d.original_due_at < ? THEN '{}'",
            month_code(y, m)
        ));
        values.extend([start.into(), end.into()]);
    }
    month.push_str(" ELSE '' END");
    // As `stats::bucket`: against the original due time; done without a time is late.
    let bucket = format!(
        "CASE WHEN d.status = {done} AND d.done_at IS NOT NULL AND {met} THEN 'met' \
         WHEN d.status = {done} THEN 'late' WHEN d.status = {waived} THEN 'waived' \
         WHEN d.status = {na} THEN 'not-applicable' WHEN {past} THEN 'overdue' ELSE 'not-yet-due' END",
        done = sql::lit(DONE),
        waived = sql::lit(WAIVED),
        na = sql::lit(NOT_APPLICABLE),
        met = sql::instants(backend, "d.done_at", "<=", "d.original_due_at"),
        past = sql::instants(backend, "d.original_due_at", "<", "?"),
    );
    let late = format!(
        "CASE WHEN d.status = {done} AND NOT (d.done_at IS NOT NULL AND {met}) THEN d.late_working_days END",
        done = sql::lit(DONE),
        met = sql::instants(backend, "d.done_at", "<=", "d.original_due_at"),
    );
    let mut s = Sql::default();
    s.push(
        &format!(
            "SELECT d.stage, d.priority, c.owner_id, c.area_id, {month} AS m, {bucket} AS b, {late} AS l, COUNT(*) \
             FROM deadlines d JOIN cases c ON c.id = d.case_id \
             WHERE d.original_due_at >= ? AND d.original_due_at < ? AND d.stage NOT IN {excluded}",
            excluded = sql::list(&[Stage::CourtHearing.code(), Stage::NoticeExpiry.code()]),
        ),
        values.into_iter().chain([now.into(), from.into(), before.into()]),
    );
    narrow(&mut s, viewer, c, backend);
    s.push(
        " GROUP BY d.stage, d.priority, c.owner_id, c.area_id, m, b, l",
        [],
    );
    let mut out = vec![];
    for row in s.all(db).await? {
        let month: String = sql::text(&row, 4)?;
        let (Some(month), Some(bucket)) = (parse_month(&month), Bucket::from_code(&sql::text(&row, 5)?))
        else {
            continue;
        };
        out.push(Group {
            stage: sql::text(&row, 0)?,
            priority: sql::text(&row, 1)?,
            owner_id: row.try_get_by_index(2)?,
            area_id: row.try_get_by_index(3)?,
            month,
            bucket,
            late_working_days: row.try_get_by_index(6)?,
            count: sql::int(&row, 7)?,
        });
    }
    Ok(out)
}

/// The distinct officers among `groups`.
pub fn group_owner_ids(groups: &[Group]) -> Vec<i32> {
    let mut ids: Vec<i32> = groups.iter().filter_map(|g| g.owner_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
