//! The action plan on the case page: the plan that stands, earlier agreements, the actions
//! with the state of their deadlines, and (for those who manage plans) the buttons.

use super::{CANCELLED, DONE, NOT_GIVEN};
use crate::{
    auth::policy::{Permission, allows},
    cases::{codes, staff_names::user_names, visibility::Viewer},
    deadlines::state::{self, State},
    procedure::{Stage, Timescale, Unit},
    web::{
        table::{self, Col},
        time_fmt,
    },
};
use entity::{action_plans, cases, deadlines, plan_actions};
use maud::{Markup, html};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use time::OffsetDateTime;

/// One action and what the page shows with it.
pub struct ActionRow {
    pub action: plan_actions::Model,
    pub owner: String,
    pub deadline: Option<deadlines::Model>,
}

/// What the case page shows of the action plan.
pub struct Panel {
    /// Every agreement, the standing one first, each with who recorded it.
    pub agreements: Vec<(action_plans::Model, String)>,
    pub actions: Vec<ActionRow>,
    /// Without a plan: the open action-plan deadline, if any.
    pub due: Option<deadlines::Model>,
    pub now: OffsetDateTime,
}

pub async fn load(
    db: &impl ConnectionTrait,
    case: &cases::Model,
    _viewer: &Viewer,
    now: OffsetDateTime,
) -> Result<Panel, DbErr> {
    let agreements = super::agreements(db, case.id).await?;
    let actions = plan_actions::Entity::find()
        .filter(plan_actions::Column::CaseId.eq(case.id))
        .order_by_asc(plan_actions::Column::TargetOn)
        .order_by_asc(plan_actions::Column::Id)
        .all(db)
        .await?;
    let of_case = crate::deadlines::of_case::of_case(db, case.id).await?;
    let mut deadlines: HashMap<i32, deadlines::Model> = of_case
        .iter()
        .filter(|d| d.stage == Stage::PlanAction.code())
        .map(|d| (d.occurrence, d.clone()))
        .collect();
    let names = user_names(
        db,
        agreements
            .iter()
            .map(|p| Some(p.created_by))
            .chain(actions.iter().map(|a| a.owner_id)),
    )
    .await?;
    let name = |id: i32| names.get(&id).cloned().unwrap_or_default();
    let due = if agreements.is_empty() {
        of_case
            .iter()
            .filter(|d| d.stage == Stage::ActionPlan.code() && d.status == state::OPEN)
            .min_by_key(|d| d.occurrence)
            .cloned()
    } else {
        None
    };
    Ok(Panel {
        agreements: agreements
            .into_iter()
            .map(|p| {
                let by = name(p.created_by);
                (p, by)
            })
            .collect(),
        actions: actions
            .into_iter()
            .map(|a| ActionRow {
                owner: match a.owner_id {
                    Some(id) => name(id),
                    None => a.owner_other.clone().unwrap_or_default(),
                },
                deadline: deadlines.remove(&a.id),
                action: a,
            })
            .collect(),
        due,
        now,
    })
}

/// "every 7 calendar days by phone call"
fn contact(plan: &action_plans::Model) -> String {
    let every = match (
        Unit::from_code(&plan.contact_every_unit),
        u32::try_from(plan.contact_every_amount),
    ) {
        (Some(unit), Ok(amount)) => Timescale::new(unit, amount).describe(),
        _ => format!("{} {}", plan.contact_every_amount, plan.contact_every_unit),
    };
    format!(
        "Every {every} by {}",
        super::channel_label(&plan.contact_channel).to_lowercase()
    )
}

/// One agreement as a summary list (the case page, and above the revision form).
pub fn plan_summary(plan: &action_plans::Model, by: &str) -> Markup {
    html! {
        dl.summary-list {
            div.summary-list__row { dt.summary-list__key { "Agreed with the victim" } dd.summary-list__value {
                (time_fmt::date(plan.agreed_on)) @if !by.is_empty() { ", recorded by " (by) }
            } }
            div.summary-list__row { dt.summary-list__key { "Copy given" } dd.summary-list__value {
                (super::copy_given_label(&plan.copy_given_how))
                @if let Some(on) = plan.copy_given_on { ", " (time_fmt::date(on)) }
            } }
            div.summary-list__row { dt.summary-list__key { "Contact" } dd.summary-list__value { (contact(plan)) } }
            div.summary-list__row { dt.summary-list__key { "Interpreter" } dd.summary-list__value {
                @match &plan.interpreter_language { Some(l) => { (l) }, None => { "Not needed" } }
            } }
            @if let Some(needs) = &plan.communication_needs {
                div.summary-list__row { dt.summary-list__key { "Communication or other needs" } dd.summary-list__value.preserve-lines { (needs) } }
            }
            @if let Some(notes) = &plan.notes {
                div.summary-list__row { dt.summary-list__key { "Notes" } dd.summary-list__value.preserve-lines { (notes) } }
            }
        }
    }
}

