//! Closing a case with open deadlines: the closing officer says what happens to each —
//! done, no longer applicable (with a reason) or, for managers, waived (with a reason).
//! Nothing is left silently open on a closed case.

use super::{
    case_panel::stage_name,
    schedule::{self, Done, Rules},
    state,
};
use crate::cases::events::EventKind;
use crate::{
    audit::Origin,
    cases::{
        timeline::{self, Entry},
        visibility::Viewer,
    },
    procedure::Stage,
    web::{forms::FormErrors, time_fmt},
};
use entity::{cases, deadlines};
use maud::{Markup, html};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use std::collections::HashMap;
use time::OffsetDateTime;

const MAX_REASON_CHARS: usize = 2_000;

/// What the person closing may do with a deadline.
#[derive(Clone, Copy)]
pub struct Closer {
    pub may_waive: bool,
    pub may_record_review: bool,
    pub now: OffsetDateTime,
}

impl Closer {
    /// The answers this closer may give for `d`: "done" (not a manager review, unless a
    /// manager), "no longer applicable" (not once the deadline is overdue — that would
    /// excuse a breach, which is a waiver), "waive" (managers).
    fn options(self, d: &deadlines::Model) -> Vec<(&'static str, &'static str)> {
        let review = Stage::from_code(&d.stage).is_some_and(Stage::done_by_managers_only);
        let overdue = self.now > d.original_due_at;
        let mut options = vec![];
        if !review || self.may_record_review {
            options.push(("done", "Done"));
        }
        if !overdue || self.may_waive {
            options.push(("not-applicable", "No longer applicable"));
        }
        if self.may_waive {
            options.push(("waived", "Waive"));
        }
        options
    }
}

pub enum Answer {
    Done,
    NotApplicable(String),
    Waived(String),
}

pub async fn open_deadlines(db: &impl ConnectionTrait, case_id: i32) -> Result<Vec<deadlines::Model>, DbErr> {
    deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case_id))
        .filter(deadlines::Column::Status.eq(state::OPEN))
        .order_by_asc(deadlines::Column::DueAt)
        .order_by_asc(deadlines::Column::Id)
        .all(db)
        .await
}

fn choice_field(d: &deadlines::Model) -> String {
    format!("deadline-{}", d.id)
}

fn reason_field(d: &deadlines::Model) -> String {
    format!("deadline-{}-reason", d.id)
}

/// The answer for each open deadline, or errors naming the ones without a valid answer.
pub fn read(
    open: Vec<deadlines::Model>,
    form: &HashMap<String, String>,
    closer: Closer,
    errors: &mut FormErrors,
) -> Vec<(deadlines::Model, Answer)> {
    let mut answers = vec![];
    for d in open {
        let reason = form.get(&reason_field(&d)).map_or("", |r| r.trim()).to_owned();
        let name = stage_name(&d);
        let options = closer.options(&d);
        let chosen = form
            .get(&choice_field(&d))
            .map(String::as_str)
            .filter(|c| options.iter().any(|(value, _)| value == c));
        let answer = match chosen {
            Some("done") => Some(Answer::Done),
            Some("not-applicable") => Some(Answer::NotApplicable(reason.clone())),
            Some("waived") => Some(Answer::Waived(reason.clone())),
            _ if options.is_empty() => {
                errors.add(
                    choice_field(&d),
                    format!("Only a manager can settle “{name}”: ask a manager to record or waive it"),
                );
                None
            }
            _ => {
                errors.add(choice_field(&d), format!("Say what happens to “{name}”"));
                None
            }
        };
        match answer {
            Some(Answer::NotApplicable(_) | Answer::Waived(_)) if reason.is_empty() => {
                errors.add(reason_field(&d), format!("Give the reason for “{name}”"));
            }
            _ if reason.chars().count() > MAX_REASON_CHARS => {
                errors.add(
                    reason_field(&d),
                    format!("Keep the reason for “{name}” under {MAX_REASON_CHARS} characters"),
                );
            }
            Some(answer) => answers.push((d, answer)),
            None => {}
        }
    }
    answers
}

/// A victim's action-plan action whose deadline the closure settled: the caller (who
/// knows the action plan) settles the action the same way.
pub struct SettledAction {
    pub action_id: i32,
    pub done: bool,
    pub reason: String,
}

