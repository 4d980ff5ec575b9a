//! Retention: periods set by administrators, cases listed after their period, legal holds
//! (automatic while court action is live, and managers' own), disposal that destroys
//! every identifying string and keeps every report figure.

use crate::{
    common::{Client, TestApp},
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::{Role, cases, legal_dates, perpetrator_actions};
use reqwest::StatusCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement, sea_query::Expr,
};
use time::{OffsetDateTime, macros::datetime};

/// Marks a case closed at `at` with `outcome`, as if it had been closed then.
async fn close_at(app: &TestApp, case_id: i32, at: OffsetDateTime, outcome: &str) {
    cases::Entity::update_many()
        .col_expr(cases::Column::Status, Expr::value("closed"))
        .col_expr(cases::Column::ClosedAt, Expr::value(at))
        .col_expr(cases::Column::Outcome, Expr::value(outcome))
        .filter(cases::Column::Id.eq(case_id))
        .exec(&app.db)
        .await
        .unwrap();
}

/// Every (table, column) holding `needle` anywhere in the database.
async fn find_everywhere(app: &TestApp, needle: &str) -> Vec<String> {
    let backend = app.db.get_database_backend();
    let columns_sql = if app.test_db.is_postgres() {
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'bytea')"
    } else {
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
    };
    let rows = app
        .db
        .query_all_raw(Statement::from_string(backend, columns_sql.to_owned()))
        .await
        .unwrap();
    let mut found = vec![];
    for row in rows {
        let table: String = row.try_get_by_index(0).unwrap();
        let column: String = row.try_get_by_index(1).unwrap();
        let cast = if app.test_db.is_postgres() {
            format!("encode(convert_to(\"{column}\"::text, 'UTF8'), 'escape')")
        } else {
            format!("CAST(\"{column}\" AS TEXT)")
        };
        let cast = if app.test_db.is_postgres() {
            // bytea as its text, other columns as they are.
            format!(
                "CASE WHEN pg_typeof(\"{column}\")::text = 'bytea' THEN convert_from(\"{column}\"::bytea, 'UTF8') ELSE {cast} END"
            )
        } else {
            cast
        };
        let n = app
            .count(&format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM \"{table}\" WHERE {cast} LIKE '%{needle}%'"
            ))
            .await;
        if n > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

async fn manager(app: &TestApp) -> (i32, Client) {
    let id = app.create_user("mina", Role::Manager).await;
    (id, app.signed_in_as("mina").await)
}

