//! "Your work": the open cases the signed-in officer has (their "My cases", open ones, the
//! soonest next deadline first) and the deadlines they answer for that are overdue or due today (their due
//! list's first two groups). Both come from the caseload and due-list queries, so from the
//! visibility filter, and link to those pages for the whole list.

use crate::{
    cases::{
        caseload::{
            filters::{self, Criteria, Filters, Options, Sort, Tab},
            query::{self as caseload, Purpose},
            view::priority_tag,
        },
        codes,
        visibility::Viewer,
    },
    deadlines::{
        calendar_settings,
        lists::{
            query::{self as due, Scope},
            view::{Groups, Row, rows_table},
            window::{Group, Window},
        },
    },
    procedure::Stage,
    web::{
        forms::FormErrors,
        table::{self, Col},
        time_fmt,
    },
};
use maud::{Markup, html};
use sea_orm::{ConnectionTrait, DbErr, PaginatorTrait, QuerySelect};
use time::OffsetDateTime;

/// The most rows each list shows here; the linked pages have the rest.
const SHOWN: usize = 10;

/// One of the officer's open cases.
pub struct OpenCase {
    pub reference: String,
    pub priority: String,
    pub received_at: OffsetDateTime,
    /// The soonest open deadline: (stage label, due).
    pub next: Option<(String, OffsetDateTime)>,
}

pub struct Work {
    /// How many open cases in all.
    pub open_total: u64,
    /// The first [`SHOWN`] of them, priority 1 first, then the longest waiting.
    pub open: Vec<OpenCase>,
    /// The first [`SHOWN`] overdue and due today (`soon` stays empty).
    pub due: Groups,
    /// How many are overdue, and due today, in all.
    pub overdue_total: u64,
    pub today_total: u64,
}

impl Work {
    /// Nothing to show: no open cases and nothing overdue or due today.
    pub fn is_empty(&self) -> bool {
        self.open_total == 0 && self.overdue_total == 0 && self.today_total == 0
    }

    fn total(&self, group: Group) -> u64 {
        match group {
            Group::Overdue => self.overdue_total,
            _ => self.today_total,
        }
    }
}

/// The caseload filters of "your open cases": the link to them is the same list.
fn open_cases() -> Filters {
    Filters {
        tab: Tab::Mine.code().to_owned(),
        status: codes::OPEN.to_owned(),
        sort: Sort::Deadline.code().to_owned(),
        ..Filters::default()
    }
}

fn open_cases_href() -> String {
    let f = open_cases();
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    s.append_pair("tab", &f.tab);
    for (k, v) in f.params() {
        s.append_pair(k, &v);
    }
    format!("/cases?{}", s.finish())
}

pub async fn load(db: &impl ConnectionTrait, viewer: &Viewer, now: OffsetDateTime) -> Result<Work, DbErr> {
    let criteria: Criteria = filters::parse(
        &open_cases(),
        viewer.role,
        &Options::default(),
        &mut FormErrors::default(),
    );
    let first = caseload::sorted(caseload::select(viewer, &criteria, Purpose::Page), criteria.sort)
        .limit(SHOWN as u64)
        .all(db)
        .await?;
    // Fewer than a full list is every one of them: counted without a statement.
    let open_total = match first.len() {
        shown if shown < SHOWN => shown as u64,
        _ => {
            caseload::select(viewer, &criteria, Purpose::Count)
                .count(db)
                .await?
        }
    };
    let ids: Vec<i32> = first.iter().map(|c| c.id).collect();
    let mut next = due::next_due(db, &ids).await?;
    let open = first
        .into_iter()
        .map(|c| OpenCase {
            next: next
                .remove(&c.id)
                .map(|(stage, at)| (Stage::label_of(&stage).to_owned(), at)),
            reference: c.reference,
            priority: c.priority,
            received_at: c.received_at,
        })
        .collect();

    let calendar = calendar_settings::load(db).await?;
    let window = Window::at(&calendar, now);
    // Counted in full, but only the rows shown are fetched: an officer with hundreds of
    // overdue deadlines would otherwise load (and price in working days) every one.
    let (mine, end_of_today) = (Scope::Officer(viewer.id), window.end_of_today());
    let mut rows = due::fetch_first(db, viewer, mine, None, now, SHOWN as u64).await?;
    let today = due::fetch_first(db, viewer, mine, Some(now), end_of_today, SHOWN as u64).await?;
    // Lists shorter than their limit are whole; only a full one needs counting.
    let (overdue_total, today_total) = if rows.len() < SHOWN && today.len() < SHOWN {
        (rows.len() as u64, today.len() as u64)
    } else {
        due::count_split(db, viewer, mine, now, end_of_today).await?
    };
    rows.extend(today);
    Ok(Work {
        open_total,
        open,
        due: Groups::new(&window, &calendar, rows, false),
        overdue_total,
        today_total,
    })
}

