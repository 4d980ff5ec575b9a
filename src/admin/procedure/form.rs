//! The timescales form, as typed: one amount and one unit per stage and priority, the
//! version the form was built from, and why it changes. Pure: parsing and validation
//! only, so every rule is unit-tested here.

use crate::{
    procedure::{MAX_AMOUNT, Priority, Procedure, Stage, Timescale, Unit},
    web::forms::FormErrors,
};
use std::collections::HashMap;

/// Longest reason an administrator may give for a change.
pub const MAX_NOTE_CHARS: usize = 500;

/// Id (and name) of a cell's amount field, e.g. `p1-initial-contact-amount`.
pub fn amount_id(stage: Stage, priority: Priority) -> String {
    format!("{}-{}-amount", priority.code(), stage.code())
}

/// Id (and name) of a cell's unit field, e.g. `p1-initial-contact-unit`.
pub fn unit_id(stage: Stage, priority: Priority) -> String {
    format!("{}-{}-unit", priority.code(), stage.code())
}

/// One stage's timescale at one priority, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub amount: String,
    pub unit: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcedureForm {
    /// Number of the version the form was built from (for spotting a stale form).
    pub version: String,
    pub note: String,
    pub cells: HashMap<(Stage, Priority), Cell>,
}

/// A valid submission: a timescale for every stage and priority, and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Valid {
    pub based_on: Option<i32>,
    pub timescales: Vec<((Stage, Priority), Timescale)>,
    pub note: String,
}

impl Valid {
    /// Whether these timescales are exactly `procedure`'s (saving would change nothing).
    pub fn same_as(&self, procedure: &Procedure) -> bool {
        self.timescales
            .iter()
            .all(|((stage, priority), t)| procedure.timescale(*stage, *priority) == *t)
    }
}

impl ProcedureForm {
    /// The form pre-filled with a version's timescales (and an empty reason).
    pub fn from_procedure(procedure: &Procedure) -> Self {
        let cells = cells()
            .map(|(stage, priority)| {
                let t = procedure.timescale(stage, priority);
                (
                    (stage, priority),
                    Cell {
                        amount: t.amount.to_string(),
                        unit: t.unit.code().to_owned(),
                    },
                )
            })
            .collect();
        ProcedureForm {
            version: procedure.number.to_string(),
            note: String::new(),
            cells,
        }
    }

