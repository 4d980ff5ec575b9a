//! The operator's command line, run as the real binary: migrate, create-user, audit verify,
//! and the help text.

use crate::common::{TestDb, run_cli};
use entity::{areas, users};
use harbour::auth::password;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Statement};
use std::process::Output;

const GOOD_PASSWORD: &str = "harbour lights at dusk";

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_success(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what} should succeed: status {:?}\nstdout: {}\nstderr: {}",
        o.status,
        stdout(o),
        stderr(o)
    );
}

fn assert_failure(o: &Output, what: &str) {
    assert!(
        !o.status.success(),
        "{what} should fail\nstdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
}

async fn connect(db: &TestDb) -> DatabaseConnection {
    harbour::db::connect(&db.url).await.expect("connect")
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn find_user(db: &DatabaseConnection, username: &str) -> Option<users::Model> {
    users::Entity::find()
        .filter(users::Column::UsernameKey.eq(username.to_lowercase()))
        .one(db)
        .await
        .unwrap()
}

fn create_user(db: &TestDb, args: &[&str], password: &str) -> Output {
    let mut all = vec!["create-user", "--password-stdin"];
    all.extend_from_slice(args);
    run_cli(&all, &db.url, &format!("{password}\n"))
}

#[tokio::test]
async fn migrate_runs_and_can_run_again() {
    let test_db = TestDb::new().await;
    let out = run_cli(&["migrate"], &test_db.url, "");
    assert_success(&out, "migrate");
    assert!(
        stdout(&out).contains("Migrations are up to date"),
        "{}",
        stdout(&out)
    );
    assert_success(&run_cli(&["migrate"], &test_db.url, ""), "a second migrate");

    let db = connect(&test_db).await;
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM users").await,
        0,
        "the tables exist and are empty"
    );
    db.close().await.ok();
}

#[tokio::test]
async fn create_user_makes_an_account_that_signs_in_with_the_password_given() {
    let test_db = TestDb::new().await;
    assert_success(&run_cli(&["migrate"], &test_db.url, ""), "migrate");
    let out = create_user(
        &test_db,
        &[
            "--username",
            "Amina",
            "--role",
            "manager",
            "--display-name",
            "Amina Begum",
            "--email",
            "amina@example.org",
        ],
        GOOD_PASSWORD,
    );
    assert_success(&out, "create-user");
    assert!(
        stdout(&out).contains("Created manager \"Amina\""),
        "{}",
        stdout(&out)
    );
    assert!(
        !stdout(&out).contains(GOOD_PASSWORD) && !stderr(&out).contains(GOOD_PASSWORD),
        "the password is never printed"
    );

    let db = connect(&test_db).await;
    let user = find_user(&db, "amina").await.expect("the user was saved");
    assert_eq!(user.username, "Amina");
    assert_eq!(user.display_name, "Amina Begum");
    assert_eq!(user.email.as_deref(), Some("amina@example.org"));
    assert_eq!(user.role, entity::Role::Manager);
    assert!(user.active);
    assert!(
        !user.must_change_password,
        "the operator chose the password: no forced change"
    );
    assert!(!user.password_hash.contains(GOOD_PASSWORD));
    assert!(
        password::verify(GOOD_PASSWORD.into(), user.password_hash.clone())
            .await
            .unwrap(),
        "the stored hash matches the password from standard input"
    );
    assert!(
        !password::verify(format!("{GOOD_PASSWORD}\n"), user.password_hash.clone())
            .await
            .unwrap(),
        "the line ending is not part of the password"
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'user.created' AND actor_name = 'cli'"
        )
        .await,
        1
    );
    db.close().await.ok();
}

#[tokio::test]
async fn create_user_migrates_a_new_database_itself() {
    let test_db = TestDb::new().await;
    let out = create_user(
        &test_db,
        &["--username", "amina", "--role", "admin"],
        GOOD_PASSWORD,
    );
    assert_success(&out, "create-user on an empty database");
    let db = connect(&test_db).await;
    assert_eq!(
        find_user(&db, "amina").await.map(|u| u.role),
        Some(entity::Role::Admin)
    );
    assert!(
        find_user(&db, "amina").await.unwrap().display_name == "amina",
        "the display name defaults to the username"
    );
    db.close().await.ok();
}

#[tokio::test]
async fn create_user_accepts_a_windows_line_ending() {
    let test_db = TestDb::new().await;
    let out = run_cli(
        &[
            "create-user",
            "--password-stdin",
            "--username",
            "amina",
            "--role",
            "manager",
        ],
        &test_db.url,
        &format!("{GOOD_PASSWORD}\r\n"),
    );
    assert_success(&out, "create-user");
    let db = connect(&test_db).await;
    let user = find_user(&db, "amina").await.unwrap();
    assert!(
        password::verify(GOOD_PASSWORD.into(), user.password_hash)
            .await
            .unwrap()
    );
    db.close().await.ok();
}

