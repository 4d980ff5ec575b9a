//! Importing history from spreadsheets (web and command line) and the demo landlord.
//! The expected figures are worked out by hand from the files written here.

use crate::common::{Client, TestApp, run_cli};
use crate::fixtures;
use entity::Role;
use reqwest::StatusCode;

/// Headings in another order and case, with a column Harbour does not know.
const HEADER: &str = "Reference,Received,Area,Victim Name,victim_ethnicity,victim_tenancy_ref,perpetrator_name,perpetrator_ethnicity,first_contact,first-contact how,closed,outcome,enforcement,satisfaction,strands,Notes";

/// A directory of its own for a test's files.
fn scratch_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "harbour-import-{}",
        &harbour::auth::tokens::random_token()[..8]
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Imports `csv` with `harbour import --as boss`, which must succeed.
fn import_as_boss(app: &TestApp, csv: &str) {
    let dir = scratch_dir();
    let path = dir.join("cases.csv");
    std::fs::write(&path, csv).unwrap();
    let out = run_cli(
        &["import", &path.display().to_string(), "--as", "boss"],
        &app.test_db.url,
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

/// A landlord with the area North and a manager, boss, who imports.
async fn north_with_boss() -> TestApp {
    let app = TestApp::spawn().await;
    fixtures::area(&app, "North").await;
    app.create_user("boss", Role::Manager).await;
    app
}

async fn manager(app: &TestApp) -> Client {
    app.create_user("boss", Role::Manager).await;
    app.signed_in_as("boss").await
}

/// Uploads `csv` and returns the preview page (following the redirect).
async fn preview(c: &mut Client, csv: &str) -> (String, crate::common::Res) {
    let res = c
        .upload("/import", &[], "cases.csv", csv.as_bytes().to_vec())
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let location = res.location().expect("preview location").to_owned();
    let page = c.get(&location).await;
    (location, page)
}

/// Presses Import and waits for the background write to end; returns the page then.
async fn commit_and_wait(c: &mut Client, location: &str) -> crate::common::Res {
    let res = c.post(&format!("{location}/commit"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for _ in 0..400 {
        let page = c.get(location).await;
        if !page.body.contains("<h1 class=\"heading-l\">Importing</h1>") {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the import did not finish");
}

#[tokio::test]
async fn the_template_round_trips_and_imported_history_completes_the_right_deadlines() {
    let app = TestApp::spawn().await;
    fixtures::area(&app, "North").await;
    let mut c = manager(&app).await;
    let (status, _, csv) = c.get_bytes("/import/template.csv").await;
    assert_eq!(status, StatusCode::OK);
    let (location, page) = preview(&mut c, &String::from_utf8(csv).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    // Two cases: the first of two rows (two victims, one alleged perpetrator), the second
    // with an unknown perpetrator and a witness.
    assert!(page.body.contains("Import 2 cases"), "{}", page.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases").await,
        0,
        "a preview writes nothing"
    );

    let finished = commit_and_wait(&mut c, &location).await;
    assert!(
        finished.body.contains("2 cases were imported"),
        "{}",
        finished.body
    );

    // Numbered in the year received, in the order received; the landlord's reference kept.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases WHERE reference = 'HC-2025-000001' AND external_ref = 'ASB/2025/0147' AND status = 'closed' AND outcome = 'resolved'").await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM cases WHERE reference = 'HC-2025-000002' AND external_ref = 'ASB/2025/0212' AND status = 'open'").await, 1);
    let first = "(SELECT id FROM cases WHERE external_ref = 'ASB/2025/0147')";
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM case_parties WHERE case_id = {first} AND role = 'victim'"
        ))
        .await,
        2
    );
    // Received 14/03/2025 10:20, first phone call 15:00 the same day: initial contact met.
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM deadlines WHERE case_id = {first} AND stage = 'initial-contact' AND status = 'done' AND late_working_days = 0")).await,
        1
    );
    // Nothing else on the closed case is open; what the file could not say is marked so.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM deadlines WHERE case_id = {first} AND status = 'open'"
        ))
        .await,
        0
    );
    assert!(app.count(&format!("SELECT COUNT(*) FROM deadlines WHERE case_id = {first} AND status = 'not-applicable' AND resolution_note = 'Not recorded before the case was imported'")).await > 0);
    // The post-closure check is the satisfaction given: done, not "not recorded".
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM deadlines WHERE case_id = {first} AND stage = 'post-closure-check' AND status = 'done'")).await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM satisfaction_checks WHERE case_id = {first} AND handling = 'very-satisfied'"
        ))
        .await,
        1
    );
    // Ladder steps are against the alleged perpetrator the file names (his party row on
    // this case), and the first contact was with the first victim it names.
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM perpetrator_actions a JOIN case_parties p ON p.id = a.party_id JOIN people n ON n.id = p.person_id WHERE a.case_id = {first} AND p.case_id = a.case_id AND p.role = 'alleged-perpetrator' AND n.name = 'Mark Stone' AND a.kind IN ('warning-letter', 'injunction')")).await, 2);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM timeline_entries t JOIN people n ON n.id = t.person_id WHERE t.case_id = {first} AND t.kind = 'phone-call' AND n.name = 'Amina Khan'")).await, 1);
    let action_text = format!(
        "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {first} AND kind = 'enforcement-recorded' AND body LIKE '%Mark Stone%'"
    );
    assert_eq!(app.count(&action_text).await, 2);
    // The open case's history is closed off, and its regular update is live from today.
    let second = "(SELECT id FROM cases WHERE external_ref = 'ASB/2025/0212')";
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM deadlines WHERE case_id = {second} AND status = 'open' AND stage = 'victim-update'")).await, 1);
    // One audit row for the import, none per case.
    assert_eq!(app.audit_count("import.committed").await, 1);
    assert_eq!(app.audit_count("case.created").await, 0);
    // The case page says it was imported; the landlord's reference finds it.
    let case = c.get("/cases/HC-2025-000001").await;
    assert!(case.body.contains("Imported from the landlord"), "{}", case.body);
    assert!(case.body.contains("Landlord&#39;s reference") || case.body.contains("Landlord's reference"));
    assert!(case.body.contains("ASB/2025/0147"));
    // What the spreadsheet did not say is not written as an answer.
    assert!(!case.body.contains("by not recorded before import"));
    assert!(!case.body.contains("(not recorded before import, from"));
    let found = c.get("/cases?tab=all&q=ASB%2F2025%2F0147").await;
    assert!(found.body.contains("HC-2025-000001"), "{}", found.body);

    // The chronology tells each imported step once.
    let chronology = c.get("/cases/HC-2025-000001/chronology").await;
    assert_eq!(chronology.status, StatusCode::OK);
    for (text, times) in [
        ("Case closed", 1),
        ("Warning letter", 1),
        ("First contact with the victim (imported)", 1),
    ] {
        assert_eq!(
            chronology.body.matches(text).count(),
            times,
            "{text}: {}",
            chronology.body
        );
    }

    // The same file again creates nothing and says so.
    let csv = c.get_bytes("/import/template.csv").await.2;
    let (_, again) = preview(&mut c, &String::from_utf8(csv).unwrap()).await;
    assert!(again.body.contains("nothing new to import"), "{}", again.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 2);
}

