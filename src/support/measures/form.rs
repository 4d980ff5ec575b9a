//! The support measure form as typed, its checks and what the timeline says of it.

use crate::support::{
    DECLINED, MEASURE_STATUSES, PROVIDED,
    fields::{self, MAX_TEXT_CHARS},
    format_pence, measure_status_label, parse_pounds,
};
use crate::{
    cases::codes,
    web::{
        fields::{date_value, optional_text},
        forms::FormErrors,
        time_fmt,
    },
};
use entity::{support_catalogue, support_measures};
use serde::Deserialize;
use time::Date;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MeasureForm {
    pub catalogue_id: String,
    pub status: String,
    pub requested_on: String,
    pub provided_on: String,
    pub declined_on: String,
    pub cost: String,
    pub notes: String,
    pub version: String,
}

impl MeasureForm {
    pub(super) fn from_model(m: &support_measures::Model) -> Self {
        MeasureForm {
            catalogue_id: m.catalogue_id.to_string(),
            status: m.status.clone(),
            requested_on: date_value(Some(m.requested_on)),
            provided_on: date_value(m.provided_on),
            declined_on: date_value(m.declined_on),
            cost: m.cost_pence.map(format_pence).unwrap_or_default(),
            notes: m.notes.clone().unwrap_or_default(),
            version: m.version.to_string(),
        }
    }
}

/// A valid form.
pub struct Valid {
    pub catalogue_id: i32,
    pub status: &'static str,
    pub requested_on: Date,
    pub provided_on: Option<Date>,
    pub declined_on: Option<Date>,
    pub cost_pence: Option<i64>,
    pub notes: Option<String>,
}

/// Checks `f`; `catalogue` holds the entries that may be chosen (none when the measure is
/// already recorded: its kind does not change).
pub fn validate(
    f: &MeasureForm,
    catalogue: Option<&[support_catalogue::Model]>,
    fixed_catalogue_id: i32,
    today: Date,
) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    let catalogue_id = match catalogue {
        Some(entries) => {
            let chosen = f.catalogue_id.trim().parse::<i32>().ok();
            let found = entries.iter().find(|e| Some(e.id) == chosen).map(|e| e.id);
            if found.is_none() {
                errors.add("catalogue_id", "Choose the support measure");
            }
            found
        }
        None => Some(fixed_catalogue_id),
    };
    let status = codes::find(&MEASURE_STATUSES, &f.status);
    if status.is_none() {
        errors.add(
            "status",
            "Choose whether the support was requested, provided or declined",
        );
    }
    let requested_on = fields::past_date(
        &f.requested_on,
        "requested_on",
        "date requested",
        today,
        &mut errors,
    );
    if f.requested_on.trim().is_empty() {
        errors.add("requested_on", "Enter the date the support was requested");
    }
    let dated = |field: &'static str, text: &str, what: &str, applies: bool, errors: &mut FormErrors| {
        let blank = text.trim().is_empty();
        if !applies {
            if !blank {
                let status = if field == "provided_on" {
                    PROVIDED
                } else {
                    DECLINED
                };
                errors.add(
                    field,
                    format!("Leave the {what} blank unless the support was {status}"),
                );
            }
            return None;
        }
        if blank {
            errors.add(field, format!("Enter the {what}"));
            return None;
        }
        let on = fields::past_date(text, field, what, today, errors)?;
        if requested_on.is_some_and(|requested| on < requested) {
            errors.add(field, format!("The {what} cannot be before the date requested"));
        }
        Some(on)
    };
    let provided_on = dated(
        "provided_on",
        &f.provided_on,
        "date provided",
        status == Some(PROVIDED),
        &mut errors,
    );
    let declined_on = dated(
        "declined_on",
        &f.declined_on,
        "date declined",
        status == Some(DECLINED),
        &mut errors,
    );
    let cost_pence = match parse_pounds(&f.cost) {
        Ok(cost) => cost,
        Err(message) => {
            errors.add("cost", message);
            None
        }
    };
    let notes = optional_text(&mut errors, "notes", &f.notes, MAX_TEXT_CHARS);
    match (catalogue_id, status, requested_on) {
        (Some(catalogue_id), Some(status), Some(requested_on)) if errors.is_empty() => Ok(Valid {
            catalogue_id,
            status,
            requested_on,
            provided_on,
            declined_on,
            cost_pence,
            notes,
        }),
        _ => Err(errors),
    }
}

/// What the timeline says about a measure: "Emergency repair: provided on 24 Nov 2026
/// (requested 23 Nov 2026), cost £250.00. Notes".
pub(super) fn describe(name: &str, v: &Valid) -> String {
    let mut out = format!("{name}: {}", measure_status_label(v.status).to_lowercase());
    match (v.provided_on, v.declined_on) {
        (Some(on), _) | (None, Some(on)) => {
            out.push_str(&format!(
                " on {} (requested {})",
                time_fmt::plain_date(on),
                time_fmt::plain_date(v.requested_on)
            ));
        }
        (None, None) => out.push_str(&format!(" on {}", time_fmt::plain_date(v.requested_on))),
    }
    if let Some(cost) = v.cost_pence {
        out.push_str(&format!(", cost {}", format_pence(cost)));
    }
    out.push('.');
    if let Some(notes) = &v.notes {
        out.push(' ');
        out.push_str(notes);
    }
    out
}
