//! The audit trail: the hash chain and its verification, concurrent appends, where rows
//! come from, transactions, and the browsing page.

use crate::common::{PASSWORD, TestApp, TestDb};
use entity::{Role, audit_events};
use harbour::audit::{self, Actor, ChainBreak, Event, Origin};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

/// Some ordinary activity: sign-ins that fail and succeed, a sign-out.
async fn some_activity(app: &TestApp) {
    app.create_user("amina", Role::Manager).await;
    let mut c = app.client();
    c.login("amina", "not the password at all").await;
    c.login("nobody", "not the password at all").await;
    c.login("amina", PASSWORD).await;
    c.get("/").await;
    c.post("/logout", &[]).await;
}

async fn verify(db: &DatabaseConnection) -> Result<u64, ChainBreak> {
    audit::verify(db).await.expect("verify reads the trail")
}

async fn append(app: &TestApp, action: &'static str, summary: &str) {
    let txn = harbour::db::begin(&app.db).await.unwrap();
    audit::record(
        &txn,
        app.now(),
        &Actor::named("t"),
        &Origin::default(),
        Event::new(action, summary),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
}

#[tokio::test]
async fn an_intact_chain_verifies() {
    let app = TestApp::spawn().await;
    some_activity(&app).await;
    let rows = app.count("SELECT COUNT(*) FROM audit_events").await;
    assert!(rows >= 4, "the activity wrote audit rows (got {rows})");
    assert_eq!(
        verify(&app.db).await,
        Ok(rows as u64),
        "every row is checked and the chain holds"
    );
}

#[tokio::test]
async fn an_empty_trail_verifies() {
    let app = TestApp::spawn().await;
    assert_eq!(verify(&app.db).await, Ok(0));
}

#[tokio::test]
async fn an_edited_row_breaks_the_chain_at_that_row() {
    let app = TestApp::spawn().await;
    some_activity(&app).await;
    app.exec("UPDATE audit_events SET summary = 'edited' WHERE id = 2")
        .await;
    let broken = verify(&app.db).await.expect_err("an edited row must be detected");
    assert_eq!(
        broken.id, 2,
        "the break is reported at the edited row: {broken:?}"
    );
    assert!(broken.reason.contains("edited"), "{broken:?}");
}

#[tokio::test]
async fn a_deleted_middle_row_breaks_the_chain() {
    let app = TestApp::spawn().await;
    some_activity(&app).await;
    app.exec("DELETE FROM audit_events WHERE id = 3").await;
    let broken = verify(&app.db).await.expect_err("a deleted row must be detected");
    assert_eq!(broken.id, 3, "the missing row's id is reported: {broken:?}");
    assert!(broken.reason.contains("missing"), "{broken:?}");
}

#[tokio::test]
async fn renumbering_after_a_deletion_is_still_detected() {
    let app = TestApp::spawn().await;
    some_activity(&app).await;
    // Hide the gap: remove row 2 and move every later row down by one.
    app.exec("DELETE FROM audit_events WHERE id = 2").await;
    let last = app.count("SELECT MAX(id) FROM audit_events").await;
    for id in 3..=last {
        app.exec(&format!(
            "UPDATE audit_events SET id = {} WHERE id = {id}",
            id - 1
        ))
        .await;
    }
    let broken = verify(&app.db)
        .await
        .expect_err("renumbered rows must be detected");
    assert_eq!(broken.id, 2, "{broken:?}");
}

/// The canonical hash, as an attacker who knows the scheme (it is open source) recomputes it.
fn rehash(row: &audit_events::Model) -> String {
    harbour::audit::hash_of(row)
}

#[tokio::test]
async fn an_edited_row_with_a_recomputed_hash_breaks_the_link_to_the_next_row() {
    let app = TestApp::spawn().await;
    some_activity(&app).await;
    let mut row = audit_events::Entity::find_by_id(2i64)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        rehash(&row),
        row.hash,
        "the test's hash must match the app's for the attack to be meaningful"
    );
    row.summary = "nothing happened".into();
    let forged = rehash(&row);
    app.exec(&format!(
        "UPDATE audit_events SET summary = 'nothing happened', hash = '{forged}' WHERE id = 2"
    ))
    .await;

    let broken = verify(&app.db)
        .await
        .expect_err("the forged row must be detected");
    assert_eq!(
        broken.id, 3,
        "the next row no longer links to the forged one: {broken:?}"
    );
    assert!(broken.reason.contains("previous-hash"), "{broken:?}");
}

