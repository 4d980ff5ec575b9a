//! The import template: its columns, what each holds, and matching a file's headings to
//! them (case, spaces, `_` and `-` ignored; any order; unknown headings listed and left).

/// One template column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Reference,
    Received,
    Area,
    Priority,
    Hate,
    Strands,
    IncidentTypes,
    Description,
    Officer,
    VictimName,
    VictimEthnicity,
    VictimPostcode,
    VictimTenancyRef,
    PerpetratorName,
    PerpetratorEthnicity,
    WitnessName,
    FirstContact,
    FirstContactHow,
    Closed,
    Outcome,
    Enforcement,
    Satisfaction,
}

use Column::*;

/// Every column in template order, its heading and what it takes (the README and the
/// import page print this list).
pub const TEMPLATE: [(Column, &str, &str); 22] = [
    (
        Reference,
        "reference",
        "Required. Your own case reference; rows with the same reference are one case.",
    ),
    (
        Received,
        "received",
        "Required. Date, or date and time, the report was received: 31/12/2025, 1/2/25 14:30 or 2025-12-31.",
    ),
    (
        Area,
        "area",
        "The area's name in Harbour. May be blank when Harbour has one area.",
    ),
    (
        Priority,
        "priority",
        "1 or 2 (P1, Priority 1 …). Blank: the priority Harbour suggests.",
    ),
    (
        Hate,
        "hate",
        "Perceived as hate: yes or no. Blank: yes when strands are given.",
    ),
    (
        Strands,
        "strands",
        "Motivation strands, separated by ;  (Race; Religion or belief).",
    ),
    (
        IncidentTypes,
        "incident_types",
        "Types of incident, separated by ;  (Verbal abuse; Graffiti on the home).",
    ),
    (Description, "description", "What happened."),
    (
        Officer,
        "officer",
        "Username of the officer the case is assigned to.",
    ),
    (
        VictimName,
        "victim_name",
        "The victim's name (this or victim_ethnicity is required).",
    ),
    (
        VictimEthnicity,
        "victim_ethnicity",
        "ONS 2021 category, 2011 label, code (W1, A2 …) or common wording. Blank: Not known.",
    ),
    (VictimPostcode, "victim_postcode", "The victim's postcode."),
    (
        VictimTenancyRef,
        "victim_tenancy_ref",
        "The victim's tenancy reference (a repeat victim is matched by it).",
    ),
    (
        PerpetratorName,
        "perpetrator_name",
        "Alleged perpetrator's name; \"unknown\" for someone not known.",
    ),
    (
        PerpetratorEthnicity,
        "perpetrator_ethnicity",
        "As victim_ethnicity.",
    ),
    (WitnessName, "witness_name", "A witness's name."),
    (
        FirstContact,
        "first_contact",
        "Date and time of the first contact with the victim.",
    ),
    (
        FirstContactHow,
        "first_contact_how",
        "visit, phone call, letter, e-mail or meeting. Blank: phone call.",
    ),
    (Closed, "closed", "Date the case was closed."),
    (
        Outcome,
        "outcome",
        "Closure outcome (Resolved, Partly resolved, Withdrawn by victim …). Needed with closed.",
    ),
    (
        Enforcement,
        "enforcement",
        "Actions taken, separated by ; each optionally step@date: warning letter@12/05/2025; civil injunction@01/09/2025.",
    ),
    (
        Satisfaction,
        "satisfaction",
        "The victim's satisfaction at the post-closure check (Very satisfied … Very dissatisfied).",
    ),
];

impl Column {
    pub fn heading(self) -> &'static str {
        TEMPLATE
            .iter()
            .find(|(c, _, _)| *c == self)
            .map_or("", |(_, h, _)| h)
    }
}

/// A heading reduced to what is compared: lower case, without spaces, `_` and `-`.
fn key(heading: &str) -> String {
    heading
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '\u{feff}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each known column is in a file, and what else it has.
#[derive(Debug, Default)]
pub struct Layout {
    positions: Vec<(Column, usize)>,
    pub unknown: Vec<String>,
    pub duplicated: Vec<String>,
}

impl Layout {
    pub fn of(headers: &[String]) -> Self {
        let mut layout = Layout::default();
        for (index, heading) in headers.iter().enumerate() {
            let k = key(heading);
            if k.is_empty() {
                continue;
            }
            match TEMPLATE.iter().find(|(_, h, _)| key(h) == k) {
                Some((column, h, _)) if layout.has(*column) => layout.duplicated.push((*h).to_owned()),
                Some((column, _, _)) => layout.positions.push((*column, index)),
                None => layout.unknown.push(heading.trim().to_owned()),
            }
        }
        layout
    }

    pub fn has(&self, column: Column) -> bool {
        self.positions.iter().any(|(c, _)| *c == column)
    }

    /// The cell of `column` in `row`, trimmed ("" when the column or cell is missing).
    pub fn get<'a>(&self, row: &'a [String], column: Column) -> &'a str {
        self.positions
            .iter()
            .find(|(c, _)| *c == column)
            .and_then(|(_, i)| row.get(*i))
            .map_or("", |v| v.trim())
    }

    /// The required columns this file lacks, as headings.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = vec![];
        for column in [Reference, Received] {
            if !self.has(column) {
                missing.push(column.heading());
            }
        }
        if !self.has(VictimName) && !self.has(VictimEthnicity) {
            missing.push("victim_name or victim_ethnicity");
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn headings_match_ignoring_case_spaces_underscores_and_hyphens() {
        let layout = Layout::of(&headers(&[
            "Victim Name",
            "REFERENCE",
            "first-contact how",
            "Notes",
            "received",
        ]));
        let row = headers(&["Amina", "R1", "visit", "x", "1/2/25"]);
        assert_eq!(layout.get(&row, VictimName), "Amina");
        assert_eq!(layout.get(&row, FirstContactHow), "visit");
        assert_eq!(layout.get(&row, Reference), "R1");
        assert_eq!(layout.unknown, ["Notes"]);
        assert!(layout.missing().is_empty());
    }

    #[test]
    fn duplicated_and_missing_columns_are_found() {
        let layout = Layout::of(&headers(&["reference", "Reference", "area"]));
        assert_eq!(layout.duplicated, ["reference"]);
        assert_eq!(layout.missing(), ["received", "victim_name or victim_ethnicity"]);
    }
}
