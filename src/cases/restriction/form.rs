//! The restriction form as typed, and its checks.

use super::store::Restriction;
use crate::web::forms::FormErrors;
use entity::{cases, users};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RestrictionForm {
    pub restricted: String,
    pub reason: String,
    #[serde(rename = "named")]
    pub named: Vec<String>,
    /// The case version the form was filled in against.
    pub version: Option<i32>,
}

impl RestrictionForm {
    /// The form filled in from `case` and the staff `named` on it.
    pub(super) fn from_case(case: &cases::Model, named: &[i32]) -> Self {
        RestrictionForm {
            restricted: if case.restricted { "yes" } else { "no" }.to_owned(),
            reason: case.restricted_reason.clone().unwrap_or_default(),
            named: named.iter().map(i32::to_string).collect(),
            version: Some(case.version),
        }
    }
}

/// Checks `f`, naming only people from `staff`: the restriction it asks for.
pub(super) fn validate<'a>(
    f: &'a RestrictionForm,
    staff: &[users::Model],
) -> Result<Restriction<'a>, FormErrors> {
    let mut errors = FormErrors::default();
    let restricted = match f.restricted.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            errors.add("restricted", "Say whether the case is restricted");
            false
        }
    };
    let reason = f.reason.trim();
    if restricted && reason.is_empty() {
        errors.add("reason", "Give the reason for restricting the case");
    }
    let mut named: Vec<i32> = vec![];
    for id in &f.named {
        match id
            .parse::<i32>()
            .ok()
            .filter(|id| staff.iter().any(|s| s.id == *id))
        {
            Some(id) if !named.contains(&id) => named.push(id),
            Some(_) => {}
            None => errors.add("named", "Choose staff from the list"),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Restriction {
        restricted,
        reason,
        named,
        version: f.version.unwrap_or(-1),
    })
}
