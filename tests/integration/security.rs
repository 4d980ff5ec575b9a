//! Web-layer defences: security headers, cross-site request forgery, malformed requests,
//! error pages that leak nothing, health check.

use crate::common::{PASSWORD, TestApp, html_unescape};
use entity::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let mut c = app.signed_in(Role::Manager).await;
    for path in ["/login", "/", "/audit", "/no-such-page"] {
        let res = c.get(path).await;
        let csp = res.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(
            !csp.contains("script-src"),
            "{path}: no script source is allowed at all"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(res.header("referrer-policy"), Some("no-referrer"), "{path}");
        assert_eq!(res.header("cache-control"), Some("no-store"), "{path}");
        assert!(
            res.header("x-request-id").is_some_and(|v| !v.is_empty()),
            "{path}"
        );
        assert_eq!(
            res.header("strict-transport-security"),
            None,
            "no HSTS over plain http"
        );
        assert!(!res.body.contains("<script"), "{path}: pages need no script");
    }
    let c = c.get("/").await;
    let css = c.body.split("href=\"/assets/").nth(1).unwrap();
    let css = format!("/assets/{}", &css[..css.find('"').unwrap()]);
    let res = app.client().get(&css).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.header("cache-control").unwrap().contains("immutable"),
        "fingerprinted assets are cached"
    );
    assert_eq!(
        app.client().get("/assets/harbour-000000000000.css").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn https_deployments_send_hsts_and_secure_cookies() {
    let app = TestApp::spawn_with(|s| s.public_url = "https://harbour.example.org".into()).await;
    let res = reqwest::Client::new()
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test]
async fn session_cookies_are_http_only_and_same_site() {
    let app = TestApp::spawn().await;
    let res = reqwest::Client::new()
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("harbour_session="));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http cannot carry Secure cookies"
    );
}

#[tokio::test]
async fn a_forged_cross_site_post_is_refused_even_with_a_valid_session() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let page = admin.get("/admin/areas").await;
    let token = page.input_value("csrf_token").unwrap();

    // The attacker's page makes the victim's browser post; the browser says where from.
    let res = admin
        .post_raw(
            "/admin/areas",
            &[("csrf_token", &token), ("name", "Forged")],
            &[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://evil.example"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body.contains("This request came from another website"),
        "a clear page, not a bare 403"
    );
    // An older browser that sends only Origin is refused as well.
    let res = admin
        .post_raw(
            "/admin/areas",
            &[("csrf_token", &token), ("name", "Forged")],
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM areas").await, 0);

    // Same-site, same token: accepted (the forgery above failed for the right reason).
    let res = admin.post("/admin/areas", &[("name", "Genuine")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT COUNT(*) FROM areas").await, 1);
}

#[tokio::test]
async fn a_post_without_the_form_token_is_refused() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let same_site = [("sec-fetch-site", "same-origin")];
    let res = admin
        .post_raw("/admin/areas", &[("name", "No token")], &same_site)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("This form has expired"));
    let res = admin
        .post_raw(
            "/admin/areas",
            &[("csrf_token", "guess"), ("name", "Bad token")],
            &same_site,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM areas").await, 0);

    // Sign-in is protected too (login CSRF).
    app.create_user("amina", Role::Manager).await;
    let mut c = app.client();
    let res = c
        .post_raw(
            "/login",
            &[("username", "amina"), ("password", PASSWORD)],
            &same_site,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn malformed_requests_get_4xx_pages_never_500() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;

    let res = admin.get("/admin/users/not-a-number").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("<h1"), "rendered as a page");

    let res = admin.get("/admin/users/99999999999999999999").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);

    let res = admin.get("/definitely/not/here").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("Page not found"));

    // Wrong method on a real path.
    let res = admin.post("/healthz", &[]).await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);

    // Not a form.
    let token = admin.get("/admin/areas").await.input_value("csrf_token").unwrap();
    let res = reqwest::Client::new()
        .post(format!("{}/admin/areas", app.base))
        .header("content-type", "application/json")
        .header(
            "cookie",
            format!("harbour_session={}", admin.session_cookie().unwrap()),
        )
        .body(format!("{{\"csrf_token\":\"{token}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Too large.
    let big = "x".repeat(300 * 1024);
    let res = admin.post("/admin/areas", &[("name", &big)]).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);

    // Invalid UTF-8 and junk in a form body.
    let res = admin
        .post_raw(
            "/admin/areas",
            &[("csrf_token", &token), ("name", "ok")],
            &[("sec-fetch-site", "same-origin")],
        )
        .await;
    assert!(
        res.status.is_redirection(),
        "sanity: a good post works ({})",
        res.status
    );
    let res = reqwest::Client::new()
        .post(format!("{}/admin/areas", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "cookie",
            format!("harbour_session={}", admin.session_cookie().unwrap()),
        )
        .body(format!("csrf_token={token}&name=%FF%FE&name=twice"))
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_client_error() || res.status().is_redirection(),
        "got {}",
        res.status()
    );
}

#[tokio::test]
async fn health_check_answers_when_the_database_does() {
    let app = TestApp::spawn().await;
    let res = app.client().get("/healthz").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "ok");
}

