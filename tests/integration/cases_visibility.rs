//! The rule that must never break: who may see which case. Walks every `/cases/{reference}`
//! route of the route table for every role and every kind of case (own area, another area,
//! logged by the user elsewhere, restricted and named, restricted and not named, restricted
//! but logged by the user, and a reference that does not exist):
//!
//! - a role without the route's permission gets 403 whether or not the case exists;
//! - a case the user may not see is 404, byte for byte the same page as a reference that
//!   does not exist (no existence oracle), and nothing is written for it;
//! - a case the user may see is neither 403 nor 404.
//!
//! Open and closed cases are both among the visible and the invisible ones, so a handler
//! that looks at the case's state before its visibility shows up as a 409 instead of 404.
//!
//! Then every place a case can show up besides its page: the caseload tabs, search by
//! reference and by name, the totals, the "other cases involving these people" panel and the
//! repeat-report count on another case; the audit rows for views; and administrators, who
//! see no case content at all.
//!
//! The expectations are written from the specification, not from the policy module, so a
//! change to the policy that breaks the rule fails here.

use crate::{
    common::{Client, Res, TestApp},
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::Role;
use harbour::{
    auth::policy::{Permission, role_code},
    cases::codes,
    routes::table,
};
use reqwest::{Method, StatusCode};
use sea_orm::Iterable;
use std::collections::BTreeSet;

/// A well-formed reference no case has.
const MISSING: &str = "HC-2026-999999";

/// `/cases` routes that are not about one case (they are checked in their own tests).
const COLLECTION_ROUTES: [&str; 2] = ["/cases", "/cases/new"];

// ---------------------------------------------------------------------------------------
// The specification, written out.

/// What each role may do on case routes (the role table of the issue and DOMAIN.md).
fn may(role: Role, permission: Permission) -> bool {
    use Permission::*;
    use Role::*;
    match permission {
        ViewCases | LogCases => matches!(role, TenancyOfficer | HarassmentOfficer | Manager),
        EditCases | CloseCases => matches!(role, HarassmentOfficer | Manager),
        AssignCases | ReopenCases => role == Manager,
        TakeCases => role == HarassmentOfficer,
        ManageDeadlines => matches!(role, HarassmentOfficer | Manager),
        // Issue 16: legal holds are a manager's decision.
        WaiveDeadlines | ManageRetention => role == Manager,
        // Issue 5: tenancy officers record support needs on cases they can see; risk,
        // plans, referrals and enforcement are for harassment officers and managers.
        RecordSupport => matches!(role, TenancyOfficer | HarassmentOfficer | Manager),
        ManageReferrals | AssessRisk | ManagePlans | ManageEnforcement => {
            matches!(role, HarassmentOfficer | Manager)
        }
        other => panic!("a /cases route declares {other:?}: say in this test who may use it"),
    }
}

/// The kinds of case, relative to the member of staff looking at them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Unrestricted, in one of their areas, logged by a colleague.
    OwnArea,
    /// Unrestricted, in another area, logged by a colleague.
    OtherArea,
    /// Unrestricted, in another area, logged by them.
    TheyLoggedElsewhere,
    /// Restricted, in another area, logged by a colleague, with them named on it; closed.
    RestrictedNamed,
    /// Restricted, in their own area, logged by a colleague, not naming them.
    RestrictedUnnamed,
    /// Restricted, in their own area, logged by them, not naming them; closed.
    RestrictedTheyLogged,
    /// A reference no case has.
    Missing,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::OwnArea,
        Kind::OtherArea,
        Kind::TheyLoggedElsewhere,
        Kind::RestrictedNamed,
        Kind::RestrictedUnnamed,
        Kind::RestrictedTheyLogged,
        Kind::Missing,
    ];
}

/// Whether a member of staff with `role` sees a case of `kind`.
fn sees(role: Role, kind: Kind) -> bool {
    use Kind::*;
    match (role, kind) {
        (_, Missing) | (Role::Admin | Role::EqualityLead, _) => false,
        (Role::Manager, _) => true,
        (Role::HarassmentOfficer, OwnArea | OtherArea | TheyLoggedElsewhere | RestrictedNamed) => true,
        (Role::TenancyOfficer, OwnArea | TheyLoggedElsewhere | RestrictedNamed) => true,
        (Role::HarassmentOfficer | Role::TenancyOfficer, _) => false,
    }
}

