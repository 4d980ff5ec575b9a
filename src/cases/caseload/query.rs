//! The caseload queries. Every one starts from [`Viewer::condition`], so a case the viewer
//! may not see is absent from the rows and from the total alike. A page costs a fixed
//! number of queries whatever its length: the count, the page's case ids, those cases with
//! their areas' and officers' names, then one query each for their victims and strands (plus, for a search of
//! several words, one small count per word to find the rarest).
//!
//! Search never scans text: a reference is an exact match on a unique index, and each
//! word is an indexed range over `person_terms` (`term >= 'kha' AND term < 'kha\u{10FFFF}'`).
//! The shapes of these queries (covering indexes, ids before rows, EXISTS against IN) come
//! from `benches/cases.rs` at a million cases; docs/PERFORMANCE.md has the figures.

use super::filters::{Criteria, Options, OwnerFilter, RiskFilter, Search, Sort, Tab, Word};
use crate::{
    cases::{codes, visibility::Viewer},
    web::pagination::{PER_PAGE, Pager},
};
use entity::{Role, areas, case_parties, case_strands, cases, people, person_terms, strands, users};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
    sea_query::{CommonTableExpression, Expr, ExprTrait, Query, SelectStatement, UnionType, WithClause},
};
use std::collections::HashMap;
use time::OffsetDateTime;

/// One line of a caseload.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: i32,
    pub reference: String,
    pub received_at: OffsetDateTime,
    pub victims: Vec<String>,
    pub priority: String,
    pub status: String,
    pub restricted: bool,
    pub area: String,
    pub owner: Option<String>,
    pub strands: Vec<String>,
    /// The standing risk level; None before any assessment.
    pub risk_level: Option<String>,
}

/// A page of a caseload and where it sits in the whole.
pub struct Caseload {
    pub rows: Vec<Row>,
    pub pager: Pager,
}

/// The choices of the filter form: areas, strands and harassment officers.
pub async fn load_options(db: &impl ConnectionTrait) -> Result<Options, DbErr> {
    Ok(Options {
        areas: areas::Entity::find()
            .order_by_asc(areas::Column::NameKey)
            .all(db)
            .await?,
        strands: strands::Entity::find()
            .order_by_asc(strands::Column::Position)
            .order_by_asc(strands::Column::Id)
            .all(db)
            .await?,
        owners: users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .column(users::Column::DisplayName)
            .column(users::Column::Active)
            .filter(users::Column::Role.eq(Role::HarassmentOfficer))
            .order_by_desc(users::Column::Active)
            .order_by_asc(users::Column::DisplayName)
            .into_tuple()
            .all(db)
            .await?,
    })
}

/// The name of the search's candidate case ids (a common table expression).
const SEARCH_MATCHES: &str = "search_matches";

/// What a query over the caseload is for: the plans that suit each differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Counting every match.
    Count,
    /// Finding one page of matches in sort order.
    Page,
}