#[tokio::test]
async fn the_workbook_template_reads_as_the_csv_does() {
    let app = TestApp::spawn().await;
    fixtures::area(&app, "North").await;
    let mut c = manager(&app).await;
    let (status, _, xlsx) = c.get_bytes("/import/template.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let res = c
        .upload("/import", &[("sheet", "cases")], "template.xlsx", xlsx)
        .await;
    let page = c.get(res.location().unwrap()).await;
    assert!(page.body.contains("Import 2 cases"), "{}", page.body);
}

#[tokio::test]
async fn every_problem_is_listed_at_once_with_row_column_and_value_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    fixtures::area(&app, "North").await;
    fixtures::area(&app, "South").await;
    let mut c = manager(&app).await;
    let csv = format!(
        "{HEADER}\n\
         R1,31/02/2025,North,Ann,White British,,,,,,,,,,,\n\
         R2,01/03/2025,Nowhere,Ben,Martian,,,,,,,,,,,\n\
         R3,01/03/2025,North,Cy,W1,,,,,,28/02/2025,Resolved,,,,\n\
         R4,01/03/2025,North,Di,A1,,,,,,,,warning letter,,,\n\
         R4,02/03/2025,North,Ed,A2,,,,,,,,,,,\n\
         R5,01/03/2025,North,Flo,A3,,,,,,,,,Delighted,,\n"
    );
    let (_, page) = preview(&mut c, &csv).await;
    let body = crate::common::html_unescape(&page.body);
    for expected in [
        "“31/02/2025” is not a real date",
        "Not an area in Harbour",
        "The case cannot be closed before the report was received",
        "needs an alleged perpetrator",
        "a case&#39;s rows must agree",
        "Not an answer Harbour records",
        "These columns are not part of the template and will be ignored: Notes",
        "“Martian” (1 row)",
    ] {
        assert!(
            body.contains(&crate::common::html_unescape(expected)),
            "missing {expected}: {body}"
        );
    }
    assert!(
        !body.contains("Import 1 case"),
        "a file with problems cannot be committed"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 0);

    // Mapping the unknown wording is remembered and answers it.
    let id = app.count("SELECT CAST(MAX(id) AS BIGINT) FROM imports").await;
    let res = c
        .post(
            &format!("/import/{id}/mappings"),
            &[("value_0", "Martian"), ("code_0", "other-any")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = c.get(&format!("/import/{id}")).await;
    assert!(!page.body.contains("Match ethnicity values"), "{}", page.body);
    // Committing a file with problems is refused, and writes nothing.
    let res = c.post(&format!("/import/{id}/commit"), &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
}

#[tokio::test]
async fn files_that_are_not_imports_are_refused_with_a_reason() {
    let app = TestApp::spawn().await;
    fixtures::area(&app, "North").await;
    let mut c = manager(&app).await;
    let formula = {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "reference").unwrap();
        sheet.write_string(0, 1, "received").unwrap();
        sheet.write_string(0, 2, "victim_name").unwrap();
        sheet.write_string(1, 0, "R1").unwrap();
        sheet.write_formula(1, 1, "=TODAY()").unwrap();
        sheet.write_string(1, 2, "Ann").unwrap();
        book.save_to_buffer().unwrap()
    };
    let cases: [(&str, Vec<u8>, &str); 6] = [
        ("empty.csv", vec![], "The file is empty"),
        (
            "headers.csv",
            b"reference,received,victim_name\n".to_vec(),
            "no rows of cases",
        ),
        (
            "scan.pdf",
            b"%PDF-1.7\0\0\x01binary".to_vec(),
            "not a spreadsheet",
        ),
        (
            "dup.csv",
            b"reference,Reference,received,victim_name\nA,B,1/1/25,Ann\n".to_vec(),
            "appears more than once",
        ),
        (
            "cols.csv",
            b"ref,date\nA,1/1/25\n".to_vec(),
            "The file has no column reference",
        ),
        ("formula.xlsx", formula, "holds a formula"),
    ];
    for (name, bytes, expected) in cases {
        let res = c.upload("/import", &[], name, bytes).await;
        let page = c.get(res.location().unwrap()).await;
        assert!(page.body.contains(expected), "{name}: {}", page.body);
    }
    // No file chosen: the form comes back with the error.
    let res = c.upload("/import", &[], "", vec![]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Choose a CSV or Excel file"));
    // Over the limit: refused before anything is read, saying what the limit is.
    let big = vec![b'a'; harbour::web::upload::MAX_FILE_BYTES + 100_000];
    let res = c.upload("/import", &[], "big.csv", big).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
}

#[tokio::test]
async fn only_managers_import_and_each_sees_only_their_own_uploads() {
    let app = TestApp::spawn().await;
    fixtures::area(&app, "North").await;
    for role in [
        Role::Admin,
        Role::HarassmentOfficer,
        Role::TenancyOfficer,
        Role::EqualityLead,
    ] {
        let mut c = app.signed_in(role).await;
        assert_eq!(c.get("/import").await.status, StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(
            c.get("/import/template.csv").await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
    }
    let mut c = manager(&app).await;
    let (location, _) = preview(&mut c, &format!("{HEADER}\nR1,1/3/25,North,Ann,W1,,,,,,,,,,,\n")).await;
    let mut other = app.signed_in(Role::Manager).await;
    assert_eq!(other.get(&location).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.post(&format!("{location}/commit"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_failure_while_writing_the_last_case_writes_nothing() {
    let app = TestApp::spawn().await;
    fixtures::area(&app, "North").await;
    let mut c = manager(&app).await;
    // The database refuses the last case (as a full disk or a dropped connection would).
    if app.test_db.is_postgres() {
        app.exec("CREATE FUNCTION refuse_last() RETURNS trigger AS $$ BEGIN IF NEW.external_ref = 'LAST' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql").await;
        app.exec(
            "CREATE TRIGGER refuse_last BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION refuse_last()",
        )
        .await;
    } else {
        app.exec("CREATE TRIGGER refuse_last BEFORE INSERT ON cases WHEN NEW.external_ref = 'LAST' BEGIN SELECT RAISE(ABORT, 'refused'); END").await;
    }
    let csv = format!(
        "{HEADER}\nR1,1/3/25,North,Ann,W1,,,,,,,,,,,\nR2,2/3/25,North,Bo,W2,,,,,,,,,,,\nLAST,3/3/25,North,Cy,W3,,,,,,,,,,,\n"
    );
    let (location, page) = preview(&mut c, &csv).await;
    assert!(page.body.contains("Import 3 cases"));
    let page = commit_and_wait(&mut c, &location).await;
    assert!(
        page.body.contains("The import failed and nothing was written"),
        "{}",
        page.body
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM imports WHERE committed_at IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn a_repeat_victim_across_rows_and_cases_is_one_person() {
    let app = TestApp::spawn().await;
    fixtures::area(&app, "North").await;
    let mut c = manager(&app).await;
    let csv = format!(
        "{HEADER}\n\
         R1,1/3/25,North,Ann Lee,Black African,T-1,Kyle Barton,White British,,,,,,,Race,\n\
         R2,5/4/25,North,Ann Lee,B2,T 1,Kyle Barton,W1,,,,,,,Race,\n\
         R2,,,Bo Lee,B2,,,,,,,,,,,\n"
    );
    let (location, _) = preview(&mut c, &csv).await;
    commit_and_wait(&mut c, &location).await;
    // Ann is one person on both cases (same tenancy reference); Bo is a second victim of R2.
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT person_id) FROM case_parties WHERE role = 'victim'")
            .await,
        2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM case_parties WHERE role = 'victim'")
            .await,
        3
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people WHERE ethnicity = 'black-african'")
            .await,
        2
    );
    // Without a postcode or tenancy reference the alleged perpetrator is not matched.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM case_parties WHERE role = 'alleged-perpetrator'")
            .await,
        2
    );
}

#[tokio::test]
async fn the_command_line_checks_dry_runs_and_imports_all_or_nothing() {
    let app = north_with_boss().await;
    app.create_user("root", Role::Admin).await;
    let dir = scratch_dir();
    let good = dir.join("good.csv");
    // Windows-1252, semicolons, a quoted description over two lines.
    let mut bytes = b"reference;received;victim_name;victim_ethnicity;description\n".to_vec();
    bytes.extend_from_slice(b"R1;1/3/25 14:00;Ren\xe9e;Pakistani;\"Shouting\nat the door\"\n");
    std::fs::write(&good, bytes).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "reference,received,victim_name\nR1,tomorrow,Ann\n").unwrap();
    let path = |p: &std::path::Path| p.display().to_string();

    let out = run_cli(&["import", &path(&bad), "--as", "boss"], &app.test_db.url, "");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("row 2, received “tomorrow”"), "{stderr}");
    assert!(stderr.contains("Nothing was written"), "{stderr}");

    let out = run_cli(&["import", &path(&good), "--as", "root"], &app.test_db.url, "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("only managers may import"));

    let out = run_cli(
        &["import", &path(&good), "--as", "boss", "--dry-run"],
        &app.test_db.url,
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 new cases"));
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);

    let out = run_cli(&["import", &path(&good), "--as", "boss"], &app.test_db.url, "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    if app.test_db.is_postgres() {
        // Statistics refreshed at once (plans must not assume the tables are still empty),
        // and the dead versions of rows the import updated cleared.
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname IN ('cases', 'deadlines') \
                 AND last_analyze IS NOT NULL AND last_vacuum IS NOT NULL"
            )
            .await,
            2
        );
    } else {
        // None on SQLite: with STAT4 samples every statement would be compiled on each run.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'sqlite_stat%'")
                .await,
            0
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases WHERE external_ref = 'R1'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people WHERE name = 'Renée' AND ethnicity = 'asian-pakistani'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM incidents WHERE description LIKE 'Shouting%door'")
            .await,
        1
    );
    // Again: nothing new.
    let out = run_cli(&["import", &path(&good), "--as", "boss"], &app.test_db.url, "");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 new cases"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 1);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn the_demo_fills_an_empty_database_reuses_its_own_and_refuses_a_real_one() {
    let app = TestApp::spawn().await;
    let out = run_cli(
        &[
            "demo",
            "--no-serve",
            "--cases",
            "400",
            "--database-url",
            &app.test_db.url,
        ],
        "unused",
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("demo-manager") && stdout.contains("harbour-demo-2026"),
        "{stdout}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 400);
    // Live work: deadlines met, late and overdue today; closures, actions, repeat victims.
    // Only the last three weeks are live: nothing is left overdue from before them.
    let today = time::OffsetDateTime::now_utc().date();
    let overdue_since = |day: time::Date| {
        format!("SELECT COUNT(*) FROM deadlines WHERE status = 'open' AND due_at < '{day}'")
    };
    assert!(app.count(&overdue_since(today)).await > 0);
    assert_eq!(
        app.count(&overdue_since(today - time::Duration::days(22))).await,
        0
    );
    assert!(
        app.count("SELECT COUNT(*) FROM deadlines WHERE status = 'done' AND late_working_days > 0")
            .await
            > 0
    );
    assert!(
        app.count("SELECT COUNT(*) FROM cases WHERE status = 'closed'")
            .await
            > 100
    );
    assert!(app.count("SELECT COUNT(*) FROM perpetrator_actions").await > 0);
    // Casework through the case page's services: every record has its timeline entry.
    for (table, kind, at_least) in [
        ("risk_assessments", "risk-assessed", 300),
        ("action_plans", "plan-agreed", 200),
        ("support_measures", "support-recorded", 80),
        ("referrals", "referral-recorded", 20),
        ("legal_dates", "legal-date-added", 1),
    ] {
        let rows = app.count(&format!("SELECT COUNT(*) FROM {table}")).await;
        let entries = app
            .count(&format!(
                "SELECT COUNT(*) FROM timeline_entries WHERE kind = '{kind}'"
            ))
            .await;
        assert!(rows >= at_least, "{table}: {rows}");
        assert_eq!(rows, entries, "{table}");
    }
    // Contacts meet their deadlines: the victim visited and kept updated, witnesses rung,
    // alleged perpetrators interviewed.
    for stage in [
        "victim-interview",
        "victim-update",
        "witnesses-contacted",
        "perpetrator-interviewed",
    ] {
        let done = app
            .count(&format!(
                "SELECT COUNT(*) FROM deadlines WHERE stage = '{stage}' AND status = 'done'"
            ))
            .await;
        assert!(done > 20, "{stage}: {done}");
    }
    // Assessments complete their deadlines; most cases are standard risk, a few high.
    assert!(
        app.count("SELECT COUNT(*) FROM deadlines WHERE stage = 'risk-assessment' AND status = 'done'")
            .await
            > 200
    );
    let level = |l: &str| format!("SELECT COUNT(*) FROM cases WHERE risk_level = '{l}'");
    assert!(app.count(&level("standard")).await > app.count(&level("medium")).await);
    assert!(app.count(&level("medium")).await > app.count(&level("high")).await);
    assert!(app.count(&level("high")).await > 0);
    // A few cases are restricted to the staff who work them.
    let restricted = app.count("SELECT COUNT(*) FROM cases WHERE restricted").await;
    assert!((1..=20).contains(&restricted), "{restricted}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases c WHERE restricted AND owner_id IS NOT NULL \
                   AND NOT EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = c.id AND a.user_id = c.owner_id)")
            .await,
        0
    );
    // No plan action stays open once its deadline is settled; a court date is a deadline.
    assert!(
        app.count("SELECT COUNT(*) FROM plan_actions WHERE status = 'open'")
            .await
            > 0
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM plan_actions a WHERE a.status = 'open' AND NOT EXISTS \
             (SELECT 1 FROM deadlines d WHERE d.case_id = a.case_id AND d.stage = 'plan-action' \
              AND d.occurrence = a.id AND d.status = 'open')"
        )
        .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM legal_dates").await,
        app.count("SELECT COUNT(*) FROM deadlines WHERE stage = 'court-hearing'")
            .await
    );
    assert!(
        app.count("SELECT COUNT(*) FROM case_parties WHERE role = 'victim'")
            .await
            > app
                .count("SELECT COUNT(DISTINCT person_id) FROM case_parties WHERE role = 'victim'")
                .await
    );
    assert!(
        app.count("SELECT COUNT(*) FROM deadlines WHERE status = 'done'")
            .await
            > 0
    );
    // A demo account signs in, and every page says it is demo data.
    let mut c = app.client();
    let res = c.login("demo-manager", "harbour-demo-2026").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Again: reused, not doubled.
    let out = run_cli(
        &[
            "demo",
            "--no-serve",
            "--cases",
            "400",
            "--database-url",
            &app.test_db.url,
        ],
        "unused",
        "",
    );
    assert!(out.status.success());
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 400);

    let real = TestApp::spawn().await;
    real.create_user("someone", Role::Manager).await;
    let out = run_cli(
        &["demo", "--no-serve", "--database-url", &real.test_db.url],
        "unused",
        "",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds real data"));
    assert_eq!(real.count("SELECT COUNT(*) FROM cases").await, 0);
}

#[tokio::test]
async fn an_empty_demo_landlord_takes_a_file_whose_cases_rows_lie_apart() {
    let app = TestApp::spawn().await;
    let url = &app.test_db.url;
    let out = run_cli(
        &["demo", "--no-serve", "--cases", "0", "--database-url", url],
        "",
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
    // Windows-1252 with semicolons, a line break inside a quoted cell, and the second
    // victim of R1 two rows after its first: each case is read again when it is written.
    let mut csv = b"reference;received;area;victim_name;victim_ethnicity;description\r\n".to_vec();
    csv.extend(b"R1;01/02/2025;North Estate;Ren\xe9e;W1;\"shouted\r\nat the door\"\r\n");
    csv.extend(b"R2;03/02/2025;Riverside;Bo;A2;graffiti\r\n");
    csv.extend(b"R1;;;Zo\xeb;B1;\r\n");
    let file = scratch_dir().join("history.csv");
    std::fs::write(&file, csv).unwrap();
    let file = file.display().to_string();
    let out = run_cli(&["import", &file, "--as", "demo-manager"], url, "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 2);
    let r1 = "JOIN cases c ON c.id = x.case_id WHERE c.external_ref = 'R1'";
    let victims = format!(
        "SELECT COUNT(*) FROM case_parties x JOIN people p ON p.id = x.person_id {r1} AND p.name IN ('Renée', 'Zoë') AND x.role = 'victim'"
    );
    assert_eq!(app.count(&victims).await, 2);
    let description =
        format!("SELECT COUNT(*) FROM incidents x {r1} AND x.description LIKE 'shouted_at the door'");
    assert_eq!(app.count(&description).await, 1);
}

#[tokio::test]
async fn a_demo_server_shows_the_banner_on_every_page() {
    let app = TestApp::spawn_with(|s| s.demo = true).await;
    let mut c = app.client();
    assert!(c.get("/login").await.body.contains("Demo data."));
    let app = TestApp::spawn().await;
    assert!(!app.client().get("/login").await.body.contains("Demo data."));
}

#[tokio::test]
async fn a_case_closed_the_day_of_a_late_contact_closes_after_it() {
    let app = TestApp::spawn().await;
    fixtures::area(&app, "North").await;
    let mut c = manager(&app).await;
    let csv = format!("{HEADER}\nR1,1/3/25 08:00,North,Ann,W1,,,,1/3/25 18:30,visit,1/3/25,Resolved,,,,\n");
    let (location, _) = preview(&mut c, &csv).await;
    commit_and_wait(&mut c, &location).await;
    let contact = "(SELECT occurred_at FROM timeline_entries WHERE kind = 'visit')";
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM case_closures WHERE closed_at >= {contact}"
        ))
        .await,
        1,
        "the closure is not before the contact recorded that day"
    );
}

#[tokio::test]
async fn on_sqlite_a_web_import_is_limited_and_points_to_the_command_line() {
    let app = TestApp::spawn().await;
    fixtures::area(&app, "North").await;
    let mut c = manager(&app).await;
    let rows: String = (0..=harbour::import::SQLITE_WEB_LIMIT)
        .map(|i| format!("R{i},1/3/25,North,Person {i},W1,,,,,,,,,,,\n"))
        .collect();
    let (_, page) = preview(&mut c, &format!("{HEADER}\n{rows}")).await;
    let limited = page.body.contains("the web import takes up to 1000 at a time");
    assert_eq!(
        limited,
        !app.test_db.is_postgres(),
        "{}",
        &page.body[..2000.min(page.body.len())]
    );
}

/// A bulk write's timeline entries are held back and written a few hundred at a time:
/// every one arrives, in the order written, across the batch boundary and the remainder;
/// outside a bulk write each is written at once.
#[tokio::test]
async fn a_bulk_writes_timeline_entries_all_arrive_in_the_order_written() {
    use harbour::cases::{
        timeline::{self, Entry},
        visibility::Viewer,
    };
    use harbour::clock::Clock;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let boss = app.create_user("boss", Role::Manager).await;
    fixtures::case(&app, fixtures::CaseSpec::new(boss, area)).await;
    let second = fixtures::case(&app, fixtures::CaseSpec::new(boss, area)).await;
    let cases: Vec<entity::cases::Model> = entity::cases::Entity::find()
        .order_by_asc(entity::cases::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let viewer = Viewer {
        id: boss,
        username: "boss".into(),
        display_name: "Boss".into(),
        role: Role::Manager,
        area_ids: vec![],
    };
    let before = app.count("SELECT COUNT(*) FROM timeline_entries").await;
    let now = app.clock.now();
    let txn = harbour::db::begin(&app.db).await.unwrap();
    let written = 1_203;
    harbour::db::bulk::batched(&txn, async {
        for i in 0..written {
            let case = &cases[i % 2];
            let entry = Entry::contact(case, "note", now, format!("bulk {i}"), None);
            timeline::write(&txn, now, &viewer, &entry).await?;
        }
        // Two full statements written, the rest held until a reader asks for them.
        let in_txn = || entity::timeline_entries::Entity::find().count(&txn);
        assert_eq!(in_txn().await?, before as u64 + 1_000);
        harbour::db::bulk::flush::<entity::timeline_entries::ActiveModel>(&txn).await?;
        assert_eq!(in_txn().await?, before as u64 + written as u64);
        Ok(())
    })
    .await
    .unwrap();
    // Outside a bulk write: at once.
    let entry = Entry::contact(&cases[0], "note", now, "single", None);
    timeline::write(&txn, now, &viewer, &entry).await.unwrap();
    txn.commit().await.unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM timeline_entries").await,
        before + written as i64 + 1
    );
    let bodies: Vec<String> = entity::timeline_entries::Entity::find()
        .filter(entity::timeline_entries::Column::Body.starts_with("bulk "))
        .order_by_asc(entity::timeline_entries::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.body)
        .collect();
    let expected: Vec<String> = (0..written).map(|i| format!("bulk {i}")).collect();
    assert_eq!(bodies, expected);
    let on_second = app
        .count(&format!(
            "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND body LIKE 'bulk %'",
            second.id
        ))
        .await;
    assert_eq!(on_second, 601);

    // A bulk write that fails part way returns the failure; rolled back, nothing of it stays
    // (a full batch of 500 had been written, the rest was held).
    let txn = harbour::db::begin(&app.db).await.unwrap();
    let failed = harbour::db::bulk::batched(&txn, async {
        for i in 0..600 {
            let entry = Entry::contact(&cases[0], "note", now, format!("lost {i}"), None);
            timeline::write(&txn, now, &viewer, &entry).await?;
        }
        Err::<(), _>(sea_orm::DbErr::Custom("the last row was bad".into()))
    })
    .await;
    assert!(failed.is_err());
    txn.rollback().await.unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM timeline_entries WHERE body LIKE 'lost %'")
            .await,
        0
    );
}

/// A case of two rows with two victims: its first contact is with the victim named first,
/// and the further victim is on the case too.
#[tokio::test]
async fn an_imported_first_contact_is_with_the_victim_named_first() {
    let app = north_with_boss().await;
    import_as_boss(
        &app,
        "reference,received,area,victim_name,first_contact\n\
         R1,01/03/2026,North,Zara Zed,02/03/2026 10:00\n\
         R1,01/03/2026,North,Adam Able,02/03/2026 10:00\n",
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM case_parties WHERE role = 'victim'")
            .await,
        2
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM timeline_entries t JOIN people p ON p.id = t.person_id \
             WHERE t.kind = 'phone-call' AND p.name = 'Zara Zed'"
        )
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM timeline_entries WHERE kind = 'phone-call'")
            .await,
        1
    );
}

/// The `officer` column gives each case to that harassment officer: the owner, named on
/// the case (so a restricted case stays theirs), and the timeline says so. A tenancy
/// officer or an unknown username is a problem and nothing is written.
#[tokio::test]
async fn the_officer_column_assigns_each_case_to_its_harassment_officer() {
    let app = TestApp::spawn().await;
    fixtures::area(&app, "North").await;
    let boss = app.create_user("boss", Role::Manager).await;
    let hana = app.create_user("hana", Role::HarassmentOfficer).await;
    app.create_user("tess", Role::TenancyOfficer).await;
    let dir = scratch_dir();
    let file = |name: &str, officer: &str| {
        let path = dir.join(name);
        std::fs::write(
            &path,
            format!(
                "reference,received,area,victim_name,officer\nR1,01/03/2026,North,Ann Ash,{officer}\nR2,02/03/2026,North,Bob Birch,\n"
            ),
        )
        .unwrap();
        path.display().to_string()
    };
    for (officer, problem) in [("tess", "this account is not one"), ("nobody", "nobody")] {
        let out = run_cli(
            &["import", &file("bad.csv", officer), "--as", "boss"],
            &app.test_db.url,
            "",
        );
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("row 2, officer") && stderr.contains(problem),
            "{stderr}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);

    let out = run_cli(
        &["import", &file("good.csv", "HANA"), "--as", "boss"],
        &app.test_db.url,
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let owner = |reference: &str| {
        format!("SELECT COUNT(*) FROM cases WHERE external_ref = '{reference}' AND owner_id = {hana}")
    };
    assert_eq!(app.count(&owner("R1")).await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases WHERE external_ref = 'R2' AND owner_id IS NULL")
            .await,
        1
    );
    // Named on it: the officer and the manager who imported it; on the other, the manager.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM case_access a JOIN cases c ON c.id = a.case_id WHERE c.external_ref = 'R1' AND a.user_id IN ({hana}, {boss})"
        ))
        .await,
        2
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM case_access a JOIN cases c ON c.id = a.case_id WHERE c.external_ref = 'R2'"
        )
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM timeline_entries t JOIN cases c ON c.id = t.case_id WHERE c.external_ref = 'R1' AND t.kind = 'assigned' AND t.body = 'Assigned to hana Test (imported)'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM timeline_entries t JOIN cases c ON c.id = t.case_id WHERE c.external_ref = 'R2' AND t.kind = 'assigned'")
            .await,
        0
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// On PostgreSQL an import's statements are planned for their values, in its transaction
/// only: a generic plan made while the tables were empty made imports slow down as they grew.
#[tokio::test]
async fn an_imports_transaction_plans_each_statement_for_its_values() {
    let app = TestApp::spawn().await;
    if !app.test_db.is_postgres() {
        // Nothing to set on SQLite, and nothing fails.
        let txn = harbour::db::begin(&app.db).await.unwrap();
        harbour::db::plan_for_growing_tables(&txn).await.unwrap();
        return txn.commit().await.unwrap();
    }
    let before = plan_cache_mode(&app.db).await;
    let txn = harbour::db::begin(&app.db).await.unwrap();
    harbour::db::plan_for_growing_tables(&txn).await.unwrap();
    assert_eq!(plan_cache_mode(&txn).await, "force_custom_plan");
    txn.commit().await.unwrap();
    assert_eq!(plan_cache_mode(&app.db).await, before);
}

async fn plan_cache_mode(db: &impl sea_orm::ConnectionTrait) -> String {
    let show = sea_orm::Statement::from_string(db.get_database_backend(), "SHOW plan_cache_mode");
    let row = db.query_one_raw(show).await.unwrap().unwrap();
    row.try_get_by_index::<String>(0).unwrap()
}

/// On SQLite a bulk write (`harbour import`, the demo's filling) keeps its statement
/// journals in memory (a fifth of an import's time was writing them to a temporary
/// file) and a 32 MiB page cache; a server keeps the defaults, so a large sort never
/// grows in memory and four connections' caches stay small.
#[tokio::test]
async fn only_a_bulk_write_keeps_sqlite_temporary_files_and_more_pages_in_memory() {
    let app = TestApp::spawn().await;
    if app.test_db.is_postgres() {
        return;
    }
    use harbour::db::{Work, connect_for};
    use sea_orm::{ConnectionTrait, TransactionTrait};
    for (work, temp_store, cache_size) in [(Work::Serving, 0, -2000), (Work::BulkWrite, 2, -32768)] {
        let db = connect_for(&app.test_db.url, work).await.unwrap();
        // Every pooled connection, not only the first: hold several at once (read-only
        // transactions, so none waits for the write lock).
        #[allow(clippy::disallowed_methods)]
        let txns = [
            db.begin().await.unwrap(),
            db.begin().await.unwrap(),
            db.begin().await.unwrap(),
        ];
        for txn in &txns {
            for (pragma, expected) in [("temp_store", temp_store), ("cache_size", cache_size)] {
                let show =
                    sea_orm::Statement::from_string(txn.get_database_backend(), format!("PRAGMA {pragma}"));
                let row = txn.query_one_raw(show).await.unwrap().unwrap();
                assert_eq!(
                    row.try_get_by_index::<i32>(0).unwrap(),
                    expected,
                    "{work:?} {pragma}"
                );
            }
        }
        for txn in txns {
            txn.rollback().await.unwrap();
        }
        db.close().await.unwrap();
    }
}

/// An import takes its cases' numbers a year at a time: still consecutive in the order
/// received within each year, after the cases the landlord already has, and a case
/// logged afterwards carries on from the last.
#[tokio::test]
async fn an_import_numbers_each_years_cases_on_from_the_landlords_own() {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let boss = app.create_user("boss", Role::Manager).await;
    let spec = |on: time::OffsetDateTime| fixtures::CaseSpec {
        received_at: Some(on),
        ..fixtures::CaseSpec::new(boss, area)
    };
    let before = fixtures::case(&app, spec(time::macros::datetime!(2026-01-10 09:00 UTC))).await;
    assert_eq!(before.reference, "HC-2026-000001");
    import_as_boss(
        &app,
        "reference,received,area,victim_name\n\
         R1,05/06/2025,North,Ann Ash\n\
         R2,01/02/2026,North,Bob Birch\n\
         R3,03/04/2025,North,Cat Cole\n\
         R4,02/02/2026,North,Dev Dale\n",
    );
    for (external, reference) in [
        ("R3", "HC-2025-000001"),
        ("R1", "HC-2025-000002"),
        ("R2", "HC-2026-000002"),
        ("R4", "HC-2026-000003"),
    ] {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM cases WHERE external_ref = '{external}' AND reference = '{reference}'"
            ))
            .await,
            1,
            "{external} is {reference}"
        );
    }
    let after = fixtures::case(&app, spec(time::macros::datetime!(2026-03-01 09:00 UTC))).await;
    assert_eq!(after.reference, "HC-2026-000004");
}

