//! One case's rows of the file, checked: the form the intake service checks is filled in
//! from them, its errors put back on the rows and columns they came from, and what the
//! form does not ask (first contact, closure, perpetrator action, satisfaction) checked
//! here.

use super::{Context, DAY_START, Group, Planned, Problem};
use crate::{
    cases::{
        codes::{self, Code},
        intake::service::{self, ReportForm},
    },
    enforcement::{GENERAL_MEASURES, LADDER},
    import::{
        columns::{Column, Layout},
        ethnicity::Reading,
        values::{self, code_in, date_time, items, key, yes_no},
    },
    web::{forms::FormErrors, time_fmt},
};
mod form;
mod history;

use std::collections::BTreeMap;
use time::{Date, OffsetDateTime, Time};

/// Where a person slot of the case's form came from: its row and role.
struct Slot {
    row: usize,
    role: &'static str,
}

pub(super) struct CaseRows<'a> {
    pub(super) layout: &'a Layout,
    pub(super) group: &'a Group,
    pub(super) cx: &'a Context,
    pub(super) problems: &'a mut Vec<Problem>,
    pub(super) unmapped: &'a mut BTreeMap<String, usize>,
    pub(super) readings: &'a mut BTreeMap<String, &'static str>,
}

impl CaseRows<'_> {
    fn first_row(&self) -> usize {
        self.group.rows[0].0
    }

    /// A case-level value: the first row's, which later rows may repeat or leave blank.
    fn value(&mut self, column: Column) -> String {
        let (first, cells) = &self.group.rows[0];
        let value = self.layout.get(cells, column).to_owned();
        for (row, cells) in &self.group.rows[1..] {
            let other = self.layout.get(cells, column);
            if !other.is_empty() && key(other) != key(&value) {
                self.problems.push(Problem {
                    row: *row,
                    column: column.heading(),
                    value: other.to_owned(),
                    message: format!(
                        "Reference {} already has {} “{value}” on row {first}: a case's rows must agree (leave it blank on later rows)",
                        self.group.reference,
                        column.heading()
                    ),
                });
            }
        }
        value
    }

    fn problem(&mut self, row: usize, column: Column, value: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            row,
            column: column.heading(),
            value: value.to_owned(),
            message: message.into(),
        });
    }

    pub(super) fn plan(&mut self) -> Option<Planned> {
        let before = self.problems.len();
        let row = self.first_row();
        let mut form = ReportForm::imported();
        let received_text = self.value(Column::Received);
        let received = match date_time(&received_text) {
            Ok(at) => Some(at),
            Err(_) if received_text.is_empty() => {
                self.problem(
                    row,
                    Column::Received,
                    "",
                    "Enter the date the report was received",
                );
                None
            }
            Err(e) => {
                self.problem(row, Column::Received, &received_text, e);
                None
            }
        };
        let first_contact = self.first_contact(received);
        if let Some((date, at)) = received {
            // A contact recorded before the start-of-day guess moves the guess back.
            let at = at.unwrap_or(DAY_START);
            let at = match first_contact {
                Some((contact, _)) if time_fmt::london(contact).date() == date => {
                    at.min(time_fmt::london(contact).time())
                }
                _ => at,
            };
            form.incident.received_date = date.to_string();
            form.incident.received_time = format!("{:02}:{:02}", at.hour(), at.minute());
        }
        self.incident(&mut form);
        self.case_answers(&mut form);
        let officer = self.officer();
        let slots = self.people(&mut form);
        let new = match service::check(&form, &self.cx.choices, self.cx.now) {
            Ok(new) => Some(new),
            Err(errors) => {
                self.report_errors(&errors, &slots);
                None
            }
        };
        let received_on = new
            .as_ref()
            .map(|n| time_fmt::london(n.report.incident.received_at).date());
        let closed = self.closure(received_on);
        let has_perpetrator = slots.iter().any(|s| s.role == codes::PERPETRATOR);
        let actions = self.actions(received_on, has_perpetrator);
        let satisfaction = self.satisfaction(closed.is_some());
        if let (Some(n), Some((contact, _))) = (&new, first_contact)
            && contact < n.report.incident.received_at
        {
            let text = self.value(Column::FirstContact);
            self.problem(
                row,
                Column::FirstContact,
                &text,
                "The first contact cannot be before the report was received",
            );
        }
        if first_contact.is_some() && !slots.iter().any(|s| s.role == codes::VICTIM) {
            self.problem(
                row,
                Column::FirstContact,
                "",
                "A first contact needs a victim on the case",
            );
        }
        if let Some((closed_on, _)) = closed {
            if let Some((contact, _)) = first_contact
                && time_fmt::london(contact).date() > closed_on
            {
                let text = self.value(Column::FirstContact);
                self.problem(
                    row,
                    Column::FirstContact,
                    &text,
                    "The first contact cannot be after the case was closed",
                );
            }
            for &(_, on, _) in actions.iter().filter(|(_, on, _)| *on > closed_on) {
                let text = self.value(Column::Enforcement);
                self.problem(
                    row,
                    Column::Enforcement,
                    &text,
                    format!(
                        "An action dated {} is after the case was closed",
                        time_fmt::plain_date(on)
                    ),
                );
            }
        }
        if self.problems.len() > before {
            return None;
        }
        Some(Planned {
            external_ref: self.group.reference.clone(),
            row,
            new: new?,
            officer,
            first_contact,
            closed,
            actions,
            satisfaction,
            live: false,
        })
    }
}