/// The statuses a visible case's route may answer: a page, a redirect after a change, a
/// refusal because of the case's state, or a form sent back with errors (the walk posts
/// empty forms).
const VISIBLE_STATUSES: [StatusCode; 4] = [
    StatusCode::OK,
    StatusCode::SEE_OTHER,
    StatusCode::CONFLICT,
    StatusCode::UNPROCESSABLE_ENTITY,
];

/// A refusal about a case the user can see, which therefore leaks nothing: assign.rs
/// answers 403 "You cannot take this case" when a harassment officer tries to take a case
/// outside their areas.
fn refusal_of_a_visible_case(pattern: &str, path: &str, res: &Res) -> bool {
    (pattern.ends_with("/take")
        && res.status == StatusCode::FORBIDDEN
        && res.body.contains("You cannot take this case"))
        // A case without deadlines (closed fixtures have none) has no deadline 0.
        || (path.contains("/deadlines/0/") && res.status == StatusCode::NOT_FOUND)
}

// ---------------------------------------------------------------------------------------
// Routes.

/// Every `/cases/{reference}...` route of the application. Fails if a `/cases` route is
/// neither about one case nor one of the known collection routes, so a new route cannot
/// escape this walk.
fn case_routes() -> Vec<(Method, &'static str, Permission)> {
    let mut found = vec![];
    for (method, pattern, permission) in table() {
        if pattern != "/cases" && !pattern.starts_with("/cases/") {
            continue;
        }
        if COLLECTION_ROUTES.contains(&pattern) {
            continue;
        }
        let rest = pattern.strip_prefix("/cases/{reference}").unwrap_or_else(|| {
            panic!("{method} {pattern} is not classified by the visibility tests: add it to COLLECTION_ROUTES or route it under /cases/{{reference}}")
        });
        assert!(
            !rest.replace("{id}", "").contains('{'),
            "{method} {pattern} has a parameter the visibility walk does not know how to fill"
        );
        found.push((method, pattern, permission));
    }
    assert!(
        found.len() >= 15,
        "expected at least the 15 per-case routes of the issue, found {}",
        found.len()
    );
    found
}

fn at(pattern: &str, reference: &str) -> String {
    pattern.replace("{reference}", reference)
}

/// The table holding the records a `{id}` stands for, by the path segment before it
/// (`/deadlines/{id}/done` is a deadline, `/plan/actions/{id}` a plan action), and the
/// column of that table holding the id (`/people/{id}` is a person on the case).
fn id_table(pattern: &str) -> (&'static str, &'static str) {
    let before = pattern
        .split("/{id}")
        .next()
        .and_then(|head| head.rsplit('/').next())
        .unwrap_or("");
    match before {
        "deadlines" => ("deadlines", "id"),
        "risk" => ("risk_assessments", "id"),
        "actions" => ("plan_actions", "id"),
        "support" => ("support_measures", "id"),
        "referrals" => ("referrals", "id"),
        "enforcement" => ("perpetrator_actions", "id"),
        "people" => ("case_parties", "person_id"),
        "holds" => ("case_holds", "id"),
        other => panic!(
            "{pattern}: the visibility walk does not know which records /{other}/{{id}} names: add it to id_table"
        ),
    }
}

/// `pattern` for the case `reference`, with `{id}` filled with one of that case's own
/// records of the kind the path names (a deadline, an assessment, a plan action, ...), or
/// 0 when it has none.
async fn fill(app: &TestApp, pattern: &str, reference: &str) -> String {
    if !pattern.contains("{id}") {
        return at(pattern, reference);
    }
    let (table, column) = id_table(pattern);
    let id = app
        .count(&format!(
            "SELECT CAST(COALESCE(MIN(r.{column}), 0) AS BIGINT) FROM {table} r JOIN cases c ON c.id = r.case_id WHERE c.reference = '{reference}'"
        ))
        .await;
    at(pattern, reference).replace("{id}", &id.to_string())
}

async fn request(c: &mut Client, method: &Method, path: &str) -> Res {
    if *method == Method::GET {
        c.get(path).await
    } else {
        c.post(path, &[]).await
    }
}

// ---------------------------------------------------------------------------------------
// Data.

