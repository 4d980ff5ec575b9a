//! The home page: an officer's open cases and deadlines overdue or due today (theirs only,
//! through the visibility filter), a manager's team counts and this quarter's headline
//! figures (worked out by hand below), no case reference for roles without case access,
//! and friendly text instead of empty tables.
//!
//! The clock is Monday 23 November 2026, 09:00 GMT (London = UTC): quarter 3 of 2026–27
//! (October to December 2026). Priority 2 timescales from a report on Monday 16 November
//! at 10:00: initial contact due Tue 17 (4 working days overdue now), risk assessment due
//! Thu 19 (2 working days overdue), victim interview due Mon 23 (today), action plan due
//! Mon 30 November.

use crate::{
    common::{Res, TestApp},
    fixtures::{self, CaseSpec},
};
use entity::{Role, deadlines};
use harbour::cases::codes;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use time::{OffsetDateTime, macros::datetime};

const IC: &str = "Initial contact with victim";
const RA: &str = "Risk assessment completed";
const VI: &str = "Victim interviewed or visited";

async fn home(app: &TestApp, username: &str) -> Res {
    let res = app.signed_in_as(username).await.get("/").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res
}

/// The HTML of the home page's section headed by `heading_id`.
fn section<'a>(res: &'a Res, heading_id: &str) -> &'a str {
    let start = res
        .body
        .find(&format!("aria-labelledby=\"{heading_id}\""))
        .unwrap_or_else(|| panic!("no section {heading_id} in {}", res.body));
    let end = start + res.body[start..].find("</section>").expect("section end");
    &res.body[start..end]
}

/// The row of a section's table for this case and stage, if listed there.
fn due_row<'a>(res: &'a Res, heading_id: &str, reference: &str, stage: &str) -> Option<&'a str> {
    section(res, heading_id)
        .split("<tr>")
        .find(|r| r.contains(&format!("/cases/{reference}#deadlines")) && r.contains(stage))
}

