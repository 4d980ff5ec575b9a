//! Due lists (`/deadlines`): the three groups around a known calendar, own lists and
//! other officers', unassigned cases for their logger, managers' officer and team views,
//! visibility of restricted cases (in rows and counts), access and bad parameters.
//!
//! The clock starts on Monday 23 November 2026, 09:00 GMT (London = UTC). In England and
//! Wales working days 1–5 after it are Tue 24 to Mon 30 November. Priority 2 timescales:
//! initial contact 1 working day, risk assessment 3, victim interview 5, action plan 10,
//! regular victim update 10, manager review 56 calendar days.

use crate::{
    common::{Res, TestApp},
    fixtures::{self, CaseSpec},
};
use entity::{Role, case_access, deadlines};
use harbour::{calendar::Division, cases::codes};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use time::{OffsetDateTime, macros::datetime};

const IC: &str = "Initial contact with victim";
const RA: &str = "Risk assessment completed";
const VI: &str = "Victim interviewed or visited";
const AP: &str = "Action plan agreed with victim";
const VU: &str = "Regular victim update";
const MR: &str = "Manager case review";

/// | case | logged by | area  | owner | priority | restricted    | received (UTC)   |
/// |------|-----------|-------|-------|----------|---------------|------------------|
/// | c1   | tom       | north | hana  | P2       |               | Mon 16 Nov 10:00 |
/// | c2   | tom       | north | hana  | P2       |               | Fri 20 Nov 10:00 |
/// | c3   | tom       | north | –     | P1       |               | Mon 23 Nov 08:00 |
/// | c4   | tia       | south | omar  | P2       |               | Mon 16 Nov 10:00 |
/// | c5   | tom       | north | –     | P2       | yes, nobody   | Mon 16 Nov 10:00 |
/// | c6   | tia       | south | –     | P2       | yes, tia named| Mon 16 Nov 10:00 |
struct World {
    app: TestApp,
    hana: i32,
    tom: i32,
    admin: i32,
    c: Vec<String>,
    ids: Vec<i32>,
}

impl World {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        let north = fixtures::area(&app, "North").await;
        let south = fixtures::area(&app, "South").await;
        let hana = app.create_user("hana", Role::HarassmentOfficer).await;
        fixtures::give_area(&app, hana, north).await;
        let omar = app.create_user("omar", Role::HarassmentOfficer).await;
        fixtures::give_area(&app, omar, south).await;
        let tom = app.create_user("tom", Role::TenancyOfficer).await;
        fixtures::give_area(&app, tom, north).await;
        let tia = app.create_user("tia", Role::TenancyOfficer).await;
        fixtures::give_area(&app, tia, south).await;
        let maya = app.create_user("maya", Role::Manager).await;
        fixtures::give_area(&app, maya, north).await;
        app.create_user("max", Role::Manager).await;
        let admin = app.create_user("ada", Role::Admin).await;

        let spec = |logged_by, area, owner, received: OffsetDateTime| CaseSpec {
            owner_id: owner,
            priority: codes::P2,
            received_at: Some(received),
            ..CaseSpec::new(logged_by, area)
        };
        let monday = datetime!(2026-11-16 10:00 UTC);
        let specs = vec![
            spec(tom, north, Some(hana), monday),
            spec(tom, north, Some(hana), datetime!(2026-11-20 10:00 UTC)),
            CaseSpec {
                priority: codes::P1,
                ..spec(tom, north, None, datetime!(2026-11-23 08:00 UTC))
            },
            spec(tia, south, Some(omar), monday),
            CaseSpec {
                restricted: true,
                ..spec(tom, north, None, monday)
            },
            CaseSpec {
                restricted: true,
                named: vec![tia],
                ..spec(tia, south, None, monday)
            },
        ];
        let mut c = vec![];
        let mut ids = vec![];
        for s in specs {
            let created = fixtures::case(&app, s).await;
            c.push(created.reference);
            ids.push(created.id);
        }
        World {
            app,
            hana,
            tom,
            admin,
            c,
            ids,
        }
    }
}

