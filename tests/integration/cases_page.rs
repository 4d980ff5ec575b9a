//! The case page and what is done from it: timeline contacts, versioned edits, closure
//! and reopening, restriction, related cases, the repeat-victim prompt, case settings.

use crate::{
    common::{Client, TestApp, html_unescape},
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::Role;
use reqwest::StatusCode;

struct World {
    app: TestApp,
    area: i32,
    /// Tenancy officer in `area`.
    officer: i32,
    reference: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let officer = app.create_user("tina", Role::TenancyOfficer).await;
    fixtures::give_area(&app, officer, area).await;
    app.create_user("harry", Role::HarassmentOfficer).await;
    app.create_user("maria", Role::Manager).await;
    let mut spec = CaseSpec::new(officer, area);
    spec.victims = vec![
        PersonSpec::named("Amina Khan")
            .tenancy("T-100")
            .at("1 Oak Road", "LE1 5AB"),
    ];
    spec.perpetrators = vec![PersonSpec::named("Mark Stone")];
    let reference = fixtures::case(&app, spec).await.reference;
    World {
        app,
        area,
        officer,
        reference,
    }
}

async fn audit_count(app: &TestApp, action: &str, reference: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND target_id = '{reference}'"
    ))
    .await
}

#[tokio::test]
async fn case_page_shows_summary_people_and_reports_and_audits_the_view() {
    let w = world().await;
    let mut tina = w.app.signed_in_as("tina").await;
    let res = tina.get(&format!("/cases/{}", w.reference)).await;
    assert_eq!(res.status, StatusCode::OK);
    for text in [
        "Amina Khan",
        "Mark Stone",
        "T-100",
        "Priority 1",
        "Race",
        "North",
        "Unassigned",
        "Report 1",
    ] {
        assert!(res.body.contains(text), "case page lacks {text:?}");
    }
    assert!(
        res.body
            .contains("<time datetime=\"2026-11-23T09:00:00Z\">23 Nov 2026, 09:00</time>")
    );
    // Tenancy officers may not change details, close, assign or reopen.
    for link in ["/edit", "/close", "/restriction", "/assign", "/reopen"] {
        assert!(
            !res.body.contains(&format!("{}{link}", w.reference)),
            "officer sees {link}"
        );
    }
    assert_eq!(audit_count(&w.app, "case.viewed", &w.reference).await, 1);
    tina.get(&format!("/cases/{}", w.reference.to_lowercase())).await;
    assert_eq!(audit_count(&w.app, "case.viewed", &w.reference).await, 2);
}