/// | case | logged by | area  | owner | restricted  | received        |
/// |------|-----------|-------|-------|-------------|-----------------|
/// | c1   | tom       | north | hana  |             | Mon 16 Nov 10:00 |
/// | c2   | tom       | north | –     |             | Fri 20 Nov 10:00 |
/// | c3   | tia       | south | omar  |             | Mon 16 Nov 10:00 |
/// | c4   | tom       | north | –     | yes, nobody | Mon 16 Nov 10:00 |
/// | c5   | tia       | south | –     |             | Mon 16 Nov 10:00 |
/// All priority 2, open.
#[tokio::test]
async fn an_officer_sees_their_open_cases_and_deadlines_and_nothing_they_may_not_see() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let south = fixtures::area(&app, "South").await;
    let hana = app.create_user("hana", Role::HarassmentOfficer).await;
    fixtures::give_area(&app, hana, north).await;
    let omar = app.create_user("omar", Role::HarassmentOfficer).await;
    let tom = app.create_user("tom", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tom, north).await;
    let tia = app.create_user("tia", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tia, south).await;
    let monday = datetime!(2026-11-16 10:00 UTC);
    let spec = |logged_by, area, owner, received: OffsetDateTime| CaseSpec {
        owner_id: owner,
        priority: codes::P2,
        received_at: Some(received),
        ..CaseSpec::new(logged_by, area)
    };
    let mut c = vec![];
    for s in [
        spec(tom, north, Some(hana), monday),
        spec(tom, north, None, datetime!(2026-11-20 10:00 UTC)),
        spec(tia, south, Some(omar), monday),
        CaseSpec {
            restricted: true,
            ..spec(tom, north, None, monday)
        },
        spec(tia, south, None, monday),
    ] {
        c.push(fixtures::case(&app, s).await.reference);
    }

    // Hana owns c1: overdue initial contact and risk assessment, the interview due today.
    let res = home(&app, "hana").await;
    let cases = section(&res, "your-cases-heading");
    assert!(cases.contains("Your open cases (1)"), "{cases}");
    assert!(cases.contains(&format!("href=\"/cases/{}\"", c[0])));
    assert!(
        cases.contains(IC),
        "the next deadline is the overdue initial contact: {cases}"
    );
    assert!(cases.contains("/cases?tab=mine&amp;status=open&amp;sort=deadline"));
    assert!(section(&res, "home-overdue-heading").contains("Overdue (2)"));
    let ic = due_row(&res, "home-overdue-heading", &c[0], IC).expect("initial contact overdue");
    assert!(ic.contains("4 working days"), "{ic}");
    let ra = due_row(&res, "home-overdue-heading", &c[0], RA).expect("risk assessment overdue");
    assert!(ra.contains("2 working days"), "{ra}");
    assert!(section(&res, "home-due-today-heading").contains("Due today (1)"));
    assert!(due_row(&res, "home-due-today-heading", &c[0], VI).is_some());
    assert!(res.body.contains("href=\"/deadlines#overdue\""));
    // Not hers (c2: tom's, unassigned; c3, c5: south), or restricted (c4).
    for other in &c[1..] {
        assert!(!res.body.contains(other.as_str()), "{other} on hana's home");
    }

    // Tom, a tenancy officer, has the cases he logged in his area, and answers for the
    // unassigned one (c2, initial contact due today); never the restricted c4 he logged,
    // nor the south's.
    let res = home(&app, "tom").await;
    let cases = section(&res, "your-cases-heading");
    assert!(cases.contains("Your open cases (2)"), "{cases}");
    assert!(cases.contains(&c[0]) && cases.contains(&c[1]));
    assert!(section(&res, "home-overdue-heading").contains("Nothing overdue."));
    assert!(section(&res, "home-due-today-heading").contains("Due today (1)"));
    assert!(due_row(&res, "home-due-today-heading", &c[1], IC).is_some());
    for hidden in [&c[2], &c[3], &c[4]] {
        assert!(!res.body.contains(hidden.as_str()), "{hidden} on tom's home");
    }
    // The links stay, below the summary.
    let summary = res.body.find("your-cases-heading").unwrap();
    let links = res.body.find("Everything you can do").expect("links heading");
    assert!(summary < links);
    assert!(res.body[links..].contains("href=\"/deadlines\""));
}

