//! Control characters in what people send. A NUL in a text field is stored by SQLite but
//! refused by PostgreSQL (a 500, the typed form lost), and no control character other than
//! tab and line breaks belongs in text anyone typed: they are removed here, in one place,
//! from every form body and query string, so both databases store the same text.

use axum::{
    extract::Request,
    http::{Uri, uri::PathAndQuery},
    middleware::Next,
    response::Response,
};

/// A character no one types: C0 controls other than tab, line feed and carriage return,
/// and DEL.
fn unwanted(c: char) -> bool {
    (c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

/// The form-encoded `body` without unwanted characters in any name or value; `None` when it
/// has none (the body is passed on untouched).
pub fn clean_form(body: &[u8]) -> Option<String> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    if !pairs
        .iter()
        .any(|(k, v)| k.contains(unwanted) || v.contains(unwanted))
    {
        return None;
    }
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        out.append_pair(&k.replace(unwanted, ""), &v.replace(unwanted, ""));
    }
    Some(out.finish())
}

/// Removes unwanted characters from the query string of every request.
pub async fn clean_query(mut req: Request, next: Next) -> Response {
    let cleaned = req.uri().query().and_then(|q| clean_form(q.as_bytes()));
    if let Some(query) = cleaned {
        let path = req.uri().path();
        if let Ok(pq) = PathAndQuery::try_from(format!("{path}?{query}")) {
            let mut parts = req.uri().clone().into_parts();
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_go_and_tabs_and_line_breaks_stay() {
        assert_eq!(clean_form(b"a=1&b=plain+text"), None);
        assert_eq!(clean_form(b"note=line%0D%0Anext%09tab"), None);
        assert_eq!(
            clean_form(b"description=Sh%00out%1Bed&n%00ame=x%7F").as_deref(),
            Some("description=Shouted&name=x")
        );
        // Each pair stays, in order, with repeated names kept (ticked checkboxes).
        assert_eq!(
            clean_form(b"types=a&types=b%00&csrf_token=t").as_deref(),
            Some("types=a&types=b&csrf_token=t")
        );
    }
}
