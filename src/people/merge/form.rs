//! The merge form as typed: the two records, the versions they were seen at and, for each
//! detail they differ on, which record's value to keep; and its checks.

use crate::people::fields::{self, From};
use crate::web::forms::{FormErrors, same_version};
use entity::people;
use std::collections::HashMap;

/// The two records to review (a query string).
#[derive(serde::Deserialize)]
pub(super) struct Pair {
    pub kept: i32,
    pub other: i32,
}

pub(super) const KEPT: &str = "kept";
pub(super) const OTHER: &str = "other";

fn from_code(from: From) -> String {
    match from {
        From::Kept => KEPT,
        From::Other => OTHER,
    }
    .to_owned()
}

/// The choices first offered: for each detail `kept` and `other` differ on, the suggested
/// record's value.
pub(super) fn suggested(kept: &people::Model, other: &people::Model) -> HashMap<String, String> {
    fields::differing(kept, other)
        .into_iter()
        .map(|(c, _)| (fields::form_name(c), from_code(fields::suggested(kept, other, c))))
        .collect()
}

/// The choices as the manager made them, to show again with the form.
pub(super) fn typed(form: HashMap<String, String>) -> HashMap<String, String> {
    form.into_iter()
        .filter(|(k, _)| k.starts_with(fields::CHOICE_PREFIX))
        .collect()
}

/// The number in field `name` of `form`, if it holds one.
pub(super) fn id(form: &HashMap<String, String>, name: &str) -> Option<i32> {
    form.get(name).and_then(|v| v.trim().parse::<i32>().ok())
}

/// Whether either record changed since the form was filled in (its `kept_version` and
/// `other_version` are not theirs now).
pub(super) fn stale(form: &HashMap<String, String>, kept: &people::Model, other: &people::Model) -> bool {
    let typed = |name: &str| form.get(name).map_or("", String::as_str);
    !same_version(typed("kept_version"), kept.version) || !same_version(typed("other_version"), other.version)
}

/// A valid choice of values: for each detail the records differ on, which to keep.
pub(super) struct Valid {
    pub taken: Vec<(people::Column, From)>,
}

/// Checks that `form` chooses a value for each detail `kept` and `other` differ on.
pub(super) fn validate(
    form: &HashMap<String, String>,
    kept: &people::Model,
    other: &people::Model,
) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    let mut taken = vec![];
    for (column, label) in fields::differing(kept, other) {
        let name = fields::form_name(column);
        match form.get(&name).map(String::as_str) {
            Some(KEPT) => taken.push((column, From::Kept)),
            Some(OTHER) => taken.push((column, From::Other)),
            _ => errors.add(name, format!("Choose which {} to keep", label.to_lowercase())),
        }
    }
    if errors.is_empty() {
        Ok(Valid { taken })
    } else {
        Err(errors)
    }
}