/// The cases `viewer` may see that `c` selects (tab, filters, search), unsorted.
pub fn select(viewer: &Viewer, c: &Criteria, purpose: Purpose) -> Select<cases::Entity> {
    let mut q = cases::Entity::find().filter(viewer.condition());
    match c.tab {
        Tab::Mine => {
            let mut mine = Condition::any().add(cases::Column::OwnerId.eq(viewer.id));
            // Tenancy officers own no cases: their work is the reports they logged.
            if viewer.role == Role::TenancyOfficer {
                mine = mine.add(cases::Column::LoggedBy.eq(viewer.id));
            }
            q = q.filter(mine);
        }
        Tab::Triage => {
            q = q
                .filter(cases::Column::Status.eq(codes::OPEN))
                .filter(cases::Column::OwnerId.is_null());
        }
        Tab::All => {}
    }
    if let Some(status) = c.status {
        q = q.filter(cases::Column::Status.eq(status));
    }
    if let Some(priority) = c.priority {
        q = q.filter(cases::Column::Priority.eq(priority));
    }
    if let Some(area) = c.area_id {
        q = q.filter(cases::Column::AreaId.eq(area));
    }
    match c.owner {
        Some(OwnerFilter::Unassigned) => q = q.filter(cases::Column::OwnerId.is_null()),
        Some(OwnerFilter::User(id)) => q = q.filter(cases::Column::OwnerId.eq(id)),
        None => {}
    }
    if let Some(strand) = c.strand_id {
        let mut with_strand = Query::select()
            .column((case_strands::Entity, case_strands::Column::CaseId))
            .from(case_strands::Entity)
            .and_where(Expr::col((case_strands::Entity, case_strands::Column::StrandId)).eq(strand))
            .to_owned();
        // Counting cases of a strand and nothing narrower, its list of case ids is the
        // cheapest way in. Otherwise a correlated EXISTS: a strand is rarely selective
        // (most cases are race), and as an IN list SQLite would drive the query from it
        // instead of from the narrower index, or read every case of the strand to sort.
        q = if purpose == Purpose::Count && !narrowed_without_strand(c) {
            q.filter(cases::Column::Id.in_subquery(with_strand))
        } else {
            q.filter(Expr::exists(
                with_strand
                    .and_where(
                        Expr::col((case_strands::Entity, case_strands::Column::CaseId))
                            .equals((cases::Entity, cases::Column::Id)),
                    )
                    .to_owned(),
            ))
        };
    }
    match c.risk {
        Some(RiskFilter::Level(level)) => q = q.filter(cases::Column::RiskLevel.eq(level)),
        Some(RiskFilter::NotAssessed) => q = q.filter(cases::Column::RiskLevel.is_null()),
        None => {}
    }
    if let Some(from) = c.received_from {
        q = q.filter(cases::Column::ReceivedAt.gte(from));
    }
    if let Some(before) = c.received_before {
        q = q.filter(cases::Column::ReceivedAt.lt(before));
    }
    match &c.search {
        Some(Search::Reference(reference)) => {
            q = q.filter(cases::Column::Reference.eq(reference.as_str()));
        }
        Some(Search::Words(words)) => {
            // The rarest word (`planned` puts it first) finds the candidates; with two or
            // more words, the intersection of the two rarest words' case ids, read from
            // indexes alone and materialised once (as a plain subquery PostgreSQL cannot
            // estimate an intersection's size, and reads every case to hash-join it). Any
            // further word is checked on those candidates only.
            let mut words = words.iter();
            if let Some(first) = words.next() {
                match words.next() {
                    None => q = q.filter(cases::Column::Id.in_subquery(cases_matching(first))),
                    Some(second) => {
                        let mut both = cases_matching(first);
                        both.union(UnionType::Intersect, cases_matching(second));
                        QueryTrait::query(&mut q).with_cte(
                            WithClause::new()
                                .cte(
                                    CommonTableExpression::new()
                                        .query(both)
                                        .table_name(SEARCH_MATCHES)
                                        .materialized(true)
                                        .to_owned(),
                                )
                                .to_owned(),
                        );
                        q = q.filter(
                            cases::Column::Id.in_subquery(
                                Query::select()
                                    .column(case_parties::Column::CaseId)
                                    .from(SEARCH_MATCHES)
                                    .to_owned(),
                            ),
                        );
                    }
                }
                for word in words {
                    q = q.filter(Expr::exists(party_matching(word)));
                }
            }
        }
        None => {}
    }
    q
}

/// Whether something other than a strand picks out a small share of the cases: a tab
/// other than "All", an open status, an area, an owner, dates or a search.
fn narrowed_without_strand(c: &Criteria) -> bool {
    c.tab != Tab::All
        || c.status == Some(codes::OPEN)
        || c.area_id.is_some()
        || c.owner.is_some()
        || c.received_from.is_some()
        || c.received_before.is_some()
        || c.search.is_some()
}

/// `person_terms.term` matches one of the forms of `word`.
pub fn term_matches(word: &Word) -> Condition {
    let term = || Expr::col((person_terms::Entity, person_terms::Column::Term));
    let mut any = Condition::any();
    for form in &word.forms {
        any = if form.prefix {
            any.add(
                Condition::all()
                    .add(term().gte(form.text.as_str()))
                    .add(term().lt(format!("{}\u{10FFFF}", form.text))),
            )
        } else {
            any.add(term().eq(form.text.as_str()))
        };
    }
    any
}

fn parties_with_terms() -> SelectStatement {
    Query::select()
        .from(case_parties::Entity)
        .inner_join(
            person_terms::Entity,
            Expr::col((person_terms::Entity, person_terms::Column::PersonId))
                .equals((case_parties::Entity, case_parties::Column::PersonId)),
        )
        .to_owned()
}

