//! `/compliance` and its drill-down on a HAND-BUILT data set: every deadline is written
//! directly with a known original due time, done time and status, and the expected figures
//! are worked out by hand below (the clock stands at Monday 23 November 2026, 09:00 UTC).
//!
//! Cases: C1 alice, North, P1 · C2 bob, South, P2 · C3 unassigned, North, P2 ·
//! C4 bob, South, P1, RESTRICTED (nobody named).
//!
//! | #  | case | stage                | original due (UTC)   | outcome                            |
//! |----|------|----------------------|----------------------|------------------------------------|
//! | 1  | C1   | initial contact      | 5 Oct 17:00          | done 5 Oct → met                   |
//! | 2  | C2   | initial contact      | 12 Oct 23:59:59      | done 12 Oct → met                  |
//! | 3  | C3   | initial contact      | 20 Oct 23:59:59      | done 21 Oct → late 1               |
//! | 4  | C4   | initial contact      | 2 Nov 23:59:59       | extended to 10 Nov, done 5 Nov → late 3 |
//! | 5  | C1   | initial contact      | 16 Nov 23:59:59      | open → still overdue               |
//! | 6  | C2   | initial contact      | 20 Nov 23:59:59      | open, extended to 30 Nov → still overdue |
//! | 7  | C3   | initial contact      | 25 Oct 12:00         | waived                             |
//! | 8  | C1   | risk assessment      | 7 Oct 23:59:59       | done 6 Oct → met                   |
//! | 9  | C2   | risk assessment      | 30 Nov 23:59:59      | open → not yet due                 |
//! | 10 | C3   | risk assessment      | 9 Oct 23:59:59       | not applicable                     |
//! | 11 | C2   | victim interview     | 14 Oct 23:59:59      | done 20 Oct → late 4               |
//! | 12 | C4   | victim interview     | 10 Dec 23:59:59      | open → not yet due                 |
//! | 13 | C1   | action plan          | 30 Sep 22:30 (London 23:30 30 Sep) | met — outside Q3, inside the year |
//! | 14 | C1   | action plan          | 30 Sep 23:30 (London 00:30 1 Oct)  | done 2 Oct → late 2 — inside Q3  |
//! | 15 | C2   | witnesses contacted  | 15 Jan 2027          | open → not yet due — Q4            |
//! | 16 | C3   | initial contact      | 31 Mar 2026          | met — the previous year            |

use crate::{
    common::{Res, TestApp, html_unescape},
    fixtures::{self, CaseSpec},
};
use entity::{Role, cases, deadlines};
use harbour::{
    cases::{codes, visibility::Viewer},
    reports::compliance::{
        params::Criteria,
        period::{Period, Preset},
        query,
    },
};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use time::{OffsetDateTime, macros::datetime};

struct Data {
    refs: [String; 4],
    north: i32,
    alice: i32,
}

struct Spec {
    case: usize,
    stage: &'static str,
    due: OffsetDateTime,
    status: &'static str,
    done: Option<OffsetDateTime>,
    late: Option<i32>,
    extended_to: Option<OffsetDateTime>,
}

fn spec(case: usize, stage: &'static str, due: OffsetDateTime, status: &'static str) -> Spec {
    Spec {
        case,
        stage,
        due,
        status,
        done: None,
        late: None,
        extended_to: None,
    }
}

impl Spec {
    fn done(mut self, at: OffsetDateTime, late: i32) -> Self {
        self.done = Some(at);
        self.late = Some(late);
        self
    }

    fn extended(mut self, to: OffsetDateTime) -> Self {
        self.extended_to = Some(to);
        self
    }
}