/// The HTML of a group's section: "overdue", "due-today" or "due-soon".
fn section<'a>(res: &'a Res, id: &str) -> &'a str {
    let start = res
        .body
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id} in {}", res.body));
    let end = start + res.body[start..].find("</section>").expect("section end");
    &res.body[start..end]
}

/// The group's heading count, e.g. 2 from "Overdue (2)".
fn count(res: &Res, id: &str) -> usize {
    let s = section(res, id);
    let h = &s[s.find("<h2").expect("heading")..];
    let h = &h[..h.find("</h2>").unwrap()];
    let open = h.rfind('(').expect("count");
    h[open + 1..h.rfind(')').unwrap()].parse().expect("number")
}

/// The table rows of a group's section.
fn rows<'a>(res: &'a Res, id: &str) -> Vec<&'a str> {
    section(res, id).split(r#"<tr role="row">"#).skip(2).collect()
}

/// The row of a group for this case and stage, if listed there.
fn row<'a>(res: &'a Res, id: &str, reference: &str, stage: &str) -> Option<&'a str> {
    rows(res, id)
        .into_iter()
        .find(|r| r.contains(&format!("/cases/{reference}#deadlines")) && r.contains(stage))
}

fn listed(res: &Res, id: &str, reference: &str, stage: &str) -> bool {
    row(res, id, reference, stage).is_some()
}

/// Whether the case appears anywhere on the page.
fn anywhere(res: &Res, reference: &str) -> bool {
    res.body.contains(&format!("/cases/{reference}#deadlines"))
}

