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

    /// What the form asks about the report that a spreadsheet seldom says.
    fn incident(&mut self, form: &mut ReportForm) {
        let row = self.first_row();
        let i = &mut form.incident;
        i.received_how = codes::NOT_RECORDED.to_owned();
        i.reporter_type = codes::NOT_RECORDED.to_owned();
        i.occurred_kind = "unknown".to_owned();
        i.location_kind = codes::NOT_RECORDED.to_owned();
        i.description = self.value(Column::Description);
        let types_text = self.value(Column::IncidentTypes);
        for item in items(&types_text) {
            match code_in(&codes::INCIDENT_TYPES, &[], item) {
                Some(code) => form.incident.types.push(code.to_owned()),
                None => self.problem(
                    row,
                    Column::IncidentTypes,
                    item,
                    "Not a type of incident Harbour knows. Use the labels on the template, separated by ;",
                ),
            }
        }
        if types_text.is_empty() {
            form.incident.types.push(codes::OTHER_TYPE.to_owned());
            form.incident.other_type = "Not recorded before import".to_owned();
        }
    }

    fn case_answers(&mut self, form: &mut ReportForm) {
        let row = self.first_row();
        let strands_text = self.value(Column::Strands);
        for item in items(&strands_text) {
            let found = self
                .cx
                .choices
                .strands
                .iter()
                .find(|s| key(&s.code) == key(item) || key(&s.label) == key(item));
            match found {
                Some(s) => form.case.strands.push(s.code.clone()),
                None => {
                    let known: Vec<&str> = self.cx.choices.strands.iter().map(|s| s.label.as_str()).collect();
                    self.problem(
                        row,
                        Column::Strands,
                        item,
                        format!(
                            "Not a motivation strand. Harbour's strands are: {}",
                            known.join("; ")
                        ),
                    );
                }
            }
        }
        let hate_text = self.value(Column::Hate);
        let hate = match (hate_text.as_str(), yes_no(&hate_text)) {
            ("", _) => !strands_text.is_empty(),
            (_, Some(hate)) => hate,
            (_, None) => {
                self.problem(row, Column::Hate, &hate_text, "Write yes or no");
                false
            }
        };
        form.case.hate_perceived = if hate { "yes" } else { "no" }.to_owned();
        form.case.perceived_by = codes::NOT_RECORDED.to_owned();
        let areas = self.cx.choices.areas();
        let area_text = self.value(Column::Area);
        let area = match area_text.as_str() {
            "" if areas.len() == 1 => areas.first(),
            "" => None,
            name => areas.iter().find(|a| key(&a.name) == key(name)),
        };
        match area {
            Some(a) => form.case.area = a.id.to_string(),
            None if area_text.is_empty() => self.problem(
                row,
                Column::Area,
                "",
                "Enter the area (Harbour has more than one)",
            ),
            None => {
                let known: Vec<&str> = areas.iter().map(|a| a.name.as_str()).collect();
                self.problem(
                    row,
                    Column::Area,
                    &area_text,
                    format!("Not an area in Harbour. Its areas are: {}", known.join("; ")),
                );
            }
        }
        let priority_text = self.value(Column::Priority);
        let priority = match key(&priority_text).as_str() {
            "" => Some(service::SUGGESTED),
            "1" | "p1" | "priority 1" => Some(codes::P1),
            "2" | "p2" | "priority 2" => Some(codes::P2),
            _ => None,
        };
        match priority {
            Some(p) => form.case.priority = p.to_owned(),
            None => self.problem(row, Column::Priority, &priority_text, "Write 1 or 2 (or P1, P2)"),
        }
        // A priority the landlord recorded stands even where Harbour would suggest another.
        form.case.priority_reason = "Priority as recorded before the case was imported".to_owned();
    }

    fn officer(&mut self) -> Option<(i32, String)> {
        let text = self.value(Column::Officer);
        if text.is_empty() {
            return None;
        }
        match self.cx.officers.get(&text.to_lowercase()) {
            Some(Some(officer)) => Some(officer.clone()),
            Some(None) => {
                self.problem(
                    self.first_row(),
                    Column::Officer,
                    &text,
                    "Cases are assigned to active harassment officers: this account is not one",
                );
                None
            }
            None => {
                self.problem(
                    self.first_row(),
                    Column::Officer,
                    &text,
                    "No user has this username",
                );
                None
            }
        }
    }

    /// The people of every row, each in its own form slot.
    fn people(&mut self, form: &mut ReportForm) -> Vec<Slot> {
        let mut slots = vec![];
        let group = self.group;
        for (row, cells) in &group.rows {
            let row = *row;
            let get = |c| self.layout.get(cells, c).to_owned();
            let victim = [
                Column::VictimName,
                Column::VictimEthnicity,
                Column::VictimPostcode,
                Column::VictimTenancyRef,
            ]
            .map(get);
            if victim.iter().any(|v| !v.is_empty()) {
                let ethnicity = self.ethnicity(&victim[1]);
                let Some(p) = self.slot(form, row, codes::VICTIM, &mut slots) else {
                    continue;
                };
                p.name = if victim[0].is_empty() {
                    service::NAME_NOT_RECORDED.into()
                } else {
                    victim[0].clone()
                };
                p.ethnicity = ethnicity;
                p.postcode = victim[2].clone();
                p.tenancy_ref = victim[3].clone();
            }
            let perpetrator = [Column::PerpetratorName, Column::PerpetratorEthnicity].map(get);
            if perpetrator.iter().any(|v| !v.is_empty()) {
                let ethnicity = self.ethnicity(&perpetrator[1]);
                let Some(p) = self.slot(form, row, codes::PERPETRATOR, &mut slots) else {
                    continue;
                };
                p.ethnicity = ethnicity;
                match key(&perpetrator[0]).as_str() {
                    "" | "unknown" | "not known" => {
                        p.kind = "unknown".into();
                        p.description = "Not known (imported)".into();
                    }
                    _ => p.name = perpetrator[0].clone(),
                }
            }
            let witness = get(Column::WitnessName);
            if !witness.is_empty()
                && let Some(p) = self.slot(form, row, codes::WITNESS, &mut slots)
            {
                p.name = witness;
                // The template has no witness ethnicity column: blank is "Not known", as
                // for every ethnicity column of an import.
                p.ethnicity = codes::NOT_KNOWN.to_owned();
            }
        }
        slots
    }

    fn slot<'f>(
        &mut self,
        form: &'f mut ReportForm,
        row: usize,
        role: &'static str,
        slots: &mut Vec<Slot>,
    ) -> Option<&'f mut service::PersonForm> {
        let Some(p) = form.add_person_as(role) else {
            self.problem(
                row,
                Column::Reference,
                &self.group.reference.clone(),
                format!("A case can name at most {} people", service::MAX_PEOPLE),
            );
            return None;
        };
        slots.push(Slot { row, role });
        Some(p)
    }

    /// The category code, or "not-known" while the wording waits to be mapped.
    fn ethnicity(&mut self, text: &str) -> String {
        match self.cx.mappings.read(text) {
            Reading::Category(code) => {
                if !crate::import::ethnicity::is_exact(text) {
                    self.readings.insert(text.trim().to_owned(), code);
                }
                code.to_owned()
            }
            Reading::Unmapped => {
                *self.unmapped.entry(text.trim().to_owned()).or_default() += 1;
                codes::NOT_KNOWN.to_owned()
            }
        }
    }

    /// The form's errors, put back on the rows and columns they came from.
    fn report_errors(&mut self, errors: &FormErrors, slots: &[Slot]) {
        let row = self.first_row();
        for (field, message) in errors.iter() {
            let (row, column) = match field.strip_prefix('p').and_then(|f| f.split_once('_')) {
                Some((index, part)) if index.parse::<usize>().is_ok() => {
                    let slot = &slots[index
                        .parse::<usize>()
                        .unwrap_or(0)
                        .min(slots.len().saturating_sub(1))];
                    (slot.row, person_column(slot.role, part))
                }
                _ => (row, case_column(field)),
            };
            // A cell already refused here (an impossible date, say) is not refused twice.
            if self
                .problems
                .iter()
                .any(|p| p.row == row && p.column == column.heading())
            {
                continue;
            }
            let value = self.value_at(row, column);
            self.problem(row, column, &value, message);
        }
    }

    fn value_at(&self, row: usize, column: Column) -> String {
        self.group
            .rows
            .iter()
            .find(|(r, _)| *r == row)
            .map(|(_, cells)| self.layout.get(cells, column).to_owned())
            .unwrap_or_default()
    }

    fn first_contact(
        &mut self,
        received: Option<(Date, Option<Time>)>,
    ) -> Option<(OffsetDateTime, &'static str)> {
        let row = self.first_row();
        let text = self.value(Column::FirstContact);
        let how_text = self.value(Column::FirstContactHow);
        if text.is_empty() {
            if !how_text.is_empty() {
                self.problem(
                    row,
                    Column::FirstContact,
                    "",
                    "Enter when the first contact was, or leave first_contact_how blank",
                );
            }
            return None;
        }
        const HOW_ALIASES: [(&str, &str); 7] = [
            ("phone", "phone-call"),
            ("telephone", "phone-call"),
            ("call", "phone-call"),
            ("home visit", "visit"),
            ("e mail", "email"),
            ("in person", "meeting"),
            ("face to face", "meeting"),
        ];
        let kind = if how_text.is_empty() {
            Some("phone-call")
        } else {
            code_in(&codes::CONTACT_KINDS[..5], &HOW_ALIASES, &how_text)
        };
        if kind.is_none() {
            self.problem(
                row,
                Column::FirstContactHow,
                &how_text,
                "Write visit, phone call, letter, e-mail or meeting",
            );
        }
        let at = match date_time(&text) {
            Ok((date, time)) => {
                let time = time.unwrap_or(match received {
                    Some((d, t)) if d == date => t.unwrap_or(DAY_START).max(DAY_START),
                    _ => DAY_START,
                });
                let at = time_fmt::london_at(date, time);
                if at.is_none() {
                    self.problem(
                        row,
                        Column::FirstContact,
                        &text,
                        "That time did not happen in London (the clocks went forward): check the time",
                    );
                }
                at
            }
            Err(e) => {
                self.problem(row, Column::FirstContact, &text, e);
                None
            }
        };
        if at.is_some_and(|at| at > self.cx.now) {
            self.problem(
                row,
                Column::FirstContact,
                &text,
                "The first contact cannot be in the future",
            );
        }
        Some((at?, kind?))
    }

    fn closure(&mut self, received_on: Option<Date>) -> Option<(Date, &'static str)> {
        let row = self.first_row();
        let text = self.value(Column::Closed);
        let outcome_text = self.value(Column::Outcome);
        const OUTCOME_ALIASES: [(&str, &str); 5] = [
            ("moved", "unresolved-moved"),
            ("victim moved", "unresolved-moved"),
            ("no further action", "unresolved-nfa"),
            ("nfa", "unresolved-nfa"),
            ("not hate", "not-hate"),
        ];
        if text.is_empty() {
            if !outcome_text.is_empty() {
                self.problem(
                    row,
                    Column::Outcome,
                    &outcome_text,
                    "An outcome needs the date the case was closed",
                );
            }
            return None;
        }
        let date = match values::date_time(&text) {
            Ok((date, _)) => Some(date),
            Err(e) => {
                self.problem(row, Column::Closed, &text, e);
                None
            }
        };
        let today = time_fmt::london(self.cx.now).date();
        match (date, received_on) {
            (Some(d), _) if d > today => self.problem(
                row,
                Column::Closed,
                &text,
                "The closing date cannot be in the future",
            ),
            (Some(d), Some(r)) if d < r => self.problem(
                row,
                Column::Closed,
                &text,
                "The case cannot be closed before the report was received",
            ),
            _ => {}
        }
        let outcome = code_in(&codes::OUTCOMES, &OUTCOME_ALIASES, &outcome_text);
        if outcome.is_none() {
            let message = if outcome_text.is_empty() {
                "Enter the outcome of the closed case".to_owned()
            } else {
                format!("Not an outcome. Outcomes are: {}", labels(&codes::OUTCOMES))
            };
            self.problem(row, Column::Outcome, &outcome_text, message);
        }
        Some((date?, outcome?))
    }

    fn actions(
        &mut self,
        received_on: Option<Date>,
        has_perpetrator: bool,
    ) -> Vec<(&'static str, Date, bool)> {
        let row = self.first_row();
        let text = self.value(Column::Enforcement);
        let today = time_fmt::london(self.cx.now).date();
        const ALIASES: [(&str, &str); 6] = [
            ("nosp", "nsp"),
            ("asb injunction", "injunction"),
            ("abc", "abc"),
            ("acceptable behaviour agreement", "abc"),
            ("verbal warning", "advice"),
            ("injunction", "injunction"),
        ];
        let kinds: Vec<Code> = LADDER.iter().chain(GENERAL_MEASURES.iter()).copied().collect();
        let mut out = vec![];
        for item in items(&text) {
            let (step, date_text) = match item.split_once('@') {
                Some((s, d)) => (s.trim(), Some(d.trim())),
                None => (item, None),
            };
            let Some(kind) = code_in(&kinds, &ALIASES, step) else {
                self.problem(
                    row,
                    Column::Enforcement,
                    item,
                    "Not a step of the enforcement ladder or a general measure Harbour knows",
                );
                continue;
            };
            if crate::enforcement::is_ladder(kind) && !has_perpetrator {
                self.problem(row, Column::Enforcement, item, "A step of the enforcement ladder needs an alleged perpetrator (perpetrator_name) on the case");
            }
            let date = match date_text.map(values::date_time) {
                None => received_on,
                Some(Ok((d, _))) => Some(d),
                Some(Err(e)) => {
                    self.problem(row, Column::Enforcement, item, e);
                    None
                }
            };
            match (date, received_on) {
                (Some(d), _) if d > today => self.problem(
                    row,
                    Column::Enforcement,
                    item,
                    "The action's date cannot be in the future",
                ),
                (Some(d), Some(r)) if d < r => self.problem(
                    row,
                    Column::Enforcement,
                    item,
                    "The action cannot be before the report was received",
                ),
                (Some(d), _) => out.push((kind, d, date_text.is_some())),
                (None, _) => {}
            }
        }
        out
    }

    fn satisfaction(&mut self, closed: bool) -> Option<&'static str> {
        let text = self.value(Column::Satisfaction);
        if text.is_empty() {
            return None;
        }
        let row = self.first_row();
        let found = code_in(&codes::SATISFACTION, &[("fairly satisfied", "satisfied")], &text);
        if found.is_none() {
            self.problem(
                row,
                Column::Satisfaction,
                &text,
                format!(
                    "Not an answer Harbour records. Answers are: {}",
                    labels(&codes::SATISFACTION)
                ),
            );
        } else if !closed {
            self.problem(
                row,
                Column::Satisfaction,
                &text,
                "Satisfaction is asked after closure: this case has no closed date",
            );
        }
        found
    }
}

fn labels(list: &[Code]) -> String {
    list.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("; ")
}

/// The template column a case-level form field came from.
fn case_column(field: &str) -> Column {
    match field {
        "received_date" | "received_time" => Column::Received,
        "types" | "other_type" => Column::IncidentTypes,
        "description" => Column::Description,
        "strands" => Column::Strands,
        "hate_perceived" | "perceived_by" => Column::Hate,
        "area" => Column::Area,
        "priority" | "priority_reason" => Column::Priority,
        _ => Column::Reference,
    }
}

/// The template column of a person field (`name`, `ethnicity`, …) for a role.
fn person_column(role: &str, part: &str) -> Column {
    match (role, part) {
        (codes::VICTIM, "ethnicity") => Column::VictimEthnicity,
        (codes::VICTIM, "postcode") => Column::VictimPostcode,
        (codes::VICTIM, "tenancy_ref") => Column::VictimTenancyRef,
        (codes::VICTIM, _) => Column::VictimName,
        (codes::PERPETRATOR, "ethnicity") => Column::PerpetratorEthnicity,
        (codes::PERPETRATOR, _) => Column::PerpetratorName,
        _ => Column::WitnessName,
    }
}
