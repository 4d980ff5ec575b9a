//! The case page: summary, people, reports, timeline, closures, related cases and the
//! repeat-victimisation prompt, with the actions the viewer's role allows. Every view is
//! written to the audit trail. This module loads the page's data; `view` renders it.

pub mod contact;
mod view;

use crate::cases::events::EventKind;
use crate::cases::{parts::person_name, staff_names::user_names};
pub use view::render;

use super::{
    codes::{self, label},
    page::contact::NoteForm,
    repeat::{self, RepeatStatus},
    settings::CaseSettings,
    visibility::Viewer,
};
use crate::{
    audit::Origin,
    auth::policy::{Permission, allows},
    error::AppResult,
    state::AppState,
    web::{Ctx, forms::FormErrors},
};
use axum::extract::{Path, State};
use entity::{
    areas, case_closures, case_parties, cases, incident_types, incidents, people, timeline_entries,
};
use maud::Markup;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, Order, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use std::collections::HashMap;

/// Everything the case page shows, in a fixed number of statements whatever the case
/// holds (`tests/integration/round_trips.rs` bounds them).
pub struct CaseView {
    pub case: cases::Model,
    pub area: String,
    pub owner: Option<String>,
    pub logged_by: String,
    pub strands: Vec<String>,
    pub parties: Vec<(case_parties::Model, people::Model)>,
    pub incidents: Vec<(incidents::Model, Vec<String>)>,
    pub timeline: Vec<timeline_entries::Model>,
    pub closures: Vec<(case_closures::Model, String, Option<String>)>,
    /// Post-closure checks, oldest first.
    pub satisfaction: Vec<entity::satisfaction_checks::Model>,
    /// Other visible cases sharing a person with this one: (case, person name, role there).
    pub related: Vec<(cases::Model, String, String)>,
    /// Per victim: their reports in the last six months and what that means.
    pub repeat: Vec<(people::Model, RepeatStatus)>,
    pub review_explained: bool,
    /// Harassment officers a manager may assign to.
    pub officers: Vec<(i32, String)>,
    pub can_take: bool,
    pub deadlines: crate::deadlines::case_panel::Panel,
    pub risk: crate::risk::case_panel::Panel,
    pub plan: crate::plans::case_panel::Panel,
    pub support: crate::support::case_panel::Panel,
    pub enforcement: crate::enforcement::case_panel::Panel,
    pub retention: crate::retention::case_panel::Panel,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = super::visibility::find(&state.db, &viewer, &reference).await?;
    let view = load(&state, &viewer, case).await?;
    record_view(&state, &viewer, &origin, &view).await?;
    Ok(render(
        &ctx,
        &viewer,
        &view,
        &NoteForm::new(state.now()),
        &FormErrors::default(),
    ))
}

/// Records that `viewer` was shown the case page: `case.viewed`, and in the same
/// transaction one `person.monitoring_viewed` for each person whose monitoring answers
/// the page showed them.
pub async fn record_view(
    state: &AppState,
    viewer: &Viewer,
    origin: &Origin,
    view: &CaseView,
) -> Result<(), DbErr> {
    let shown: Vec<&people::Model> = view.parties.iter().map(|(_, p)| p).collect();
    let what = ("Viewed case page", "case page");
    super::monitoring::record_case_view(state, viewer, origin, &view.case, what, &shown).await
}

/// Everything the case page shows. Its panels share much: staff names, the case's
/// deadlines, parties, enforcement actions and legal dates, referrals, the settings and
/// the calendar are each read once (`page_memo`).
pub async fn load(state: &AppState, viewer: &Viewer, case: cases::Model) -> Result<CaseView, DbErr> {
    crate::page_memo::for_one_page(load_page(state, viewer, case)).await
}