/// One member of staff (with one area, "Riverside") and a case of every kind.
struct World {
    role: Role,
    user: String,
    /// (kind, reference)
    cases: Vec<(Kind, String)>,
}

async fn world(app: &TestApp, role: Role) -> World {
    let home = fixtures::area(app, "Riverside").await;
    let elsewhere = fixtures::area(app, "Hillside").await;
    let colleague = app.create_user("colleague", Role::TenancyOfficer).await;
    fixtures::give_area(app, colleague, home).await;
    fixtures::give_area(app, colleague, elsewhere).await;
    let user = format!("{}-user", role_code(role));
    let me = app.create_user(&user, role).await;
    fixtures::give_area(app, me, home).await;

    let mut cases = vec![];
    for kind in Kind::ALL {
        let spec = match kind {
            Kind::OwnArea => CaseSpec::new(colleague, home),
            Kind::OtherArea => CaseSpec::new(colleague, elsewhere),
            Kind::TheyLoggedElsewhere => CaseSpec::new(me, elsewhere),
            Kind::RestrictedNamed => closed(restricted(
                CaseSpec::new(colleague, elsewhere),
                vec![me, colleague],
            )),
            Kind::RestrictedUnnamed => restricted(CaseSpec::new(colleague, home), vec![colleague]),
            Kind::RestrictedTheyLogged => closed(restricted(CaseSpec::new(me, home), vec![colleague])),
            Kind::Missing => {
                cases.push((kind, MISSING.to_owned()));
                continue;
            }
        };
        let created = fixtures::case(app, spec).await;
        casework(app, created.id, colleague).await;
        cases.push((kind, created.reference));
    }
    World { role, user, cases }
}

