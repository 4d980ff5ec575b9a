//! The risk section of the case page: the standing level, every assessment, the button to
//! assess again, and while the level is high the shorter review cadence and the prompt to
//! refer to the multi-agency risk panel.

use super::{HIGH, LEVELS, OCCASIONS, level_tag, store};
use crate::procedure::Stage;
use crate::{
    auth::policy::{Permission, allows},
    cases::{codes, staff_names::user_names, visibility::Viewer},
    web::{
        table::{self, Col},
        time_fmt,
    },
};
use entity::{agencies, cases, risk_assessments};
use maud::{Markup, html};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

/// What the case page shows of this capability.
pub struct Panel {
    /// Every assessment, latest first, with who made it.
    pub history: Vec<(risk_assessments::Model, String)>,
    /// While the standing level is high: the manager-review cadence that applies ("14
    /// calendar days": the high-risk one, or the procedure's when that is shorter).
    pub high_review: Option<String>,
    /// While the standing level is high and no multi-agency referral stands: the prompt,
    /// with the agency to preselect (the first active multi-agency panel), if any.
    pub marac_prompt: Option<Option<agencies::Model>>,
    /// A manager review recorded after the latest assessment (or with none): when. Risk is
    /// assessed again at each review.
    pub review_since: Option<OffsetDateTime>,
}

pub async fn load(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    _viewer: &Viewer,
    _now: OffsetDateTime,
) -> Result<Panel, DbErr> {
    let history = store::history(db, case.id).await?;
    let names = user_names(db, history.iter().map(|a| Some(a.created_by))).await?;
    let history: Vec<_> = history
        .into_iter()
        .map(|a| {
            let by = names.get(&a.created_by).cloned().unwrap_or_default();
            (a, by)
        })
        .collect();
    let high = case.risk_level.as_deref() == Some(HIGH);
    let (high_review, marac_prompt) = if high {
        let rules = crate::deadlines::schedule::Rules::for_case(db, case).await?;
        let cadence = rules
            .timescale(case, crate::procedure::Stage::ManagerReview)
            .describe();
        let mut panels = agencies::Entity::find()
            .filter(agencies::Column::MultiAgency.eq(true))
            .order_by_asc(agencies::Column::Position)
            .order_by_asc(agencies::Column::Id)
            .all(db)
            .await?;
        let referred = !panels.is_empty()
            && crate::support::referrals::store::of_case(db, case.id)
                .await?
                .iter()
                .any(|(r, _)| {
                    r.status != crate::support::WITHDRAWN && panels.iter().any(|a| a.id == r.agency_id)
                });
        panels.retain(|a| a.active);
        let prompt = (!referred).then(|| panels.into_iter().next());
        (Some(cadence), prompt)
    } else {
        (None, None)
    };
    let last_review = crate::deadlines::of_case::of_case(db, case.id)
        .await?
        .iter()
        .filter(|d| d.stage == Stage::ManagerReview.code() && d.status == crate::deadlines::state::DONE)
        .filter_map(|d| d.done_at)
        .max();
    let review_since = last_review.filter(|review| match history.first() {
        Some((latest, _)) => latest.assessed_at < *review,
        None => true,
    });
    Ok(Panel {
        review_since,
        history,
        high_review,
        marac_prompt,
    })
}

pub fn section(viewer: &Viewer, case: &cases::Model, panel: &Panel) -> Markup {
    let base = format!("/cases/{}", case.reference);
    let may = |p| allows(viewer.role, p);
    let latest = panel.history.first();
    html! {
        section id="risk" {
            h2.heading-l { "Risk assessment" }
            @if let Some(cadence) = &panel.high_review {
                div.banner.banner--important {
                    p.banner__title { "High risk: manager reviews every " (cadence) }
                    @if let Some(agency) = &panel.marac_prompt {
                        p.body {
                            @match (agency, may(Permission::ManageReferrals) && case.status == codes::OPEN) {
                                (Some(agency), true) => {
                                    a href={ (base) "/referrals/new?agency=" (agency.id) } { "Refer to the multi-agency risk panel (MARAC)" }
                                    "."
                                }
                                _ => { "Refer to the multi-agency risk panel (MARAC)." }
                            }
                            " There is no referral to a multi-agency panel on this case."
                        }
                    }
                }
            }
            @match (&case.risk_level, latest) {
                (Some(level), Some((a, by))) => {
                    p.body {
                        (level_tag(level)) " "
                        "Score " (a.score) ", assessed " (time_fmt::datetime(a.assessed_at)) " by " (by) "."
                        @if a.level != a.computed_level { " The score gave " (codes::label(&LEVELS, &a.computed_level).to_lowercase()) "; the officer set the level." }
                    }
                }
                _ => { p.body { "The victim's risk has not been assessed yet." } }
            }
            @if let (Some(review), true) = (panel.review_since, case.status == codes::OPEN) {
                div.inset-text {
                    p.body { "A manager review was recorded " (time_fmt::datetime(review)) " since the last assessment: assess the victim's risk again for this review." }
                }
            }
            @if case.status == codes::OPEN && may(Permission::AssessRisk) {
                p.body.no-print { a.button.button--secondary href={ (base) "/risk/new" } { "Assess risk" } }
            }
            @if !panel.history.is_empty() {
                (table::table(
                    &format!("Risk assessments on {}", case.reference),
                    &[
                        Col::Text("Assessed"),
                        Col::Text("When"),
                        Col::Text("Level"),
                        Col::Numeric("Score"),
                        Col::Text("By"),
                        Col::Actions,
                    ],
                    html! {
                        @for (a, by) in &panel.history {
                            tr {
                                td.table__cell { (time_fmt::datetime(a.assessed_at)) }
                                td.table__cell { (codes::label(&OCCASIONS, &a.occasion)) }
                                td.table__cell {
                                    (level_tag(&a.level))
                                    @if a.level != a.computed_level { " " strong.tag.tag--blue { "Overridden" } }
                                }
                                td.table__cell.table__cell--numeric { (a.score) }
                                td.table__cell { (by) }
                                td.table__cell {
                                    a href={ (base) "/risk/" (a.id) } {
                                        "View" span.visually-hidden { " assessment of " (time_fmt::plain_date(time_fmt::london(a.assessed_at).date())) }
                                    }
                                }
                            }
                        }
                    },
                ))
            }
        }
    }
}
