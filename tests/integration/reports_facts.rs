//! The victim tables read each case's facts from `report_facts`, kept up to date by the
//! database's triggers. After each kind of change the report must equal one computed from
//! scratch (every case marked stale), and must have changed (or the step tests nothing).

use crate::{
    common::TestApp,
    fixtures::history::{close, contact, initial_contact, satisfaction},
    reports_equality::{Csv, Q2, manager_csv, set_close_target, world},
};
use harbour::reports::equality::facts;
use time::macros::datetime;

/// The report after a change: read as the data stands (the marked cases computed as they
/// are read), then from the kept facts once recomputed, and from scratch (every case
/// marked); all three must agree, and the report must have changed.
async fn check(app: &TestApp, query: &str, before: &mut Csv, what: &str) {
    let as_it_stands = manager_csv(app, query).await;
    facts::refresh(&app.db).await.unwrap();
    let kept = manager_csv(app, query).await;
    facts::mark_all(&app.db).await.unwrap();
    let recomputed = manager_csv(app, query).await;
    facts::refresh(&app.db).await.unwrap();
    for (how, read) in [("as it stands", &as_it_stands), ("kept", &kept)] {
        let differing: Vec<_> = recomputed
            .iter()
            .filter(|(k, v)| read.get(*k) != Some(*v))
            .chain(read.iter().filter(|(k, _)| !recomputed.contains_key(*k)))
            .collect();
        assert!(
            differing.is_empty(),
            "after {what}, the facts {how} differ from a recomputation: {differing:?}"
        );
    }
    assert!(recomputed != *before, "{what} changes the report");
    *before = recomputed;
}

async fn person_id(app: &TestApp, name: &str) -> i32 {
    app.count(&format!(
        "SELECT MAX(CAST(id AS BIGINT)) FROM people WHERE name = '{name}'"
    ))
    .await as i32
}

#[tokio::test]
async fn report_facts_follow_every_change() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    set_close_target(&app, "30").await;
    let all = format!("{Q2}&mode=internal");
    let mut before = manager_csv(&app, &all).await;
    let [c1, c2, c3, c6, c8, c9] = ["C1", "C2", "C3", "C6", "C8", "C9"].map(|k| w.ids[k]);

    app.exec("UPDATE people SET ethnicity = 'asian-indian' WHERE name = 'Will'")
        .await;
    check(&app, &all, &mut before, "a victim's ethnicity is corrected").await;

    let wendy = person_id(&app, "Wendy").await;
    contact(&app, c9, wendy, "visit", datetime!(2026-07-01 15:00 UTC)).await;
    check(&app, &all, &mut before, "a first contact is recorded").await;

    initial_contact(&app, c3, Some(-60), false).await;
    check(&app, &all, &mut before, "an overdue initial contact is made").await;

    app.exec(&format!(
        "UPDATE risk_assessments SET level = 'high' WHERE case_id = {c1}"
    ))
    .await;
    check(&app, &all, &mut before, "a risk level is changed").await;

    app.exec(&format!(
        "UPDATE support_measures SET status = 'provided' WHERE case_id IN ({c1}, {c2}, {c3})"
    ))
    .await;
    check(&app, &all, &mut before, "support is provided").await;

    app.exec(&format!(
        "UPDATE referrals SET status = 'sent' WHERE case_id = {c1}"
    ))
    .await;
    check(&app, &all, &mut before, "a referral is sent").await;

    satisfaction(&app, c2, "very-dissatisfied", "very-dissatisfied", w.officer).await;
    check(&app, &all, &mut before, "a post-closure check is recorded").await;

    close(&app, c3, datetime!(2026-09-01 10:00 UTC), "resolved", w.officer).await;
    check(&app, &all, &mut before, "a case is closed").await;

    app.exec(&format!(
        "UPDATE cases SET status = 'open', closed_at = NULL, outcome = NULL WHERE id = {c1}"
    ))
    .await;
    check(&app, &all, &mut before, "a case is reopened").await;

    app.exec(&format!(
        "UPDATE case_parties SET role = 'witness' WHERE case_id = {c2} AND person_id = {}",
        person_id(&app, "Wes").await
    ))
    .await;
    check(&app, &all, &mut before, "a victim becomes a witness").await;

    app.exec(&format!("DELETE FROM timeline_entries WHERE case_id = {c9}"))
        .await;
    check(&app, &all, &mut before, "a contact is deleted").await;

    app.exec(&format!(
        "INSERT INTO case_strands (case_id, strand_id) SELECT {c3}, id FROM strands WHERE code = 'religion'"
    ))
    .await;
    check(&app, &all, &mut before, "a strand is added").await;

    app.exec(&format!(
        "INSERT INTO incident_types (incident_id, type_code) SELECT MIN(id), 'arson' FROM incidents WHERE case_id = {c3}"
    ))
    .await;
    check(&app, &all, &mut before, "an incident type is added to a report").await;

    app.exec("DELETE FROM incident_types WHERE type_code = 'arson'")
        .await;
    check(&app, &all, &mut before, "an incident type is taken off").await;

    app.exec(&format!(
        "DELETE FROM case_strands WHERE case_id = {c3} AND strand_id = (SELECT id FROM strands WHERE code = 'religion')"
    ))
    .await;
    check(&app, &all, &mut before, "a strand is taken off").await;

    app.exec(&format!(
        "UPDATE cases SET priority = CASE WHEN priority = 'p3' THEN 'p2' ELSE 'p3' END WHERE id = {c3}"
    ))
    .await;
    check(&app, &all, &mut before, "a case's priority changes").await;

    // Two records of one person merged: Wendy's part on C9 now names Ada.
    let (ada, wendy) = (person_id(&app, "Ada").await, person_id(&app, "Wendy").await);
    app.exec(&format!(
        "UPDATE case_parties SET person_id = {ada} WHERE person_id = {wendy}"
    ))
    .await;
    check(
        &app,
        &all,
        &mut before,
        "a victim's record is merged into another",
    )
    .await;

    app.exec(&format!(
        "UPDATE cases SET received_at = (SELECT received_at FROM cases WHERE id = {c6}) WHERE id = {c8}"
    ))
    .await;
    check(
        &app,
        &all,
        &mut before,
        "a case's received date moves out of the period",
    )
    .await;

    // C8 (South) moves to C9's area, North.
    let north = format!(
        "{all}&area={}",
        app.count(&format!(
            "SELECT CAST(area_id AS BIGINT) FROM cases WHERE id = {c9}"
        ))
        .await
    );
    let mut before = manager_csv(&app, &north).await;
    app.exec(&format!(
        "UPDATE cases SET area_id = (SELECT area_id FROM cases WHERE id = {c9}), \
         received_at = (SELECT received_at FROM cases WHERE id = {c9}) WHERE id = {c8}"
    ))
    .await;
    check(&app, &north, &mut before, "a case moves area").await;
}

