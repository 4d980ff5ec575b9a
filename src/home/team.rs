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
use sea_orm::{ConnectionTrait, DbErr, PaginatorTrait};
use time::OffsetDateTime;

pub struct Team {
    /// Open deadlines past due on the team's cases.
    pub overdue: u64,
    /// Open cases with no officer.
    pub triage: u64,
    /// The overdue count is of every case (the viewer has no areas), not their areas'.
    pub all_areas: bool,
}

pub async fn load(db: &impl ConnectionTrait, viewer: &Viewer, now: OffsetDateTime) -> Result<Team, DbErr> {
    // Due before now is exactly the due list's "Overdue" group.
    let overdue = due::count(db, viewer, Scope::Team, now).await?;
    let triage = Criteria {
        tab: Tab::Triage,
        ..Criteria::default_for(viewer.role)
    };
    let triage = caseload::select(viewer, &triage, Purpose::Count)
        .count(db)
        .await?;
    Ok(Team {
        overdue,
        triage,
        all_areas: viewer.area_ids.is_empty(),
    })
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
