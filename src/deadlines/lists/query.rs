//! The due-list queries. One query per list: open deadlines joined to their cases (through
//! the viewer's visibility filter, so an invisible case is absent from rows and counts) and
//! to the officer who answers for each case — its owner, or while it is unassigned whoever
//! logged it (`deadlines::responsible_officer`, here in SQL).

use crate::{cases::visibility::Viewer, deadlines::state};
use entity::{Role, cases, deadlines, users};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Select,
    sea_query::{Asterisk, Expr, ExprTrait, Func, SelectStatement},
};
use std::collections::HashMap;
use time::OffsetDateTime;

/// The most rows one list shows; beyond it the page says the list is cut short.
pub const MAX_ROWS: u64 = 1000;

/// Whose deadlines a list holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Those on the cases this officer answers for.
    Officer(i32),
    /// Every open deadline on the cases in the viewer's areas (every area when they have
    /// none), assigned or not.
    Team,
}

/// An open deadline, its case's reference and who answers for it.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Found {
    #[sea_orm(nested)]
    pub deadline: deadlines::Model,
    pub case_reference: String,
    pub case_owner_id: Option<i32>,
    pub officer_id: i32,
    pub officer_name: String,
}

pub struct Fetched {
    /// Soonest due first.
    pub rows: Vec<Found>,
    /// More than [`MAX_ROWS`] matched; only the first are in `rows`.
    pub truncated: bool,
}

/// Open deadlines due before `cutoff` in `scope` on the cases `viewer` may see.
pub async fn fetch(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    scope: Scope,
    cutoff: OffsetDateTime,
) -> Result<Fetched, DbErr> {
    let mut rows = select(viewer, scope, cutoff)
        .order_by_asc(deadlines::Column::DueAt)
        .order_by_asc(deadlines::Column::Id)
        .limit(MAX_ROWS + 1)
        .into_model::<Found>()
        .all(db)
        .await?;
    let truncated = rows.len() as u64 > MAX_ROWS;
    rows.truncate(MAX_ROWS as usize);
    Ok(Fetched { rows, truncated })
}

/// The first `limit` (soonest due) open deadlines in `scope` on the cases `viewer` may see
/// that fall due at or after `from` and before `to`: a summary's rows, without fetching a
/// big caseload's whole list to show ten.
pub async fn fetch_first(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    scope: Scope,
    from: Option<OffsetDateTime>,
    to: OffsetDateTime,
    limit: u64,
) -> Result<Vec<Found>, DbErr> {
    let mut q = select(viewer, scope, to);
    if let Some(from) = from {
        q = q.filter(deadlines::Column::DueAt.gte(from));
    }
    q.order_by_asc(deadlines::Column::DueAt)
        .order_by_asc(deadlines::Column::Id)
        .limit(limit)
        .into_model::<Found>()
        .all(db)
        .await
}

/// The statement counting the deadlines [`fetch`] would find, uncut: the home page's team
/// count, which it runs with its other figures.
pub fn count_statement(viewer: &Viewer, scope: Scope, cutoff: OffsetDateTime) -> SelectStatement {
    open_before(viewer, scope, cutoff)
        .select_only()
        .expr(Func::count(Expr::col(Asterisk)))
        .into_query()
}

/// The count of [`count_statement`] at `split` and at `cutoff` (a later time), in one
/// statement: how many are due before `split`, and how many from then until before `cutoff`.
pub async fn count_split(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    scope: Scope,
    split: OffsetDateTime,
    cutoff: OffsetDateTime,
) -> Result<(u64, u64), DbErr> {
    let before = Expr::case(deadlines::Column::DueAt.lt(split), 1).finally(0);
    let counts: Option<(Option<i64>, i64)> = open_before(viewer, scope, cutoff)
        .select_only()
        .expr(Func::cast_as(Func::sum(before), "BIGINT"))
        .expr(Func::count(Expr::col((deadlines::Entity, deadlines::Column::Id))))
        .into_tuple()
        .one(db)
        .await?;
    let (before, all) = counts.map_or((0, 0), |(before, all)| (before.unwrap_or(0), all));
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok((count(before), count(all - before)))
}