    /// The form as submitted (unknown fields ignored; missing ones empty).
    pub fn from_fields(fields: &[(String, String)]) -> Self {
        let get = |name: &str| {
            fields
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let cells = cells()
            .map(|(stage, priority)| {
                (
                    (stage, priority),
                    Cell {
                        amount: get(&amount_id(stage, priority)),
                        unit: get(&unit_id(stage, priority)),
                    },
                )
            })
            .collect();
        ProcedureForm {
            version: get("version"),
            note: get("note"),
            cells,
        }
    }

    pub fn cell(&self, stage: Stage, priority: Priority) -> Cell {
        self.cells.get(&(stage, priority)).cloned().unwrap_or_default()
    }

    /// Checks every cell and the reason; errors in the order of the page.
    pub fn validate(&self) -> Result<Valid, FormErrors> {
        let mut errors = FormErrors::default();
        let mut timescales = Vec::with_capacity(Stage::ALL.len() * Priority::ALL.len());
        for (stage, priority) in cells() {
            let cell = self.cell(stage, priority);
            let what = format!("{} ({})", stage.label(), priority.label());
            let amount = cell
                .amount
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|n| (1..=MAX_AMOUNT).contains(n));
            if amount.is_none() {
                errors.add(
                    amount_id(stage, priority),
                    format!("{what}: enter a whole number from 1 to {MAX_AMOUNT}"),
                );
            }
            let unit = Unit::from_code(cell.unit.trim());
            if unit.is_none() {
                errors.add(
                    unit_id(stage, priority),
                    format!("{what}: choose hours, working days or calendar days"),
                );
            }
            if let (Some(amount), Some(unit)) = (amount, unit) {
                timescales.push(((stage, priority), Timescale::new(unit, amount as u32)));
            }
        }
        let note = self.note.trim();
        if note.is_empty() {
            errors.add("note", "Enter why the timescales are changing");
        } else if note.chars().count() > MAX_NOTE_CHARS {
            errors.add(
                "note",
                format!("The reason must be {MAX_NOTE_CHARS} characters or fewer"),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Valid {
            based_on: self.version.trim().parse().ok(),
            timescales,
            note: note.to_owned(),
        })
    }
}

/// Every (stage, priority) in page order: stages as in the procedure, Priority 1 first.
pub fn cells() -> impl Iterator<Item = (Stage, Priority)> {
    Stage::ALL
        .into_iter()
        .flat_map(|stage| Priority::ALL.into_iter().map(move |priority| (stage, priority)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Procedure {
        Procedure::new(
            1,
            1,
            cells().map(|(stage, priority)| {
                let t = match priority {
                    Priority::P1 => Timescale::new(Unit::Hours, 24),
                    Priority::P2 => Timescale::new(Unit::WorkingDays, 3),
                };
                ((stage, priority), t)
            }),
        )
    }

    fn fields(form: &ProcedureForm) -> Vec<(String, String)> {
        let mut out = vec![
            ("version".to_owned(), form.version.clone()),
            ("note".to_owned(), form.note.clone()),
        ];
        for (stage, priority) in cells() {
            let c = form.cell(stage, priority);
            out.push((amount_id(stage, priority), c.amount));
            out.push((unit_id(stage, priority), c.unit));
        }
        out
    }

    #[test]
    fn ids_name_priority_then_stage() {
        assert_eq!(
            amount_id(Stage::InitialContact, Priority::P1),
            "p1-initial-contact-amount"
        );
        assert_eq!(
            unit_id(Stage::ManagerReview, Priority::P2),
            "p2-manager-review-unit"
        );
        assert_eq!(cells().count(), 22);
    }

    #[test]
    fn a_form_round_trips_through_its_fields() {
        let mut form = ProcedureForm::from_procedure(&defaults());
        form.note = "Board decision".to_owned();
        assert_eq!(ProcedureForm::from_fields(&fields(&form)), form);
        assert_eq!(form.version, "1");
    }

    #[test]
    fn an_unchanged_form_is_valid_and_the_same() {
        let procedure = defaults();
        let mut form = ProcedureForm::from_procedure(&procedure);
        form.note = "  Checked  ".to_owned();
        let valid = form.validate().expect("valid");
        assert_eq!(valid.note, "Checked");
        assert_eq!(valid.based_on, Some(1));
        assert_eq!(valid.timescales.len(), 22);
        assert!(valid.same_as(&procedure));
    }

    #[test]
    fn one_changed_cell_is_a_change() {
        let procedure = defaults();
        let mut form = ProcedureForm::from_procedure(&procedure);
        form.note = "Faster first contact".to_owned();
        form.cells.insert(
            (Stage::InitialContact, Priority::P1),
            Cell {
                amount: " 12 ".to_owned(),
                unit: "hours".to_owned(),
            },
        );
        let valid = form.validate().expect("valid");
        assert!(!valid.same_as(&procedure));
        assert!(valid.timescales.contains(&(
            (Stage::InitialContact, Priority::P1),
            Timescale::new(Unit::Hours, 12)
        )));
    }

    #[test]
    fn bad_amounts_units_and_reasons_are_refused_with_their_field_ids() {
        let table: [(&str, &str, &str, &[&str]); 9] = [
            ("0", "hours", "why", &["p1-initial-contact-amount"]),
            ("721", "hours", "why", &["p1-initial-contact-amount"]),
            ("abc", "hours", "why", &["p1-initial-contact-amount"]),
            ("-3", "hours", "why", &["p1-initial-contact-amount"]),
            ("2.5", "hours", "why", &["p1-initial-contact-amount"]),
            (
                "",
                "fortnights",
                "why",
                &["p1-initial-contact-amount", "p1-initial-contact-unit"],
            ),
            ("720", "weeks", "why", &["p1-initial-contact-unit"]),
            ("1", "hours", "   ", &["note"]),
            ("1", "hours", &"x".repeat(MAX_NOTE_CHARS + 1), &["note"]),
        ];
        for (amount, unit, note, wrong) in table {
            let mut form = ProcedureForm::from_procedure(&defaults());
            form.note = note.to_owned();
            form.cells.insert(
                (Stage::InitialContact, Priority::P1),
                Cell {
                    amount: amount.to_owned(),
                    unit: unit.to_owned(),
                },
            );
            let errors = form.validate().expect_err(amount);
            for id in wrong {
                assert!(errors.get(id).is_some(), "{amount:?} {unit:?}: no error on {id}");
            }
            assert!(errors.get("p2-initial-contact-amount").is_none());
        }
        // The limits themselves are allowed; 500 characters is allowed.
        let mut form = ProcedureForm::from_procedure(&defaults());
        form.note = "x".repeat(MAX_NOTE_CHARS);
        for amount in ["1", "720"] {
            form.cells.insert(
                (Stage::InitialContact, Priority::P1),
                Cell {
                    amount: amount.to_owned(),
                    unit: "calendar-days".to_owned(),
                },
            );
            assert!(form.validate().is_ok(), "{amount}");
        }
    }

    #[test]
    fn an_empty_submission_has_an_error_for_every_field() {
        let errors = ProcedureForm::from_fields(&[]).validate().expect_err("empty");
        for (stage, priority) in cells() {
            assert!(errors.get(&amount_id(stage, priority)).is_some());
            assert!(errors.get(&unit_id(stage, priority)).is_some());
        }
        assert!(errors.get("note").is_some());
    }
}
