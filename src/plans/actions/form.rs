//! The action forms as typed (adding one; updating one) and the update's checks.

use crate::plans::{
    ACTION_STATUSES, CANCELLED, DONE,
    fields::{self, ActionFields, TEXT_MAX, ValidAction},
    is_final,
};
use crate::{
    calendar::london_date,
    cases::codes,
    web::{forms::FormErrors, time_fmt},
};
use entity::{cases, plan_actions};
use time::{Date, OffsetDateTime};

use super::store::Shown;

pub(super) fn action_from_pairs(pairs: &[(String, String)]) -> ActionFields {
    let mut f = ActionFields::default();
    for (name, value) in pairs {
        f.set("", name, value.clone());
    }
    f
}

/// The action form as typed.
#[derive(Default, Clone, Debug)]
pub(super) struct UpdateForm {
    pub(super) action: ActionFields,
    pub(super) status: String,
    pub(super) completed_on: String,
    pub(super) outcome: String,
    /// Why the target date changed (required when it does).
    pub(super) reason: String,
    pub(super) version: String,
}

impl UpdateForm {
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = UpdateForm::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "status" => &mut f.status,
                "completed_on" => &mut f.completed_on,
                "outcome" => &mut f.outcome,
                "reason" => &mut f.reason,
                "version" => &mut f.version,
                _ => {
                    f.action.set("", &name, value);
                    continue;
                }
            };
            *slot = value;
        }
        f
    }

    pub(super) fn from_action(a: &plan_actions::Model) -> Self {
        UpdateForm {
            action: ActionFields::from_action(a),
            status: a.status.clone(),
            completed_on: crate::web::fields::date_value(a.completed_on),
            outcome: a.outcome.clone().unwrap_or_default(),
            reason: String::new(),
            version: a.version.to_string(),
        }
    }
}

/// What a valid update changes.
pub(super) struct Valid {
    pub(super) action: ValidAction,
    pub(super) status: &'static str,
    pub(super) completed_on: Option<Date>,
    pub(super) outcome: Option<String>,
    /// The reason for a changed target date.
    pub(super) reason: Option<String>,
}

pub(super) fn validate(
    f: &UpdateForm,
    shown: &Shown,
    staff: &[(i32, String)],
    case: &cases::Model,
    now: OffsetDateTime,
) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    let a = &shown.action;
    let today = london_date(now);
    let rules = fields::Rules {
        staff,
        keep: a.owner_id,
        earliest: Some((shown.plan_agreed_on, "the date the plan was agreed")),
        today,
    };
    let action = match fields::validate(&f.action, "", "", &rules) {
        Ok(action) => Some(action),
        Err(action_errors) => {
            errors.append(action_errors);
            None
        }
    };
    let status = codes::find(&ACTION_STATUSES, &f.status);
    let final_label = crate::plans::action_status_label(&a.status).to_lowercase();
    match status {
        None => errors.add("status", "Choose the action's status"),
        Some(s) if is_final(&a.status) && s != a.status => errors.add(
            "status",
            format!(
                "This action is {final_label}, which is final: its status cannot change. Add a new action if more needs doing"
            ),
        ),
        Some(_) => {}
    }
    let target_changed = action.as_ref().is_some_and(|v| v.target_on != a.target_on);
    if target_changed && is_final(&a.status) {
        errors.add(
            "target_on",
            format!("This action is {final_label}: its target date can no longer change"),
        );
    }
    let reason = f.reason.trim();
    let reason = if !target_changed {
        None
    } else if reason.is_empty() {
        errors.add("reason", "Give the reason the target date changed");
        None
    } else if reason.chars().count() > TEXT_MAX {
        errors.add("reason", format!("Keep the reason under {TEXT_MAX} characters"));
        None
    } else {
        Some(reason.to_owned())
    };
    let completed_on = match status {
        Some(DONE) => match time_fmt::parse_date(&f.completed_on) {
            None => {
                errors.add(
                    "completed_on",
                    "Enter the date the action was completed as YYYY-MM-DD",
                );
                None
            }
            Some(d) if d > today => {
                errors.add("completed_on", "The date completed cannot be in the future");
                None
            }
            Some(d) if d < london_date(case.received_at) => {
                errors.add(
                    "completed_on",
                    "The date completed cannot be before the case's first report",
                );
                None
            }
            Some(d) if a.status == DONE && Some(d) != a.completed_on => {
                errors.add(
                    "completed_on",
                    "This action is done, which is final: its date completed can no longer change",
                );
                None
            }
            Some(d) => Some(d),
        },
        _ => {
            if !f.completed_on.trim().is_empty() {
                errors.add(
                    "completed_on",
                    "Leave the date completed empty unless the action is done",
                );
            }
            None
        }
    };
    let outcome = f.outcome.trim();
    let outcome = if outcome.chars().count() > TEXT_MAX {
        errors.add("outcome", format!("Keep the outcome under {TEXT_MAX} characters"));
        None
    } else if outcome.is_empty() {
        match status {
            Some(DONE) => errors.add("outcome", "Say what the outcome was"),
            Some(CANCELLED) => errors.add("outcome", "Say why the action was cancelled"),
            _ => {}
        }
        None
    } else {
        Some(outcome.to_owned())
    };
    match (action, status) {
        (Some(action), Some(status)) if errors.is_empty() => Ok(Valid {
            action,
            status,
            completed_on,
            outcome,
            reason,
        }),
        _ => Err(errors),
    }
}
