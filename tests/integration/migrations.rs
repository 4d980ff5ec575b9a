//! Migrations: idempotent, and safe when several instances start at once.

use crate::common::TestDb;
use sea_orm::{ConnectionTrait, Statement};

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let test_db = TestDb::new().await;
    let db = harbour::db::connect(&test_db.url).await.unwrap();
    harbour::db::migrate(&db).await.unwrap();
    harbour::db::migrate(&db).await.unwrap();
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
            let result = harbour::db::migrate(&db).await;
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