/// An open deadline (or done at `done`) on a case, as the plan would have made it.
async fn deadline(
    app: &TestApp,
    case_id: i32,
    stage: &str,
    due: OffsetDateTime,
    status: &str,
    done: Option<OffsetDateTime>,
) {
    let version = app
        .count("SELECT CAST(procedure_version_id AS BIGINT) FROM cases ORDER BY id LIMIT 1")
        .await as i32;
    deadlines::ActiveModel {
        case_id: Set(case_id),
        stage: Set(stage.to_owned()),
        occurrence: Set(1),
        procedure_version_id: Set(version),
        priority: Set(codes::P2.to_owned()),
        unit: Set("working-days".to_owned()),
        amount: Set(1),
        anchored_at: Set(due),
        original_due_at: Set(due),
        due_at: Set(due),
        status: Set(status.to_owned()),
        done_at: Set(done),
        late_working_days: Set(done.filter(|d| *d > due).map(|_| 2)),
        created_at: Set(due),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert deadline");
}

/// | case | received     | status | hate | owner | restricted | in Q3: opened, closed |
/// |------|--------------|--------|------|-------|------------|-----------------------|
/// | a    | Mon 5 Oct    | open   | yes  | hana  |            | opened                |
/// | b    | Tue 10 Nov   | open   | no   | –     |            | opened (triage)       |
/// | c    | Fri 20 Nov   | closed | yes  | –     |            | opened and closed     |
/// | d    | Tue 15 Sep   | closed | yes  | –     |            | closed                |
/// | e    | Sun 1 Nov    | open   | no   | –     | yes        | opened (triage)       |
/// | f    | Fri 20 Mar   | open   | no   | hana  |            | neither               |
///
/// Opened 4 (a, b, c, e), involving hate 2 (a, c), closed 2 (c, d: closed "now"), in
/// triage 2 (b, e). Deadlines (the planned ones replaced by these):
/// a: initial contact due 6 Oct, done on time; risk assessment due 8 Oct, done 12 Oct
///    (late); interview due Fri 20 Nov, open (overdue); action plan due today, open;
/// b: initial contact due 11 Nov, done on time; risk assessment due 16 Nov, open (overdue);
///    interview due 13 Nov, waived;
/// e: initial contact due 2 Nov, open (overdue);
/// f: manager review due 29 Sep (last quarter), open (overdue).
/// Compliance this quarter: met 2, late 1, still overdue 3 → 2 of 6, 33 %. The team's
/// overdue deadlines now: a's interview, b's assessment, e's and f's → 4.
#[tokio::test]
async fn a_manager_sees_the_teams_overdue_count_and_this_quarters_figures() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let hana = app.create_user("hana", Role::HarassmentOfficer).await;
    let tom = app.create_user("tom", Role::TenancyOfficer).await;
    app.create_user("max", Role::Manager).await;
    app.create_user("eve", Role::EqualityLead).await;
    app.create_user("ada", Role::Admin).await;
    let spec = |received: OffsetDateTime, status, hate, owner| CaseSpec {
        owner_id: owner,
        priority: codes::P2,
        received_at: Some(received),
        status,
        hate,
        ..CaseSpec::new(tom, north)
    };
    let mut ids = vec![];
    let mut refs = vec![];
    for s in [
        spec(datetime!(2026-10-05 10:00 UTC), codes::OPEN, true, Some(hana)),
        spec(datetime!(2026-11-10 10:00 UTC), codes::OPEN, false, None),
        spec(datetime!(2026-11-20 10:00 UTC), codes::CLOSED, true, None),
        spec(datetime!(2026-09-15 10:00 UTC), codes::CLOSED, true, None),
        CaseSpec {
            restricted: true,
            ..spec(datetime!(2026-11-01 10:00 UTC), codes::OPEN, false, None)
        },
        spec(datetime!(2026-03-20 10:00 UTC), codes::OPEN, false, Some(hana)),
    ] {
        let created = fixtures::case(&app, s).await;
        ids.push(created.id);
        refs.push(created.reference);
    }
    app.exec("DELETE FROM deadlines").await;
    let end = |d: OffsetDateTime| d.replace_time(time::macros::time!(23:59:59));
    let (a, b, e, f) = (ids[0], ids[1], ids[4], ids[5]);
    let noon = |d: OffsetDateTime| Some(d.replace_time(time::macros::time!(12:00)));
    for (case, stage, due, status, done) in [
        (
            a,
            "initial-contact",
            datetime!(2026-10-06 00:00 UTC),
            "done",
            Some(datetime!(2026-10-06 00:00 UTC)),
        ),
        (
            a,
            "risk-assessment",
            datetime!(2026-10-08 00:00 UTC),
            "done",
            Some(datetime!(2026-10-12 00:00 UTC)),
        ),
        (
            a,
            "victim-interview",
            datetime!(2026-11-20 00:00 UTC),
            "open",
            None,
        ),
        (a, "action-plan", datetime!(2026-11-23 00:00 UTC), "open", None),
        (
            b,
            "initial-contact",
            datetime!(2026-11-11 00:00 UTC),
            "done",
            Some(datetime!(2026-11-11 00:00 UTC)),
        ),
        (
            b,
            "risk-assessment",
            datetime!(2026-11-16 00:00 UTC),
            "open",
            None,
        ),
        (
            b,
            "victim-interview",
            datetime!(2026-11-13 00:00 UTC),
            "waived",
            None,
        ),
        (
            e,
            "initial-contact",
            datetime!(2026-11-02 00:00 UTC),
            "open",
            None,
        ),
        (f, "manager-review", datetime!(2026-09-29 00:00 UTC), "open", None),
    ] {
        deadline(&app, case, stage, end(due), status, done.and_then(noon)).await;
    }

    let res = home(&app, "max").await;
    let team = section(&res, "team-heading");
    assert!(
        team.contains("<span class=\"headline-figures__value\">4</span>"),
        "{team}"
    );
    assert!(team.contains("deadlines overdue"));
    assert!(team.contains("href=\"/deadlines?view=team#overdue\""));
    assert!(
        team.contains("<span class=\"headline-figures__value\">2</span>")
            && team.contains("cases waiting in triage"),
        "{team}"
    );
    let quarter = section(&res, "quarter-heading");
    assert!(
        quarter.contains("Q3 2026 to 2027 (October to December 2026)"),
        "{quarter}"
    );
    for (value, label) in [
        ("4", "Cases opened"),
        ("2", "Cases involving hate incidents"),
        ("2", "Cases closed"),
        ("33%", "Deadlines met on time (2 of 6 due so far)"),
    ] {
        let figure = format!(
            "<span class=\"headline-figures__value\">{value}</span><span class=\"headline-figures__label\">{label}"
        );
        assert!(quarter.contains(&figure), "{figure} in {quarter}");
    }
    assert!(quarter.contains("href=\"/compliance?period=q3-2026\""));
    assert!(quarter.contains("href=\"/reports?period=q3-2026\""));
    // The manager owns no case and answers for no deadline: no "your work" section.
    assert!(!res.body.contains("your-cases-heading"));
    // The equality lead: the same quarter in publication mode (every count here is 1–4),
    // and never a case reference; the administrator: the links alone.
    let res = home(&app, "eve").await;
    let quarter = section(&res, "quarter-heading");
    assert_eq!(quarter.matches("[c]</span>").count(), 3, "{quarter}");
    assert!(!quarter.contains("Deadlines met on time"));
    assert!(!res.body.contains("team-heading") && !res.body.contains("your-cases-heading"));
    let admin = home(&app, "ada").await;
    assert!(!admin.body.contains("quarter-heading") && !admin.body.contains("Everything you can do"));
    for res in [&res, &admin] {
        assert!(!res.body.contains("HC-2026-"), "a case reference: {}", res.body);
        for r in &refs {
            assert!(!res.body.contains(r.as_str()));
        }
    }
    // The figures are kept only while nothing changes: a report logged now counts at once.
    let mut max = app.signed_in_as("max").await;
    let logged = crate::cases_intake::report(north)
        .post(&mut max, "/cases/new")
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
    let again = home(&app, "max").await;
    let figure = "<span class=\"headline-figures__value\">5</span><span class=\"headline-figures__label\">Cases opened";
    assert!(
        section(&again, "quarter-heading").contains(figure),
        "{}",
        again.body
    );
}