#[tokio::test]
async fn concurrent_appends_keep_the_chain_intact() {
    let test_db = TestDb::new().await;
    let db = harbour::db::connect(&test_db.url).await.unwrap();
    harbour::migrate(&db).await.unwrap();
    let now = harbour::clock::truncate(time::OffsetDateTime::now_utc());

    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let txn = harbour::db::begin(&db).await?;
                audit::record(
                    &txn,
                    now,
                    &Actor::named("t"),
                    &Origin::default(),
                    Event::new("test.concurrent", format!("x{i}")),
                )
                .await?;
                txn.commit().await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().expect("every concurrent append commits");
    }

    assert_eq!(verify(&db).await, Ok(20), "20 appends, one unbroken chain");
    let ids: Vec<i64> = audit_events::Entity::find()
        .order_by_asc(audit_events::Column::Id)
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, (1..=20).collect::<Vec<i64>>(), "ids are contiguous from 1");
    let mut summaries: Vec<String> = audit_events::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.summary)
        .collect();
    summaries.sort();
    summaries.dedup();
    assert_eq!(summaries.len(), 20, "no append was lost or duplicated");
    db.close().await.ok();
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_no_audit_row() {
    let app = TestApp::spawn().await;
    append(&app, "test.kept", "kept").await;
    let before = app.count("SELECT COUNT(*) FROM audit_events").await;

    let txn = harbour::db::begin(&app.db).await.unwrap();
    audit::record(
        &txn,
        app.now(),
        &Actor::named("t"),
        &Origin::default(),
        Event::new("test.dropped", "never committed"),
    )
    .await
    .unwrap();
    drop(txn);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events").await,
        before,
        "a dropped transaction writes nothing"
    );

    let txn = harbour::db::begin(&app.db).await.unwrap();
    audit::record(
        &txn,
        app.now(),
        &Actor::named("t"),
        &Origin::default(),
        Event::new("test.dropped", "rolled back"),
    )
    .await
    .unwrap();
    txn.rollback().await.unwrap();
    assert_eq!(app.audit_count("test.dropped").await, 0);

    // And the chain carries on from the last committed row.
    append(&app, "test.kept", "kept again").await;
    assert_eq!(verify(&app.db).await, Ok(before as u64 + 1));
}

#[tokio::test]
async fn sign_in_rows_record_the_client_address_and_request_id() {
    let app = TestApp::spawn().await;
    app.create_user("amina", Role::Manager).await;
    let mut c = app.client();
    let failed = c.login("amina", "not the password at all").await;
    let succeeded = c.login("amina", PASSWORD).await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    assert_eq!(succeeded.status, StatusCode::SEE_OTHER);

    for (action, res) in [("login.failed", &failed), ("login.succeeded", &succeeded)] {
        let rows = audit_events::Entity::find()
            .filter(audit_events::Column::Action.eq(action))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "one {action} row");
        let row = &rows[0];
        assert_eq!(
            row.client_addr.as_deref(),
            Some("127.0.0.1"),
            "{action} row names the client address"
        );
        let request_id = row.request_id.as_deref().unwrap_or_default();
        assert!(!request_id.is_empty(), "{action} row carries a request id");
        assert_eq!(
            res.header("x-request-id"),
            Some(request_id),
            "{action}: the row's request id is the one the response carried"
        );
        assert_eq!(row.actor_name, "amina");
    }
}

#[tokio::test]
async fn the_audit_page_lists_events_newest_first() {
    let app = TestApp::spawn().await;
    append(&app, "test.first", "the oldest event").await;
    append(&app, "test.second", "the middle event").await;
    append(&app, "test.third", "the newest event").await;
    let mut c = app.signed_in(Role::Manager).await;

    let res = c.get("/audit").await;
    assert_eq!(res.status, StatusCode::OK);
    let at = |s: &str| res.body.find(s).unwrap_or_else(|| panic!("{s} is listed"));
    assert!(
        at(r#"data-label="Action" role="cell">Login: succeeded</td>"#) < at("the newest event"),
        "the manager's own sign-in is newest"
    );
    assert!(at("the newest event") < at("the middle event"));
    assert!(at("the middle event") < at("the oldest event"));
}

#[tokio::test]
async fn the_audit_page_filters_by_action() {
    let app = TestApp::spawn().await;
    app.create_user("amina", Role::TenancyOfficer).await;
    let mut other = app.client();
    other.login("amina", "not the password at all").await;
    other.login("amina", "still not the password").await;
    let mut c = app.signed_in(Role::Manager).await;

    let res = c.get("/audit?action=login.failed").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.body
            .matches(r#"data-label="Action" role="cell">Login: failed</td>"#)
            .count(),
        2,
        "both failures are listed"
    );
    assert!(
        !res.body.contains("Login: succeeded</td>"),
        "other actions are filtered out"
    );
    assert!(
        res.body.contains("<option value=\"login.failed\" selected>"),
        "the chosen filter stays selected"
    );

    // Actions read as words; every record type in the trail is offered; a record (a case
    // reference, a user's number) can be typed.
    assert!(
        res.body
            .contains("<option value=\"login.failed\" selected>Login: failed</option>")
    );
    assert!(
        res.body.contains("<option value=\"user\">User</option>"),
        "{}",
        res.body
    );
    assert!(
        res.body
            .contains("id=\"target_id\" name=\"target_id\" type=\"text\"")
    );

    let res = c.get("/audit?action=no.such.action").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("No events match."));
}

