//! Action plans: agreeing a plan sets the case's contact frequency and completes the
//! action-plan deadline (met or late); actions carry dated deadlines (due at the end of the
//! London day) that follow them (retitled, moved with a reason, done met or late,
//! cancelled); validation keeps every field; stale forms are refused; the access policy,
//! case visibility and closed cases are respected; audit rows hold no free text.

use crate::{
    common::{Client, TestApp},
    fixtures::{self, CaseSpec, Team},
};
use entity::deadlines;
use reqwest::StatusCode;
use time::macros::datetime;

/// The clock is Monday 23 November 2026, 09:00 (GMT = UTC). A P1 case received now has its
/// action-plan deadline at the end of Monday 30 November.
async fn world() -> Team {
    Team::north().await
}

type Fields = Vec<(String, String)>;

fn set(fields: &mut Fields, name: &str, value: &str) {
    fields.retain(|(n, _)| n != name);
    fields.push((name.to_owned(), value.to_owned()));
}

/// A first plan agreed today, every 3 calendar days by phone, copy handed over today.
fn plan_form() -> Fields {
    [
        ("based_on", "0"),
        ("agreed_on", "2026-11-23"),
        ("copy_given_how", "in-person"),
        ("copy_given_on", "2026-11-23"),
        ("every_amount", "3"),
        ("every_unit", "calendar-days"),
        ("channel", "phone"),
        ("interpreter_language", "Urdu"),
        ("communication_needs", "Prefers calls after 5pm"),
        ("notes", "Agreed at home visit"),
    ]
    .iter()
    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
    .collect()
}

fn with_action(
    mut f: Fields,
    row: usize,
    description: &str,
    owner: &str,
    other: &str,
    target: &str,
) -> Fields {
    let p = format!("action-{row}-");
    set(&mut f, &format!("{p}description"), description);
    set(&mut f, &format!("{p}owner"), owner);
    set(&mut f, &format!("{p}owner_other"), other);
    set(&mut f, &format!("{p}target_on"), target);
    f
}

fn stage<'a>(all: &'a [deadlines::Model], code: &str) -> Vec<&'a deadlines::Model> {
    all.iter().filter(|d| d.stage == code).collect()
}

async fn open_case(w: &Team) -> fixtures::Created {
    fixtures::case(&w.app, CaseSpec::new(w.tina, w.area)).await
}

/// Agrees `form` on `case` as harry; asserts the redirect to the plan section.
async fn agree(c: &mut Client, reference: &str, form: &Fields) {
    let res = c.post_pairs(&format!("/cases/{reference}/plan"), form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some(format!("/cases/{reference}#plan").as_str()));
}

async fn action_id(app: &TestApp, case_id: i32, description: &str) -> i32 {
    app.count(&format!(
        "SELECT CAST(id AS BIGINT) FROM plan_actions WHERE case_id = {case_id} AND description = '{description}'"
    ))
    .await as i32
}

fn update_form(version: &str, description: &str, owner: &str, target: &str, status: &str) -> Fields {
    [
        ("version", version),
        ("description", description),
        ("owner", owner),
        ("owner_other", ""),
        ("target_on", target),
        ("status", status),
        ("completed_on", ""),
        ("outcome", ""),
        ("reason", ""),
    ]
    .iter()
    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
    .collect()
}