/// A repeat victim whose later row tells more (a postcode) is one person, filled in, and
/// found by every word of theirs: the search terms held back for the first row are
/// replaced with the rest, not written twice.
#[tokio::test]
async fn a_repeat_victim_filled_in_by_a_later_row_is_found_by_all_their_words() {
    let app = north_with_boss().await;
    import_as_boss(
        &app,
        "reference,received,area,victim_name,victim_tenancy_ref,victim_postcode\n\
         R1,01/03/2026,North,Ann Ash,T-100,\n\
         R2,02/03/2026,North,Ann Ash,T-100,LE1 5AB\n",
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people WHERE name = 'Ann Ash'")
            .await,
        1
    );
    let terms = |term: &str| {
        format!(
            "SELECT COUNT(*) FROM person_terms t JOIN people p ON p.id = t.person_id \
             WHERE p.name = 'Ann Ash' AND t.term = '{term}'"
        )
    };
    for term in ["ann", "ash", "le15ab", "le1"] {
        assert_eq!(app.count(&terms(term)).await, 1, "{term}");
    }
}

/// Numbers reserved for a year that run out are taken one at a time after them.
#[tokio::test]
async fn numbers_beyond_those_reserved_carry_on_one_at_a_time() {
    use harbour::cases::reference;
    let app = TestApp::spawn().await;
    let txn = harbour::db::begin(&app.db).await.unwrap();
    let per_year = std::collections::BTreeMap::from([(2026, 1)]);
    let taken = reference::reserving(&txn, &per_year, async {
        Ok(vec![
            reference::next(&txn, 2026).await?,
            reference::next(&txn, 2026).await?,
            reference::next(&txn, 2025).await?,
        ])
    })
    .await
    .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(taken, ["HC-2026-000001", "HC-2026-000002", "HC-2025-000001"]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM case_sequences WHERE year = 2026 AND last_number = 2")
            .await,
        1
    );
}

