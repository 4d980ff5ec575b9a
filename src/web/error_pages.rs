//! Turns every error response of the pages — ours, the router's, an extractor's, the
//! cross-site check's, the body limit's, the time-out's — into a page in the site layout
//! with a clear message and, for server errors, the request id. (Panics are caught further
//! out and answered with a plain message.)

use crate::{
    error::{ErrorPage, page_for},
    web::{Ctx, layout},
};
use axum::{
    extract::{Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};
use maud::html;

/// A form the database was too busy to save, to offer back as it was typed: the busy page
/// carries it in hidden fields with a button that sends it again, so nothing typed is lost.
#[derive(Clone, Debug)]
pub struct Resend {
    /// Where the form was sent (path and query).
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl Resend {
    /// What a form sent to `action` held, unless it holds a password: a password is never
    /// written back into a page.
    pub fn of(action: String, form: &[u8]) -> Option<Resend> {
        // Our own paths only ("//host" would send it elsewhere).
        if !action.starts_with('/') || action.starts_with("//") {
            return None;
        }
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(form).into_owned().collect();
        if fields.iter().any(|(name, _)| name.contains("password")) {
            return None;
        }
        Some(Resend { action, fields })
    }
}

pub async fn render(State(state): State<crate::state::AppState>, req: Request, next: Next) -> Response {
    let asked = Asked::of(&req);
    let res = next.run(req).await;
    dress(&state, asked, res).await
}

/// What an error page needs of the request, taken before it is handled.
pub struct Asked {
    request_id: String,
    session: Option<tower_sessions::Session>,
    user: Option<crate::auth::CurrentUser>,
    path: String,
}

impl Asked {
    pub fn of(req: &Request) -> Self {
        Asked {
            request_id: req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
            session: req.extensions().get::<tower_sessions::Session>().cloned(),
            user: req.extensions().get::<crate::auth::CurrentUser>().cloned(),
            path: req.uri().path().to_owned(),
        }
    }
}

/// Turns `res` into a page in the site layout when it is an error response that is not a
/// page already; any other response is returned as it is. [`render`] calls it for every
/// page. A layer outside `render` that refuses a request calls it itself: the auth layer,
/// when it cannot read the signed-in user.
pub async fn dress(state: &crate::state::AppState, asked: Asked, res: Response) -> Response {
    let Asked {
        request_id,
        session,
        user,
        path,
    } = asked;
    let status = res.status();
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_html {
        return res;
    }
    let Some(session) = session else { return res };
    let Ok(ctx) = Ctx::build(session, user, path, state.settings.clone()).await else {
        return res;
    };
    let page = if res
        .extensions()
        .get::<tower_http::csrf::ProtectionError>()
        .is_some()
    {
        ErrorPage {
            title: "This request came from another website",
            message:
                "For your security, Harbour only accepts forms sent from its own pages. Nothing was saved."
                    .into(),
        }
    } else {
        res.extensions()
            .get::<ErrorPage>()
            .cloned()
            .unwrap_or_else(|| page_for(status))
    };
    let resend = res.extensions().get::<Resend>();
    let body = layout::page(
        &ctx,
        page.title,
        false,
        html! {
            h1.heading-l { (page.title) }
            @if let Some(resend) = resend {
                p.body { (crate::error::BUSY_WHY) " What you typed is kept on this page: wait a minute or two, then send it again." }
                form method="post" action=(resend.action) {
                    @for (name, value) in &resend.fields {
                        input type="hidden" name=(name) value=(value);
                    }
                    button.button type="submit" { "Send it again" }
                }
            } @else {
                p.body { (page.message) }
            }
            @if status.is_server_error() && !request_id.is_empty() {
                p.body-s.hint { "Reference: " code { (request_id) } }
            }
            p.body { a href="/" { "Go to the home page" } }
        },
    );
    let mut out = (status, body).into_response();
    // Keep headers the error set for a reason (e.g. Allow on 405, Retry-After on 429).
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = res.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Resend;

    #[test]
    fn a_form_is_offered_back_as_typed_but_never_one_with_a_password() {
        let resend = Resend::of("/admin/areas".into(), b"csrf_token=t&name=East+%26+West&name=2").unwrap();
        assert_eq!(resend.action, "/admin/areas");
        assert_eq!(
            resend.fields,
            [("csrf_token", "t"), ("name", "East & West"), ("name", "2")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert!(
            Resend::of(
                "/account/password".into(),
                b"csrf_token=t&current_password=secret"
            )
            .is_none()
        );
        assert!(Resend::of("/login".into(), b"username=a&password=secret").is_none());
        assert!(Resend::of("//elsewhere.example/x".into(), b"name=a").is_none());
    }
}