#[tokio::test]
async fn agreeing_a_plan_sets_contact_frequency_completes_the_deadline_and_plans_actions() {
    let w = world().await;
    let case = open_case(&w).await;
    let before = fixtures::deadlines_of(&w.app, case.id).await;
    assert_eq!(
        stage(&before, "victim-update")[0].due_at,
        datetime!(2026-11-30 23:59:59 UTC)
    );
    let mut harry = w.app.signed_in_as("harry").await;
    let page = harry.get(&format!("/cases/{}/plan/new", case.reference)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Agree an action plan"));
    assert_eq!(page.input_value("based_on").as_deref(), Some("0"));
    w.app.advance_minutes(60);
    // Sessions expire when idle: sign in again after the clock moves.
    let mut harry = w.app.signed_in_as("harry").await;
    let harry_id = w.harry.to_string();
    let form = with_action(plan_form(), 1, "Fit new locks", &harry_id, "", "2026-12-02");
    let form = with_action(
        form,
        3,
        "Report to police",
        "other",
        "Amina (victim)",
        "2027-06-15",
    );
    agree(&mut harry, &case.reference, &form).await;

    // The case carries the agreed frequency; the open update deadline is re-planned.
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE id = {} AND contact_every_unit = 'calendar-days' AND contact_every_amount = 3",
            case.id
        ))
        .await,
        1
    );
    let all = fixtures::deadlines_of(&w.app, case.id).await;
    let update = stage(&all, "victim-update");
    assert_eq!(update.len(), 1);
    assert_eq!(update[0].due_at, datetime!(2026-11-26 23:59:59 UTC));
    assert_eq!((update[0].unit.as_str(), update[0].amount), ("calendar-days", 3));
    // The action-plan deadline is done, met, at the time of agreeing (today, so now).
    let plan_deadline = stage(&all, "action-plan")[0];
    assert_eq!(plan_deadline.status, "done");
    assert_eq!(plan_deadline.done_at, Some(datetime!(2026-11-23 10:00 UTC)));
    assert_eq!(plan_deadline.late_working_days, Some(0));
    assert_eq!(plan_deadline.resolved_by, Some(w.harry));
    // Each action has a dated deadline with its title, due at 23:59:59 London on the
    // target date: GMT in December, BST in June.
    let mut actions = stage(&all, "plan-action");
    actions.sort_by_key(|d| d.occurrence);
    assert_eq!(actions.len(), 2);
    let locks = action_id(&w.app, case.id, "Fit new locks").await;
    let police = action_id(&w.app, case.id, "Report to police").await;
    assert_eq!(actions[0].occurrence, locks);
    assert_eq!(actions[0].title.as_deref(), Some("Fit new locks"));
    assert_eq!(actions[0].due_at, datetime!(2026-12-02 23:59:59 UTC));
    assert_eq!(actions[0].original_due_at, datetime!(2026-12-02 23:59:59 UTC));
    assert_eq!(actions[1].occurrence, police);
    assert_eq!(actions[1].due_at, datetime!(2027-06-15 22:59:59 UTC));
    assert_eq!(actions[1].status, "open");
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM plan_actions WHERE id = {police} AND owner_id IS NULL AND owner_other = 'Amina (victim)' AND status = 'open'"
        ))
        .await,
        1
    );
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM plan_actions WHERE id = {locks} AND owner_id = {} AND owner_other IS NULL",
            w.harry
        ))
        .await,
        1
    );
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM action_plans WHERE case_id = {} AND copy_given_how = 'in-person' AND contact_channel = 'phone' AND interpreter_language = 'Urdu' AND created_by = {}",
            case.id, w.harry
        ))
        .await,
        1
    );
    // Timeline and audit: one plan-agreed, one plan-action-added per action.
    let timeline = |kind: &str| {
        format!(
            "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = '{kind}'",
            case.id
        )
    };
    assert_eq!(w.app.count(&timeline("plan-agreed")).await, 1);
    assert_eq!(w.app.count(&timeline("plan-action-added")).await, 2);
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = 'plan-agreed' AND body LIKE '%every 3 calendar days by phone call%'",
            case.id
        ))
        .await,
        1
    );
    assert_eq!(w.app.audit_count("case.plan_agreed").await, 1);
    assert_eq!(w.app.audit_count("case.plan_action_added").await, 2);
    no_free_text_in_audit(&w.app).await;

    // The case page shows the plan and its actions, with update links for harry.
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("id=\"plan\""));
    assert!(page.body.contains("Handed over in person"));
    assert!(page.body.contains("Every 3 calendar days by phone call"));
    assert!(page.body.contains("Prefers calls after 5pm"));
    assert!(page.body.contains("Fit new locks"));
    assert!(page.body.contains("Amina (victim)"));
    assert!(page.body.contains(&format!("/plan/actions/{locks}")));
    assert!(page.body.contains("Revise the plan"));
    assert!(page.body.contains("Add an action"));
    // The tenancy officer sees it, without the buttons.
    let mut tina = w.app.signed_in_as("tina").await;
    let page = tina.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Fit new locks"));
    assert!(!page.body.contains("Revise the plan"));
    assert!(!page.body.contains(&format!("/plan/actions/{locks}")));
}

async fn no_free_text_in_audit(app: &TestApp) {
    for text in [
        "Urdu",
        "locks",
        "police",
        "Amina",
        "5pm",
        "home visit",
        "Rain",
        "moved",
        "Fitted",
    ] {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE summary LIKE '%{text}%'"
            ))
            .await,
            0,
            "audit summary holds {text}"
        );
    }
}