/// An import asks the database about a person only when someone on record may match
/// (`cases::people::known`): people recorded before it, by an earlier row, or completed
/// by an earlier row are all still found.
#[tokio::test]
async fn people_on_record_before_or_completed_during_an_import_are_matched() {
    let app = north_with_boss().await;
    import_as_boss(
        &app,
        "reference,received,area,victim_name,victim_tenancy_ref,victim_postcode\n\
         R1,01/03/2026,North,Cara Doe,,LE2 2AA\n\
         R2,02/03/2026,North,Dan Fox,T-9,\n",
    );
    import_as_boss(
        &app,
        "reference,received,area,victim_name,victim_tenancy_ref,victim_postcode\n\
         R10,03/03/2026,North,CARA  doe,,le2 2aa\n\
         R11,04/03/2026,North,Daniel Fox,t 9,\n\
         R12,05/03/2026,North,Eve Gray,T-50,\n\
         R13,06/03/2026,North,Eve Gray,T-50,LE3 3CC\n\
         R14,07/03/2026,North,Eve Gray,,LE3 3CC\n\
         R15,08/03/2026,North,Eve Gray,,LE4 4DD\n",
    );
    let people = |name: &str| {
        format!(
            "SELECT COUNT(DISTINCT p.id) FROM people p JOIN case_parties cp ON cp.person_id = p.id \
             WHERE p.name_key = '{name}'"
        )
    };
    // Cara by name and postcode, Dan by tenancy reference, both from the first import.
    assert_eq!(app.count(&people("cara doe")).await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people WHERE tenancy_ref_key = 'T9'")
            .await,
        1
    );
    // Eve: R13 matches R12 by tenancy and adds her postcode, by which R14 finds her; at
    // another postcode and without a tenancy reference (R15) she is someone else.
    assert_eq!(app.count(&people("eve gray")).await, 2);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM case_parties cp JOIN people p ON p.id = cp.person_id \
             WHERE p.tenancy_ref_key = 'T50'"
        )
        .await,
        3
    );
}

