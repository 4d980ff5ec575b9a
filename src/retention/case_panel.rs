//! The case page's retention section: how long the case is kept, any legal hold, and
//! whether its identifying details have been destroyed.

use super::{holds, rules::Retention};
use crate::{
    auth::policy::{Permission, allows},
    calendar::london_date,
    cases::{codes, visibility::Viewer},
    web::time_fmt,
};
use entity::{case_disposals, cases};
use maud::{Markup, html};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use time::{Date, OffsetDateTime};

pub struct Panel {
    /// Years the case is kept after closure (by its outcome, if closed).
    years: i32,
    /// The last day it is kept, once closed.
    kept_until: Option<Date>,
    held: Vec<String>,
    disposed: Option<case_disposals::Model>,
}

pub async fn load(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    now: OffsetDateTime,
) -> Result<Panel, DbErr> {
    let retention = Retention::load(db).await?;
    let closed_at = case.closed_at.filter(|_| case.status == codes::CLOSED);
    Ok(Panel {
        years: retention.years_for(case.outcome.as_deref().filter(|_| closed_at.is_some())),
        kept_until: closed_at.map(|at| retention.kept_until(at, case.outcome.as_deref())),
        held: holds::reasons_for_case(db, case.id, london_date(now)).await?,
        disposed: case_disposals::Entity::find_by_id(case.id).one(db).await?,
    })
}

pub fn section(viewer: &Viewer, case: &cases::Model, p: &Panel) -> Markup {
    html! {
        section.panel aria-labelledby="retention" {
            h2.heading-l id="retention" { "Retention" }
            @if let Some(d) = &p.disposed {
                p.body { strong { "Identifying details destroyed on " (time_fmt::date(london_date(d.disposed_at))) ". " }
                    "The retention period ended on " (time_fmt::date(d.retention_ended_on)) ". Names, contact details, addresses, descriptions and notes were destroyed; dates, outcomes, deadlines and monitoring answers remain for the statistics." }
            } @else {
                p.body {
                    @match p.kept_until {
                        Some(until) => { "Kept until " (time_fmt::date(until)) " (" (years(p.years)) " after it was closed)." }
                        None => { "Kept for " (years(p.years)) " after it is closed." }
                    }
                }
                @if !p.held.is_empty() {
                    p.body { strong { "On legal hold" } ": kept past that date while any of these stand." }
                    ul.list { @for why in &p.held { li { (why) } } }
                }
                @if allows(viewer.role, Permission::ManageRetention) {
                    p.body { a href={ "/cases/" (case.reference) "/hold" } { "Place or lift a legal hold" } }
                }
            }
        }
    }
}

/// "1 year", "6 years".
fn years(n: i32) -> String {
    format!("{n} year{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_year_is_singular() {
        assert_eq!(super::years(1), "1 year");
        assert_eq!(super::years(6), "6 years");
    }
}