#[tokio::test]
async fn without_a_plan_the_panel_shows_the_due_date_and_a_revision_keeps_actions() {
    let w = world().await;
    let case = open_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("No action plan agreed yet"));
    assert!(
        page.body
            .contains("The action plan is due by <time datetime=\"2026-11-30T23:59:59Z\"")
    );
    // Adding an action needs a plan.
    let res = harry
        .get(&format!("/cases/{}/plan/actions/new", case.reference))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Agree an action plan with the victim first"));
    let mut add = Fields::new();
    set(&mut add, "description", "Fit locks");
    set(&mut add, "owner", &w.harry.to_string());
    set(&mut add, "target_on", "2026-12-01");
    let res = harry
        .post_pairs(&format!("/cases/{}/plan/actions", case.reference), &add)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM plan_actions").await, 0);

    agree(
        &mut harry,
        &case.reference,
        &with_action(
            plan_form(),
            2,
            "Fit new locks",
            &w.harry.to_string(),
            "",
            "2026-12-02",
        ),
    )
    .await;
    let first = w
        .app
        .count("SELECT CAST(MAX(id) AS BIGINT) FROM action_plans")
        .await
        .to_string();
    // The revision form is prefilled from the standing plan.
    let page = harry.get(&format!("/cases/{}/plan/new", case.reference)).await;
    assert!(page.body.contains("Revise the action plan"));
    assert_eq!(page.input_value("based_on").as_deref(), Some(first.as_str()));
    assert_eq!(page.input_value("every_amount").as_deref(), Some("3"));
    assert_eq!(page.input_value("interpreter_language").as_deref(), Some("Urdu"));
    assert!(!page.body.contains("action-1-description"));
    w.app.advance_minutes(60 * 24);
    let mut harry = w.app.signed_in_as("harry").await;
    let mut revised = plan_form();
    set(&mut revised, "based_on", &first);
    set(&mut revised, "agreed_on", "2026-11-24");
    set(&mut revised, "every_amount", "5");
    set(&mut revised, "every_unit", "working-days");
    set(&mut revised, "channel", "visit");
    set(&mut revised, "copy_given_how", "not-given");
    set(&mut revised, "copy_given_on", "");
    agree(&mut harry, &case.reference, &revised).await;
    assert_eq!(w.app.count("SELECT COUNT(*) FROM action_plans").await, 2);
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE id = {} AND contact_every_unit = 'working-days' AND contact_every_amount = 5",
            case.id
        ))
        .await,
        1
    );
    // Add an action to the revised plan.
    let res = harry
        .post_pairs(&format!("/cases/{}/plan/actions", case.reference), &add)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let id = action_id(&w.app, case.id, "Fit locks").await;
    let all = fixtures::deadlines_of(&w.app, case.id).await;
    let d = stage(&all, "plan-action")
        .into_iter()
        .find(|d| d.occurrence == id)
        .expect("deadline");
    assert_eq!(d.due_at, datetime!(2026-12-01 23:59:59 UTC));
    assert_eq!(d.title.as_deref(), Some("Fit locks"));
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Earlier agreements"));
    assert!(page.body.contains("Not given yet"));
    assert!(page.body.contains("Fit new locks"));
    assert!(page.body.contains("Fit locks"));
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = 'plan-action-added'",
                case.id
            ))
            .await,
        2
    );
    // An action's target may not be before the plan it joins.
    set(&mut add, "target_on", "2026-11-23");
    let res = harry
        .post_pairs(&format!("/cases/{}/plan/actions", case.reference), &add)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.input_value("target_on").as_deref(), Some("2026-11-23"));
}

#[tokio::test]
async fn a_plan_agreed_after_its_deadline_completes_it_late_and_an_earlier_date_counts_as_met() {
    let w = world().await;
    let late_case = open_case(&w).await;
    let met_case = open_case(&w).await;
    // Tuesday 1 December 2026, 09:00: the action-plan deadlines (end of 30 Nov) have passed.
    w.app.advance_minutes(8 * 24 * 60);
    let mut maria = w.app.signed_in_as("maria").await;
    let mut form = plan_form();
    set(&mut form, "agreed_on", "2026-12-01");
    set(&mut form, "copy_given_on", "2026-12-01");
    agree(&mut maria, &late_case.reference, &form).await;
    let d = fixtures::deadlines_of(&w.app, late_case.id).await;
    let plan_deadline = stage(&d, "action-plan")[0];
    assert_eq!(plan_deadline.status, "done");
    assert_eq!(plan_deadline.done_at, Some(datetime!(2026-12-01 09:00 UTC)));
    assert_eq!(plan_deadline.late_working_days, Some(1));
    assert!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = 'plan-agreed' AND body LIKE '%deadline late%'",
            late_case.id
        ))
        .await
            == 1
    );
    // Agreed on Wednesday 25 November, recorded a week later: done at the end of that day.
    set(&mut form, "agreed_on", "2026-11-25");
    set(&mut form, "copy_given_on", "2026-11-26");
    agree(&mut maria, &met_case.reference, &form).await;
    let d = fixtures::deadlines_of(&w.app, met_case.id).await;
    let plan_deadline = stage(&d, "action-plan")[0];
    assert_eq!(plan_deadline.done_at, Some(datetime!(2026-11-25 23:59:59 UTC)));
    assert_eq!(plan_deadline.late_working_days, Some(0));
}

