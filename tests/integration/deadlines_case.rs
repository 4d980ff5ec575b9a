//! Deadlines on a case: planned per priority when a case opens, completed by the activity
//! (a contact with the victim), recurring updates rescheduled, extensions keeping the
//! original, waivers by managers only, priority changes re-planning, the agreed contact
//! frequency, and closing a case with open deadlines.

use crate::{
    common::TestApp,
    fixtures::{self, CaseSpec, PersonSpec, Team},
};
use entity::deadlines;
use reqwest::StatusCode;
use time::{OffsetDateTime, macros::datetime};

/// The clock is Monday 23 November 2026, 09:00 (GMT = UTC).
async fn world() -> Team {
    Team::north().await
}

/// A case with a witness and a named alleged perpetrator, logged by Tina.
async fn with_witness_and_perpetrator(w: &Team) -> fixtures::Created {
    fixtures::case(
        &w.app,
        CaseSpec {
            witnesses: vec![PersonSpec::named("Wendy Witness")],
            perpetrators: vec![PersonSpec::named("Mark Stone")],
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await
}

fn stage<'a>(all: &'a [deadlines::Model], code: &str) -> &'a deadlines::Model {
    all.iter()
        .filter(|d| d.stage == code)
        .max_by_key(|d| d.occurrence)
        .unwrap_or_else(|| panic!("no {code} deadline"))
}

fn stages(all: &[deadlines::Model]) -> Vec<&str> {
    let mut s: Vec<&str> = all.iter().map(|d| d.stage.as_str()).collect();
    s.sort();
    s
}

/// Which stages a case calls for, read in one statement: each fact both ways.
#[tokio::test]
async fn a_cases_facts_follow_its_incident_types_witnesses_and_named_perpetrators() {
    use harbour::deadlines::schedule::facts;
    let w = world().await;
    let plain = fixtures::case(&w.app, CaseSpec::new(w.tina, w.area)).await;
    let f = facts(&w.app.db, plain.id).await.unwrap();
    assert!(!f.graffiti_or_damage && !f.has_witness && !f.named_perpetrator);

    let full = with_witness_and_perpetrator(&w).await;
    w.app
        .exec(&format!(
            "INSERT INTO incident_types (incident_id, type_code) SELECT id, 'graffiti-home' FROM incidents WHERE case_id = {}",
            full.id
        ))
        .await;
    let f = facts(&w.app.db, full.id).await.unwrap();
    assert!(f.graffiti_or_damage && f.has_witness && f.named_perpetrator);
    // The graffiti is on the other case only; an alleged perpetrator nobody can name
    // cannot be interviewed.
    assert!(!facts(&w.app.db, plain.id).await.unwrap().graffiti_or_damage);
    w.app
        .exec(&format!(
            "UPDATE people SET kind = 'unknown' WHERE id IN (SELECT person_id FROM case_parties WHERE case_id = {} AND role = 'alleged-perpetrator')",
            full.id
        ))
        .await;
    assert!(!facts(&w.app.db, full.id).await.unwrap().named_perpetrator);
}

