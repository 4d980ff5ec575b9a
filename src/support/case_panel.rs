//! "Support and referrals" on the case page: the support measures with their dates and
//! cost (and the total cost of what was provided), and the referrals with their consent
//! to share, dates and responses. Buttons and Update links follow the access policy.

use super::{format_pence, measure_status_tag, referral_status_tag};
use crate::{
    auth::policy::{Permission, allows},
    cases::{codes, visibility::Viewer},
    web::{
        table::{self, Col},
        time_fmt,
    },
};
use entity::{cases, referrals, support_catalogue, support_measures};
use maud::{Markup, html};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
};
use time::OffsetDateTime;

/// A catalogue entry or agency as a record shows it.
pub struct Named {
    pub name: String,
    /// Retired since: no longer offered for new records.
    pub retired: bool,
}

/// What the case page shows of this capability.
pub struct Panel {
    pub measures: Vec<(support_measures::Model, Named)>,
    pub referrals: Vec<(referrals::Model, Named)>,
    /// The cost of the measures provided, in pence.
    pub provided_cost: i64,
}

pub async fn load(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    _viewer: &Viewer,
    _now: OffsetDateTime,
) -> Result<Panel, DbErr> {
    let measures: Vec<(support_measures::Model, Option<support_catalogue::Model>)> =
        support_measures::Entity::find()
            .join(
                JoinType::LeftJoin,
                support_measures::Entity::belongs_to(support_catalogue::Entity)
                    .from(support_measures::Column::CatalogueId)
                    .to(support_catalogue::Column::Id)
                    .into(),
            )
            .select_also(support_catalogue::Entity)
            .filter(support_measures::Column::CaseId.eq(case.id))
            .order_by_asc(support_measures::Column::RequestedOn)
            .order_by_asc(support_measures::Column::Id)
            .all(db)
            .await?;
    let referrals = super::referrals::store::of_case(db, case.id).await?;
    let provided_cost = measures
        .iter()
        .map(|(m, _)| m)
        .filter(|m| m.status == super::PROVIDED)
        .filter_map(|m| m.cost_pence)
        .sum();
    Ok(Panel {
        measures: measures
            .into_iter()
            .map(|(m, entry)| {
                let named = entry.map_or_else(
                    || Named {
                        name: String::new(),
                        retired: false,
                    },
                    |e| Named {
                        name: e.name,
                        retired: !e.active,
                    },
                );
                (m, named)
            })
            .collect(),
        referrals: referrals
            .iter()
            .map(|(r, agency)| {
                let named = agency.as_ref().map_or_else(
                    || Named {
                        name: String::new(),
                        retired: false,
                    },
                    |a| Named {
                        name: a.name.clone(),
                        retired: !a.active,
                    },
                );
                (r.clone(), named)
            })
            .collect(),
        provided_cost,
    })
}

fn named(n: &Named) -> Markup {
    html! {
        (n.name)
        @if n.retired { br; span.hint { "No longer offered" } }
    }
}

fn dated(label: &str, d: Option<time::Date>) -> Markup {
    html! { @if let Some(d) = d { (label) " " (time_fmt::date(d)) br; } }
}

pub fn section(viewer: &Viewer, case: &cases::Model, panel: &Panel) -> Markup {
    let base = format!("/cases/{}", case.reference);
    let open = case.status == codes::OPEN;
    let may_support = allows(viewer.role, Permission::RecordSupport);
    let may_refer = allows(viewer.role, Permission::ManageReferrals);
    let mut measure_cols = vec![
        Col::Text("Measure"),
        Col::Text("Status"),
        Col::Text("Dates"),
        Col::Numeric("Cost"),
        Col::Text("Notes"),
    ];
    if may_support {
        measure_cols.push(Col::Actions);
    }
    let mut referral_cols = vec![
        Col::Text("Agency"),
        Col::Text("Status"),
        Col::Text("Dates"),
        Col::Text("Consent to share"),
        Col::Text("Response"),
    ];
    if may_refer {
        referral_cols.push(Col::Actions);
    }
    html! {
        section id="support" {
            h2.heading-l { "Support and referrals" }
            h3.heading-m { "Support measures" }
            @if panel.measures.is_empty() {
                p.body { "No support recorded." }
            } @else {
                (table::table(&format!("Support measures on {}", case.reference), &measure_cols, html! {
                    @for (m, n) in &panel.measures {
                        tr id={ "support-" (m.id) } {
                            td.table__cell { (named(n)) }
                            td.table__cell { (measure_status_tag(&m.status)) }
                            td.table__cell {
                                (dated("Requested", Some(m.requested_on)))
                                (dated("Provided", m.provided_on))
                                (dated("Declined", m.declined_on))
                            }
                            td.table__cell.table__cell--numeric { @if let Some(c) = m.cost_pence { (format_pence(c)) } }
                            td.table__cell { @if let Some(notes) = &m.notes { (notes) } }
                            @if may_support {
                                td.table__cell.no-print {
                                    a href={ (base) "/support/" (m.id) } { "Update" span.visually-hidden { " " (n.name) } }
                                }
                            }
                        }
                    }
                }))
                p.body { "Total cost of support provided: " strong { (format_pence(panel.provided_cost)) } }
            }
            @if may_support {
                @if open {
                    div.button-group.no-print {
                        a.button.button--secondary href={ (base) "/support/new" } { "Record support" }
                    }
                } @else if !panel.measures.is_empty() {
                    p.body.no-print { "The case is closed: support already recorded can still be updated." }
                }
            }
            h3.heading-m { "Referrals" }
            @if panel.referrals.is_empty() {
                p.body { "No referrals recorded." }
            } @else {
                (table::table(&format!("Referrals on {}", case.reference), &referral_cols, html! {
                    @for (r, n) in &panel.referrals {
                        tr id={ "referral-" (r.id) } {
                            td.table__cell { (named(n)) }
                            td.table__cell { (referral_status_tag(&r.status)) }
                            td.table__cell {
                                (dated("Referred", Some(r.referred_on)))
                                (dated("Sent", r.sent_on))
                            }
                            td.table__cell {
                                @match (&r.consent_by, r.consent_on) {
                                    (Some(by), Some(on)) => {
                                        "Given by " (by) " on " (time_fmt::date(on))
                                        @if let Some(scope) = &r.consent_scope { br; span.hint { "May share: " (scope) } }
                                    }
                                    _ => { "Not recorded" }
                                }
                            }
                            td.table__cell {
                                @if let Some(on) = r.response_on { (time_fmt::date(on)) ": " }
                                @if let Some(response) = &r.response { (response) }
                            }
                            @if may_refer {
                                td.table__cell.no-print {
                                    a href={ (base) "/referrals/" (r.id) } { "Update" span.visually-hidden { " referral to " (n.name) } }
                                }
                            }
                        }
                    }
                }))
            }
            @if may_refer && open {
                div.button-group.no-print {
                    a.button.button--secondary href={ (base) "/referrals/new" } { "Refer to an agency" }
                }
            }
        }
    }
}