#[tokio::test]
async fn invalid_plans_come_back_with_every_field_and_row_kept_and_nothing_saved() {
    let w = world().await;
    let case = open_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mut form = plan_form();
    set(&mut form, "agreed_on", "2026-11-24"); // tomorrow
    set(&mut form, "copy_given_how", "post");
    set(&mut form, "copy_given_on", "");
    set(&mut form, "every_amount", "91");
    set(&mut form, "every_unit", "hours");
    set(&mut form, "channel", "pigeon");
    set(&mut form, "interpreter_language", &"L".repeat(61));
    set(&mut form, "notes", "Keep these notes");
    // Row 1 complete, row 2 half-filled (no owner, no date), row 3 someone else unnamed.
    let form = with_action(form, 1, "Fit new locks", &w.harry.to_string(), "", "2026-12-02");
    let form = with_action(form, 2, "Install CCTV", "", "", "");
    let form = with_action(form, 3, "", "other", "", "2026-12-10");
    let res = harry
        .post_pairs(&format!("/cases/{}/plan", case.reference), &form)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in [
        "agreed_on",
        "copy_given_on",
        "every_amount",
        "every_unit",
        "channel",
        "interpreter_language",
        "action-2-owner",
        "action-2-target_on",
        "action-3-description",
        "action-3-owner_other",
    ] {
        assert!(res.body.contains(&format!("href=\"#{id}\"")), "no error for {id}");
    }
    assert!(!res.body.contains("href=\"#action-1-"), "row 1 is valid");
    assert_eq!(res.input_value("agreed_on").as_deref(), Some("2026-11-24"));
    assert_eq!(res.input_value("every_amount").as_deref(), Some("91"));
    assert_eq!(
        res.input_value("action-1-target_on").as_deref(),
        Some("2026-12-02")
    );
    assert_eq!(
        res.input_value("action-3-target_on").as_deref(),
        Some("2026-12-10")
    );
    assert!(res.body.contains("Keep these notes"));
    assert!(res.body.contains("Install CCTV"));
    assert!(res.body.contains("Fit new locks"));
    assert!(res.body.contains("Prefers calls after 5pm"));
    assert!(res.body.contains(&"L".repeat(61)));
    assert!(res.body.contains("value=\"post\" checked"));
    assert!(res.body.contains(&format!("value=\"{}\" selected", w.harry)));
    assert!(res.body.contains("value=\"other\" selected"));
    // Before the first report, a missing copy answer, and a date given for no copy.
    let mut form = plan_form();
    set(&mut form, "agreed_on", "2026-11-22");
    set(&mut form, "copy_given_how", "");
    let res = harry
        .post_pairs(&format!("/cases/{}/plan", case.reference), &form)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("before the case&#39;s first report")
            || res.body.contains("before the case's first report")
    );
    assert!(res.body.contains("href=\"#copy_given_how\""));
    let mut form = plan_form();
    set(&mut form, "copy_given_how", "not-given");
    set(&mut form, "every_amount", "abc");
    let res = harry
        .post_pairs(&format!("/cases/{}/plan", case.reference), &form)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#copy_given_on\""));
    assert!(res.body.contains("href=\"#every_amount\""));
    // Nothing saved anywhere.
    assert_eq!(w.app.count("SELECT COUNT(*) FROM action_plans").await, 0);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM plan_actions").await, 0);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM deadlines WHERE stage = 'plan-action'")
            .await,
        0
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM deadlines WHERE stage = 'action-plan' AND status = 'open'")
            .await,
        1
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM cases WHERE contact_every_unit IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM audit_events WHERE action LIKE 'case.plan%'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_stale_plan_form_is_refused_with_what_was_typed_kept() {
    let w = world().await;
    let case = open_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mut maria = w.app.signed_in_as("maria").await;
    // Both open the first-agreement form; maria saves first.
    agree(&mut maria, &case.reference, &plan_form()).await;
    let mut mine = with_action(
        plan_form(),
        1,
        "Mine: fit locks",
        &w.harry.to_string(),
        "",
        "2026-12-02",
    );
    set(&mut mine, "notes", "Harry's notes");
    let res = harry
        .post_pairs(&format!("/cases/{}/plan", case.reference), &mine)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Someone else recorded an action plan"));
    assert!(res.body.contains("Harry&#39;s notes") || res.body.contains("Harry's notes"));
    assert!(res.body.contains("Mine: fit locks"));
    assert!(res.body.contains("The plan as it stands"));
    let current = w
        .app
        .count("SELECT CAST(MAX(id) AS BIGINT) FROM action_plans")
        .await
        .to_string();
    assert_eq!(res.input_value("based_on").as_deref(), Some(current.as_str()));
    assert_eq!(w.app.count("SELECT COUNT(*) FROM action_plans").await, 1);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM plan_actions").await, 0);
    // Submitting again (now based on the standing plan) saves it as a revision.
    set(&mut mine, "based_on", &current);
    agree(&mut harry, &case.reference, &mine).await;
    assert_eq!(w.app.count("SELECT COUNT(*) FROM action_plans").await, 2);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM plan_actions").await, 1);
    // A revision may not be dated before the plan that stands.
    let latest = w
        .app
        .count("SELECT CAST(MAX(id) AS BIGINT) FROM action_plans")
        .await
        .to_string();
    let mut earlier = plan_form();
    set(&mut earlier, "based_on", &latest);
    set(&mut earlier, "agreed_on", "2026-11-22");
    let res = harry
        .post_pairs(&format!("/cases/{}/plan", case.reference), &earlier)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A case with a plan and the action "Fit new locks" (target Wed 2 Dec 2026); its id.
async fn with_locks_action(w: &Team, c: &mut Client, case: &fixtures::Created) -> i32 {
    let form = with_action(
        plan_form(),
        1,
        "Fit new locks",
        &w.harry.to_string(),
        "",
        "2026-12-02",
    );
    agree(c, &case.reference, &form).await;
    action_id(&w.app, case.id, "Fit new locks").await
}

async fn action_deadline(app: &TestApp, case_id: i32, action: i32) -> deadlines::Model {
    fixtures::deadlines_of(app, case_id)
        .await
        .into_iter()
        .find(|d| d.stage == "plan-action" && d.occurrence == action)
        .expect("action deadline")
}

#[tokio::test]
async fn moving_a_target_date_needs_a_reason_and_keeps_the_original() {
    let w = world().await;
    let case = open_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let id = with_locks_action(&w, &mut harry, &case).await;
    let path = format!("/cases/{}/plan/actions/{id}", case.reference);
    let page = harry.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.input_value("version").as_deref(), Some("1"));
    assert_eq!(page.input_value("target_on").as_deref(), Some("2026-12-02"));
    let harry_id = w.harry.to_string();
    let mut f = update_form("1", "Fit new locks and a chain", &harry_id, "2026-12-09", "open");
    let res = harry.post_pairs(&path, &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#reason\""));
    assert_eq!(res.input_value("target_on").as_deref(), Some("2026-12-09"));
    assert!(res.body.contains("Fit new locks and a chain"));
    assert_eq!(
        action_deadline(&w.app, case.id, id).await.due_at,
        datetime!(2026-12-02 23:59:59 UTC)
    );
    set(&mut f, "reason", "Rain delayed the locksmith");
    let res = harry.post_pairs(&path, &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let d = action_deadline(&w.app, case.id, id).await;
    assert_eq!(d.due_at, datetime!(2026-12-09 23:59:59 UTC));
    assert_eq!(d.original_due_at, datetime!(2026-12-02 23:59:59 UTC));
    assert_eq!(d.extension_reason.as_deref(), Some("Rain delayed the locksmith"));
    assert_eq!(d.extended_by, Some(w.harry));
    assert_eq!(d.title.as_deref(), Some("Fit new locks and a chain"));
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM plan_actions WHERE id = {id} AND version = 2 AND target_on = '2026-12-09' AND updated_by = {}",
            w.harry
        ))
        .await,
        1
    );
    assert_eq!(w.app.audit_count("case.plan_action_updated").await, 1);
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = 'plan-action-updated' AND body LIKE '%Rain delayed%'",
            case.id
        ))
        .await,
        1
    );
    // Done after the original date (within the extension): late against the original.
    w.app.advance_minutes(10 * 24 * 60); // Thursday 3 December, 09:00
    let mut harry = w.app.signed_in_as("harry").await;
    let mut f = update_form("2", "Fit new locks and a chain", &harry_id, "2026-12-09", "done");
    set(&mut f, "completed_on", "2026-12-03");
    set(&mut f, "outcome", "Fitted");
    let res = harry.post_pairs(&path, &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let d = action_deadline(&w.app, case.id, id).await;
    assert_eq!(d.status, "done");
    assert_eq!(d.done_at, Some(datetime!(2026-12-03 09:00 UTC)));
    assert_eq!(d.late_working_days, Some(1));
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Done (late)"));
    no_free_text_in_audit(&w.app).await;
}

