//! Signing in and out, lockout, throttling, timeouts, forced password change.

use crate::common::{PASSWORD, TestApp};
use entity::Role;
use harbour::auth::login::FAILED_MESSAGE;
use reqwest::StatusCode;

#[tokio::test]
async fn sign_in_rotates_the_session_and_returns_to_the_page_asked_for() {
    let app = TestApp::spawn().await;
    app.create_user("amina", Role::Admin).await;
    let mut c = app.client();

    let res = c.get("/admin/users?status=all").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location(),
        Some("/login?next=%2Fadmin%2Fusers%3Fstatus%3Dall")
    );

    let page = c.get("/login?next=%2Fadmin%2Fusers%3Fstatus%3Dall").await;
    assert_eq!(
        page.input_value("next").as_deref(),
        Some("/admin/users?status=all")
    );
    let before = c.session_cookie().expect("the sign-in form starts a session");
    let res = c
        .post(
            "/login",
            &[
                ("username", "AMINA"),
                ("password", PASSWORD),
                ("next", "/admin/users?status=all"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/admin/users?status=all"));
    let after = c.session_cookie().unwrap();
    assert_ne!(before, after, "session id must change at sign-in");

    // The pre-login session id is dead: it cannot be used to ride the new session.
    let mut fixated = app.client();
    fixated.jar.add_cookie_str(
        &format!("harbour_session={before}; Path=/"),
        &app.base.parse().unwrap(),
    );
    assert_eq!(fixated.get("/").await.status, StatusCode::SEE_OTHER);
    let hashed = harbour::auth::tokens::sha256_hex(&before);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM sessions WHERE id = '{hashed}'"))
            .await,
        0,
        "old row deleted"
    );

    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("amina Test"));
    assert_eq!(app.audit_count("login.succeeded").await, 1);
}

