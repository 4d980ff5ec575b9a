//! The anchored audit trail: `harbour audit head` and `verify --anchor` (run as the real
//! binary), daily anchors stored by the reminder run, months older than the retention
//! period summarised with the chain still verifiable, and a trail that names only
//! references, never the people on a case.

use crate::{
    cases_intake::report,
    common::TestApp,
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::{Role, audit_events, audit_periods};
use harbour::audit::{
    self, Actor, Event, Origin,
    anchors::{self, Anchor, Finding},
    periods::{self, Summarised},
};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, QueryOrder};
use std::process::Output;
use time::{OffsetDateTime, macros::datetime};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `harbour audit ARGS…` on the app's database.
fn harbour_audit(app: &TestApp, args: &[&str]) -> Output {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    crate::common::run_cli(&all, &app.test_db.url, "")
}

fn assert_verified(out: &Output) -> String {
    assert!(
        out.status.success(),
        "verify should pass\nstdout: {}\nstderr: {}",
        stdout(out),
        stderr(out)
    );
    stdout(out)
}

fn assert_broken(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(2),
        "verify should fail with exit code 2\nstdout: {}\nstderr: {}",
        stdout(out),
        stderr(out)
    );
    assert!(!stdout(out).contains("intact"));
    stderr(out)
}

