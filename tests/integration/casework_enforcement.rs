//! Action against alleged perpetrators: recording actions against named, unknown and group
//! perpetrators and general measures against no one; who they may be against; status
//! transitions and their history; court and notice dates as deadlines; withdrawal closing
//! them off; stale forms; bad input; the access policy; closed cases; the audit trail.

use crate::{
    common::{Client, Res, TestApp, html_unescape},
    fixtures::{self, CaseSpec, Created, PersonSpec, Team},
};
use entity::{Role, case_parties, deadlines, people, perpetrator_actions};
use harbour::cases::codes;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::macros::{date, datetime};

/// The North team (`w.app`, `w.tina`… through `Deref`) and a case with its parties.
struct World {
    team: Team,
    case: Created,
    /// Party ids of the case's alleged perpetrators: named, not known, a group.
    mark: i32,
    unknown: i32,
    group: i32,
    /// The victim's party id.
    victim: i32,
}

impl std::ops::Deref for World {
    type Target = Team;
    fn deref(&self) -> &Team {
        &self.team
    }
}

/// The clock is Monday 23 November 2026, 09:00 (GMT); the case was first reported on
/// Monday 2 November.
async fn world() -> World {
    let team = Team::north().await;
    let (app, tina) = (&team.app, team.tina);
    let case = fixtures::case(
        app,
        CaseSpec {
            received_at: Some(datetime!(2026-11-02 09:00 UTC)),
            perpetrators: vec![PersonSpec::named("Mark Stone")],
            ..CaseSpec::new(tina, team.area)
        },
    )
    .await;
    let victim = fixtures::party_id(app, case.id, case.people[0]).await;
    let mark = fixtures::party_id(app, case.id, case.people[1]).await;
    let unknown = add_perpetrator(app, case.id, "unknown", "tall man in a red jacket", tina).await;
    let group = add_perpetrator(app, case.id, "group", "youths on the estate", tina).await;
    World {
        team,
        case,
        mark,
        unknown,
        group,
        victim,
    }
}

/// An alleged perpetrator who is not named (`kind` "unknown" or "group"); returns the
/// party id.
async fn add_perpetrator(app: &TestApp, case_id: i32, kind: &str, description: &str, by: i32) -> i32 {
    let now = app.now();
    let person = people::ActiveModel {
        kind: Set(kind.to_owned()),
        description: Set(Some(description.to_owned())),
        interpreter: Set(false),
        ethnicity: Set(codes::NOT_KNOWN.to_owned()),
        ethnicity_list: Set(codes::ETHNICITY_LIST.to_owned()),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert person");
    case_parties::ActiveModel {
        case_id: Set(case_id),
        person_id: Set(person.id),
        role: Set(codes::PERPETRATOR.to_owned()),
        added_at: Set(now),
        added_by: Set(by),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert party")
    .id
}

fn new_path(w: &World) -> String {
    format!("/cases/{}/enforcement/new", w.case.reference)
}

fn post_path(w: &World) -> String {
    format!("/cases/{}/enforcement", w.case.reference)
}

fn action_path(w: &World, id: i32) -> String {
    format!("/cases/{}/enforcement/{id}", w.case.reference)
}

/// A planned warning letter against `against`, with `extra` fields replacing the defaults.
fn fields<'a>(against: &'a str, kind: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f: Vec<(&str, &str)> = vec![
        ("against", against),
        ("kind", kind),
        ("status", "planned"),
        ("planned_on", "2026-11-10"),
        ("issued_on", ""),
        ("documents", ""),
        ("notes", ""),
        ("date_kind", ""),
        ("due_on", ""),
        ("date_note", ""),
    ];
    for (k, v) in extra {
        match f.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = v,
            None => f.push((k, v)),
        }
    }
    f
}

