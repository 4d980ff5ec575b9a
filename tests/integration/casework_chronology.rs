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
//! The world's casework rows are inserted directly, each change with the timeline row its
//! form writes (and a few without, as data from outside the forms); deadlines are planned
//! and settled through the deadline functions and the waive and extend forms. One test
//! drives the real forms end to end (risk, plan and action, support, referral,
//! perpetrator action, hearing date, two extensions) and checks every change appears
//! once, in order, with who made it, on the page and in the CSV.

use crate::{
    common::{Client, Res, TestApp, html_unescape},
    fixtures::{
        self, CaseSpec, PersonSpec,
        forms::{agree_plan, assess_high_risk, id_of, post_ok},
    },
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

    // The victim interview put back (an extension with a reason, on the timeline as the
    // Extend form writes it); put back again through the form below.
    let interview = deadline("victim-interview").await;
    row(
        &app,
        case_id,
        "deadline-extended",
        datetime!(2026-11-18 10:00 UTC),
        "Extended “Victim interviewed or visited” to 26 Nov 2026: Victim in hospital",
        harriet,
    )
    .await;
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
        row(
            &app,
            case_id,
            "plan-action-added",
            created_at,
            &format!(
                "Action added: “{description}”. Owner: harriet Test. Target date {}.",
                target
                    .format(time::macros::format_description!(
                        "[day padding:none] [month repr:short] [year]"
                    ))
                    .unwrap()
            ),
            harriet,
        )
        .await;
        action_ids.push(action.id);
    }
    let action_deadline = |id: i32| async move {
        dated::find(db, case_id, Stage::PlanAction, id)
            .await
            .unwrap()
            .unwrap()
    };
    // The locks done through the action's form (its row on the timeline).
    settle_action(
        &app,
        action_ids[0],
        "done",
        date!(2026 - 11 - 20),
        "Locks fitted",
        (harriet, datetime!(2026-11-20 12:00 UTC)),
    )
    .await;
    row(
        &app,
        case_id,
        "plan-action-updated",
        datetime!(2026-11-20 12:00 UTC),
        "Action “Fit new locks”: status open → done (late); completed on 20 Nov 2026; outcome: Locks fitted.",
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
    // The bins action cancelled when the case was closed: no row of its own.
    settle_action(
        &app,
        action_ids[2],
        "cancelled",
        date!(2026 - 11 - 21),
        "Bins moved by the council",
        (harriet, datetime!(2026-11-21 15:00 UTC)),
    )
    .await;
    assert!(
        dated::close_off(
            db,
            &action_deadline(action_ids[2]).await,
            "Bins moved by the council",
            harriet,
            datetime!(2026-11-21 15:00 UTC)
        )
        .await
        .unwrap()
    );

    // Support requested by Tessa, provided by Harriet (each with its row, as the forms
    // write them); an alarm Harriet recorded as provided in one go, never changed.
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
    row(
        &app,
        case_id,
        "support-recorded",
        datetime!(2026-11-17 12:00 UTC),
        &format!("Support recorded: {HARDENING}: requested on 17 Nov 2026. Front and back doors"),
        tessa,
    )
    .await;
    row(
        &app,
        case_id,
        "support-updated",
        datetime!(2026-11-20 12:00 UTC),
        &format!(
            "Support updated: {HARDENING}: provided on 20 Nov 2026 (requested 17 Nov 2026), cost £125.50. Front and back doors"
        ),
        harriet,
    )
    .await;
    support_measures::ActiveModel {
        case_id: Set(case_id),
        catalogue_id: Set(3),
        status: Set("provided".into()),
        requested_on: Set(date!(2026 - 11 - 18)),
        provided_on: Set(Some(date!(2026 - 11 - 19))),
        cost_pence: Set(Some(4_000)),
        created_by: Set(harriet),
        created_at: Set(datetime!(2026-11-19 17:00 UTC)),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    row(
        &app,
        case_id,
        "support-recorded",
        datetime!(2026-11-19 17:00 UTC),
        "Support recorded: Personal or lifeline alarm: provided on 19 Nov 2026 (requested 18 Nov 2026), cost £40.00.",
        harriet,
    )
    .await;

    // A referral to the police with consent, sent by Harriet, answered as Mo recorded;
    // one to Victim Support recorded as sent in one go, never changed.
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
        updated_by: Set(Some(mo)),
        updated_at: Set(Some(datetime!(2026-11-20 13:00 UTC))),
        version: Set(3),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for (kind, at, body, by) in [
        (
            "referral-recorded",
            datetime!(2026-11-17 12:30 UTC),
            "Referral recorded: Police: to send, referred on 17 Nov 2026. Reason: Threats of arson Consent to share given by Amina Khan on 17 Nov 2026: Incident details and phone number",
            harriet,
        ),
        (
            "referral-updated",
            datetime!(2026-11-18 10:30 UTC),
            "Referral updated (was to send): Police: sent, referred on 17 Nov 2026, sent on 18 Nov 2026.",
            harriet,
        ),
        (
            "referral-updated",
            datetime!(2026-11-20 13:00 UTC),
            "Referral updated (was sent): Police: response received. Response on 20 Nov 2026: Officer assigned",
            mo,
        ),
    ] {
        row(&app, case_id, kind, at, body, by).await;
    }
    referrals::ActiveModel {
        case_id: Set(case_id),
        agency_id: Set(2),
        status: Set("sent".into()),
        referred_on: Set(date!(2026 - 11 - 19)),
        reason: Set(Some("Emotional support".into())),
        consent_by: Set(Some("Amina Khan".into())),
        consent_on: Set(Some(date!(2026 - 11 - 19))),
        consent_scope: Set(Some("Name and phone number".into())),
        sent_on: Set(Some(date!(2026 - 11 - 19))),
        created_by: Set(harriet),
        created_at: Set(datetime!(2026-11-19 17:30 UTC)),
        version: Set(1),
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
    // The ABC's history as its forms write it: a status event and a timeline row for
    // each change, by whoever made it (Mo recorded the breach and its outcome).
    let abc = perpetrator_actions::ActiveModel {
        planned_on: Set(date!(2026 - 11 - 18)),
        outcome: Set(Some("Breached by further abuse".into())),
        documents: Set(Some("Letter ref ABC-1".into())),
        updated_by: Set(Some(mo)),
        updated_at: Set(Some(datetime!(2026-11-21 16:00 UTC))),
        version: Set(3),
        ..perpetrator_action("abc", Some(gary.id), "breached", date!(2026 - 11 - 21))
    }
    .insert(db)
    .await
    .unwrap();
    let abc_headline = harbour::enforcement::headline("abc", Some("Gary Mills"));
    for (status, on, note, by, at, kind, body) in [
        (
            "planned",
            date!(2026 - 11 - 18),
            None,
            harriet,
            datetime!(2026-11-18 16:00 UTC),
            "enforcement-recorded",
            format!("{abc_headline}: planned on 18 Nov 2026.\nDocuments: Letter ref ABC-1"),
        ),
        (
            "issued",
            date!(2026 - 11 - 19),
            Some("Signed at the office"),
            harriet,
            datetime!(2026-11-19 10:00 UTC),
            "enforcement-updated",
            format!("{abc_headline}: Planned → Issued or served on 19 Nov 2026.\nNote: Signed at the office"),
        ),
        (
            "breached",
            date!(2026 - 11 - 21),
            Some("Shouted abuse again"),
            mo,
            datetime!(2026-11-21 16:00 UTC),
            "enforcement-updated",
            format!(
                "{abc_headline}: Issued or served → Breached on 21 Nov 2026.\nNote: Shouted abuse again\nOutcome: Breached by further abuse"
            ),
        ),
    ] {
        perpetrator_action_events::ActiveModel {
            action_id: Set(abc.id),
            status: Set(status.into()),
            on_date: Set(on),
            note: Set(note.map(Into::into)),
            created_by: Set(by),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        row(&app, case_id, kind, at, &body, by).await;
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
    // The hearing moved with no timeline row (as data from before rows were kept): the
    // deadline's own latest extension stands in.
    let hearing_deadline = dated::find(db, case_id, Stage::CourtHearing, hearing.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        dated::move_to(
            db,
            &hearing_deadline,
            date!(2026 - 12 - 17),
            "Court list full",
            harriet,
            datetime!(2026-11-22 12:00 UTC)
        )
        .await
        .unwrap()
    );
    // No status history at all (rows written before histories existed).
    perpetrator_action("cctv", None, "planned", date!(2026 - 11 - 21))
        .insert(db)
        .await
        .unwrap();

    // The plan revised after the reopening.
    action_plans::ActiveModel {
        case_id: Set(case_id),
        agreed_on: Set(date!(2026 - 11 - 22)),
        copy_given_how: Set("not-given".into()),
        contact_every_unit: Set("calendar-days".into()),
        contact_every_amount: Set(3),
        contact_channel: Set("visit".into()),
        created_by: Set(mo),
        created_at: Set(datetime!(2026-11-22 11:00 UTC)),
        version: Set(1),
        ..Default::default()
    }
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
    // Harriet puts the interview back again through the Extend form.
    let interview = deadline("victim-interview").await;
    let mut h = app.signed_in_as("harriet").await;
    let res = h
        .post(
            &format!("/cases/{}/deadlines/{}/extend", created.reference, interview.id),
            &[
                ("due_on", "2026-11-30"),
                ("text", "Victim still in hospital"),
                ("version", &interview.version.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "extend: {}", res.body);

    World {
        app,
        reference: created.reference,
        case_id,
    }
}

async fn settle_action(
    app: &TestApp,
    id: i32,
    status: &str,
    on: Date,
    outcome: &str,
    (by, at): (i32, OffsetDateTime),
) {
    plan_actions::Entity::update_many()
        .col_expr(plan_actions::Column::UpdatedAt, Expr::value(Some(at)))
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

/// The case's name for catalogue entry 1.
const HARDENING: &str = "Target hardening (locks, lighting, fire-proof letterbox, door entry)";

/// A timeline row as the forms write it (kind, time, text, author).
async fn row(app: &TestApp, case_id: i32, kind: &str, at: OffsetDateTime, body: &str, by: i32) {
    let name = entity::users::Entity::find_by_id(by)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .display_name;
    timeline_entries::ActiveModel {
        case_id: Set(case_id),
        kind: Set(kind.into()),
        occurred_at: Set(at),
        body: Set(body.into()),
        author_id: Set(Some(by)),
        author_name: Set(name),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

/// Every timeline row of a kind the chronology shows as it is appears in exactly one
/// entry (nothing lost, nothing twice).
async fn each_shown_row_once(app: &TestApp, case_id: i32, page: &[Row]) {
    use harbour::chronology::ledger::{Treatment, treatment};
    let timeline = timeline_entries::Entity::find()
        .filter(timeline_entries::Column::CaseId.eq(case_id))
        .all(&app.db)
        .await
        .unwrap();
    let mut shown = 0;
    for t in &timeline {
        if treatment(&t.kind) == Treatment::Shown {
            shown += 1;
            let holding: Vec<&Row> = page
                .iter()
                .filter(|row| row.details.contains(t.body.trim()))
                .collect();
            assert_eq!(
                holding.len(),
                1,
                "{} {:?} shown once: {holding:?}",
                t.kind,
                t.body
            );
            assert_eq!(holding[0].by, t.author_name, "{} {:?}", t.kind, t.body);
        }
    }
    assert!(shown > 5, "{shown} rows shown");
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
        .split(r#"<tr class="table__row" role="row">"#)
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

/// When a row happened, from its `<time datetime>`.
fn when(row: &Row) -> When {
    match OffsetDateTime::parse(&row.machine, &time::format_description::well_known::Rfc3339) {
        Ok(at) => When::At(at),
        Err(_) => When::Day(
            Date::parse(
                &row.machine,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .unwrap(),
        ),
    }
}

fn when_text(row: &Row) -> String {
    when(row).text()
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
            when(&pair[0]).order() <= when(&pair[1]).order(),
            "{:?} is before {:?}",
            pair[1],
            pair[0]
        );
    }
    each_shown_row_once(&w.app, w.case_id, &all).await;
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
        // Changed since: what was recorded at first, by whoever recorded it.
        (
            "Support measure",
            &[
                "Support recorded: Target hardening (locks, lighting, fire-proof letterbox, door entry): requested on 17 Nov 2026.",
                "Front and back doors",
            ],
            "tessa Test",
        ),
        (
            "Referral",
            &[
                "Referral recorded: Police: to send",
                "Consent to share given by Amina Khan",
            ],
            "harriet Test",
        ),
        // Each extension from its own row.
        (
            "Deadline extended",
            &["Extended “Victim interviewed or visited” to 26 Nov 2026: Victim in hospital"],
            "harriet Test",
        ),
        (
            "Referral updated",
            &["Police: sent", "sent on 18 Nov 2026"],
            "harriet Test",
        ),
        (
            "Plan action",
            &["Action added: “Fit new locks”. Owner: harriet Test. Target date 19 Nov 2026."],
            "harriet Test",
        ),
        (
            "Plan action",
            &[
                "Added: Refer to mediation",
                "Owner: harriet Test",
                "Target date: 20 Nov 2026",
            ],
            "harriet Test",
        ),
        (
            "Plan action",
            &["Action added: “Move the bins away from the door”."],
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
            "Action plan agreed",
            &[
                "Copy given: By post on 19 Nov 2026",
                "Contact: every 7 calendar days, by phone call",
                "Interpreter: Urdu",
                "Communication needs: Large print letters",
            ],
            "harriet Test",
        ),
        // Never changed: each step from the record, by its creator.
        (
            "Support measure",
            &["Personal or lifeline alarm: requested"],
            "harriet Test",
        ),
        (
            "Perpetrator action",
            &[
                "Acceptable Behaviour Contract against Gary Mills: planned on 18 Nov 2026.",
                "Documents: Letter ref ABC-1",
            ],
            "harriet Test",
        ),
        (
            "Note",
            &["=HYPERLINK(\"http://evil.example\",\"Click\")"],
            "harriet Test",
        ),
        (
            "Support measure",
            &["Personal or lifeline alarm: provided", "Cost: £40.00"],
            "harriet Test",
        ),
        (
            "Referral",
            &[
                "To Victim Support: referral recorded",
                "Reason: Emotional support",
            ],
            "harriet Test",
        ),
        (
            "Referral",
            &[
                "To Victim Support: consent to share given",
                "Given by: Amina Khan",
                "May be shared: Name and phone number",
            ],
            "harriet Test",
        ),
        ("Referral", &["To Victim Support: sent"], "harriet Test"),
        // A status event, on its day, by who recorded it, with its row's text.
        (
            "Perpetrator action",
            &[
                "Acceptable Behaviour Contract against Gary Mills: Planned → Issued or served on 19 Nov 2026.",
                "Note: Signed at the office",
            ],
            "harriet Test",
        ),
        (
            "Plan action updated",
            &[
                "Action “Fit new locks”: status open → done (late)",
                "outcome: Locks fitted",
            ],
            "harriet Test",
        ),
        (
            "Support measure updated",
            &["provided on 20 Nov 2026 (requested 17 Nov 2026), cost £125.50"],
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
            "Referral updated",
            &[
                "Police: response received",
                "Response on 20 Nov 2026: Officer assigned",
            ],
            "mo Test",
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
        // Settled with no row of its own (at closure): the action as it now stands, by
        // who made that change.
        (
            "Plan action",
            &[
                "Cancelled: Move the bins away from the door",
                "Outcome: Bins moved by the council",
            ],
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
            "Perpetrator action",
            &[
                "Acceptable Behaviour Contract against Gary Mills: Issued or served → Breached on 21 Nov 2026.",
                "Note: Shouted abuse again",
                "Outcome: Breached by further abuse",
            ],
            "mo Test",
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
        ("Case reopened", &["Reason: Further abuse reported"], "mo Test"),
        // Moved with no row: the deadline's own latest extension.
        (
            "Deadline extended",
            &[
                "Court hearing: Injunction hearing",
                "New due date: 17 Dec 2026, 23:59",
                "Originally due: 10 Dec 2026, 23:59",
                "Reason: Court list full",
            ],
            "harriet Test",
        ),
        // Every agreement after the first revises the plan.
        (
            "Action plan revised",
            &["Copy given: Not given", "Contact: every 3 calendar days"],
            "mo Test",
        ),
        (
            "Deadline extended",
            &["Extended “Victim interviewed or visited” to 30 Nov 2026: Victim still in hospital"],
            "harriet Test",
        ),
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
    // interview and the hearing (moved to 17 December) are due.
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
            .any(|r| r[0] == "2026-11-18 (date only)" && r[1] == "Action plan agreed")
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
    // A manager's audit page shows the rows, and still no case content; an
    // administrator's shows no case events at all.
    let audit = get(&mut m, "/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("Chronology exported as CSV"));
    assert!(!audit.body.contains("Amina") && !audit.body.contains("HYPERLINK"));
    let mut a = w.app.signed_in_as("ada").await;
    let audit = get(&mut a, "/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(!audit.body.contains("Chronology exported"));
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

// ---------------------------------------------------------------------------------------
// End to end: the real forms write the records and their timeline rows; the chronology
// shows every change once, with the right author, in order.

/// Moves the clock to `minutes` past 09:00 on `day` of November 2026 (later than now).
fn at(app: &TestApp, day: u8, minutes: i64) {
    let target = time::Date::from_calendar_date(2026, time::Month::November, day)
        .unwrap()
        .with_hms(9, 0, 0)
        .unwrap()
        .assume_utc()
        + time::Duration::minutes(minutes);
    let ahead = (target - app.now()).whole_minutes();
    assert!(ahead >= 0, "the clock only moves forward");
    app.advance_minutes(ahead);
}

#[tokio::test]
async fn every_change_made_through_the_forms_appears_once_with_its_author() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    let tina = app.create_user("tina", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tina, north).await;
    let harry = app.create_user("harry", Role::HarassmentOfficer).await;
    fixtures::give_area(&app, harry, north).await;
    let maria = app.create_user("maria", Role::Manager).await;
    let created = fixtures::case(
        &app,
        CaseSpec {
            received_at: Some(datetime!(2026-11-20 09:00 UTC)),
            perpetrators: vec![PersonSpec::named("Gary Mills")],
            ..CaseSpec::new(tina, north)
        },
    )
    .await;
    let r = created.reference.clone();
    let case_id = created.id;
    let (harry_id, maria_id) = (harry.to_string(), maria.to_string());

    // Monday 23 November. Harry assesses the risk: the answers score standard, he sets
    // high with a reason.
    let mut h = app.signed_in_as("harry").await;
    assess_high_risk(&app, &mut h, &r).await;

    // He agrees a plan with one action, then hands the action to Maria.
    at(&app, 23, 10);
    agree_plan(&mut h, &r, &harry_id).await;
    let locks = id_of(&app, "SELECT CAST(MAX(id) AS BIGINT) FROM plan_actions").await;
    let action_form = |version: &'static str, owner: &str, status: &'static str| {
        vec![
            ("version", version.to_owned()),
            ("description", "Fit new locks".to_owned()),
            ("owner", owner.to_owned()),
            ("owner_other", String::new()),
            ("target_on", "2026-12-02".to_owned()),
            ("status", status.to_owned()),
            ("completed_on", String::new()),
            ("outcome", String::new()),
            ("reason", String::new()),
        ]
    };
    at(&app, 23, 20);
    let f = action_form("1", &maria_id, "open");
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_ok(&mut h, &format!("/cases/{r}/plan/actions/{locks}"), &pairs).await;

    // Tuesday: Tina records a support measure requested the day before; Harry refers
    // the victim to the police (consent not yet given).
    at(&app, 24, 0);
    let locks_support = id_of(
        &app,
        "SELECT CAST(MIN(id) AS BIGINT) FROM support_catalogue WHERE name LIKE 'Target hardening%'",
    )
    .await;
    let mut t = app.signed_in_as("tina").await;
    let measure =
        |status: &'static str, provided: &'static str, cost: &'static str, version: &'static str| {
            vec![
                ("catalogue_id", locks_support.as_str()),
                ("status", status),
                ("requested_on", "2026-11-23"),
                ("provided_on", provided),
                ("declined_on", ""),
                ("cost", cost),
                ("notes", "Front door"),
                ("version", version),
            ]
        };
    post_ok(
        &mut t,
        &format!("/cases/{r}/support"),
        &measure("requested", "", "", ""),
    )
    .await;
    let measure_id = id_of(&app, "SELECT CAST(MAX(id) AS BIGINT) FROM support_measures").await;
    at(&app, 24, 10);
    let mut h = app.signed_in_as("harry").await;
    let police = id_of(
        &app,
        "SELECT CAST(id AS BIGINT) FROM agencies WHERE name = 'Police'",
    )
    .await;
    let referral = |extra: &[(&'static str, &'static str)]| {
        let mut fields = vec![
            ("agency_id", police.clone()),
            ("referred_on", "2026-11-24".to_owned()),
            ("reason", "Threats of arson".to_owned()),
            ("consent_by", String::new()),
            ("consent_on", String::new()),
            ("consent_scope", String::new()),
            ("status", "to-send".to_owned()),
            ("sent_on", String::new()),
            ("response_on", String::new()),
            ("response", String::new()),
        ];
        for (k, v) in extra {
            match fields.iter_mut().find(|(f, _)| f == k) {
                Some(field) => field.1 = (*v).to_owned(),
                None => fields.push((k, (*v).to_owned())),
            }
        }
        fields
    };
    let f = referral(&[]);
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_ok(&mut h, &format!("/cases/{r}/referrals"), &pairs).await;
    let referral_id = id_of(&app, "SELECT CAST(MAX(id) AS BIGINT) FROM referrals").await;

    // Wednesday: Maria (not Tina) records the locks as provided; Harry records consent and
    // sends the referral; he plans an injunction against Gary Mills.
    at(&app, 25, 0);
    let mut m = app.signed_in_as("maria").await;
    post_ok(
        &mut m,
        &format!("/cases/{r}/support/{measure_id}"),
        &measure("provided", "2026-11-25", "125.50", "1"),
    )
    .await;
    at(&app, 25, 10);
    let mut h = app.signed_in_as("harry").await;
    let consent = [
        ("consent_by", "Amina Khan"),
        ("consent_on", "2026-11-25"),
        ("consent_scope", "Incident details and phone number"),
    ];
    let mut sent = consent.to_vec();
    sent.extend([("status", "sent"), ("sent_on", "2026-11-25"), ("version", "1")]);
    let f = referral(&sent);
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_ok(&mut h, &format!("/cases/{r}/referrals/{referral_id}"), &pairs).await;
    at(&app, 25, 20);
    let gary = id_of(
        &app,
        &format!("SELECT CAST(id AS BIGINT) FROM case_parties WHERE case_id = {case_id} AND role = 'alleged-perpetrator'"),
    )
    .await;
    post_ok(
        &mut h,
        &format!("/cases/{r}/enforcement"),
        &[
            ("against", &gary),
            ("kind", "injunction"),
            ("status", "planned"),
            ("planned_on", "2026-11-25"),
            ("issued_on", ""),
            ("documents", "Draft application"),
            ("notes", "Evidence from three neighbours"),
            ("date_kind", ""),
            ("due_on", ""),
            ("date_note", ""),
        ],
    )
    .await;
    let action = id_of(&app, "SELECT CAST(MAX(id) AS BIGINT) FROM perpetrator_actions").await;

    // Thursday: Maria records the police's response; Harry issues the application with
    // a note; Maria changes the outcome only; Harry adds the hearing date.
    at(&app, 26, 0);
    let mut m = app.signed_in_as("maria").await;
    let mut responded = consent.to_vec();
    responded.extend([
        ("status", "responded"),
        ("sent_on", "2026-11-25"),
        ("response_on", "2026-11-26"),
        ("response", "Officer assigned"),
        ("version", "2"),
    ]);
    let f = referral(&responded);
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_ok(&mut m, &format!("/cases/{r}/referrals/{referral_id}"), &pairs).await;
    at(&app, 26, 10);
    let mut h = app.signed_in_as("harry").await;
    let action_path = format!("/cases/{r}/enforcement/{action}");
    post_ok(
        &mut h,
        &action_path,
        &[
            ("status", "issued"),
            ("on_date", "2026-11-26"),
            ("note", "Signed at the office"),
            ("outcome", ""),
            ("documents", "Draft application"),
            ("version", "1"),
        ],
    )
    .await;
    at(&app, 26, 20);
    let mut m = app.signed_in_as("maria").await;
    post_ok(
        &mut m,
        &action_path,
        &[
            ("status", ""),
            ("on_date", "2026-11-26"),
            ("note", ""),
            ("outcome", "Interim order expected"),
            ("documents", "Draft application"),
            ("version", "2"),
        ],
    )
    .await;
    // Harry adds a note without changing the status.
    at(&app, 26, 25);
    let mut h = app.signed_in_as("harry").await;
    post_ok(
        &mut h,
        &action_path,
        &[
            ("status", ""),
            ("on_date", "2026-11-26"),
            ("note", "Gary seen near the door again"),
            ("outcome", "Interim order expected"),
            ("documents", "Draft application"),
            ("version", "3"),
        ],
    )
    .await;
    at(&app, 26, 30);
    post_ok(
        &mut h,
        &format!("{action_path}/dates"),
        &[
            ("date_kind", "hearing"),
            ("due_on", "2026-12-10"),
            ("date_note", "County court"),
        ],
    )
    .await;

    // Friday: the hearing is adjourned twice (Harry, then Maria); Harry records the
    // locks fitted.
    at(&app, 27, 0);
    let hearing = deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case_id))
        .filter(deadlines::Column::Stage.eq("court-hearing"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the hearing is a deadline");
    let extend = format!("/cases/{r}/deadlines/{}/extend", hearing.id);
    let mut h = app.signed_in_as("harry").await;
    post_ok(
        &mut h,
        &extend,
        &[
            ("due_on", "2026-12-17"),
            ("text", "Adjourned: judge ill"),
            ("version", &hearing.version.to_string()),
        ],
    )
    .await;
    at(&app, 27, 10);
    let mut m = app.signed_in_as("maria").await;
    post_ok(
        &mut m,
        &extend,
        &[
            ("due_on", "2027-01-07"),
            ("text", "Adjourned again: papers late"),
            ("version", &(hearing.version + 1).to_string()),
        ],
    )
    .await;
    at(&app, 27, 20);
    let mut h = app.signed_in_as("harry").await;
    let mut f = action_form("2", &maria_id, "done");
    f[6].1 = "2026-11-27".to_owned();
    f[7].1 = "Locks fitted".to_owned();
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_ok(&mut h, &format!("/cases/{r}/plan/actions/{locks}"), &pairs).await;

    // The chronology, read by the manager.
    let mut m = app.signed_in_as("maria").await;
    let page = rows(&get(&mut m, &path(&r)).await);
    for pair in page.windows(2) {
        assert!(
            when(&pair[0]).order() <= when(&pair[1]).order(),
            "{pair:?} in date order"
        );
    }
    let (harry_name, maria_name, tina_name) = ("harry Test", "maria Test", "tina Test");
    let hearing_line =
        "Court hearing: Civil injunction (ASB, Crime and Policing Act 2014 Part 1) against Gary Mills";
    // Every change, in this order, with who made it.
    let expected: Vec<(&str, &str, Vec<&str>, &str)> = vec![
        (
            "2026-11-20T09:00:00Z",
            "Report received",
            vec!["How received"],
            tina_name,
        ),
        (
            "2026-11-23T09:00:00Z",
            "Risk assessment",
            vec![
                "Level: High (score 0)",
                "Level from the score: Standard",
                "Override reason: Threats to the children",
            ],
            harry_name,
        ),
        (
            "2026-11-23T09:10:00Z",
            "Plan action",
            vec!["Action added: “Fit new locks”. Owner: harry Test. Target date 2 Dec 2026."],
            harry_name,
        ),
        (
            "2026-11-23T09:20:00Z",
            "Plan action updated",
            vec!["Action “Fit new locks”: owner now maria Test."],
            harry_name,
        ),
        (
            "2026-11-23",
            "Action plan agreed",
            vec!["Contact: every 7 calendar days, by phone call"],
            harry_name,
        ),
        (
            "2026-11-23",
            "Support measure",
            vec!["Target hardening", "requested on 23 Nov 2026", "Front door"],
            tina_name,
        ),
        (
            "2026-11-24",
            "Referral",
            vec![
                "Referral recorded: Police: to send, referred on 24 Nov 2026",
                "Threats of arson",
            ],
            harry_name,
        ),
        (
            "2026-11-25T09:00:00Z",
            "Support measure updated",
            vec!["provided on 25 Nov 2026 (requested 23 Nov 2026), cost £125.50"],
            maria_name,
        ),
        (
            "2026-11-25T09:10:00Z",
            "Referral updated",
            vec![
                "Police: sent",
                "sent on 25 Nov 2026",
                "Consent to share given by Amina Khan on 25 Nov 2026",
            ],
            harry_name,
        ),
        (
            "2026-11-25",
            "Perpetrator action",
            vec![
                "Civil injunction against Gary Mills: planned on 25 Nov 2026.",
                "Notes: Evidence from three neighbours",
                "Documents: Draft application",
            ],
            harry_name,
        ),
        (
            "2026-11-26T09:00:00Z",
            "Referral updated",
            vec![
                "(was sent): Police: response received",
                "Response on 26 Nov 2026: Officer assigned",
            ],
            maria_name,
        ),
        (
            "2026-11-26T09:20:00Z",
            "Perpetrator action updated",
            vec![
                "Civil injunction against Gary Mills:",
                "Outcome: Interim order expected",
            ],
            maria_name,
        ),
        (
            "2026-11-26",
            "Perpetrator action",
            vec![
                "Civil injunction against Gary Mills: Planned → Issued or served on 26 Nov 2026.",
                "Note: Signed at the office",
            ],
            harry_name,
        ),
        (
            "2026-11-27T09:00:00Z",
            "Deadline extended",
            vec!["to 17 Dec 2026: Adjourned: judge ill"],
            harry_name,
        ),
        (
            "2026-11-27T09:10:00Z",
            "Deadline extended",
            vec!["to 7 Jan 2027: Adjourned again: papers late"],
            maria_name,
        ),
        (
            "2026-11-27T09:20:00Z",
            "Plan action updated",
            vec!["status open → done (met)", "outcome: Locks fitted"],
            harry_name,
        ),
        (
            "2026-11-27T09:20:00Z",
            "Deadline met",
            vec!["Action plan action: Fit new locks"],
            harry_name,
        ),
        (
            "2026-12-10",
            "Court date",
            vec![hearing_line, "Note: County court"],
            harry_name,
        ),
    ];
    let interesting: Vec<&Row> = page
        .iter()
        .filter(|row| expected.iter().any(|(_, what, _, _)| *what == row.what))
        .filter(|row| !row.details.contains("Gary seen near the door again"))
        .filter(|row| row.what != "Deadline met" || row.details.starts_with("Action plan action"))
        .collect();
    let got: Vec<(&str, &str, &str)> = interesting
        .iter()
        .map(|r| (r.machine.as_str(), r.what.as_str(), r.by.as_str()))
        .collect();
    let want: Vec<(&str, &str, &str)> = expected
        .iter()
        .map(|(when, what, _, by)| (*when, *what, *by))
        .collect();
    assert_eq!(
        got, want,
        "every change once, in order, with its author:\n{page:#?}"
    );
    for (row, (_, what, parts, _)) in interesting.iter().zip(&expected) {
        for part in parts {
            assert!(
                row.details.contains(part),
                "{what}: {part:?} in {:?}",
                row.details
            );
        }
    }

    // Every timeline row the chronology shows as it is (not told by a structured
    // record) appears exactly once, with its author.
    each_shown_row_once(&app, case_id, &page).await;
    // The note made without a change of status: once, by Harry.
    let noted: Vec<&Row> = page
        .iter()
        .filter(|row| row.details.contains("Gary seen near the door again"))
        .collect();
    assert_eq!(noted.len(), 1, "{noted:?}");
    assert!(noted[0].what.starts_with("Perpetrator action"), "{noted:?}");
    assert_eq!(noted[0].by, harry_name);

    // The CSV holds the same rows.
    let res = get(&mut m, &format!("/cases/{r}/chronology.csv")).await;
    let records = csv_records(&res);
    assert_eq!(records.len(), page.len() + 1);
    for (record, row) in records[1..].iter().zip(&page) {
        assert_eq!(
            record.as_slice(),
            [
                when_text(row),
                csv_cell(&row.what).into_owned(),
                csv_cell(&row.details).into_owned(),
                csv_cell(&row.by).into_owned(),
            ]
            .as_slice()
        );
    }
}