#[tokio::test]
async fn an_officers_list_groups_their_open_deadlines_around_today() {
    let w = World::new().await;
    let (c1, c2) = (&w.c[0], &w.c[1]);
    let mut hana = w.app.signed_in_as("hana").await;
    let res = hana.get("/deadlines").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Your deadlines"));

    // c1, received Mon 16: initial contact was due Tue 17 and risk assessment Thu 19.
    assert_eq!(count(&res, "overdue"), 2);
    assert_eq!(rows(&res, "overdue").len(), 2);
    let ic = row(&res, "overdue", c1, IC).expect("c1 initial contact overdue");
    assert!(ic.contains("4 working days"), "{ic}");
    assert!(ic.contains("Overdue"), "{ic}");
    assert!(ic.contains("Priority 2"), "{ic}");
    assert!(
        ic.contains(r#"<time datetime="2026-11-17T23:59:59Z">17 Nov 2026, 23:59</time>"#),
        "{ic}"
    );
    let ra = row(&res, "overdue", c1, RA).expect("c1 risk assessment overdue");
    assert!(ra.contains("2 working days"), "{ra}");

    // Due today: c1's interview (5 WD from Mon 16) and c2's first contact (1 WD from Fri 20).
    assert_eq!(count(&res, "due-today"), 2);
    assert!(listed(&res, "due-today", c1, VI));
    assert!(listed(&res, "due-today", c2, IC));
    assert!(row(&res, "due-today", c2, IC).unwrap().contains(">Open<"));

    // Within 5 working days (to the end of Mon 30): c1's action plan and update (10 WD),
    // c2's risk assessment (Wed 25) and interview (Fri 27).
    assert_eq!(count(&res, "due-soon"), 4);
    for (reference, stage) in [(c1, AP), (c1, VU), (c2, RA), (c2, VI)] {
        assert!(listed(&res, "due-soon", reference, stage), "{reference} {stage}");
    }
    // Beyond: c2's action plan (Fri 4 Dec) and the manager reviews are not listed.
    assert!(!listed(&res, "due-soon", c2, AP));
    assert!(!res.body.contains(MR));
    assert!(res.body.contains("30 Nov 2026"));

    // Other officers' cases are not in hana's list.
    for other in &w.c[2..] {
        assert!(!anywhere(&res, other), "{other}");
    }
    // Own lists have no officer column.
    assert!(!res.body.contains(">Officer<"));
    // The reminders link.
    assert!(res.body.contains(r#"href="/deadlines/notices""#));
    assert!(res.body.contains("Reminders (0 unread)"));
}

#[tokio::test]
async fn groups_move_as_the_clock_and_the_calendar_do() {
    let w = World::new().await;
    let (c1, c2) = (&w.c[0], &w.c[1]);

    // Tuesday 24 Nov, 09:00: yesterday's deadlines are now overdue by one working day.
    // (Signed in afresh whenever the clock jumps: idle sessions expire.)
    w.app.advance_minutes(24 * 60);
    let mut hana = w.app.signed_in_as("hana").await;
    let res = hana.get("/deadlines").await;
    assert_eq!(count(&res, "overdue"), 4);
    let ic = row(&res, "overdue", c2, IC).expect("c2 initial contact overdue");
    assert!(ic.contains("1 working day<"), "{ic}");
    assert!(row(&res, "overdue", c1, IC).unwrap().contains("5 working days"));
    assert!(listed(&res, "overdue", c1, VI));
    assert_eq!(count(&res, "due-today"), 0);
    assert!(section(&res, "due-today").contains("Nothing due today."));
    assert_eq!(count(&res, "due-soon"), 4);

    // Back to Monday, where day 5 is Mon 30: a deadline at the end of Tue 1 Dec is beyond…
    w.app.clock.advance(time::Duration::minutes(-24 * 60));
    let mut hana = w.app.signed_in_as("hana").await;
    let ap = deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(w.ids[1]))
        .filter(deadlines::Column::Stage.eq("action-plan"))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    let mut ap: deadlines::ActiveModel = ap.into();
    ap.due_at = Set(datetime!(2026-12-01 23:59:59 UTC));
    ap.update(&w.app.db).await.unwrap();
    let res = hana.get("/deadlines").await;
    assert!(!listed(&res, "due-soon", c2, AP));
    assert_eq!(count(&res, "due-soon"), 4);

    // …until the landlord works to Scotland's calendar, where Mon 30 Nov (St Andrew's Day)
    // is a holiday and day 5 is Tue 1 Dec.
    harbour::deadlines::calendar_settings::save_division(&w.app.db, Division::Scotland, w.app.now(), w.admin)
        .await
        .unwrap();
    let res = hana.get("/deadlines").await;
    assert!(listed(&res, "due-soon", c2, AP));
    assert_eq!(count(&res, "due-soon"), 5);
    assert!(res.body.contains("1 Dec 2026"));
}

#[tokio::test]
async fn done_waived_and_inapplicable_deadlines_are_not_listed() {
    let w = World::new().await;
    let c1 = &w.c[0];
    let mut hana = w.app.signed_in_as("hana").await;
    let res = hana.get("/deadlines").await;
    assert!(listed(&res, "overdue", c1, IC));
    assert!(listed(&res, "overdue", c1, RA));
    assert!(listed(&res, "due-today", c1, VI));

    let set = |stage: &'static str, status: &'static str| {
        let db = w.app.db.clone();
        let case_id = w.ids[0];
        let now = w.app.now();
        async move {
            let d = deadlines::Entity::find()
                .filter(deadlines::Column::CaseId.eq(case_id))
                .filter(deadlines::Column::Stage.eq(stage))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let mut d: deadlines::ActiveModel = d.into();
            d.status = Set(status.to_owned());
            d.done_at = Set((status == "done").then_some(now));
            d.update(&db).await.unwrap();
        }
    };
    set("initial-contact", "done").await;
    set("risk-assessment", "waived").await;
    set("victim-interview", "not-applicable").await;
    let res = hana.get("/deadlines").await;
    assert!(!listed(&res, "overdue", c1, IC));
    assert!(!listed(&res, "overdue", c1, RA));
    assert!(!listed(&res, "due-today", c1, VI));
    assert_eq!(count(&res, "overdue"), 0);
    assert!(section(&res, "overdue").contains("Nothing overdue."));
    assert_eq!(count(&res, "due-today"), 1);
}

#[tokio::test]
async fn an_unassigned_case_is_on_its_loggers_list_and_restricted_cases_only_for_those_named() {
    let w = World::new().await;
    let (c3, c5, c6) = (&w.c[2], &w.c[4], &w.c[5]);

    // tom logged c3 (unassigned, P1, received today 08:00): first contact due in 24 hours.
    let mut tom = w.app.signed_in_as("tom").await;
    let res = tom.get("/deadlines").await;
    assert_eq!(res.status, StatusCode::OK);
    let ic = row(&res, "due-soon", c3, IC).expect("c3 initial contact for its logger");
    assert!(ic.contains("Priority 1"), "{ic}");
    assert!(ic.contains(r#"datetime="2026-11-24T08:00:00Z""#), "{ic}");
    // c1 and c2 were logged by tom but have an officer: not his.
    assert!(!anywhere(&res, &w.c[0]));
    assert!(!anywhere(&res, &w.c[1]));
    // c5 is unassigned and logged by tom, but restricted without naming him: absent, and
    // not counted.
    assert!(!anywhere(&res, c5));
    assert_eq!(count(&res, "overdue"), 0);
    assert!(section(&res, "overdue").contains("Nothing overdue."));
    assert_eq!(count(&res, "due-today"), 0);

    // tia is named on restricted c6, which she logged: she sees its deadlines.
    let mut tia = w.app.signed_in_as("tia").await;
    let res = tia.get("/deadlines").await;
    assert!(listed(&res, "overdue", c6, IC));
    assert!(listed(&res, "overdue", c6, RA));
    assert_eq!(count(&res, "overdue"), 2);
    assert!(!anywhere(&res, &w.c[3]), "omar's case");

    // Once tom is named on c5, it is on his list.
    case_access::Entity::insert(case_access::ActiveModel {
        case_id: Set(w.ids[4]),
        user_id: Set(w.tom),
        added_at: Set(w.app.now()),
        added_by: Set(None),
    })
    .exec_without_returning(&w.app.db)
    .await
    .unwrap();
    let res = tom.get("/deadlines").await;
    assert!(listed(&res, "overdue", c5, IC));
    assert_eq!(count(&res, "overdue"), 2);
}

#[tokio::test]
async fn managers_see_any_officers_list_and_their_teams() {
    let w = World::new().await;
    let c = &w.c;
    let mut maya = w.app.signed_in_as("maya").await;

    // Her own list is empty; the choice of officers lists active case workers only.
    let res = maya.get("/deadlines").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(count(&res, "overdue"), 0);
    assert!(
        res.body
            .contains(&format!(r#"<option value="{}">hana Test</option>"#, w.hana))
    );
    assert!(res.body.contains("tom Test"));
    assert!(!res.body.contains("ada Test"), "administrators are not officers");
    assert!(res.body.contains(r#"href="/deadlines?view=team""#));

    // hana's list, as hana sees it.
    let res = maya.get(&format!("/deadlines?officer={}", w.hana)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Deadlines: hana Test"));
    assert!(res.body.contains(&format!(
        r#"<option value="{}" selected>hana Test</option>"#,
        w.hana
    )));
    assert_eq!(count(&res, "overdue"), 2);
    assert_eq!(count(&res, "due-today"), 2);
    assert_eq!(count(&res, "due-soon"), 4);
    assert!(listed(&res, "overdue", &c[0], IC));
    assert!(!anywhere(&res, &c[3]));

    // tom's list: managers see restricted c5 as well as c3.
    let res = maya.get(&format!("/deadlines?officer={}", w.tom)).await;
    assert!(listed(&res, "overdue", &c[4], IC));
    assert!(listed(&res, "due-soon", &c[2], IC));
    assert_eq!(count(&res, "overdue"), 2);

    // The team: every case in maya's area (north), assigned or not, with its officer.
    let res = maya.get("/deadlines?view=team").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Team deadlines"));
    assert!(res.body.contains(">Officer<"));
    assert_eq!(count(&res, "overdue"), 4);
    let ic = row(&res, "overdue", &c[0], IC).unwrap();
    assert!(ic.contains("hana Test"), "{ic}");
    let ic = row(&res, "overdue", &c[4], IC).unwrap();
    assert!(ic.contains("Unassigned – logged by tom Test"), "{ic}");
    assert!(listed(&res, "due-soon", &c[2], IC));
    assert!(!anywhere(&res, &c[3]), "south");
    assert!(!anywhere(&res, &c[5]), "south");
    // Grouped by officer: hana's rows before the unassigned ones tom logged.
    let overdue = section(&res, "overdue");
    assert!(overdue.find(&c[0]).unwrap() < overdue.find(&c[4]).unwrap());

    // A manager with no areas sees the whole team.
    let mut max = w.app.signed_in_as("max").await;
    let res = max.get("/deadlines?view=team").await;
    assert_eq!(count(&res, "overdue"), 8);
    for reference in [&c[0], &c[3], &c[4], &c[5]] {
        assert!(listed(&res, "overdue", reference, IC), "{reference}");
    }
    assert!(row(&res, "overdue", &c[3], IC).unwrap().contains("omar Test"));
}

#[tokio::test]
async fn only_managers_may_see_other_lists_and_admins_none() {
    let w = World::new().await;
    for user in ["hana", "tom"] {
        let mut client = w.app.signed_in_as(user).await;
        assert_eq!(client.get("/deadlines").await.status, StatusCode::OK, "{user}");
        let res = client.get(&format!("/deadlines?officer={}", w.hana)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{user}");
        assert!(!anywhere(&res, &w.c[0]));
        let res = client.get("/deadlines?view=team").await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{user}");
        // No manager's controls on their own page.
        let res = client.get("/deadlines").await;
        assert!(!res.body.contains("view=team"), "{user}");
        assert!(!res.body.contains(r#"name="officer""#), "{user}");
    }
    let mut admin = w.app.signed_in_as("ada").await;
    assert_eq!(admin.get("/deadlines").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        admin.get("/deadlines?view=team").await.status,
        StatusCode::FORBIDDEN
    );
    let mut anonymous = w.app.client();
    let res = anonymous.get("/deadlines").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn malformed_parameters_and_unknown_officers_are_bad_requests() {
    let w = World::new().await;
    let mut maya = w.app.signed_in_as("maya").await;
    for query in [
        "officer=abc".to_owned(),
        "officer=0".to_owned(),
        "officer=-1".to_owned(),
        "officer=99999999999999".to_owned(),
        "officer=999999".to_owned(),
        format!("officer={}", w.admin),
        "view=everyone".to_owned(),
        format!("view=team&officer={}", w.hana),
        format!("officer={}&officer={}", w.hana, w.tom),
    ] {
        let res = maya.get(&format!("/deadlines?{query}")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{query}: {}", res.body);
        assert!(!anywhere(&res, &w.c[0]), "{query}");
    }
    // An empty choice is her own list; an unknown parameter is ignored.
    assert_eq!(maya.get("/deadlines?officer=").await.status, StatusCode::OK);
    assert_eq!(maya.get("/deadlines?view=mine&x=1").await.status, StatusCode::OK);
    let mut tom = w.app.signed_in_as("tom").await;
    assert_eq!(
        tom.get("/deadlines?officer=abc").await.status,
        StatusCode::BAD_REQUEST
    );
}
