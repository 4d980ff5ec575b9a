//! Several instances on one PostgreSQL database, as deployed behind a load balancer with
//! no sticky sessions: two real `harbour serve` processes share sessions, sign-out,
//! reference numbering and the once-a-day reminder run. PostgreSQL only (SQLite is one
//! process's embedded database).

use crate::{
    cases_intake::report,
    common::{Client, PASSWORD, TestDb, run_cli},
    serving::start,
};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::time::{Duration, Instant};

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

#[tokio::test]
async fn two_instances_share_sessions_numbering_and_the_daily_reminders() {
    let db = TestDb::new().await;
    if !db.is_postgres() {
        println!("SKIPPED: several instances are a PostgreSQL deployment");
        return;
    }
    // Both start together on a new database: migrations run once, one after the other.
    let (a, b) = (start(&db, "a"), start(&db, "b"));
    a.wait_healthy().await;
    b.wait_healthy().await;
    let out = run_cli(
        &[
            "create-user",
            "--username",
            "tess",
            "--role",
            "harassment-officer",
        ]
        .iter()
        .chain(&["--area", "North", "--create-area", "--password-stdin"])
        .copied()
        .collect::<Vec<_>>(),
        &db.url,
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let conn = harbour::db::connect(&db.url).await.unwrap();
    let area = count(&conn, "SELECT CAST(MIN(id) AS BIGINT) FROM areas").await as i32;

    // Signed in on one, signed in on the other (one cookie jar, as one browser).
    let mut on_a = Client::new(&a.base);
    assert_eq!(on_a.login("tess", PASSWORD).await.status, StatusCode::SEE_OTHER);
    let mut on_b = Client::with_jar(&b.base, on_a.jar.clone());
    let home = on_b.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(home.body.contains("tess"));

    // Forty reports at once, half through each: forty unique, consecutive references.
    on_a.get("/cases/new").await;
    let mut clients = vec![];
    for i in 0..40 {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let mut c = Client::with_jar(base, on_a.jar.clone());
        c.get("/cases/new").await;
        clients.push(c);
    }
    // Different victims, so none is offered as someone already known.
    let posts = clients.into_iter().enumerate().map(|(i, mut c)| {
        let form = report(area)
            .set("p0_name", &format!("Victim {i}"))
            .set("p0_tenancy_ref", &format!("T-{i}"));
        tokio::spawn(async move {
            let res = form.post(&mut c, "/cases/new").await;
            (res.status, res.body)
        })
    });
    for post in posts {
        let (status, body) = post.await.unwrap();
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    }
    assert_eq!(
        count(&conn, "SELECT COUNT(DISTINCT reference) FROM cases").await,
        40
    );
    let year = time::OffsetDateTime::now_utc().year();
    for n in [1, 40] {
        let sql = format!("SELECT COUNT(*) FROM cases WHERE reference = 'HC-{year}-{n:06}'");
        assert_eq!(count(&conn, &sql).await, 1, "HC-{year}-{n:06}");
    }

    // The reminder run happens once for the day, whichever instance holds the lease.
    let until = Instant::now() + Duration::from_secs(90);
    while count(&conn, "SELECT COUNT(*) FROM job_runs WHERE name = 'reminders'").await == 0 {
        assert!(Instant::now() < until, "no reminder run");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM job_runs WHERE name = 'reminders'").await,
        1
    );

    // Signing out on one ends the session on both.
    assert_eq!(on_b.post("/logout", &[]).await.status, StatusCode::SEE_OTHER);
    let res = on_a.get("/").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().is_some_and(|l| l.starts_with("/login")));
}