async fn build(app: &TestApp) -> Data {
    let logger = app.create_user("logger", Role::TenancyOfficer).await;
    let alice = app.create_user("alice", Role::HarassmentOfficer).await;
    let bob = app.create_user("bob", Role::HarassmentOfficer).await;
    let north = fixtures::area(app, "North").await;
    let south = fixtures::area(app, "South").await;
    let specs = [
        (Some(alice), north, codes::P1, false),
        (Some(bob), south, codes::P2, false),
        (None, north, codes::P2, false),
        (Some(bob), south, codes::P1, true),
    ];
    let mut made = vec![];
    for (owner, area, priority, restricted) in specs {
        let mut s = CaseSpec::new(logger, area);
        s.owner_id = owner;
        s.priority = priority;
        s.restricted = restricted;
        made.push(fixtures::case(app, s).await);
    }
    // Only the hand-built deadlines below.
    app.exec("DELETE FROM deadlines").await;

    let rows = [
        spec(0, "initial-contact", datetime!(2026-10-05 17:00 UTC), "done")
            .done(datetime!(2026-10-05 10:00 UTC), 0),
        spec(1, "initial-contact", datetime!(2026-10-12 23:59:59 UTC), "done")
            .done(datetime!(2026-10-12 15:00 UTC), 0),
        spec(2, "initial-contact", datetime!(2026-10-20 23:59:59 UTC), "done")
            .done(datetime!(2026-10-21 10:00 UTC), 1),
        spec(3, "initial-contact", datetime!(2026-11-02 23:59:59 UTC), "done")
            .extended(datetime!(2026-11-10 23:59:59 UTC))
            .done(datetime!(2026-11-05 10:00 UTC), 3),
        spec(0, "initial-contact", datetime!(2026-11-16 23:59:59 UTC), "open"),
        spec(1, "initial-contact", datetime!(2026-11-20 23:59:59 UTC), "open")
            .extended(datetime!(2026-11-30 23:59:59 UTC)),
        spec(2, "initial-contact", datetime!(2026-10-25 12:00 UTC), "waived"),
        spec(0, "risk-assessment", datetime!(2026-10-07 23:59:59 UTC), "done")
            .done(datetime!(2026-10-06 12:00 UTC), 0),
        spec(1, "risk-assessment", datetime!(2026-11-30 23:59:59 UTC), "open"),
        spec(
            2,
            "risk-assessment",
            datetime!(2026-10-09 23:59:59 UTC),
            "not-applicable",
        ),
        spec(1, "victim-interview", datetime!(2026-10-14 23:59:59 UTC), "done")
            .done(datetime!(2026-10-20 11:00 UTC), 4),
        spec(3, "victim-interview", datetime!(2026-12-10 23:59:59 UTC), "open"),
        spec(0, "action-plan", datetime!(2026-09-30 22:30 UTC), "done")
            .done(datetime!(2026-09-30 20:00 UTC), 0),
        spec(0, "action-plan", datetime!(2026-09-30 23:30 UTC), "done")
            .done(datetime!(2026-10-02 10:00 UTC), 2),
        spec(
            1,
            "witnesses-contacted",
            datetime!(2027-01-15 23:59:59 UTC),
            "open",
        ),
        spec(2, "initial-contact", datetime!(2026-03-31 22:59:59 UTC), "done")
            .done(datetime!(2026-03-30 10:00 UTC), 0),
    ];
    for (occurrence, row) in rows.into_iter().enumerate() {
        let case = cases::Entity::find_by_id(made[row.case].id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        deadlines::ActiveModel {
            case_id: Set(case.id),
            stage: Set(row.stage.to_owned()),
            occurrence: Set(occurrence as i32 + 1),
            procedure_version_id: Set(case.procedure_version_id),
            // The deadline's priority is its case's here.
            priority: Set(case.priority.clone()),
            unit: Set("working-days".to_owned()),
            amount: Set(1),
            anchored_at: Set(row.due - time::Duration::days(1)),
            original_due_at: Set(row.due),
            due_at: Set(row.extended_to.unwrap_or(row.due)),
            status: Set(row.status.to_owned()),
            done_at: Set(row.done),
            late_working_days: Set(row.late),
            extended_at: Set(row.extended_to.map(|_| row.due - time::Duration::hours(2))),
            extension_reason: Set(row.extended_to.map(|_| "Victim away".to_owned())),
            created_at: Set(row.due - time::Duration::days(1)),
            version: Set(1),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("insert deadline");
    }
    Data {
        refs: made
            .into_iter()
            .map(|c| c.reference)
            .collect::<Vec<_>>()
            .try_into()
            .unwrap(),
        north,
        alice,
    }
}

/// The cells of the row labelled `label` in the table captioned `caption`, as a person
/// reads them (screen-reader-only text removed).
fn row(res: &Res, caption: &str, label: &str) -> Vec<String> {
    let body = &res.body;
    let start = body
        .find(&format!(">{caption}</caption>"))
        .unwrap_or_else(|| panic!("no table {caption}"));
    let end = start + body[start..].find("</table>").unwrap();
    for tr in body[start..end].split(r#"<tr role="row">"#).skip(1) {
        let mut cells: Vec<String> = tr
            .split("<t")
            .skip(1)
            .filter(|c| {
                c.starts_with("h ") || c.starts_with("d ") || c.starts_with("d>") || c.starts_with("h>")
            })
            .map(text)
            .collect();
        if cells.first().map(String::as_str) == Some(label) {
            cells.remove(0);
            return cells;
        }
    }
    panic!("no row {label} in {caption}")
}

fn text(cell: &str) -> String {
    let mut s = cell.to_owned();
    while let Some(i) = s.find(r#"<span class="visually-hidden">"#) {
        let j = i + s[i..].find("</span>").unwrap() + "</span>".len();
        s.replace_range(i..j, "");
    }
    let mut out = String::new();
    let mut in_tag = true; // the cell's own opening tag
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    html_unescape(out.trim())
}

fn cells(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Case references linked from the drill-down's table, in order.
fn listed(res: &Res) -> Vec<String> {
    let table = &res.body[res.body.find("<table").expect("a table")..];
    table
        .split(r#"<a href="/cases/"#)
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn figures_by_stage_officer_area_priority_and_month() {
    let app = TestApp::spawn().await;
    build(&app).await;
    let mut m = app.signed_in(Role::Manager).await;
    let res = m.get("/compliance?period=q3-2026").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Q3 2026 to 2027 (October to December 2026)"));

    // Columns: due, met, late, still overdue, waived, not applicable, not yet due,
    // % on time, median days late, 90th percentile days late.
    let by_stage = "Deadlines by stage";
    // Initial contact: 2 ÷ (2 + 2 + 2) = 33%; lateness 1, 3 → median 2, p90 3. Item 4
    // (done within its extension) is late; item 6 (extended, not done) is overdue.
    assert_eq!(
        row(&res, by_stage, "Initial contact with victim"),
        cells(&["7", "2", "2", "2", "1", "0", "0", "33%", "2", "3"])
    );
    assert_eq!(
        row(&res, by_stage, "Risk assessment completed"),
        cells(&["3", "1", "0", "0", "0", "1", "1", "100%", "–", "–"])
    );
    assert_eq!(
        row(&res, by_stage, "Victim interviewed or visited"),
        cells(&["2", "0", "1", "0", "0", "0", "1", "0%", "4", "4"])
    );
    // Item 14 was due 00:30 on 1 October in London (23:30 UTC on 30 September): in Q3;
    // item 13, 23:30 London on 30 September, is not.
    assert_eq!(
        row(&res, by_stage, "Action plan agreed with victim"),
        cells(&["1", "0", "1", "0", "0", "0", "0", "0%", "2", "2"])
    );
    assert_eq!(
        row(&res, by_stage, "Witnesses contacted"),
        cells(&["0", "0", "0", "0", "0", "0", "0", "–", "–", "–"])
    );
    // Lateness 1, 2, 3, 4: median 2.5, nearest-rank p90 = 4th of 4.
    assert_eq!(
        row(&res, by_stage, "All stages"),
        cells(&["13", "3", "4", "2", "1", "1", "2", "33%", "2.5", "4"])
    );

    let by_officer = "Deadlines by case officer";
    assert_eq!(
        row(&res, by_officer, "alice Test"),
        cells(&["4", "2", "1", "1", "0", "0", "0", "50%", "2", "2"])
    );
    // Bob's include the restricted case's (managers see every case).
    assert_eq!(
        row(&res, by_officer, "bob Test"),
        cells(&["6", "1", "2", "1", "0", "0", "2", "25%", "3.5", "4"])
    );
    assert_eq!(
        row(&res, by_officer, "Unassigned"),
        cells(&["3", "0", "1", "0", "1", "1", "0", "0%", "1", "1"])
    );

    let by_area = "Deadlines by area";
    assert_eq!(
        row(&res, by_area, "North"),
        cells(&["7", "2", "2", "1", "1", "1", "0", "40%", "1.5", "2"])
    );
    assert_eq!(
        row(&res, by_area, "South"),
        cells(&["6", "1", "2", "1", "0", "0", "2", "25%", "3.5", "4"])
    );

    let by_priority = "Deadlines by priority";
    assert_eq!(
        row(&res, by_priority, "Priority 1"),
        cells(&["6", "2", "2", "1", "0", "0", "1", "40%", "2.5", "3"])
    );
    assert_eq!(
        row(&res, by_priority, "Priority 2"),
        cells(&["7", "1", "2", "1", "1", "1", "1", "25%", "2.5", "4"])
    );

    // Month by month: due, met, late, still overdue, % on time.
    let by_month = "Deadlines by month originally due";
    assert_eq!(
        row(&res, by_month, "October 2026"),
        cells(&["8", "3", "3", "0", "50%"])
    );
    assert_eq!(
        row(&res, by_month, "November 2026"),
        cells(&["4", "0", "1", "2", "0%"])
    );
    assert_eq!(
        row(&res, by_month, "December 2026"),
        cells(&["1", "0", "0", "0", "–"])
    );

    // Every count links to the deadlines behind it.
    assert!(
        res.body
            .contains(r#"href="/compliance/cases?period=q3-2026&amp;stage=initial-contact&amp;bucket=late""#)
    );
    assert!(
        res.body
            .contains(r#"href="/compliance/cases?period=q3-2026&amp;officer=unassigned&amp;bucket=due""#)
    );
    assert!(
        res.body
            .contains(r#"href="/compliance/cases?period=q3-2026&amp;month=2026-11&amp;bucket=overdue""#)
    );
    // Accessible tables: row and column headers, captions.
    assert!(
        res.body
            .contains(r#"<th class="table__header" scope="row" data-label="Stage" role="rowheader">"#)
    );
    assert!(res.body.contains("<caption"));
    // No names of people on cases.
    assert!(!res.body.contains("Amina"));
}

#[tokio::test]
async fn periods_select_by_the_original_due_date() {
    let app = TestApp::spawn().await;
    build(&app).await;
    let mut m = app.signed_in(Role::Manager).await;
    let total = "Deadlines by stage";

    // The financial year adds item 13 (30 September) and item 15 (January 2027), not
    // item 16 (March 2026).
    let res = m.get("/compliance?period=fy-2026").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(row(&res, total, "All stages")[0], "15");
    assert_eq!(
        row(&res, total, "Action plan agreed with victim")[..3],
        cells(&["2", "1", "1"])
    );

    // The default: this financial year to date (1 April to 23 November 2026), which
    // leaves out items 9, 12 and 15.
    let res = m.get("/compliance").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(
        r#"<time datetime="2026-04-01">1 Apr 2026</time> to <time datetime="2026-11-23">23 Nov 2026</time>"#
    ));
    assert_eq!(row(&res, total, "All stages")[0], "12");
    assert!(res.body.contains(
        r#"href="/compliance/cases?period=custom&amp;from=2026-04-01&amp;to=2026-11-23&amp;bucket=due""#
    ));

    // Custom dates: October only.
    let res = m
        .get("/compliance?period=custom&from=2026-10-01&to=2026-10-31")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(row(&res, total, "All stages")[..4], cells(&["8", "3", "3", "0"]));
    assert_eq!(
        row(&res, "Deadlines by month originally due", "October 2026")[0],
        "8"
    );

    // The previous year holds only item 16.
    let res = m.get("/compliance?period=q4-2025").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(row(&res, total, "All stages")[..2], cells(&["1", "1"]));

    // Filters narrow the whole dashboard.
    let res = m
        .get("/compliance?period=q3-2026&priority=p1&stage=initial-contact")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(row(&res, total, "All stages")[..4], cells(&["3", "1", "1", "1"]));
}

#[tokio::test]
async fn drill_down_lists_exactly_the_deadlines_behind_a_number() {
    let app = TestApp::spawn().await;
    let data = build(&app).await;
    let [c1, c2, c3, c4] = &data.refs;
    let mut m = app.signed_in(Role::Manager).await;

    let res = m
        .get("/compliance/cases?period=q3-2026&stage=initial-contact&bucket=late")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(listed(&res), vec![c3.clone(), c4.clone()]);
    // The restricted case is marked; the extended one shows its extension.
    assert!(res.body.contains("Restricted"));
    assert!(res.body.contains("Extended to"));

    let res = m
        .get("/compliance/cases?period=q3-2026&stage=initial-contact&bucket=met")
        .await;
    assert_eq!(listed(&res), vec![c1.clone(), c2.clone()]);

    let res = m
        .get("/compliance/cases?period=q3-2026&month=2026-11&bucket=overdue")
        .await;
    assert_eq!(listed(&res), vec![c1.clone(), c2.clone()]);
    // Overdue by working days so far, as the due lists count it, from the original due
    // date: item 5 (due Mon 16 Nov) by Tue 17 – Fri 20 and Mon 23 = 5; item 6 (due Fri
    // 20 Nov, extended) by Mon 23 = 1. Never "–".
    assert!(res.body.contains(">5 so far<"), "{}", res.body);
    assert!(res.body.contains(">1 so far<"), "{}", res.body);

    let res = m
        .get("/compliance/cases?period=q3-2026&officer=unassigned&bucket=due")
        .await;
    assert_eq!(listed(&res), vec![c3.clone(), c3.clone(), c3.clone()]);

    let res = m
        .get(&format!(
            "/compliance/cases?period=q3-2026&area={}&bucket=not-applicable",
            data.north
        ))
        .await;
    assert_eq!(listed(&res), vec![c3.clone()]);

    let res = m
        .get(&format!(
            "/compliance/cases?period=q3-2026&officer={}&bucket=late",
            data.alice
        ))
        .await;
    assert_eq!(listed(&res), vec![c1.clone()]);
    assert!(res.body.contains("alice Test"));

    let res = m.get("/compliance/cases?period=q3-2026&bucket=not-yet-due").await;
    assert_eq!(listed(&res), vec![c2.clone(), c4.clone()]);

    // Outside the period: nothing.
    let res = m.get("/compliance/cases?period=q1-2026&bucket=due").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("No deadlines match."));
    assert!(!res.body.contains("Amina"));
}

#[tokio::test]
async fn restricted_cases_count_only_for_those_who_may_see_them() {
    let app = TestApp::spawn().await;
    build(&app).await;
    let criteria = Criteria::new(Period::of(Preset::Quarter(3, 2026)));
    let viewer = |id, role| Viewer {
        id,
        username: "v".into(),
        display_name: "V".into(),
        role,
        area_ids: vec![],
    };
    let manager = app.create_user("boss", Role::Manager).await;
    let officer = app.create_user("carol", Role::HarassmentOfficer).await;
    let all = query::items(&app.db, &viewer(manager, Role::Manager), &criteria)
        .await
        .unwrap();
    assert_eq!(all.len(), 13);
    // A harassment officer not named on the restricted case: its two deadlines are absent.
    let seen = query::items(&app.db, &viewer(officer, Role::HarassmentOfficer), &criteria)
        .await
        .unwrap();
    assert_eq!(seen.len(), 11);
    assert!(seen.iter().all(|i| !i.restricted));
    let admin = app.create_user("root", Role::Admin).await;
    assert!(
        query::items(&app.db, &viewer(admin, Role::Admin), &criteria)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn invalid_periods_are_shown_on_the_form_with_422() {
    let app = TestApp::spawn().await;
    let mut m = app.signed_in(Role::Manager).await;
    for (query, message) in [
        (
            "period=custom&from=2026-13-01&to=2026-12-31",
            "Enter the start date as a real date",
        ),
        (
            "period=custom&from=2026-12-01&to=2026-11-01",
            "The end date must be the same as or after the start date",
        ),
        ("period=custom&from=2020-01-01&to=2026-01-01", "at most 5 years"),
        ("period=custom&from=&to=2026-01-01", "Enter the start date"),
        ("period=fy-20x6", "Choose a period from the list"),
        ("period=q3-2026&stage=made-up", "Choose a stage from the list"),
        ("period=q3-2026&area=north", "Choose an area from the list"),
    ] {
        let res = m.get(&format!("/compliance?{query}")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(res.body.contains("There is a problem"), "{query}");
        assert!(res.body.contains(message), "{query}: {message}");
        assert!(res.body.contains("<title>Error: "), "{query}");
        assert!(!res.body.contains("Deadlines by stage"), "{query}");
    }
    // What was typed comes back.
    let res = m
        .get("/compliance?period=custom&from=2026-13-01&to=2026-12-31")
        .await;
    assert_eq!(res.input_value("from").as_deref(), Some("2026-13-01"));
    assert_eq!(res.input_value("to").as_deref(), Some("2026-12-31"));
    // The drill-down checks the same, and its own measure and month.
    for query in [
        "period=custom&from=2026-02-30&to=2026-03-01&bucket=late",
        "period=q3-2026&bucket=sometimes",
        "period=q3-2026&bucket=late&month=2026-13",
    ] {
        let res = m.get(&format!("/compliance/cases?{query}")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(res.body.contains("There is a problem"), "{query}");
    }
}

#[tokio::test]
async fn only_managers_see_compliance() {
    let app = TestApp::spawn().await;
    for role in [Role::TenancyOfficer, Role::HarassmentOfficer, Role::Admin] {
        let mut c = app.signed_in(role).await;
        for path in ["/compliance", "/compliance/cases?period=q3-2026&bucket=due"] {
            let res = c.get(path).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{role:?} {path}");
        }
    }
    let mut m = app.signed_in(Role::Manager).await;
    assert_eq!(m.get("/compliance").await.status, StatusCode::OK);
    assert_eq!(
        m.get("/compliance/cases?period=q3-2026&bucket=due").await.status,
        StatusCode::OK
    );
    // Signed out: sent to sign in.
    let res = app.client().get("/compliance").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

/// The measures as the page shows them (lateness order aside).
fn shown(
    m: &harbour::reports::compliance::stats::Measures,
) -> (u64, u64, u64, u64, u64, u64, u64, Option<u32>, Option<u32>) {
    (
        m.due,
        m.met,
        m.late,
        m.overdue,
        m.waived,
        m.not_applicable,
        m.not_yet_due,
        m.median_late_halves(),
        m.p90_late(),
    )
}

#[tokio::test]
async fn the_database_counts_the_same_figures_as_the_deadlines_listed_one_by_one() {
    use harbour::reports::compliance::{params::Officer, stats::Dashboard};
    let app = TestApp::spawn().await;
    let data = build(&app).await;
    let manager = app.create_user("boss", Role::Manager).await;
    let officer = app.create_user("carol", Role::HarassmentOfficer).await;
    let viewers = [(manager, Role::Manager), (officer, Role::HarassmentOfficer)];
    let mut cases = vec![
        Criteria::new(Period::of(Preset::Quarter(3, 2026))),
        Criteria::new(Period::of(Preset::Year(2026))),
        Criteria::new(Period::of(Preset::Year(2025))),
    ];
    let mut narrowed = Criteria::new(Period::of(Preset::Year(2026)));
    narrowed.stage = Some(harbour::procedure::Stage::InitialContact);
    narrowed.priority = Some("p2");
    cases.push(narrowed);
    let mut by_officer = Criteria::new(Period::of(Preset::Year(2026)));
    by_officer.officer = Some(Officer::User(data.alice));
    by_officer.area_id = Some(data.north);
    cases.push(by_officer);
    let mut unassigned = Criteria::new(Period::of(Preset::Quarter(3, 2026)));
    unassigned.officer = Some(Officer::Unassigned);
    cases.push(unassigned);
    let now = app.now();
    for (id, role) in viewers {
        let v = Viewer {
            id,
            username: "v".into(),
            display_name: "V".into(),
            role,
            area_ids: vec![],
        };
        for c in &cases {
            let months = c.period.months();
            let items = query::items(&app.db, &v, c).await.unwrap();
            let one_by_one = Dashboard::build(&items, &months, now);
            let groups = query::groups(&app.db, &v, c, now).await.unwrap();
            let counted = Dashboard::from_groups(&groups, &months);
            assert_eq!(shown(&counted.total), shown(&one_by_one.total), "{role:?} {c:?}");
            let pairs = [
                (
                    counted
                        .by_stage
                        .iter()
                        .map(|(k, m)| (k.clone(), shown(m)))
                        .collect::<Vec<_>>(),
                    one_by_one
                        .by_stage
                        .iter()
                        .map(|(k, m)| (k.clone(), shown(m)))
                        .collect::<Vec<_>>(),
                ),
                (
                    counted
                        .by_officer
                        .iter()
                        .map(|(k, m)| (format!("{k:?}"), shown(m)))
                        .collect(),
                    one_by_one
                        .by_officer
                        .iter()
                        .map(|(k, m)| (format!("{k:?}"), shown(m)))
                        .collect(),
                ),
                (
                    counted
                        .by_area
                        .iter()
                        .map(|(k, m)| (k.to_string(), shown(m)))
                        .collect(),
                    one_by_one
                        .by_area
                        .iter()
                        .map(|(k, m)| (k.to_string(), shown(m)))
                        .collect(),
                ),
                (
                    counted
                        .by_priority
                        .iter()
                        .map(|(k, m)| (k.to_string(), shown(m)))
                        .collect(),
                    one_by_one
                        .by_priority
                        .iter()
                        .map(|(k, m)| (k.to_string(), shown(m)))
                        .collect(),
                ),
                (
                    counted
                        .by_month
                        .iter()
                        .map(|(k, m)| (format!("{k:?}"), shown(m)))
                        .collect(),
                    one_by_one
                        .by_month
                        .iter()
                        .map(|(k, m)| (format!("{k:?}"), shown(m)))
                        .collect(),
                ),
            ];
            for (a, b) in pairs {
                assert_eq!(a, b, "{role:?} {c:?}");
            }
        }
    }
}

#[tokio::test]
async fn on_day_one_work_done_ahead_of_a_later_due_date_is_mentioned() {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let tina = app.create_user("tina", Role::TenancyOfficer).await;
    crate::fixtures::give_area(&app, tina, area).await;
    let created = fixtures::case(
        &app,
        CaseSpec {
            victims: vec![fixtures::PersonSpec::named("Amina Khan")],
            ..CaseSpec::new(tina, area)
        },
    )
    .await;
    // A phone call with the victim now (Mon 23 Nov 09:00) meets two deadlines due after
    // today: initial contact and the first regular victim update.
    let mut officer = app.signed_in_as("tina").await;
    let victim = created.people[0].to_string();
    let res = officer
        .post(
            &format!("/cases/{}/timeline", created.reference),
            &[
                ("kind", "phone-call"),
                ("date", "2026-11-23"),
                ("time", "09:00"),
                ("person_id", &victim),
                ("body", "Called"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mut m = app.signed_in(Role::Manager).await;
    let res = m
        .get("/compliance?period=custom&from=2026-11-01&to=2026-11-23")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body.contains("No deadlines were due in this period yet, but 2 deadlines were met during it ahead of a due date after it"),
        "{}",
        res.body
    );
    // A period that holds the due date counts it as met, and mentions nothing ahead.
    let res = m
        .get("/compliance?period=custom&from=2026-11-01&to=2026-12-31")
        .await;
    assert!(!res.body.contains("ahead of a due date after it"));
}
