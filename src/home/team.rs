//! The team at a glance, for those who see the team's due list: how many deadlines are
//! overdue on the team's cases (the count of the team due list's "Overdue" group) and how
//! many open cases wait in triage without an officer (the caseload's triage queue). Both
//! are counted by the queries behind those pages, so through the visibility filter.

use crate::{
    cases::{
        caseload::{
            filters::{Criteria, Tab},
            query::{self as caseload, Purpose},
        },
        visibility::Viewer,
    },
    deadlines::lists::{
        params::TEAM,
        query::{self as due, Scope},
    },
};
use maud::{Markup, html};
use sea_orm::{
    ConnectionTrait, DbErr, QuerySelect, QueryTrait,
    sea_query::{Asterisk, Expr, Func, Query, SelectStatement},
};
use time::OffsetDateTime;

pub struct Team {
    /// Open deadlines past due on the team's cases.
    pub overdue: u64,
    /// Open cases with no officer.
    pub triage: u64,
    /// The overdue count is of every case (the viewer has no areas), not their areas'.
    pub all_areas: bool,
}

/// The team's figures and, in the same statement, whether `mine` finds anything (the
/// home page asks whether the viewer has work of their own: [`super::work::any_statement`]).
pub async fn load(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    now: OffsetDateTime,
    mine: Option<SelectStatement>,
) -> Result<(Team, bool), DbErr> {
    // Due before now is exactly the due list's "Overdue" group.
    let overdue = due::count_statement(viewer, Scope::Team, now);
    let triage = Criteria {
        tab: Tab::Triage,
        ..Criteria::default_for(viewer.role)
    };
    let triage = caseload::select(viewer, &triage, Purpose::Count)
        .select_only()
        .expr(Func::count(Expr::col(Asterisk)))
        .into_query();
    let sub = |q: SelectStatement| Expr::SubQuery(None, Box::new(q.into()));
    let mut figures = Query::select();
    figures.expr(sub(overdue)).expr(sub(triage));
    let asked = mine.is_some();
    if let Some(mine) = mine {
        // 1 or 0 rather than the EXISTS itself: an INTEGER (read as i32) on SQLite and
        // PostgreSQL alike, where a bare EXISTS is a boolean on one and an integer on the other.
        figures.expr(Expr::case(Expr::exists(mine), 1).finally(0));
    }
    let row = db
        .query_one(&figures)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the team's figures".into()))?;
    let count = |i: usize| {
        row.try_get_by_index::<i64>(i)
            .map(|n| u64::try_from(n).unwrap_or(0))
    };
    let mine = asked && row.try_get_by_index::<i32>(2)? != 0;
    Ok((
        Team {
            overdue: count(0)?,
            triage: count(1)?,
            all_areas: viewer.area_ids.is_empty(),
        },
        mine,
    ))
}

pub fn render(t: &Team) -> Markup {
    let plural = |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    html! {
        section aria-labelledby="team-heading" {
            h2.heading-l id="team-heading" { "Your team" }
            div.headline-figures {
                div.headline-figures__item {
                    span.headline-figures__value { (t.overdue) }
                    span.headline-figures__label {
                        a href={ "/deadlines?view=" (TEAM) "#overdue" } {
                            (plural(t.overdue, "deadline overdue", "deadlines overdue"))
                            @if !t.all_areas { " in your areas" }
                        }
                    }
                }
                div.headline-figures__item {
                    span.headline-figures__value { (t.triage) }
                    span.headline-figures__label {
                        a href="/cases?tab=triage" {
                            (plural(t.triage, "case waiting in triage", "cases waiting in triage"))
                        }
                    }
                }
            }
        }
    }
}