async fn load_page(state: &AppState, viewer: &Viewer, case: cases::Model) -> Result<CaseView, DbErr> {
    let db = &state.db;
    let names = user_names(db, [Some(case.logged_by), case.owner_id]).await?;
    let area = areas::Entity::find_by_id(case.area_id)
        .one(db)
        .await?
        .map_or_else(String::new, |a| a.name);
    let strands = super::details::store::strand_labels(db, &[case.id])
        .await?
        .remove(&case.id)
        .unwrap_or_default();
    let parties = super::people::parties_of(db, case.id).await?.0.clone();
    let persons: HashMap<i32, people::Model> = parties.iter().map(|(_, p)| (p.id, p.clone())).collect();
    let incidents = incidents_of(db, case.id).await?;
    let timeline = timeline_entries::Entity::find()
        .filter(timeline_entries::Column::CaseId.eq(case.id))
        .order_by_desc(timeline_entries::Column::OccurredAt)
        .order_by_desc(timeline_entries::Column::Id)
        .all(db)
        .await?;
    let review_explained = timeline
        .iter()
        .any(|t| t.kind == EventKind::CaseReviewExplained.code());
    let closures = closures_of(db, case.id).await?;
    let satisfaction = entity::satisfaction_checks::Entity::find()
        .filter(entity::satisfaction_checks::Column::CaseId.eq(case.id))
        .order_by_asc(entity::satisfaction_checks::Column::Id)
        .all(db)
        .await?;
    let related = related_cases(db, viewer, &case, &persons).await?;
    let settings = CaseSettings::load(db).await?;
    let mut victims: Vec<&people::Model> = vec![];
    for (cp, person) in &parties {
        if cp.role == codes::VICTIM && !victims.iter().any(|p| p.id == person.id) {
            victims.push(person);
        }
    }
    let reports = reports_by_victims(db, viewer, &victims, repeat::window_start(state.now())).await?;
    let repeat = victims
        .into_iter()
        .map(|person| {
            let reports = reports.get(&person.id).copied().unwrap_or(0);
            (
                person.clone(),
                repeat::assess(reports, case.hate_perceived, &settings),
            )
        })
        .collect();
    let officers = if allows(viewer.role, Permission::AssignCases) {
        super::assign::store::assignable_officers(db).await?
    } else {
        vec![]
    };
    let can_take = allows(viewer.role, Permission::TakeCases) && super::assign::form::can_take(viewer, &case);
    let now = state.now();
    let deadlines = crate::deadlines::case_panel::load(db, &case, now).await?;
    let risk = crate::risk::case_panel::load(db, &case, viewer, now).await?;
    let plan = crate::plans::case_panel::load(db, &case, viewer, now).await?;
    let support = crate::support::case_panel::load(db, &case, viewer, now).await?;
    let enforcement = crate::enforcement::case_panel::load(db, &case, viewer, now).await?;
    let retention = crate::retention::case_panel::load(db, &case, now).await?;
    Ok(CaseView {
        deadlines,
        risk,
        plan,
        support,
        enforcement,
        retention,
        area,
        owner: case.owner_id.and_then(|id| names.get(&id).cloned()),
        logged_by: names.get(&case.logged_by).cloned().unwrap_or_default(),
        strands,
        parties,
        incidents,
        timeline,
        closures,
        satisfaction,
        related,
        repeat,
        review_explained,
        officers,
        can_take,
        case,
    })
}

/// The case's reports, first received first, each with its types as said; one statement.
async fn incidents_of(
    db: &impl ConnectionTrait,
    case_id: i32,
) -> Result<Vec<(incidents::Model, Vec<String>)>, DbErr> {
    let joined: Vec<(incidents::Model, Option<incident_types::Model>)> = incidents::Entity::find()
        .join_rev(
            JoinType::LeftJoin,
            incident_types::Entity::belongs_to(incidents::Entity)
                .from(incident_types::Column::IncidentId)
                .to(incidents::Column::Id)
                .into(),
        )
        .select_also(incident_types::Entity)
        .filter(incidents::Column::CaseId.eq(case_id))
        .order_by_asc(incidents::Column::ReceivedAt)
        .order_by_asc(incidents::Column::Id)
        .all(db)
        .await?;
    let mut rows: Vec<incidents::Model> = vec![];
    let mut types = vec![];
    for (incident, kind) in joined {
        if rows.last().is_none_or(|last| last.id != incident.id) {
            rows.push(incident);
        }
        types.extend(kind);
    }
    Ok(rows
        .into_iter()
        .map(|i| {
            let mine = codes::incident_types_said(&codes::codes_of(i.id, &types), i.other_type.as_deref())
                .into_iter()
                .map(|(_, said)| said)
                .collect();
            (i, mine)
        })
        .collect())
}

