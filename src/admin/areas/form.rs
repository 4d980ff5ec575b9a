//! The area form as typed and its check: a name of 1 to 80 characters.

use crate::web::forms::FormErrors;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AreaForm {
    pub(super) name: String,
}

/// A valid submission: the name as it will be kept.
pub struct Valid {
    pub name: String,
}

pub(super) fn check_name(name: &str) -> Result<String, &'static str> {
    let n = name.trim();
    match n.chars().count() {
        0 => Err("Enter the area's name"),
        c if c > 80 => Err("Area name must be 80 characters or fewer"),
        _ => Ok(n.to_owned()),
    }
}

/// Checks the name typed (whether another area has it is the database's to say).
pub fn validate(f: &AreaForm) -> Result<Valid, FormErrors> {
    check_name(&f.name).map(|name| Valid { name }).map_err(|e| {
        let mut errors = FormErrors::default();
        errors.add("name", e);
        errors
    })
}
