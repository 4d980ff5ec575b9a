//! Administration: creating, editing, deactivating, reactivating and unlocking staff
//! accounts; the user list; areas.

use crate::{
    common::{Client, PASSWORD, Res, TestApp},
    login::temporary_password,
};
use entity::{Role, areas, users};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn user(app: &TestApp, id: i32) -> users::Model {
    users::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("user exists")
}

async fn user_named(app: &TestApp, username: &str) -> Option<users::Model> {
    users::Entity::find()
        .filter(users::Column::UsernameKey.eq(username.to_lowercase()))
        .one(&app.db)
        .await
        .unwrap()
}

async fn area_named(app: &TestApp, name: &str) -> Option<areas::Model> {
    areas::Entity::find()
        .filter(areas::Column::NameKey.eq(name.to_lowercase()))
        .one(&app.db)
        .await
        .unwrap()
}

/// The only administrator's id (the one `signed_in(Role::Admin)` created).
async fn the_admin(app: &TestApp) -> users::Model {
    let admins = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Admin))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(admins.len(), 1, "the test expects exactly one administrator");
    admins.into_iter().next().unwrap()
}

async fn user_count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM users").await
}

/// Adds an area through the page, as an administrator would; returns its id.
async fn add_area(app: &TestApp, c: &mut Client, name: &str) -> i32 {
    c.get("/admin/areas").await;
    let res = c.post("/admin/areas", &[("name", name)]).await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "adding area {name}: {}",
        res.body
    );
    area_named(app, name).await.expect("area saved").id
}

/// The error page for a malformed URL: a 400 in the site layout, not a bare message or a 500.
fn assert_bad_request_page(res: &Res, what: &str) {
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{what}");
    assert!(
        res.header("content-type")
            .is_some_and(|v| v.starts_with("text/html")),
        "{what}: an HTML page, got {:?}",
        res.header("content-type")
    );
    assert!(
        res.body.contains("The request could not be understood"),
        "{what}: {}",
        res.body
    );
    assert!(res.body.contains("<html"), "{what}: in the site layout");
}

// ---------------------------------------------------------------------------------------
// Creating users

#[tokio::test]
async fn an_administrator_creates_a_user_who_must_choose_a_password_at_first_sign_in() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let north = add_area(&app, &mut admin, "North").await;
    let south = add_area(&app, &mut admin, "South").await;

    let form = admin.get("/admin/users/new").await;
    assert_eq!(form.status, StatusCode::OK);
    // The username rules are stated before anyone breaks one.
    assert!(form.body.contains("3 to 64 characters"), "{}", form.body);
    let (n, s) = (north.to_string(), south.to_string());
    let res = admin
        .post(
            "/admin/users",
            &[
                ("username", "Amina.Begum"),
                ("display_name", "Amina Begum"),
                ("email", "amina@example.org"),
                ("role", "harassment-officer"),
                ("area", &n),
                ("area", &s),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let temporary = temporary_password(&res.body);
    assert!(temporary.len() >= 16, "a long temporary password: {temporary:?}");

    let created = user_named(&app, "amina.begum").await.expect("user saved");
    assert_eq!(created.username, "Amina.Begum", "the username is kept as typed");
    assert_eq!(created.display_name, "Amina Begum");
    assert_eq!(created.email.as_deref(), Some("amina@example.org"));
    assert_eq!(created.role, Role::HarassmentOfficer);
    assert!(created.active);
    assert!(
        created.must_change_password,
        "a temporary password must be replaced"
    );
    assert!(
        !created.password_hash.contains(&temporary),
        "only a hash is stored"
    );
    let links = app
        .count(&format!(
            "SELECT COUNT(*) FROM user_areas WHERE user_id = {}",
            created.id
        ))
        .await;
    assert_eq!(links, 2, "both areas are linked");
    assert_eq!(app.audit_count("user.created").await, 1);

    let mut amina = app.client();
    let res = amina.login("amina.begum", &temporary).await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "the temporary password signs in: {}",
        res.body
    );
    assert_eq!(
        res.location(),
        Some("/account/password"),
        "and leads straight to choosing a password"
    );
    // A first sign-in is welcomed, not told of a reset that never happened.
    let page = amina.get("/account/password").await;
    assert!(page.body.contains("Welcome to Harbour"), "{}", page.body);
    assert!(!page.body.contains("reset by an administrator"));
}