async fn closures_of(
    db: &impl ConnectionTrait,
    case_id: i32,
) -> Result<Vec<(case_closures::Model, String, Option<String>)>, DbErr> {
    let rows = case_closures::Entity::find()
        .filter(case_closures::Column::CaseId.eq(case_id))
        .order_by_asc(case_closures::Column::Id)
        .all(db)
        .await?;
    let names = user_names(db, rows.iter().flat_map(|c| [Some(c.closed_by), c.reopened_by])).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let closer = names.get(&c.closed_by).cloned().unwrap_or_default();
            let reopener = c.reopened_by.and_then(|id| names.get(&id).cloned());
            (c, closer, reopener)
        })
        .collect())
}

/// Other cases the viewer can see that share a person with this one.
async fn related_cases(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    case: &cases::Model,
    persons: &HashMap<i32, people::Model>,
) -> Result<Vec<(cases::Model, String, String)>, DbErr> {
    let person_ids: Vec<i32> = persons.keys().copied().collect();
    if person_ids.is_empty() {
        return Ok(vec![]);
    }
    // The 50 latest visible cases sharing a person, with the parts those people play there.
    let latest = Query::select()
        .column(cases::Column::Id)
        .from(cases::Entity)
        .and_where(
            cases::Column::Id.in_subquery(
                Query::select()
                    .column(case_parties::Column::CaseId)
                    .from(case_parties::Entity)
                    .and_where(case_parties::Column::PersonId.is_in(person_ids.clone()))
                    .to_owned(),
            ),
        )
        .and_where(cases::Column::Id.ne(case.id))
        .cond_where(viewer.condition())
        .order_by(cases::Column::ReceivedAt, Order::Desc)
        .order_by(cases::Column::Id, Order::Desc)
        .limit(50)
        .to_owned();
    let links: Vec<(case_parties::Model, Option<cases::Model>)> = case_parties::Entity::find()
        .join(
            JoinType::InnerJoin,
            case_parties::Entity::belongs_to(cases::Entity)
                .from(case_parties::Column::CaseId)
                .to(cases::Column::Id)
                .into(),
        )
        .select_also(cases::Entity)
        .filter(case_parties::Column::PersonId.is_in(person_ids))
        .filter(cases::Column::Id.in_subquery(latest))
        .order_by_desc(cases::Column::ReceivedAt)
        .order_by_desc(cases::Column::Id)
        .order_by_asc(case_parties::Column::Id)
        .all(db)
        .await?;
    Ok(links
        .into_iter()
        .filter_map(|(l, c)| {
            let name = persons.get(&l.person_id).map(person_name).unwrap_or_default();
            Some((c?, name, label(&codes::PARTY_ROLES, &l.role).to_owned()))
        })
        .collect())
}

/// Reports (incidents) naming each of `victims` as victim since `since`, by person (none
/// absent), in one statement. Every unrestricted case counts, even in another area (the
/// statutory prompt must not depend on who takes the call); restricted cases count only
/// for those who may see them.
async fn reports_by_victims(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    victims: &[&people::Model],
    since: time::OffsetDateTime,
) -> Result<HashMap<i32, u64>, DbErr> {
    if victims.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, i64)> = incidents::Entity::find()
        .select_only()
        .column(case_parties::Column::PersonId)
        // Distinct: someone named twice as victim on one case has each report once.
        .expr(Expr::col((incidents::Entity, incidents::Column::Id)).count_distinct())
        .join_rev(
            JoinType::InnerJoin,
            case_parties::Entity::belongs_to(incidents::Entity)
                .from(case_parties::Column::CaseId)
                .to(incidents::Column::CaseId)
                .into(),
        )
        .filter(incidents::Column::ReceivedAt.gte(since))
        .filter(case_parties::Column::PersonId.is_in(victims.iter().map(|p| p.id)))
        .filter(case_parties::Column::Role.eq(codes::VICTIM))
        // Correlated, so the case is looked up by id: SQLite would otherwise build the
        // list of every visible case on each count (see docs/PERFORMANCE.md, Casework).
        .filter(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(cases::Entity)
                .and_where(
                    Expr::col((cases::Entity, cases::Column::Id))
                        .equals((incidents::Entity, incidents::Column::CaseId)),
                )
                .cond_where(
                    sea_orm::Condition::any()
                        .add(cases::Column::Restricted.eq(false))
                        .add(viewer.condition()),
                )
                .to_owned(),
        ))
        .group_by(case_parties::Column::PersonId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(person, n)| (person, u64::try_from(n).unwrap_or(0)))
        .collect())
}
