//! "Action against perpetrators" on the case page: each alleged perpetrator with their
//! actions (status since when, planned on, court and notice dates with their deadline
//! state, outcome, documents), then measures aimed at no one in particular. Links to
//! update and record actions follow the access policy.

use super::{action::view::date_item, headline, kind_label, status_tag, store};
use crate::{
    auth::policy::{Permission, allows},
    cases::{codes, visibility::Viewer},
    web::time_fmt,
};
use entity::{cases, deadlines, legal_dates, perpetrator_actions};
use maud::{Markup, html};
use sea_orm::{ConnectionTrait, DbErr};
use time::OffsetDateTime;

/// One action with its dates (and each date's deadline).
pub struct Item {
    pub action: perpetrator_actions::Model,
    pub dates: Vec<(legal_dates::Model, Option<deadlines::Model>)>,
}

/// The actions against one perpetrator (`who`), or aimed at no one in particular (`None`).
pub struct Group {
    pub who: Option<String>,
    pub items: Vec<Item>,
}

/// What the case page shows of this capability.
pub struct Panel {
    pub groups: Vec<Group>,
    pub now: OffsetDateTime,
}

pub async fn load(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    _viewer: &Viewer,
    now: OffsetDateTime,
) -> Result<Panel, DbErr> {
    let perpetrators = store::perpetrators(db, case.id).await?;
    let actions = store::actions_of(db, case.id).await?;
    let mut dates = store::legal_dates_of_case(db, case.id).await?.as_ref().clone();
    dates.retain(|ld| actions.iter().any(|a| a.id == ld.action_id));
    let mut deadlines = store::date_deadlines(db, case.id, &dates).await?;
    let mut items: Vec<Item> = actions
        .iter()
        .cloned()
        .map(|action| Item {
            dates: dates
                .iter()
                .filter(|ld| ld.action_id == action.id)
                .map(|ld| (ld.clone(), deadlines.remove(&ld.id)))
                .collect(),
            action,
        })
        .collect();
    let mut groups = vec![];
    for p in &perpetrators {
        let (mine, rest): (Vec<Item>, Vec<Item>) = items
            .into_iter()
            .partition(|i| i.action.party_id == Some(p.party_id));
        items = rest;
        groups.push(Group {
            who: Some(p.name.clone()),
            items: mine,
        });
    }
    // Anything left is aimed at no one in particular (or at a party no longer listed).
    let (no_one, former): (Vec<Item>, Vec<Item>) =
        items.into_iter().partition(|i| i.action.party_id.is_none());
    if !former.is_empty() {
        groups.push(Group {
            who: Some("Someone no longer on the case".to_owned()),
            items: former,
        });
    }
    if !no_one.is_empty() {
        groups.push(Group {
            who: None,
            items: no_one,
        });
    }
    Ok(Panel { groups, now })
}

pub fn section(viewer: &Viewer, case: &cases::Model, panel: &Panel) -> Markup {
    let may_manage = allows(viewer.role, Permission::ManageEnforcement);
    let base = format!("/cases/{}/enforcement", case.reference);
    html! {
        section id="enforcement" {
            h2.heading-l { "Action against perpetrators" }
            @if panel.groups.is_empty() {
                p.body { "No alleged perpetrator is recorded and no action has been taken." }
            }
            @for group in &panel.groups {
                h3.heading-m {
                    @match &group.who { Some(who) => (who), None => "No one in particular" }
                }
                @if group.items.is_empty() {
                    p.body { "No action recorded." }
                }
                @for item in &group.items {
                    @let a = &item.action;
                    div.person-card id={ "enforcement-" (a.id) } {
                        h4.heading-s { (kind_label(&a.kind)) }
                        dl.summary-list {
                            div.summary-list__row {
                                dt.summary-list__key { "Status" }
                                dd.summary-list__value { (status_tag(&a.status)) " since " (time_fmt::date(a.status_on)) }
                            }
                            div.summary-list__row {
                                dt.summary-list__key { "Planned" }
                                dd.summary-list__value { (time_fmt::date(a.planned_on)) }
                            }
                            @if !item.dates.is_empty() {
                                div.summary-list__row {
                                    dt.summary-list__key { "Court and notice dates" }
                                    dd.summary-list__value {
                                        ul.list {
                                            @for (ld, d) in &item.dates {
                                                li { (date_item(viewer, case, ld, d.as_ref(), panel.now)) }
                                            }
                                        }
                                    }
                                }
                            }
                            @if let Some(outcome) = &a.outcome {
                                div.summary-list__row {
                                    dt.summary-list__key { "Outcome" }
                                    dd.summary-list__value { p.body.preserve-lines { (outcome) } }
                                }
                            }
                            @if let Some(documents) = &a.documents {
                                div.summary-list__row {
                                    dt.summary-list__key { "Documents" }
                                    dd.summary-list__value { p.body.preserve-lines { (documents) } }
                                }
                            }
                        }
                        @if may_manage {
                            p.body.no-print {
                                a href={ (base) "/" (a.id) } {
                                    "Update" span.visually-hidden { ": " (headline(&a.kind, group.who.as_deref())) }
                                }
                            }
                        }
                    }
                }
            }
            @if may_manage && case.status == codes::OPEN {
                p.body.no-print {
                    a.button href={ (base) "/new" } { "Record an action" }
                }
            }
        }
    }
}