/// Ids of cases with someone whose stored terms match `word`.
fn cases_matching(word: &Word) -> SelectStatement {
    parties_with_terms()
        .column((case_parties::Entity, case_parties::Column::CaseId))
        .cond_where(term_matches(word))
        .to_owned()
}

/// Someone on the outer query's case has a stored term matching `word`.
fn party_matching(word: &Word) -> SelectStatement {
    parties_with_terms()
        .expr(Expr::val(1))
        .and_where(
            Expr::col((case_parties::Entity, case_parties::Column::CaseId))
                .equals((cases::Entity, cases::Column::Id)),
        )
        .cond_where(term_matches(word))
        .to_owned()
}

/// Stored terms counted per word, up to this many, to find the rarest words.
const WORD_ESTIMATE_LIMIT: u64 = 50_000;

/// The words of a search, rarest first (by how many stored terms match, counted up to
/// [`WORD_ESTIMATE_LIMIT`] on the index: one small query per word, none for one word).
pub async fn rarest_first(db: &impl ConnectionTrait, words: &[Word]) -> Result<Vec<Word>, DbErr> {
    if words.len() < 2 {
        return Ok(words.to_vec());
    }
    let backend = db.get_database_backend();
    let mut counted = vec![];
    for word in words {
        let matches = Query::select()
            .expr(Expr::val(1))
            .from(person_terms::Entity)
            .cond_where(term_matches(word))
            .limit(WORD_ESTIMATE_LIMIT)
            .to_owned();
        let count = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from_subquery(matches, "matches")
            .to_owned();
        let n: i64 = match db.query_one_raw(backend.build(&count)).await? {
            Some(row) => row.try_get_by_index(0)?,
            None => 0,
        };
        counted.push((n, word.clone()));
    }
    counted.sort_by_key(|(n, _)| *n);
    Ok(counted.into_iter().map(|(_, w)| w).collect())
}

pub fn sorted(q: Select<cases::Entity>, sort: Sort) -> Select<cases::Entity> {
    use cases::Column::{Id, Priority, ReceivedAt, Reference};
    match sort {
        Sort::Newest => q.order_by_desc(ReceivedAt).order_by_desc(Id),
        Sort::Oldest => q.order_by_asc(ReceivedAt).order_by_asc(Id),
        Sort::Reference => q.order_by_asc(Reference),
        Sort::Priority => q.order_by_asc(Priority).order_by_asc(ReceivedAt).order_by_asc(Id),
        Sort::Deadline => {
            // The case's soonest open deadline (`'open'` is `deadlines::state::OPEN`; the
            // caseload does not import the deadlines capability), read from the
            // (case_id, status, due_at) index for each case the filters leave; cases with
            // none last. Cheap on an officer's open cases; on every case of a large
            // landlord it costs an index probe per case.
            let next =
                "(SELECT MIN(d.due_at) FROM deadlines d WHERE d.case_id = cases.id AND d.status = 'open')";
            q.order_by_with_nulls(
                Expr::cust(next),
                sea_orm::Order::Asc,
                sea_orm::sea_query::NullOrdering::Last,
            )
            .order_by_asc(Priority)
            .order_by_asc(ReceivedAt)
            .order_by_asc(Id)
        }
    }
}

/// `c` ready to query: its search words rarest first.
pub async fn planned(db: &impl ConnectionTrait, c: &Criteria) -> Result<Criteria, DbErr> {
    let mut c = c.clone();
    if let Some(Search::Words(words)) = &c.search {
        c.search = Some(Search::Words(rarest_first(db, words).await?));
    }
    Ok(c)
}

/// The page of the caseload `c` asks for, with the total.
pub async fn fetch(db: &impl ConnectionTrait, viewer: &Viewer, c: &Criteria) -> Result<Caseload, DbErr> {
    let c = &planned(db, c).await?;
    // The first page is read before the count: when it is not full it holds every match,
    // and the count (a statement) is not needed.
    if c.page.unwrap_or(1) <= 1 {
        let ids = page_ids(db, viewer, c, 0).await?;
        let total = match ids.len() as u64 {
            shown if shown < PER_PAGE => shown,
            _ => select(viewer, c, Purpose::Count).count(db).await?,
        };
        return Ok(Caseload {
            rows: cases_in_order(db, ids).await?,
            pager: Pager::new(c.page, total),
        });
    }
    let total = select(viewer, c, Purpose::Count).count(db).await?;
    let pager = Pager::new(c.page, total);
    if total == 0 {
        return Ok(Caseload { rows: vec![], pager });
    }
    let ids = page_ids(db, viewer, c, pager.offset()).await?;
    Ok(Caseload {
        rows: cases_in_order(db, ids).await?,
        pager,
    })
}