#[tokio::test]
async fn a_duplicate_username_in_any_case_is_refused() {
    let test_db = TestDb::new().await;
    assert_success(
        &create_user(
            &test_db,
            &["--username", "amina", "--role", "manager"],
            GOOD_PASSWORD,
        ),
        "first create-user",
    );
    let out = create_user(
        &test_db,
        &["--username", "AMINA", "--role", "admin"],
        "another long passphrase",
    );
    assert_failure(&out, "a duplicate create-user");
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));

    let db = connect(&test_db).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 1);
    let user = find_user(&db, "amina").await.unwrap();
    assert_eq!(
        user.role,
        entity::Role::Manager,
        "the existing account is untouched"
    );
    assert!(
        password::verify(GOOD_PASSWORD.into(), user.password_hash)
            .await
            .unwrap()
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM audit_events").await,
        1,
        "no audit row for the refused attempt"
    );
    db.close().await.ok();
}

#[tokio::test]
async fn an_unknown_role_is_refused_naming_the_valid_roles() {
    let test_db = TestDb::new().await;
    assert_success(&run_cli(&["migrate"], &test_db.url, ""), "migrate");
    let out = create_user(
        &test_db,
        &["--username", "amina", "--role", "superuser"],
        GOOD_PASSWORD,
    );
    assert_failure(&out, "an unknown role");
    let err = stderr(&out);
    for role in ["tenancy-officer", "harassment-officer", "manager", "admin"] {
        assert!(err.contains(role), "stderr names {role}: {err}");
    }
    let db = connect(&test_db).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 0);
    db.close().await.ok();
}

#[tokio::test]
async fn a_weak_password_is_refused() {
    let test_db = TestDb::new().await;
    assert_success(&run_cli(&["migrate"], &test_db.url, ""), "migrate");

    let out = create_user(&test_db, &["--username", "amina", "--role", "manager"], "short");
    assert_failure(&out, "a short password");
    assert!(stderr(&out).contains("12 characters"), "{}", stderr(&out));

    let out = create_user(&test_db, &["--username", "amina", "--role", "manager"], "");
    assert_failure(&out, "an empty password");
    assert!(stderr(&out).contains("12 characters"), "{}", stderr(&out));

    let out = create_user(
        &test_db,
        &["--username", "amina", "--role", "manager"],
        "password1234",
    );
    assert_failure(&out, "a common password");
    assert!(stderr(&out).contains("too commonly used"), "{}", stderr(&out));

    let db = connect(&test_db).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 0);
    db.close().await.ok();
}

#[tokio::test]
async fn a_password_equal_to_the_username_is_refused() {
    let test_db = TestDb::new().await;
    assert_success(&run_cli(&["migrate"], &test_db.url, ""), "migrate");
    let out = create_user(
        &test_db,
        &["--username", "amina.begum.long", "--role", "manager"],
        "Amina.Begum.Long",
    );
    assert_failure(&out, "password = username");
    assert!(stderr(&out).contains("username"), "{}", stderr(&out));
    let db = connect(&test_db).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 0);
    db.close().await.ok();
}

#[tokio::test]
async fn an_invalid_username_or_email_is_refused() {
    let test_db = TestDb::new().await;
    assert_success(&run_cli(&["migrate"], &test_db.url, ""), "migrate");
    let out = create_user(
        &test_db,
        &["--username", "a b", "--role", "manager"],
        GOOD_PASSWORD,
    );
    assert_failure(&out, "a username with a space");
    assert!(
        stderr(&out).contains("Username can only contain"),
        "{}",
        stderr(&out)
    );
    let out = create_user(
        &test_db,
        &[
            "--username",
            "amina",
            "--role",
            "manager",
            "--email",
            "not-an-email",
        ],
        GOOD_PASSWORD,
    );
    assert_failure(&out, "a bad email");
    assert!(stderr(&out).contains("email address"), "{}", stderr(&out));
    let db = connect(&test_db).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 0);
    db.close().await.ok();
}

#[tokio::test]
async fn create_user_refuses_to_run_without_password_stdin() {
    let test_db = TestDb::new().await;
    // Nothing on standard input: clap exits before reading it, and writing to a closed
    // pipe would fail the harness instead of the test.
    let out = run_cli(
        &["create-user", "--username", "amina", "--role", "manager"],
        &test_db.url,
        "",
    );
    assert_failure(&out, "create-user without --password-stdin");
    assert!(stderr(&out).contains("--password-stdin"), "{}", stderr(&out));
}

