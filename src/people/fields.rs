//! What a manager chooses between when two records of one person are merged: each
//! detail either record may hold, as people read it, and which record's value is kept.

use crate::cases::codes;
use entity::people::{self, Column};
use sea_orm::IdenStatic;
use sea_orm::{ModelTrait, Value};

/// A detail a merge may take from either record. Match keys are not listed: they follow
/// the values they are keys of.
pub struct Field {
    pub column: Column,
    pub label: &'static str,
}

pub const FIELDS: [Field; 14] = [
    field(Column::Name, "Name"),
    field(Column::Phone, "Phone"),
    field(Column::Email, "Email"),
    field(Column::PreferredContact, "Preferred contact"),
    field(Column::Address, "Address"),
    field(Column::Postcode, "Postcode"),
    field(Column::TenancyRef, "Tenancy reference"),
    field(Column::IsTenant, "Tenant"),
    field(Column::Household, "Household"),
    field(Column::Language, "Language"),
    field(Column::Interpreter, "Interpreter needed"),
    field(Column::Vulnerabilities, "Vulnerabilities"),
    field(Column::Ethnicity, "Ethnicity"),
    field(Column::Description, "Description"),
];

const fn field(column: Column, label: &'static str) -> Field {
    Field { column, label }
}

/// Every detail a merge chooses: `FIELDS`, then the monitoring answers.
pub fn all() -> Vec<(Column, &'static str)> {
    FIELDS
        .iter()
        .map(|f| (f.column, f.label))
        .chain(
            crate::cases::people::MONITORING_COLUMNS
                .into_iter()
                .zip(codes::CHARACTERISTICS.iter().map(|c| c.question)),
        )
        .collect()
}

/// Which record a kept value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum From {
    Kept,
    Other,
}

/// What every choosing field's name starts with.
pub const CHOICE_PREFIX: &str = "take_";

/// The form field that chooses `column`.
pub fn form_name(column: Column) -> String {
    format!("{CHOICE_PREFIX}{}", column.as_str())
}

/// `column`'s value as people read it; `None` when blank.
pub fn shown(p: &people::Model, column: Column) -> Option<String> {
    let answer = |v: &str| -> String {
        match column {
            Column::Ethnicity => codes::ethnicity_label(v).to_owned(),
            Column::PreferredContact => codes::label(&codes::CONTACT_METHODS, v).to_owned(),
            _ => monitoring_label(column, v).unwrap_or(v).to_owned(),
        }
    };
    match p.get(column) {
        Value::String(Some(s)) if !s.trim().is_empty() => Some(answer(&s)),
        Value::Bool(Some(b)) => Some(if b { "Yes" } else { "No" }.to_owned()),
        _ => None,
    }
    .filter(|_| !matches!(column, Column::Interpreter) || p.interpreter)
}

fn monitoring_label(column: Column, code: &str) -> Option<&'static str> {
    let i = crate::cases::people::MONITORING_COLUMNS
        .iter()
        .position(|c| c.as_str() == column.as_str())?;
    codes::CHARACTERISTICS[i]
        .answers
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
}

/// Where the two records differ, what a manager is asked first: the kept record's value,
/// unless it is blank (or "not known") and the other's is not.
pub fn suggested(kept: &people::Model, other: &people::Model, column: Column) -> From {
    let blank = |p: &people::Model| {
        shown(p, column).is_none() || (matches!(column, Column::Ethnicity) && p.ethnicity == codes::NOT_KNOWN)
    };
    if blank(kept) && !blank(other) {
        From::Other
    } else {
        From::Kept
    }
}

/// The details on which the records differ.
pub fn differing(kept: &people::Model, other: &people::Model) -> Vec<(Column, &'static str)> {
    all()
        .into_iter()
        .filter(|(c, _)| kept.get(*c) != other.get(*c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn person(id: i32) -> people::Model {
        let at = datetime!(2026-11-01 09:00 UTC);
        people::Model {
            id,
            kind: codes::NAMED.to_owned(),
            name: Some("Amina Khan".to_owned()),
            name_key: Some("amina khan".to_owned()),
            description: None,
            phone: None,
            email: None,
            preferred_contact: None,
            address: None,
            postcode: Some("LE1 5AB".to_owned()),
            postcode_key: Some("LE15AB".to_owned()),
            tenancy_ref: None,
            tenancy_ref_key: None,
            is_tenant: None,
            household: None,
            language: None,
            interpreter: false,
            vulnerabilities: None,
            ethnicity: codes::NOT_KNOWN.to_owned(),
            ethnicity_list: codes::ETHNICITY_LIST.to_owned(),
            age_band: None,
            sex: None,
            disability: None,
            religion: None,
            sexual_orientation: None,
            gender_reassignment: None,
            marriage: None,
            pregnancy: None,
            created_by: 1,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    #[test]
    fn only_differing_details_are_asked_and_filled_ones_are_suggested() {
        let kept = person(1);
        let mut other = person(2);
        other.phone = Some("07700 900123".to_owned());
        other.ethnicity = "asian-pakistani".to_owned();
        other.religion = Some("muslim".to_owned());
        let asked: Vec<&str> = differing(&kept, &other).iter().map(|(_, l)| *l).collect();
        assert_eq!(asked, ["Phone", "Ethnicity", "Religion or belief"]);
        assert_eq!(suggested(&kept, &other, Column::Phone), From::Other);
        assert_eq!(suggested(&kept, &other, Column::Ethnicity), From::Other);
        let mut kept = kept;
        kept.phone = Some("0116 496 0000".to_owned());
        assert_eq!(suggested(&kept, &other, Column::Phone), From::Kept);
        assert_eq!(shown(&other, Column::Ethnicity).as_deref(), Some("Pakistani"));
        assert_eq!(shown(&kept, Column::Interpreter), None);
    }
}