async fn actions(app: &TestApp, case_id: i32) -> Vec<perpetrator_actions::Model> {
    perpetrator_actions::Entity::find()
        .filter(perpetrator_actions::Column::CaseId.eq(case_id))
        .order_by_asc(perpetrator_actions::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

async fn action(app: &TestApp, id: i32) -> perpetrator_actions::Model {
    perpetrator_actions::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("action")
}

/// Records an action and returns its id.
async fn record(c: &mut Client, w: &World, f: &[(&str, &str)]) -> i32 {
    let before = actions(&w.app, w.case.id).await.len();
    let res = c.post(&post_path(w), f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some(format!("/cases/{}#enforcement", w.case.reference).as_str())
    );
    let all = actions(&w.app, w.case.id).await;
    assert_eq!(all.len(), before + 1);
    all.last().unwrap().id
}

fn body_text(res: &Res) -> String {
    html_unescape(&res.body)
}

async fn legal_deadlines(app: &TestApp, case_id: i32) -> Vec<deadlines::Model> {
    fixtures::deadlines_of(app, case_id)
        .await
        .into_iter()
        .filter(|d| d.stage == "court-hearing" || d.stage == "notice-expiry")
        .collect()
}

#[tokio::test]
async fn actions_are_recorded_against_named_unknown_and_group_perpetrators_and_no_one() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let form = harry.get(&new_path(&w)).await;
    assert_eq!(form.status, StatusCode::OK);
    let text = body_text(&form);
    for label in [
        "Mark Stone",
        "Not known: tall man in a red jacket",
        "Group: youths on the estate",
        "No one in particular (CCTV, patrols, publicity)",
        "Escalation ladder",
        "General measures",
        "Acceptable Behaviour Contract",
        "CCTV",
    ] {
        assert!(text.contains(label), "form lacks {label}");
    }
    // A victim is not offered.
    assert!(!form.body.contains(&format!("value=\"{}\"", w.victim)));

    let mark = w.mark.to_string();
    let letter = record(
        &mut harry,
        &w,
        &fields(
            &mark,
            "warning-letter",
            &[
                ("status", "issued"),
                ("issued_on", "2026-11-12"),
                ("documents", "Warning letter ref WL/123 in the document system"),
                ("notes", "Hand delivered"),
            ],
        ),
    )
    .await;
    let unknown = w.unknown.to_string();
    let abc = record(&mut harry, &w, &fields(&unknown, "abc", &[])).await;
    let group = w.group.to_string();
    let patrols = record(&mut harry, &w, &fields(&group, "patrols", &[])).await;
    let cctv = record(&mut harry, &w, &fields("none", "cctv", &[])).await;

    let a = action(&w.app, letter).await;
    assert_eq!(a.party_id, Some(w.mark));
    assert_eq!(
        (a.status.as_str(), a.status_on),
        ("issued", date!(2026 - 11 - 12))
    );
    assert_eq!(a.planned_on, date!(2026 - 11 - 10));
    assert_eq!(
        a.documents.as_deref(),
        Some("Warning letter ref WL/123 in the document system")
    );
    assert_eq!(a.notes.as_deref(), Some("Hand delivered"));
    assert_eq!(a.version, 1);
    assert_eq!(action(&w.app, abc).await.party_id, Some(w.unknown));
    assert_eq!(action(&w.app, patrols).await.party_id, Some(w.group));
    let c = action(&w.app, cctv).await;
    assert_eq!(
        (c.party_id, c.status.as_str(), c.status_on),
        (None, "planned", date!(2026 - 11 - 10))
    );
    // One event per action, for its starting status and date.
    assert_eq!(
        w.app.count(&format!(
                "SELECT COUNT(*) FROM perpetrator_action_events WHERE action_id = {letter} AND status = 'issued' AND on_date = '2026-11-12'"
            )
        )
        .await,
        1
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM perpetrator_action_events")
            .await,
        4
    );
    assert_eq!(w.app.audit_count("case.enforcement_recorded").await, 4);
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = 'enforcement-recorded'",
                w.case.id
            ))
            .await,
        4
    );

    // The case page groups them by perpetrator, then no one in particular.
    let page = harry.get(&format!("/cases/{}", w.case.reference)).await;
    let text = body_text(&page);
    let section = &text[text.find("id=\"enforcement\"").expect("section")..];
    let order: Vec<usize> = [
        "Action against perpetrators",
        "Mark Stone",
        "Warning letter",
        "Issued or served",
        "WL/123",
        "Not known: tall man in a red jacket",
        "Acceptable Behaviour Contract",
        "Group: youths on the estate",
        "Patrols",
        "No one in particular",
        "CCTV",
        "Record an action",
    ]
    .iter()
    .map(|t| section.find(t).unwrap_or_else(|| panic!("panel lacks {t}")))
    .collect();
    assert!(order.windows(2).all(|p| p[0] < p[1]), "panel order {order:?}");
    assert!(section.contains(&format!("/enforcement/{letter}")));

    // Tenancy officers read the panel but get no links to change it.
    let mut tina = w.app.signed_in_as("tina").await;
    let page = tina.get(&format!("/cases/{}", w.case.reference)).await;
    assert!(page.body.contains("Warning letter"));
    assert!(!page.body.contains("/enforcement/new"));
    assert!(!page.body.contains(&format!("/enforcement/{letter}\"")));
}

