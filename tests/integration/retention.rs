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

/// An injunction against no one in particular on `case_id`, planned in November 2018 and
/// `status` since December; returns its id.
async fn injunction(app: &TestApp, case_id: i32, status: &str, by: i32) -> i32 {
    perpetrator_actions::Entity::insert(perpetrator_actions::ActiveModel {
        case_id: Set(case_id),
        party_id: Set(None),
        kind: Set("injunction".to_owned()),
        status: Set(status.to_owned()),
        status_on: Set(time::macros::date!(2018 - 12 - 01)),
        planned_on: Set(time::macros::date!(2018 - 11 - 01)),
        created_by: Set(by),
        created_at: Set(app.now()),
        version: Set(1),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap()
    .last_insert_id
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
    // A field sent twice is read once, and what was typed comes back.
    let twice = admin
        .post(
            "/admin/retention",
            &[("years", "0"), ("years", "5"), ("years-withdrawn", "three")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("value=\"three\""), "typed value kept");

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
    injunction(&app, held.id, "granted", mgr_id).await;
    // A hearing still to come keeps a case too, whatever the action's status.
    let hearing = fixtures::case(&app, CaseSpec::new(mgr_id, area)).await;
    close_at(&app, hearing.id, datetime!(2019-01-10 12:00 UTC), "resolved").await;
    let action = injunction(&app, hearing.id, "planned", mgr_id).await;
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
    assert_eq!(app.audit_count("case.disposed").await, 2);
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

/// The retention list (`holds::reasons`, the database filtering) and the case page
/// (`holds::reasons_for_case`, filtering what the page read) give a case the same reasons,
/// in the same order: a hearing to come, a granted injunction and a manager's hold keep it;
/// a hearing passed and a withdrawn injunction do not.
#[tokio::test]
async fn the_retention_list_and_the_case_page_hold_a_case_for_the_same_reasons() {
    let app = TestApp::spawn().await;
    let (mgr_id, mut mgr) = manager(&app).await;
    let area = fixtures::area(&app, "North").await;
    let case = fixtures::case(&app, CaseSpec::new(mgr_id, area)).await;
    close_at(&app, case.id, datetime!(2019-01-10 12:00 UTC), "resolved").await;
    let withdrawn = injunction(&app, case.id, "withdrawn", mgr_id).await;
    injunction(&app, case.id, "granted", mgr_id).await;
    for (action, due_on) in [
        (withdrawn, time::macros::date!(2026 - 01 - 15)),
        (withdrawn, time::macros::date!(2027 - 01 - 15)),
    ] {
        legal_dates::Entity::insert(legal_dates::ActiveModel {
            case_id: Set(case.id),
            action_id: Set(action),
            kind: Set("hearing".to_owned()),
            due_on: Set(due_on),
            note: Set(None),
            created_by: Set(mgr_id),
            created_at: Set(app.now()),
            ..Default::default()
        })
        .exec_without_returning(&app.db)
        .await
        .unwrap();
    }
    let hold = mgr
        .post(
            &format!("/cases/{}/hold", case.reference),
            &[("reason", "Disrepair claim pending")],
        )
        .await;
    assert_eq!(hold.status, StatusCode::SEE_OTHER);

    use harbour::retention::holds;
    let today = harbour::calendar::london_date(app.now());
    let listed = holds::reasons(&app.db, &[case.id], today).await.unwrap();
    let on_page = holds::reasons_for_case(&app.db, case.id, today).await.unwrap();
    assert_eq!(
        on_page,
        [
            "Court hearing on 15 Jan 2027",
            "Civil injunction (ASB, Crime and Policing Act 2014 Part 1): granted",
            "Held by a manager: Disrepair claim pending",
        ]
    );
    assert_eq!(listed.get(&case.id), Some(&on_page));
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

/// Every free-text column of a case's records (table, column): disposal destroys each.
const DESTROYED: [(&str, &str); 35] = [
    ("cases", "priority_reason"),
    ("cases", "restricted_reason"),
    ("incidents", "reporter_name"),
    ("incidents", "location_address"),
    ("incidents", "other_type"),
    ("incidents", "description"),
    ("incidents", "crime_reference"),
    ("timeline_entries", "body"),
    ("case_closures", "reason"),
    ("case_closures", "reopen_reason"),
    ("deadlines", "resolution_note"),
    ("deadlines", "extension_reason"),
    ("deadlines", "title"),
    ("risk_assessments", "override_reason"),
    ("risk_assessments", "notes"),
    ("action_plans", "interpreter_language"),
    ("action_plans", "communication_needs"),
    ("action_plans", "notes"),
    ("plan_actions", "description"),
    ("plan_actions", "owner_other"),
    ("plan_actions", "outcome"),
    ("support_measures", "notes"),
    ("referrals", "reason"),
    ("referrals", "consent_by"),
    ("referrals", "consent_scope"),
    ("referrals", "response"),
    ("perpetrator_actions", "outcome"),
    ("perpetrator_actions", "documents"),
    ("perpetrator_actions", "notes"),
    ("perpetrator_action_events", "note"),
    ("legal_dates", "note"),
    ("satisfaction_checks", "notes"),
    ("case_holds", "reason"),
    ("case_holds", "lift_reason"),
    ("person_changes", "reason"),
];

/// Text columns a disposed case keeps: codes, staff names, its own reference and the
/// landlord's (which names a case, not a person).
const KEPT: [(&str, &str); 50] = [
    ("cases", "reference"),
    ("cases", "status"),
    ("cases", "priority"),
    ("cases", "suggested_priority"),
    ("cases", "perceived_by"),
    ("cases", "outcome"),
    ("cases", "contact_every_unit"),
    ("cases", "risk_level"),
    ("cases", "external_ref"),
    ("incidents", "received_how"),
    ("incidents", "reporter_type"),
    ("incidents", "occurred_kind"),
    ("incidents", "location_kind"),
    ("incident_types", "type_code"),
    ("case_parties", "role"),
    ("timeline_entries", "kind"),
    ("timeline_entries", "author_name"),
    ("case_closures", "outcome"),
    ("deadlines", "stage"),
    ("deadlines", "priority"),
    ("deadlines", "unit"),
    ("deadlines", "status"),
    ("notices", "kind"),
    ("risk_assessments", "occasion"),
    ("risk_assessments", "computed_level"),
    ("risk_assessments", "level"),
    ("action_plans", "copy_given_how"),
    ("action_plans", "contact_every_unit"),
    ("action_plans", "contact_channel"),
    ("plan_actions", "status"),
    ("support_measures", "status"),
    ("referrals", "status"),
    ("perpetrator_actions", "kind"),
    ("perpetrator_actions", "status"),
    ("perpetrator_action_events", "status"),
    ("legal_dates", "kind"),
    ("satisfaction_checks", "handling"),
    ("satisfaction_checks", "outcome"),
    ("person_duplicates", "resolution"),
    ("person_changes", "field"),
    // The reports' per-case facts: codes only, as the case and its stand-ins keep them,
    // so past periods' figures stay the same after disposal.
    ("report_facts", "status"),
    ("report_facts", "outcome"),
    ("report_facts", "priority"),
    ("report_facts", "victims"),
    ("report_facts", "strands"),
    ("report_facts", "types"),
    ("report_facts", "ic_status"),
    ("report_facts", "first_risk"),
    ("report_facts", "sat_handling"),
    ("report_facts", "sat_outcome"),
];

/// The spreadsheet a case came from: its name and content go with the first of its cases
/// disposed of (planted and checked apart: the file is not one case's).
const SOURCE_FILE: [(&str, &str); 3] = [
    ("imports", "file_name"),
    ("imports", "sheet"),
    ("imports", "content"),
];

/// Tables of people: a person on no case left is deleted; one still on a kept case keeps
/// their record for it; their parts in disposed cases move to a de-identified stand-in.
const PERSON_TABLES: [&str; 4] = ["people", "person_terms", "person_merges", "person_changes"];

/// Tables that hold no case's content: accounts, sessions, settings, reference lists, jobs
/// and the audit trail (which names only references).
const NOT_CASE_CONTENT: [&str; 22] = [
    "seaql_migrations",
    "audit_periods",
    "areas",
    "users",
    "sessions",
    "setup_tokens",
    "rate_limits",
    "audit_events",
    "audit_anchors",
    "settings",
    "strands",
    "procedure_versions",
    "procedure_timescales",
    "closure_days",
    "job_leases",
    "job_runs",
    "risk_question_sets",
    "risk_questions",
    "risk_answer_options",
    "support_catalogue",
    "agencies",
    "nm01_years",
];

/// Every text column in the database, as (table, column).
async fn text_columns(app: &TestApp) -> Vec<(String, String)> {
    let sql = if app.test_db.is_postgres() {
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'bytea')"
    } else {
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
         AND (p.type LIKE '%char%' OR p.type IN ('TEXT', 'text', 'BLOB', 'blob'))"
    };
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap();
    rows.into_iter()
        .map(|r| (r.try_get_by_index(0).unwrap(), r.try_get_by_index(1).unwrap()))
        .collect()
}

#[tokio::test]
async fn every_text_column_is_destroyed_or_kept_on_purpose() {
    let app = TestApp::spawn().await;
    let known = |t: &str, c: &str| {
        DESTROYED.contains(&(t, c))
            || KEPT.contains(&(t, c))
            || SOURCE_FILE.contains(&(t, c))
            || PERSON_TABLES.contains(&t)
            || NOT_CASE_CONTENT.contains(&t)
    };
    let unknown: Vec<String> = text_columns(&app)
        .await
        .into_iter()
        .filter(|(t, c)| !known(t, c))
        .map(|(t, c)| format!("{t}.{c}"))
        .collect();
    assert_eq!(
        unknown,
        Vec::<String>::new(),
        "a new text column: should disposal destroy it (src/retention/disposal.rs and DESTROYED) or keep it (KEPT)?"
    );
}

/// The rows of `table` that belong to the cases `ids`.
fn rows_of(table: &str, ids: &str) -> String {
    match table {
        "cases" => format!("id IN ({ids})"),
        "perpetrator_action_events" => {
            format!("action_id IN (SELECT id FROM perpetrator_actions WHERE case_id IN ({ids}))")
        }
        _ => format!("case_id IN ({ids})"),
    }
}

/// A report or export as text (a workbook's cells, sheet by sheet: its file carries the
/// time it was written).
async fn figures(c: &mut Client, path: &str) -> String {
    let (status, _, bytes) = c.get_bytes(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    if !path.contains(".xlsx") {
        return String::from_utf8(bytes).unwrap();
    }
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    for name in book.sheet_names().to_vec() {
        out.push_str(&name);
        for row in book.worksheet_range(&name).unwrap().rows() {
            out.push('\n');
            for cell in row {
                out.push_str(&format!("{cell}|"));
            }
        }
    }
    out
}

#[tokio::test]
async fn disposal_keeps_every_report_figure_and_destroys_every_free_text() {
    let app = TestApp::spawn().await;
    harbour::demo::fill(&app.db, 11, 150, app.now()).await.unwrap();
    let mut mgr = Client::new(&app.base);
    mgr.login("demo-manager", harbour::demo::PASSWORD).await;
    let mut admin = app.signed_in(Role::Admin).await;
    admin.post("/admin/retention", &[("years", "1")]).await;

    let list = mgr.get("/retention").await;
    let ready = list.body.split("Held (").next().unwrap().to_owned();
    let refs: Vec<String> = ready
        .split("name=\"case\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect();
    assert!(refs.len() >= 20, "only {} cases past one year", refs.len());
    let quoted: Vec<String> = refs.iter().map(|r| format!("'{r}'")).collect();
    let ids: Vec<String> = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT id FROM cases WHERE reference IN ({})", quoted.join(",")),
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.try_get_by_index::<i32>(0).unwrap().to_string())
        .collect();
    let ids = ids.join(",");
    // Records the demo does not make on these cases: a hold placed and lifted, a
    // correction made from the case, a court date.
    let first = ids.split(',').next().unwrap();
    let someone = app
        .count(&format!(
            "SELECT CAST(MIN(person_id) AS BIGINT) FROM case_parties WHERE case_id = {first}"
        ))
        .await;
    let manager = app
        .count("SELECT CAST(id AS BIGINT) FROM users WHERE username = 'demo-manager'")
        .await;
    app.exec(&format!(
        "INSERT INTO case_holds (case_id, reason, placed_by, placed_at, lifted_at, lifted_by, lift_reason) \
         VALUES ({first}, 'x', {manager}, '2026-01-05 10:00:00+00:00', '2026-02-05 10:00:00+00:00', {manager}, 'y')"
    ))
    .await;
    app.exec(&format!(
        "INSERT INTO person_changes (person_id, case_id, field, old_value, new_value, reason, changed_by, changed_at) \
         VALUES ({someone}, {first}, 'phone', NULL, NULL, 'x', {manager}, '2026-01-05 10:00:00+00:00')"
    ))
    .await;
    app.exec(&format!(
        "INSERT INTO legal_dates (case_id, action_id, kind, due_on, note, created_by, created_at) \
         SELECT case_id, id, 'hearing', '2025-01-10', 'x', created_by, created_at FROM perpetrator_actions \
         WHERE id = (SELECT MIN(id) FROM perpetrator_actions WHERE case_id IN ({ids}))"
    ))
    .await;
    // A marker in every free-text column of every record of the cases to be disposed of.
    let mut empty = vec![];
    for (table, column) in DESTROYED {
        let marker = format!("MARKER-{table}-{column}");
        let rows = rows_of(table, &ids);
        let n = app
            .count(&format!("SELECT COUNT(*) FROM {table} WHERE {rows}"))
            .await;
        if n == 0 {
            empty.push(format!("{table}.{column}"));
        }
        app.exec(&format!("UPDATE {table} SET {column} = '{marker}' WHERE {rows}"))
            .await;
    }
    assert_eq!(
        empty,
        Vec::<String>::new(),
        "the demo's disposed cases have none of these"
    );
    let files = format!("id IN (SELECT import_id FROM cases WHERE id IN ({ids}))");
    let content = if app.test_db.is_postgres() {
        "convert_to('MARKER-imports-content', 'UTF8')"
    } else {
        "CAST('MARKER-imports-content' AS BLOB)"
    };
    app.exec(&format!(
        "UPDATE imports SET file_name = 'MARKER-imports-file_name', sheet = 'MARKER-imports-sheet', content = {content} WHERE {files}"
    ))
    .await;

    let pages = [
        "/reports/equality.csv?period=fy-2024&mode=internal",
        "/reports/equality.csv?period=fy-2025&mode=internal",
        "/reports/equality.csv?period=custom&from=2024-12-01&to=2025-11-01&mode=publication",
        "/reports/equality.xlsx?period=fy-2025&mode=internal",
        "/reports/board?period=fy-2025",
        "/reports/board?period=custom&from=2024-12-01&to=2025-11-01",
        "/compliance?period=fy-2024",
        "/compliance?period=custom&from=2024-12-01&to=2025-11-01",
    ];
    let mut before = vec![];
    for p in pages {
        before.push(figures(&mut mgr, p).await);
    }
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
        let now = figures(&mut mgr, p).await;
        assert!(now == was, "{p} changed after disposal");
    }
    assert_eq!(find_everywhere(&app, "MARKER-").await, Vec::<String>::new());
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

/// Disposal is all or nothing: when destroying one chosen case fails (here a trigger
/// refuses its disposal row), the others chosen with it are left as they were, so the
/// error page's "nothing was saved" is true and the same choice can be made again.
#[tokio::test]
async fn a_disposal_that_fails_part_way_destroys_nothing() {
    let app = TestApp::spawn().await;
    let (mgr_id, mut mgr) = manager(&app).await;
    let area = fixtures::area(&app, "North").await;
    let mut first = CaseSpec::new(mgr_id, area);
    first.description = "MARKER-FIRST shouted at the door".to_owned();
    let first = fixtures::case(&app, first).await;
    let second = fixtures::case(&app, CaseSpec::new(mgr_id, area)).await;
    for c in [&first, &second] {
        close_at(&app, c.id, datetime!(2019-01-10 12:00 UTC), "resolved").await;
    }
    let refuse = if app.test_db.is_postgres() {
        vec![
            format!(
                "CREATE FUNCTION refuse_disposal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 IF NEW.case_id = {} THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$",
                second.id
            ),
            "CREATE TRIGGER refuse_disposal BEFORE INSERT ON case_disposals FOR EACH ROW \
             EXECUTE FUNCTION refuse_disposal()"
                .to_owned(),
        ]
    } else {
        vec![format!(
            "CREATE TRIGGER refuse_disposal BEFORE INSERT ON case_disposals WHEN NEW.case_id = {} \
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
            second.id
        )]
    };
    for sql in &refuse {
        app.exec(sql).await;
    }
    let res = mgr
        .post(
            "/retention/dispose",
            &[
                ("case", &first.reference),
                ("case", &second.reference),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", res.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM case_disposals").await, 0);
    assert!(
        !find_everywhere(&app, "MARKER-FIRST").await.is_empty(),
        "the first case's details are still there"
    );
}
