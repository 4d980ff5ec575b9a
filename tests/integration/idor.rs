//! Record ids swapped between cases: every per-case route that names a record (a deadline,
//! a perpetrator action, a risk assessment, a support measure, a referral) is asked, through
//! one case, for each record of another case — by a manager and a harassment officer, who
//! may see both cases. Always 404, and nothing changes: a record is found only through its
//! own case. The demo landlord supplies the records: deadlines and perpetrator actions
//! always, the other kinds when it has made them (their own tests swap those ids too).

use crate::common::{Client, TestApp};
use entity::Role;
use harbour::{auth::policy::allows, routes::table};
use reqwest::{Method, StatusCode};

/// Every change to a case writes one of these (views are `case.viewed`).
const CHANGES: &str =
    "SELECT COUNT(*) FROM audit_events WHERE action LIKE 'case.%' AND action <> 'case.viewed'";

/// The table behind each route's `{id}`, by the route's path segment.
const RECORDS: [(&str, &str); 5] = [
    ("/deadlines/", "deadlines"),
    ("/enforcement/", "perpetrator_actions"),
    ("/risk/", "risk_assessments"),
    ("/support/", "support_measures"),
    ("/referrals/", "referrals"),
];

async fn ids(app: &TestApp, table: &str, case_id: i32) -> Vec<i32> {
    let mut out = vec![];
    for n in 0..app
        .count(&format!("SELECT COUNT(*) FROM {table} WHERE case_id = {case_id}"))
        .await
    {
        out.push(
            app.count(&format!(
                "SELECT CAST(id AS BIGINT) FROM {table} WHERE case_id = {case_id} ORDER BY id LIMIT 1 OFFSET {n}"
            ))
            .await as i32,
        );
    }
    out
}

#[tokio::test]
async fn no_record_is_reached_through_another_case() {
    let app = TestApp::spawn().await;
    harbour::demo::fill(&app.db, 7, 40, app.now()).await.unwrap();
    // The two cases with the most perpetrator actions (each has deadlines too).
    let busiest = |n: i64| {
        format!(
            "SELECT CAST(case_id AS BIGINT) FROM perpetrator_actions GROUP BY case_id \
             ORDER BY COUNT(*) DESC, case_id LIMIT 1 OFFSET {n}"
        )
    };
    let (a, b) = (
        app.count(&busiest(0)).await as i32,
        app.count(&busiest(1)).await as i32,
    );
    let references: Vec<String> = {
        use sea_orm::EntityTrait;
        let mut r = vec![];
        for id in [a, b] {
            r.push(
                entity::cases::Entity::find_by_id(id)
                    .one(&app.db)
                    .await
                    .unwrap()
                    .unwrap()
                    .reference,
            );
        }
        r
    };
    let before = app.count(CHANGES).await;
    let mut walked: std::collections::BTreeMap<&str, usize> = Default::default();
    for (username, role) in [
        ("demo-manager", Role::Manager),
        ("demo-officer", Role::HarassmentOfficer),
    ] {
        let mut c = Client::new(&app.base);
        assert_eq!(
            c.login(username, harbour::demo::PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
        c.get("/").await;
        for (method, pattern, permission) in table() {
            // A route the role may not use is refused before any record is looked at.
            if !allows(role, permission) {
                continue;
            }
            let Some((segment, records)) = RECORDS.iter().find(|(s, _)| pattern.contains(s)) else {
                continue;
            };
            if !pattern.contains("{reference}") || !pattern.contains("{id}") {
                continue;
            }
            // Each of B's records, asked for through A.
            for id in ids(&app, records, b).await {
                let path = pattern
                    .replace("{reference}", &references[0])
                    .replace("{id}", &id.to_string());
                let res = if method == Method::GET {
                    c.get(&path).await
                } else {
                    c.post(&path, &[("reason", "swapped"), ("version", "1")]).await
                };
                assert_eq!(
                    res.status,
                    StatusCode::NOT_FOUND,
                    "{username}: {method} {path} ({segment} of another case)"
                );
                *walked.entry(*records).or_default() += 1;
            }
        }
    }
    for kind in ["deadlines", "perpetrator_actions"] {
        assert!(
            walked.get(kind).is_some_and(|n| *n > 0),
            "{kind} walked: {walked:?}"
        );
    }
    assert_eq!(app.count(CHANGES).await, before, "nothing was changed");
}
