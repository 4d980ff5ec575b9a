//! The plan form as typed (the plan's fields and up to three first actions) and its
//! checks.

use crate::plans::{
    CHANNELS, COPY_GIVEN, NOT_GIVEN,
    fields::{self, ActionFields, TEXT_MAX, ValidAction},
};
use crate::{
    calendar::london_date,
    cases::codes,
    deadlines::schedule,
    procedure::{Timescale, Unit},
    web::{forms::FormErrors, time_fmt},
};
use entity::{action_plans, cases};
use time::{Date, OffsetDateTime};

/// Victim contact is agreed in days (as on the contact-frequency form).
pub(super) const AGREED_UNITS: [Unit; 2] = [Unit::CalendarDays, Unit::WorkingDays];
/// The longest agreed gap between updates, in days.
pub const MAX_EVERY: i32 = 90;
/// Actions a new plan may list (more are added afterwards, one at a time).
const ROWS: usize = 3;
const INTERPRETER_MAX: usize = 60;

/// The plan form as typed.
#[derive(Default, Clone, Debug)]
pub(super) struct PlanForm {
    /// The id of the plan standing when the form was built ("0" for none).
    pub(super) based_on: String,
    pub(super) agreed_on: String,
    pub(super) copy_given_how: String,
    pub(super) copy_given_on: String,
    pub(super) every_amount: String,
    pub(super) every_unit: String,
    pub(super) channel: String,
    pub(super) interpreter_language: String,
    pub(super) communication_needs: String,
    pub(super) notes: String,
    pub(super) actions: [ActionFields; ROWS],
}

pub(super) fn row_prefix(i: usize) -> String {
    format!("action-{}-", i + 1)
}

impl PlanForm {
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = PlanForm::default();
        'pairs: for (name, value) in pairs {
            let slot = match name.as_str() {
                "based_on" => &mut f.based_on,
                "agreed_on" => &mut f.agreed_on,
                "copy_given_how" => &mut f.copy_given_how,
                "copy_given_on" => &mut f.copy_given_on,
                "every_amount" => &mut f.every_amount,
                "every_unit" => &mut f.every_unit,
                "channel" => &mut f.channel,
                "interpreter_language" => &mut f.interpreter_language,
                "communication_needs" => &mut f.communication_needs,
                "notes" => &mut f.notes,
                _ => {
                    for (i, row) in f.actions.iter_mut().enumerate() {
                        if row.set(&row_prefix(i), &name, value.clone()) {
                            continue 'pairs;
                        }
                    }
                    continue;
                }
            };
            *slot = value;
        }
        f
    }

    /// A new form: a revision starts from the standing plan; a first agreement from the
    /// case's agreed contact frequency, if any.
    pub(super) fn new(case: &cases::Model, standing: Option<&action_plans::Model>, today: Date) -> Self {
        let base = PlanForm {
            based_on: standing.map_or(0, |p| p.id).to_string(),
            agreed_on: today.to_string(),
            ..Default::default()
        };
        match standing {
            Some(p) => PlanForm {
                copy_given_how: p.copy_given_how.clone(),
                copy_given_on: crate::web::fields::date_value(p.copy_given_on),
                every_amount: p.contact_every_amount.to_string(),
                every_unit: p.contact_every_unit.clone(),
                channel: p.contact_channel.clone(),
                interpreter_language: p.interpreter_language.clone().unwrap_or_default(),
                communication_needs: p.communication_needs.clone().unwrap_or_default(),
                notes: p.notes.clone().unwrap_or_default(),
                ..base
            },
            None => match schedule::agreed_frequency(case) {
                Some(t) if AGREED_UNITS.contains(&t.unit) => PlanForm {
                    every_amount: t.amount.to_string(),
                    every_unit: t.unit.code().to_owned(),
                    ..base
                },
                _ => base,
            },
        }
    }

    pub(super) fn has_actions(&self) -> bool {
        self.actions.iter().any(|a| !a.is_blank())
    }
}

/// A valid plan.
pub(super) struct Valid {
    pub(super) agreed_on: Date,
    pub(super) copy_given_how: &'static str,
    pub(super) copy_given_on: Option<Date>,
    pub(super) every: Timescale,
    pub(super) channel: &'static str,
    pub(super) interpreter_language: Option<String>,
    pub(super) communication_needs: Option<String>,
    pub(super) notes: Option<String>,
    pub(super) actions: Vec<ValidAction>,
}