/// The number a drill-down page says it lists ("12 cases: …").
fn listed(body: &str) -> u64 {
    let end = body.find(" cases: ").expect("a drill-down count");
    let digits: String = body[..end]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .chars()
        .rev()
        .collect();
    digits.parse().expect("a number")
}

#[tokio::test]
async fn every_drill_down_lists_as_many_cases_as_its_count() {
    let app = TestApp::spawn().await;
    world(&app).await;
    let all = format!("{Q2}&mode=internal");
    let csv = manager_csv(&app, &all).await;
    let mut m = app.signed_in(entity::Role::Manager).await;
    let mut nonzero = 0;
    for group in [
        "all",
        "group-black",
        "black-african",
        "black-caribbean",
        "group-white",
        "white-british",
        "group-asian",
        "asian-pakistani",
        "group-mixed",
        "prefer-not-to-say",
        "not-known",
    ] {
        for measure in ["cases_opened", "cases_closed", "cases_still_open"] {
            let expected: u64 = csv[&(
                "victim_ethnicity".to_owned(),
                group.to_owned(),
                measure.to_owned(),
            )]
                .parse()
                .unwrap();
            let res = m
                .get(&format!("/reports/cases?{all}&group={group}&measure={measure}"))
                .await;
            assert_eq!(res.status, reqwest::StatusCode::OK, "{group} {measure}");
            assert_eq!(listed(&res.body), expected, "{group} {measure}");
            nonzero += u64::from(expected > 0);
        }
    }
    assert!(nonzero >= 15, "the data set exercises most rows");
}

/// PostgreSQL: a recomputation running while a writer holds a marking neither waits for
/// the writer (it could deadlock with one marking several cases) nor clears its marking.
#[tokio::test]
async fn a_refresh_neither_waits_for_nor_loses_a_writer_at_work() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    if !app.test_db.is_postgres() {
        return; // SQLite: writers and the refresh each hold the one write lock in turn
    }
    let w = world(&app).await;
    let c3 = w.ids["C3"];
    facts::refresh(&app.db).await.unwrap();
    app.exec(&format!("UPDATE cases SET priority = priority WHERE id = {c3}"))
        .await;
    let writer = harbour::db::begin(&app.db).await.unwrap();
    writer
        .execute_unprepared("UPDATE people SET ethnicity = 'asian-indian' WHERE name = 'Will'")
        .await
        .unwrap();
    // A guard against a hang, not a measure of speed.
    let done = tokio::time::timeout(std::time::Duration::from_secs(60), facts::refresh(&app.db)).await;
    done.expect("the refresh waited for the writer").unwrap();
    let stale = format!("SELECT COUNT(*) FROM report_facts_stale WHERE case_id = {c3}");
    assert_eq!(app.count(&stale).await, 1, "the writer's marking is kept");
    writer.commit().await.unwrap();
    facts::refresh(&app.db).await.unwrap();
    assert_eq!(app.count(&stale).await, 0);
    let victims = format!("SELECT COUNT(*) FROM report_facts WHERE id = {c3} AND victims = 'asian-indian'");
    assert_eq!(app.count(&victims).await, 1, "the writer's change is counted");
}

/// Recomputing a few cases a transaction covers every case once, whatever the chunk.
#[tokio::test]
async fn facts_recomputed_in_small_chunks_are_the_same() {
    let app = TestApp::spawn().await;
    world(&app).await;
    let all = format!("{Q2}&mode=internal");
    let whole = manager_csv(&app, &all).await;
    for chunk in [1, 2, 4] {
        facts::mark_all(&app.db).await.unwrap();
        facts::refresh_in_chunks(&app.db, chunk).await.unwrap();
        assert_eq!(app.count("SELECT COUNT(*) FROM report_facts_stale").await, 0);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM report_facts").await,
            app.count("SELECT COUNT(*) FROM cases").await
        );
        assert_eq!(manager_csv(&app, &all).await, whole, "chunks of {chunk}");
    }
}