/// The deadlines of [`fetch`], unsorted and uncut, with their cases' references and
/// responsible officers.
fn select(viewer: &Viewer, scope: Scope, cutoff: OffsetDateTime) -> Select<deadlines::Entity> {
    let responsible = Func::coalesce([
        Expr::col((cases::Entity, cases::Column::OwnerId)),
        Expr::col((cases::Entity, cases::Column::LoggedBy)),
    ]);
    let mut q = open_before(viewer, scope, cutoff)
        .column_as(cases::Column::Reference, "case_reference")
        .column_as(cases::Column::OwnerId, "case_owner_id")
        .column_as(users::Column::Id, "officer_id")
        .column_as(users::Column::DisplayName, "officer_name");
    QueryTrait::query(&mut q).join(
        JoinType::InnerJoin,
        users::Entity,
        Expr::col((users::Entity, users::Column::Id)).eq(responsible),
    );
    q
}

/// The deadlines of [`fetch`] without their officers: what the counts read. Every case has
/// a responsible officer (`logged_by` is required, and both it and the owner are foreign
/// keys), so a count needs no join to `users`; with one, PostgreSQL took the join on
/// COALESCE to keep a 25th of the cases and probed each for its deadlines (docs/PERFORMANCE.md).
fn open_before(viewer: &Viewer, scope: Scope, cutoff: OffsetDateTime) -> Select<deadlines::Entity> {
    let q = deadlines::Entity::find()
        .join(JoinType::InnerJoin, crate::deadlines::case_relation())
        .filter(viewer.condition())
        .filter(deadlines::Column::Status.eq(state::OPEN))
        .filter(deadlines::Column::DueAt.lt(cutoff));
    match scope {
        Scope::Officer(id) => q.filter(answers_for(id)),
        Scope::Team if viewer.area_ids.is_empty() => q,
        Scope::Team => q.filter(cases::Column::AreaId.is_in(viewer.area_ids.clone())),
    }
}

/// The soonest open deadline of each of `case_ids` (a caseload's page, so few): its
/// stage code and due time, by case id.
pub async fn next_due(
    db: &impl ConnectionTrait,
    case_ids: &[i32],
) -> Result<HashMap<i32, (String, OffsetDateTime)>, DbErr> {
    let rows: Vec<(i32, String, OffsetDateTime)> = deadlines::Entity::find()
        .select_only()
        .column(deadlines::Column::CaseId)
        .column(deadlines::Column::Stage)
        .column(deadlines::Column::DueAt)
        .filter(deadlines::Column::CaseId.is_in(case_ids.to_vec()))
        .filter(deadlines::Column::Status.eq(state::OPEN))
        .order_by_desc(deadlines::Column::DueAt)
        .order_by_desc(deadlines::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    // Latest first, so each case's soonest is inserted last and stays.
    Ok(rows
        .into_iter()
        .map(|(case_id, stage, due)| (case_id, (stage, due)))
        .collect())
}

/// The cases officer `id` answers for: theirs, or unassigned and logged by them.
pub fn answers_for(id: i32) -> Condition {
    Condition::any().add(cases::Column::OwnerId.eq(id)).add(
        Condition::all()
            .add(cases::Column::OwnerId.is_null())
            .add(cases::Column::LoggedBy.eq(id)),
    )
}

/// Someone whose due list a manager may choose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Officer {
    pub id: i32,
    pub name: String,
    pub active: bool,
}

/// Roles that work cases: those the access policy lets see them.
fn case_roles() -> Vec<Role> {
    use crate::auth::policy::{Permission, allows};
    use sea_orm::Iterable;
    Role::iter()
        .filter(|r| allows(*r, Permission::ViewCases))
        .collect()
}

/// Active staff who work cases, by name: the choices of the officer select.
pub async fn officers(db: &impl ConnectionTrait) -> Result<Vec<Officer>, DbErr> {
    let rows: Vec<(i32, String)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Role.is_in(case_roles()))
        .order_by_asc(users::Column::DisplayName)
        .order_by_asc(users::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Officer {
            id,
            name,
            active: true,
        })
        .collect())
}

/// The member of staff with `id` if they work cases (or did: someone who has left may
/// still answer for cases not yet reassigned).
pub async fn officer(db: &impl ConnectionTrait, id: i32) -> Result<Option<Officer>, DbErr> {
    Ok(users::Entity::find_by_id(id)
        .filter(users::Column::Role.is_in(case_roles()))
        .one(db)
        .await?
        .map(|u| Officer {
            id: u.id,
            name: u.display_name,
            active: u.active,
        }))
}