#[tokio::test]
async fn administrators_set_the_retention_periods() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let page = admin.get("/admin/retention").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"6\""), "six years by default");

    let bad = admin
        .post("/admin/retention", &[("years", "0"), ("years-withdrawn", "two")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter a whole number of years from 1 to 25"));
    assert!(bad.body.contains("value=\"two\""), "typed value kept");

    let ok = admin
        .post(
            "/admin/retention",
            &[("years", "7"), ("years-withdrawn", "2"), ("years-resolved", "")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let r = harbour::retention::rules::Retention::load(&app.db).await.unwrap();
    assert_eq!(r.years, 7);
    assert_eq!(r.years_for(Some("withdrawn")), 2);
    assert_eq!(r.years_for(Some("resolved")), 7);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'settings.updated' AND target_id = 'retention'"
        )
        .await,
        1
    );

    // Only administrators set periods; only managers review and dispose.
    let (_, mut mgr) = manager(&app).await;
    assert_eq!(mgr.get("/admin/retention").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        mgr.post("/admin/retention", &[("years", "1")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(admin.get("/retention").await.status, StatusCode::FORBIDDEN);
    for role in [Role::TenancyOfficer, Role::HarassmentOfficer, Role::EqualityLead] {
        let mut c = app.signed_in(role).await;
        assert_eq!(
            c.get("/retention").await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        assert_eq!(
            c.post(
                "/retention/dispose",
                &[("case", "HC-2019-000001"), ("confirm", "yes")]
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
    }
}

/// A disposed case's every identifying string is gone from the whole database; its
/// statistics stay on a stand-in; its person is deleted unless on another case.
#[tokio::test]
async fn cases_past_retention_are_listed_held_or_disposed_of() {
    let app = TestApp::spawn().await;
    let (mgr_id, mut mgr) = manager(&app).await;
    let area = fixtures::area(&app, "North").await;
    let officer = app.create_user("toby", Role::TenancyOfficer).await;
    fixtures::give_area(&app, officer, area).await;

    let mut spec = CaseSpec::new(mgr_id, area);
    spec.description = "MARKER-DESC-7731 shouted abuse at the door".to_owned();
    let mut zeb = PersonSpec::named("Zebedee Quillfeather").at("17 Marigold Row", "ZZ1 9QQ");
    zeb.ethnicity = "black-african".to_owned();
    spec.victims = vec![zeb];
    spec.perpetrators = vec![PersonSpec::named("Xanthe Morrowpike")];
    let old = fixtures::case(&app, spec).await;
    let (victim, perpetrator) = (old.people[0], old.people[1]);
    // The alleged perpetrator is also on a case that is still open.
    let mut spec = CaseSpec::new(mgr_id, area);
    spec.victims = vec![PersonSpec::named("Someone Else")];
    spec.perpetrators = vec![PersonSpec::existing(perpetrator)];
    let open = fixtures::case(&app, spec).await;
    let held = fixtures::case(&app, CaseSpec::new(mgr_id, area)).await;
    let recent = fixtures::case(&app, CaseSpec::new(mgr_id, area)).await;
    let withdrawn = fixtures::case(&app, CaseSpec::new(mgr_id, area)).await;

    close_at(&app, old.id, datetime!(2019-01-10 12:00 UTC), "resolved").await;
    close_at(&app, held.id, datetime!(2019-01-10 12:00 UTC), "resolved").await;
    close_at(&app, recent.id, datetime!(2024-06-01 12:00 UTC), "resolved").await;
    close_at(&app, withdrawn.id, datetime!(2024-06-01 12:00 UTC), "withdrawn").await;
    // Free text in the old case's records, to be destroyed with it.
    app.exec(&format!(
        "UPDATE case_closures SET reason = 'MARKER-CLOSE-7731' WHERE case_id = {}",
        old.id
    ))
    .await;
    app.exec(&format!(
        "UPDATE timeline_entries SET body = 'MARKER-NOTE-7731 Zebedee Quillfeather called' WHERE case_id = {}",
        old.id
    ))
    .await;
    // An injunction granted on the held case keeps it.
    perpetrator_actions::Entity::insert(perpetrator_actions::ActiveModel {
        case_id: Set(held.id),
        party_id: Set(None),
        kind: Set("injunction".to_owned()),
        status: Set("granted".to_owned()),
        status_on: Set(time::macros::date!(2018 - 12 - 01)),
        planned_on: Set(time::macros::date!(2018 - 11 - 01)),
        created_by: Set(mgr_id),
        created_at: Set(app.now()),
        version: Set(1),
        ..Default::default()
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    // A hearing still to come keeps a case too, whatever the action's status.
    let hearing = fixtures::case(&app, CaseSpec::new(mgr_id, area)).await;
    close_at(&app, hearing.id, datetime!(2019-01-10 12:00 UTC), "resolved").await;
    let action = perpetrator_actions::Entity::insert(perpetrator_actions::ActiveModel {
        case_id: Set(hearing.id),
        party_id: Set(None),
        kind: Set("injunction".to_owned()),
        status: Set("planned".to_owned()),
        status_on: Set(time::macros::date!(2018 - 12 - 01)),
        planned_on: Set(time::macros::date!(2018 - 11 - 01)),
        created_by: Set(mgr_id),
        created_at: Set(app.now()),
        version: Set(1),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap()
    .last_insert_id;
    legal_dates::Entity::insert(legal_dates::ActiveModel {
        case_id: Set(hearing.id),
        action_id: Set(action),
        kind: Set("hearing".to_owned()),
        due_on: Set(time::macros::date!(2027 - 01 - 15)),
        note: Set(None),
        created_by: Set(mgr_id),
        created_at: Set(app.now()),
        ..Default::default()
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    // Withdrawn cases are kept one year here: that one is due too.
    let mut admin = app.signed_in(Role::Admin).await;
    admin
        .post("/admin/retention", &[("years", "6"), ("years-withdrawn", "1")])
        .await;

    let list = mgr.get("/retention").await;
    assert_eq!(list.status, StatusCode::OK);
    let ready = list.body.split("Held (").next().unwrap().to_owned();
    assert!(ready.contains(&old.reference) && ready.contains(&withdrawn.reference));
    assert!(!list.body.contains(&recent.reference) && !list.body.contains(&open.reference));
    assert!(!ready.contains(&held.reference) && !ready.contains(&hearing.reference));
    assert!(
        list.body.contains("Civil injunction"),
        "the automatic hold says why"
    );
    assert!(list.body.contains("Court hearing on 15 Jan 2027"));

    // A manager's hold, placed and lifted with reasons.
    let hold = format!("/cases/{}/hold", old.reference);
    let empty = mgr.post(&hold, &[("reason", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Say why the case must be kept"));
    assert_eq!(
        mgr.post(&hold, &[("reason", "Disrepair claim pending")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let list = mgr.get("/retention").await;
    assert!(list.body.contains("Held by a manager: Disrepair claim pending"));
    let hold_id = app
        .count(&format!(
            "SELECT CAST(id AS BIGINT) FROM case_holds WHERE case_id = {}",
            old.id
        ))
        .await;
    let lift = format!("/cases/{}/holds/{hold_id}/lift", old.reference);
    assert_eq!(
        mgr.post(&lift, &[("reason", "")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Another case's path does not reach this hold.
    let elsewhere = format!("/cases/{}/holds/{hold_id}/lift", withdrawn.reference);
    assert_eq!(
        mgr.post(&elsewhere, &[("reason", "x")]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        mgr.post(&lift, &[("reason", "Claim settled")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        mgr.post(&lift, &[("reason", "again")]).await.status,
        StatusCode::NOT_FOUND
    );
    let mut toby = app.signed_in_as("toby").await;
    assert_eq!(
        toby.post(&hold, &[("reason", "x")]).await.status,
        StatusCode::FORBIDDEN
    );
    let page = toby.get(&format!("/cases/{}", old.reference)).await;
    assert!(
        page.body.contains("Kept until <time datetime=\"2025-01-10\">"),
        "everyone sees the retention date"
    );

    // Choosing: nothing, a held case, an unknown case are refused; then a confirmation.
    assert_eq!(
        mgr.post("/retention/confirm", &[]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    for bad in [
        held.reference.as_str(),
        recent.reference.as_str(),
        "HC-1999-999999",
    ] {
        let r = mgr.post("/retention/confirm", &[("case", bad)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let confirm = mgr
        .post(
            "/retention/confirm",
            &[("case", &old.reference), ("case", &withdrawn.reference)],
        )
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("cannot be undone"));
    let unconfirmed = mgr.post("/retention/dispose", &[("case", &old.reference)]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) FROM case_disposals").await, 0);

    // The alleged perpetrator is on a case disposed of and on one kept: still one person in
    // every figure.
    const REPORT: &str = "/reports/equality.csv?period=custom&from=2026-11-01&to=2026-11-30&mode=internal";
    let figures = mgr.get(REPORT).await.body;
    let done = mgr
        .post(
            "/retention/dispose",
            &[
                ("case", &old.reference),
                ("case", &withdrawn.reference),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(
        mgr.get(REPORT).await.body == figures,
        "figures changed after disposal"
    );
    // Nothing can be added to a disposed case afterwards.
    let note = format!("/cases/{}/timeline", old.reference);
    let note = mgr
        .post(&note, &[("kind", "note"), ("body", "Zebedee rang")])
        .await;
    assert_eq!(note.status, StatusCode::CONFLICT);
    let rehold = mgr.post(&hold, &[("reason", "Zebedee's claim")]).await;
    assert_eq!(rehold.status, StatusCode::CONFLICT);
    assert_eq!(app.count("SELECT COUNT(*) FROM case_disposals").await, 2);
    for marker in [
        "Zebedee",
        "Quillfeather",
        "Marigold",
        "ZZ1 9QQ",
        "MARKER-DESC-7731",
        "MARKER-CLOSE-7731",
        "MARKER-NOTE-7731",
        "Disrepair claim",
        "Claim settled",
    ] {
        assert_eq!(
            find_everywhere(&app, marker).await,
            Vec::<String>::new(),
            "{marker} survived disposal"
        );
    }
    if !app.test_db.is_postgres() {
        // Not even in the file's free pages (secure_delete), once the WAL is checkpointed.
        app.exec("PRAGMA wal_checkpoint(TRUNCATE)").await;
        let path = app
            .test_db
            .url
            .trim_start_matches("sqlite://")
            .trim_end_matches("?mode=rwc");
        let bytes = std::fs::read(path).unwrap().to_ascii_lowercase();
        for marker in ["quillfeather", "marigold", "marker-desc-7731", "marker-note-7731"] {
            assert!(
                !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
                "{marker} left in the database file"
            );
        }
    }
    // The victim (on no other case) is deleted; the alleged perpetrator, still on an open
    // case, is kept there, and the disposed case points at a de-identified stand-in that
    // carries only the monitoring answers.
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM people WHERE id = {victim}"))
            .await,
        0
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM people WHERE id = {perpetrator}"))
            .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM case_parties cp JOIN person_standins s ON s.standin_id = cp.person_id \
             JOIN people p ON p.id = cp.person_id WHERE cp.case_id = {} AND p.name IS NULL AND p.address IS NULL \
             AND p.ethnicity = CASE WHEN cp.role = 'victim' THEN 'black-african' ELSE 'not-known' END",
            old.id
        ))
        .await,
        2
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM case_parties WHERE case_id = {}",
            open.id
        ))
        .await,
        2
    );
    assert!(
        find_everywhere(&app, "Morrowpike")
            .await
            .contains(&"people.name".to_owned())
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'case.disposed'")
            .await,
        2
    );
    let page = mgr.get(&format!("/cases/{}", old.reference)).await;
    assert!(page.body.contains("Identifying details destroyed on"));
    // Read, never reopened or given details again.
    let reopen = format!("/cases/{}/reopen", old.reference);
    assert_eq!(
        mgr.post(&reopen, &[("reason", "New report")]).await.status,
        StatusCode::CONFLICT
    );
    let standin = app
        .count(&format!(
            "SELECT CAST(person_id AS BIGINT) FROM case_parties WHERE case_id = {} AND role = 'victim'",
            old.id
        ))
        .await;
    let edit = format!("/cases/{}/people/{standin}/edit", old.reference);
    assert_eq!(mgr.get(&edit).await.status, StatusCode::CONFLICT);
    // Not listed again, and cannot be disposed of twice.
    let again = mgr
        .post(
            "/retention/dispose",
            &[("case", &old.reference), ("confirm", "yes")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The perpetrator's later disposal reuses their stand-in: repeat counts hold.
    close_at(&app, open.id, datetime!(2019-02-01 12:00 UTC), "resolved").await;
    let figures = mgr.get(REPORT).await.body;
    let done = mgr
        .post(
            "/retention/dispose",
            &[("case", &open.reference), ("confirm", "yes")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(
        mgr.get(REPORT).await.body == figures,
        "figures changed after the second disposal"
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM people WHERE id = {perpetrator}"))
            .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(DISTINCT person_id) FROM case_parties WHERE role = 'alleged-perpetrator' AND case_id IN ({}, {})",
            old.id, open.id
        ))
        .await,
        1
    );
    assert!(find_everywhere(&app, "Morrowpike").await.is_empty());
}

/// The daily run lists how many cases wait for a decision.
#[tokio::test]
async fn the_daily_run_counts_cases_awaiting_review() {
    let app = TestApp::spawn().await;
    let (mgr_id, _) = manager(&app).await;
    let area = fixtures::area(&app, "North").await;
    let a = fixtures::case(&app, CaseSpec::new(mgr_id, area)).await;
    fixtures::case(&app, CaseSpec::new(mgr_id, area)).await;
    close_at(&app, a.id, datetime!(2018-05-01 12:00 UTC), "resolved").await;
    let outcome = harbour::deadlines::reminders::run_due(&app.state(), "test")
        .await
        .unwrap();
    assert!(outcome.ran());
    assert_eq!(
        app.count("SELECT CAST(notices AS BIGINT) FROM job_runs WHERE name = 'retention'")
            .await,
        1
    );
}

/// Every report figure for a past period is the same before and after disposal.
#[tokio::test]
async fn disposal_keeps_every_report_figure() {
    let app = TestApp::spawn().await;
    harbour::demo::fill(&app.db, 11, 150, app.now()).await.unwrap();
    let mut mgr = Client::new(&app.base);
    mgr.login("demo-manager", harbour::demo::PASSWORD).await;
    let mut admin = app.signed_in(Role::Admin).await;
    admin.post("/admin/retention", &[("years", "1")]).await;

    let pages = [
        "/reports/equality.csv?period=fy-2024&mode=internal",
        "/reports/equality.csv?period=fy-2025&mode=internal",
        "/reports/equality.csv?period=custom&from=2024-12-01&to=2025-11-01&mode=publication",
        "/compliance?period=fy-2024",
        "/compliance?period=custom&from=2024-12-01&to=2025-11-01",
    ];
    let mut before = vec![];
    for p in pages {
        let r = mgr.get(p).await;
        assert_eq!(r.status, StatusCode::OK, "{p}");
        before.push(r.body);
    }
    let list = mgr.get("/retention").await;
    let ready = list.body.split("Held (").next().unwrap().to_owned();
    let refs: Vec<String> = ready
        .split("name=\"case\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect();
    assert!(refs.len() >= 20, "only {} cases past one year", refs.len());
    let mut fields: Vec<(&str, &str)> = refs.iter().map(|r| ("case", r.as_str())).collect();
    fields.push(("confirm", "yes"));
    assert_eq!(
        mgr.post("/retention/dispose", &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let told = mgr.get("/retention").await;
    assert!(
        told.body
            .contains(&format!("Identifying details destroyed on {} cases.", refs.len()))
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM case_disposals").await,
        refs.len() as i64
    );

    for (p, was) in pages.iter().zip(before) {
        let now = mgr.get(p).await;
        assert_eq!(now.status, StatusCode::OK, "{p}");
        assert!(now.body == was, "{p} changed after disposal");
    }
}

/// Disposes of the closed cases `refs` as the manager would.
async fn dispose(mgr: &mut Client, refs: &[&str]) {
    let mut fields: Vec<(&str, &str)> = refs.iter().map(|r| ("case", *r)).collect();
    fields.push(("confirm", "yes"));
    assert_eq!(
        mgr.post("/retention/dispose", &fields).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_merge_carries_the_merged_records_stand_in_to_the_kept_one() {
    let app = TestApp::spawn().await;
    let (mgr_id, mut mgr) = manager(&app).await;
    let area = fixtures::area(&app, "North").await;
    // One man, recorded twice: record B on a live case; record A, made later (so the
    // merge keeps B), on an old case (disposed of) and a live one.
    let mut spec = CaseSpec::new(mgr_id, area);
    spec.perpetrators = vec![PersonSpec::named("Xanthe Morrowpike")];
    let b = fixtures::case(&app, spec).await.people[1];
    let mut spec = CaseSpec::new(mgr_id, area);
    spec.perpetrators = vec![PersonSpec::named("Xanthe Morrowpike")];
    let old = fixtures::case(&app, spec).await;
    let a = old.people[1];
    let mut spec = CaseSpec::new(mgr_id, area);
    spec.perpetrators = vec![PersonSpec::existing(a)];
    fixtures::case(&app, spec).await;
    assert!(b < a);
    close_at(&app, old.id, datetime!(2019-01-10 12:00 UTC), "resolved").await;
    dispose(&mut mgr, &[&old.reference]).await;
    let standin_of = |id: i32| format!("SELECT COUNT(*) FROM person_standins WHERE original_id = {id}");
    assert_eq!(app.count(&standin_of(a)).await, 1);

    let merge = |kept: i32, other: i32| {
        vec![
            ("kept", kept.to_string()),
            ("other", other.to_string()),
            ("kept_version", "1".to_owned()),
            ("other_version", "1".to_owned()),
        ]
    };
    let form = merge(b, a);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        mgr.post("/people/merge", &pairs).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.count(&standin_of(b)).await,
        1,
        "the stand-in now stands for the kept record, so reports count one person"
    );

    // A third record, C, with a disposed case of its own: merged into B, its stand-in's
    // parts join B's stand-in.
    let mut spec = CaseSpec::new(mgr_id, area);
    spec.perpetrators = vec![PersonSpec::named("Xanthe Morrowpike")];
    let older = fixtures::case(&app, spec).await;
    let c = older.people[1];
    let mut spec = CaseSpec::new(mgr_id, area);
    spec.perpetrators = vec![PersonSpec::existing(c)];
    fixtures::case(&app, spec).await;
    close_at(&app, older.id, datetime!(2019-02-10 12:00 UTC), "resolved").await;
    dispose(&mut mgr, &[&older.reference]).await;
    let b_version = app
        .count(&format!(
            "SELECT CAST(version AS BIGINT) FROM people WHERE id = {b}"
        ))
        .await;
    let mut form = merge(b, c);
    form[2].1 = b_version.to_string();
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        mgr.post("/people/merge", &pairs).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM person_standins").await,
        3,
        "two victims' and one man's"
    );
    let standin_parts = app
        .count(&format!(
            "SELECT COUNT(*) FROM case_parties WHERE role = 'alleged-perpetrator' AND person_id = \
             (SELECT standin_id FROM person_standins WHERE original_id = {b})"
        ))
        .await;
    assert_eq!(standin_parts, 2, "both disposed cases, on one stand-in");
}