#[tokio::test]
async fn an_empty_system_says_nothing_is_due_instead_of_empty_tables() {
    let app = TestApp::spawn().await;
    app.create_user("hana", Role::HarassmentOfficer).await;
    app.create_user("max", Role::Manager).await;

    let res = home(&app, "hana").await;
    for text in [
        "You have no open cases.",
        "Nothing overdue.",
        "Nothing due today.",
    ] {
        assert!(res.body.contains(text), "{text}");
    }
    assert!(!res.body.contains("<table"), "{}", res.body);

    let res = home(&app, "max").await;
    assert!(section(&res, "team-heading").contains("0</span>"));
    assert!(section(&res, "quarter-heading").contains("(0 of 0 due so far)"));
    assert!(!res.body.contains("<table"), "{}", res.body);
}

/// An officer with more overdue deadlines than the page shows: the heading counts them all,
/// the table shows the ten due soonest, and the link says how many the due list holds.
#[tokio::test]
async fn a_big_caseload_shows_the_soonest_ten_and_counts_every_one() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let hana = app.create_user("hana", Role::HarassmentOfficer).await;
    // Six cases from Monday 16 November: each has its initial contact (due Tue 17) and risk
    // assessment (Thu 19) overdue and its interview due today: 12 overdue, 6 due today.
    for _ in 0..6 {
        fixtures::case(
            &app,
            CaseSpec {
                owner_id: Some(hana),
                priority: codes::P2,
                received_at: Some(datetime!(2026-11-16 10:00 UTC)),
                ..CaseSpec::new(hana, north)
            },
        )
        .await;
    }
    let res = home(&app, "hana").await;
    let overdue = section(&res, "home-overdue-heading");
    assert!(overdue.contains("Overdue (12)"), "{overdue}");
    let rows: Vec<&str> = overdue.split("<tr ").skip(2).collect();
    assert_eq!(rows.len(), 10, "ten rows shown: {overdue}");
    // Soonest due first: the six initial contacts, then four of the risk assessments.
    assert_eq!(rows.iter().filter(|r| r.contains(IC)).count(), 6);
    assert_eq!(rows.iter().filter(|r| r.contains(RA)).count(), 4);
    assert!(overdue.contains("All 12 in your due list"), "{overdue}");
    // A screen reader hears how many of how many the table holds.
    assert!(
        overdue.contains("Overdue: the 10 due soonest of 12 deadlines"),
        "{overdue}"
    );
    let today = section(&res, "home-due-today-heading");
    assert!(today.contains("Due today (6)"), "{today}");
    assert_eq!(today.split("<tr ").skip(2).count(), 6);
    assert!(today.contains(">Your due list<"), "{today}");
    assert!(today.contains("Due today, 6 deadlines"), "{today}");
}