#[tokio::test]
async fn areas_given_on_the_command_line_are_created_and_linked() {
    let test_db = TestDb::new().await;
    let out = create_user(
        &test_db,
        &[
            "--username",
            "tina",
            "--role",
            "tenancy-officer",
            "--area",
            "North",
            "--area",
            "South",
            "--create-area",
        ],
        GOOD_PASSWORD,
    );
    assert_success(&out, "create-user with areas");
    assert!(
        stdout(&out).contains("Created area \"North\"") && stdout(&out).contains("Created area \"South\""),
        "{}",
        stdout(&out)
    );

    let db = connect(&test_db).await;
    let tina = find_user(&db, "tina").await.unwrap();
    let mut names: Vec<String> = areas::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    names.sort();
    assert_eq!(names, ["North", "South"]);
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM user_areas WHERE user_id = {}", tina.id)
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'area.created' AND actor_name = 'cli'"
        )
        .await,
        2,
        "every area created is audited"
    );

    // An existing area is reused, whatever its case.
    let out = create_user(
        &test_db,
        &[
            "--username",
            "terry",
            "--role",
            "tenancy-officer",
            "--area",
            "north",
        ],
        GOOD_PASSWORD,
    );
    assert_success(&out, "create-user with an existing area");
    assert!(!stdout(&out).contains("Created area"), "{}", stdout(&out));
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM areas").await,
        2,
        "no second North"
    );
    // A mistyped area is refused (with the areas there are), and nothing is created.
    let out = create_user(
        &test_db,
        &["--username", "tom", "--role", "tenancy-officer", "--area", "Nrth"],
        GOOD_PASSWORD,
    );
    assert_failure(&out, "create-user with a mistyped area");
    assert!(
        stderr(&out).contains("no area called \"Nrth\" (areas: North, South)"),
        "{}",
        stderr(&out)
    );
    assert!(find_user(&db, "tom").await.is_none());
    assert_eq!(count(&db, "SELECT COUNT(*) FROM areas").await, 2);
    let terry = find_user(&db, "terry").await.unwrap();
    let north = areas::Entity::find()
        .filter(areas::Column::NameKey.eq("north"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM user_areas WHERE user_id = {} AND area_id = {}",
                terry.id, north.id
            )
        )
        .await,
        1
    );
    db.close().await.ok();
}

#[tokio::test]
async fn an_area_given_twice_is_linked_once() {
    let test_db = TestDb::new().await;
    let out = create_user(
        &test_db,
        &[
            "--username",
            "tina",
            "--role",
            "tenancy-officer",
            "--area",
            "North",
            "--area",
            "north",
            "--create-area",
        ],
        GOOD_PASSWORD,
    );
    assert_success(&out, "create-user naming one area twice");
    let db = connect(&test_db).await;
    let tina = find_user(&db, "tina").await.expect("the user was created");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM areas").await, 1);
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM user_areas WHERE user_id = {}", tina.id)
        )
        .await,
        1
    );
    db.close().await.ok();
}

#[tokio::test]
async fn a_bad_area_name_leaves_nothing_behind() {
    let test_db = TestDb::new().await;
    let long = "z".repeat(81);
    let out = create_user(
        &test_db,
        &[
            "--username",
            "tina",
            "--role",
            "tenancy-officer",
            "--area",
            "North",
            "--area",
            &long,
            "--create-area",
        ],
        GOOD_PASSWORD,
    );
    assert_failure(&out, "an area name too long");
    assert!(stderr(&out).contains("80 characters"), "{}", stderr(&out));
    let db = connect(&test_db).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 0);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM areas").await,
        0,
        "the area created before the error is rolled back"
    );
    db.close().await.ok();
}

#[tokio::test]
async fn audit_verify_reports_an_intact_trail() {
    let test_db = TestDb::new().await;
    three_audited_users(&test_db);
    let out = run_cli(&["audit", "verify"], &test_db.url, "");
    assert_success(&out, "audit verify");
    assert!(stdout(&out).contains("intact"), "{}", stdout(&out));
    assert!(stdout(&out).contains("3 events"), "{}", stdout(&out));
}

#[tokio::test]
async fn audit_verify_exits_2_naming_the_tampered_event() {
    let test_db = TestDb::new().await;
    three_audited_users(&test_db);
    let db = connect(&test_db).await;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE audit_events SET actor_name = 'someone else' WHERE id = 2".to_owned(),
    ))
    .await
    .unwrap();
    db.close().await.ok();

    let out = run_cli(&["audit", "verify"], &test_db.url, "");
    assert_eq!(
        out.status.code(),
        Some(2),
        "tampering exits 2\nstdout: {}\nstderr: {}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stderr(&out).contains("event 2"), "{}", stderr(&out));
    assert!(!stdout(&out).contains("intact"));
}