/// The state of an action: cancelled, done (met or late against its deadline), or its
/// deadline's state while open (open, extended, overdue, …).
pub fn action_tag(
    a: &plan_actions::Model,
    deadline: Option<&deadlines::Model>,
    now: OffsetDateTime,
) -> Markup {
    let deadline_state = deadline.map(|d| state::state(d, now));
    html! {
        @match (a.status.as_str(), deadline_state) {
            (CANCELLED, _) => { strong.tag.tag--grey { "Cancelled" } }
            (DONE, Some(s @ (State::Met | State::Late))) => {
                strong class=(s.tag_class()) { "Done (" (s.label().to_lowercase()) ")" }
            }
            (DONE, _) => { strong.tag.tag--green { "Done" } }
            (_, Some(s)) => { strong class=(s.tag_class()) { (s.label()) } }
            (_, None) => { strong.tag.tag--blue { "Open" } }
        }
    }
}

/// The "Action plan" section of the case page.
pub fn section(viewer: &Viewer, case: &cases::Model, panel: &Panel) -> Markup {
    let base = format!("/cases/{}/plan", case.reference);
    let may_manage = allows(viewer.role, Permission::ManagePlans) && case.status == codes::OPEN;
    let standing = panel.agreements.first();
    let mut action_cols = vec![
        Col::Text("Action"),
        Col::Text("Owner"),
        Col::Text("Target date"),
        Col::Text("State"),
        Col::Text("Completed"),
        Col::Text("Outcome"),
    ];
    if may_manage {
        action_cols.push(Col::Actions);
    }
    html! {
        section id="plan" {
            h2.heading-l { "Action plan" }
            @match standing {
                None => {
                    p.body {
                        "No action plan agreed yet."
                        @if let Some(d) = &panel.due {
                            " The action plan is due by " (time_fmt::datetime(d.due_at)) "."
                        }
                    }
                }
                Some((plan, by)) => {
                    (plan_summary(plan, by))
                    @if panel.agreements.len() > 1 {
                        h3.heading-s { "Earlier agreements" }
                        ul.list {
                            @for (p, by) in &panel.agreements[1..] {
                                li {
                                    "Agreed " (time_fmt::date(p.agreed_on))
                                    @if !by.is_empty() { ", recorded by " (by) }
                                    " (" (contact(p).to_lowercase())
                                    @if p.copy_given_how == NOT_GIVEN { "; no copy given" }
                                    ")"
                                }
                            }
                        }
                    }
                }
            }
            @if !panel.actions.is_empty() {
                h3.heading-s { "Actions agreed" }
                (table::table(&format!("Actions agreed on {}", case.reference), &action_cols, html! {
                    @for row in &panel.actions {
                        @let a = &row.action;
                        tr id={ "plan-action-" (a.id) } {
                            td.table__cell { (a.description) }
                            td.table__cell { (row.owner) }
                            td.table__cell {
                                (time_fmt::date(a.target_on))
                                @if let Some(d) = &row.deadline && d.extended_at.is_some() {
                                    br; span.hint { "Originally " (time_fmt::date(time_fmt::london(d.original_due_at).date())) }
                                }
                            }
                            td.table__cell { (action_tag(a, row.deadline.as_ref(), panel.now)) }
                            td.table__cell { @if let Some(on) = a.completed_on { (time_fmt::date(on)) } }
                            td.table__cell.preserve-lines { @if let Some(outcome) = &a.outcome { (outcome) } }
                            @if may_manage {
                                td.table__cell.no-print {
                                    a href={ (base) "/actions/" (a.id) } { "Update" span.visually-hidden { ": " (a.description) } }
                                }
                            }
                        }
                    }
                }))
            }
            @if may_manage {
                div.button-group.no-print {
                    @match standing {
                        None => { a.button href={ (base) "/new" } { "Agree an action plan" } }
                        Some(_) => {
                            a.button.button--secondary href={ (base) "/new" } { "Revise the plan" }
                            a.button.button--secondary href={ (base) "/actions/new" } { "Add an action" }
                        }
                    }
                }
            }
        }
    }
}
