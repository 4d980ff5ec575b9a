//! The rows of every table by ethnicity, in the standard order (Asian, Black, Mixed,
//! White, Other; each group followed by its categories), then "Prefer not to say", "Not
//! known" and all. Codes are the ones people are stored with; groups are `group-…`.

use crate::cases::codes::{ETHNICITY_GROUPS, NOT_KNOWN, PREFER_NOT};

pub const ALL: &str = "all";

/// The five groups: (code, label, category code prefix).
pub const GROUPS: [(&str, &str, &str); 5] = [
    ("group-asian", "Asian or Asian British", "asian-"),
    (
        "group-black",
        "Black, Black British, Caribbean or African",
        "black-",
    ),
    ("group-mixed", "Mixed or Multiple ethnic groups", "mixed-"),
    ("group-white", "White", "white-"),
    ("group-other", "Other ethnic group", "other-"),
];

/// The reference groups government statistics use (administrators may choose others).
pub const DEFAULT_GROUP_REFERENCE: &str = "group-white";
pub const DEFAULT_CATEGORY_REFERENCE: &str = "white-british";

/// What a row of an ethnicity table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One of the five groups.
    Group,
    /// One of the nineteen categories, in `group` (its index in [`GROUPS`]).
    Category {
        group: usize,
    },
    /// "Prefer not to say" or "Not known": counted, never tested.
    NotGiven,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EthnicRow {
    pub code: &'static str,
    pub label: &'static str,
    pub kind: Kind,
}

/// Every row, in order.
pub fn rows() -> Vec<EthnicRow> {
    let mut out = vec![];
    for (i, (code, label, _)) in GROUPS.iter().enumerate() {
        out.push(EthnicRow {
            code,
            label,
            kind: Kind::Group,
        });
        for (c, l) in ETHNICITY_GROUPS[i].1 {
            out.push(EthnicRow {
                code: c,
                label: l,
                kind: Kind::Category { group: i },
            });
        }
    }
    for (code, label) in [(PREFER_NOT, "Prefer not to say"), (NOT_KNOWN, "Not known")] {
        out.push(EthnicRow {
            code,
            label,
            kind: Kind::NotGiven,
        });
    }
    out.push(EthnicRow {
        code: ALL,
        label: "All",
        kind: Kind::All,
    });
    out
}

/// The categories a reference category may be, and the groups a reference group may be.
pub fn categories() -> impl Iterator<Item = (&'static str, &'static str)> {
    ETHNICITY_GROUPS[..GROUPS.len()]
        .iter()
        .flat_map(|(_, list)| list.iter().copied())
}

/// The label of a row code (`black-african` → "African", `group-black` → the group's name).
pub fn label(code: &str) -> String {
    rows()
        .iter()
        .find(|r| r.code == code)
        .map_or(code.to_owned(), |r| r.label.to_owned())
}

/// "Black" for "Black, Black British, Caribbean or African" (charts and sentences).
pub fn short_name(label: &str) -> &str {
    label.split([',', ' ']).next().unwrap_or(label)
}

pub fn group_label(code: &str) -> Option<&'static str> {
    GROUPS.iter().find(|(c, ..)| *c == code).map(|(_, l, _)| *l)
}

/// SQL turning a stored category code in `column` into its group code (the two answers
/// that are not an ethnicity stay as they are).
pub fn group_sql(column: &str) -> String {
    let mut sql = String::from("CASE");
    for (code, _, prefix) in GROUPS {
        sql.push_str(&format!(" WHEN {column} LIKE '{prefix}%' THEN '{code}'"));
    }
    sql.push_str(&format!(" ELSE {column} END"));
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_groups_nineteen_categories_two_answers_and_all() {
        let rows = rows();
        assert_eq!(rows.iter().filter(|r| r.kind == Kind::Group).count(), 5);
        assert_eq!(
            rows.iter()
                .filter(|r| matches!(r.kind, Kind::Category { .. }))
                .count(),
            19
        );
        assert_eq!(rows.len(), 5 + 19 + 2 + 1);
        assert_eq!(rows[0].code, "group-asian");
        assert_eq!(rows[1].code, "asian-indian");
        assert_eq!(rows.last().unwrap().code, ALL);
        // Every category's code starts with its group's prefix (what group_sql relies on).
        for r in &rows {
            if let Kind::Category { group } = r.kind {
                assert!(r.code.starts_with(GROUPS[group].2), "{}", r.code);
            }
        }
        assert_eq!(categories().count(), 19);
    }
}