#[tokio::test]
async fn ladder_actions_need_a_perpetrator_and_parties_must_be_this_cases_perpetrators() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    // A ladder action against no one: 422, everything typed kept.
    let res = harry
        .post(
            &post_path(&w),
            &fields(
                "none",
                "injunction",
                &[("documents", "Claim form ref CF/9"), ("notes", "Urgent")],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("There is a problem"));
    assert!(res.body.contains("This action needs someone it is against"));
    assert!(res.body.contains("href=\"#against\""));
    assert!(res.body.contains("Claim form ref CF/9"));
    assert!(res.body.contains("value=\"injunction\" selected"));
    assert!(res.body.contains("value=\"none\" checked"));

    // A victim party, a party of another case, a made-up id, nothing: 422.
    let other = fixtures::case(
        &w.app,
        CaseSpec {
            perpetrators: vec![PersonSpec::named("Other Person")],
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await;
    let other_party = fixtures::party_id(&w.app, other.id, other.people[1])
        .await
        .to_string();
    let victim = w.victim.to_string();
    for against in [victim.as_str(), other_party.as_str(), "999999", "x", ""] {
        let res = harry
            .post(&post_path(&w), &fields(against, "warning-letter", &[]))
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "against {against:?}"
        );
        assert!(res.body.contains("href=\"#against\""), "against {against:?}");
    }
    // An unknown kind: 422.
    let mark = w.mark.to_string();
    let res = harry.post(&post_path(&w), &fields(&mark, "flogging", &[])).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#kind\""));
    assert!(actions(&w.app, w.case.id).await.is_empty());
    assert_eq!(w.app.audit_count("case.enforcement_recorded").await, 0);

    // General measures may be aimed at an unknown perpetrator, or at no one.
    let unknown = w.unknown.to_string();
    record(&mut harry, &w, &fields(&unknown, "cctv", &[])).await;
    record(&mut harry, &w, &fields("none", "publicity", &[])).await;
}

#[tokio::test]
async fn status_changes_follow_the_transition_table_and_build_a_history() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mark = w.mark.to_string();
    let id = record(&mut harry, &w, &fields(&mark, "abc", &[])).await;
    let path = action_path(&w, id);

    // Planned can go to issued or withdrawn only.
    let page = harry.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"issued\""));
    assert!(page.body.contains("value=\"withdrawn\""));
    assert!(!page.body.contains("value=\"granted\""));
    let res = harry
        .post(
            &path,
            &[
                ("status", "granted"),
                ("on_date", "2026-11-12"),
                ("note", "Signed at the office"),
                ("outcome", ""),
                ("documents", ""),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(&res).contains("From “Planned” the status can change only to: Issued or served, Withdrawn"),
        "{}",
        res.body
    );
    assert!(res.body.contains("Signed at the office"));
    let a = action(&w.app, id).await;
    assert_eq!((a.status.as_str(), a.version), ("planned", 1));
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM perpetrator_action_events WHERE action_id = {id}"
            ))
            .await,
        1
    );

    // planned → issued → breached → breached → granted, each dated.
    let steps = [
        ("issued", "2026-11-12", "Signed at the office"),
        ("breached", "2026-11-16", "Shouted abuse again"),
        ("breached", "2026-11-18", "Graffiti on the door"),
        ("granted", "2026-11-20", ""),
    ];
    for (n, (status, on, note)) in steps.iter().enumerate() {
        let version = (n + 1).to_string();
        let res = harry
            .post(
                &path,
                &[
                    ("status", status),
                    ("on_date", on),
                    ("note", note),
                    ("outcome", ""),
                    ("documents", ""),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{status}: {}", res.body);
        let a = action(&w.app, id).await;
        assert_eq!(a.status, *status);
        assert_eq!(a.status_on.to_string(), *on);
        assert_eq!(a.version, n as i32 + 2);
        assert_eq!(a.updated_by, Some(w.harry));
    }
    let history: Vec<(String, String)> = entity::perpetrator_action_events::Entity::find()
        .filter(entity::perpetrator_action_events::Column::ActionId.eq(id))
        .order_by_asc(entity::perpetrator_action_events::Column::Id)
        .all(&w.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.status, e.on_date.to_string()))
        .collect();
    assert_eq!(
        history,
        [
            ("planned", "2026-11-10"),
            ("issued", "2026-11-12"),
            ("breached", "2026-11-16"),
            ("breached", "2026-11-18"),
            ("granted", "2026-11-20"),
        ]
        .map(|(s, d)| (s.to_owned(), d.to_owned()))
    );
    // The page shows the history in order.
    let page = harry.get(&path).await;
    let text = body_text(&page);
    let history = &text[text.find("id=\"history\"").unwrap()..text.find("id=\"dates\"").unwrap()];
    let order: Vec<usize> = [
        "Planned",
        "Issued or served",
        "Shouted abuse again",
        "Graffiti on the door",
        "Granted",
    ]
    .iter()
    .map(|t| history.find(t).unwrap_or_else(|| panic!("history lacks {t}")))
    .collect();
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}");
    assert_eq!(w.app.audit_count("case.enforcement_updated").await, 4);

    // A change dated before the current status's date, or in the future: 422.
    for on in ["2026-11-19", "2026-11-24"] {
        let res = harry
            .post(
                &path,
                &[("status", "breached"), ("on_date", on), ("version", "5")],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{on}");
        assert!(res.body.contains("href=\"#on_date\""));
    }
    // Nothing changed at all: 422.
    let res = harry.post(&path, &[("status", ""), ("version", "5")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Outcome alone: saved without a status event.
    let res = harry
        .post(
            &path,
            &[
                ("status", ""),
                ("outcome", "Order for 12 months"),
                ("version", "5"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let a = action(&w.app, id).await;
    assert_eq!(
        (a.status.as_str(), a.outcome.as_deref()),
        ("granted", Some("Order for 12 months"))
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM perpetrator_action_events WHERE action_id = {id}"
            ))
            .await,
        5
    );

    // Withdrawn is final.
    let res = harry
        .post(
            &path,
            &[
                ("status", "withdrawn"),
                ("on_date", "2026-11-23"),
                ("outcome", "Order for 12 months"),
                ("version", "6"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = harry
        .post(
            &path,
            &[
                ("status", "issued"),
                ("on_date", "2026-11-23"),
                ("outcome", "Order for 12 months"),
                ("version", "7"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(&res).contains("An action that is withdrawn cannot change status"));
    assert_eq!(action(&w.app, id).await.status, "withdrawn");
}

#[tokio::test]
async fn hearing_and_notice_dates_become_deadlines_on_the_case() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mark = w.mark.to_string();
    let id = record(
        &mut harry,
        &w,
        &fields(
            &mark,
            "injunction",
            &[
                ("status", "issued"),
                ("issued_on", "2026-11-20"),
                ("date_kind", "hearing"),
                ("due_on", "2027-01-15"),
                ("date_note", "Derby County Court"),
            ],
        ),
    )
    .await;
    let dates = legal_deadlines(&w.app, w.case.id).await;
    assert_eq!(dates.len(), 1);
    let hearing = &dates[0];
    let legal_id = w
        .app
        .count(&format!(
            "SELECT CAST(id AS BIGINT) FROM legal_dates WHERE action_id = {id}"
        ))
        .await as i32;
    assert_eq!(hearing.stage, "court-hearing");
    assert_eq!(hearing.occurrence, legal_id);
    assert_eq!(hearing.due_at, datetime!(2027-01-15 23:59:59 UTC));
    assert_eq!(hearing.original_due_at, hearing.due_at);
    assert_eq!(hearing.status, "open");
    assert_eq!(
        hearing.title.as_deref(),
        Some("Civil injunction — Derby County Court")
    );

    // A notice expiry added from the action page, in British Summer Time.
    let page = harry.get(&action_path(&w, id)).await;
    assert!(page.body.contains("Add a court or notice date"));
    let res = harry
        .post(
            &format!("{}/dates", action_path(&w, id)),
            &[
                ("date_kind", "notice-expiry"),
                ("due_on", "2027-06-15"),
                ("date_note", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let dates = legal_deadlines(&w.app, w.case.id).await;
    assert_eq!(dates.len(), 2);
    let notice = dates.iter().find(|d| d.stage == "notice-expiry").unwrap();
    assert_eq!(notice.due_at, datetime!(2027-06-15 22:59:59 UTC));
    assert_eq!(notice.title.as_deref(), Some("Civil injunction"));
    assert_eq!(w.app.audit_count("case.legal_date_added").await, 1);
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = 'legal-date-added'",
                w.case.id
            ))
            .await,
        1
    );

    // Both show on the case page's deadline panel and in the enforcement panel.
    let page = harry.get(&format!("/cases/{}", w.case.reference)).await;
    let text = body_text(&page);
    let deadlines = &text[text.find("id=\"deadlines\"").unwrap()..text.find("id=\"enforcement\"").unwrap()];
    assert!(deadlines.contains("Court hearing: Civil injunction — Derby County Court"));
    assert!(deadlines.contains("Notice expires: Civil injunction"));
    let panel = &text[text.find("id=\"enforcement\"").unwrap()..];
    assert!(panel.contains("Court hearing"));
    assert!(panel.contains("15 Jan 2027"));
    assert!(panel.contains("Derby County Court"));
    assert!(panel.contains(&format!("/deadlines/{}/extend", hearing.id)));

    // Bad dates and notes: 422 on both forms, nothing added.
    let too_long = "x".repeat(201);
    for (kind, due, note) in [
        ("hearing", "2027-02-30", ""),
        ("hearing", "99999-01-01", ""),
        ("hearing", "", ""),
        ("hearing", "2026-11-01", ""),
        ("", "2027-01-20", ""),
        ("appeal", "2027-01-20", ""),
        ("hearing", "2027-01-20", too_long.as_str()),
    ] {
        let res = harry
            .post(
                &format!("{}/dates", action_path(&w, id)),
                &[("date_kind", kind), ("due_on", due), ("date_note", note)],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{kind} {due}");
        assert!(res.body.contains("There is a problem"));
    }
    let res = harry
        .post(
            &post_path(&w),
            &fields(
                &mark,
                "cpn",
                &[
                    ("date_kind", "notice-expiry"),
                    ("due_on", "2027-13-01"),
                    ("date_note", &too_long),
                ],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#due_on\""));
    assert!(res.body.contains("href=\"#date_note\""));
    assert!(res.body.contains("2027-13-01"));
    assert_eq!(legal_deadlines(&w.app, w.case.id).await.len(), 2);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM legal_dates").await, 2);
}

#[tokio::test]
async fn withdrawal_closes_off_dates_still_ahead_and_leaves_overdue_ones_open() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mark = w.mark.to_string();
    let id = record(
        &mut harry,
        &w,
        &fields(
            &mark,
            "nsp",
            &[
                ("status", "issued"),
                ("issued_on", "2026-11-12"),
                ("date_kind", "notice-expiry"),
                ("due_on", "2026-11-20"),
            ],
        ),
    )
    .await;
    let res = harry
        .post(
            &format!("{}/dates", action_path(&w, id)),
            &[
                ("date_kind", "hearing"),
                ("due_on", "2027-02-01"),
                ("date_note", "Leicester County Court"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // An unrelated action's hearing is untouched.
    let other = record(
        &mut harry,
        &w,
        &fields(
            &mark,
            "injunction",
            &[("date_kind", "hearing"), ("due_on", "2027-02-02")],
        ),
    )
    .await;
    let res = harry
        .post(
            &action_path(&w, id),
            &[
                ("status", "withdrawn"),
                ("on_date", "2026-11-23"),
                ("note", "Victim moved away"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let all = legal_deadlines(&w.app, w.case.id).await;
    let hearing = all
        .iter()
        .find(|d| d.due_at == datetime!(2027-02-01 23:59:59 UTC))
        .unwrap();
    assert_eq!(hearing.status, "not-applicable");
    assert_eq!(hearing.resolution_note.as_deref(), Some("Action withdrawn"));
    assert_eq!(hearing.resolved_by, Some(w.harry));
    // The notice expired on 20 November, unanswered: it stays open (overdue) for someone to
    // record or a manager to waive.
    let expiry = all.iter().find(|d| d.stage == "notice-expiry").unwrap();
    assert_eq!(expiry.status, "open");
    let untouched = all
        .iter()
        .find(|d| d.due_at == datetime!(2027-02-02 23:59:59 UTC))
        .unwrap();
    assert_eq!(untouched.status, "open");
    assert!(other > id);
    // No more dates on a withdrawn action.
    let res = harry
        .post(
            &format!("{}/dates", action_path(&w, id)),
            &[("date_kind", "hearing"), ("due_on", "2027-03-01")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    // Refused by the court closes off the other action's hearing.
    let res = harry
        .post(
            &action_path(&w, other),
            &[("status", "issued"), ("on_date", "2026-11-20"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = harry
        .post(
            &action_path(&w, other),
            &[("status", "refused"), ("on_date", "2026-11-23"), ("version", "2")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let all = legal_deadlines(&w.app, w.case.id).await;
    let closed = all
        .iter()
        .find(|d| d.due_at == datetime!(2027-02-02 23:59:59 UTC))
        .unwrap();
    assert_eq!(closed.status, "not-applicable");
    assert_eq!(closed.resolution_note.as_deref(), Some("Refused by the court"));
}

#[tokio::test]
async fn a_stale_status_form_is_refused_with_what_was_typed_kept() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mut maria = w.app.signed_in_as("maria").await;
    let mark = w.mark.to_string();
    let id = record(&mut harry, &w, &fields(&mark, "warning-letter", &[])).await;
    let path = action_path(&w, id);
    let page = harry.get(&path).await;
    assert_eq!(page.input_value("version").as_deref(), Some("1"));
    // Maria issues it first.
    let res = maria
        .post(
            &path,
            &[("status", "issued"), ("on_date", "2026-11-13"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Harry's form still says version 1.
    let res = harry
        .post(
            &path,
            &[
                ("status", "withdrawn"),
                ("on_date", "2026-11-20"),
                ("note", "Perpetrator apologised in writing"),
                ("outcome", "Apology letter received"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Someone changed this action"));
    assert!(res.body.contains("Perpetrator apologised in writing"));
    assert!(res.body.contains("Apology letter received"));
    assert!(res.body.contains("value=\"2026-11-20\""));
    assert!(res.body.contains("value=\"withdrawn\" checked"));
    // The action as it now is, and the form now carries its version.
    assert!(res.body.contains("Issued or served"));
    assert_eq!(res.input_value("version").as_deref(), Some("2"));
    let a = action(&w.app, id).await;
    assert_eq!((a.status.as_str(), a.version), ("issued", 2));
    // Submitting again (deliberately, against version 2) works.
    let res = harry
        .post(
            &path,
            &[
                ("status", "withdrawn"),
                ("on_date", "2026-11-20"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn bad_dates_and_text_are_422_never_500() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mark = w.mark.to_string();
    let huge = "y".repeat(4_001);
    let cases: [(&str, &str, &str); 10] = [
        ("planned_on", "2026-02-30", "planned_on"),
        ("planned_on", "99999-12-31", "planned_on"),
        ("planned_on", "yesterday", "planned_on"),
        ("planned_on", "2026-11-24", "planned_on"),
        // Before the case was first reported (2 November).
        ("planned_on", "2026-11-01", "planned_on"),
        ("planned_on", "", "planned_on"),
        // Issued before it was planned.
        ("issued_on", "2026-11-09", "issued_on"),
        ("status", "granted", "status"),
        ("documents", huge.as_str(), "documents"),
        ("notes", huge.as_str(), "notes"),
    ];
    for (field, value, error) in cases {
        let extra: Vec<(&str, &str)> = if field == "issued_on" {
            vec![("status", "issued"), (field, value)]
        } else {
            vec![(field, value)]
        };
        let res = harry
            .post(&post_path(&w), &fields(&mark, "warning-letter", &extra))
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value:.20}"
        );
        assert!(
            res.body.contains(&format!("href=\"#{error}\"")),
            "{field}={value:.20}"
        );
    }
    // Issued without a date; a date given for a planned action.
    let res = harry
        .post(
            &post_path(&w),
            &fields(&mark, "warning-letter", &[("status", "issued")]),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = harry
        .post(
            &post_path(&w),
            &fields(&mark, "warning-letter", &[("issued_on", "2026-11-12")]),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(actions(&w.app, w.case.id).await.is_empty());

    let id = record(&mut harry, &w, &fields(&mark, "warning-letter", &[])).await;
    for (field, value) in [
        ("on_date", "2026-02-30"),
        ("on_date", "99999-01-01"),
        ("on_date", ""),
        ("note", huge.as_str()),
        ("outcome", huge.as_str()),
    ] {
        let mut f = vec![("status", "issued"), ("on_date", "2026-11-12"), ("version", "1")];
        match f.iter_mut().find(|(k, _)| *k == field) {
            Some(slot) => slot.1 = value,
            None => f.push((field, value)),
        }
        let res = harry.post(&action_path(&w, id), &f).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value:.20}"
        );
    }
    // A version that is not a number is a stale form.
    let res = harry
        .post(
            &action_path(&w, id),
            &[
                ("status", "issued"),
                ("on_date", "2026-11-12"),
                ("version", "99999999999"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(action(&w.app, id).await.status, "planned");
}

#[tokio::test]
async fn tenancy_officers_and_administrators_are_refused_every_route() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mark = w.mark.to_string();
    let id = record(&mut harry, &w, &fields(&mark, "warning-letter", &[])).await;
    let routes = [
        ("GET", new_path(&w)),
        ("POST", post_path(&w)),
        ("GET", action_path(&w, id)),
        ("POST", action_path(&w, id)),
        ("POST", format!("{}/dates", action_path(&w, id))),
    ];
    for user in ["tina", "adam"] {
        let mut c = w.app.signed_in_as(user).await;
        for (method, path) in &routes {
            let res = if *method == "GET" {
                c.get(path).await
            } else {
                c.post(
                    path,
                    &fields(
                        &mark,
                        "warning-letter",
                        &[("status", "issued"), ("on_date", "2026-11-12"), ("version", "1")],
                    ),
                )
                .await
            };
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{user} {method} {path}");
        }
    }
    assert_eq!(actions(&w.app, w.case.id).await.len(), 1);
    assert_eq!(action(&w.app, id).await.status, "planned");
    // Managers may.
    let mut maria = w.app.signed_in_as("maria").await;
    assert_eq!(maria.get(&action_path(&w, id)).await.status, StatusCode::OK);
    assert_eq!(maria.get(&new_path(&w)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn cases_the_user_cannot_see_and_actions_of_other_cases_are_404() {
    let w = world().await;
    let colleague = w.app.create_user("carl", Role::HarassmentOfficer).await;
    fixtures::give_area(&w.app, colleague, w.area).await;
    let restricted = fixtures::case(
        &w.app,
        CaseSpec {
            restricted: true,
            named: vec![colleague],
            received_at: Some(datetime!(2026-11-02 09:00 UTC)),
            perpetrators: vec![PersonSpec::named("Mark Stone")],
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await;
    // Carl, named on it, records an action.
    let mut carl = w.app.signed_in_as("carl").await;
    let party = fixtures::party_id(&w.app, restricted.id, restricted.people[1])
        .await
        .to_string();
    let res = carl
        .post(
            &format!("/cases/{}/enforcement", restricted.reference),
            &fields(&party, "warning-letter", &[]),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let hidden = actions(&w.app, restricted.id).await[0].id;
    let base = format!("/cases/{}/enforcement", restricted.reference);
    // Harry is not named on it: everything is 404, and nothing changes.
    let mut harry = w.app.signed_in_as("harry").await;
    for (method, path) in [
        ("GET", format!("{base}/new")),
        ("POST", base.clone()),
        ("GET", format!("{base}/{hidden}")),
        ("POST", format!("{base}/{hidden}")),
        ("POST", format!("{base}/{hidden}/dates")),
    ] {
        let res = if method == "GET" {
            harry.get(&path).await
        } else {
            harry
                .post(
                    &path,
                    &fields(
                        &party,
                        "warning-letter",
                        &[
                            ("date_kind", "hearing"),
                            ("due_on", "2027-01-10"),
                            ("version", "1"),
                            ("status", "issued"),
                            ("on_date", "2026-11-23"),
                        ],
                    ),
                )
                .await
        };
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    assert_eq!(actions(&w.app, restricted.id).await.len(), 1);
    assert_eq!(action(&w.app, hidden).await.status, "planned");
    // The restricted case's action through a case Harry can see: 404 too.
    let wrong = action_path(&w, hidden);
    assert_eq!(harry.get(&wrong).await.status, StatusCode::NOT_FOUND);
    let res = harry
        .post(
            &wrong,
            &[("status", "issued"), ("on_date", "2026-11-23"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = harry
        .post(
            &format!("{wrong}/dates"),
            &[("date_kind", "hearing"), ("due_on", "2027-01-10")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(harry.get(&action_path(&w, 0)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        harry
            .get(&format!("/cases/{}/enforcement/abc", w.case.reference))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(action(&w.app, hidden).await.status, "planned");
}

#[tokio::test]
async fn closed_cases_take_no_new_actions_or_dates_but_record_status_changes() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mark = w.mark.to_string();
    let id = record(&mut harry, &w, &fields(&mark, "injunction", &[])).await;
    w.app
        .exec(&format!(
            "UPDATE cases SET status = 'closed', outcome = 'resolved' WHERE id = {}",
            w.case.id
        ))
        .await;
    let res = harry.get(&new_path(&w)).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("This case is closed"));
    let res = harry
        .post(&post_path(&w), &fields(&mark, "warning-letter", &[]))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = harry
        .post(
            &format!("{}/dates", action_path(&w, id)),
            &[("date_kind", "hearing"), ("due_on", "2027-01-10")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(actions(&w.app, w.case.id).await.len(), 1);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM legal_dates").await, 0);
    // The court's decision after closure still goes on the record.
    let page = harry.get(&action_path(&w, id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("reopen it to add a date"));
    let res = harry
        .post(
            &action_path(&w, id),
            &[("status", "issued"), ("on_date", "2026-11-20"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(action(&w.app, id).await.status, "issued");
    // The case page offers no "Record an action" on a closed case.
    let page = harry.get(&format!("/cases/{}", w.case.reference)).await;
    assert!(!page.body.contains("/enforcement/new"));
}

#[tokio::test]
async fn audit_rows_name_what_was_done_and_never_the_free_text() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mark = w.mark.to_string();
    let id = record(
        &mut harry,
        &w,
        &fields(
            &mark,
            "injunction",
            &[
                ("documents", "Claim ref CF/777"),
                ("notes", "Secret note text"),
                ("date_kind", "hearing"),
                ("due_on", "2027-01-15"),
                ("date_note", "Derby County Court"),
            ],
        ),
    )
    .await;
    let res = harry
        .post(
            &action_path(&w, id),
            &[
                ("status", "issued"),
                ("on_date", "2026-11-20"),
                ("note", "Served by process server"),
                ("outcome", "Hearing listed"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = harry
        .post(
            &format!("{}/dates", action_path(&w, id)),
            &[
                ("date_kind", "hearing"),
                ("due_on", "2027-02-15"),
                ("date_note", "Nottingham Justice Centre"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    for action in [
        "case.enforcement_recorded",
        "case.enforcement_updated",
        "case.legal_date_added",
    ] {
        assert_eq!(w.app.audit_count(action).await, 1, "{action}");
    }
    // Viewing the action page and the form are audited as views of the case.
    harry.get(&action_path(&w, id)).await;
    assert!(
        w.app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'case.viewed' AND summary LIKE '%Viewed perpetrator action'"
        )
        .await
            >= 1
    );
    for secret in [
        "Mark Stone",
        "CF/777",
        "Secret note",
        "Derby",
        "process server",
        "Hearing listed",
        "Nottingham",
        "injunction",
    ] {
        assert_eq!(
            w.app
                .count(&format!(
                    "SELECT COUNT(*) FROM audit_events WHERE summary LIKE '%{secret}%'"
                ))
                .await,
            0,
            "audit summary holds {secret}"
        );
    }
    // The timeline (read by staff who see the case) does hold the detail.
    let page = harry.get(&format!("/cases/{}", w.case.reference)).await;
    let text = body_text(&page);
    let timeline = &text[text.find("id=\"timeline\"").unwrap()..];
    for shown in [
        "Perpetrator action recorded",
        "Civil injunction against Mark Stone",
        "Claim ref CF/777",
        "Perpetrator action updated",
        "Planned → Issued or served on 20 Nov 2026",
        "Served by process server",
        "Court or notice date added",
        "Nottingham Justice Centre",
    ] {
        assert!(timeline.contains(shown), "timeline lacks {shown}");
    }
}

/// A hearing entered after it happened can be recorded as done at its real time that day
/// (the deadline counts from the start of the day, not from when it was entered); and a new
/// priority reaches dated deadlines without moving their dates.
#[tokio::test]
async fn a_past_hearing_is_done_at_its_real_time_and_follows_the_case_priority() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mark = w.mark.to_string();
    record(
        &mut harry,
        &w,
        &fields(
            &mark,
            "injunction",
            &[
                ("status", "issued"),
                ("issued_on", "2026-11-12"),
                ("date_kind", "hearing"),
                ("due_on", "2026-11-20"),
                ("date_note", "Derby County Court"),
            ],
        ),
    )
    .await;
    let hearing = legal_deadlines(&w.app, w.case.id).await.remove(0);
    assert_eq!(hearing.anchored_at, datetime!(2026-11-20 00:00 UTC));
    let path = format!("/cases/{}/deadlines/{}/done", w.case.reference, hearing.id);
    let res = harry
        .post(
            &path,
            &[
                ("date", "2026-11-20"),
                ("time", "10:00"),
                ("text", "Injunction granted"),
                ("version", &hearing.version.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let done = legal_deadlines(&w.app, w.case.id).await.remove(0);
    assert_eq!(done.done_at, Some(datetime!(2026-11-20 10:00 UTC)));
    assert_eq!(done.late_working_days, Some(0));
    // The court's date is not officers' performance: compliance leaves it out.
    let mut maria = w.app.signed_in_as("maria").await;
    let due = maria.get("/compliance/cases?period=ytd&bucket=due").await;
    assert_eq!(due.status, StatusCode::OK);
    assert!(
        due.body.contains("Initial contact"),
        "the drill-down lists the procedure's deadlines"
    );
    assert!(!due.body.contains("Court hearing"), "court dates are not counted");

    // A second, future hearing, then the case becomes Priority 2.
    let id = record(
        &mut harry,
        &w,
        &fields(
            &mark,
            "cbo",
            &[("date_kind", "hearing"), ("due_on", "2027-02-01")],
        ),
    )
    .await;
    assert!(id > 0);
    w.app
        .exec(&format!(
            "UPDATE cases SET priority = 'p2' WHERE id = {}",
            w.case.id
        ))
        .await;
    let state = w.app.state();
    let case = entity::cases::Entity::find_by_id(w.case.id)
        .one(&state.db)
        .await
        .unwrap()
        .unwrap();
    harbour::deadlines::schedule::replan_open(&state.db, &case, None)
        .await
        .unwrap();
    let open: Vec<_> = legal_deadlines(&w.app, w.case.id)
        .await
        .into_iter()
        .filter(|d| d.status == "open")
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].priority, "p2");
    assert_eq!(open[0].due_at, datetime!(2027-02-01 23:59:59 UTC));
}
