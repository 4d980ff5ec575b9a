//! First-run setup link: creates the first administrator once, expires, and is refused
//! once an administrator exists.

use crate::common::TestApp;
use entity::Role;
use harbour::auth::setup::issue_token_if_needed;
use reqwest::StatusCode;

const GOOD: [(&str, &str); 5] = [
    ("username", "first.admin"),
    ("display_name", "Farah Admin"),
    ("email", "farah@example.org"),
    ("password", "tide tables and ropes"),
    ("confirm_password", "tide tables and ropes"),
];

#[tokio::test]
async fn the_setup_link_creates_the_first_administrator_once() {
    let app = TestApp::spawn().await;
    let token = issue_token_if_needed(&app.db, app.now())
        .await
        .unwrap()
        .expect("no admin yet, so a link");
    let path = format!("/setup/{token}");
    let mut c = app.client();
    assert_eq!(c.get(&path).await.status, StatusCode::OK);

    // Bad input: re-rendered with what was typed, nothing created.
    let res = c
        .post(
            &path,
            &[
                ("username", "first admin"),
                ("display_name", "Farah Admin"),
                ("email", "farah@"),
                ("password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("There is a problem"));
    assert_eq!(res.input_value("display_name").as_deref(), Some("Farah Admin"));
    assert_eq!(res.input_value("username").as_deref(), Some("first admin"));
    assert_eq!(res.input_value("email").as_deref(), Some("farah@"));
    assert_eq!(
        res.input_value("password").as_deref(),
        Some(""),
        "passwords are never echoed"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);

    let res = c.post(&path, &GOOD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/login"));
    let login = c.get("/login").await;
    assert!(login.body.contains("Administrator account created"));

    // Single use, and no new link once an administrator exists.
    assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND);
    let again = c
        .post(
            &path,
            &[
                ("username", "second"),
                ("display_name", "X"),
                ("password", "another long passphrase"),
                ("confirm_password", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    assert!(issue_token_if_needed(&app.db, app.now()).await.unwrap().is_none());

    let res = c.login("first.admin", "tide tables and ropes").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    c.get("/").await;
    assert_eq!(c.get("/admin/users").await.status, StatusCode::OK);
    assert_eq!(app.audit_count("setup.admin_created").await, 1);
}

#[tokio::test]
async fn the_setup_link_expires_after_an_hour() {
    let app = TestApp::spawn().await;
    let token = issue_token_if_needed(&app.db, app.now()).await.unwrap().unwrap();
    app.advance_minutes(59);
    let mut c = app.client();
    assert_eq!(c.get(&format!("/setup/{token}")).await.status, StatusCode::OK);
    app.advance_minutes(1);
    let res = c.get(&format!("/setup/{token}")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("This setup link is not valid"));
    let res = c.post(&format!("/setup/{token}"), &GOOD).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn a_made_up_setup_link_is_refused() {
    let app = TestApp::spawn().await;
    issue_token_if_needed(&app.db, app.now()).await.unwrap();
    let res = app.client().get("/setup/not-a-real-token").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn no_setup_link_while_an_administrator_exists_but_one_when_all_are_deactivated() {
    let app = TestApp::spawn().await;
    let id = app.create_user("only.admin", Role::Admin).await;
    assert!(issue_token_if_needed(&app.db, app.now()).await.unwrap().is_none());
    app.exec(&format!("UPDATE users SET active = false WHERE id = {id}"))
        .await;
    assert!(
        issue_token_if_needed(&app.db, app.now()).await.unwrap().is_some(),
        "a locked-out landlord can recover"
    );
}

#[tokio::test]
async fn setup_with_the_name_of_a_deactivated_account_asks_for_another() {
    let app = TestApp::spawn().await;
    let id = app.create_user("first.admin", Role::Admin).await;
    app.exec(&format!("UPDATE users SET active = false WHERE id = {id}"))
        .await;
    let token = issue_token_if_needed(&app.db, app.now()).await.unwrap().unwrap();
    let path = format!("/setup/{token}");
    let mut c = app.client();
    c.get(&path).await;
    let res = c.post(&path, &GOOD).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("already exists"));
    assert_eq!(
        res.input_value("display_name").as_deref(),
        Some("Farah Admin"),
        "typed values kept"
    );
    // The link was not used up by the refused attempt.
    let mut good = GOOD;
    good[0] = ("username", "second.admin");
    assert_eq!(c.post(&path, &good).await.status, StatusCode::SEE_OTHER);
}
