//! The account form as typed (create and edit share it) and its checks.

use crate::{
    auth::{
        policy::{parse_role, role_code},
        users as accounts,
    },
    web::forms::FormErrors,
};
use entity::{Role, areas, users};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UserForm {
    pub(super) username: String,
    pub(super) display_name: String,
    pub(super) email: String,
    pub(super) role: String,
    #[serde(rename = "area")]
    pub(super) areas: Vec<String>,
    pub(super) version: Option<i32>,
}

impl UserForm {
    /// The form filled in from the saved account and its areas.
    pub(super) fn from_model(u: &users::Model, area_ids: &[i32]) -> Self {
        UserForm {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            email: u.email.clone().unwrap_or_default(),
            role: role_code(u.role).to_owned(),
            areas: area_ids.iter().map(i32::to_string).collect(),
            version: Some(u.version),
        }
    }
}

/// The checked, typed values of a valid form.
pub(super) struct Valid {
    pub(super) display_name: String,
    pub(super) email: Option<String>,
    pub(super) role: Role,
    pub(super) area_ids: Vec<i32>,
}

/// `current_areas`: the person's areas now; they may keep a retired one, not gain one.
/// `new_account`: the username is checked too (it cannot be changed later).
pub(super) fn validate(
    f: &UserForm,
    known_areas: &[areas::Model],
    current_areas: &[i32],
    new_account: bool,
) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
    if new_account && let Err(e) = accounts::check_username(&f.username) {
        errors.add("username", e);
    }
    if let Err(e) = accounts::check_display_name(&f.display_name) {
        errors.add("display_name", e);
    }
    let email = accounts::check_email(&f.email).unwrap_or_else(|e| {
        errors.add("email", e);
        None
    });
    let role = parse_role(&f.role);
    if role.is_none() {
        errors.add("role", "Choose a role");
    }
    let mut area_ids = vec![];
    for a in &f.areas {
        match a.parse::<i32>().ok().filter(|id| {
            known_areas
                .iter()
                .any(|k| k.id == *id && (!k.retired || current_areas.contains(id)))
        }) {
            Some(id) if !area_ids.contains(&id) => area_ids.push(id),
            Some(_) => {}
            None => errors.add("area", "Choose areas from the list"),
        }
    }
    match role {
        Some(role) if errors.is_empty() => Ok(Valid {
            display_name: f.display_name.trim().to_owned(),
            email,
            role,
            area_ids,
        }),
        _ => Err(errors),
    }
}