#[tokio::test]
async fn open_cases_come_soonest_deadline_first_and_cases_with_none_last() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let hana = app.create_user("hana", Role::HarassmentOfficer).await;
    fixtures::give_area(&app, hana, north).await;
    let spec = |priority, received| CaseSpec {
        owner_id: Some(hana),
        priority,
        received_at: Some(received),
        ..CaseSpec::new(hana, north)
    };
    // Oldest and priority 1, but nothing left due; then a priority 2 case whose deadlines
    // run from a week later, and one from a day later still.
    let quiet = fixtures::case(&app, spec(codes::P1, datetime!(2026-11-09 10:00 UTC))).await;
    let later = fixtures::case(&app, spec(codes::P2, datetime!(2026-11-18 10:00 UTC))).await;
    let sooner = fixtures::case(&app, spec(codes::P2, datetime!(2026-11-17 10:00 UTC))).await;
    app.exec(&format!(
        "UPDATE deadlines SET status = 'done' WHERE case_id = {}",
        quiet.id
    ))
    .await;
    let res = home(&app, "hana").await;
    let cases = section(&res, "your-cases-heading");
    let at = |r: &str| cases.find(&format!("href=\"/cases/{r}\"")).expect(r);
    assert!(at(&sooner.reference) < at(&later.reference), "{cases}");
    assert!(at(&later.reference) < at(&quiet.reference), "{cases}");
    assert!(cases.contains("Your open cases (3)"), "{cases}");
    // The caseload sorts the same way.
    let mut c = app.signed_in_as("hana").await;
    let list = c.get("/cases?tab=mine&status=open&sort=deadline").await.body;
    let at = |r: &str| list.find(&format!("href=\"/cases/{r}\"")).expect(r);
    assert!(at(&sooner.reference) < at(&later.reference));
    assert!(at(&later.reference) < at(&quiet.reference));
}

/// A manager sees the team's figures and, when they answer for cases themselves, their own
/// work beside them; a manager with none sees only the team's.
#[tokio::test]
async fn a_manager_with_cases_of_their_own_sees_them_beside_the_team() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let tom = app.create_user("tom", Role::TenancyOfficer).await;
    let max = app.create_user("max", Role::Manager).await;
    app.create_user("mo", Role::Manager).await;
    fixtures::case(
        &app,
        CaseSpec {
            owner_id: Some(max),
            ..CaseSpec::new(tom, north)
        },
    )
    .await;

    let res = home(&app, "max").await;
    assert!(section(&res, "team-heading").contains("Your team"));
    assert!(section(&res, "your-cases-heading").contains("Your open cases (1)"));
    let res = home(&app, "mo").await;
    assert!(section(&res, "team-heading").contains("Your team"));
    assert!(!res.body.contains("your-cases-heading"), "{}", res.body);
}
