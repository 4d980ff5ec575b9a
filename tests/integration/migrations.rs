//! Migrations: idempotent, and safe when several instances start at once.

use crate::common::TestDb;
use sea_orm::{ConnectionTrait, Statement};

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let test_db = TestDb::new().await;
    let db = harbour::db::connect(&test_db.url).await.unwrap();
    harbour::migrate(&db).await.unwrap();
    harbour::migrate(&db).await.unwrap();
    db.close().await.ok();
}

/// Instances starting together on one PostgreSQL: the advisory lock makes them take turns.
#[tokio::test]
async fn instances_starting_together_do_not_race_on_postgres() {
    let test_db = TestDb::new().await;
    if !test_db.is_postgres() {
        eprintln!("SKIPPED on SQLite: one embedded database has one Harbour instance");
        return;
    }
    let mut tasks = vec![];
    for _ in 0..4 {
        let url = test_db.url.clone();
        tasks.push(tokio::spawn(async move {
            let db = harbour::db::connect(&url).await.unwrap();
            let result = harbour::migrate(&db).await;
            db.close().await.ok();
            result
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("every instance starts");
    }
    let db = harbour::db::connect(&test_db.url).await.unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM seaql_migrations".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get_by_index::<i64>(0).unwrap(),
        <migration::Migrator as migration::MigratorTrait>::migrations().len() as i64,
        "each migration recorded once"
    );
    db.close().await.ok();
}

/// Police involvement became answerable as "not known": reports imported before (the
/// template has no police column, and "no" was stored) become not known; reports logged
/// on the form keep their answer.
#[tokio::test]
async fn imported_reports_become_not_known_for_police_involvement() {
    use crate::fixtures::{self, CaseSpec};
    use migration::MigratorTrait;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = crate::common::TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let officer = app.create_user("tess", entity::Role::Manager).await;
    let logged = fixtures::case(&app, CaseSpec::new(officer, area)).await;
    let imported = fixtures::case(&app, CaseSpec::new(officer, area)).await;
    let import = entity::imports::ActiveModel {
        file_name: Set("history.csv".to_owned()),
        content: Set(vec![]),
        uploaded_by: Set(officer),
        uploaded_at: Set(app.now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    app.exec(&format!(
        "UPDATE cases SET import_id = {} WHERE id = {}",
        import.id, imported.id
    ))
    .await;
    app.exec(
        "UPDATE incidents SET created_at = (SELECT opened_at FROM cases WHERE cases.id = incidents.case_id)",
    )
    .await;
    // Back to before the people migration, however many have landed since.
    let since = migration::Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name() == "m20261206_000007_people")
        .expect("the people migration")
        + 1;
    migration::Migrator::down(&app.db, Some(since as u32))
        .await
        .unwrap();
    migration::Migrator::up(&app.db, None).await.unwrap();
    let known =
        |case: i32| format!("SELECT COUNT(*) FROM incidents WHERE case_id = {case} AND police_known = TRUE");
    assert_eq!(app.count(&known(logged.id)).await, 1);
    assert_eq!(app.count(&known(imported.id)).await, 0);
}

/// Harbour's PostgreSQL connections never JIT-compile: compiling a report's statement took
/// longer than running it (docs/PERFORMANCE.md).
#[tokio::test]
async fn postgres_connections_run_without_jit() {
    let test_db = TestDb::new().await;
    if !test_db.is_postgres() {
        eprintln!("SKIPPED on SQLite: it has no JIT");
        return;
    }
    let db = harbour::db::connect(&test_db.url).await.unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT current_setting('jit')".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "off");
    db.close().await.ok();
}