#[tokio::test]
async fn officers_add_contacts_to_the_timeline() {
    let w = world().await;
    let mut tina = w.app.signed_in_as("tina").await;
    let path = format!("/cases/{}/timeline", w.reference);
    let res = tina
        .post(
            &path,
            &[
                ("kind", "visit"),
                ("date", "2026-11-23"),
                ("time", "08:30"),
                ("person_id", ""),
                ("body", "Visited Ms Khan; agreed weekly calls"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = tina.get(&format!("/cases/{}", w.reference)).await;
    assert!(page.body.contains("Visited Ms Khan; agreed weekly calls"));
    assert!(page.body.contains("<time datetime=\"2026-11-23T08:30:00Z\">"));
    assert_eq!(audit_count(&w.app, "case.contact_added", &w.reference).await, 1);
}

#[tokio::test]
async fn an_invalid_contact_is_refused_with_what_was_typed_kept() {
    let w = world().await;
    let mut tina = w.app.signed_in_as("tina").await;
    let path = format!("/cases/{}/timeline", w.reference);
    let before = w.app.count("SELECT COUNT(*) FROM timeline_entries").await;
    for (fields, message) in [
        (
            [
                ("kind", "visit"),
                ("date", "2026-11-24"),
                ("time", "10:00"),
                ("body", "Tomorrow's visit"),
            ],
            "cannot be in the future",
        ),
        (
            [
                ("kind", "visit"),
                ("date", "23/11/2026"),
                ("time", "10:00"),
                ("body", "Typed date wrongly"),
            ],
            "Enter the date as YYYY-MM-DD",
        ),
        (
            [
                ("kind", "seance"),
                ("date", "2026-11-23"),
                ("time", "08:00"),
                ("body", "Unknown kind"),
            ],
            "Choose what kind",
        ),
        (
            [
                ("kind", "visit"),
                ("date", "2026-11-23"),
                ("time", "08:00"),
                ("body", "   "),
            ],
            "Enter what happened",
        ),
    ] {
        let res = tina.post(&path, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(res.body.contains(message), "{message}");
        assert!(res.body.contains("There is a problem"));
        // The problems come first, not thousands of pixels down by the form, and once.
        let summary = res.body.find("There is a problem").unwrap();
        assert!(
            summary < res.body.find(">Summary<").unwrap(),
            "{message}: the summary is at the top"
        );
        assert_eq!(res.body.matches("There is a problem").count(), 1);
        let typed = fields[3].1;
        assert!(
            html_unescape(&res.body).contains(typed),
            "typed note kept: {typed}"
        );
    }
    let res = tina
        .post(
            &path,
            &[
                ("kind", "note"),
                ("date", "2026-11-23"),
                ("time", "08:00"),
                ("person_id", "99999"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM timeline_entries").await, before);
}

#[tokio::test]
async fn a_stale_edit_is_refused_showing_both_versions() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mut maria = w.app.signed_in_as("maria").await;
    let edit = format!("/cases/{}/edit", w.reference);
    let form = harry.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    let version = form.input_value("version").expect("version field");
    let strand = strand_id(&w.app, "race").await;
    let area = w.area.to_string();
    // Maria saves first.
    let res = maria
        .post(
            &edit,
            &[
                ("version", version.as_str()),
                ("priority", "p2"),
                ("priority_reason", "Abuse has stopped; no threats"),
                ("hate_perceived", "yes"),
                ("perceived_by", "victim"),
                ("strand", strand.as_str()),
                ("area_id", area.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Harry's edit was made on the old version.
    let res = harry
        .post(
            &edit,
            &[
                ("version", version.as_str()),
                ("priority", "p1"),
                ("priority_reason", ""),
                ("hate_perceived", "yes"),
                ("perceived_by", "witness"),
                ("strand", strand.as_str()),
                ("area_id", area.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Someone else changed this case"));
    assert!(res.body.contains("Their version"));
    assert!(
        res.body.contains("Abuse has stopped; no threats"),
        "their change shown"
    );
    assert!(
        res.body.contains(r#"value="witness" selected"#),
        "my typed value kept"
    );
    let priority: i64 = w
        .app
        .count(&format!(
            "SELECT COUNT(*) FROM cases WHERE priority = 'p2' AND version = 2 AND reference = '{}'",
            w.reference
        ))
        .await;
    assert_eq!(priority, 1, "Maria's change stands");
    assert_eq!(audit_count(&w.app, "case.updated", &w.reference).await, 1);
    // Saving again from the refused form (now on the latest version) goes through.
    let latest = res.input_value("version").unwrap();
    let res = harry
        .post(
            &edit,
            &[
                ("version", latest.as_str()),
                ("priority", "p1"),
                ("hate_perceived", "yes"),
                ("perceived_by", "witness"),
                ("strand", strand.as_str()),
                ("area_id", area.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = harry.get(&format!("/cases/{}", w.reference)).await;
    assert!(page.body.contains("Changed priority Priority 2 → Priority 1"));
}

#[tokio::test]
async fn choosing_other_than_the_suggested_priority_needs_a_reason() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let edit = format!("/cases/{}/edit", w.reference);
    let area = w.area.to_string();
    let res = harry
        .post(
            &edit,
            &[
                ("version", "1"),
                ("priority", "p2"),
                ("hate_perceived", "no"),
                ("area_id", area.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Give a reason for not using the suggested priority (Priority 1)")
    );
    assert!(res.body.contains(r#"value="p2" checked"#));
    let res = harry
        .post(
            &edit,
            &[
                ("version", "1"),
                ("priority", "p9"),
                ("hate_perceived", "maybe"),
                ("area_id", "x"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in [
        "Choose a priority",
        "Say whether anyone perceives",
        "Choose an area",
    ] {
        assert!(res.body.contains(m), "{m}");
    }
    let res = harry.post(&edit, &[("version", "not-a-number")]).await;
    assert!(res.status.is_client_error());
    assert_eq!(w.app.count("SELECT CAST(version AS BIGINT) FROM cases").await, 1);
}

#[tokio::test]
async fn closing_and_reopening_keeps_the_history() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let close = format!("/cases/{}/close", w.reference);
    let res = harry
        .post(
            &close,
            &[
                ("outcome", "bogus"),
                ("reason", ""),
                ("victim_told_on", "2030-01-01"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in [
        "Choose the outcome",
        "Give the reason for closing",
        "cannot be in the future",
    ] {
        assert!(res.body.contains(m), "{m}");
    }
    let case_id = w.app.count("SELECT CAST(id AS BIGINT) FROM cases").await as i32;
    let answers = fixtures::deadline_answers(&w.app, case_id, "not-applicable").await;
    let mut fields: Vec<(&str, &str)> = vec![
        ("outcome", "resolved"),
        ("reason", "Perpetrator moved away"),
        ("victim_told_on", "2026-11-23"),
    ];
    fields.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let res = harry.post(&close, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let again = harry
        .post(
            &close,
            &[
                ("outcome", "resolved"),
                ("reason", "Twice"),
                ("victim_told_on", "2026-11-23"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    // Harassment officers cannot reopen; managers can, with a reason.
    let reopen = format!("/cases/{}/reopen", w.reference);
    assert_eq!(
        harry.post(&reopen, &[("reason", "More abuse")]).await.status,
        StatusCode::FORBIDDEN
    );
    let mut maria = w.app.signed_in_as("maria").await;
    let res = maria.post(&reopen, &[("reason", "  ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = maria.post(&reopen, &[("reason", "Abuse started again")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    w.app.advance_minutes(10);
    let answers = fixtures::deadline_answers(&w.app, case_id, "not-applicable").await;
    let mut fields: Vec<(&str, &str)> = vec![
        ("outcome", "withdrawn"),
        ("reason", "Victim asked us to stop"),
        ("victim_told_on", "2026-11-23"),
    ];
    fields.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let res = harry.post(&close, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM case_closures").await, 2);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM case_closures WHERE reopen_reason = 'Abuse started again'")
            .await,
        1
    );
    let page = maria.get(&format!("/cases/{}", w.reference)).await;
    for text in [
        "Perpetrator moved away",
        "Abuse started again",
        "Withdrawn by victim",
        "Victim asked us to stop",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    for action in ["case.closed", "case.reopened"] {
        assert!(audit_count(&w.app, action, &w.reference).await >= 1, "{action}");
    }
}

#[tokio::test]
async fn restricting_a_case_hides_it_from_everyone_not_named() {
    let w = world().await;
    let other = w.app.create_user("olive", Role::HarassmentOfficer).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mut tina = w.app.signed_in_as("tina").await;
    let mut olive = w.app.signed_in_as("olive").await;
    let page = format!("/cases/{}", w.reference);
    let restriction = format!("{page}/restriction");
    let res = harry
        .post(&restriction, &[("restricted", "yes"), ("reason", "")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Give the reason"));
    let other_id = other.to_string();
    let res = harry
        .post(
            &restriction,
            &[
                ("version", "1"),
                ("restricted", "yes"),
                ("reason", "Staff member involved"),
                ("named", other_id.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Tina logged it but is not named any more: the case is gone for her.
    assert_eq!(tina.get(&page).await.status, StatusCode::NOT_FOUND);
    // Harry restricted it, so stays named; Olive was named; managers always see it.
    assert_eq!(harry.get(&page).await.status, StatusCode::OK);
    assert_eq!(olive.get(&page).await.status, StatusCode::OK);
    let mut maria = w.app.signed_in_as("maria").await;
    let res = maria.get(&page).await;
    assert!(res.body.contains("Restricted case"));
    assert_eq!(audit_count(&w.app, "case.restricted", &w.reference).await, 1);
    // Lifting it restores the area rule for Tina.
    let res = maria
        .post(
            &restriction,
            &[("version", "2"), ("restricted", "no"), ("reason", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(tina.get(&page).await.status, StatusCode::OK);
    let _ = w.officer;
}

#[tokio::test]
async fn repeat_reports_prompt_the_case_review_and_flag_the_threshold() {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let officer = app.create_user("tina", Role::TenancyOfficer).await;
    fixtures::give_area(&app, officer, area).await;
    let first = fixtures::case(&app, CaseSpec::new(officer, area)).await;
    let mut tina = app.signed_in_as("tina").await;
    let res = tina.get(&format!("/cases/{}", first.reference)).await;
    assert!(!res.body.contains("Repeat report") && !res.body.contains("threshold met"));

    let mut second = CaseSpec::new(officer, area);
    second.victims = vec![PersonSpec::existing(first.people[0])];
    second.received_at = Some(app.now() - time::Duration::days(30));
    let second = fixtures::case(&app, second).await;
    let res = tina.get(&format!("/cases/{}", second.reference)).await;
    assert!(res.body.contains("Repeat report"), "second report prompts");
    assert!(res.body.contains("Explain the ASB Case Review"));
    assert!(!res.body.contains("threshold met"));
    // Also lists the other case.
    assert!(res.body.contains(&first.reference));

    let res = tina
        .post(&format!("/cases/{}/case-review-explained", second.reference), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = tina.get(&format!("/cases/{}", second.reference)).await;
    assert!(res.body.contains("has been explained"));

    // A report older than six months does not count.
    let mut old = CaseSpec::new(officer, area);
    old.victims = vec![PersonSpec::existing(first.people[0])];
    old.received_at = Some(app.now() - time::Duration::days(200));
    fixtures::case(&app, old).await;
    let res = tina.get(&format!("/cases/{}", first.reference)).await;
    assert!(!res.body.contains("threshold met"));

    let mut third = CaseSpec::new(officer, area);
    third.victims = vec![PersonSpec::existing(first.people[0])];
    let third = fixtures::case(&app, third).await;
    let res = tina.get(&format!("/cases/{}", third.reference)).await;
    assert!(res.body.contains("ASB Case Review threshold met"));
}

#[tokio::test]
async fn a_single_hate_incident_can_meet_the_threshold_by_setting() {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let officer = app.create_user("tina", Role::TenancyOfficer).await;
    fixtures::give_area(&app, officer, area).await;
    let case = fixtures::case(&app, CaseSpec::new(officer, area)).await;
    let mut tina = app.signed_in_as("tina").await;
    let page = format!("/cases/{}", case.reference);
    assert!(!tina.get(&page).await.body.contains("threshold met"));
    let mut admin = app.signed_in(Role::Admin).await;
    let res = admin
        .post(
            "/admin/settings",
            &[
                ("hate_is_priority_1", "yes"),
                ("review_threshold", "3"),
                ("single_hate_incident_qualifies", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        tina.get(&page)
            .await
            .body
            .contains("ASB Case Review threshold met")
    );
    assert_eq!(app.audit_count("settings.updated").await, 1);
}

#[tokio::test]
async fn case_settings_and_strands_are_validated_and_audited() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    let res = admin
        .post(
            "/admin/settings",
            &[
                ("hate_is_priority_1", "perhaps"),
                ("review_threshold", "99"),
                ("single_hate_incident_qualifies", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("from 1 to 3"));
    assert!(res.body.contains(r#"value="99""#), "typed value kept");
    let res = admin
        .post("/admin/strands", &[("label", "Alternative subculture")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = admin
        .post("/admin/strands", &[("label", "alternative  SUBCULTURE")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("already exists"));
    let res = admin.post("/admin/strands", &[("label", "| - |")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("letters or numbers"));
    let local = strand_id(&app, "alternative-subculture").await;
    let res = admin.post(&format!("/admin/strands/{local}/retire"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let race = strand_id(&app, "race").await;
    let res = admin.post(&format!("/admin/strands/{race}/retire"), &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM strands WHERE retired = true")
            .await,
        1
    );
    assert_eq!(
        admin.post("/admin/strands/999/retire", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let mut manager = app.signed_in(Role::Manager).await;
    assert_eq!(manager.get("/admin/settings").await.status, StatusCode::FORBIDDEN);
}

async fn strand_id(app: &TestApp, code: &str) -> String {
    app.count(&format!(
        "SELECT CAST(id AS BIGINT) FROM strands WHERE code = '{code}'"
    ))
    .await
    .to_string()
}

#[allow(dead_code)]
fn _uses(_: Client) {}

#[tokio::test]
async fn a_stale_restriction_form_cannot_lift_a_newer_restriction() {
    let w = world().await;
    w.app.create_user("mike", Role::Manager).await;
    let mut mike = w.app.signed_in_as("mike").await;
    let mut maria = w.app.signed_in_as("maria").await;
    let mut tina = w.app.signed_in_as("tina").await;
    let page = format!("/cases/{}", w.reference);
    let restriction = format!("{page}/restriction");
    let old = mike.get(&restriction).await;
    let version = old.input_value("version").expect("version field");
    let res = maria
        .post(
            &restriction,
            &[
                ("version", version.as_str()),
                ("restricted", "yes"),
                ("reason", "Staff involved"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(tina.get(&page).await.status, StatusCode::NOT_FOUND);
    let res = mike
        .post(
            &restriction,
            &[
                ("version", version.as_str()),
                ("restricted", "no"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body.contains("Restricted: Staff involved"),
        "the saved restriction is shown"
    );
    assert_eq!(
        tina.get(&page).await.status,
        StatusCode::NOT_FOUND,
        "still restricted"
    );
    assert_eq!(audit_count(&w.app, "case.unrestricted", &w.reference).await, 0);
}

#[tokio::test]
async fn implausible_input_is_refused_not_a_server_error() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let res = harry
        .post(
            &format!("/cases/{}/timeline", w.reference),
            &[
                ("kind", "note"),
                ("date", "-9999-01-01"),
                ("time", "10:00"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = harry
        .post(
            "/cases/new",
            &[
                ("received_date", "-9999-01-01"),
                ("received_time", "10:00"),
                ("people", "1"),
                ("p0_role", "victim"),
                ("p0_kind", "person"),
                ("p0_name", "Amina Khan"),
                ("p0_tenancy_ref", "ßßßßßßßßßßßßßßßßßßßßßßßßßßßßßß"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("The tenancy reference can only use letters"));
    // Hate perceived but no strand chosen.
    let area = w.area.to_string();
    let res = harry
        .post(
            &format!("/cases/{}/edit", w.reference),
            &[
                ("version", "1"),
                ("priority", "p1"),
                ("hate_perceived", "yes"),
                ("perceived_by", "victim"),
                ("area_id", area.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Select what the hate is perceived to be about"));
    let mut admin = w.app.signed_in(Role::Admin).await;
    let res = admin
        .post(
            "/admin/settings",
            &[
                ("hate_is_priority_1", "yes"),
                ("review_threshold", "4"),
                ("single_hate_incident_qualifies", "no"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the law allows at most three"
    );
    let long = "x".repeat(49);
    let res = admin.post("/admin/strands", &[("label", long.as_str())]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_report_in_another_area_still_counts_towards_the_repeat_prompt() {
    let w = world().await;
    let south = fixtures::area(&w.app, "South").await;
    let other = w.app.create_user("sam", Role::TenancyOfficer).await;
    let victim = w.app.count("SELECT CAST(MIN(id) AS BIGINT) FROM people").await as i32;
    let mut earlier = CaseSpec::new(other, south);
    earlier.victims = vec![PersonSpec::existing(victim)];
    earlier.received_at = Some(w.app.now() - time::Duration::days(10));
    let earlier = fixtures::case(&w.app, earlier).await;
    let mut tina = w.app.signed_in_as("tina").await;
    let res = tina.get(&format!("/cases/{}", w.reference)).await;
    assert!(
        res.body.contains("has made 2 reports"),
        "the other area's report counts"
    );
    assert!(
        !res.body.contains(&earlier.reference),
        "but the case itself stays out of sight"
    );
}

#[tokio::test]
async fn the_long_case_page_opens_with_what_is_due_and_its_contents() {
    let w = world().await;
    let tim = w.app.create_user("tim", Role::HarassmentOfficer).await;
    // Received a week ago: initial contact (one working day) is overdue.
    let mut spec = CaseSpec::new(tim, w.area);
    spec.received_at = Some(time::macros::datetime!(2026-11-16 09:00 UTC));
    spec.victims = vec![PersonSpec::named("Bilal Shah")];
    let late = fixtures::case(&w.app, spec).await;
    let overdue = w
        .app
        .count(&format!(
            "SELECT CAST(MIN(id) AS BIGINT) FROM deadlines WHERE case_id = {} AND stage = 'initial-contact'",
            late.id
        ))
        .await;
    let mut harry = w.app.signed_in_as("harry").await;
    let page = html_unescape(&harry.get(&format!("/cases/{}", late.reference)).await.body);
    let due = page
        .split(r#"<div class="due-next">"#)
        .nth(1)
        .expect("what is due comes first")
        .split("</div>")
        .next()
        .unwrap()
        .to_owned();
    assert!(due.contains("Overdue"), "{due}");
    assert!(due.contains(&format!(r##"href="#deadline-{overdue}""##)), "{due}");
    assert!(due.contains("working days overdue"), "{due}");
    assert!(due.contains("Next: "), "{due}");
    // Before the sections, a contents list of those this viewer has, each linking to it.
    assert!(page.find("due-next") < page.find("Contents"));
    for (id, name) in [
        ("summary", "Summary"),
        ("deadlines", "Deadlines"),
        ("risk", "Risk assessment"),
        ("people", "People"),
        ("timeline", "Timeline"),
        ("related", "Other cases involving these people"),
    ] {
        assert!(
            page.contains(&format!(r##"<a href="#{id}">{name}</a>"##)),
            "{name}"
        );
        assert!(page.contains(&format!(r#"id="{id}""#)), "{id} is on the page");
    }
    assert!(!page.contains(r##"href="#closures""##), "no closures, no entry");
    // Open deadlines in sight; met and settled ones folded away under their count.
    w.app
        .exec(&format!(
            "UPDATE deadlines SET status = 'waived' WHERE case_id = {} AND stage = 'risk-assessment'",
            late.id
        ))
        .await;
    let page = html_unescape(&harry.get(&format!("/cases/{}", late.reference)).await.body);
    let (open, settled) = page
        .split_once(r#"<details class="details" id="settled-deadlines">"#)
        .expect("settled deadlines folded");
    assert!(
        settled.starts_with(r#"<summary class="details__summary">Met and settled deadlines (1)</summary>"#)
    );
    assert!(open.contains("Open deadlines on"));
    assert!(open.contains(&format!(r#"id="deadline-{overdue}""#)));
    let settled = settled.split("</details>").next().unwrap();
    assert!(settled.contains("Waived") && !settled.contains(&format!(r#"id="deadline-{overdue}""#)));

    // A case with nothing open says nothing is due.
    let mut closed = CaseSpec::new(w.officer, w.area);
    closed.status = "closed";
    let closed = fixtures::case(&w.app, closed).await;
    w.app
        .exec(&format!(
            "UPDATE deadlines SET status = 'not-applicable' WHERE case_id = {}",
            closed.id
        ))
        .await;
    let page = harry.get(&format!("/cases/{}", closed.reference)).await.body;
    assert!(!page.contains("due-next"));
}

/// The case page's panels each name staff; inside one page the names are read once (the
/// first lookup reads them all), outside it every lookup reads afresh.
#[tokio::test]
async fn a_pages_staff_names_are_read_once() {
    use harbour::{cases::staff_names::user_names, page_memo::for_one_page};
    let app = TestApp::spawn().await;
    let ann = app.create_user("ann", Role::Manager).await;
    let bo = app.create_user("bo", Role::HarassmentOfficer).await;
    let rename = format!("UPDATE users SET display_name = 'Renamed' WHERE id = {ann}");
    let (first, second) = for_one_page(async {
        let first = user_names(&app.db, [Some(ann), None]).await.unwrap();
        app.exec(&rename).await;
        let second = user_names(&app.db, [Some(ann), Some(bo)]).await.unwrap();
        (first, second)
    })
    .await;
    assert_eq!(first.len(), 1, "absent ids are ignored: {first:?}");
    assert_eq!(first[&ann], second[&ann], "read once within the page");
    assert!(second.contains_key(&bo), "everyone's name was read: {second:?}");
    let after = user_names(&app.db, [Some(ann)]).await.unwrap();
    assert_eq!(after[&ann], "Renamed", "outside the page, read afresh");
    assert!(user_names(&app.db, [None]).await.unwrap().is_empty());
}
