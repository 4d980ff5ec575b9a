//! File uploads (`multipart/form-data`): the only requests that are not plain forms. Read
//! whole, up to a limit, so the form token can be checked before any handler runs.

use crate::auth::{
    CurrentUser,
    policy::{Permission, allows},
};
use multer::Multipart;

/// The largest file taken, web or command line.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The largest upload body taken (the largest file plus the form's other fields).
pub const MAX_UPLOAD_BYTES: usize = MAX_FILE_BYTES + 64 * 1024;

/// One part of an upload: a field's text, or a file's name and bytes.
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

impl Part {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

pub fn is_upload(content_type: &str) -> bool {
    content_type.starts_with("multipart/form-data")
}

/// The routes that take a file, and the permission they need.
const UPLOAD_ROUTES: [(&str, Permission); 1] = [("/import", Permission::ImportCases)];

/// Whether an upload to `path` by `user` is taken at all (it is still checked by the
/// route's guard and the form token).
pub fn accepts(path: &str, user: Option<&CurrentUser>) -> bool {
    UPLOAD_ROUTES
        .iter()
        .any(|(p, permission)| *p == path && user.is_some_and(|u| allows(u.role, *permission)))
}

/// The parts of an upload body; `None` when it is not a well-formed one.
pub async fn parts(content_type: &str, body: &[u8]) -> Option<Vec<Part>> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let mut multipart = Multipart::with_reader(body, boundary);
    let mut parts = vec![];
    while let Some(field) = multipart.next_field().await.ok()? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.ok()?.to_vec();
        parts.push(Part {
            name,
            file_name,
            bytes,
        });
    }
    Some(parts)
}

/// The text of the field `name` ("" when absent).
pub fn field(parts: &[Part], name: &str) -> String {
    parts
        .iter()
        .find(|p| p.name == name && p.file_name.is_none())
        .map(Part::text)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::Role;

    #[test]
    fn the_too_large_page_states_the_upload_limit() {
        let page = crate::error::page_for(axum::http::StatusCode::PAYLOAD_TOO_LARGE);
        let limit = format!("{} MB", MAX_FILE_BYTES / 1024 / 1024);
        assert!(page.message.contains(&limit), "{}", page.message);
    }

    #[test]
    fn only_managers_may_upload_and_only_to_the_import() {
        let user = |role| CurrentUser {
            id: 1,
            username: "u".into(),
            display_name: "U".into(),
            role,
            must_change_password: false,
            area_ids: vec![],
        };
        assert!(accepts("/import", Some(&user(Role::Manager))));
        assert!(!accepts("/import", Some(&user(Role::Admin))));
        assert!(!accepts("/import", None));
        assert!(!accepts("/cases/new", Some(&user(Role::Manager))));
    }
}