/// Whether the form was built from `standing` (the plan that stands now).
pub(super) fn is_based_on(f: &PlanForm, standing: Option<&action_plans::Model>) -> bool {
    f.based_on.trim().parse::<i32>().ok() == Some(standing.map_or(0, |p| p.id))
}

pub(super) fn validate(
    f: &PlanForm,
    case: &cases::Model,
    standing: Option<&action_plans::Model>,
    staff: &[(i32, String)],
    now: OffsetDateTime,
) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    let today = london_date(now);
    let reported = london_date(case.received_at);
    let agreed_on = match time_fmt::parse_date(&f.agreed_on) {
        None => {
            errors.add("agreed_on", "Enter the date agreed as YYYY-MM-DD");
            None
        }
        Some(d) if d > today => {
            errors.add("agreed_on", "The date agreed cannot be in the future");
            None
        }
        Some(d) if d < reported => {
            errors.add(
                "agreed_on",
                format!(
                    "The date agreed cannot be before the case's first report ({})",
                    time_fmt::plain_date(reported)
                ),
            );
            None
        }
        Some(d) if standing.is_some_and(|p| d < p.agreed_on) => {
            let current = standing.map(|p| p.agreed_on).unwrap_or(d);
            errors.add(
                "agreed_on",
                format!(
                    "The date agreed cannot be before the current plan's ({})",
                    time_fmt::plain_date(current)
                ),
            );
            None
        }
        Some(d) => Some(d),
    };
    let copy_given_how = codes::find(&COPY_GIVEN, &f.copy_given_how);
    if copy_given_how.is_none() {
        errors.add(
            "copy_given_how",
            "Say whether and how the victim was given a copy",
        );
    }
    let copy_given_on = match copy_given_how {
        Some(NOT_GIVEN) if !f.copy_given_on.trim().is_empty() => {
            errors.add(
                "copy_given_on",
                "Leave the date given empty when no copy has been given yet",
            );
            None
        }
        Some(NOT_GIVEN) | None => None,
        Some(_) => match time_fmt::parse_date(&f.copy_given_on) {
            None => {
                errors.add("copy_given_on", "Enter the date the copy was given as YYYY-MM-DD");
                None
            }
            Some(d) if d > today => {
                errors.add("copy_given_on", "The date given cannot be in the future");
                None
            }
            Some(d) if agreed_on.is_some_and(|a| d < a) => {
                errors.add("copy_given_on", "The date given cannot be before the date agreed");
                None
            }
            Some(d) => Some(d),
        },
    };
    let amount = f
        .every_amount
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|n| (1..=MAX_EVERY).contains(n));
    if amount.is_none() {
        errors.add(
            "every_amount",
            format!("Enter how often to update the victim: a whole number of days from 1 to {MAX_EVERY}"),
        );
    }
    let unit = Unit::from_code(f.every_unit.trim()).filter(|u| AGREED_UNITS.contains(u));
    if unit.is_none() {
        errors.add("every_unit", "Choose calendar days or working days");
    }
    let channel = codes::find(&CHANNELS, &f.channel);
    if channel.is_none() {
        errors.add("channel", "Choose how the victim will be contacted");
    }
    let interpreter_language = crate::web::fields::optional_text(
        &mut errors,
        "interpreter_language",
        &f.interpreter_language,
        INTERPRETER_MAX,
    );
    let communication_needs = crate::web::fields::optional_text(
        &mut errors,
        "communication_needs",
        &f.communication_needs,
        TEXT_MAX,
    );
    let notes = crate::web::fields::optional_text(&mut errors, "notes", &f.notes, TEXT_MAX);
    let rules = fields::Rules {
        staff,
        keep: None,
        earliest: Some((agreed_on.unwrap_or(reported), "the date agreed")),
        today,
    };
    let mut actions = vec![];
    for (i, row) in f.actions.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        let which = format!("action {}", i + 1);
        match fields::validate(row, &row_prefix(i), &which, &rules) {
            Ok(valid) => actions.push(valid),
            Err(row_errors) => errors.append(row_errors),
        }
    }
    match (agreed_on, copy_given_how, unit, amount, channel) {
        (Some(agreed_on), Some(copy_given_how), Some(unit), Some(amount), Some(channel))
            if errors.is_empty() =>
        {
            Ok(Valid {
                agreed_on,
                copy_given_how,
                copy_given_on,
                every: Timescale::new(unit, amount as u32),
                channel,
                interpreter_language,
                communication_needs,
                notes,
                actions,
            })
        }
        _ => Err(errors),
    }
}
