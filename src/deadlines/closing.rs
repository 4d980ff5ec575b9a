//! Closing a case with open deadlines: the closing officer says what happens to each —
//! done, no longer applicable (with a reason) or, for managers, waived (with a reason).
//! Nothing is left silently open on a closed case.

use super::{
    case_panel::stage_name,
    plan::{self, Done, Rules},
    state,
};
use crate::{
    audit::Origin,
    cases::{
        timeline::{self, Entry},
        visibility::Viewer,
    },
    web::{forms::FormErrors, time_fmt},
};
use entity::{cases, deadlines};
use maud::{Markup, html};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};
use std::collections::HashMap;
use time::OffsetDateTime;

const MAX_REASON_CHARS: usize = 2_000;

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
    may_waive: bool,
    errors: &mut FormErrors,
) -> Vec<(deadlines::Model, Answer)> {
    let mut answers = vec![];
    for d in open {
        let reason = form.get(&reason_field(&d)).map_or("", |r| r.trim()).to_owned();
        let name = stage_name(&d);
        let answer = match form.get(&choice_field(&d)).map(String::as_str) {
            Some("done") => Some(Answer::Done),
            Some("not-applicable") => Some(Answer::NotApplicable(reason.clone())),
            Some("waived") if may_waive => Some(Answer::Waived(reason.clone())),
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

/// Applies the answers in the closing transaction (`case` is the closed case), each on
/// the timeline and in the audit trail.
pub async fn apply(
    txn: &DatabaseTransaction,
    case: &cases::Model,
    answers: Vec<(deadlines::Model, Answer)>,
    viewer: &Viewer,
    origin: &Origin,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let rules = Rules::for_case(txn, case).await?;
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
                plan::complete(txn, &rules, case, d, done).await?;
                let body = format!("Recorded “{name}” as done when the case was closed.");
                timeline::record(
                    txn,
                    now,
                    viewer,
                    origin,
                    "deadline.completed",
                    Entry::event(case, "deadline-done", now, body),
                )
                .await?;
                continue;
            }
            Answer::NotApplicable(reason) => (
                state::NOT_APPLICABLE,
                reason,
                "deadline-not-applicable",
                "deadline.not_applicable",
            ),
            Answer::Waived(reason) => (state::WAIVED, reason, "deadline-waived", "deadline.waived"),
        };
        let body = match status {
            state::WAIVED => format!("Waived “{name}” when the case was closed: {reason}"),
            _ => format!("“{name}” no longer applicable when the case was closed: {reason}"),
        };
        deadlines::Entity::update(deadlines::ActiveModel {
            id: Set(d.id),
            status: Set(status.to_owned()),
            resolved_by: Set(Some(viewer.id)),
            resolved_at: Set(Some(now)),
            resolution_note: Set(Some(reason)),
            version: Set(d.version + 1),
            ..Default::default()
        })
        .exec(txn)
        .await?;
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
    Ok(())
}

/// The closing form's questions, one per open deadline, keeping what was chosen.
pub fn fields(
    open: &[deadlines::Model],
    form: &HashMap<String, String>,
    may_waive: bool,
    errors: &FormErrors,
) -> Markup {
    let mut options = vec![("done", "Done"), ("not-applicable", "No longer applicable")];
    if may_waive {
        options.push(("waived", "Waive"));
    }
    html! {
        @if !open.is_empty() {
            h2.heading-m { "Open deadlines" }
            p.body { "This case has open deadlines. Say what happens to each: done now, no longer applicable, or (managers) waived. A reason is needed unless it is done." }
            @for d in open {
                @let field = choice_field(d);
                @let reason = reason_field(d);
                @let chosen = form.get(&field).map_or("", String::as_str);
                @let error = errors.get(&field);
                @let reason_error = errors.get(&reason);
                div.form-group.form-group--error[error.is_some() || reason_error.is_some()] {
                    fieldset.fieldset id=(field) {
                        legend.fieldset__legend { (stage_name(d)) ", due " (time_fmt::datetime(d.due_at)) }
                        @if let Some(message) = error { p.error-message { span.visually-hidden { "Error: " } (message) } }
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