/// Applies the answers in the closing transaction (`case` is the closed case), each on
/// the timeline and in the audit trail, and returns the plan actions whose deadlines it
/// settled. `None` (the caller rolls back) when a deadline changed since the form was read.
pub async fn apply(
    txn: &DatabaseTransaction,
    case: &cases::Model,
    answers: Vec<(deadlines::Model, Answer)>,
    viewer: &Viewer,
    origin: &Origin,
    now: OffsetDateTime,
) -> Result<Option<Vec<SettledAction>>, DbErr> {
    let rules = Rules::for_case(txn, case).await?;
    let mut settled = vec![];
    for (d, answer) in answers {
        let name = stage_name(&d);
        let (status, reason, kind, action) = match answer {
            Answer::Done => {
                let done = Done {
                    at: now,
                    by: viewer.id,
                    note: Some("Recorded as done when the case was closed".into()),
                    now,
                };
                let (stage, action) = (d.stage.clone(), d.occurrence);
                if schedule::complete(txn, &rules, case, d, done).await?.is_none() {
                    return Ok(None);
                }
                if stage == Stage::PlanAction.code() {
                    settled.push(SettledAction {
                        action_id: action,
                        done: true,
                        reason: "Recorded as done when the case was closed".to_owned(),
                    });
                }
                let body = format!("Recorded “{name}” as done when the case was closed.");
                timeline::record(
                    txn,
                    now,
                    viewer,
                    origin,
                    "deadline.completed",
                    Entry::event(case, EventKind::DeadlineDone, now, body),
                )
                .await?;
                continue;
            }
            Answer::NotApplicable(reason) => (
                state::NOT_APPLICABLE,
                reason,
                EventKind::DeadlineNotApplicable,
                "deadline.not_applicable",
            ),
            Answer::Waived(reason) => (
                state::WAIVED,
                reason,
                EventKind::DeadlineWaived,
                "deadline.waived",
            ),
        };
        let body = match status {
            state::WAIVED => format!("Waived “{name}” when the case was closed: {reason}"),
            _ => format!("“{name}” no longer applicable when the case was closed: {reason}"),
        };
        let changed = crate::db::versioned::save_if_unchanged(
            txn,
            deadlines::Entity::update_many()
                .col_expr(deadlines::Column::Status, Expr::value(status))
                .col_expr(deadlines::Column::ResolvedBy, Expr::value(Some(viewer.id)))
                .col_expr(deadlines::Column::ResolvedAt, Expr::value(Some(now)))
                .col_expr(
                    deadlines::Column::ResolutionNote,
                    Expr::value(Some(reason.clone())),
                )
                .filter(deadlines::Column::Status.eq(state::OPEN)),
            d.id,
            d.version,
        )
        .await?;
        if !changed {
            return Ok(None);
        }
        if d.stage == Stage::PlanAction.code() {
            settled.push(SettledAction {
                action_id: d.occurrence,
                done: false,
                reason: reason.clone(),
            });
        }
        timeline::record(
            txn,
            now,
            viewer,
            origin,
            action,
            Entry::event(case, kind, now, body),
        )
        .await?;
    }
    Ok(Some(settled))
}

/// The closing form's questions, one per open deadline, keeping what was chosen.
pub fn fields(
    open: &[deadlines::Model],
    form: &HashMap<String, String>,
    closer: Closer,
    errors: &FormErrors,
) -> Markup {
    html! {
        @if !open.is_empty() {
            h2.heading-m { "Open deadlines" }
            p.body { "This case has open deadlines. Say what happens to each: done now, or no longer applicable (only before it falls due — after that, managers waive). A reason is needed unless it is done. To record work done earlier with its real date, use “Record done” on the case page first." }
            @for d in open {
                @let options = closer.options(d);
                @let field = choice_field(d);
                @let reason = reason_field(d);
                @let chosen = form.get(&field).map_or("", String::as_str);
                @let error = errors.get(&field);
                @let reason_error = errors.get(&reason);
                div.form-group.form-group--error[error.is_some() || reason_error.is_some()] {
                    fieldset.fieldset id=(field) {
                        legend.fieldset__legend { (stage_name(d)) ", due " (time_fmt::datetime(d.due_at)) }
                        @if let Some(message) = error { p.error-message { span.visually-hidden { "Error: " } (message) } }
                        @if options.is_empty() {
                            p.body { "Only a manager can record or waive this deadline." }
                        }
                        div.radios.radios--inline {
                            @for (value, label) in &options {
                                @let id = format!("{field}-{value}");
                                div.radios__item {
                                    input.radios__input type="radio" id=(id) name=(field) value=(value) checked[chosen == *value];
                                    label.label.radios__label for=(id) { (label) }
                                }
                            }
                        }
                        div.form-group {
                            label.label for=(reason) { "Reason (if not done)" }
                            @if let Some(message) = reason_error { p.error-message { span.visually-hidden { "Error: " } (message) } }
                            input.input type="text" id=(reason) name=(reason) value=(form.get(&reason).map_or("", String::as_str));
                        }
                    }
                }
            }
        }
    }
}
