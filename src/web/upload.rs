//! File uploads (`multipart/form-data`): the only requests that are not plain forms. Read
//! whole, up to a limit, so the form token can be checked before any handler runs.

use multer::Multipart;

/// The largest upload body taken (the largest file plus the form's other fields).
pub const MAX_UPLOAD_BYTES: usize = crate::import::read::MAX_BYTES + 64 * 1024;

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