#[tokio::test]
async fn the_audit_page_filters_by_date() {
    let app = TestApp::spawn().await;
    let mut c = app.signed_in(Role::Manager).await;
    // The app clock says 2026-11-23.
    let today = c.get("/audit?from=2026-11-23&to=2026-11-23").await;
    assert_eq!(today.status, StatusCode::OK);
    assert!(today.body.contains("Login: succeeded</td>"));
    let tomorrow = c.get("/audit?from=2026-11-24").await;
    assert!(
        tomorrow.body.contains("No events match."),
        "nothing happened after today"
    );
    let before = c.get("/audit?to=2026-11-22").await;
    assert!(
        before.body.contains("No events match."),
        "nothing happened before today"
    );
}

#[tokio::test]
async fn an_impossible_date_is_refused_with_the_typed_value_kept() {
    let app = TestApp::spawn().await;
    let mut c = app.signed_in(Role::Manager).await;
    let res = c.get("/audit?from=2026-13-45").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("There is a problem"));
    assert!(res.body.contains("Enter a real date"));
    assert!(res.body.contains("<title>Error: Audit trail"));
    assert_eq!(
        res.input_value("from").as_deref(),
        Some("2026-13-45"),
        "the typed value comes back"
    );
    assert!(
        !res.body.contains("Login: succeeded</td>"),
        "no results are shown for a bad filter"
    );
}

#[tokio::test]
async fn an_end_date_before_the_start_date_is_refused() {
    let app = TestApp::spawn().await;
    let mut c = app.signed_in(Role::Manager).await;
    let res = c.get("/audit?from=2026-11-23&to=2026-11-01").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("The end date must be the same as or after the start date")
    );
    assert_eq!(res.input_value("to").as_deref(), Some("2026-11-01"));
}

#[tokio::test]
async fn administrators_may_read_the_audit_trail() {
    let app = TestApp::spawn().await;
    let mut c = app.signed_in(Role::Admin).await;
    assert_eq!(c.get("/audit").await.status, StatusCode::OK);
}

#[tokio::test]
async fn officers_may_not_read_the_audit_trail() {
    let app = TestApp::spawn().await;
    for role in [Role::TenancyOfficer, Role::HarassmentOfficer] {
        let mut c = app.signed_in(role).await;
        let res = c.get("/audit").await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role:?}");
        assert!(
            !res.body.contains("Login: succeeded</td>"),
            "{role:?} sees no events"
        );
    }
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_from_the_audit_trail() {
    let app = TestApp::spawn().await;
    let res = app.client().get("/audit?action=login.failed").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location(),
        Some("/login?next=%2Faudit%3Faction%3Dlogin.failed")
    );
}

/// Administrators read no case data, so no case events either: which restricted case was
/// viewed or exported, by whom, and how many a search found stay with managers.
#[tokio::test]
async fn administrators_see_account_and_settings_events_only_through_every_filter() {
    use crate::fixtures::{self, CaseSpec, PersonSpec};
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let mo = app.create_user("mo", Role::Manager).await;
    let mut spec = CaseSpec::new(mo, area);
    spec.restricted = true;
    spec.victims = vec![PersonSpec::named("Amina Khan")];
    let case = fixtures::case(&app, spec).await;
    let mut manager = app.signed_in_as("mo").await;
    manager.get(&format!("/cases/{}", case.reference)).await;
    manager
        .get(&format!("/cases/{}/chronology.csv", case.reference))
        .await;
    manager.get("/cases?q=khan").await;
    assert!(
        manager.get("/audit").await.body.contains(&case.reference),
        "managers see case events"
    );

    let mut admin = app.signed_in(Role::Admin).await;
    admin.post("/admin/areas", &[("name", "South")]).await;
    let page = admin.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Login: succeeded"), "sign-ins are shown");
    assert!(page.body.contains("Area: created"), "settings changes are shown");
    // Every action and record type the filters offer, and the case ones typed in by hand.
    let offered = |name: &str| -> Vec<String> {
        let select = page
            .body
            .split(&format!(r#"<select class="select" id="{name}""#))
            .nth(1)
            .unwrap()
            .split("</select>")
            .next()
            .unwrap()
            .to_owned();
        select
            .split(r#"<option value=""#)
            .skip(1)
            .map(|o| o[..o.find('"').unwrap()].to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let mut filters: Vec<String> = offered("action")
        .iter()
        .map(|a| format!("/audit?action={a}"))
        .chain(
            offered("target_type")
                .iter()
                .map(|t| format!("/audit?target_type={t}")),
        )
        .collect();
    assert!(!filters.is_empty());
    filters.extend(
        [
            "/audit?target_type=case",
            "/audit?action=case.viewed",
            "/audit?action=caseload.searched",
            "/audit?actor=mo",
        ]
        .map(str::to_owned),
    );
    filters.push(format!("/audit?target_id={}", case.reference));
    for path in filters {
        let res = admin.get(&path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        // The reference typed into the filter is echoed back in its box, and nowhere else.
        let echoed = usize::from(path.contains(&case.reference));
        assert_eq!(res.body.matches(&case.reference).count(), echoed, "{path}");
        for secret in ["Case: ", "Caseload: searched", "case.viewed"] {
            assert!(!res.body.contains(secret), "{path} shows {secret}");
        }
    }
}