#[tokio::test]
async fn health_check_says_503_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.db.clone().close().await.unwrap();
    let res = app.client().get("/healthz").await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_server_error_shows_a_reference_and_leaks_nothing() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    // Break the database under the running app.
    app.exec("DROP TABLE user_areas").await;
    let res = admin.get("/admin/areas").await;
    assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(res.body.contains("Sorry, there is a problem with the service"));
    let reference = res.header("x-request-id").unwrap().to_owned();
    assert!(
        res.body.contains(&reference),
        "the page quotes the request id for support"
    );
    for secret in ["user_areas", "no such table", "relation", "SELECT", "sqlx"] {
        assert!(!res.body.contains(secret), "error page leaks {secret:?}");
    }
}

#[tokio::test]
async fn the_request_id_is_the_servers_unless_a_trusted_proxy_sets_a_plain_one() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    app.exec("DROP TABLE user_areas").await;
    let res = admin
        .get_with("/admin/areas", &[("x-request-id", "chosen-by-the-client")])
        .await;
    assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    let id = res.header("x-request-id").unwrap();
    assert_ne!(id, "chosen-by-the-client");
    assert!(
        !res.body.contains("chosen-by-the-client"),
        "not the page's reference"
    );
    assert!(res.body.contains(id));
    // What the page says is true: nothing saved, the typed form is not on this page.
    assert!(res.body.contains("What you were doing was not saved"));
    assert!(!res.body.contains("has been lost unless"));

    let app = TestApp::spawn_with(|s| s.trust_request_id = true).await;
    let mut c = app.client();
    let res = c.get_with("/login", &[("x-request-id", "edge-7f3a.1")]).await;
    assert_eq!(res.header("x-request-id"), Some("edge-7f3a.1"));
    let res = c.get_with("/login", &[("x-request-id", "<b>forged</b>")]).await;
    assert_ne!(res.header("x-request-id"), Some("<b>forged</b>"));
}

#[tokio::test]
async fn a_post_from_the_same_host_on_another_scheme_is_refused() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let page = admin.get("/admin/areas").await;
    let token = page.input_value("csrf_token").unwrap();
    let other_scheme = app.base.replace("http://", "https://");
    let res = admin
        .post_raw(
            "/admin/areas",
            &[("csrf_token", &token), ("name", "Forged")],
            &[("sec-fetch-site", "same-origin"), ("origin", &other_scheme)],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("This request came from another website"));
    assert_eq!(app.count("SELECT COUNT(*) FROM areas").await, 0);
}

#[tokio::test]
async fn control_characters_are_removed_from_forms_and_queries_on_both_databases() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    // A NUL and an escape in a form field: stored without them, not a 500 on PostgreSQL.
    let res = admin
        .post("/admin/areas", &[("name", "North\0 \u{1b}Estate")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM areas WHERE name = 'North Estate'")
            .await,
        1
    );
    // In a query string and at sign-in.
    let mut manager = app.signed_in(Role::Manager).await;
    for path in ["/cases?q=%00abc", "/audit?actor=a%00b", "/cases?q=%1B%7F"] {
        assert_eq!(manager.get(path).await.status, StatusCode::OK, "{path}");
    }
    let mut c = app.client();
    c.get("/login").await;
    let res = c
        .post("/login", &[("username", "ab\0c"), ("password", "x")])
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // Line breaks and tabs are text: kept.
    let res = admin.post("/admin/areas", &[("name", "East\tSide")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

/// A save that meets another process's long write (`harbour import` on SQLite holds the one
/// write lock for minutes) is told the truth: busy, nothing saved, try again in a minute —
/// not "a problem with the service", and not a 500 in the logs. What was typed is kept on
/// the page, and sending it again once the lock is free saves it.
#[tokio::test]
async fn a_save_while_another_process_holds_the_write_lock_is_busy_not_a_fault() {
    let app = TestApp::spawn().await;
    if app.test_db.is_postgres() {
        return;
    }
    let mut c = app.signed_in(Role::Admin).await;
    c.get("/admin/areas").await;
    let importer = harbour::db::connect(&app.test_db.url).await.unwrap();
    let holder = harbour::db::begin(&importer).await.unwrap();
    let res = c.post("/admin/areas", &[("name", "Riverside & <Docks>")]).await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    assert_eq!(res.header("retry-after"), Some("60"));
    assert!(
        res.body.contains("Harbour is busy saving other work"),
        "{}",
        res.body
    );
    assert!(res.body.contains("Nothing you sent was saved"), "{}", res.body);
    // The form comes back as typed (escaped), to be sent again.
    assert!(res.body.contains(r#"action="/admin/areas""#), "{}", res.body);
    assert!(
        res.body
            .contains(r#"name="name" value="Riverside &amp; &lt;Docks&gt;""#),
        "{}",
        res.body
    );
    let form = &res.body[res.body.find(r#"action="/admin/areas""#).unwrap()..];
    let resent = hidden_fields(&form[..form.find("</form>").unwrap()]);
    assert!(resent.iter().any(|(k, _)| k == "csrf_token"), "{resent:?}");
    holder.rollback().await.unwrap();
    let pairs: Vec<(&str, &str)> = resent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = c.post_raw("/admin/areas", &pairs, &[]).await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "once the lock is free it saves"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM areas WHERE name = 'Riverside & <Docks>'")
            .await,
        1
    );
}

/// The hidden fields of a page, unescaped.
fn hidden_fields(body: &str) -> Vec<(String, String)> {
    body.split(r#"<input type="hidden" name=""#)
        .skip(1)
        .map(|rest| {
            let name = &rest[..rest.find('"').unwrap()];
            let value = rest.split(r#"value=""#).nth(1).unwrap();
            (name.to_owned(), html_unescape(&value[..value.find('"').unwrap()]))
        })
        .collect()
}
