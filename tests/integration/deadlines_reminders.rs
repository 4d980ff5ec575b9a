//! The reminder job: notices for overdue and due-soon deadlines, once a day after the
//! reminder hour, by one instance at a time (database lease), digest e-mails to a real SMTP
//! listener carrying no personal data, and the notices page.

use crate::{
    common::TestApp,
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::{Role, cases, closure_days, deadlines, notices};
use harbour::deadlines::reminders::{self, RunOutcome, lease};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};
use std::sync::{Arc, Mutex};
use time::{
    Duration, OffsetDateTime,
    macros::{date, datetime},
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

// ---------------------------------------------------------------------------------------
// A real SMTP listener: enough of RFC 5321 for one client at a time, keeping every message.

#[derive(Clone, Debug)]
struct Mail {
    rcpt: Vec<String>,
    data: String,
}

#[derive(Clone)]
struct Smtp {
    port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl Smtp {
    async fn start() -> Smtp {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(vec![]));
        let keep = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, keep.clone()));
            }
        });
        Smtp { port, mails }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// The one message sent to `address`.
    fn to(&self, address: &str) -> Mail {
        let found: Vec<Mail> = self
            .mails()
            .into_iter()
            .filter(|m| m.rcpt.iter().any(|r| r.contains(address)))
            .collect();
        assert_eq!(found.len(), 1, "messages to {address}: {found:#?}");
        found.into_iter().next().unwrap()
    }
}

