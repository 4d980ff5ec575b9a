//! The first administrator's form as typed, and its checks.

use crate::{
    auth::{password, users},
    web::forms::FormErrors,
};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetupForm {
    pub(super) username: String,
    pub(super) display_name: String,
    pub(super) email: String,
    pub(super) password: String,
    pub(super) confirm_password: String,
}

/// A valid form: the username and name as typed, the email as it will be kept.
pub(super) struct Valid<'a> {
    pub(super) username: &'a str,
    pub(super) display_name: &'a str,
    pub(super) email: Option<String>,
}

/// Checks the username, name, email and the password (against the policy, and typed
/// twice alike).
pub(super) fn validate(f: &SetupForm) -> Result<Valid<'_>, FormErrors> {
    let mut errors = FormErrors::default();
    if let Err(e) = users::check_username(&f.username) {
        errors.add("username", e);
    }
    if let Err(e) = users::check_display_name(&f.display_name) {
        errors.add("display_name", e);
    }
    let email = users::check_email(&f.email).unwrap_or_else(|e| {
        errors.add("email", e);
        None
    });
    if let Err(e) = password::check_policy(&f.password, &f.username) {
        errors.add("password", e);
    } else if f.password != f.confirm_password {
        errors.add("confirm_password", "The passwords do not match");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Valid {
        username: &f.username,
        display_name: &f.display_name,
        email,
    })
}
