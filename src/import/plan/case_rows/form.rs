//! Filling in the intake form from a case's rows, and putting the form's errors back on
//! the rows and columns they came from.

use super::*;

impl CaseRows<'_> {
    /// What the form asks about the report that a spreadsheet seldom says.
    pub(super) fn incident(&mut self, form: &mut ReportForm) {
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

    pub(super) fn case_answers(&mut self, form: &mut ReportForm) {
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

    pub(super) fn officer(&mut self) -> Option<(i32, String)> {
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
    pub(super) fn people(&mut self, form: &mut ReportForm) -> Vec<Slot> {
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
    pub(super) fn report_errors(&mut self, errors: &FormErrors, slots: &[Slot]) {
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
