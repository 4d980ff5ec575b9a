//! Security headers on every response.

use axum::{
    extract::{Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};
use std::sync::Arc;

/// No script at all, styles only from ourselves, no framing, forms post only to us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(
    State(settings): State<Arc<crate::config::Settings>>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let has_cache_policy = h.contains_key(header::CACHE_CONTROL);
    let mut set = |name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "no-referrer");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if settings.is_https() {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    // Case data must not linger in shared or browser caches; assets set their own policy.
    if !has_cache_policy {
        set(header::CACHE_CONTROL, "no-store");
    }
    res
}

/// The request id is made here (a UUID), so a client cannot choose the reference on an
/// error page or forge log lines; a proxy's is kept only when configured and well formed.
pub async fn screen_request_id(
    State(settings): State<Arc<crate::config::Settings>>,
    mut req: Request,
    next: Next,
) -> Response {
    let trusted = settings.trust_request_id
        && req
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .is_some_and(well_formed_request_id);
    if !trusted {
        req.headers_mut().remove(REQUEST_ID);
    }
    next.run(req).await
}

const REQUEST_ID: &str = "x-request-id";

fn well_formed_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod request_id_tests {
    use super::well_formed_request_id;

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(well_formed_request_id("3f2b-91c0.edge_7"));
        for forged in ["", "a b", "x\nINFO forged", "<script>", &"a".repeat(65)] {
            assert!(!well_formed_request_id(forged), "{forged:?}");
        }
    }
}
