//! Second line of defence against cross-site request forgery (the first is tower-http's
//! Origin / Sec-Fetch-Site check): every state-changing request must carry the session's
//! form token in a `csrf_token` field.

use crate::config::Settings;
use crate::{
    auth::tokens,
    error::{AppError, ErrorPage},
    web::{error_pages::Resend, upload},
};
use axum::extract::State;
use axum::{
    body::Body,
    extract::Request,
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::sync::Arc;
use tower_sessions::Session;

const TOKEN_KEY: &str = "csrf";
pub const FIELD: &str = "csrf_token";
/// Forms are small; anything larger is refused before we read it (uploads have their own
/// limit, `upload::MAX_UPLOAD_BYTES`).
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// The session's form token, created on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session.get::<String>(TOKEN_KEY).await? {
        return Ok(t);
    }
    let t = tokens::random_token();
    session.insert(TOKEN_KEY, &t).await?;
    Ok(t)
}

/// A new token, e.g. at sign-in, so a token seen before sign-in is useless after it.
pub async fn rotate(session: &Session) -> Result<(), AppError> {
    session.insert(TOKEN_KEY, tokens::random_token()).await?;
    Ok(())
}

pub async fn check(
    State(settings): State<Arc<Settings>>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok());
    // Our pages send `Referrer-Policy: no-referrer`, so browsers post `Origin: null` from
    // them: that says nothing, and Sec-Fetch-Site (checked by tower-http) speaks instead.
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null");
    if origin.is_some_and(|o| !same_origin(o, host, &settings)) {
        return other_origin();
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    // Files are taken only where a file is expected, from someone who may send it: no one
    // else can make the server hold a large body.
    let is_upload =
        upload::is_upload(&content_type) && upload::accepts(req.uri().path(), req.extensions().get());
    if !is_form && !is_upload {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let limit = if is_upload {
        upload::MAX_UPLOAD_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let sent = if is_upload {
        match upload::parts(&content_type, &bytes).await {
            Some(fields) => Some(upload::field(&fields, FIELD)).filter(|t| !t.is_empty()),
            None => return StatusCode::BAD_REQUEST.into_response(),
        }
    } else {
        url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.into_owned())
    };
    let expected = match session.get::<String>(TOKEN_KEY).await {
        Ok(t) => t,
        Err(e) => return AppError::from(e).into_response(),
    };
    match (sent, expected) {
        (Some(s), Some(e)) if tokens::constant_time_eq(&s, &e) => {
            // Uploads are files, read by their own importer: only forms are cleaned here.
            let cleaned = if is_form {
                crate::web::input::clean_form(&bytes)
            } else {
                None
            };
            let form = match cleaned {
                Some(cleaned) => axum::body::Bytes::from(cleaned),
                None => bytes,
            };
            let action = parts
                .uri
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default();
            let mut res = next
                .run(Request::from_parts(parts, Body::from(form.clone())))
                .await;
            // A form the database was too busy to save is offered back as typed.
            if is_form
                && res.extensions().get::<crate::error::NothingSaved>().is_some()
                && let Some(resend) = Resend::of(action, &form)
            {
                res.extensions_mut().insert(resend);
            }
            res
        }
        _ => expired_form(),
    }
}

/// An `Origin` is ours when it is the public address, or this scheme with the host the
/// request was sent to: scheme, host and port all count (`https://host` is not
/// `http://host`).
fn same_origin(origin: &str, host: Option<&str>, settings: &Settings) -> bool {
    let scheme = if settings.is_https() { "https" } else { "http" };
    origin == settings.public_origin() || host.is_some_and(|h| origin == format!("{scheme}://{h}"))
}

fn other_origin() -> Response {
    let mut res = (StatusCode::FORBIDDEN, "request from another origin").into_response();
    res.extensions_mut().insert(ErrorPage {
        title: "This request came from another website",
        message: "For your security, Harbour only accepts forms sent from its own pages. Nothing was saved."
            .into(),
    });
    res
}

fn expired_form() -> Response {
    let mut res = (StatusCode::FORBIDDEN, "form token missing or expired").into_response();
    res.extensions_mut().insert(ErrorPage {
        title: "This form has expired",
        message: "For your security, forms expire when you sign in or out or stay inactive. Nothing was saved. Go back, reload the page and try again.".into(),
    });
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_host_and_port_must_all_match() {
        let http = Settings {
            public_url: "http://harbour.example:8080".into(),
            ..Settings::default()
        };
        let host = Some("harbour.example:8080");
        assert!(same_origin("http://harbour.example:8080", host, &http));
        assert!(same_origin("http://10.0.0.5:8080", Some("10.0.0.5:8080"), &http));
        for other in [
            "https://harbour.example:8080",
            "http://harbour.example:8081",
            "http://harbour.example",
            "https://evil.example",
        ] {
            assert!(!same_origin(other, host, &http), "{other}");
        }
        let https = Settings {
            public_url: "https://harbour.example".into(),
            ..Settings::default()
        };
        assert!(same_origin(
            "https://harbour.example",
            Some("harbour.example"),
            &https
        ));
        assert!(!same_origin(
            "http://harbour.example",
            Some("harbour.example"),
            &https
        ));
    }
}