#[tokio::test]
async fn open_redirects_are_refused() {
    let app = TestApp::spawn().await;
    app.create_user("amina", Role::Manager).await;
    for next in ["//evil.example/x", "https://evil.example", "/\\evil.example"] {
        let mut c = app.client();
        c.get("/login").await;
        let res = c
            .post(
                "/login",
                &[("username", "amina"), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.location(), Some("/"), "next={next}");
    }
}

#[tokio::test]
async fn unknown_user_wrong_password_and_locked_account_look_the_same() {
    let app = TestApp::spawn().await;
    app.create_user("amina", Role::Manager).await;
    let mut c = app.client();

    let unknown = c.login("nobody", PASSWORD).await;
    let wrong = c.login("amina", "not the password at all").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(unknown.body.contains(FAILED_MESSAGE));
    assert!(wrong.body.contains(FAILED_MESSAGE));
    // The typed username comes back; the password never does.
    assert_eq!(wrong.input_value("username").as_deref(), Some("amina"));
    assert_eq!(wrong.input_value("password").as_deref(), Some(""));
    assert_eq!(
        unknown.body.replace("nobody", "USER"),
        wrong.body.replace("amina", "USER"),
        "the pages must not differ except for the echoed username"
    );

    // A locked account answers exactly like the two above, even with the right password.
    for _ in 0..5 {
        c.login("amina", "not the password at all").await;
    }
    let locked = c.login("amina", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        locked.body, wrong.body,
        "locked and wrong-password pages are identical"
    );
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::spawn().await;
    app.create_user("amina", Role::HarassmentOfficer).await;
    let mut c = app.client();
    for _ in 0..5 {
        assert_eq!(
            c.login("amina", "not the password at all").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Locked: even the right password is refused, with the same message.
    let locked = c.login("amina", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert!(locked.body.contains(FAILED_MESSAGE));
    assert_eq!(app.audit_count("account.locked").await, 1);

    app.advance_minutes(14);
    assert_eq!(c.login("amina", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    app.advance_minutes(1);
    assert_eq!(c.login("amina", PASSWORD).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn failures_below_the_limit_are_forgiven_by_a_success() {
    let app = TestApp::spawn().await;
    app.create_user("amina", Role::HarassmentOfficer).await;
    let mut c = app.client();
    for _ in 0..4 {
        c.login("amina", "not the password at all").await;
    }
    assert_eq!(c.login("amina", PASSWORD).await.status, StatusCode::SEE_OTHER);
    let mut c = app.client();
    for _ in 0..4 {
        c.login("amina", "not the password at all").await;
    }
    assert_eq!(
        c.login("amina", PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "counter was reset by the success"
    );
}

#[tokio::test]
async fn one_address_is_rate_limited_across_usernames() {
    let app = TestApp::spawn_with(|s| s.login_rate_limit = 3).await;
    app.create_user("amina", Role::Manager).await;
    let mut c = app.client();
    for name in ["a1", "a2", "a3"] {
        assert_eq!(
            c.login(name, "whatever password").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let res = c.login("amina", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Too many sign-in attempts"));
    app.advance_minutes(15);
    assert_eq!(c.login("amina", PASSWORD).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn successful_sign_ins_from_one_address_never_lock_it_out() {
    // An office behind one address: everyone signs in at 9 a.m.
    let app = TestApp::spawn_with(|s| s.login_rate_limit = 3).await;
    app.create_user("amina", Role::Manager).await;
    for _ in 0..10 {
        let mut c = app.client();
        assert_eq!(c.login("amina", PASSWORD).await.status, StatusCode::SEE_OTHER);
    }
    // Failures still count: three wrong, then even the right one waits.
    let mut c = app.client();
    for _ in 0..3 {
        assert_eq!(c.login("nobody", "guess").await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        c.login("amina", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn empty_sign_in_form_says_what_is_missing() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    c.get("/login").await;
    let res = c.post("/login", &[("username", ""), ("password", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("There is a problem"));
    assert!(res.body.contains("href=\"#username\""));
    assert!(res.body.contains("Enter your password"));
    assert!(res.body.contains("<title>Error: Sign in"));
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let mut c = app.signed_in(Role::TenancyOfficer).await;
    let mut stolen = c.clone_session();
    assert_eq!(
        stolen.get("/").await.status,
        StatusCode::OK,
        "a copied cookie works while signed in"
    );

    let res = c.post("/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), Some("/login"));
    assert_eq!(
        stolen.get("/").await.status,
        StatusCode::SEE_OTHER,
        "the copied cookie is dead after sign-out"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
            .await,
        0
    );
    assert_eq!(app.audit_count("logout").await, 1);
}

#[tokio::test]
async fn idle_sessions_end_after_thirty_minutes_and_activity_keeps_them_alive() {
    let app = TestApp::spawn().await;
    let mut c = app.signed_in(Role::Manager).await;
    app.advance_minutes(29);
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    app.advance_minutes(29);
    assert_eq!(
        c.get("/").await.status,
        StatusCode::OK,
        "activity pushed the idle deadline on"
    );
    app.advance_minutes(30);
    let res = c.get("/").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().unwrap().starts_with("/login"));
}

#[tokio::test]
async fn sessions_end_twelve_hours_after_sign_in_however_active() {
    let app = TestApp::spawn().await;
    let mut c = app.signed_in(Role::Manager).await;
    for _ in 0..(11 * 60 / 20) {
        app.advance_minutes(20);
        assert_eq!(c.get("/").await.status, StatusCode::OK);
    }
    app.advance_minutes(60);
    assert_eq!(c.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_deactivated_user_is_signed_out_and_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let id = app.create_user("leaver", Role::TenancyOfficer).await;
    let mut leaver = app.client();
    assert_eq!(
        leaver.login("leaver", crate::common::PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    admin.get(&format!("/admin/users/{id}")).await;
    let res = admin.post(&format!("/admin/users/{id}/deactivate"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    assert_eq!(leaver.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        leaver.login("leaver", crate::common::PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_reset_password_must_be_replaced_at_next_sign_in() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let id = app.create_user("amina", Role::HarassmentOfficer).await;
    let mut amina = app.client();
    amina.login("amina", PASSWORD).await;

    let page = admin
        .post(&format!("/admin/users/{id}/reset-password"), &[])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let temporary = temporary_password(&page.body);
    assert_eq!(
        amina.get("/").await.status,
        StatusCode::SEE_OTHER,
        "reset ends the user's sessions"
    );
    assert_eq!(
        amina.login("amina", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "old password is gone"
    );

    let res = amina.login("amina", &temporary).await;
    assert_eq!(res.location(), Some("/account/password"));
    let res = amina.get("/").await;
    assert_eq!(
        res.location(),
        Some("/account/password"),
        "nothing else until the password is changed"
    );
    let form = amina.get("/account/password").await;
    assert!(form.body.contains("Your password was reset by an administrator"));

    let res = amina
        .post(
            "/account/password",
            &[
                ("current_password", &temporary),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(amina.get("/").await.status, StatusCode::OK);
    assert_eq!(
        app.client().login("amina", "a brand new passphrase").await.status,
        StatusCode::SEE_OTHER
    );
}

pub fn temporary_password(body: &str) -> String {
    let start = body
        .find("id=\"temporary-password\">")
        .expect("temporary password shown")
        + "id=\"temporary-password\">".len();
    body[start..start + body[start..].find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn changing_your_password_checks_it_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    app.create_user("amina", Role::Manager).await;
    let mut phone = app.client();
    phone.login("amina", PASSWORD).await;
    let mut desk = app.client();
    desk.login("amina", PASSWORD).await;
    desk.get("/account/password").await;

    let res = desk
        .post(
            "/account/password",
            &[
                ("current_password", "wrong one entirely"),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Your current password is not right"));
    assert!(res.body.contains("at least 12 characters"));

    let res = desk
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "amina"),
                ("confirm_password", "amina"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    let res = desk
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "password1234"),
                ("confirm_password", "password1234"),
            ],
        )
        .await;
    assert!(res.body.contains("too commonly used"));

    let res = desk
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "harbour lights at dusk"),
                ("confirm_password", "harbour lights at dawn"),
            ],
        )
        .await;
    assert!(res.body.contains("The passwords do not match"));

    let res = desk
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "harbour lights at dusk"),
                ("confirm_password", "harbour lights at dusk"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        desk.get("/").await.status,
        StatusCode::OK,
        "this session continues"
    );
    assert_eq!(
        phone.get("/").await.status,
        StatusCode::SEE_OTHER,
        "other sessions end"
    );
}

#[tokio::test]
async fn behind_a_proxy_the_configured_header_gives_the_client_address() {
    let app = TestApp::spawn_with(|s| {
        s.client_ip_header = Some("x-forwarded-for".into());
        s.login_rate_limit = 2;
    })
    .await;
    let mut c = app.client();
    let page = c.get("/login").await;
    let token = page.input_value("csrf_token").unwrap();
    for (ip, expected) in [
        // The client forged the first entry; the proxy appended the real address last.
        ("10.9.9.9, 203.0.113.9", StatusCode::UNAUTHORIZED),
        ("203.0.113.9", StatusCode::UNAUTHORIZED),
        ("1.2.3.4, 203.0.113.9", StatusCode::TOO_MANY_REQUESTS),
        ("198.51.100.7", StatusCode::UNAUTHORIZED),
    ] {
        let res = c
            .post_raw(
                "/login",
                &[
                    ("csrf_token", &token),
                    ("username", "nobody"),
                    ("password", "whatever password"),
                ],
                &[("sec-fetch-site", "same-origin"), ("x-forwarded-for", ip)],
            )
            .await;
        assert_eq!(res.status, expected, "from {ip}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE client_addr = '203.0.113.9'")
            .await,
        2,
        "the last address in the header, the proxy's, is recorded"
    );
}

/// Parallel wrong guesses must all count: the counter is incremented in the database.
#[tokio::test]
async fn parallel_wrong_guesses_all_count_towards_the_lockout() {
    let app = TestApp::spawn().await;
    let id = app.create_user("amina", Role::Manager).await;
    let mut tasks = vec![];
    for _ in 0..6 {
        let mut c = app.client();
        tasks.push(tokio::spawn(async move {
            c.login("amina", "a wrong guess here").await.status
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::UNAUTHORIZED);
    }
    let locked = app
        .count(&format!(
            "SELECT COUNT(*) FROM users WHERE id = {id} AND locked_until IS NOT NULL"
        ))
        .await;
    assert_eq!(locked, 1, "six parallel failures lock the account");
    assert_eq!(
        app.client().login("amina", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// A borrowed session cannot be used to guess the real password on the change form.
#[tokio::test]
async fn wrong_current_passwords_count_towards_the_lockout_and_sign_out() {
    let app = TestApp::spawn().await;
    app.create_user("amina", Role::Manager).await;
    let mut c = app.signed_in_as("amina").await;
    for attempt in 1..=5 {
        c.get("/account/password").await;
        let guess = format!("guess number {attempt} here");
        let fields = [
            ("current_password", guess.as_str()),
            ("new_password", "x y z a b c d"),
            ("confirm_password", "x y z a b c d"),
        ];
        let res = c.post("/account/password", &fields).await;
        if attempt < 5 {
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        } else {
            assert_eq!(
                res.status,
                StatusCode::SEE_OTHER,
                "the fifth wrong guess locks and signs out"
            );
            assert_eq!(res.location(), Some("/login"));
        }
    }
    assert_eq!(c.get("/").await.status, StatusCode::SEE_OTHER, "signed out");
    assert_eq!(
        app.client().login("amina", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "locked"
    );
    assert_eq!(app.audit_count("password.change_failed").await, 5);
    assert_eq!(app.audit_count("account.locked").await, 1);
}

#[tokio::test]
async fn an_unknown_username_is_not_written_to_the_audit_trail() {
    let app = TestApp::spawn().await;
    // People type their password into the username box.
    app.client().login("my secret passphrase", "whatever else").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE actor_name = '(unknown username)' AND action = 'login.failed'").await,
        1
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_events WHERE actor_name LIKE '%secret%' OR summary LIKE '%secret%'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn changing_your_password_gives_this_session_a_new_id() {
    let app = TestApp::spawn().await;
    app.create_user("amina", Role::Manager).await;
    let mut c = app.signed_in_as("amina").await;
    let before = c.session_cookie().unwrap();
    c.get("/account/password").await;
    let fields = [
        ("current_password", PASSWORD),
        ("new_password", "harbour lights at dusk"),
        ("confirm_password", "harbour lights at dusk"),
    ];
    assert_eq!(
        c.post("/account/password", &fields).await.status,
        StatusCode::SEE_OTHER
    );
    assert_ne!(c.session_cookie().unwrap(), before);
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    let hashed = harbour::auth::tokens::sha256_hex(&before);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM sessions WHERE id = '{hashed}'"))
            .await,
        0
    );
}