async fn session(stream: tokio::net::TcpStream, mails: Arc<Mutex<Vec<Mail>>>) {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let _ = write.write_all(b"220 test.invalid ESMTP ready\r\n").await;
    let mut rcpt = vec![];
    let mut line = String::new();
    loop {
        line.clear();
        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 test.invalid\r\n"
        } else if command.starts_with("MAIL FROM") {
            rcpt.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO") {
            rcpt.push(line.trim_end().to_owned());
            b"250 OK\r\n"
        } else if command.starts_with("DATA") {
            let _ = write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await;
            let mut data = String::new();
            loop {
                line.clear();
                if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            mails.lock().unwrap().push(Mail {
                rcpt: std::mem::take(&mut rcpt),
                data,
            });
            b"250 OK queued\r\n"
        } else if command.starts_with("QUIT") {
            let _ = write.write_all(b"221 Bye\r\n").await;
            return;
        } else if command.starts_with("RSET") || command.starts_with("NOOP") {
            b"250 OK\r\n"
        } else {
            b"502 Command not implemented\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Data: cases from the fixtures, with exactly the deadlines each test needs.

/// Monday 23 November 2026, 09:00 in London (GMT): where the test clock starts.
const START: OffsetDateTime = datetime!(2026-11-23 09:00 UTC);
/// Overdue at the start: due an hour before.
const OVERDUE: OffsetDateTime = datetime!(2026-11-23 08:00 UTC);
/// Due at the end of today.
const TODAY_END: OffsetDateTime = datetime!(2026-11-23 23:59:59 UTC);
/// Due at the end of the next working day (Tuesday).
const NEXT_WORKING_DAY_END: OffsetDateTime = datetime!(2026-11-24 23:59:59 UTC);
/// Due on Wednesday: not yet worth a reminder on Monday.
const LATER: OffsetDateTime = datetime!(2026-11-25 23:59:59 UTC);

struct Officer {
    id: i32,
    email: String,
}

async fn officer(app: &TestApp, name: &str, role: Role) -> Officer {
    let id = app.create_user(name, role).await;
    let email = format!("{name}@staff.example.org");
    app.exec(&format!("UPDATE users SET email = '{email}' WHERE id = {id}"))
        .await;
    Officer { id, email }
}

/// A case whose planned deadlines are replaced by none (add them with [`deadline`]).
async fn case(app: &TestApp, spec: CaseSpec) -> fixtures::Created {
    let created = fixtures::case(app, spec).await;
    app.exec(&format!("DELETE FROM deadlines WHERE case_id = {}", created.id))
        .await;
    created
}

async fn deadline(app: &TestApp, case_id: i32, stage: &str, due_at: OffsetDateTime) -> i32 {
    let case = cases::Entity::find_by_id(case_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    deadlines::ActiveModel {
        case_id: Set(case_id),
        stage: Set(stage.to_owned()),
        occurrence: Set(1),
        procedure_version_id: Set(case.procedure_version_id),
        priority: Set(case.priority.clone()),
        unit: Set("working-days".to_owned()),
        amount: Set(1),
        anchored_at: Set(due_at - Duration::days(1)),
        original_due_at: Set(due_at),
        due_at: Set(due_at),
        status: Set("open".to_owned()),
        created_at: Set(app.now()),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert deadline")
    .id
}

/// (user, deadline, kind, day) of every notice, in a stable order.
async fn all_notices(app: &TestApp) -> Vec<(i32, i32, String, String)> {
    notices::Entity::find()
        .order_by_asc(notices::Column::ForDay)
        .order_by_asc(notices::Column::UserId)
        .order_by_asc(notices::Column::DeadlineId)
        .order_by_asc(notices::Column::Kind)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.user_id, n.deadline_id, n.kind, n.for_day.to_string()))
        .collect()
}

fn ran(outcome: RunOutcome) -> reminders::Counts {
    match outcome {
        RunOutcome::Ran(counts) => counts,
        other => panic!("expected a run, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn notices_go_to_the_responsible_officer_for_overdue_and_due_soon_deadlines() {
    let app = TestApp::spawn().await;
    assert_eq!(app.now(), START);
    let area = fixtures::area(&app, "North").await;
    let logger = app.create_user("tina", Role::TenancyOfficer).await;
    let owner = app.create_user("harry", Role::HarassmentOfficer).await;
    let gone = app.create_user("gone", Role::HarassmentOfficer).await;

    let owned = case(
        &app,
        CaseSpec {
            owner_id: Some(owner),
            ..CaseSpec::new(logger, area)
        },
    )
    .await;
    let overdue = deadline(&app, owned.id, "initial-contact", OVERDUE).await;
    let today = deadline(&app, owned.id, "risk-assessment", TODAY_END).await;
    let tomorrow = deadline(&app, owned.id, "victim-interview", NEXT_WORKING_DAY_END).await;
    let _later = deadline(&app, owned.id, "action-plan", LATER).await;
    let done = deadline(&app, owned.id, "graffiti-removal", OVERDUE).await;
    app.exec(&format!(
        "UPDATE deadlines SET status = 'done', done_at = original_due_at WHERE id = {done}"
    ))
    .await;

    // Unassigned: the officer who logged it answers for it.
    let unassigned = case(&app, CaseSpec::new(logger, area)).await;
    let logger_overdue = deadline(&app, unassigned.id, "initial-contact", OVERDUE).await;

    // A closed case and a case whose officer has left make no notices.
    let closed = case(
        &app,
        CaseSpec {
            owner_id: Some(owner),
            status: "closed",
            ..CaseSpec::new(logger, area)
        },
    )
    .await;
    deadline(&app, closed.id, "closure-letter", OVERDUE).await;
    let leavers = case(
        &app,
        CaseSpec {
            owner_id: Some(gone),
            ..CaseSpec::new(logger, area)
        },
    )
    .await;
    deadline(&app, leavers.id, "initial-contact", OVERDUE).await;
    app.exec(&format!("UPDATE users SET active = false WHERE id = {gone}"))
        .await;

    let counts = ran(reminders::run_due(&app.state(), "instance-a").await.unwrap());
    assert_eq!(counts.notices, 4);
    assert_eq!(
        (counts.emails, counts.email_failures),
        (0, 0),
        "e-mail is off by default"
    );
    let day = "2026-11-23".to_owned();
    let mut expected = vec![
        (owner, overdue, "overdue".to_owned(), day.clone()),
        (owner, today, "due-soon".to_owned(), day.clone()),
        (owner, tomorrow, "due-soon".to_owned(), day.clone()),
        (logger, logger_overdue, "overdue".to_owned(), day.clone()),
    ];
    expected.sort_by_key(|(u, d, k, _)| (*u, *d, k.clone()));
    assert_eq!(all_notices(&app).await, expected);
    assert_eq!(unread(&app, owner).await, 3);
    assert_eq!(unread(&app, logger).await, 1);
    assert_eq!(unread(&app, gone).await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM job_runs WHERE name = 'reminders' AND notices = 4")
            .await,
        1
    );
    assert_eq!(app.audit_count("reminders.run").await, 1);
}

#[tokio::test]
async fn due_soon_looks_over_the_weekend_to_the_next_working_day() {
    let app = TestApp::spawn().await;
    // Friday 27 November 2026, 09:00.
    app.clock.advance(Duration::days(4));
    let area = fixtures::area(&app, "North").await;
    let logger = app.create_user("tina", Role::TenancyOfficer).await;
    let c = case(&app, CaseSpec::new(logger, area)).await;
    let sunday = deadline(&app, c.id, "victim-update", datetime!(2026-11-29 23:59:59 UTC)).await;
    let monday = deadline(&app, c.id, "risk-assessment", datetime!(2026-11-30 23:59:59 UTC)).await;
    let tuesday = deadline(&app, c.id, "victim-interview", datetime!(2026-12-01 23:59:59 UTC)).await;
    deadline(&app, c.id, "action-plan", datetime!(2026-12-02 23:59:59 UTC)).await;
    // The landlord is closed on Monday 30 November: Tuesday is the next working day.
    closure_days::ActiveModel {
        day: Set(date!(2026 - 11 - 30)),
        label: Set("Staff training".to_owned()),
        created_at: Set(app.now()),
        created_by: Set(logger),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let counts = ran(reminders::run_due(&app.state(), "a").await.unwrap());
    assert_eq!(counts.notices, 3);
    let notices: Vec<(i32, String)> = all_notices(&app).await.into_iter().map(|n| (n.1, n.2)).collect();
    let soon = "due-soon".to_owned();
    assert_eq!(
        notices,
        vec![(sunday, soon.clone()), (monday, soon.clone()), (tuesday, soon)]
    );
}

#[tokio::test]
async fn runs_once_a_day_after_the_reminder_hour() {
    let smtp = Smtp::start().await;
    let url = smtp.url();
    let app = TestApp::spawn_with(|s| {
        s.smtp_url = Some(url);
        s.reminder_hour = 10;
    })
    .await;
    let area = fixtures::area(&app, "North").await;
    let harry = officer(&app, "harry", Role::HarassmentOfficer).await;
    let c = case(
        &app,
        CaseSpec {
            owner_id: Some(harry.id),
            ..CaseSpec::new(harry.id, area)
        },
    )
    .await;
    deadline(&app, c.id, "initial-contact", OVERDUE).await;
    deadline(&app, c.id, "victim-interview", LATER).await;
    let state = app.state();

    // 09:00 London: before the reminder hour, nothing happens.
    assert_eq!(
        reminders::run_due(&state, "a").await.unwrap(),
        RunOutcome::BeforeReminderHour
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM notices").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM job_runs WHERE name = 'reminders'")
            .await,
        0
    );
    assert!(smtp.mails().is_empty());

    // 10:00: the day's run.
    app.advance_minutes(60);
    let first = ran(reminders::run_due(&state, "a").await.unwrap());
    assert_eq!((first.notices, first.emails, first.email_failures), (1, 1, 0));
    assert_eq!(smtp.mails().len(), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM job_runs WHERE notices = 1 AND emails = 1")
            .await,
        1
    );

    // Later the same day (and after a restart, under another name): nothing more.
    app.advance_minutes(5 * 60);
    assert_eq!(
        reminders::run_due(&state, "a").await.unwrap(),
        RunOutcome::AlreadyRan
    );
    app.advance_minutes(10);
    assert_eq!(
        reminders::run_due(&state, "b").await.unwrap(),
        RunOutcome::AlreadyRan
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM notices").await, 1);
    assert_eq!(smtp.mails().len(), 1, "no second digest the same day");

    // Next morning (Tuesday 10:00): the overdue deadline again, and Wednesday's is now due
    // by the end of the next working day; one more digest.
    app.clock
        .advance(Duration::days(1) - Duration::minutes(5 * 60 + 10));
    let second = ran(reminders::run_due(&state, "b").await.unwrap());
    assert_eq!((second.notices, second.emails), (2, 1), "{second:?}");
    let by_day: Vec<(String, String)> = all_notices(&app).await.into_iter().map(|n| (n.3, n.2)).collect();
    assert_eq!(
        by_day,
        vec![
            ("2026-11-23".to_owned(), "overdue".to_owned()),
            ("2026-11-24".to_owned(), "overdue".to_owned()),
            ("2026-11-24".to_owned(), "due-soon".to_owned()),
        ]
    );
    assert_eq!(smtp.mails().len(), 2);
    assert!(
        smtp.mails()[1]
            .data
            .contains("Subject: Harbour: 1 overdue, 1 due soon")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM job_runs WHERE name = 'reminders'")
            .await,
        2
    );
}

#[tokio::test]
async fn digest_names_references_and_stages_and_no_personal_data() {
    let smtp = Smtp::start().await;
    let url = smtp.url();
    let app = TestApp::spawn_with(|s| s.smtp_url = Some(url)).await;
    let area = fixtures::area(&app, "Riverside").await;
    let harry = officer(&app, "harry", Role::HarassmentOfficer).await;
    let hana = officer(&app, "hana", Role::HarassmentOfficer).await;
    let no_email = app.create_user("nomail", Role::HarassmentOfficer).await;

    let victim = PersonSpec::named("Zebedee Quillfeather")
        .at("17 Marigold Terrace, Lowtown", "ZZ9 9ZZ")
        .tenancy("TEN-778899");
    let a = case(
        &app,
        CaseSpec {
            owner_id: Some(harry.id),
            victims: vec![victim],
            witnesses: vec![PersonSpec::named("Philomena Wrexhall")],
            perpetrators: vec![PersonSpec::named("Barnaby Grimsditch")],
            description: "Sprayed slurs on the purple door of the bakery".to_owned(),
            ..CaseSpec::new(harry.id, area)
        },
    )
    .await;
    deadline(&app, a.id, "initial-contact", OVERDUE).await;
    deadline(&app, a.id, "risk-assessment", NEXT_WORKING_DAY_END).await;
    let b = case(
        &app,
        CaseSpec {
            owner_id: Some(hana.id),
            ..CaseSpec::new(hana.id, area)
        },
    )
    .await;
    deadline(&app, b.id, "action-plan", TODAY_END).await;
    let c = case(
        &app,
        CaseSpec {
            owner_id: Some(no_email),
            ..CaseSpec::new(no_email, area)
        },
    )
    .await;
    deadline(&app, c.id, "initial-contact", OVERDUE).await;

    let counts = ran(reminders::run_due(&app.state(), "a").await.unwrap());
    assert_eq!((counts.notices, counts.emails, counts.email_failures), (4, 2, 0));
    assert_eq!(smtp.mails().len(), 2, "one digest per officer with an address");

    let to_harry = smtp.to(&harry.email).data;
    assert!(
        to_harry.contains("Subject: Harbour: 1 overdue, 1 due soon"),
        "{to_harry}"
    );
    assert!(
        to_harry.contains(&format!(
            "{}: Initial contact with victim, due Mon 23 Nov 2026, 08:00",
            a.reference
        )),
        "{to_harry}"
    );
    assert!(
        to_harry.contains(&format!(
            "{}: Risk assessment completed, due Tue 24 Nov 2026, 23:59",
            a.reference
        )),
        "{to_harry}"
    );
    assert!(
        to_harry.contains(&format!("{}/deadlines", app.base)),
        "{to_harry}"
    );
    assert!(
        to_harry.contains("From: Harbour <harbour@localhost>"),
        "{to_harry}"
    );
    assert!(
        to_harry.contains("Date: Mon, 23 Nov 2026 09:00:00 +0000"),
        "{to_harry}"
    );
    assert!(!to_harry.contains(&b.reference) && !to_harry.contains(&c.reference));
    for personal in [
        "Zebedee",
        "Quillfeather",
        "Marigold",
        "Lowtown",
        "ZZ9",
        "TEN-778899",
        "Philomena",
        "Wrexhall",
        "Barnaby",
        "Grimsditch",
        "purple",
        "bakery",
        "Sprayed",
        "Riverside",
        "harry Test",
        "Amina",
    ] {
        assert!(!to_harry.contains(personal), "{personal:?} in {to_harry}");
    }

    let to_hana = smtp.to(&hana.email).data;
    assert!(to_hana.contains("Subject: Harbour: 1 due soon"), "{to_hana}");
    assert!(
        to_hana.contains(&format!("{}: Action plan agreed with victim", b.reference)),
        "{to_hana}"
    );
    assert!(!to_hana.contains(&a.reference));
    assert!(
        !to_hana.contains("Amina") && !to_hana.contains("Khan"),
        "{to_hana}"
    );
}

/// Every active manager gets the day's audit anchor, deadlines or not; officers' digests do
/// not carry it, and a deactivated manager gets nothing.
#[tokio::test]
async fn managers_digests_carry_the_days_audit_anchor() {
    let smtp = Smtp::start().await;
    let url = smtp.url();
    let app = TestApp::spawn_with(|s| s.smtp_url = Some(url)).await;
    let area = fixtures::area(&app, "Riverside").await;
    let harry = officer(&app, "harry", Role::HarassmentOfficer).await;
    let mo = officer(&app, "mo", Role::Manager).await;
    let gone = officer(&app, "gone", Role::Manager).await;
    app.exec(&format!("UPDATE users SET active = FALSE WHERE id = {}", gone.id))
        .await;
    let a = case(
        &app,
        CaseSpec {
            owner_id: Some(harry.id),
            victims: vec![PersonSpec::named("Zebedee Quillfeather")],
            ..CaseSpec::new(harry.id, area)
        },
    )
    .await;
    deadline(&app, a.id, "initial-contact", OVERDUE).await;

    let counts = ran(reminders::run_due(&app.state(), "a").await.unwrap());
    assert_eq!((counts.emails, counts.email_failures), (2, 0));
    let anchor = harbour::audit::anchors::stored(&app.db, date!(2026 - 11 - 23))
        .await
        .unwrap()
        .expect("today's anchor");
    let line = format!("\r\nAudit trail anchor for 2026-11-23:\r\n{anchor}\r\n");
    let to_mo = smtp.to(&mo.email).data;
    assert!(to_mo.contains("Subject: Harbour: no deadlines"), "{to_mo}");
    assert!(to_mo.contains(&line), "{to_mo}");
    assert!(!to_mo.contains("Zebedee"), "{to_mo}");
    let to_harry = smtp.to(&harry.email).data;
    assert!(!to_harry.contains("Audit trail anchor"), "{to_harry}");
    assert!(
        smtp.mails()
            .iter()
            .all(|m| m.rcpt.iter().all(|r| !r.contains(&gone.email)))
    );
    // The line is what `harbour audit head` printed then, and verify accepts it.
    let out = crate::common::run_cli(
        &["audit", "verify", "--anchor", &anchor.to_string()],
        &app.test_db.url,
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn a_failing_smtp_server_is_counted_and_not_retried() {
    // A port with nothing listening.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let app = TestApp::spawn_with(|s| s.smtp_url = Some(url)).await;
    let area = fixtures::area(&app, "North").await;
    let harry = officer(&app, "harry", Role::HarassmentOfficer).await;
    let c = case(
        &app,
        CaseSpec {
            owner_id: Some(harry.id),
            ..CaseSpec::new(harry.id, area)
        },
    )
    .await;
    deadline(&app, c.id, "initial-contact", OVERDUE).await;

    let counts = ran(reminders::run_due(&app.state(), "a").await.unwrap());
    assert_eq!((counts.notices, counts.emails, counts.email_failures), (1, 0, 1));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM notices").await,
        1,
        "the notice stands"
    );
    app.advance_minutes(1);
    assert_eq!(
        reminders::run_due(&app.state(), "a").await.unwrap(),
        RunOutcome::AlreadyRan
    );
}

#[tokio::test]
async fn two_instances_at_once_run_the_day_once() {
    let smtp = Smtp::start().await;
    let url = smtp.url();
    let app = TestApp::spawn_with(|s| s.smtp_url = Some(url)).await;
    let area = fixtures::area(&app, "North").await;
    let harry = officer(&app, "harry", Role::HarassmentOfficer).await;
    let hana = officer(&app, "hana", Role::HarassmentOfficer).await;
    for owner in [&harry, &hana] {
        let c = case(
            &app,
            CaseSpec {
                owner_id: Some(owner.id),
                ..CaseSpec::new(owner.id, area)
            },
        )
        .await;
        deadline(&app, c.id, "initial-contact", OVERDUE).await;
        deadline(&app, c.id, "risk-assessment", TODAY_END).await;
    }
    // Two application instances: separate states (and, on PostgreSQL, separate pools) over
    // one database.
    let one = app.state();
    let other_db = harbour::db::connect(&app.test_db.url).await.unwrap();
    let two = harbour::state::AppState::new(other_db, app.clock.clone(), app.settings.clone());

    let (a, b) = tokio::join!(
        reminders::run_due(&one, "instance-one"),
        reminders::run_due(&two, "instance-two")
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        [a, b].iter().filter(|o| o.ran()).count(),
        1,
        "exactly one instance ran: {a:?} {b:?}"
    );
    assert!(
        [a, b].contains(&RunOutcome::NotLeaseHolder),
        "the other did not get the lease: {a:?} {b:?}"
    );
    let counts = if a.ran() { a.counts() } else { b.counts() };
    assert_eq!((counts.notices, counts.emails), (4, 2));
    assert_eq!(app.count("SELECT COUNT(*) FROM notices").await, 4);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM job_runs WHERE name = 'reminders'")
            .await,
        1
    );
    assert_eq!(smtp.mails().len(), 2);
    smtp.to(&harry.email);
    smtp.to(&hana.email);

    // Both keep ticking through the day: nothing more is made or sent.
    for _ in 0..3 {
        app.advance_minutes(1);
        let (a, b) = tokio::join!(
            reminders::run_due(&one, "instance-one"),
            reminders::run_due(&two, "instance-two")
        );
        assert!(!a.unwrap().ran() && !b.unwrap().ran());
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM notices").await, 4);
    assert_eq!(smtp.mails().len(), 2);
}

#[tokio::test]
async fn a_released_lease_is_taken_over_at_once_and_only_its_holder_releases_it() {
    let app = TestApp::spawn().await;
    let now = app.now();
    let ttl = lease::TTL;
    assert!(
        lease::acquire(&app.db, "reminders", "one", now, ttl)
            .await
            .unwrap()
    );
    lease::release(&app.db, "reminders", "two").await.unwrap();
    assert!(
        !lease::acquire(&app.db, "reminders", "two", now, ttl)
            .await
            .unwrap()
    );
    lease::release(&app.db, "reminders", "one").await.unwrap();
    assert!(
        lease::acquire(&app.db, "reminders", "two", now, ttl)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_lease_is_held_until_it_expires_then_another_instance_takes_over() {
    let app = TestApp::spawn().await;
    let now = app.now();
    let ttl = lease::TTL;
    assert!(
        lease::acquire(&app.db, "reminders", "one", now, ttl)
            .await
            .unwrap()
    );
    assert!(
        !lease::acquire(&app.db, "reminders", "two", now, ttl)
            .await
            .unwrap()
    );
    // The holder renews; the other still cannot take it while it is unexpired.
    app.advance_minutes(4);
    assert!(
        lease::acquire(&app.db, "reminders", "one", app.now(), ttl)
            .await
            .unwrap()
    );
    app.advance_minutes(4);
    assert!(
        !lease::acquire(&app.db, "reminders", "two", app.now(), ttl)
            .await
            .unwrap()
    );
    assert_eq!(
        reminders::run_due(&app.state(), "two").await.unwrap(),
        RunOutcome::NotLeaseHolder
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM job_runs WHERE name = 'reminders'")
            .await,
        0
    );
    // The holder stops renewing (it crashed): after the lease expires the other takes over.
    app.advance_minutes(2);
    assert!(
        lease::acquire(&app.db, "reminders", "two", app.now(), ttl)
            .await
            .unwrap()
    );
    assert!(
        !lease::acquire(&app.db, "reminders", "one", app.now(), ttl)
            .await
            .unwrap()
    );
    assert!(reminders::run_due(&app.state(), "two").await.unwrap().ran());
    // Leases are per job name.
    assert!(
        lease::acquire(&app.db, "other-job", "one", app.now(), ttl)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn notices_page_shows_the_officers_own_notices_on_cases_they_may_see() {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let tina = app.create_user("tina", Role::TenancyOfficer).await;
    let harry = app.create_user("harry", Role::HarassmentOfficer).await;
    fixtures::give_area(&app, tina, area).await;

    let mine = case(&app, CaseSpec::new(tina, area)).await;
    deadline(&app, mine.id, "initial-contact", OVERDUE).await;
    deadline(&app, mine.id, "risk-assessment", NEXT_WORKING_DAY_END).await;
    // Tina logged this restricted case but is not named on it: she may not see it.
    let hidden = case(
        &app,
        CaseSpec {
            restricted: true,
            ..CaseSpec::new(tina, area)
        },
    )
    .await;
    deadline(&app, hidden.id, "initial-contact", OVERDUE).await;
    let harrys = case(
        &app,
        CaseSpec {
            owner_id: Some(harry),
            ..CaseSpec::new(tina, area)
        },
    )
    .await;
    deadline(&app, harrys.id, "initial-contact", OVERDUE).await;

    assert_eq!(
        ran(reminders::run_due(&app.state(), "a").await.unwrap()).notices,
        4
    );

    let mut client = app.signed_in_as("tina").await;
    let page = client.get("/deadlines/notices").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<h1 class=\"heading-xl\">Notices</h1>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("href=\"/cases/{}\"", mine.reference)),
        "{}",
        page.body
    );
    assert!(page.body.contains("Initial contact with victim"));
    assert!(page.body.contains("Risk assessment completed"));
    assert!(page.body.contains("Overdue") && page.body.contains("Due soon"));
    assert!(
        page.body.contains("datetime=\"2026-11-23T08:00:00Z\""),
        "{}",
        page.body
    );
    assert_eq!(page.body.matches(">New<").count(), 2, "{}", page.body);
    assert!(!page.body.contains(&hidden.reference), "restricted case shown");
    assert!(
        !page.body.contains(&harrys.reference),
        "another officer's notice shown"
    );
    assert!(!page.body.contains("Amina"), "no names on the notices page");

    // Her count beside the link is what the page lists: not the restricted case's notice.
    assert_eq!(unread(&app, tina).await, 3, "three stored");
    let due = client.get("/deadlines").await;
    assert!(due.body.contains("Reminders (2 unread)"), "{}", due.body);

    let res = client.post("/deadlines/notices/read", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), Some("/deadlines/notices"));
    assert_eq!(unread(&app, tina).await, 0);
    assert_eq!(unread(&app, harry).await, 1, "only her own");
    let page = client.get("/deadlines/notices").await;
    assert!(page.body.contains("Notices marked as read."), "{}", page.body);
    assert_eq!(page.body.matches(">New<").count(), 0);
    assert!(!page.body.contains("Mark all as read"));
    assert!(page.body.contains(&mine.reference), "read notices stay listed");

    // A fortnight later they are gone from the page.
    app.clock.advance(Duration::days(15));
    let page = app.signed_in_as("tina").await.get("/deadlines/notices").await;
    assert!(page.body.contains("You have no notices."), "{}", page.body);

    // Someone with no notices; an administrator may not look.
    let mut manager = app.signed_in(Role::Manager).await;
    assert!(
        manager
            .get("/deadlines/notices")
            .await
            .body
            .contains("You have no notices.")
    );
    let mut admin = app.signed_in(Role::Admin).await;
    assert_eq!(
        admin.get("/deadlines/notices").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin.post("/deadlines/notices/read", &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

/// Notices stored unread for `user`, whatever they may see.
async fn unread(app: &TestApp, user: i32) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM notices WHERE user_id = {user} AND read_at IS NULL"
    ))
    .await
}

#[tokio::test]
async fn marking_read_needs_the_form_token() {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let harry = app.create_user("harry", Role::HarassmentOfficer).await;
    let c = case(
        &app,
        CaseSpec {
            owner_id: Some(harry),
            ..CaseSpec::new(harry, area)
        },
    )
    .await;
    deadline(&app, c.id, "initial-contact", OVERDUE).await;
    assert!(reminders::run_due(&app.state(), "a").await.unwrap().ran());
    let mut client = app.signed_in_as("harry").await;
    let res = client
        .post_raw(
            "/deadlines/notices/read",
            &[],
            &[("sec-fetch-site", "same-origin"), ("origin", &app.base)],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(unread(&app, harry).await, 1);
}

#[test]
fn help_documents_the_reminder_settings() {
    let out = crate::common::run_cli(&["serve", "--help"], "sqlite::memory:", "");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "HARBOUR_SMTP_URL",
        "HARBOUR_SMTP_FROM",
        "HARBOUR_REMINDER_HOUR",
        "HARBOUR_JOB_INSTANCE",
    ] {
        assert!(help.contains(var), "serve --help mentions {var}:\n{help}");
    }
}