/// A file on disk is read from there as the import goes; a pipe can be read only once,
/// so `harbour import /dev/stdin` reads it into memory first and imports it all the same.
#[tokio::test]
async fn the_command_line_imports_from_a_pipe() {
    let app = north_with_boss().await;
    let out = run_cli(
        &["import", "/dev/stdin", "--as", "boss"],
        &app.test_db.url,
        "reference,received,area,victim_name\nP1,01/03/2026,North,Ann Ash\nP2,02/03/2026,North,Bo Ash\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases WHERE external_ref IN ('P1', 'P2')")
            .await,
        2
    );
}

/// An import sets the report triggers aside on SQLite and marks its cases itself: every
/// imported case is marked for the reports, and the triggers are back afterwards.
#[tokio::test]
async fn imported_cases_are_marked_for_the_reports_and_the_triggers_come_back() {
    let app = north_with_boss().await;
    let triggers = if app.test_db.is_postgres() {
        "SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_name LIKE 'rf%'"
    } else {
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rf%'"
    };
    let before = app.count(triggers).await;
    assert!(before > 0);
    import_as_boss(
        &app,
        &format!(
            "{HEADER}\nR1,1/3/25,North,Ann,white-british,,,,,,,,,,,\nR2,2/3/25,North,Bo,black-african,,,,,,,,,,,\n"
        ),
    );
    assert_eq!(app.count(triggers).await, before, "the triggers are back");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM cases WHERE import_id IS NOT NULL \
             AND id IN (SELECT case_id FROM report_facts_stale)"
        )
        .await,
        2,
        "both imported cases are marked"
    );
    harbour::reports::equality::facts::refresh(&app.db).await.unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM report_facts WHERE victims IN ('white-british', 'black-african')")
            .await,
        2
    );
    app.exec("UPDATE people SET ethnicity = 'asian-indian' WHERE name = 'Ann'")
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM report_facts_stale").await,
        1,
        "a later change marks its case"
    );
}