#[tokio::test]
async fn done_is_met_or_late_cancelled_is_not_applicable_and_both_are_final() {
    let w = world().await;
    let case = open_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let harry_id = w.harry.to_string();
    let mut form = with_action(plan_form(), 1, "Fit new locks", &harry_id, "", "2026-12-02");
    form = with_action(form, 2, "Remove graffiti", &harry_id, "", "2026-11-24");
    form = with_action(form, 3, "Patrol estate", "other", "Police", "2026-11-30");
    agree(&mut harry, &case.reference, &form).await;
    let locks = action_id(&w.app, case.id, "Fit new locks").await;
    let graffiti = action_id(&w.app, case.id, "Remove graffiti").await;
    let patrol = action_id(&w.app, case.id, "Patrol estate").await;
    // Friday 27 November, 09:00.
    w.app.advance_minutes(4 * 24 * 60);
    let mut harry = w.app.signed_in_as("harry").await;
    let path = |id: i32| format!("/cases/{}/plan/actions/{id}", case.reference);

    // Done needs a date completed (not in the future) and an outcome.
    let mut f = update_form("1", "Fit new locks", &harry_id, "2026-12-02", "done");
    set(&mut f, "completed_on", "2026-11-28");
    let res = harry.post_pairs(&path(locks), &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#completed_on\""));
    assert!(res.body.contains("href=\"#outcome\""));
    assert_eq!(res.input_value("completed_on").as_deref(), Some("2026-11-28"));
    // Done on Thursday, before the target: met, at the end of that day.
    set(&mut f, "completed_on", "2026-11-26");
    set(&mut f, "outcome", "Fitted, victim has keys");
    let res = harry.post_pairs(&path(locks), &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let d = action_deadline(&w.app, case.id, locks).await;
    assert_eq!(d.status, "done");
    assert_eq!(d.done_at, Some(datetime!(2026-11-26 23:59:59 UTC)));
    assert_eq!(d.late_working_days, Some(0));
    // Done today, after the target date of Tuesday: late, at now.
    let mut f = update_form("1", "Remove graffiti", &harry_id, "2026-11-24", "done");
    set(&mut f, "completed_on", "2026-11-27");
    set(&mut f, "outcome", "Removed");
    assert_eq!(
        harry.post_pairs(&path(graffiti), &f).await.status,
        StatusCode::SEE_OTHER
    );
    let d = action_deadline(&w.app, case.id, graffiti).await;
    assert_eq!(d.done_at, Some(datetime!(2026-11-27 09:00 UTC)));
    assert!(d.done_at > Some(d.original_due_at));
    // Cancelled needs a reason (the outcome); its deadline no longer applies.
    let f = update_form("1", "Patrol estate", "other", "2026-11-30", "cancelled");
    let mut f = f;
    set(&mut f, "owner_other", "Police");
    let res = harry.post_pairs(&path(patrol), &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Say why the action was cancelled"));
    set(&mut f, "outcome", "Police declined");
    assert_eq!(
        harry.post_pairs(&path(patrol), &f).await.status,
        StatusCode::SEE_OTHER
    );
    let d = action_deadline(&w.app, case.id, patrol).await;
    assert_eq!(d.status, "not-applicable");
    assert_eq!(d.resolution_note.as_deref(), Some("Police declined"));
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Done (met)"));
    assert!(page.body.contains("Done (late)"));
    assert!(page.body.contains("Cancelled"));

    // Final: no way back from done or cancelled, nor a new target date.
    let mut f = update_form("2", "Fit new locks", &harry_id, "2026-12-02", "open");
    set(&mut f, "outcome", "Fitted, victim has keys");
    let res = harry.post_pairs(&path(locks), &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("its status cannot change"));
    let mut f = update_form("2", "Patrol estate", "other", "2026-12-05", "cancelled");
    set(&mut f, "owner_other", "Police");
    set(&mut f, "outcome", "Police declined");
    set(&mut f, "reason", "Later");
    let res = harry.post_pairs(&path(patrol), &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#target_on\""));
    assert_eq!(
        action_deadline(&w.app, case.id, patrol).await.status,
        "not-applicable"
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM plan_actions WHERE id = {locks} AND status = 'done'"
            ))
            .await,
        1
    );
    // The outcome of a done action can still be corrected.
    let mut f = update_form("2", "Fit new locks", &harry_id, "2026-12-02", "done");
    set(&mut f, "completed_on", "2026-11-26");
    set(&mut f, "outcome", "Fitted; keys given");
    assert_eq!(
        harry.post_pairs(&path(locks), &f).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        w.app.count(&format!("SELECT COUNT(*) FROM plan_actions WHERE id = {locks} AND outcome = 'Fitted; keys given' AND version = 3")).await,
        1
    );
    no_free_text_in_audit(&w.app).await;
}

#[tokio::test]
async fn a_stale_action_form_is_refused_with_what_was_typed_kept() {
    let w = world().await;
    let case = open_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mut maria = w.app.signed_in_as("maria").await;
    let id = with_locks_action(&w, &mut harry, &case).await;
    let path = format!("/cases/{}/plan/actions/{id}", case.reference);
    let harry_id = w.harry.to_string();
    let theirs = update_form("1", "Fit new locks (urgent)", &harry_id, "2026-12-02", "open");
    assert_eq!(
        maria.post_pairs(&path, &theirs).await.status,
        StatusCode::SEE_OTHER
    );
    let mut mine = update_form("1", "Fit locks and door chain", &harry_id, "2026-12-04", "open");
    set(&mut mine, "reason", "Supplier delay");
    let res = harry.post_pairs(&path, &mine).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Someone else changed this action"));
    assert!(res.body.contains("Fit locks and door chain"));
    assert!(res.body.contains("Fit new locks (urgent)"));
    assert!(res.body.contains("Supplier delay"));
    assert_eq!(res.input_value("target_on").as_deref(), Some("2026-12-04"));
    assert_eq!(res.input_value("version").as_deref(), Some("2"));
    let d = action_deadline(&w.app, case.id, id).await;
    assert_eq!(d.due_at, datetime!(2026-12-02 23:59:59 UTC));
    assert_eq!(d.title.as_deref(), Some("Fit new locks (urgent)"));
}

#[tokio::test]
async fn tenancy_officers_and_administrators_are_refused_every_route() {
    let w = world().await;
    let case = open_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let id = with_locks_action(&w, &mut harry, &case).await;
    let base = format!("/cases/{}/plan", case.reference);
    let gets = [
        format!("{base}/new"),
        format!("{base}/actions/new"),
        format!("{base}/actions/{id}"),
    ];
    let posts = [
        base.clone(),
        format!("{base}/actions"),
        format!("{base}/actions/{id}"),
    ];
    for who in ["tina", "adam"] {
        let mut c = w.app.signed_in_as(who).await;
        for path in &gets {
            assert_eq!(
                c.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{who} GET {path}"
            );
        }
        for path in &posts {
            let res = c.post_pairs(path, &plan_form()).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{who} POST {path}");
        }
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM action_plans").await, 1);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM plan_actions WHERE version = 1")
            .await,
        1
    );
}

#[tokio::test]
async fn restricted_cases_closed_cases_and_other_cases_actions_are_refused() {
    let w = world().await;
    let maria = w
        .app
        .count("SELECT CAST(id AS BIGINT) FROM users WHERE username = 'maria'")
        .await as i32;
    // A restricted case naming only maria: harry cannot see it at all.
    let restricted = fixtures::case(
        &w.app,
        CaseSpec {
            restricted: true,
            named: vec![maria],
            ..CaseSpec::new(maria, w.area)
        },
    )
    .await;
    let mut harry = w.app.signed_in_as("harry").await;
    let mut m = w.app.signed_in_as("maria").await;
    let restricted_action = with_locks_action(&w, &mut m, &restricted).await;
    let base = format!("/cases/{}/plan", restricted.reference);
    for path in [
        format!("{base}/new"),
        format!("{base}/actions/new"),
        format!("{base}/actions/{restricted_action}"),
    ] {
        assert_eq!(harry.get(&path).await.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in [
        base.clone(),
        format!("{base}/actions"),
        format!("{base}/actions/{restricted_action}"),
    ] {
        assert_eq!(
            harry.post_pairs(&path, &plan_form()).await.status,
            StatusCode::NOT_FOUND,
            "POST {path}"
        );
    }
    // An action of another case is not found through this one.
    let mine = open_case(&w).await;
    let mine_action = with_locks_action(&w, &mut harry, &mine).await;
    let other = open_case(&w).await;
    let wrong = format!("/cases/{}/plan/actions/{mine_action}", other.reference);
    assert_eq!(harry.get(&wrong).await.status, StatusCode::NOT_FOUND);
    let f = update_form("1", "Hijack", &w.harry.to_string(), "2026-12-02", "open");
    assert_eq!(harry.post_pairs(&wrong, &f).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        harry
            .get(&format!("/cases/{}/plan/actions/abc", mine.reference))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A closed case takes no plan and no action changes.
    let closed = fixtures::case(
        &w.app,
        CaseSpec {
            status: "closed",
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await;
    let res = harry.get(&format!("/cases/{}/plan/new", closed.reference)).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = harry
        .post_pairs(&format!("/cases/{}/plan", closed.reference), &plan_form())
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("This case is closed"));
    w.app
        .exec(&format!(
            "UPDATE cases SET status = 'closed' WHERE id = {}",
            mine.id
        ))
        .await;
    let f = update_form(
        "1",
        "Fit new locks",
        &w.harry.to_string(),
        "2026-12-02",
        "cancelled",
    );
    let res = harry
        .post_pairs(
            &format!("/cases/{}/plan/actions/{mine_action}", mine.reference),
            &f,
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = harry
        .post_pairs(&format!("/cases/{}/plan/actions", mine.reference), &f)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM plan_actions WHERE status = 'cancelled'")
            .await,
        0
    );
}

/// An action's deadline is settled on the action (one record of when it was done or moved):
/// the deadline panel links to the action instead of "Record done" / "Extend", and those
/// routes refuse it; a manager may still waive it.
#[tokio::test]
async fn the_deadline_panel_sends_plan_actions_to_the_action_itself() {
    let w = world().await;
    let case = open_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let id = with_locks_action(&w, &mut harry, &case).await;
    let d = action_deadline(&w.app, case.id, id).await;
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    let row_start = page.body.find(&format!("id=\"deadline-{}\"", d.id)).expect("row");
    let row = &page.body[row_start..row_start + page.body[row_start..].find("</tr>").unwrap()];
    assert!(row.contains(&format!("/plan/actions/{id}")), "{row}");
    assert!(!row.contains("/done"), "{row}");
    assert!(!row.contains("/extend"), "{row}");
    for action in ["done", "extend"] {
        let path = format!("/cases/{}/deadlines/{}/{action}", case.reference, d.id);
        assert_eq!(harry.get(&path).await.status, StatusCode::CONFLICT, "GET {path}");
        let res = harry.post(&path, &[("version", "1"), ("text", "x")]).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "POST {path}");
    }
    assert_eq!(action_deadline(&w.app, case.id, id).await.status, "open");
    let mut maria = w.app.signed_in_as("maria").await;
    let waive = format!("/cases/{}/deadlines/{}/waive", case.reference, d.id);
    assert_eq!(maria.get(&waive).await.status, StatusCode::OK);
}

/// Closing the case settles each open action with its deadline: done → the action is
/// done; no longer applicable (or waived) → the action is cancelled with the reason.
#[tokio::test]
async fn closing_the_case_settles_open_actions_with_their_deadlines() {
    let w = world().await;
    let case = open_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let harry_id = w.harry.to_string();
    let mut form = with_action(plan_form(), 1, "Fit new locks", &harry_id, "", "2026-12-02");
    form = with_action(form, 2, "Patrol estate", "other", "Police", "2026-12-03");
    agree(&mut harry, &case.reference, &form).await;
    let locks = action_id(&w.app, case.id, "Fit new locks").await;
    let patrol = action_id(&w.app, case.id, "Patrol estate").await;
    let locks_deadline = action_deadline(&w.app, case.id, locks).await;
    let mut fields: Fields = [
        ("outcome", "resolved"),
        ("reason", "Perpetrator moved away"),
        ("victim_told_on", "2026-11-23"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (name, value) in fixtures::deadline_answers(&w.app, case.id, "not-applicable").await {
        fields.push((name, value));
    }
    set(&mut fields, &format!("deadline-{}", locks_deadline.id), "done");
    let res = harry
        .post_pairs(&format!("/cases/{}/close", case.reference), &fields)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let status = |id: i32| format!("SELECT COUNT(*) FROM plan_actions WHERE id = {id} AND status = ");
    assert_eq!(
        w.app
            .count(&format!("{}'done' AND completed_on IS NOT NULL", status(locks)))
            .await,
        1
    );
    assert_eq!(
        w.app
            .count(&format!(
                "{}'cancelled' AND outcome = 'Case closing'",
                status(patrol)
            ))
            .await,
        1,
        "the reason given at closing is the cancelled action's outcome"
    );
    assert_eq!(action_deadline(&w.app, case.id, locks).await.status, "done");
    assert_eq!(
        action_deadline(&w.app, case.id, patrol).await.status,
        "not-applicable"
    );
}

/// A target brought forward is the date that counts (no extension), so doing it by the
/// old, later date is late.
#[tokio::test]
async fn a_target_brought_forward_is_the_date_that_counts() {
    let w = world().await;
    let case = open_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let id = with_locks_action(&w, &mut harry, &case).await;
    let harry_id = w.harry.to_string();
    let mut f = update_form("1", "Fit new locks", &harry_id, "2026-11-25", "open");
    set(&mut f, "reason", "Victim is frightened: locks needed sooner");
    let res = harry
        .post_pairs(&format!("/cases/{}/plan/actions/{id}", case.reference), &f)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let d = action_deadline(&w.app, case.id, id).await;
    let end_of_25th = time::macros::datetime!(2026-11-25 23:59:59 UTC);
    assert_eq!(d.due_at, end_of_25th);
    assert_eq!(
        d.original_due_at, end_of_25th,
        "reports count against the earlier date"
    );
    assert!(
        d.extended_at.is_none(),
        "bringing a date forward is not an extension"
    );
}