/// One record of each casework kind on the case, so that a visible case's routes about a
/// record (`/risk/{id}`, `/plan/actions/{id}`, `/support/{id}`, `/referrals/{id}`,
/// `/enforcement/{id}`) reach the real handler rather than a missing record: a risk
/// assessment (question set 1), an action plan with one action (and its target date as a
/// deadline while the case is open), a support measure, a referral and a general
/// perpetrator action with its first status.
async fn casework(app: &TestApp, case_id: i32, by: i32) {
    use entity::{
        action_plans, cases, perpetrator_action_events, perpetrator_actions, plan_actions, referrals,
        risk_assessments, support_measures,
    };
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let db = &app.db;
    let now = app.now();
    let today = now.date();
    let case = cases::Entity::find_by_id(case_id).one(db).await.unwrap().unwrap();
    let open = case.status == codes::OPEN;
    risk_assessments::ActiveModel {
        case_id: Set(case_id),
        set_id: Set(1),
        occasion: Set("triage".into()),
        assessed_at: Set(now),
        score: Set(0),
        computed_level: Set("standard".into()),
        level: Set("standard".into()),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let plan = action_plans::ActiveModel {
        case_id: Set(case_id),
        agreed_on: Set(today),
        copy_given_how: Set("in-person".into()),
        copy_given_on: Set(Some(today)),
        contact_every_unit: Set("calendar-days".into()),
        contact_every_amount: Set(7),
        contact_channel: Set("phone".into()),
        created_by: Set(by),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let target = today + time::Duration::days(7);
    let action = plan_actions::ActiveModel {
        case_id: Set(case_id),
        plan_id: Set(plan.id),
        description: Set("Fit new locks".into()),
        owner_id: Set(Some(by)),
        target_on: Set(target),
        status: Set(if open { "open" } else { "done" }.into()),
        completed_on: Set((!open).then_some(today)),
        created_by: Set(by),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    if open {
        harbour::deadlines::dated::add(
            db,
            &case,
            harbour::procedure::Stage::PlanAction,
            action.id,
            &action.description,
            target,
            now,
        )
        .await
        .unwrap();
    }
    support_measures::ActiveModel {
        case_id: Set(case_id),
        catalogue_id: Set(1),
        status: Set("requested".into()),
        requested_on: Set(today),
        created_by: Set(by),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    referrals::ActiveModel {
        case_id: Set(case_id),
        agency_id: Set(1),
        status: Set("to-send".into()),
        referred_on: Set(today),
        created_by: Set(by),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let measure = perpetrator_actions::ActiveModel {
        case_id: Set(case_id),
        party_id: Set(None),
        kind: Set("cctv".into()),
        status: Set("planned".into()),
        status_on: Set(today),
        planned_on: Set(today),
        created_by: Set(by),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    perpetrator_action_events::ActiveModel {
        action_id: Set(measure.id),
        status: Set("planned".into()),
        on_date: Set(today),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
}

fn restricted(mut spec: CaseSpec, named: Vec<i32>) -> CaseSpec {
    spec.restricted = true;
    spec.named = named;
    spec
}

/// Some cases are closed, so that routes which check the case's state (close, reopen,
/// further reports, take) are walked both ways: a visible closed case reaches the real
/// handler, and an invisible one must be 404 whatever its state.
fn closed(mut spec: CaseSpec) -> CaseSpec {
    spec.status = codes::CLOSED;
    spec
}

// ---------------------------------------------------------------------------------------
// The walk: every case route × every kind of case, for one role.

async fn walk_every_case_route(role: Role) {
    let app = TestApp::spawn().await;
    let w = world(&app, role).await;
    // Two sessions of the same user: `probe` only ever gets refusals, so its pages carry no
    // one-off messages and can be compared byte for byte; `actor` does the things allowed.
    let mut probe = app.signed_in_as(&w.user).await;
    let mut actor = app.signed_in_as(&w.user).await;
    let who = role_code(w.role);

    for (method, pattern, permission) in case_routes() {
        let missing = request(&mut probe, &method, &fill(&app, pattern, MISSING).await).await;
        let allowed = may(role, permission);
        let refusal = if allowed {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(
            missing.status, refusal,
            "{who}: {method} {pattern} with a reference that does not exist"
        );

        for (kind, reference) in &w.cases {
            let path = fill(&app, pattern, reference).await;
            let what = format!("{who}: {method} {path} ({kind:?})");
            if !allowed || !sees(role, *kind) {
                let res = request(&mut probe, &method, &path).await;
                assert_eq!(res.status, refusal, "{what} must be refused like a missing case");
                assert!(
                    res.body == missing.body,
                    "{what}: the {} page differs from the one for {MISSING}, which tells the case exists",
                    res.status
                );
            } else {
                let res = request(&mut actor, &method, &path).await;
                assert!(
                    VISIBLE_STATUSES.contains(&res.status) || refusal_of_a_visible_case(pattern, &path, &res),
                    "{what}: a case they may see answered {} (not built yet, or refused): {}",
                    res.status,
                    title_of(&res.body)
                );
            }
        }
    }

    // The case page itself, for a reference typed in lower case.
    for (kind, reference) in &w.cases {
        let path = format!("/cases/{}", reference.to_lowercase());
        let res = probe.get(&path).await;
        let expected = if !may(role, Permission::ViewCases) {
            StatusCode::FORBIDDEN
        } else if sees(role, *kind) {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(res.status, expected, "{who}: GET {path} ({kind:?})");
    }
}

fn title_of(body: &str) -> &str {
    body.split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or("")
}

#[tokio::test]
async fn tenancy_officers_reach_their_cases_and_nothing_else() {
    walk_every_case_route(Role::TenancyOfficer).await;
}

#[tokio::test]
async fn harassment_officers_reach_unrestricted_cases_and_those_naming_them() {
    walk_every_case_route(Role::HarassmentOfficer).await;
}

#[tokio::test]
async fn managers_reach_every_case() {
    walk_every_case_route(Role::Manager).await;
}

#[tokio::test]
async fn administrators_reach_no_case_route() {
    walk_every_case_route(Role::Admin).await;
}

/// Fails naming the route if a `/cases` route is neither about one case nor a known
/// collection route, or declares a permission this test has no expectation for.
#[test]
fn every_cases_route_is_classified() {
    for (_, pattern, permission) in case_routes() {
        for role in Role::iter() {
            may(role, permission);
        }
        if pattern.contains("{id}") {
            id_table(pattern);
        }
    }
    for (method, pattern, permission) in table() {
        if COLLECTION_ROUTES.contains(&pattern) {
            let expected = if pattern == "/cases" {
                Permission::ViewCases
            } else {
                Permission::LogCases
            };
            assert_eq!(permission, expected, "{method} {pattern}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// A restricted case is absent from every list, search, count and panel.

/// The references a caseload page links to, and the total it says it holds.
struct Listed {
    references: BTreeSet<String>,
    total: u64,
}

fn listed(res: &Res, what: &str) -> Listed {
    assert_eq!(res.status, StatusCode::OK, "{what}: {}", title_of(&res.body));
    let references: BTreeSet<String> = res
        .body
        .split("href=\"/cases/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|r| r.starts_with("HC-") && !r.contains('/'))
        .map(str::to_owned)
        .collect();
    let total = match caption_total(&res.body) {
        Some(n) => n,
        None if res.body.contains("No cases match") => 0,
        None => panic!("{what}: the page shows no total"),
    };
    Listed { references, total }
}

/// N in the table's caption "All cases, N cases".
fn caption_total(body: &str) -> Option<u64> {
    body.split(", ").skip(1).find_map(|s| {
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        let rest = &s[digits.len()..];
        if digits.is_empty() || !rest.starts_with(" cases") {
            return None;
        }
        digits.parse().ok()
    })
}

fn set(refs: &[&String]) -> BTreeSet<String> {
    refs.iter().map(|r| (*r).clone()).collect()
}

#[tokio::test]
async fn restricted_cases_are_absent_from_lists_search_counts_and_panels() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let south = fixtures::area(&app, "South").await;
    let tessa = app.create_user("tessa", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tessa, north).await;
    let sam = app.create_user("sam", Role::TenancyOfficer).await;
    fixtures::give_area(&app, sam, south).await;
    let harriet = app.create_user("harriet", Role::HarassmentOfficer).await;
    fixtures::give_area(&app, harriet, north).await;
    let nadia = app.create_user("nadia", Role::HarassmentOfficer).await;
    app.create_user("mo", Role::Manager).await;

    // V: a case in North about Zainab Okafor.
    let v = fixtures::case(
        &app,
        CaseSpec {
            victims: vec![PersonSpec::named("Zainab Okafor")],
            ..CaseSpec::new(tessa, north)
        },
    )
    .await;
    let zainab = v.people[0];
    // R: a restricted case about Zainab too and about Desmond Hollowell, logged by Tessa
    // in her own area, still unassigned, naming Nadia only.
    let r = fixtures::case(
        &app,
        CaseSpec {
            victims: vec![
                PersonSpec::existing(zainab),
                PersonSpec::named("Desmond Hollowell"),
            ],
            restricted: true,
            named: vec![nadia],
            ..CaseSpec::new(tessa, north)
        },
    )
    .await;
    // O: another area's case; H: a North case Harriet owns, logged by Sam.
    let o = fixtures::case(
        &app,
        CaseSpec {
            victims: vec![PersonSpec::named("Priya Raman")],
            ..CaseSpec::new(sam, south)
        },
    )
    .await;
    let h = fixtures::case(
        &app,
        CaseSpec {
            victims: vec![PersonSpec::named("Ken Adams")],
            owner_id: Some(harriet),
            ..CaseSpec::new(sam, north)
        },
    )
    .await;
    let (v, r, o, h) = (&v.reference, &r.reference, &o.reference, &h.reference);

    struct Expect<'a> {
        user: &'a str,
        sees_restricted: bool,
        mine: BTreeSet<String>,
        triage: BTreeSet<String>,
        all: BTreeSet<String>,
    }
    let expectations = [
        Expect {
            user: "tessa",
            sees_restricted: false,
            mine: set(&[v]),
            triage: set(&[v]),
            all: set(&[v, h]),
        },
        Expect {
            user: "harriet",
            sees_restricted: false,
            mine: set(&[h]),
            triage: set(&[v, o]),
            all: set(&[v, o, h]),
        },
        Expect {
            user: "nadia",
            sees_restricted: true,
            mine: set(&[]),
            triage: set(&[v, r, o]),
            all: set(&[v, r, o, h]),
        },
        Expect {
            user: "mo",
            sees_restricted: true,
            mine: set(&[]),
            triage: set(&[v, r, o]),
            all: set(&[v, r, o, h]),
        },
    ];

    for e in &expectations {
        let mut c = app.signed_in_as(e.user).await;
        let user = e.user;

        // The three tabs, and the default one.
        for (tab, expected) in [("mine", &e.mine), ("triage", &e.triage), ("all", &e.all)] {
            let path = format!("/cases?tab={tab}");
            let l = listed(&c.get(&path).await, &format!("{user}: {path}"));
            assert_eq!(&l.references, expected, "{user}: cases listed on {path}");
            assert_eq!(
                l.total,
                expected.len() as u64,
                "{user}: the total shown on {path}"
            );
        }
        let res = c.get("/cases").await;
        assert_eq!(res.status, StatusCode::OK, "{user}: GET /cases");
        assert!(
            e.sees_restricted || !res.body.contains(r.as_str()),
            "{user}: the restricted case {r} on /cases"
        );

        // Search by reference, by the name only the restricted case has, and by the name
        // it shares with V; in every tab.
        let searches: [(&str, BTreeSet<String>); 3] = [
            (r.as_str(), if e.sees_restricted { set(&[r]) } else { set(&[]) }),
            ("Hollowell", if e.sees_restricted { set(&[r]) } else { set(&[]) }),
            (
                "Okafor",
                if e.sees_restricted {
                    set(&[v, r])
                } else {
                    set(&[v])
                },
            ),
        ];
        for (q, expected) in &searches {
            for (tab, in_tab) in [("mine", &e.mine), ("triage", &e.triage), ("all", &e.all)] {
                let path = format!("/cases?tab={tab}&q={q}");
                let want: BTreeSet<String> = expected.intersection(in_tab).cloned().collect();
                let l = listed(&c.get(&path).await, &format!("{user}: {path}"));
                assert_eq!(l.references, want, "{user}: search results of {path}");
                assert_eq!(l.total, want.len() as u64, "{user}: the total shown on {path}");
            }
        }

        // V's page: the related-cases panel and Zainab's report count.
        if e.all.contains(v) {
            let path = format!("/cases/{v}");
            let page = c.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{user}: GET {path}");
            assert!(
                page.body.contains("Other cases involving these people"),
                "{user}: {path} has the related-cases panel"
            );
            assert_eq!(
                page.body.contains(r.as_str()),
                e.sees_restricted,
                "{user}: the restricted case {r} in the related-cases panel of {path}"
            );
            assert_eq!(
                page.body.contains("has made 2 reports"),
                e.sees_restricted,
                "{user}: Zainab's reports on {path} count the restricted case only for those who see it"
            );
            assert!(
                e.sees_restricted || !page.body.contains("Hollowell"),
                "{user}: a person only on the restricted case, on {path}"
            );
        }

        // The home page (where counts and recent cases may appear).
        let home = c.get("/").await;
        assert!(
            e.sees_restricted || !home.body.contains(r.as_str()),
            "{user}: the restricted case {r} on the home page"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The audit trail: views are recorded; refused attempts record nothing about the case.

async fn audit_rows(app: &TestApp, action: Option<&str>, reference: &str, actor: Option<i32>) -> i64 {
    let mut sql = format!("SELECT COUNT(*) FROM audit_events WHERE target_id = '{reference}'");
    if let Some(action) = action {
        sql.push_str(&format!(" AND action = '{action}'"));
    }
    if let Some(actor) = actor {
        sql.push_str(&format!(" AND actor_id = {actor}"));
    }
    app.count(&sql).await
}

/// What a case looks like in the database, to show a refused request changed nothing.
async fn footprint(app: &TestApp, case_id: i32) -> [i64; 5] {
    [
        app.count(&format!(
            "SELECT CAST(version AS BIGINT) FROM cases WHERE id = {case_id}"
        ))
        .await,
        app.count(&format!(
            "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {case_id}"
        ))
        .await,
        app.count(&format!(
            "SELECT COUNT(*) FROM case_access WHERE case_id = {case_id}"
        ))
        .await,
        app.count(&format!(
            "SELECT COUNT(*) FROM incidents WHERE case_id = {case_id}"
        ))
        .await,
        app.count(&format!(
            "SELECT COUNT(*) FROM case_closures WHERE case_id = {case_id}"
        ))
        .await,
    ]
}

#[tokio::test]
async fn views_are_audited_and_refused_attempts_leave_no_trace() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let tessa = app.create_user("tessa", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tessa, north).await;
    let harriet = app.create_user("harriet", Role::HarassmentOfficer).await;
    fixtures::give_area(&app, harriet, north).await;
    let mo = app.create_user("mo", Role::Manager).await;
    let open = fixtures::case(&app, CaseSpec::new(tessa, north)).await;
    let hidden = fixtures::case(
        &app,
        CaseSpec {
            restricted: true,
            named: vec![tessa],
            ..CaseSpec::new(tessa, north)
        },
    )
    .await;

    // A view is one `case.viewed` row naming the case and the viewer.
    let mut t = app.signed_in_as("tessa").await;
    assert_eq!(
        t.get(&format!("/cases/{}", open.reference)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        audit_rows(&app, Some("case.viewed"), &open.reference, Some(tessa)).await,
        1,
        "tessa's view of {} is in the audit trail",
        open.reference
    );
    let mut m = app.signed_in_as("mo").await;
    assert_eq!(
        m.get(&format!("/cases/{}", hidden.reference)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        audit_rows(&app, Some("case.viewed"), &hidden.reference, Some(mo)).await,
        1,
        "a manager's view of a restricted case is in the audit trail"
    );

    // Harriet is not named on the restricted case: every route is refused, and neither the
    // audit trail nor the case records anything about it.
    let rows_before = audit_rows(&app, None, &hidden.reference, None).await;
    let before = footprint(&app, hidden.id).await;
    let mut h = app.signed_in_as("harriet").await;
    for (method, pattern, _) in case_routes() {
        let path = fill(&app, pattern, &hidden.reference).await;
        let res = request(&mut h, &method, &path).await;
        assert!(
            matches!(res.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "harriet: {method} {path} answered {}",
            res.status
        );
    }
    assert_eq!(
        audit_rows(&app, None, &hidden.reference, None).await,
        rows_before,
        "refused attempts on {} wrote audit rows naming it",
        hidden.reference
    );
    assert_eq!(
        audit_rows(&app, None, &hidden.reference, Some(harriet)).await,
        0,
        "nothing in the audit trail ties harriet to {}",
        hidden.reference
    );
    assert_eq!(
        footprint(&app, hidden.id).await,
        before,
        "refused attempts changed {}",
        hidden.reference
    );
}

// ---------------------------------------------------------------------------------------
// Administrators: no case routes, no case links, no case content.

#[tokio::test]
async fn administrators_see_no_case_links_or_case_content() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let tessa = app.create_user("tessa", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tessa, north).await;
    app.create_user("mo", Role::Manager).await;
    app.create_user("ada", Role::Admin).await;
    let case = fixtures::case(
        &app,
        CaseSpec {
            victims: vec![PersonSpec::named("Yusuf Demir")],
            ..CaseSpec::new(tessa, north)
        },
    )
    .await;
    let reference = &case.reference;

    // Some case work by a manager: a note, restricting the case, closing it.
    let note = "Caretaker Gary Pritchard admitted writing the graffiti";
    let why = "The alleged perpetrator is a member of staff";
    let closing = "Pritchard dismissed after the disciplinary hearing";
    let mut m = app.signed_in_as("mo").await;
    let answers = fixtures::deadline_answers(&app, case.id, "waived").await;
    let work: [(&str, Vec<(&str, &str)>); 3] = [
        (
            "timeline",
            vec![
                ("kind", "note"),
                ("date", "2026-11-23"),
                ("time", "08:30"),
                ("person_id", ""),
                ("body", note),
            ],
        ),
        (
            "restriction",
            vec![("version", "1"), ("restricted", "yes"), ("reason", why)],
        ),
        (
            "close",
            [
                ("outcome", "resolved"),
                ("reason", closing),
                ("victim_told_on", "2026-11-23"),
            ]
            .into_iter()
            .chain(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .collect(),
        ),
    ];
    for (action, fields) in &work {
        let path = format!("/cases/{reference}/{action}");
        let res = m.post(&path, fields).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "mo: POST {path}: {}",
            title_of(&res.body)
        );
    }

    let mut admin = app.signed_in_as("ada").await;
    for path in COLLECTION_ROUTES {
        let res = admin.get(path).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "admin: GET {path}");
    }
    let res = admin.post("/cases/new", &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "admin: POST /cases/new");

    // No link to any case page, on the home page or in the navigation of any admin page.
    for path in ["/", "/admin/users", "/admin/areas", "/audit", "/account/password"] {
        let res = admin.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "admin: GET {path}");
        assert!(
            !res.body.contains("href=\"/cases"),
            "admin: {path} links to case pages"
        );
    }

    // Case events are for managers: the administrator's audit trail does not even name the
    // case (which restricted case was viewed, and by whom, would say who is on it).
    let audit = admin.get("/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(
        !audit.body.contains(reference.as_str()),
        "the administrator's audit trail names the case"
    );
    let shown: Vec<&str> = [
        (note, "a note's text"),
        (why, "the reason for restricting"),
        (closing, "the reason for closing"),
        ("Yusuf Demir", "the victim's name"),
    ]
    .into_iter()
    .filter(|(content, _)| audit.body.contains(content))
    .map(|(_, what)| what)
    .collect();
    assert!(
        shown.is_empty(),
        "admin: the audit trail shows case content: {}",
        shown.join("; ")
    );
}

// ---------------------------------------------------------------------------------------
// Intake: "is this someone already known?" must not reveal people known only from cases
// the officer cannot see.

#[tokio::test]
async fn intake_offers_no_one_known_only_from_a_hidden_case() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let tessa = app.create_user("tessa", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tessa, north).await;
    let nadia = app.create_user("nadia", Role::HarassmentOfficer).await;
    let seen = fixtures::case(
        &app,
        CaseSpec {
            victims: vec![
                PersonSpec::named("Priya Raman")
                    .tenancy("T-1111")
                    .at("1 Mill Lane", "LE1 1AA"),
            ],
            ..CaseSpec::new(tessa, north)
        },
    )
    .await;
    let hidden = fixtures::case(
        &app,
        CaseSpec {
            victims: vec![
                PersonSpec::named("Desmond Hollowell")
                    .tenancy("T-2222")
                    .at("9 Quarry Row", "LE2 2BB"),
            ],
            restricted: true,
            named: vec![nadia],
            ..CaseSpec::new(nadia, north)
        },
    )
    .await;

    let mut t = app.signed_in_as("tessa").await;
    // Adding the report to a case by typing its reference: a hidden case is answered
    // exactly like one that does not exist.
    let to_hidden = t
        .post("/cases/new", &victim("Priya Raman", "", &hidden.reference))
        .await;
    let to_missing = t.post("/cases/new", &victim("Priya Raman", "", MISSING)).await;
    assert_eq!(
        to_missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "tessa: attaching a report to {MISSING}"
    );
    assert_eq!(
        to_hidden.status, to_missing.status,
        "tessa: attaching a report to a hidden case"
    );
    assert!(
        to_hidden.body.replace(hidden.reference.as_str(), MISSING) == to_missing.body,
        "tessa: the intake form answers a hidden case's reference differently from a missing one"
    );

    // Control: someone on a case Tessa can see is offered, with that case.
    let res = t.post("/cases/new", &victim("P Raman", "T-1111", "")).await;
    assert!(
        res.body.contains("someone already known") && res.body.contains("Priya Raman"),
        "tessa: a person on a case she can see is offered for reuse ({}): {}",
        res.status,
        title_of(&res.body)
    );
    assert!(
        res.body.contains(seen.reference.as_str()),
        "with the case she can see"
    );

    // Someone only on a restricted case Tessa is not named on is not known to her.
    let res = t.post("/cases/new", &victim("D H", "T-2222", "")).await;
    let shown: Vec<&str> = ["Hollowell", "9 Quarry Row", "LE2 2BB", "someone already known"]
        .into_iter()
        .filter(|s| res.body.contains(s))
        .collect();
    assert!(
        shown.is_empty(),
        "tessa typed the tenancy reference of a person only on a restricted case, and the form showed: {}",
        shown.join("; ")
    );
}

/// An intake form with one victim (and, if given, the case to add the report to); the rest
/// of the report is left out, so it comes back with errors and the reuse question.
fn victim<'a>(name: &'a str, tenancy: &'a str, case_reference: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("people", "1"),
        ("p0_role", codes::VICTIM),
        ("p0_kind", codes::NAMED),
        ("p0_name", name),
        ("p0_tenancy_ref", tenancy),
        ("p0_ethnicity", codes::NOT_KNOWN),
        ("case_reference", case_reference),
    ]
}