/// The ids of a page of the caseload from `offset`, in order: from the caseload indexes
/// alone (each ends with the sort columns, the id and `restricted`), so skipped rows of a
/// deep page are never read; the cases themselves are read after.
async fn page_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    c: &Criteria,
    offset: u64,
) -> Result<Vec<i32>, DbErr> {
    sorted(select(viewer, c, Purpose::Page), c.sort)
        .select_only()
        .column(cases::Column::Id)
        .offset(offset)
        .limit(PER_PAGE)
        .into_tuple()
        .all(db)
        .await
}

/// A case of the page with its area's and its officer's names.
#[derive(FromQueryResult)]
struct Named {
    #[sea_orm(nested)]
    case: cases::Model,
    area_name: Option<String>,
    owner_name: Option<String>,
}

/// The cases with `ids`, described, in the order of `ids`. Their areas' and officers'
/// names come with them (joined): two statements fewer than reading them after.
async fn cases_in_order(db: &impl ConnectionTrait, ids: Vec<i32>) -> Result<Vec<Row>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut page: Vec<Named> = cases::Entity::find()
        .column_as(areas::Column::Name, "area_name")
        .column_as(users::Column::DisplayName, "owner_name")
        .join(
            JoinType::LeftJoin,
            cases::Entity::belongs_to(areas::Entity)
                .from(cases::Column::AreaId)
                .to(areas::Column::Id)
                .into(),
        )
        .join(
            JoinType::LeftJoin,
            cases::Entity::belongs_to(users::Entity)
                .from(cases::Column::OwnerId)
                .to(users::Column::Id)
                .into(),
        )
        .filter(cases::Column::Id.is_in(ids.clone()))
        .into_model()
        .all(db)
        .await?;
    page.sort_by_key(|n| ids.iter().position(|id| *id == n.case.id));
    describe(db, page).await
}

/// Adds victims and strands to a page of cases: one query each.
async fn describe(db: &impl ConnectionTrait, page: Vec<Named>) -> Result<Vec<Row>, DbErr> {
    let ids: Vec<i32> = page.iter().map(|n| n.case.id).collect();

    let victim_rows: Vec<(i32, Option<String>, String)> = case_parties::Entity::find()
        .select_only()
        .column(case_parties::Column::CaseId)
        .column(people::Column::Name)
        .column(people::Column::Kind)
        .join(
            JoinType::InnerJoin,
            case_parties::Entity::belongs_to(people::Entity)
                .from(case_parties::Column::PersonId)
                .to(people::Column::Id)
                .into(),
        )
        .filter(case_parties::Column::CaseId.is_in(ids.clone()))
        .filter(case_parties::Column::Role.eq(codes::VICTIM))
        .order_by_asc(case_parties::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut victims: HashMap<i32, Vec<String>> = HashMap::new();
    for (case_id, name, kind) in victim_rows {
        let shown = name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| codes::label(&codes::PERSON_KINDS, &kind).to_owned());
        victims.entry(case_id).or_default().push(shown);
    }

    let mut strand_labels = crate::cases::details::store::strand_labels(db, &ids).await?;

    Ok(page
        .into_iter()
        .map(
            |Named {
                 case: c,
                 area_name,
                 owner_name,
             }| Row {
                id: c.id,
                victims: victims.remove(&c.id).unwrap_or_default(),
                strands: strand_labels.remove(&c.id).unwrap_or_default(),
                owner: owner_name,
                area: area_name.unwrap_or_default(),
                reference: c.reference,
                received_at: c.received_at,
                priority: c.priority,
                status: c.status,
                restricted: c.restricted,
                risk_level: c.risk_level,
            },
        )
        .collect())
}

/// The reference of the case `viewer` may see whose landlord's reference is `text`.
pub async fn by_landlord_reference(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    text: &str,
) -> Result<Option<String>, DbErr> {
    cases::Entity::find()
        .select_only()
        .column(cases::Column::Reference)
        .filter(viewer.condition())
        .filter(cases::Column::ExternalRef.eq(text))
        .into_tuple()
        .one(db)
        .await
}