async fn append_at(app: &TestApp, at: OffsetDateTime, action: &'static str) {
    let txn = harbour::db::begin(&app.db).await.unwrap();
    audit::record(
        &txn,
        at,
        &Actor::named("t"),
        &Origin::default(),
        Event::new(action, "test event"),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
}

async fn append(app: &TestApp, n: usize) {
    for _ in 0..n {
        append_at(app, app.now(), "test.event").await;
    }
}

async fn newest(app: &TestApp) -> audit_events::Model {
    audit_events::Entity::find()
        .order_by_desc(audit_events::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("a newest event")
}

#[tokio::test]
async fn head_prints_one_line_that_verify_accepts_in_every_form() {
    let app = TestApp::spawn().await;
    append(&app, 5).await;
    let out = harbour_audit(&app, &["head"]);
    let line = assert_verified(&out);
    let last = newest(&app).await;
    assert_eq!(line, format!("{} {}\n", last.id, last.hash), "one stable line");
    assert_eq!(last.id, 5);

    for anchor in [
        line.trim().to_owned(),
        format!("{}:{}", last.id, last.hash),
        last.hash.clone(),
    ] {
        let out = harbour_audit(&app, &["verify", "--anchor", &anchor]);
        let said = assert_verified(&out);
        assert!(said.contains("Audit trail intact: 5 events checked"), "{said}");
        assert!(said.contains("The anchor holds: event 5"), "{said}");
    }
    // Not an anchor at all: refused as a usage error, not a verdict.
    let out = harbour_audit(&app, &["verify", "--anchor", "12345"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("harbour audit head"), "{}", stderr(&out));
}

#[tokio::test]
async fn an_empty_trail_has_a_head_too() {
    let app = TestApp::spawn().await;
    let line = assert_verified(&harbour_audit(&app, &["head"]));
    assert_eq!(line, format!("0 {}\n", audit::GENESIS));
    assert_verified(&harbour_audit(&app, &["verify", "--anchor", line.trim()]));
}

#[tokio::test]
async fn deleting_the_newest_events_fails_verify_with_the_anchor() {
    let app = TestApp::spawn().await;
    append(&app, 6).await;
    let line = assert_verified(&harbour_audit(&app, &["head"]));
    let line = line.trim();
    append(&app, 2).await;
    assert_verified(&harbour_audit(&app, &["verify", "--anchor", line]));

    // Events 5 to 8 deleted: a shorter chain that holds by itself.
    app.exec("DELETE FROM audit_events WHERE id >= 5").await;
    let said = assert_verified(&harbour_audit(&app, &["verify"]));
    assert!(said.contains("4 events checked"), "{said}");

    let said = assert_broken(&harbour_audit(&app, &["verify", "--anchor", line]));
    assert!(
        said.contains("the trail now ends at event 4, before the anchored event 6"),
        "{said}"
    );
    assert!(said.contains("deleted from the end"), "{said}");
    // The hash alone: no event has it any more.
    let hash = line.split(' ').nth(1).unwrap();
    let said = assert_broken(&harbour_audit(&app, &["verify", "--anchor", hash]));
    assert!(said.contains("does not match any event"), "{said}");
}

#[tokio::test]
async fn a_rewritten_anchored_event_fails_verify() {
    let app = TestApp::spawn().await;
    append(&app, 3).await;
    let line = assert_verified(&harbour_audit(&app, &["head"]));
    // The whole chain recomputed after an edit, as someone who knows the scheme could.
    app.exec("UPDATE audit_events SET summary = 'rewritten' WHERE id = 3")
        .await;
    let mut row = newest(&app).await;
    row.summary = "rewritten".into();
    let forged = audit::hash_of(&row);
    app.exec(&format!("UPDATE audit_events SET hash = '{forged}' WHERE id = 3"))
        .await;
    assert_verified(&harbour_audit(&app, &["verify"]));
    let said = assert_broken(&harbour_audit(&app, &["verify", "--anchor", line.trim()]));
    assert!(said.contains("event 3 has a different hash now"), "{said}");
}

#[tokio::test]
async fn the_daily_run_stores_an_anchor_that_catches_truncation_without_one_given() {
    let app = TestApp::spawn().await;
    append(&app, 4).await;
    let outcome = harbour::deadlines::reminders::run_due(&app.state(), "test")
        .await
        .unwrap();
    assert!(outcome.ran(), "{outcome:?}");
    let head = newest(&app).await;
    assert_eq!(
        head.action, "reminders.run",
        "the anchor follows the day's own event"
    );
    let stored = anchors::stored(&app.db, time::macros::date!(2026 - 11 - 23))
        .await
        .unwrap()
        .expect("today's anchor");
    assert_eq!(
        stored,
        Anchor {
            id: Some(head.id),
            hash: head.hash.clone()
        }
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_anchors").await, 1);
    append(&app, 3).await;
    let said = assert_verified(&harbour_audit(&app, &["verify"]));
    assert!(said.contains("1 stored daily anchor hold"), "{said}");

    app.exec(&format!("DELETE FROM audit_events WHERE id >= {}", head.id))
        .await;
    let said = assert_broken(&harbour_audit(&app, &["verify"]));
    assert!(
        said.contains(&format!(
            "the anchor recorded on 2026-11-23 is missing: the trail now ends at event {}",
            head.id - 1
        )),
        "{said}"
    );
}

/// Events in May and June 2019 and November 2020 (older than six years on 23 November
/// 2026, whose cutoff is 1 November 2020), then three from today.
async fn old_and_new_events(app: &TestApp) {
    append_at(app, datetime!(2019-05-10 10:00 UTC), "login.succeeded").await;
    append_at(app, datetime!(2019-05-31 23:30 UTC), "case.viewed").await; // 1 June in London
    append_at(app, datetime!(2019-06-03 12:00 UTC), "case.viewed").await;
    append_at(app, datetime!(2019-06-20 12:00 UTC), "case.created").await;
    append_at(app, datetime!(2020-10-31 23:59 UTC), "logout").await;
    append_at(app, datetime!(2020-11-01 00:00 UTC), "login.succeeded").await;
    append(app, 3).await;
}

#[tokio::test]
async fn old_months_are_summarised_and_the_chain_still_verifies() {
    let app = TestApp::spawn().await;
    old_and_new_events(&app).await;
    let done = periods::summarise_older_than(&app.db, app.now(), 6)
        .await
        .unwrap()
        .expect("an intact chain is summarised");
    assert_eq!(
        done,
        Summarised {
            periods: 3,
            events: 5
        }
    );
    let summaries = audit_periods::Entity::find()
        .order_by_asc(audit_periods::Column::FirstId)
        .all(&app.db)
        .await
        .unwrap();
    let got: Vec<(i64, i64, &str, i64, &str)> = summaries
        .iter()
        .map(|p| {
            (
                p.first_id,
                p.last_id,
                p.month.as_str(),
                p.events,
                p.actions.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, 1, "2019-05", 1, r#"{"login.succeeded":1}"#),
            (2, 4, "2019-06", 3, r#"{"case.created":1,"case.viewed":2}"#),
            (5, 5, "2020-10", 1, r#"{"logout":1}"#),
        ]
    );
    // Rows 1-5 are gone; three summaries were recorded, each an event of its own.
    assert_eq!(
        app.count("SELECT MIN(id) FROM audit_events").await,
        6,
        "November 2020 is inside the retention period"
    );
    assert_eq!(app.audit_count("audit.summarised").await, 3);
    assert_eq!(audit::verify(&app.db).await.unwrap(), Ok(4 + 3));
    let said = assert_verified(&harbour_audit(&app, &["verify"]));
    assert!(said.contains("after 3 summarised months"), "{said}");
    // A second run finds nothing more; new events carry on the chain.
    assert_eq!(
        periods::summarise_older_than(&app.db, app.now(), 6)
            .await
            .unwrap(),
        Ok(Summarised::default())
    );
    append(&app, 1).await;
    assert_eq!(audit::verify(&app.db).await.unwrap(), Ok(8));

    // An anchor inside a summarised month can no longer be checked.
    let finding = anchors::check(
        &app.db,
        &Anchor {
            id: Some(3),
            hash: "ab".repeat(32),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        finding,
        Finding::Summarised {
            id: 3,
            month: "2019-06".into()
        }
    );

    // The audit page says up to when events are summarised.
    let mut manager = app.signed_in(Role::Manager).await;
    let page = manager.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(">31 Oct 2020</time> are older than the retention period"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn deleting_or_editing_a_summary_fails_verify() {
    for (tamper, broken_at, reason) in [
        ("DELETE FROM audit_periods WHERE first_id = 5", 5, "row missing"),
        (
            "DELETE FROM audit_periods WHERE first_id = 1",
            1,
            "summarised period missing",
        ),
        (
            "UPDATE audit_periods SET events = 2 WHERE first_id = 2",
            2,
            "summarised period does not match its hash",
        ),
        ("DELETE FROM audit_events WHERE id = 6", 6, "row missing"),
    ] {
        let app = TestApp::spawn().await;
        old_and_new_events(&app).await;
        periods::summarise_older_than(&app.db, app.now(), 6)
            .await
            .unwrap()
            .unwrap();
        app.exec(tamper).await;
        let broken = audit::verify(&app.db).await.unwrap().expect_err(tamper);
        assert_eq!(broken.id, broken_at, "{tamper}: {broken:?}");
        assert!(broken.reason.contains(reason), "{tamper}: {broken:?}");
        let said = assert_broken(&harbour_audit(&app, &["verify"]));
        assert!(said.contains(&format!("event {broken_at}")), "{said}");
    }
}

#[tokio::test]
async fn a_broken_chain_is_never_summarised_away() {
    let app = TestApp::spawn().await;
    old_and_new_events(&app).await;
    app.exec("UPDATE audit_events SET summary = 'edited' WHERE id = 3")
        .await;
    let broken = periods::summarise_older_than(&app.db, app.now(), 6)
        .await
        .unwrap()
        .expect_err("an edited row stops the summary");
    assert_eq!(broken.id, 3);
    // May 2019 (before the edit) was summarised; June and later were not touched.
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_periods").await, 1);
    assert_eq!(app.count("SELECT MIN(id) FROM audit_events").await, 2);
    assert_eq!(audit::verify(&app.db).await.unwrap().unwrap_err().id, 3);
}

#[tokio::test]
async fn a_trail_of_only_summaries_carries_on_from_the_last_one() {
    let app = TestApp::spawn().await;
    append_at(&app, datetime!(2019-05-10 10:00 UTC), "login.succeeded").await;
    append_at(&app, datetime!(2019-05-11 10:00 UTC), "logout").await;
    // Summarised with its own event written in the same transaction: delete that too, so
    // that only the summary is left, then write again.
    periods::summarise_older_than(&app.db, app.now(), 6)
        .await
        .unwrap()
        .unwrap();
    app.exec("DELETE FROM audit_events").await;
    assert_eq!(
        anchors::head(&app.db).await.unwrap().id,
        Some(2),
        "the head is the summary's last event"
    );
    append(&app, 2).await;
    assert_eq!(newest(&app).await.id, 4);
    assert_eq!(audit::verify(&app.db).await.unwrap(), Ok(2));
}

// ---------------------------------------------------------------------------------------
// Names only references.

const VICTIM: &str = "Zebedee Quillfeather";
const PERPETRATOR: &str = "Ozymandias Blenkinsop";
const STREET: &str = "Vanderquist Crescent";

fn named_fragments() -> [&'static str; 5] {
    [
        "zebedee",
        "quillfeather",
        "ozymandias",
        "blenkinsop",
        "vanderquist",
    ]
}

#[tokio::test]
async fn the_audit_trail_names_no_one_on_a_case() {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let tess = app.create_user("tess", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tess, area).await;
    let harry = app.create_user("harry", Role::HarassmentOfficer).await;
    fixtures::give_area(&app, harry, area).await;
    app.create_user("mo", Role::Manager).await;
    let mut tess_c = app.signed_in_as("tess").await;
    let mut harry_c = app.signed_in_as("harry").await;
    let mut mo = app.signed_in_as("mo").await;

    // Intake through the form, names and address everywhere a person can type them.
    let address = format!("77 {STREET}");
    let description = format!("{PERPETRATOR} shouted at {VICTIM} outside 77 {STREET}");
    let res = report(area)
        .set("p0_name", VICTIM)
        .set("p0_address", &address)
        .set("p0_postcode", "LE9 9ZZ")
        .set("p1_name", PERPETRATOR)
        .set("location_address", &address)
        .set("description", &description)
        .post(&mut tess_c, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let path = res.location().unwrap().to_owned();
    let reference = path.trim_start_matches("/cases/").to_owned();
    let case_id = app
        .count(&format!(
            "SELECT CAST(id AS BIGINT) FROM cases WHERE reference = '{reference}'"
        ))
        .await as i32;

    // Casework: a contact note, a manager assigning, an edit with a typed reason, searches
    // by name, the chronology exported, the page viewed.
    let res = tess_c
        .post(
            &format!("{path}/timeline"),
            &[
                ("kind", "visit"),
                ("date", "2026-11-23"),
                ("time", "08:45"),
                ("person_id", ""),
                ("body", &format!("Visited {VICTIM}; {PERPETRATOR} was there")),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = mo
        .post(&format!("{path}/assign"), &[("owner_id", &harry.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let edit = harry_c.get(&format!("{path}/edit")).await;
    let version = edit.input_value("version").expect("version");
    let strand = app
        .count("SELECT CAST(id AS BIGINT) FROM strands WHERE code = 'race'")
        .await
        .to_string();
    let res = harry_c
        .post(
            &format!("{path}/edit"),
            &[
                ("version", version.as_str()),
                ("priority", "p2"),
                (
                    "priority_reason",
                    &format!("{PERPETRATOR} has moved from {STREET}"),
                ),
                ("hate_perceived", "yes"),
                ("perceived_by", "victim"),
                ("strand", strand.as_str()),
                ("area_id", &area.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for q in ["Quillfeather", "Ozymandias%20Blenkinsop", "Vanderquist"] {
        assert_eq!(harry_c.get(&format!("/cases?q={q}")).await.status, StatusCode::OK);
    }
    harry_c.get(&path).await;
    harry_c.get(&format!("{path}/chronology.csv")).await;

    // The victim recorded again on another case, and the manager merging the two records.
    let mut spec = CaseSpec::new(tess, area);
    spec.victims = vec![PersonSpec::named(VICTIM).at(&address, "LE9 9ZZ")];
    let other_case = fixtures::case(&app, spec).await;
    let kept = app
        .count(&format!(
            "SELECT CAST(MIN(person_id) AS BIGINT) FROM case_parties WHERE case_id = {case_id} AND role = 'victim'"
        ))
        .await;
    let other = other_case.people[0].to_string();
    let kept = kept.to_string();
    let mut merge: Vec<(&str, &str)> = vec![
        ("kept", &kept),
        ("other", &other),
        ("kept_version", "1"),
        ("other_version", "1"),
    ];
    let choices: Vec<String> = [
        "name",
        "phone",
        "email",
        "preferred_contact",
        "address",
        "postcode",
        "tenancy_ref",
        "is_tenant",
        "household",
        "language",
        "interpreter",
        "vulnerabilities",
        "ethnicity",
        "description",
        "age_band",
        "sex",
        "disability",
        "religion",
        "sexual_orientation",
        "gender_reassignment",
        "marriage",
        "pregnancy",
    ]
    .iter()
    .map(|c| format!("take_{c}"))
    .collect();
    merge.extend(choices.iter().map(|c| (c.as_str(), "kept")));
    let res = mo.post("/people/merge", &merge).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // Closing with a typed reason naming them.
    let answers = fixtures::deadline_answers(&app, case_id, "not-applicable").await;
    let reason = format!("{PERPETRATOR} evicted; {VICTIM} satisfied");
    let mut fields: Vec<(&str, &str)> = vec![
        ("outcome", "resolved"),
        ("reason", &reason),
        ("victim_told_on", "2026-11-23"),
    ];
    fields.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let res = harry_c.post(&format!("{path}/close"), &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let rows = audit_events::Entity::find().all(&app.db).await.unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    for action in [
        "case.created",
        "case.contact_added",
        "case.assigned",
        "case.updated",
        "caseload.searched",
        "case.viewed",
        "case.chronology_exported",
        "person.merged",
        "case.closed",
    ] {
        assert!(actions.contains(&action), "{action} is audited: {actions:?}");
    }
    for row in &rows {
        let text = format!(
            "{} {} {} {} {:?}",
            row.actor_name,
            row.action,
            row.summary,
            row.target_type.as_deref().unwrap_or(""),
            row.target_id
        )
        .to_lowercase();
        for name in named_fragments() {
            assert!(!text.contains(name), "event {} names {name}: {text}", row.id);
        }
    }
}

/// Someone with the database's keys deletes the newest events and puts a well-formed
/// summary in their place: the summary is younger than six years, so verify fails.
#[tokio::test]
async fn a_summary_of_recent_events_is_refused() {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let app = TestApp::spawn().await;
    old_and_new_events(&app).await;
    append(&app, 3).await;
    let rows = entity::audit_events::Entity::find().all(&app.db).await.unwrap();
    let (first, last) = (rows.first().unwrap(), rows.last().unwrap());
    let mut forged = entity::audit_periods::Model {
        first_id: first.id,
        last_id: last.id,
        from_at: first.at,
        to_at: last.at,
        month: "2026-11".into(),
        events: rows.len() as i64,
        actions: "{}".into(),
        prev_hash: audit::GENESIS.into(),
        last_hash: last.hash.clone(),
        hash: String::new(),
        summarised_at: app.now(),
    };
    forged.hash = audit::period_hash(&forged);
    app.exec("DELETE FROM audit_events").await;
    entity::audit_periods::Entity::insert(entity::audit_periods::ActiveModel {
        first_id: Set(forged.first_id),
        last_id: Set(forged.last_id),
        from_at: Set(forged.from_at),
        to_at: Set(forged.to_at),
        month: Set(forged.month.clone()),
        events: Set(forged.events),
        actions: Set(forged.actions.clone()),
        prev_hash: Set(forged.prev_hash.clone()),
        last_hash: Set(forged.last_hash.clone()),
        hash: Set(forged.hash.clone()),
        summarised_at: Set(forged.summarised_at),
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    // One genuine event after it, as the next sign-in would write.
    append(&app, 1).await;
    let broken = audit::verify(&app.db).await.unwrap().unwrap_err();
    assert!(broken.reason.contains("less than six years older"), "{broken:?}");
}
