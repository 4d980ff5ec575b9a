//! The case chronology: one case with a record of every kind (reports, contact, note,
//! assignment, risk assessment with an override, action plan with actions done late,
//! cancelled and overdue, support requested then provided, a referral with consent sent
//! and answered, perpetrator action planned → issued → breached, a hearing date, deadlines
//! met, late, waived, extended, no longer applicable, overdue and due, a closure and a
//! reopening) comes out complete, in date order, with each entry's author; the CSV holds
//! the same rows, defused against formula injection; a restricted case hides nothing from
//! a manager and is the standard 404 to a tenancy officer not named on it; administrators
//! get 403; producing it is audited with labels only.
//!
//! Casework rows are inserted directly (the other casework modules' forms are tested in
//! their own files); deadlines are planned and settled through the deadline functions and
//! the waive form, as the application does.

use crate::{
    common::{Client, Res, TestApp, html_unescape},
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::{
    Role, action_plans, case_closures, case_parties, cases, deadlines, incident_types, incidents,
    legal_dates, perpetrator_action_events, perpetrator_actions, plan_actions, referrals, risk_assessments,
    support_measures, timeline_entries,
};
use harbour::{
    chronology::{When, csv_cell},
    deadlines::{case_panel::stage_name, dated},
    procedure::Stage,
};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use time::{
    Date, OffsetDateTime,
    macros::{date, datetime},
};

/// A reference no case has.
const MISSING: &str = "HC-2026-999999";

struct World {
    app: TestApp,
    reference: String,
    case_id: i32,
}

/// The clock is Monday 23 November 2026, 09:00 (GMT: London time is UTC). The case was
/// reported on Monday 16 November; it is restricted, naming Tessa and Harriet.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let tessa = app.create_user("tessa", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tessa, north).await;
    let olive = app.create_user("olive", Role::TenancyOfficer).await;
    fixtures::give_area(&app, olive, north).await;
    let harriet = app.create_user("harriet", Role::HarassmentOfficer).await;
    let mo = app.create_user("mo", Role::Manager).await;
    app.create_user("ada", Role::Admin).await;
    let created = fixtures::case(
        &app,
        CaseSpec {
            received_at: Some(datetime!(2026-11-16 08:00 UTC)),
            owner_id: Some(harriet),
            restricted: true,
            named: vec![tessa, harriet],
            perpetrators: vec![PersonSpec::named("Gary Mills")],
            ..CaseSpec::new(tessa, north)
        },
    )
    .await;
    let case_id = created.id;
    let victim = created.people[0];
    let db = &app.db;
    let case = cases::Entity::find_by_id(case_id).one(db).await.unwrap().unwrap();
    let deadline = |stage: &'static str| async move {
        deadlines::Entity::find()
            .filter(deadlines::Column::CaseId.eq(case_id))
            .filter(deadlines::Column::Stage.eq(stage))
            .filter(deadlines::Column::Status.eq("open"))
            .one(db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("an open {stage} deadline"))
    };

    // A further report, by Harriet, from a named witness, with the police involved.
    let further = incidents::ActiveModel {
        case_id: Set(case_id),
        received_at: Set(datetime!(2026-11-18 19:30 UTC)),
        received_how: Set("in-person".into()),
        reporter_type: Set("witness".into()),
        reporter_name: Set(Some("Joe Bloggs".into())),
        occurred_kind: Set("at".into()),
        occurred_at: Set(Some(datetime!(2026-11-18 19:00 UTC))),
        location_kind: Set("communal".into()),
        description: Set("Threatened to burn the door".into()),
        police_involved: Set(true),
        crime_reference: Set(Some("CR/123/26".into())),
        logged_by: Set(harriet),
        created_at: Set(datetime!(2026-11-18 19:45 UTC)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    incident_types::Entity::insert(incident_types::ActiveModel {
        incident_id: Set(further.id),
        type_code: Set("threats".into()),
    })
    .exec_without_returning(db)
    .await
    .unwrap();

    // The timeline: an assignment, a contact with the victim, a note (which a spreadsheet
    // would run as a formula), and events the dedicated sources tell better.
    let timeline = [
        (
            "assigned",
            datetime!(2026-11-16 09:30 UTC),
            "Assigned to harriet Test",
            None,
            mo,
            "mo Test",
        ),
        (
            "visit",
            datetime!(2026-11-17 10:00 UTC),
            "Visited Amina at home",
            Some(victim),
            harriet,
            "harriet Test",
        ),
        (
            "note",
            datetime!(2026-11-19 12:00 UTC),
            "=HYPERLINK(\"http://evil.example\",\"Click\")",
            None,
            harriet,
            "harriet Test",
        ),
        (
            "closed",
            datetime!(2026-11-21 15:00 UTC),
            "SKIP-ME closed",
            None,
            harriet,
            "harriet Test",
        ),
        (
            "risk-assessed",
            datetime!(2026-11-17 11:00 UTC),
            "SKIP-ME risk",
            None,
            harriet,
            "harriet Test",
        ),
        (
            "deadline-done",
            datetime!(2026-11-16 15:00 UTC),
            "SKIP-ME deadline",
            None,
            tessa,
            "tessa Test",
        ),
        (
            "plan-agreed",
            datetime!(2026-11-18 09:00 UTC),
            "SKIP-ME plan",
            None,
            harriet,
            "harriet Test",
        ),
    ];
    for (kind, at, body, person, author, name) in timeline {
        timeline_entries::ActiveModel {
            case_id: Set(case_id),
            kind: Set(kind.into()),
            occurred_at: Set(at),
            body: Set(body.into()),
            person_id: Set(person),
            author_id: Set(Some(author)),
            author_name: Set(name.into()),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }

    // First contact made in time; the risk assessment done the next day, its level
    // overridden upwards with a reason.
    let now = app.now();
    dated::complete(
        db,
        &case,
        deadline("initial-contact").await,
        datetime!(2026-11-16 15:00 UTC),
        tessa,
        now,
    )
    .await
    .unwrap()
    .expect("initial contact completed");
    risk_assessments::ActiveModel {
        case_id: Set(case_id),
        set_id: Set(1),
        occasion: Set("triage".into()),
        assessed_at: Set(datetime!(2026-11-17 11:00 UTC)),
        score: Set(8),
        computed_level: Set("medium".into()),
        level: Set("high".into()),
        override_reason: Set(Some("Threats to burn the flat".into())),
        notes: Set(Some("Victim very frightened".into())),
        created_by: Set(harriet),
        created_at: Set(datetime!(2026-11-17 11:05 UTC)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    cases::Entity::update_many()
        .col_expr(cases::Column::RiskLevel, Expr::value(Some("high")))
        .col_expr(
            cases::Column::RiskAssessedAt,
            Expr::value(Some(datetime!(2026-11-17 11:00 UTC))),
        )
        .filter(cases::Column::Id.eq(case_id))
        .exec(db)
        .await
        .unwrap();
    dated::complete(
        db,
        &case,
        deadline("risk-assessment").await,
        datetime!(2026-11-17 11:00 UTC),
        harriet,
        now,
    )
    .await
    .unwrap()
    .expect("risk assessment completed");

    // The victim interview put back (an extension with a reason).
    let interview = deadline("victim-interview").await;
    assert!(
        dated::move_to(
            db,
            &interview,
            date!(2026 - 11 - 26),
            "Victim in hospital",
            harriet,
            datetime!(2026-11-18 10:00 UTC)
        )
        .await
        .unwrap()
    );

    // The action plan and three actions: done late, still open past its date, cancelled.
    let plan = action_plans::ActiveModel {
        case_id: Set(case_id),
        agreed_on: Set(date!(2026 - 11 - 18)),
        copy_given_how: Set("post".into()),
        copy_given_on: Set(Some(date!(2026 - 11 - 19))),
        contact_every_unit: Set("calendar-days".into()),
        contact_every_amount: Set(7),
        contact_channel: Set("phone".into()),
        interpreter_language: Set(Some("Urdu".into())),
        communication_needs: Set(Some("Large print letters".into())),
        notes: Set(None),
        created_by: Set(harriet),
        created_at: Set(datetime!(2026-11-18 13:00 UTC)),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let mut action_ids = vec![];
    for (description, minute, target) in [
        ("Fit new locks", 0, date!(2026 - 11 - 19)),
        ("Refer to mediation", 10, date!(2026 - 11 - 20)),
        ("Move the bins away from the door", 20, date!(2026 - 11 - 25)),
    ] {
        let created_at = datetime!(2026-11-18 14:00 UTC) + time::Duration::minutes(minute);
        let action = plan_actions::ActiveModel {
            case_id: Set(case_id),
            plan_id: Set(plan.id),
            description: Set(description.into()),
            owner_id: Set(Some(harriet)),
            target_on: Set(target),
            status: Set("open".into()),
            created_by: Set(harriet),
            created_at: Set(created_at),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        dated::add(
            db,
            &case,
            Stage::PlanAction,
            action.id,
            description,
            target,
            created_at,
        )
        .await
        .unwrap();
        action_ids.push(action.id);
    }
    let action_deadline = |id: i32| async move {
        dated::find(db, case_id, Stage::PlanAction, id)
            .await
            .unwrap()
            .unwrap()
    };
    settle_action(
        &app,
        action_ids[0],
        "done",
        date!(2026 - 11 - 20),
        "Locks fitted",
        harriet,
    )
    .await;
    dated::complete(
        db,
        &case,
        action_deadline(action_ids[0]).await,
        datetime!(2026-11-20 12:00 UTC),
        harriet,
        now,
    )
    .await
    .unwrap()
    .expect("locks action completed");
    settle_action(
        &app,
        action_ids[2],
        "cancelled",
        date!(2026 - 11 - 21),
        "Bins moved by the council",
        harriet,
    )
    .await;
    assert!(
        dated::close_off(
            db,
            &action_deadline(action_ids[2]).await,
            "Bins moved by the council",
            harriet,
            datetime!(2026-11-21 11:00 UTC)
        )
        .await
        .unwrap()
    );

    // Support requested by Tessa, provided by Harriet.
    support_measures::ActiveModel {
        case_id: Set(case_id),
        catalogue_id: Set(1),
        status: Set("provided".into()),
        requested_on: Set(date!(2026 - 11 - 17)),
        provided_on: Set(Some(date!(2026 - 11 - 20))),
        cost_pence: Set(Some(12_550)),
        notes: Set(Some("Front and back doors".into())),
        created_by: Set(tessa),
        created_at: Set(datetime!(2026-11-17 12:00 UTC)),
        updated_by: Set(Some(harriet)),
        updated_at: Set(Some(datetime!(2026-11-20 12:00 UTC))),
        version: Set(2),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();

    // A referral to the police: consent recorded, sent, answered.
    referrals::ActiveModel {
        case_id: Set(case_id),
        agency_id: Set(1),
        status: Set("responded".into()),
        referred_on: Set(date!(2026 - 11 - 17)),
        reason: Set(Some("Threats of arson".into())),
        consent_by: Set(Some("Amina Khan".into())),
        consent_on: Set(Some(date!(2026 - 11 - 17))),
        consent_scope: Set(Some("Incident details and phone number".into())),
        sent_on: Set(Some(date!(2026 - 11 - 18))),
        response_on: Set(Some(date!(2026 - 11 - 20))),
        response: Set(Some("Officer assigned".into())),
        created_by: Set(harriet),
        created_at: Set(datetime!(2026-11-17 12:30 UTC)),
        updated_by: Set(Some(harriet)),
        updated_at: Set(Some(datetime!(2026-11-20 13:00 UTC))),
        version: Set(3),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();

    // Action against Gary Mills: an ABC planned, issued, breached; an injunction planned
    // with a hearing date (a deadline); CCTV aimed at no one in particular.
    let gary = case_parties::Entity::find()
        .filter(case_parties::Column::CaseId.eq(case_id))
        .filter(case_parties::Column::Role.eq("alleged-perpetrator"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let perpetrator_action = |kind: &'static str, party: Option<i32>, status: &'static str, on: Date| {
        perpetrator_actions::ActiveModel {
            case_id: Set(case_id),
            party_id: Set(party),
            kind: Set(kind.into()),
            status: Set(status.into()),
            status_on: Set(on),
            planned_on: Set(on),
            created_by: Set(harriet),
            created_at: Set(datetime!(2026-11-18 16:00 UTC)),
            version: Set(1),
            ..Default::default()
        }
    };
    let abc = perpetrator_actions::ActiveModel {
        planned_on: Set(date!(2026 - 11 - 18)),
        outcome: Set(Some("Breached by further abuse".into())),
        documents: Set(Some("Letter ref ABC-1".into())),
        ..perpetrator_action("abc", Some(gary.id), "breached", date!(2026 - 11 - 21))
    }
    .insert(db)
    .await
    .unwrap();
    for (status, on, note) in [
        ("planned", date!(2026 - 11 - 18), None),
        ("issued", date!(2026 - 11 - 19), Some("Signed at the office")),
        ("breached", date!(2026 - 11 - 21), Some("Shouted abuse again")),
    ] {
        perpetrator_action_events::ActiveModel {
            action_id: Set(abc.id),
            status: Set(status.into()),
            on_date: Set(on),
            note: Set(note.map(Into::into)),
            created_by: Set(harriet),
            created_at: Set(datetime!(2026-11-21 16:00 UTC)),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
    let injunction = perpetrator_action("injunction", Some(gary.id), "planned", date!(2026 - 11 - 21))
        .insert(db)
        .await
        .unwrap();
    perpetrator_action_events::ActiveModel {
        action_id: Set(injunction.id),
        status: Set("planned".into()),
        on_date: Set(date!(2026 - 11 - 21)),
        note: Set(None),
        created_by: Set(harriet),
        created_at: Set(datetime!(2026-11-21 16:00 UTC)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let hearing = legal_dates::ActiveModel {
        case_id: Set(case_id),
        action_id: Set(injunction.id),
        kind: Set("hearing".into()),
        due_on: Set(date!(2026 - 12 - 10)),
        note: Set(Some("County court, 10:00".into())),
        created_by: Set(harriet),
        created_at: Set(datetime!(2026-11-21 16:05 UTC)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    dated::add(
        db,
        &case,
        Stage::CourtHearing,
        hearing.id,
        "Injunction hearing",
        date!(2026 - 12 - 10),
        now,
    )
    .await
    .unwrap();
    // No status history at all (rows written before histories existed).
    perpetrator_action("cctv", None, "planned", date!(2026 - 11 - 21))
        .insert(db)
        .await
        .unwrap();

    // Closed by Harriet and reopened by Mo (the closure record only: the case stays open).
    case_closures::ActiveModel {
        case_id: Set(case_id),
        closed_at: Set(datetime!(2026-11-21 15:00 UTC)),
        closed_by: Set(harriet),
        outcome: Set("resolved".into()),
        reason: Set("Perpetrator moved out".into()),
        victim_told_on: Set(date!(2026 - 11 - 21)),
        reopened_at: Set(Some(datetime!(2026-11-22 10:00 UTC))),
        reopened_by: Set(Some(mo)),
        reopen_reason: Set(Some("Further abuse reported".into())),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();

    // The manager waives the action-plan stage through the form.
    let waive = deadline("action-plan").await;
    let mut m = app.signed_in_as("mo").await;
    let res = m
        .post(
            &format!("/cases/{}/deadlines/{}/waive", created.reference, waive.id),
            &[
                ("text", "Plan agreed at the first visit"),
                ("version", &waive.version.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "waive: {}", res.body);

    World {
        app,
        reference: created.reference,
        case_id,
    }
}

async fn settle_action(app: &TestApp, id: i32, status: &str, on: Date, outcome: &str, by: i32) {
    plan_actions::Entity::update_many()
        .col_expr(plan_actions::Column::Status, Expr::value(status))
        .col_expr(plan_actions::Column::CompletedOn, Expr::value(Some(on)))
        .col_expr(plan_actions::Column::Outcome, Expr::value(Some(outcome)))
        .col_expr(plan_actions::Column::UpdatedBy, Expr::value(Some(by)))
        .col_expr(plan_actions::Column::Version, Expr::value(2))
        .filter(plan_actions::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
}

/// One row of the page's table: (when's `datetime` attribute, when as shown, what,
/// details, by), unescaped.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    machine: String,
    shown: String,
    what: String,
    details: String,
    by: String,
}

fn rows(res: &Res) -> Vec<Row> {
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body
        .split("<tr class=\"table__row\">")
        .skip(1)
        .map(|tr| {
            let tr = &tr[..tr.find("</tr>").expect("row end")];
            let cells: Vec<&str> = tr
                .split("<td")
                .skip(1)
                .map(|td| {
                    let inner = &td[td.find('>').unwrap() + 1..];
                    &inner[..inner.find("</td>").unwrap()]
                })
                .collect();
            assert_eq!(cells.len(), 4, "{tr}");
            let machine = cells[0].split("datetime=\"").nth(1).unwrap();
            let machine = &machine[..machine.find('"').unwrap()];
            let shown = cells[0].split('>').nth(1).unwrap();
            let shown = &shown[..shown.find('<').unwrap()];
            Row {
                machine: machine.to_owned(),
                shown: html_unescape(shown),
                what: html_unescape(cells[1]),
                details: html_unescape(cells[2]),
                by: html_unescape(cells[3]),
            }
        })
        .collect()
}

/// The instant a row sorts at: its time, or the start of its (London) day.
fn instant(row: &Row) -> OffsetDateTime {
    match OffsetDateTime::parse(&row.machine, &time::format_description::well_known::Rfc3339) {
        Ok(at) => at,
        Err(_) => {
            let day = Date::parse(
                &row.machine,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .unwrap();
            When::Day(day).instant()
        }
    }
}

fn when_text(row: &Row) -> String {
    match OffsetDateTime::parse(&row.machine, &time::format_description::well_known::Rfc3339) {
        Ok(at) => When::At(at).text(),
        Err(_) => row.machine.clone(),
    }
}

fn csv_records(res: &Res) -> Vec<Vec<String>> {
    let body = res
        .body
        .strip_prefix('\u{feff}')
        .expect("the CSV starts with a byte-order mark");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn path(reference: &str) -> String {
    format!("/cases/{reference}/chronology")
}

async fn get(c: &mut Client, path: &str) -> Res {
    c.get(path).await
}

#[tokio::test]
async fn the_chronology_holds_every_kind_of_entry_in_date_order_with_its_author() {
    let w = world().await;
    let mut m = w.app.signed_in_as("mo").await;
    let page = get(&mut m, &path(&w.reference)).await;
    let all = rows(&page);

    // The header block.
    for expected in [
        format!("<h1 class=\"heading-xl\">Chronology of {}</h1>", w.reference),
        "<title>Chronology of".to_owned(),
        "Amina Khan".to_owned(),
        "harriet Test".to_owned(),
        "North".to_owned(),
        "Priority 1".to_owned(),
        "High risk, assessed".to_owned(),
        "by mo Test".to_owned(),
        format!("href=\"/cases/{}/chronology.csv\"", w.reference),
        format!("href=\"/cases/{}\"", w.reference),
        "use your browser's Print command".to_owned(),
    ] {
        assert!(page.body.contains(&expected), "the page shows {expected}");
    }
    assert!(!page.body.contains("<script"), "no script on the page");

    // In date order.
    for pair in all.windows(2) {
        assert!(
            instant(&pair[0]) <= instant(&pair[1]),
            "{:?} is before {:?}",
            pair[1],
            pair[0]
        );
    }
    // Nothing the dedicated sources tell is told twice.
    assert!(
        !page.body.contains("SKIP-ME"),
        "timeline events covered elsewhere are left out"
    );

    // Every entry except the deadlines still open, in order, with its author.
    let expected: Vec<(&str, &[&str], &str)> = vec![
        (
            "Report received",
            &[
                "How received: Phone",
                "Reported by: The victim",
                "Shouted racist abuse at the victim on the stairs",
                "What happened: Verbal abuse",
            ],
            "tessa Test",
        ),
        ("Assigned", &["Assigned to harriet Test"], "mo Test"),
        (
            "Deadline met",
            &["Initial contact with victim", "Due: 17 Nov 2026, 08:00"],
            "tessa Test",
        ),
        (
            "Support measure",
            &[
                "Target hardening (locks, lighting, fire-proof letterbox, door entry): requested",
                "Notes: Front and back doors",
            ],
            "tessa Test",
        ),
        (
            "Referral",
            &["To Police: referral recorded", "Reason: Threats of arson"],
            "harriet Test",
        ),
        (
            "Referral",
            &[
                "To Police: consent to share given",
                "Given by: Amina Khan",
                "May be shared: Incident details and phone number",
            ],
            "harriet Test",
        ),
        (
            "Contact: visit",
            &["With: Amina Khan", "Visited Amina at home"],
            "harriet Test",
        ),
        (
            "Risk assessment",
            &[
                "Occasion: At triage",
                "Level: High (score 8)",
                "Level from the score: Medium",
                "Override reason: Threats to burn the flat",
                "Notes: Victim very frightened",
            ],
            "harriet Test",
        ),
        ("Deadline met", &["Risk assessment completed"], "harriet Test"),
        (
            "Action plan agreed",
            &[
                "Copy given: By post on 19 Nov 2026",
                "Contact: every 7 calendar days, by phone call",
                "Interpreter: Urdu",
                "Communication needs: Large print letters",
            ],
            "harriet Test",
        ),
        ("Referral", &["To Police: sent"], "harriet Test"),
        (
            "Perpetrator action",
            &["Acceptable Behaviour Contract against Gary Mills: Planned"],
            "harriet Test",
        ),
        (
            "Deadline extended",
            &[
                "Victim interviewed or visited",
                "New due date: 26 Nov 2026, 23:59",
                "Originally due: 19 Nov 2026, 23:59",
                "Reason: Victim in hospital",
            ],
            "harriet Test",
        ),
        (
            "Plan action",
            &[
                "Added: Fit new locks",
                "Owner: harriet Test",
                "Target date: 19 Nov 2026",
            ],
            "harriet Test",
        ),
        (
            "Plan action",
            &["Added: Refer to mediation", "Target date: 20 Nov 2026"],
            "harriet Test",
        ),
        (
            "Plan action",
            &["Added: Move the bins away from the door"],
            "harriet Test",
        ),
        (
            "Report received",
            &[
                "How received: In person",
                "Reported by: A witness (Joe Bloggs)",
                "When it happened: 18 Nov 2026, 19:00",
                "Where: Communal area",
                "What happened: Threats or intimidation",
                "Threatened to burn the door",
                "Police: Involved, crime reference CR/123/26",
            ],
            "harriet Test",
        ),
        (
            "Perpetrator action",
            &[
                "Acceptable Behaviour Contract against Gary Mills: Issued or served",
                "Note: Signed at the office",
            ],
            "harriet Test",
        ),
        (
            "Note",
            &["=HYPERLINK(\"http://evil.example\",\"Click\")"],
            "harriet Test",
        ),
        (
            "Plan action",
            &["Done: Fit new locks", "Outcome: Locks fitted"],
            "harriet Test",
        ),
        (
            "Support measure",
            &[
                "Target hardening (locks, lighting, fire-proof letterbox, door entry): provided",
                "Cost: £125.50",
            ],
            "harriet Test",
        ),
        (
            "Referral",
            &["From Police: response received", "Response: Officer assigned"],
            "harriet Test",
        ),
        (
            "Deadline late",
            &[
                "Action plan action: Fit new locks",
                "Due: 19 Nov 2026, 23:59",
                "Late by: 1 working day",
            ],
            "harriet Test",
        ),
        (
            "Plan action",
            &[
                "Cancelled: Move the bins away from the door",
                "Outcome: Bins moved by the council",
            ],
            "harriet Test",
        ),
        (
            "Perpetrator action",
            &[
                "Acceptable Behaviour Contract against Gary Mills: Breached",
                "Note: Shouted abuse again",
                "Outcome: Breached by further abuse",
                "Documents: Letter ref ABC-1",
            ],
            "harriet Test",
        ),
        (
            "Perpetrator action",
            &["Civil injunction (ASB, Crime and Policing Act 2014 Part 1) against Gary Mills: Planned"],
            "harriet Test",
        ),
        (
            "Perpetrator action",
            &["CCTV against No one in particular: Planned"],
            "harriet Test",
        ),
        (
            "Deadline no longer applicable",
            &[
                "Action plan action: Move the bins away from the door",
                "Reason: Bins moved by the council",
            ],
            "harriet Test",
        ),
        (
            "Case closed",
            &[
                "Outcome: Resolved",
                "Reason: Perpetrator moved out",
                "Victim told: 21 Nov 2026",
            ],
            "harriet Test",
        ),
        ("Case reopened", &["Reason: Further abuse reported"], "mo Test"),
        (
            "Deadline waived",
            &[
                "Action plan agreed with victim",
                "Reason: Plan agreed at the first visit",
            ],
            "mo Test",
        ),
        (
            "Court date",
            &[
                "Court hearing: Civil injunction (ASB, Crime and Policing Act 2014 Part 1) against Gary Mills",
                "Note: County court, 10:00",
            ],
            "harriet Test",
        ),
    ];
    let settled: Vec<&Row> = all
        .iter()
        .filter(|r| r.what != "Deadline due" && r.what != "Deadline overdue")
        .collect();
    let got: Vec<(&str, &str)> = settled.iter().map(|r| (r.what.as_str(), r.by.as_str())).collect();
    let want: Vec<(&str, &str)> = expected.iter().map(|(what, _, by)| (*what, *by)).collect();
    assert_eq!(got, want, "the entries, in order, with their authors");
    for (row, (what, details, _)) in settled.iter().zip(&expected) {
        for part in *details {
            assert!(
                row.details.contains(part),
                "{what}: {part:?} in {:?}",
                row.details
            );
        }
    }
    // Day-only entries show the date only; timed ones the London time.
    let plan = settled.iter().find(|r| r.what == "Action plan agreed").unwrap();
    assert_eq!(
        (plan.machine.as_str(), plan.shown.as_str()),
        ("2026-11-18", "18 Nov 2026")
    );
    let visit = settled.iter().find(|r| r.what == "Contact: visit").unwrap();
    assert_eq!(visit.shown, "17 Nov 2026, 10:00");

    // Every deadline still open has exactly one entry at its due time: overdue if past,
    // due if not. The open plan action (target 20 November) is overdue; the extended
    // interview and the hearing are due.
    let open = deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(w.case_id))
        .filter(deadlines::Column::Status.eq("open"))
        .order_by_asc(deadlines::Column::Id)
        .all(&w.app.db)
        .await
        .unwrap();
    let pending: Vec<&Row> = all
        .iter()
        .filter(|r| r.what == "Deadline due" || r.what == "Deadline overdue")
        .collect();
    assert_eq!(
        pending.len(),
        open.len(),
        "one entry per open deadline: {pending:?}"
    );
    for d in &open {
        let kind = if d.due_at < w.app.now() {
            "Deadline overdue"
        } else {
            "Deadline due"
        };
        let at = When::At(d.due_at).text();
        let name = stage_name(d);
        let matching: Vec<&&Row> = pending
            .iter()
            .filter(|r| {
                r.what == kind && when_text(r) == at && r.details.lines().next() == Some(name.as_str())
            })
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "{name} ({}) is {kind} at {at}: {pending:?}",
            d.id
        );
        assert_eq!(matching[0].by, "Harbour", "{name}");
    }
    for (what, title) in [
        ("Deadline overdue", "Action plan action: Refer to mediation"),
        ("Deadline due", "Victim interviewed or visited"),
        ("Deadline due", "Court hearing: Injunction hearing"),
    ] {
        assert!(
            pending
                .iter()
                .any(|r| r.what == what && r.details.starts_with(title)),
            "{what}: {title} in {pending:?}"
        );
    }
    let overdue = pending
        .iter()
        .find(|r| r.details.starts_with("Action plan action: Refer to mediation"))
        .unwrap();
    assert!(
        overdue.details.contains("Overdue by: 1 working day"),
        "{overdue:?}"
    );
}

#[tokio::test]
async fn the_csv_holds_the_pages_rows_defused_against_formulas() {
    let w = world().await;
    let mut m = w.app.signed_in_as("mo").await;
    let page = rows(&get(&mut m, &path(&w.reference)).await);
    let res = get(&mut m, &format!("/cases/{}/chronology.csv", w.reference)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        res.header("content-disposition"),
        Some(format!("attachment; filename=\"{}-chronology.csv\"", w.reference).as_str())
    );
    assert_eq!(res.header("cache-control"), Some("no-store"));

    let records = csv_records(&res);
    assert_eq!(records[0], ["When", "What", "Details", "By"]);
    let body = &records[1..];
    assert_eq!(body.len(), page.len(), "as many CSV rows as page rows");
    for (record, row) in body.iter().zip(&page) {
        let expected = [
            when_text(row),
            csv_cell(&row.what).into_owned(),
            csv_cell(&row.details).into_owned(),
            csv_cell(&row.by).into_owned(),
        ];
        assert_eq!(record.as_slice(), expected.as_slice(), "{row:?}");
    }
    // The note a spreadsheet would have run as a formula comes out as text.
    let note = body.iter().find(|r| r[1] == "Note").expect("the note");
    assert_eq!(note[2], "'=HYPERLINK(\"http://evil.example\",\"Click\")");
    assert!(
        body.iter()
            .flatten()
            .all(|cell| !cell.starts_with(['=', '+', '-', '@', '\t', '\r'])),
        "no cell starts with a formula character"
    );
    // Times are London times, days are dates.
    assert!(
        body.iter()
            .any(|r| r[0] == "2026-11-16 08:00" && r[1] == "Report received")
    );
    assert!(
        body.iter()
            .any(|r| r[0] == "2026-11-18" && r[1] == "Action plan agreed")
    );
}

#[tokio::test]
async fn a_restricted_case_hides_nothing_from_a_manager_and_everything_from_others() {
    let w = world().await;
    let csv_path = format!("/cases/{}/chronology.csv", w.reference);

    // A manager (not named) and a named officer read the same entries.
    let mut m = w.app.signed_in_as("mo").await;
    let manager = rows(&get(&mut m, &path(&w.reference)).await);
    let mut h = w.app.signed_in_as("harriet").await;
    let officer = rows(&get(&mut h, &path(&w.reference)).await);
    assert_eq!(
        manager, officer,
        "the manager sees every entry the named officer sees"
    );
    assert!(manager.len() > 30, "{} entries", manager.len());
    // A named tenancy officer may read it too.
    let mut t = w.app.signed_in_as("tessa").await;
    assert_eq!(rows(&get(&mut t, &path(&w.reference)).await), manager);

    // A tenancy officer in the case's area but not named: the standard 404, the same page
    // as for a case that does not exist, for the page and the CSV.
    let audit_rows = "SELECT COUNT(*) FROM audit_events";
    let mut o = w.app.signed_in_as("olive").await;
    let after_sign_in = w.app.count(audit_rows).await;
    for (hidden, missing) in [
        (path(&w.reference), path(MISSING)),
        (csv_path.clone(), format!("/cases/{MISSING}/chronology.csv")),
    ] {
        let refused = get(&mut o, &hidden).await;
        let absent = get(&mut o, &missing).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "olive: GET {hidden}");
        assert_eq!(absent.status, StatusCode::NOT_FOUND, "olive: GET {missing}");
        assert!(
            refused.body == absent.body,
            "olive: {hidden} differs from a missing case"
        );
        assert!(!refused.body.contains("Amina"), "nothing of the case shows");
    }
    assert_eq!(
        w.app.count(audit_rows).await,
        after_sign_in,
        "olive's refusals are not audited"
    );
    // An administrator: forbidden, whether or not the case exists.
    let mut a = w.app.signed_in_as("ada").await;
    let after_admin_sign_in = w.app.count(audit_rows).await;
    for p in [path(&w.reference), csv_path.clone(), path(MISSING)] {
        assert_eq!(
            get(&mut a, &p).await.status,
            StatusCode::FORBIDDEN,
            "ada: GET {p}"
        );
    }
    assert_eq!(
        w.app.count(audit_rows).await,
        after_admin_sign_in,
        "ada's refusals are not audited"
    );
    assert_eq!(
        w.app
            .count(
                "SELECT COUNT(*) FROM audit_events WHERE action LIKE 'case.chronology%' AND actor_name IN ('olive', 'ada')"
            )
            .await,
        0
    );
}

#[tokio::test]
async fn producing_the_chronology_is_audited_with_labels_only() {
    let w = world().await;
    let mut m = w.app.signed_in_as("mo").await;
    assert_eq!(get(&mut m, &path(&w.reference)).await.status, StatusCode::OK);
    assert_eq!(
        get(&mut m, &format!("/cases/{}/chronology.csv", w.reference))
            .await
            .status,
        StatusCode::OK
    );
    for (action, summary) in [
        ("case.chronology_viewed", "Chronology viewed"),
        ("case.chronology_exported", "Chronology exported as CSV"),
    ] {
        let rows = entity::audit_events::Entity::find()
            .filter(entity::audit_events::Column::Action.eq(action))
            .all(&w.app.db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{action}");
        let row = &rows[0];
        assert_eq!(row.actor_name, "mo", "{action}");
        assert_eq!(row.target_id.as_deref(), Some(w.reference.as_str()), "{action}");
        assert_eq!(row.summary, format!("{}: {summary}", w.reference), "{action}");
        for content in ["Amina", "Gary", "HYPERLINK", "Threat", "Police", "£"] {
            assert!(
                !row.summary.contains(content),
                "{action}: {content} in {:?}",
                row.summary
            );
        }
    }
    // The administrator's audit page shows the rows, and still no case content.
    let mut a = w.app.signed_in_as("ada").await;
    let audit = get(&mut a, "/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("Chronology exported as CSV"));
    assert!(!audit.body.contains("Amina") && !audit.body.contains("HYPERLINK"));
}

#[tokio::test]
async fn a_case_with_only_its_first_report_has_a_chronology_too() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let tessa = app.create_user("tessa", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tessa, north).await;
    let case = fixtures::case(&app, CaseSpec::new(tessa, north)).await;
    let mut t = app.signed_in_as("tessa").await;
    let page = get(&mut t, &path(&case.reference)).await;
    let all = rows(&page);
    assert_eq!(all[0].what, "Report received");
    assert_eq!(all[0].by, "tessa Test");
    assert!(page.body.contains("Not assessed"));
    assert!(page.body.contains("Unassigned"));
    assert!(
        all[1..]
            .iter()
            .all(|r| r.what == "Deadline due" || r.what == "Deadline overdue")
    );
    // The reference may be typed in lower case, as on the case page.
    let lower = get(&mut t, &path(&case.reference.to_lowercase())).await;
    assert_eq!(lower.status, StatusCode::OK);
}