#[tokio::test]
async fn priority_1_and_2_cases_get_the_procedures_timescales() {
    let w = world().await;
    let received = datetime!(2026-11-23 09:00 UTC);
    let p1 = fixtures::case(
        &w.app,
        CaseSpec {
            received_at: Some(received),
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await;
    let p2 = fixtures::case(
        &w.app,
        CaseSpec {
            priority: "p2",
            received_at: Some(received),
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await;
    // (stage, P1 due, P2 due): hours are exact; working days end at 23:59:59 London (GMT now).
    let expected: [(&str, OffsetDateTime, OffsetDateTime); 6] = [
        (
            "initial-contact",
            datetime!(2026-11-24 09:00 UTC),
            datetime!(2026-11-24 23:59:59 UTC),
        ),
        (
            "risk-assessment",
            datetime!(2026-11-24 23:59:59 UTC),
            datetime!(2026-11-26 23:59:59 UTC),
        ),
        (
            "victim-interview",
            datetime!(2026-11-26 23:59:59 UTC),
            datetime!(2026-11-30 23:59:59 UTC),
        ),
        (
            "action-plan",
            datetime!(2026-11-30 23:59:59 UTC),
            datetime!(2026-12-07 23:59:59 UTC),
        ),
        (
            "victim-update",
            datetime!(2026-11-30 23:59:59 UTC),
            datetime!(2026-12-07 23:59:59 UTC),
        ),
        (
            "manager-review",
            datetime!(2026-12-21 23:59:59 UTC),
            datetime!(2027-01-18 23:59:59 UTC),
        ),
    ];
    let d1 = fixtures::deadlines_of(&w.app, p1.id).await;
    let d2 = fixtures::deadlines_of(&w.app, p2.id).await;
    for (code, due1, due2) in expected {
        assert_eq!(stage(&d1, code).due_at, due1, "P1 {code}");
        assert_eq!(stage(&d2, code).due_at, due2, "P2 {code}");
        assert_eq!(stage(&d1, code).original_due_at, due1, "P1 {code} original");
    }
    // No witness, no named perpetrator, no graffiti: those stages do not apply.
    assert_eq!(
        stages(&d1),
        [
            "action-plan",
            "initial-contact",
            "manager-review",
            "risk-assessment",
            "victim-interview",
            "victim-update"
        ]
    );
    let with_people = with_witness_and_perpetrator(&w).await;
    let d3 = fixtures::deadlines_of(&w.app, with_people.id).await;
    assert!(d3.iter().any(|d| d.stage == "witnesses-contacted"));
    assert!(d3.iter().any(|d| d.stage == "perpetrator-interviewed"));
    assert!(
        d3.iter()
            .all(|d| d.procedure_version_id == 1 && d.status == "open")
    );
}

#[tokio::test]
async fn a_friday_afternoon_report_is_due_at_the_end_of_monday() {
    let w = world().await;
    // Friday 27 November 2026, 16:45: one working day is the end of Monday 30 November.
    let spec = CaseSpec {
        priority: "p2",
        received_at: Some(datetime!(2026-11-27 16:45 UTC)),
        ..CaseSpec::new(w.tina, w.area)
    };
    let case = fixtures::case(&w.app, spec).await;
    let all = fixtures::deadlines_of(&w.app, case.id).await;
    assert_eq!(
        stage(&all, "initial-contact").due_at,
        datetime!(2026-11-30 23:59:59 UTC)
    );
}

#[tokio::test]
async fn a_tenancy_officer_records_first_contact_and_the_deadline_is_met() {
    let w = world().await;
    let case = fixtures::case(&w.app, CaseSpec::new(w.tina, w.area)).await;
    let victim = case.people[0].to_string();
    w.app.advance_minutes(120);
    let mut tina = w.app.signed_in_as("tina").await;
    // A failed attempt completes nothing.
    let res = tina
        .post(
            &format!("/cases/{}/timeline", case.reference),
            &[
                ("kind", "failed-attempt"),
                ("date", "2026-11-23"),
                ("time", "10:00"),
                ("person_id", &victim),
                ("body", "No answer"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        stage(&fixtures::deadlines_of(&w.app, case.id).await, "initial-contact").status,
        "open"
    );
    let res = tina
        .post(
            &format!("/cases/{}/timeline", case.reference),
            &[
                ("kind", "phone-call"),
                ("date", "2026-11-23"),
                ("time", "10:30"),
                ("person_id", &victim),
                ("body", "Spoke to Amina"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let all = fixtures::deadlines_of(&w.app, case.id).await;
    let first = stage(&all, "initial-contact");
    assert_eq!(first.status, "done");
    assert_eq!(first.done_at, Some(datetime!(2026-11-23 10:30 UTC)));
    assert_eq!(first.late_working_days, Some(0));
    // The phone call was also the first regular update: the next one is planned from it.
    let updates: Vec<_> = all.iter().filter(|d| d.stage == "victim-update").collect();
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[0].status, "done");
    assert_eq!(updates[1].status, "open");
    assert_eq!(updates[1].anchored_at, datetime!(2026-11-23 10:30 UTC));
    assert_eq!(updates[1].due_at, datetime!(2026-11-30 23:59:59 UTC));
    // A phone call is not an interview: that stays open.
    assert_eq!(stage(&all, "victim-interview").status, "open");
    let page = tina.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("id=\"deadlines\""));
    assert!(page.body.contains("Met"), "the page shows the deadline as met");
    assert!(page.body.contains("Deadline “Initial contact with victim” met"));
    // Tenancy officers do not record, extend or waive deadlines themselves.
    let id = first.id;
    for action in ["done", "extend", "waive"] {
        let path = format!("/cases/{}/deadlines/{id}/{action}", case.reference);
        assert_eq!(tina.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn a_late_contact_is_late_by_working_days() {
    let w = world().await;
    // P2, received Monday 16 November: initial contact due end of Tuesday 17 November.
    let spec = CaseSpec {
        priority: "p2",
        received_at: Some(datetime!(2026-11-16 09:00 UTC)),
        ..CaseSpec::new(w.tina, w.area)
    };
    let case = fixtures::case(&w.app, spec).await;
    let victim = case.people[0].to_string();
    let mut harry = w.app.signed_in_as("harry").await;
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Overdue"));
    assert!(
        page.body.contains("4 working days overdue"),
        "Wed–Fri and Mon count as overdue"
    );
    let res = harry
        .post(
            &format!("/cases/{}/timeline", case.reference),
            &[
                ("kind", "visit"),
                ("date", "2026-11-23"),
                ("time", "08:00"),
                ("person_id", &victim),
                ("body", "Home visit"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let all = fixtures::deadlines_of(&w.app, case.id).await;
    let first = stage(&all, "initial-contact");
    assert_eq!(first.status, "done");
    assert_eq!(first.late_working_days, Some(4));
    // A visit is also the victim interview (due end of Mon 23 Nov): met.
    assert_eq!(stage(&all, "victim-interview").late_working_days, Some(0));
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("4 working days late"));
}

async fn open_deadline(app: &TestApp, case_id: i32, code: &str) -> deadlines::Model {
    stage(&fixtures::deadlines_of(app, case_id).await, code).clone()
}

#[tokio::test]
async fn an_extension_keeps_the_original_due_date_for_reports() {
    let w = world().await;
    let case = fixtures::case(
        &w.app,
        CaseSpec {
            owner_id: Some(w.harry),
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await;
    let d = open_deadline(&w.app, case.id, "risk-assessment").await;
    let path = format!("/cases/{}/deadlines/{}/extend", case.reference, d.id);
    let mut harry = w.app.signed_in_as("harry").await;
    let form = harry.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.input_value("version").as_deref(), Some("1"));
    // Bad input: no reason, a date before the current due date, not a date.
    for (due, reason, message) in [
        ("2026-12-04", "", "Give the reason"),
        (
            "2026-11-20",
            "Victim away",
            "must be later than the current due date",
        ),
        ("soon", "Victim away", "Enter the new due date"),
    ] {
        let res = harry
            .post(&path, &[("due_on", due), ("text", reason), ("version", "1")])
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{due} {reason}");
        assert!(res.body.contains(message), "{message}");
        assert!(res.body.contains(reason), "typed reason kept");
    }
    let res = harry
        .post(
            &path,
            &[
                ("due_on", "2026-12-04"),
                ("text", "Victim in hospital until December"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let extended = open_deadline(&w.app, case.id, "risk-assessment").await;
    assert_eq!(extended.due_at, datetime!(2026-12-04 23:59:59 UTC));
    assert_eq!(
        extended.original_due_at, d.original_due_at,
        "the original is kept"
    );
    assert_eq!(
        extended.extension_reason.as_deref(),
        Some("Victim in hospital until December")
    );
    // The same form again is stale.
    let res = harry
        .post(
            &path,
            &[("due_on", "2026-12-11"), ("text", "Again"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    // After the original due date the deadline shows as extended, not overdue.
    w.app.clock.advance(time::Duration::days(3));
    let mut harry = w.app.signed_in_as("harry").await;
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Extended"));
    // Done within the extension still counts as late against the original.
    let done = format!("/cases/{}/deadlines/{}/done", case.reference, d.id);
    let res = harry
        .post(
            &done,
            &[
                ("date", "2026-11-26"),
                ("time", "09:00"),
                ("text", ""),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = open_deadline(&w.app, case.id, "risk-assessment").await;
    assert_eq!(after.status, "done");
    assert!(after.done_at.unwrap() > after.original_due_at);
    // Due end of Tuesday 24 November; done Thursday 26th: Wednesday and Thursday late.
    assert_eq!(after.late_working_days, Some(2));
    for action in ["deadline.extended", "deadline.completed"] {
        assert_eq!(
            w.app
                .count(&format!(
                    "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
                ))
                .await,
            1,
            "{action}"
        );
    }
}

#[tokio::test]
async fn only_managers_waive_and_only_managers_record_their_review() {
    let w = world().await;
    let case = fixtures::case(
        &w.app,
        CaseSpec {
            received_at: Some(datetime!(2026-11-23 08:00 UTC)),
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await;
    let d = open_deadline(&w.app, case.id, "action-plan").await;
    let waive = format!("/cases/{}/deadlines/{}/waive", case.reference, d.id);
    let mut harry = w.app.signed_in_as("harry").await;
    assert_eq!(harry.get(&waive).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        harry
            .post(&waive, &[("text", "Not needed"), ("version", "1")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut maria = w.app.signed_in_as("maria").await;
    let res = maria.post(&waive, &[("text", "  "), ("version", "1")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Give the reason"));
    let res = maria
        .post(&waive, &[("text", "Victim declined a plan"), ("version", "1")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let waived = open_deadline(&w.app, case.id, "action-plan").await;
    assert_eq!(waived.status, "waived");
    assert_eq!(waived.resolution_note.as_deref(), Some("Victim declined a plan"));
    // A waived deadline takes no more actions.
    assert_eq!(
        maria
            .post(&waive, &[("text", "Again"), ("version", "2")])
            .await
            .status,
        StatusCode::CONFLICT
    );

    // The manager review: harassment officers cannot record it, managers can, and the
    // next review is planned from it (28 calendar days for Priority 1).
    let review = open_deadline(&w.app, case.id, "manager-review").await;
    let done = format!("/cases/{}/deadlines/{}/done", case.reference, review.id);
    assert_eq!(harry.get(&done).await.status, StatusCode::FORBIDDEN);
    let res = maria
        .post(
            &done,
            &[
                ("date", "2026-11-23"),
                ("time", "08:30"),
                ("text", "Reviewed with Harry"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let next = open_deadline(&w.app, case.id, "manager-review").await;
    assert_eq!(next.occurrence, 2);
    assert_eq!(next.anchored_at, datetime!(2026-11-23 08:30 UTC));
    assert_eq!(next.due_at, datetime!(2026-12-21 23:59:59 UTC));
    // Bad input to "record done": the future, before the case, not a time.
    let interview = open_deadline(&w.app, case.id, "victim-interview").await;
    let done = format!("/cases/{}/deadlines/{}/done", case.reference, interview.id);
    for (date, time) in [
        ("2026-11-24", "09:00"),
        ("2020-01-01", "09:00"),
        ("2026-11-23", "25:00"),
    ] {
        let res = harry
            .post(
                &done,
                &[
                    ("date", date),
                    ("time", time),
                    ("text", "kept note"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{date} {time}");
        assert!(res.body.contains("kept note"));
    }
    // A deadline of another case, or no such deadline: 404.
    let other = fixtures::case(&w.app, CaseSpec::new(w.tina, w.area)).await;
    let path = format!("/cases/{}/deadlines/{}/done", other.reference, interview.id);
    assert_eq!(harry.get(&path).await.status, StatusCode::NOT_FOUND);
    let path = format!("/cases/{}/deadlines/x/done", case.reference);
    assert_eq!(harry.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.app.audit_count("deadline.waived").await, 1);
}

#[tokio::test]
async fn a_new_priority_re_plans_open_deadlines_only() {
    let w = world().await;
    let spec = CaseSpec {
        priority: "p2",
        received_at: Some(datetime!(2026-11-23 09:00 UTC)),
        ..CaseSpec::new(w.tina, w.area)
    };
    let case = fixtures::case(&w.app, spec).await;
    let victim = case.people[0].to_string();
    let mut harry = w.app.signed_in_as("harry").await;
    // Initial contact done first (kept as recorded), then the priority goes up.
    harry
        .post(
            &format!("/cases/{}/timeline", case.reference),
            &[
                ("kind", "phone-call"),
                ("date", "2026-11-23"),
                ("time", "09:00"),
                ("person_id", &victim),
                ("body", "Called"),
            ],
        )
        .await;
    let before = fixtures::deadlines_of(&w.app, case.id).await;
    assert_eq!(stage(&before, "initial-contact").status, "done");
    let edit = format!("/cases/{}/edit", case.reference);
    let form = harry.get(&edit).await;
    let version = form.input_value("version").unwrap();
    let res = harry
        .post(
            &edit,
            &[
                ("version", &version),
                ("priority", "p1"),
                ("priority_reason", "Threats made"),
                ("hate_perceived", "yes"),
                ("perceived_by", "victim"),
                ("strand", "1"),
                ("area_id", &w.area.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = fixtures::deadlines_of(&w.app, case.id).await;
    assert_eq!(
        stage(&after, "initial-contact"),
        stage(&before, "initial-contact"),
        "done deadlines are history"
    );
    assert_eq!(
        stage(&after, "risk-assessment").due_at,
        datetime!(2026-11-24 23:59:59 UTC)
    );
    assert_eq!(stage(&after, "risk-assessment").priority, "p1");
    assert_eq!(
        stage(&after, "action-plan").due_at,
        datetime!(2026-11-30 23:59:59 UTC)
    );
}

#[tokio::test]
async fn the_agreed_contact_frequency_replaces_the_update_timescale() {
    let w = world().await;
    let case = fixtures::case(&w.app, CaseSpec::new(w.tina, w.area)).await;
    let path = format!("/cases/{}/contact-frequency", case.reference);
    let mut harry = w.app.signed_in_as("harry").await;
    assert_eq!(harry.get(&path).await.status, StatusCode::OK);
    for (amount, unit) in [("0", "calendar-days"), ("x", "working-days"), ("3", "fortnights")] {
        let res = harry.post(&path, &[("amount", amount), ("unit", unit)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount} {unit}");
    }
    let res = harry
        .post(&path, &[("amount", "3"), ("unit", "calendar-days")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let update = open_deadline(&w.app, case.id, "victim-update").await;
    assert_eq!(update.due_at, datetime!(2026-11-26 23:59:59 UTC));
    assert_eq!((update.unit.as_str(), update.amount), ("calendar-days", 3));
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(
        page.body
            .contains("every 3 calendar days (agreed with the victim)")
    );
    // Back to the procedure's weekly update.
    let res = harry.post(&path, &[("amount", ""), ("unit", "")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        open_deadline(&w.app, case.id, "victim-update").await.due_at,
        datetime!(2026-11-30 23:59:59 UTC)
    );
    let mut tina = w.app.signed_in_as("tina").await;
    assert_eq!(tina.get(&path).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn closing_asks_what_happens_to_each_open_deadline() {
    let w = world().await;
    let case = fixtures::case(
        &w.app,
        CaseSpec {
            owner_id: Some(w.harry),
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await;
    let close = format!("/cases/{}/close", case.reference);
    let mut harry = w.app.signed_in_as("harry").await;
    let form = harry.get(&close).await;
    assert!(form.body.contains("Open deadlines"));
    assert!(
        !form.body.contains("value=\"waived\""),
        "officers are not offered a waiver"
    );
    let base = [
        ("outcome", "resolved"),
        ("reason", "Perpetrator moved"),
        ("victim_told_on", "2026-11-23"),
    ];
    // No answers: refused, naming the deadlines, keeping the outcome.
    let res = harry.post(&close, &base).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Say what happens to “Initial contact with victim”")
    );
    assert!(res.body.contains("Perpetrator moved"));
    // An officer choosing "waived", or "not applicable" without a reason: refused.
    let open = fixtures::deadlines_of(&w.app, case.id).await;
    let mut fields: Vec<(String, String)> =
        base.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    for (i, d) in open.iter().enumerate() {
        let answer = match i {
            0 => "done",
            1 => "waived",
            _ => "not-applicable",
        };
        fields.push((format!("deadline-{}", d.id), answer.into()));
    }
    let as_refs = |f: &[(String, String)]| f.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
    let owned = as_refs(&fields);
    let borrowed: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = harry.post(&close, &borrowed).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Say what happens to"));
    assert!(res.body.contains("Give the reason for"));
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM cases WHERE status = 'open'")
            .await,
        1
    );
    // Done for the first, not applicable with reasons for the rest: closed.
    let mut fields: Vec<(String, String)> =
        base.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    for (i, d) in open.iter().enumerate() {
        let answer = if i == 0 { "done" } else { "not-applicable" };
        fields.push((format!("deadline-{}", d.id), answer.into()));
        fields.push((
            format!("deadline-{}-reason", d.id),
            "Perpetrator left the area".into(),
        ));
    }
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = harry.post(&close, &borrowed).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = fixtures::deadlines_of(&w.app, case.id).await;
    assert_eq!(after.iter().filter(|d| d.status == "done").count(), 1);
    assert_eq!(
        after.iter().filter(|d| d.status == "not-applicable").count(),
        open.len() - 1
    );
    // Closure plans the closure letter (5 WD) and the post-closure check (20 WD).
    let open_now: Vec<_> = after.iter().filter(|d| d.status == "open").collect();
    assert_eq!(
        stages(&open_now.iter().map(|d| (*d).clone()).collect::<Vec<_>>()),
        ["closure-letter", "post-closure-check"]
    );
    assert_eq!(
        stage(&after, "closure-letter").due_at,
        datetime!(2026-11-30 23:59:59 UTC)
    );
    assert_eq!(
        stage(&after, "post-closure-check").due_at,
        datetime!(2026-12-21 23:59:59 UTC)
    );
    // Reopening restarts the recurring updates.
    let mut maria = w.app.signed_in_as("maria").await;
    let res = maria
        .post(
            &format!("/cases/{}/reopen", case.reference),
            &[("reason", "New incident")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let reopened = fixtures::deadlines_of(&w.app, case.id).await;
    assert!(
        reopened
            .iter()
            .any(|d| d.stage == "victim-update" && d.status == "open" && d.occurrence == 2)
    );
    // What the closure left undone is needed again (risk assessment, action plan …),
    // counted from the reopening; what was done stays done and is not planned again.
    for stage in ["risk-assessment", "action-plan"] {
        assert!(
            reopened
                .iter()
                .any(|d| d.stage == stage && d.status == "open" && d.occurrence == 2),
            "{stage} planned again: {reopened:?}"
        );
    }
    for done in after.iter().filter(|d| d.status == "done") {
        assert!(
            !reopened
                .iter()
                .any(|d| d.stage == done.stage && d.status == "open"),
            "{} was done: not planned again",
            done.stage
        );
    }
    // Managers may waive at closing.
    let form = maria.get(&close).await;
    assert!(form.body.contains("value=\"waived\""));
}

fn close_fields(base: &[(&str, &str)], answers: &[(String, String)]) -> Vec<(String, String)> {
    base.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain(answers.iter().cloned())
        .collect()
}

fn borrowed(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn officers_cannot_excuse_an_overdue_deadline_or_the_managers_review_at_closing() {
    let w = world().await;
    // Received ten days ago: the one-off deadlines are overdue, the review is not yet due.
    let spec = CaseSpec {
        owner_id: Some(w.harry),
        received_at: Some(datetime!(2026-11-13 09:00 UTC)),
        ..CaseSpec::new(w.tina, w.area)
    };
    let case = fixtures::case(&w.app, spec).await;
    let close = format!("/cases/{}/close", case.reference);
    let base = [
        ("outcome", "resolved"),
        ("reason", "Moved"),
        ("victim_told_on", "2026-11-23"),
    ];
    let mut harry = w.app.signed_in_as("harry").await;
    let form = harry.get(&close).await;
    let review = open_deadline(&w.app, case.id, "manager-review").await;
    let first = open_deadline(&w.app, case.id, "initial-contact").await;
    assert!(
        !form.body.contains(&format!("id=\"deadline-{}-done\"", review.id)),
        "officers are not offered the review as done"
    );
    assert!(
        !form
            .body
            .contains(&format!("id=\"deadline-{}-not-applicable\"", first.id)),
        "nor an overdue deadline as not applicable"
    );
    // Sending them anyway is refused, and nothing changes.
    let answers = vec![
        (format!("deadline-{}", review.id), "done".to_owned()),
        (format!("deadline-{}", first.id), "not-applicable".to_owned()),
        (format!("deadline-{}-reason", first.id), "Victim moved".to_owned()),
    ];
    let fields = close_fields(&base, &answers);
    let res = harry.post(&close, &borrowed(&fields)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Say what happens to “Manager case review (1)”"));
    assert!(
        res.body
            .contains("Say what happens to “Initial contact with victim”")
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM cases WHERE status = 'open'")
            .await,
        1
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM deadlines WHERE status <> 'open'")
            .await,
        0
    );
    // Nor can officers put the review back.
    let extend = format!("/cases/{}/deadlines/{}/extend", case.reference, review.id);
    assert_eq!(harry.get(&extend).await.status, StatusCode::FORBIDDEN);
    // A manager may close it with any of the answers.
    let mut maria = w.app.signed_in_as("maria").await;
    let answers = fixtures::deadline_answers(&w.app, case.id, "not-applicable").await;
    let fields = close_fields(&base, &answers);
    let res = maria.post(&close, &borrowed(&fields)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn reopening_closes_off_the_previous_closures_deadlines() {
    let w = world().await;
    let case = fixtures::case(&w.app, CaseSpec::new(w.tina, w.area)).await;
    let mut maria = w.app.signed_in_as("maria").await;
    let base = [
        ("outcome", "resolved"),
        ("reason", "Moved"),
        ("victim_told_on", "2026-11-23"),
    ];
    let answers = fixtures::deadline_answers(&w.app, case.id, "waived").await;
    let fields = close_fields(&base, &answers);
    let close = format!("/cases/{}/close", case.reference);
    assert_eq!(
        maria.post(&close, &borrowed(&fields)).await.status,
        StatusCode::SEE_OTHER
    );
    let res = maria
        .post(
            &format!("/cases/{}/reopen", case.reference),
            &[("reason", "More abuse")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let all = fixtures::deadlines_of(&w.app, case.id).await;
    for code in ["closure-letter", "post-closure-check"] {
        let d = stage(&all, code);
        assert_eq!(d.status, "not-applicable", "{code}");
        assert_eq!(d.resolution_note.as_deref(), Some("The case was reopened"));
    }
}

#[tokio::test]
async fn a_stale_deadline_form_comes_back_with_what_was_typed() {
    let w = world().await;
    let case = fixtures::case(&w.app, CaseSpec::new(w.tina, w.area)).await;
    let d = open_deadline(&w.app, case.id, "action-plan").await;
    let extend = format!("/cases/{}/deadlines/{}/extend", case.reference, d.id);
    let mut harry = w.app.signed_in_as("harry").await;
    let mut maria = w.app.signed_in_as("maria").await;
    let res = maria
        .post(
            &extend,
            &[("due_on", "2026-12-31"), ("text", "Christmas"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = harry
        .post(
            &extend,
            &[
                ("due_on", "2027-01-08"),
                ("text", "Victim abroad until January"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body.contains("Victim abroad until January"),
        "typed reason kept"
    );
    assert!(res.body.contains("2027-01-08"), "typed date kept");
    assert!(res.body.contains("Someone changed this deadline"));
    assert_eq!(
        res.input_value("version").as_deref(),
        Some("2"),
        "the form now carries the current version"
    );
    // Done before the deadline's own start is refused.
    let done = format!("/cases/{}/deadlines/{}/done", case.reference, d.id);
    let res = harry
        .post(
            &done,
            &[
                ("date", "2026-11-22"),
                ("time", "09:00"),
                ("text", ""),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn cases_open_before_deadlines_existed_are_planned_once() {
    let w = world().await;
    let case = fixtures::case(&w.app, CaseSpec::new(w.tina, w.area)).await;
    // As if the case were logged before this release: no deadlines, not yet back-filled.
    w.app.exec("DELETE FROM deadlines").await;
    w.app
        .exec("DELETE FROM settings WHERE key = 'deadlines.planned_existing_cases'")
        .await;
    harbour::migrate(&w.app.db).await.expect("migrate");
    let planned = fixtures::deadlines_of(&w.app, case.id).await;
    assert_eq!(planned.len(), 6, "the plan intake makes");
    assert_eq!(stage(&planned, "initial-contact").anchored_at, w.app.now());
    // Only once: a case that later loses its deadlines is not planned again at start-up.
    w.app.exec("DELETE FROM deadlines").await;
    harbour::migrate(&w.app.db).await.expect("migrate");
    assert!(fixtures::deadlines_of(&w.app, case.id).await.is_empty());
}