#[tokio::test]
async fn an_invalid_new_user_is_refused_with_every_typed_value_kept() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let before = user_count(&app).await;
    admin.get("/admin/users/new").await;

    let long_name = "x".repeat(101);
    let res = admin
        .post(
            "/admin/users",
            &[
                ("username", "a b"),
                ("display_name", &long_name),
                ("email", "not-an-email"),
                ("role", "superuser"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("There is a problem"));
    assert!(res.body.contains("<title>Error: Add a user"));
    for (field, message) in [
        ("username", "Username can only contain letters, numbers"),
        ("display_name", "Full name must be 100 characters or fewer"),
        ("email", "Enter an email address in the correct format"),
        ("role", "Choose a role"),
    ] {
        assert!(
            res.body.contains(&format!("href=\"#{field}\"")),
            "the summary links to {field}"
        );
        assert!(res.body.contains(message), "{field}: {message}");
    }
    assert_eq!(res.input_value("username").as_deref(), Some("a b"));
    assert_eq!(
        res.input_value("display_name").as_deref(),
        Some(long_name.as_str())
    );
    assert_eq!(res.input_value("email").as_deref(), Some("not-an-email"));
    assert_eq!(user_count(&app).await, before, "nothing is saved");
    assert_eq!(app.audit_count("user.created").await, 0);
}

#[tokio::test]
async fn an_empty_new_user_form_says_what_is_missing() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let before = user_count(&app).await;
    admin.get("/admin/users/new").await;
    let res = admin
        .post(
            "/admin/users",
            &[
                ("username", ""),
                ("display_name", "  "),
                ("email", ""),
                ("role", "manager"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Enter a username"));
    assert!(
        res.body.contains("Enter the person&#39;s full name")
            || res.body.contains("Enter the person's full name")
    );
    assert!(!res.body.contains("href=\"#email\""), "an empty email is allowed");
    assert!(
        res.body.contains("<option value=\"manager\" selected>"),
        "the chosen role stays selected"
    );
    assert_eq!(user_count(&app).await, before);
}

#[tokio::test]
async fn areas_not_in_the_list_are_refused_when_creating_a_user() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let before = user_count(&app).await;
    admin.get("/admin/users/new").await;
    for area in ["9999", "abc"] {
        let res = admin
            .post(
                "/admin/users",
                &[
                    ("username", "amina"),
                    ("display_name", "Amina Begum"),
                    ("role", "tenancy-officer"),
                    ("area", area),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "area={area}");
        assert!(res.body.contains("Choose areas from the list"), "area={area}");
    }
    assert_eq!(user_count(&app).await, before);
}

#[tokio::test]
async fn a_username_differing_only_in_case_already_exists() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    app.create_user("amina", Role::Manager).await;
    let before = user_count(&app).await;
    admin.get("/admin/users/new").await;

    let res = admin
        .post(
            "/admin/users",
            &[
                ("username", "AMINA"),
                ("display_name", "Another Amina"),
                ("role", "manager"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("A user with that username already exists"));
    assert_eq!(res.input_value("username").as_deref(), Some("AMINA"));
    assert_eq!(res.input_value("display_name").as_deref(), Some("Another Amina"));
    assert_eq!(user_count(&app).await, before, "no second account");
    assert_eq!(app.audit_count("user.created").await, 0);
}

#[tokio::test]
async fn only_administrators_may_create_users() {
    let app = TestApp::spawn().await;
    let before = user_count(&app).await;
    for role in [Role::Manager, Role::TenancyOfficer, Role::HarassmentOfficer] {
        let mut c = app.signed_in(role).await;
        assert_eq!(
            c.get("/admin/users/new").await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        let res = c
            .post(
                "/admin/users",
                &[
                    ("username", "sneaky"),
                    ("display_name", "Sneaky"),
                    ("role", "admin"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role:?}");
    }
    assert!(user_named(&app, "sneaky").await.is_none(), "nobody was created");
    assert_eq!(
        user_count(&app).await,
        before + 3,
        "only the three signed-in users exist"
    );
}

// ---------------------------------------------------------------------------------------
// Editing users

#[tokio::test]
async fn editing_a_user_saves_the_changes_and_bumps_the_version() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let east = add_area(&app, &mut admin, "East").await;
    let id = app.create_user("amina", Role::TenancyOfficer).await;

    let page = admin.get(&format!("/admin/users/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.input_value("version").as_deref(), Some("1"));
    assert_eq!(page.input_value("display_name").as_deref(), Some("amina Test"));

    let e = east.to_string();
    let res = admin
        .post(
            &format!("/admin/users/{id}"),
            &[
                ("display_name", "Amina Begum"),
                ("email", "amina@example.org"),
                ("role", "manager"),
                ("area", &e),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some(format!("/admin/users/{id}").as_str()));

    let saved = user(&app, id).await;
    assert_eq!(saved.display_name, "Amina Begum");
    assert_eq!(saved.email.as_deref(), Some("amina@example.org"));
    assert_eq!(saved.role, Role::Manager);
    assert_eq!(saved.version, 2, "each save bumps the version");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM user_areas WHERE user_id = {id} AND area_id = {east}"
        ))
        .await,
        1
    );
    assert_eq!(app.audit_count("user.updated").await, 1);

    let page = admin.get(&format!("/admin/users/{id}")).await;
    assert!(
        page.body.contains("Saved changes to Amina Begum."),
        "a confirmation follows the redirect"
    );
    assert_eq!(page.input_value("version").as_deref(), Some("2"));
    assert!(
        !admin
            .get(&format!("/admin/users/{id}"))
            .await
            .body
            .contains("Saved changes"),
        "the message is shown once"
    );
}

#[tokio::test]
async fn an_edit_made_on_a_stale_version_is_refused_showing_both_versions() {
    let app = TestApp::spawn().await;
    let mut first = app.signed_in(Role::Admin).await;
    let mut second = app.signed_in(Role::Admin).await;
    let id = app.create_user("amina", Role::TenancyOfficer).await;
    let path = format!("/admin/users/{id}");
    first.get(&path).await;
    let seen = second.get(&path).await;
    assert_eq!(seen.input_value("version").as_deref(), Some("1"));

    let res = first
        .post(
            &path,
            &[
                ("display_name", "Amina Khan"),
                ("email", ""),
                ("role", "tenancy-officer"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let res = second
        .post(
            &path,
            &[
                ("display_name", "Amina B. Begum"),
                ("email", "ab@example.org"),
                ("role", "harassment-officer"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("Someone else changed this user"));
    let theirs_at = res
        .body
        .find("The saved version now says")
        .expect("the saved version is shown");
    let theirs = &res.body[theirs_at..theirs_at + res.body[theirs_at..].find("</dl>").unwrap()];
    assert!(
        theirs.contains("Amina Khan"),
        "the other person's saved name is shown: {theirs}"
    );
    assert!(theirs.contains("Tenancy officer"));
    assert_eq!(
        res.input_value("display_name").as_deref(),
        Some("Amina B. Begum"),
        "the editor's own typing is kept"
    );
    assert_eq!(res.input_value("email").as_deref(), Some("ab@example.org"));
    assert!(
        res.body
            .contains("<option value=\"harassment-officer\" selected>")
    );
    assert_eq!(
        res.input_value("version").as_deref(),
        Some("2"),
        "the form now carries the current version"
    );

    let saved = user(&app, id).await;
    assert_eq!(
        saved.display_name, "Amina Khan",
        "the stale edit did not overwrite"
    );
    assert_eq!(saved.role, Role::TenancyOfficer);
    assert_eq!(saved.version, 2);

    // Having seen both, the second editor saves again on the current version.
    let res = second
        .post(
            &path,
            &[
                ("display_name", "Amina B. Begum"),
                ("email", "ab@example.org"),
                ("role", "harassment-officer"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let saved = user(&app, id).await;
    assert_eq!(saved.display_name, "Amina B. Begum");
    assert_eq!(saved.version, 3);
}

#[tokio::test]
async fn an_edit_without_a_version_is_refused_as_stale() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let id = app.create_user("amina", Role::TenancyOfficer).await;
    admin.get(&format!("/admin/users/{id}")).await;
    let res = admin
        .post(
            &format!("/admin/users/{id}"),
            &[("display_name", "Changed"), ("role", "tenancy-officer")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(user(&app, id).await.display_name, "amina Test");
}

#[tokio::test]
async fn an_invalid_edit_is_refused_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let id = app.create_user("amina", Role::TenancyOfficer).await;
    admin.get(&format!("/admin/users/{id}")).await;
    let res = admin
        .post(
            &format!("/admin/users/{id}"),
            &[
                ("display_name", ""),
                ("email", "amina at example"),
                ("role", "tenancy-officer"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("There is a problem"));
    assert_eq!(res.input_value("email").as_deref(), Some("amina at example"));
    let saved = user(&app, id).await;
    assert_eq!(saved.display_name, "amina Test");
    assert_eq!(saved.email, None);
    assert_eq!(saved.version, 1);
    assert_eq!(app.audit_count("user.updated").await, 0);
}

#[tokio::test]
async fn a_missing_user_is_not_found_and_a_malformed_id_is_a_bad_request() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    assert_eq!(admin.get("/admin/users/9999").await.status, StatusCode::NOT_FOUND);
    let res = admin
        .post(
            "/admin/users/9999",
            &[("display_name", "X"), ("role", "manager"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        admin.post("/admin/users/9999/deactivate", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_bad_request_page(&admin.get("/admin/users/abc").await, "GET /admin/users/abc");
    assert_bad_request_page(
        &admin.post("/admin/users/abc/unlock", &[]).await,
        "POST /admin/users/abc/unlock",
    );
}

// ---------------------------------------------------------------------------------------
// The last administrator, deactivation, reactivation, unlocking

#[tokio::test]
async fn the_only_active_administrator_cannot_be_demoted() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let me = the_admin(&app).await;
    let path = format!("/admin/users/{}", me.id);
    admin.get(&path).await;

    let res = admin
        .post(
            &path,
            &[
                ("display_name", &me.display_name),
                ("email", ""),
                ("role", "manager"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("This is the only active administrator"));
    let saved = user(&app, me.id).await;
    assert_eq!(saved.role, Role::Admin, "still an administrator");
    assert_eq!(saved.version, 1);
}

#[tokio::test]
async fn an_administrator_can_be_demoted_while_another_remains() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let other = app.create_user("second-admin", Role::Admin).await;
    let path = format!("/admin/users/{other}");
    admin.get(&path).await;
    let res = admin
        .post(
            &path,
            &[
                ("display_name", "Second Admin"),
                ("role", "manager"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(user(&app, other).await.role, Role::Manager);
}

#[tokio::test]
async fn an_administrator_cannot_deactivate_themselves() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let me = the_admin(&app).await;
    let path = format!("/admin/users/{}", me.id);
    admin.get(&path).await;

    let res = admin.post(&format!("{path}/deactivate"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), Some(path.as_str()));
    let page = admin.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "still signed in");
    assert!(
        page.body.contains("You cannot deactivate your own account."),
        "the reason is shown after the redirect"
    );
    assert!(user(&app, me.id).await.active, "still active");
    assert_eq!(app.audit_count("user.deactivated").await, 0);
}

#[tokio::test]
async fn the_only_active_administrator_stays_active_when_another_admin_is_deactivated() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let me = the_admin(&app).await;
    let other = app.create_user("second-admin", Role::Admin).await;
    admin.get(&format!("/admin/users/{other}")).await;
    let res = admin.post(&format!("/admin/users/{other}/deactivate"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        !user(&app, other).await.active,
        "with two administrators, one may be deactivated"
    );

    // Now the signed-in administrator is the only active one: still cannot go.
    admin.get(&format!("/admin/users/{}", me.id)).await;
    admin
        .post(&format!("/admin/users/{}/deactivate", me.id), &[])
        .await;
    assert!(user(&app, me.id).await.active);
    let res = admin.get(&format!("/admin/users/{}", me.id)).await;
    assert!(res.body.contains("You cannot deactivate your own account."));
    let res = admin
        .post(
            &format!("/admin/users/{}", me.id),
            &[
                ("display_name", "Me"),
                ("role", "tenancy-officer"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "and cannot be demoted"
    );
    assert_eq!(user(&app, me.id).await.role, Role::Admin);
}

#[tokio::test]
async fn deactivating_and_reactivating_controls_sign_in() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let id = app.create_user("amina", Role::TenancyOfficer).await;
    let path = format!("/admin/users/{id}");

    // The user page asks first: its Deactivate is a link to a page saying what happens.
    let page = admin.get(&path).await;
    assert!(
        page.body
            .contains(&format!(r#"href="{path}/deactivate">Deactivate</a>"#)),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(&format!(r#"action="{path}/deactivate""#)),
        "no one-click form"
    );
    let confirm = admin.get(&format!("{path}/deactivate")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.body.contains("Deactivate amina Test?"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("Their cases stay assigned to them"));
    assert!(user(&app, id).await.active, "asking changes nothing");
    let res = admin.post(&format!("{path}/deactivate"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = admin.get(&path).await;
    assert!(
        page.body
            .contains("amina is deactivated and has been signed out.")
    );
    assert!(page.body.contains("Reactivate"), "the page offers to reactivate");
    assert!(!user(&app, id).await.active);
    assert_eq!(
        app.client().login("amina", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "a deactivated user cannot sign in"
    );

    let res = admin.post(&format!("{path}/reactivate"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = admin.get(&path).await;
    assert!(page.body.contains("amina is active again."));
    let saved = user(&app, id).await;
    assert!(saved.active);
    assert_eq!(
        saved.version, 3,
        "deactivate and reactivate each bump the version"
    );
    assert_eq!(
        app.client().login("amina", PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "sign-in works again"
    );
    assert_eq!(app.audit_count("user.deactivated").await, 1);
    assert_eq!(app.audit_count("user.reactivated").await, 1);
}

#[tokio::test]
async fn unlocking_clears_a_lock_at_once() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let id = app.create_user("amina", Role::TenancyOfficer).await;
    let mut amina = app.client();
    for _ in 0..5 {
        amina.login("amina", "not the password at all").await;
    }
    assert!(
        user(&app, id).await.locked_until.is_some(),
        "five failures lock the account"
    );
    assert_eq!(
        amina.login("amina", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "locked: the right password is refused"
    );

    let path = format!("/admin/users/{id}");
    let page = admin.get(&path).await;
    assert!(page.body.contains("Locked until"));
    assert!(
        page.body.contains(&format!("action=\"{path}/unlock\"")),
        "an unlock button is offered"
    );
    let res = admin.post(&format!("{path}/unlock"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(admin.get(&path).await.body.contains("amina is unlocked."));

    let saved = user(&app, id).await;
    assert_eq!(saved.locked_until, None);
    assert_eq!(saved.failed_logins, 0);
    assert_eq!(app.audit_count("user.unlocked").await, 1);
    assert_eq!(
        amina.login("amina", PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "sign-in works without waiting"
    );
}

#[tokio::test]
async fn only_administrators_may_deactivate_or_unlock() {
    let app = TestApp::spawn().await;
    let id = app.create_user("amina", Role::TenancyOfficer).await;
    let mut manager = app.signed_in(Role::Manager).await;
    for action in ["deactivate", "unlock", "reset-password"] {
        let res = manager.post(&format!("/admin/users/{id}/{action}"), &[]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{action}");
    }
    let saved = user(&app, id).await;
    assert!(saved.active);
    assert_eq!(saved.version, 1);
}

// ---------------------------------------------------------------------------------------
// The user list

fn listed(res: &Res, display_name: &str) -> bool {
    res.body.contains(&format!("\">{display_name}</a></td>"))
}

#[tokio::test]
async fn the_user_list_filters_by_role() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    app.create_user("tina", Role::TenancyOfficer).await;
    app.create_user("harry", Role::HarassmentOfficer).await;
    app.create_user("morgan", Role::Manager).await;

    let all = admin.get("/admin/users").await;
    assert!(listed(&all, "tina Test") && listed(&all, "harry Test") && listed(&all, "morgan Test"));

    let res = admin.get("/admin/users?role=harassment-officer").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(listed(&res, "harry Test"));
    assert!(!listed(&res, "tina Test"));
    assert!(!listed(&res, "morgan Test"));
    assert!(
        res.body
            .contains("<option value=\"harassment-officer\" selected>"),
        "the filter stays chosen"
    );

    let res = admin.get("/admin/users?role=nonsense").await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "an unknown role filter is ignored, not an error"
    );
    assert!(listed(&res, "tina Test"));
}

#[tokio::test]
async fn the_user_list_filters_by_name_or_username() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    app.create_user("tina", Role::TenancyOfficer).await;
    let harry = app.create_user("harry", Role::HarassmentOfficer).await;
    app.exec(&format!(
        "UPDATE users SET display_name = 'Harold Zebedee' WHERE id = {harry}"
    ))
    .await;

    let res = admin.get("/admin/users?q=TIN").await;
    assert!(listed(&res, "tina Test"), "username matches ignoring case");
    assert!(!listed(&res, "Harold Zebedee"));

    let res = admin.get("/admin/users?q=zebedee").await;
    assert!(
        listed(&res, "Harold Zebedee"),
        "display name matches ignoring case"
    );
    assert!(!listed(&res, "tina Test"));
    assert_eq!(
        res.input_value("q").as_deref(),
        Some("zebedee"),
        "the query stays in the box"
    );

    let res = admin.get("/admin/users?q=nobody-like-this").await;
    assert!(res.body.contains("No users match."));
}

#[tokio::test]
async fn a_name_query_with_an_underscore_finds_that_user() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    app.create_user("john_smith", Role::TenancyOfficer).await;
    app.create_user("johnxsmith", Role::TenancyOfficer).await;
    let res = admin.get("/admin/users?q=john_smith").await;
    assert!(
        listed(&res, "john_smith Test"),
        "usernames may contain underscores, so searching for one must find it"
    );
    assert!(
        !listed(&res, "johnxsmith Test"),
        "an underscore in the query is not a wildcard"
    );
}

#[tokio::test]
async fn the_user_list_shows_deactivated_users_only_when_asked() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    app.create_user("stayer", Role::TenancyOfficer).await;
    let leaver = app.create_user("leaver", Role::TenancyOfficer).await;
    app.exec(&format!("UPDATE users SET active = false WHERE id = {leaver}"))
        .await;

    let active = admin.get("/admin/users").await;
    assert!(listed(&active, "stayer Test"));
    assert!(
        !listed(&active, "leaver Test"),
        "the default list shows active users"
    );

    let deactivated = admin.get("/admin/users?status=deactivated").await;
    assert!(listed(&deactivated, "leaver Test"));
    assert!(!listed(&deactivated, "stayer Test"), "only deactivated users");
    assert!(deactivated.body.contains("Deactivated</strong>"));

    let all = admin.get("/admin/users?status=all").await;
    assert!(listed(&all, "leaver Test") && listed(&all, "stayer Test"));
}

/// `n` more active tenancy officers, cheaply: one real account, then copies of its row.
async fn many_users(app: &TestApp, n: usize) {
    let seed = app.create_user("bulk-00", Role::TenancyOfficer).await;
    for i in 1..n {
        app.exec(&format!(
            "INSERT INTO users (username, username_key, display_name, email, role, active, password_hash, must_change_password, \
             failed_logins, locked_until, last_login_at, created_at, updated_at, version) \
             SELECT 'bulk-{i:02}', 'bulk-{i:02}', 'bulk-{i:02} Test', email, role, active, password_hash, must_change_password, \
             failed_logins, locked_until, last_login_at, created_at, updated_at, version FROM users WHERE id = {seed}"
        ))
        .await;
    }
}

fn user_links(res: &Res) -> Vec<String> {
    res.body
        .split("data-label=\"Name\" role=\"cell\"><a href=\"/admin/users/")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn the_user_list_is_paged_fifty_at_a_time() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    many_users(&app, 55).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 56);

    let first = admin.get("/admin/users").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("Showing 1 to 50 of 56"), "{}", first.body);
    assert!(first.body.contains("href=\"/admin/users?page=2\""), "a Next link");
    assert!(
        !first.body.contains("rel=\"prev\""),
        "no Previous link on the first page"
    );
    assert_eq!(user_links(&first).len(), 50);

    let second = admin.get("/admin/users?page=2").await;
    assert!(second.body.contains("Showing 51 to 56 of 56"));
    assert!(
        second
            .body
            .contains("href=\"/admin/users?page=1\" rel=\"prev\">Previous"),
        "a Previous link"
    );
    assert!(
        !second.body.contains("rel=\"next\""),
        "no Next link on the last page"
    );
    let mut ids = user_links(&first);
    ids.extend(user_links(&second));
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 56, "the two pages show every user exactly once");

    let beyond = admin.get("/admin/users?page=99").await;
    assert!(
        beyond.body.contains("Showing 51 to 56 of 56"),
        "a page past the end shows the last page"
    );

    let filtered = admin.get("/admin/users?role=tenancy-officer&page=2").await;
    assert!(filtered.body.contains("Showing 51 to 55 of 55"));
    assert!(
        filtered
            .body
            .contains("href=\"/admin/users?role=tenancy-officer&amp;page=1\""),
        "page links keep the filters"
    );
}

// ---------------------------------------------------------------------------------------
// Areas

#[tokio::test]
async fn an_administrator_adds_an_area() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    admin.get("/admin/areas").await;
    let res = admin.post("/admin/areas", &[("name", "  Riverside  ")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/admin/areas"));

    let area = area_named(&app, "riverside").await.expect("saved");
    assert_eq!(area.name, "Riverside", "surrounding spaces are trimmed");
    assert!(!area.retired);
    let page = admin.get("/admin/areas").await;
    assert!(page.body.contains("Area Riverside added."));
    assert!(
        page.body
            .contains(r#"<td class="table__cell" data-label="Name" role="cell">Riverside</td>"#)
    );
    assert_eq!(app.audit_count("area.created").await, 1);
}

#[tokio::test]
async fn an_empty_area_name_is_refused() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    admin.get("/admin/areas").await;
    let res = admin.post("/admin/areas", &[("name", "   ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("There is a problem"));
    assert!(res.body.contains("Enter the area"));
    assert_eq!(app.count("SELECT COUNT(*) FROM areas").await, 0);

    let long = "y".repeat(81);
    let res = admin.post("/admin/areas", &[("name", &long)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("80 characters or fewer"));
    assert_eq!(
        res.input_value("name").as_deref(),
        Some(long.as_str()),
        "the typed name is kept"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM areas").await, 0);
    assert_eq!(app.audit_count("area.created").await, 0);
}

#[tokio::test]
async fn an_area_name_that_exists_ignoring_case_is_refused() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    add_area(&app, &mut admin, "Riverside").await;
    let res = admin.post("/admin/areas", &[("name", "RIVERSIDE")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("An area with that name already exists"));
    assert_eq!(res.input_value("name").as_deref(), Some("RIVERSIDE"));
    assert_eq!(app.count("SELECT COUNT(*) FROM areas").await, 1);
    assert_eq!(app.audit_count("area.created").await, 1);

    // The failed insert must not break later work.
    add_area(&app, &mut admin, "Hillside").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM areas").await, 2);
}

#[tokio::test]
async fn an_area_is_renamed() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let id = add_area(&app, &mut admin, "Riverside").await;
    let path = format!("/admin/areas/{id}");
    let page = admin.get(&path).await;
    assert_eq!(page.input_value("name").as_deref(), Some("Riverside"));

    let res = admin.post(&path, &[("name", "Riverside East")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(area_named(&app, "riverside east").await.map(|a| a.id), Some(id));
    assert!(
        admin
            .get("/admin/areas")
            .await
            .body
            .contains("Area renamed to Riverside East.")
    );
    assert_eq!(app.audit_count("area.renamed").await, 1);

    // Changing only the case of its own name is allowed.
    admin.get(&path).await;
    let res = admin.post(&path, &[("name", "RIVERSIDE EAST")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        area_named(&app, "riverside east").await.unwrap().name,
        "RIVERSIDE EAST"
    );
}

#[tokio::test]
async fn renaming_an_area_to_an_empty_or_taken_name_is_refused() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let id = add_area(&app, &mut admin, "Riverside").await;
    add_area(&app, &mut admin, "Hillside").await;
    let path = format!("/admin/areas/{id}");
    admin.get(&path).await;

    let res = admin.post(&path, &[("name", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Enter the area"));

    let res = admin.post(&path, &[("name", "hillside")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("An area with that name already exists"));
    assert_eq!(
        res.input_value("name").as_deref(),
        Some("hillside"),
        "the typed name is kept"
    );

    let saved = areas::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(saved.name, "Riverside", "the name is unchanged");
    assert_eq!(app.audit_count("area.renamed").await, 0);
}

#[tokio::test]
async fn an_area_is_retired_and_reinstated() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let id = add_area(&app, &mut admin, "Riverside").await;
    let path = format!("/admin/areas/{id}");
    admin.get(&path).await;

    let res = admin.post(&format!("{path}/retire"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        areas::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .retired
    );
    assert!(
        admin
            .get("/admin/areas")
            .await
            .body
            .contains("Retired area Riverside.")
    );
    assert!(
        !admin.get("/admin/users/new").await.body.contains("Riverside"),
        "a retired area is not offered for new staff"
    );

    // Retiring again changes nothing and records nothing.
    admin.post(&format!("{path}/retire"), &[]).await;
    assert_eq!(app.audit_count("area.retired").await, 1);

    let res = admin.post(&format!("{path}/reinstate"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        !areas::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .retired
    );
    assert_eq!(app.audit_count("area.reinstated").await, 1);
    assert!(
        admin.get("/admin/users/new").await.body.contains("Riverside"),
        "a reinstated area is offered again"
    );
}

#[tokio::test]
async fn a_missing_area_is_not_found() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    assert_eq!(admin.get("/admin/areas/9999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        admin
            .post("/admin/areas/9999", &[("name", "Anything")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.post("/admin/areas/9999/retire", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.post("/admin/areas/9999/reinstate", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM areas").await, 0);
}

#[tokio::test]
async fn a_malformed_area_id_is_a_bad_request_page_not_a_server_error() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    assert_bad_request_page(&admin.get("/admin/areas/abc").await, "GET /admin/areas/abc");
    assert_bad_request_page(
        &admin.post("/admin/areas/abc", &[("name", "X")]).await,
        "POST /admin/areas/abc",
    );
    assert_bad_request_page(
        &admin.post("/admin/areas/abc/retire", &[]).await,
        "POST /admin/areas/abc/retire",
    );
    assert_bad_request_page(
        &admin.get("/admin/areas/99999999999").await,
        "an id too large for the column",
    );
}

#[tokio::test]
async fn only_administrators_may_manage_areas() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let id = add_area(&app, &mut admin, "Riverside").await;
    let mut manager = app.signed_in(Role::Manager).await;
    assert_eq!(manager.get("/admin/areas").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        manager.post("/admin/areas", &[("name", "Sneaky")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        manager
            .post(&format!("/admin/areas/{id}"), &[("name", "Sneaky")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        manager
            .post(&format!("/admin/areas/{id}/retire"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let area = areas::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(area.name, "Riverside");
    assert!(!area.retired);
    assert_eq!(app.count("SELECT COUNT(*) FROM areas").await, 1);
}

#[tokio::test]
async fn a_retired_area_cannot_be_given_but_can_be_kept() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let north = add_area(&app, &mut admin, "North").await;
    let south = add_area(&app, &mut admin, "South").await;
    let id = app.create_user("amina", Role::TenancyOfficer).await;
    app.exec(&format!(
        "INSERT INTO user_areas (user_id, area_id) VALUES ({id}, {north})"
    ))
    .await;
    app.exec(&format!(
        "UPDATE areas SET retired = true WHERE id IN ({north}, {south})"
    ))
    .await;

    // A crafted post giving a new user a retired area is refused.
    admin.get("/admin/users/new").await;
    let res = admin
        .post(
            "/admin/users",
            &[
                ("username", "newbie"),
                ("display_name", "New Bie"),
                ("role", "tenancy-officer"),
                ("area", &south.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(user_named(&app, "newbie").await.is_none());

    // An existing user keeps the retired area they already had, but cannot gain another.
    let form = admin.get(&format!("/admin/users/{id}")).await;
    let version = form.input_value("version").unwrap();
    let keep = [
        ("display_name", "amina Test"),
        ("role", "tenancy-officer"),
        ("area", &north.to_string()),
        ("version", &version),
    ];
    let res = admin.post(&format!("/admin/users/{id}"), &keep).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let form = admin.get(&format!("/admin/users/{id}")).await;
    let version = form.input_value("version").unwrap();
    let gain = [
        ("display_name", "amina Test"),
        ("role", "tenancy-officer"),
        ("area", &north.to_string()),
        ("area", &south.to_string()),
        ("version", &version),
    ];
    let res = admin.post(&format!("/admin/users/{id}"), &gain).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}
