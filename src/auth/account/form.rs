//! The change-password form as typed, and the checks it needs no database for. Whether the
//! current password is right is the handler's to ask (`password::verify`).

use crate::{auth::password, web::forms::FormErrors};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    pub(super) current_password: String,
    pub(super) new_password: String,
    pub(super) confirm_password: String,
}

/// A valid form: the new password.
pub(super) struct Valid<'a> {
    pub(super) new_password: &'a str,
}

/// Checks that the current password is given and that the new one (for `username`) meets
/// the policy, differs from the current one and is typed twice alike.
pub(super) fn validate<'a>(f: &'a PasswordForm, username: &str) -> Result<Valid<'a>, FormErrors> {
    let mut errors = FormErrors::default();
    if f.current_password.is_empty() {
        errors.add("current_password", "Enter your current password");
    }
    if let Err(e) = password::check_policy(&f.new_password, username) {
        errors.add("new_password", e);
    } else if f.new_password == f.current_password {
        errors.add(
            "new_password",
            "Choose a password different from your current one",
        );
    } else if f.new_password != f.confirm_password {
        errors.add("confirm_password", "The passwords do not match");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Valid {
        new_password: &f.new_password,
    })
}
