//! How many statements the busiest signed-in pages send to the database. On SQLite each
//! is a hand-off to the driver's worker thread, on PostgreSQL a round trip, and their
//! number, not their work, dominates a page's time (docs/PERFORMANCE.md, "Load from
//! outside"). Each bound is what the page sends now on a case with every panel filled:
//! a change that adds a round trip fails here, and should load what it needs with what
//! the page already reads.

use crate::{
    common::{Client, TestApp},
    fixtures::{
        self, CaseSpec, PersonSpec, Team,
        forms::{agree_plan, assess_high_risk, id_of, post_ok},
        history,
    },
};
use entity::{incident_types, incidents};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use std::ops::Deref;
use time::macros::datetime;

struct World {
    team: Team,
    reference: String,
    /// The older case sharing the first victim.
    related: String,
    /// Another older case of the first victim's, restricted to Tina (who logged it): Maria
    /// sees it, Harry does not.
    restricted: String,
}

impl Deref for World {
    type Target = Team;
    fn deref(&self) -> &Team {
        &self.team
    }
}

/// Harry's case, logged by Tina on Friday 20 November: two victims, a witness and an
/// alleged perpetrator; a further report; contacts; a closure since reopened; a risk
/// assessment, an action plan, a support measure, a referral and an injunction with its
/// hearing date, all through the forms. The first victim was also the victim on an older
/// case, closed, with a satisfaction check: a related case and a repeat report; and on a
/// restricted one naming Tina only, which only the manager may see or count.
async fn world() -> World {
    let team = Team::north().await;
    let app = &team.app;
    let older = fixtures::case(
        app,
        CaseSpec {
            received_at: Some(datetime!(2026-09-01 09:00 UTC)),
            owner_id: Some(team.harry),
            ..CaseSpec::new(team.tina, team.area)
        },
    )
    .await;
    history::close(
        app,
        older.id,
        datetime!(2026-10-01 12:00 UTC),
        "resolved",
        team.harry,
    )
    .await;
    history::satisfaction(app, older.id, "satisfied", "satisfied", team.harry).await;
    let restricted = fixtures::case(
        app,
        CaseSpec {
            received_at: Some(datetime!(2026-10-15 09:00 UTC)),
            restricted: true,
            named: vec![team.tina],
            victims: vec![PersonSpec::existing(older.people[0])],
            ..CaseSpec::new(team.tina, team.area)
        },
    )
    .await;
    let created = fixtures::case(
        app,
        CaseSpec {
            received_at: Some(datetime!(2026-11-20 09:00 UTC)),
            owner_id: Some(team.harry),
            victims: vec![
                PersonSpec::existing(older.people[0]),
                PersonSpec::named("Yusuf Khan").tenancy("T-101"),
            ],
            witnesses: vec![PersonSpec::named("Joe Bloggs")],
            perpetrators: vec![PersonSpec::named("Gary Mills").at("3 Oak Road", "LE1 5AB")],
            ..CaseSpec::new(team.tina, team.area)
        },
    )
    .await;
    let (r, case_id) = (created.reference.clone(), created.id);
    history::closure_row(
        app,
        case_id,
        datetime!(2026-11-21 10:00 UTC),
        "resolved",
        team.maria,
        Some(datetime!(2026-11-22 10:00 UTC)),
    )
    .await;
    for person in &created.people[..3] {
        history::contact(
            app,
            case_id,
            *person,
            "contact-visit",
            datetime!(2026-11-21 09:00 UTC),
        )
        .await;
    }

    // A further report, from the witness, with the police involved.
    let further = incidents::ActiveModel {
        case_id: Set(case_id),
        received_at: Set(datetime!(2026-11-22 19:30 UTC)),
        received_how: Set("in-person".into()),
        reporter_type: Set("witness".into()),
        reporter_name: Set(Some("Joe Bloggs".into())),
        occurred_kind: Set("unknown".into()),
        location_kind: Set("communal".into()),
        description: Set("Threatened to burn the door".into()),
        police_involved: Set(true),
        crime_reference: Set(Some("CR/123/26".into())),
        logged_by: Set(team.harry),
        created_at: Set(datetime!(2026-11-22 19:45 UTC)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    incident_types::Entity::insert(incident_types::ActiveModel {
        incident_id: Set(further.id),
        type_code: Set("threats".into()),
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();

    let mut h = app.signed_in_as("harry").await;
    assess_high_risk(app, &mut h, &r).await;

    let harry_id = team.harry.to_string();
    agree_plan(&mut h, &r, &harry_id).await;

    let locks = id_of(
        app,
        "SELECT CAST(MIN(id) AS BIGINT) FROM support_catalogue WHERE name LIKE 'Target hardening%'",
    )
    .await;
    post_ok(
        &mut h,
        &format!("/cases/{r}/support"),
        &[
            ("catalogue_id", &locks),
            ("status", "requested"),
            ("requested_on", "2026-11-23"),
            ("provided_on", ""),
            ("declined_on", ""),
            ("cost", ""),
            ("notes", "Front door"),
            ("version", ""),
        ],
    )
    .await;
    refer_to_police(app, &mut h, &r, "Threats of arson").await;
    let gary = id_of(
        app,
        &format!(
            "SELECT CAST(id AS BIGINT) FROM case_parties WHERE case_id = {case_id} AND role = 'alleged-perpetrator'"
        ),
    )
    .await;
    post_ok(
        &mut h,
        &format!("/cases/{r}/enforcement"),
        &[
            ("against", &gary),
            ("kind", "injunction"),
            ("status", "planned"),
            ("planned_on", "2026-11-23"),
            ("issued_on", ""),
            ("documents", "Draft application"),
            ("notes", "Evidence from three neighbours"),
            ("date_kind", "hearing"),
            ("due_on", "2026-12-10"),
            ("date_note", "County court"),
        ],
    )
    .await;
    World {
        related: older.reference.clone(),
        restricted: restricted.reference,
        team,
        reference: r,
    }
}

/// A referral of case `r` to the police on 23 November 2026, to be sent, through the form.
async fn refer_to_police(app: &TestApp, h: &mut Client, r: &str, reason: &str) {
    let police = id_of(
        app,
        "SELECT CAST(id AS BIGINT) FROM agencies WHERE name = 'Police'",
    )
    .await;
    post_ok(
        h,
        &format!("/cases/{r}/referrals"),
        &[
            ("agency_id", &police),
            ("referred_on", "2026-11-23"),
            ("reason", reason),
            ("consent_by", ""),
            ("consent_on", ""),
            ("consent_scope", ""),
            ("status", "to-send"),
            ("sent_on", ""),
            ("response_on", ""),
            ("response", ""),
        ],
    )
    .await;
}

/// The statements `path` sends for `who`, checked against `most`; every statement is
/// printed when there are more.
async fn at_most(app: &TestApp, who: &mut Client, path: &str, most: usize) -> String {
    let (res, statements) = app.statements_of(who.get(path)).await;
    assert_eq!(res.status, StatusCode::OK, "GET {path}: {}", res.body);
    eprintln!("GET {path}: {} statements", statements.len());
    assert!(
        statements.len() <= most,
        "GET {path} sent {} statements, at most {most} expected:\n{}",
        statements.len(),
        statements.join("\n")
    );
    res.body
}

#[tokio::test]
async fn a_manager_and_an_officer_see_a_full_case_in_a_bounded_number_of_statements() {
    let w = world().await;
    let case = format!("/cases/{}", w.reference);
    // On PostgreSQL the view's audit record first takes the trail's lock (one statement more).
    let audit_lock = usize::from(w.app.test_db.is_postgres());
    for (name, case_page, home, caseload) in [("maria", 30, 7, 9), ("harry", 30, 8, 9)] {
        let mut c = w.app.signed_in_as(name).await;
        let views = w.app.audit_count("case.viewed").await;
        let page = at_most(&w.app, &mut c, &case, case_page + audit_lock).await;
        assert!(
            page.contains(&w.related),
            "{name}'s case page links the related case"
        );
        // The restricted case is Maria's to see and count, not Harry's: the first victim's
        // reports are the older case's, this case's two and, for Maria, the restricted one's.
        let manager = name == "maria";
        assert_eq!(
            page.contains(&w.restricted),
            manager,
            "{name}'s case page links the restricted case"
        );
        let reports = if manager { 4 } else { 3 };
        let counted = format!("Amina Khan has made {reports} reports in the last six months");
        assert!(page.contains(&counted), "{name}: {counted}");
        for shown in [
            "Yusuf Khan",
            "Gary Mills",
            "Threatened to burn the door",
            "Fit new locks",
            "Civil injunction",
            "Threats of arson",
        ] {
            assert!(page.contains(shown), "{name}'s case page shows {shown}");
        }
        // A manager is offered the officers to assign the case to.
        let offered = format!("<option value=\"{}\" selected>harry Test</option>", w.harry);
        assert_eq!(page.contains(&offered), name == "maria", "{name}: {offered}");
        // Every view is still audited.
        assert_eq!(w.app.audit_count("case.viewed").await, views + 1);
        // The home page after a case view (a manager's quarter is kept from signing in).
        at_most(&w.app, &mut c, "/", home).await;
        let list = at_most(&w.app, &mut c, "/cases?tab=all", caseload).await;
        assert!(list.contains(&w.reference));
    }
}

/// The manager's home keeps this quarter's landlord-wide figures until something changes:
/// viewing a case (audited) does not make it count them again; a change does, once.
#[tokio::test]
async fn the_managers_quarter_is_counted_again_after_a_change_not_after_a_view() {
    let w = world().await;
    let mut maria = w.app.signed_in_as("maria").await;
    let statements = |res: &(crate::common::Res, Vec<String>)| {
        assert_eq!(res.0.status, StatusCode::OK);
        res.1.len()
    };
    maria.get("/").await;
    let kept = statements(&w.app.statements_of(maria.get("/")).await);
    maria.get(&format!("/cases/{}", w.reference)).await;
    assert_eq!(
        statements(&w.app.statements_of(maria.get("/")).await),
        kept,
        "a view is not a change"
    );
    let mut h = w.app.signed_in_as("harry").await;
    assert_eq!(
        statements(&w.app.statements_of(maria.get("/")).await),
        kept,
        "a sign-in is not a change"
    );
    refer_to_police(&w.app, &mut h, &w.reference, "A second referral").await;
    // Counted again, within the manager's bound, and kept again.
    at_most(&w.app, &mut maria, "/", 7).await;
    let (_, again) = w.app.statements_of(maria.get("/")).await;
    assert_eq!(again.len(), kept);
    assert!(kept < 7, "the kept figures save statements ({kept})");
}