pub fn render(w: &Work) -> Markup {
    html! {
        section aria-labelledby="your-cases-heading" {
            h2.heading-l id="your-cases-heading" { "Your open cases (" (w.open_total) ")" }
            @if w.open.is_empty() {
                p.body { "You have no open cases." }
            } @else {
                (open_table(w))
                p.body {
                    a href=(open_cases_href()) {
                        @if w.open_total as usize > w.open.len() {
                            "All " (w.open_total) " of your open cases"
                        } @else {
                            "Your open cases with search and filters"
                        }
                    }
                }
            }
        }
        @for group in [Group::Overdue, Group::Today] {
            (due_section(group, w.due.rows(group), w.total(group)))
        }
    }
}

fn open_table(w: &Work) -> Markup {
    let caption = if w.open_total as usize > w.open.len() {
        format!(
            "Your open cases, the {} with the soonest deadlines of {}",
            w.open.len(),
            w.open_total
        )
    } else {
        format!("Your open cases, {}", w.open_total)
    };
    table::table(
        &caption,
        &[
            Col::Text("Case"),
            Col::Text("Priority"),
            Col::Text("Received"),
            Col::Text("Next deadline"),
        ],
        html! {
            @for c in &w.open {
                tr {
                    td.table__cell.caseload__reference { a href={ "/cases/" (c.reference) } { (c.reference) } }
                    td.table__cell { (priority_tag(&c.priority)) }
                    td.table__cell { (time_fmt::datetime(c.received_at)) }
                    td.table__cell {
                        @match &c.next {
                            Some((stage, due)) => { (stage) ", due " (time_fmt::datetime(*due)) }
                            None => span.hint { "None open" }
                        }
                    }
                }
            }
        },
    )
}

/// Overdue or due today: the first rows as the due list shows them (`shown`, of `total`),
/// and a link to it.
fn due_section(group: Group, shown: &[Row], total: u64) -> Markup {
    let heading = format!("home-{}-heading", group.id());
    html! {
        section aria-labelledby=(heading) {
            h2.heading-l id=(heading) {
                (group.label()) " (" (total) ")"
            }
            @if shown.is_empty() {
                p.body { (group.empty()) }
            } @else {
                (rows_table(group, shown, total, false))
                p.body {
                    a href={ "/deadlines#" (group.id()) } {
                        @if (shown.len() as u64) < total {
                            "All " (total) " in your due list"
                        } @else {
                            "Your due list"
                        }
                    }
                }
            }
        }
    }
}

/// The statement finding whether `viewer` may have work of their own: a case they answer
/// for (as its officer, or as whoever logged it while it has none) that is open or has an
/// open deadline. A superset of what [`load`] finds; the home page runs it with the team's
/// figures (`team::load`).
pub fn any_statement(viewer: &Viewer) -> sea_orm::sea_query::SelectStatement {
    use entity::{cases, deadlines};
    use sea_orm::{
        ColumnTrait, Condition, EntityTrait, QueryFilter, QueryTrait,
        sea_query::{Expr, ExprTrait, Query},
    };
    let open_deadline = cases::Column::Id.in_subquery(
        Query::select()
            .column(deadlines::Column::CaseId)
            .from(deadlines::Entity)
            .and_where(Expr::col(deadlines::Column::Status).eq(crate::deadlines::state::OPEN))
            .to_owned(),
    );
    cases::Entity::find()
        .select_only()
        .column(cases::Column::Id)
        .filter(due::answers_for(viewer.id))
        .filter(
            Condition::any()
                .add(cases::Column::Status.eq(codes::OPEN))
                .add(open_deadline),
        )
        .filter(viewer.condition())
        .limit(1)
        .into_query()
}
