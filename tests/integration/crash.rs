//! Nothing acknowledged is lost when the server is killed mid-write: a real `harbour
//! serve` is sent SIGKILL three times during a stream of writes; after each restart every
//! write it answered is there and the audit chain verifies (SQLite and PostgreSQL).

use crate::{
    common::{Client, PASSWORD, TestDb, run_cli},
    serving,
};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use std::time::Duration;

#[tokio::test]
async fn a_killed_server_loses_no_acknowledged_write_and_the_audit_chain_holds() {
    let db = TestDb::new().await;
    let out = run_cli(
        &[
            "create-user",
            "--username",
            "ada",
            "--role",
            "admin",
            "--password-stdin",
        ],
        &db.url,
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut server = serving::start(&db, "crash");
    let mut acknowledged: Vec<String> = vec![];
    for round in 0..3 {
        server.wait_healthy().await;
        let mut admin = Client::new(&server.base);
        assert_eq!(admin.login("ada", PASSWORD).await.status, StatusCode::SEE_OTHER);
        let token = admin
            .get("/admin/areas")
            .await
            .input_value("csrf_token")
            .expect("form token");
        // Writes as fast as they are answered, until the server is gone.
        let http = reqwest::Client::builder()
            .cookie_provider(admin.jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let base = server.base.clone();
        let writer = tokio::spawn(async move {
            let mut answered = vec![];
            for i in 0.. {
                let name = format!("Area {round}-{i}");
                let sent = http
                    .post(format!("{base}/admin/areas"))
                    .header("sec-fetch-site", "same-origin")
                    .header("origin", &base)
                    .form(&[("csrf_token", token.as_str()), ("name", name.as_str())])
                    .send()
                    .await;
                match sent {
                    Ok(res) if res.status() == StatusCode::SEE_OTHER => answered.push(name),
                    Ok(res) => panic!("{name}: {}", res.status()),
                    Err(_) => break,
                }
            }
            answered
        });
        tokio::time::sleep(Duration::from_millis(400 + 300 * round)).await;
        server.kill_hard();
        let answered = writer.await.unwrap();
        assert!(!answered.is_empty(), "round {round}: some writes were answered");
        acknowledged.extend(answered);
        server.restart(&db);
    }
    server.wait_healthy().await;
    let conn = harbour::db::connect(&db.url).await.unwrap();
    for name in &acknowledged {
        let row = conn
            .query_one_raw(Statement::from_string(
                conn.get_database_backend(),
                format!("SELECT COUNT(*) FROM areas WHERE name = '{name}'"),
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.try_get_by_index::<i64>(0).unwrap(),
            1,
            "{name} was acknowledged"
        );
    }
    let out = run_cli(&["audit", "verify"], &db.url, "");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