#[tokio::test]
async fn audit_verify_detects_a_deleted_event() {
    let test_db = TestDb::new().await;
    three_audited_users(&test_db);
    let db = connect(&test_db).await;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "DELETE FROM audit_events WHERE id = 2".to_owned(),
    ))
    .await
    .unwrap();
    db.close().await.ok();
    let out = run_cli(&["audit", "verify"], &test_db.url, "");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("event 2"), "{}", stderr(&out));
}

#[tokio::test]
async fn help_lists_the_settings_and_their_environment_variables() {
    let out = run_cli(&["--help"], "sqlite::memory:", "");
    assert_success(&out, "--help");
    let help = stdout(&out);
    for var in [
        "HARBOUR_BIND",
        "DATABASE_URL",
        "HARBOUR_PUBLIC_URL",
        "HARBOUR_IDLE_TIMEOUT_MINUTES",
        "HARBOUR_CLIENT_IP_HEADER",
    ] {
        assert!(help.contains(var), "--help mentions {var}:\n{help}");
    }
    for command in ["serve", "migrate", "create-user", "audit"] {
        assert!(help.contains(command), "--help lists {command}");
    }

    let out = run_cli(&["serve", "--help"], "sqlite::memory:", "");
    assert_success(&out, "serve --help");
    for var in ["HARBOUR_BIND", "DATABASE_URL", "HARBOUR_PUBLIC_URL"] {
        assert!(stdout(&out).contains(var), "serve --help mentions {var}");
    }
}

#[tokio::test]
async fn an_unknown_command_fails_with_usage() {
    let out = run_cli(&["frobnicate"], "sqlite::memory:", "");
    assert_failure(&out, "an unknown command");
    assert!(stderr(&out).contains("Usage"), "{}", stderr(&out));
}

/// Three accounts made with create-user: three audit events to verify or tamper with.
fn three_audited_users(test_db: &TestDb) {
    for name in ["amina", "tina", "harry"] {
        let out = create_user(test_db, &["--username", name, "--role", "manager"], GOOD_PASSWORD);
        assert_success(&out, "create-user");
    }
}

#[tokio::test]
async fn serve_stops_on_sigterm_giving_up_the_reminder_lease() {
    let db = TestDb::new().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_harbour"))
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--job-instance",
            "first",
        ])
        .env("DATABASE_URL", &db.url)
        .env("HARBOUR_LOG", "error")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let conn = connect(&db).await;
    let held = "SELECT COUNT(*) FROM job_leases WHERE holder = 'first'";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if conn
            .query_one_raw(Statement::from_string(
                conn.get_database_backend(),
                held.to_owned(),
            ))
            .await
            .ok()
            .flatten()
            .is_some_and(|r| r.try_get_by_index::<i64>(0).unwrap_or(0) == 1)
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(count(&conn, held).await, 1, "the instance took the lease");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "a clean stop: {status:?}");
    assert_eq!(count(&conn, held).await, 0, "the lease was given up");
}

#[tokio::test]
async fn backup_copies_a_sqlite_database_while_it_is_written_and_the_copy_verifies() {
    let app = crate::common::TestApp::spawn().await;
    if app.test_db.is_postgres() {
        // PostgreSQL is backed up with pg_dump; the command says so.
        let out = run_cli(&["backup", "--to", "/tmp/harbour-pg.db"], &app.test_db.url, "");
        assert_failure(&out, "backup of PostgreSQL");
        assert!(stderr(&out).contains("pg_dump"), "{}", stderr(&out));
        return;
    }
    // Writes go on while the copy is made.
    let mut admin = app.signed_in(entity::Role::Admin).await;
    let writer = tokio::spawn(async move {
        for i in 0..40 {
            admin
                .post("/admin/areas", &[("name", &format!("Area {i}"))])
                .await;
        }
    });
    let dir = std::env::temp_dir().join(format!("harbour-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let to = dir.join(format!(
        "copy-{port}.db",
        port = app.base.rsplit(':').next().unwrap()
    ));
    let _ = std::fs::remove_file(&to);
    let out = run_cli(&["backup", "--to", to.to_str().unwrap()], &app.test_db.url, "");
    assert_success(&out, "backup");
    writer.await.unwrap();
    // The copy is a whole database: it opens, its audit chain holds, it has the accounts.
    let url = format!("sqlite://{}?mode=rwc", to.display());
    let out = run_cli(&["audit", "verify"], &url, "");
    assert_success(&out, "audit verify of the copy");
    let copy = harbour::db::connect(&url).await.unwrap();
    assert!(count(&copy, "SELECT COUNT(*) FROM users").await >= 1);
    // It never overwrites.
    let out = run_cli(&["backup", "--to", to.to_str().unwrap()], &app.test_db.url, "");
    assert_failure(&out, "backup onto an existing file");
    assert!(stderr(&out).contains("exists already"));
    std::fs::remove_dir_all(&dir).ok();
}
