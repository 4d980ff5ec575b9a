//! Risk assessment: scoring under each question set version (an assessment keeps its own),
//! overrides with a reason, the standing level on the case and in caseloads, high risk
//! shortening the manager-review cadence and prompting a multi-agency referral, the
//! risk-assessment deadline met or late, and the administrators' versioned question sets.

use crate::{
    common::{Client, Res, TestApp},
    fixtures::{self, CaseSpec, Created, Team},
};
use entity::{Role, cases, deadlines, risk_assessments};
use harbour::risk::{QuestionSet, store};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::macros::datetime;

/// The clock is Monday 23 November 2026, 09:00 (GMT = UTC).
async fn world() -> Team {
    Team::north().await
}

async fn new_case(w: &Team) -> Created {
    fixtures::case(&w.app, CaseSpec::new(w.tina, w.area)).await
}

async fn current_set(app: &TestApp) -> QuestionSet {
    store::current(&app.db).await.expect("current set")
}

/// Fields answering every question of `set` with the option labelled `pick(question
/// index)`, made now at triage and taking the score's level.
fn assessment(set: &QuestionSet, pick: impl Fn(usize) -> &'static str) -> Vec<(String, String)> {
    let mut fields = vec![
        ("set_id".to_owned(), set.id.to_string()),
        ("occasion".to_owned(), "triage".to_owned()),
        ("date".to_owned(), "2026-11-23".to_owned()),
        ("time".to_owned(), "09:00".to_owned()),
        ("level".to_owned(), "score".to_owned()),
        ("notes".to_owned(), String::new()),
        ("reason".to_owned(), String::new()),
    ];
    for (i, q) in set.questions.iter().enumerate() {
        let label = pick(i);
        let option = q
            .options
            .iter()
            .find(|o| o.label == label)
            .unwrap_or_else(|| panic!("no {label} on question {}", i + 1));
        fields.push((format!("q-{}", q.id), option.id.to_string()));
    }
    fields
}

fn set(mut fields: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    fields.retain(|(k, _)| k != name);
    fields.push((name.to_owned(), value.to_owned()));
    fields
}

async fn assess(c: &mut Client, case: &Created, fields: &[(String, String)]) -> Res {
    c.post_pairs(&format!("/cases/{}/risk", case.reference), fields)
        .await
}

async fn assessments(app: &TestApp, case_id: i32) -> Vec<risk_assessments::Model> {
    risk_assessments::Entity::find()
        .filter(risk_assessments::Column::CaseId.eq(case_id))
        .order_by_asc(risk_assessments::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

async fn case_row(app: &TestApp, id: i32) -> cases::Model {
    cases::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap()
}

fn stage(all: &[deadlines::Model], code: &str) -> deadlines::Model {
    all.iter()
        .filter(|d| d.stage == code)
        .max_by_key(|d| d.occurrence)
        .unwrap_or_else(|| panic!("no {code} deadline"))
        .clone()
}

/// Whether the radio `name` with `value` is checked on the page.
fn checked(body: &str, name: &str, value: &str) -> bool {
    body.contains(&format!("name=\"{name}\" value=\"{value}\" checked"))
}

/// The administrators' form for a new version, as `/admin/risk/new` fills it from `set`
/// (with its blank rows), plus a note.
fn set_fields(set: &QuestionSet) -> Vec<(String, String)> {
    let mut fields = vec![
        ("based_on".to_owned(), set.number.to_string()),
        ("medium_from".to_owned(), set.medium_from.to_string()),
        ("high_from".to_owned(), set.high_from.to_string()),
        ("high_review_days".to_owned(), set.high_review_days.to_string()),
        ("note".to_owned(), "Board review".to_owned()),
    ];
    for (i, q) in set.questions.iter().enumerate() {
        let n = i + 1;
        let answers: Vec<String> = q
            .options
            .iter()
            .map(|o| format!("{} = {}", o.label, o.score))
            .collect();
        fields.push((format!("question-{n}-text"), q.text.clone()));
        fields.push((format!("question-{n}-help"), q.help.clone()));
        fields.push((format!("question-{n}-answers"), answers.join("\n")));
    }
    for n in set.questions.len() + 1..=set.questions.len() + 3 {
        for part in ["text", "help", "answers"] {
            fields.push((format!("question-{n}-{part}"), String::new()));
        }
    }
    fields
}

#[tokio::test]
async fn scores_follow_the_version_and_an_assessment_keeps_its_own() {
    let w = world().await;
    let case = new_case(&w).await;
    let v1 = current_set(&w.app).await;
    assert_eq!((v1.number, v1.questions.len()), (1, 10));
    let mut harry = w.app.signed_in_as("harry").await;

    let res = harry.get(&format!("/cases/{}/risk/new", case.reference)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Question set version 1"));
    assert!(
        checked(&res.body, "occasion", "triage"),
        "first assessment at triage"
    );
    assert!(checked(&res.body, "level", "score"));
    assert_eq!(res.input_value("date").as_deref(), Some("2026-11-23"));
    assert_eq!(res.input_value("time").as_deref(), Some("09:00"));

    // Not known everywhere: 10, medium under version 1.
    let res = assess(&mut harry, &case, &assessment(&v1, |_| "Not known")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some(format!("/cases/{}#risk", case.reference).as_str())
    );
    let first = assessments(&w.app, case.id).await.remove(0);
    assert_eq!(
        (first.score, first.computed_level.as_str(), first.level.as_str()),
        (10, "medium", "medium")
    );
    assert_eq!((first.set_id, first.override_reason.clone()), (v1.id, None));
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM risk_answers WHERE assessment_id = {} AND score = 1",
                first.id
            ))
            .await,
        10
    );

    // Version 2: medium from 3, high from 8, and a question reworded.
    let mut adam = w.app.signed_in_as("adam").await;
    let fields = set_fields(&v1);
    let fields = set(fields, "medium_from", "3");
    let fields = set(fields, "high_from", "8");
    let fields = set(
        fields,
        "question-2-text",
        "Has anyone threatened to kill or hurt anyone in the household?",
    );
    let res = adam.post_pairs("/admin/risk", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let v2 = current_set(&w.app).await;
    assert_eq!((v2.number, v2.medium_from, v2.high_from), (2, 3, 8));

    // A review uses version 2: the same answers now score high.
    w.app.advance_minutes(60);
    // Sessions end after 30 idle minutes.
    let mut harry = w.app.signed_in_as("harry").await;
    let res = harry.get(&format!("/cases/{}/risk/new", case.reference)).await;
    assert!(res.body.contains("Question set version 2"));
    assert!(checked(&res.body, "occasion", "review"), "later ones at a review");
    let fields = set(assessment(&v2, |_| "Not known"), "time", "10:00");
    let fields = set(fields, "occasion", "review");
    let res = assess(&mut harry, &case, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let second = assessments(&w.app, case.id).await.remove(1);
    assert_eq!(
        (second.set_id, second.score, second.level.as_str()),
        (v2.id, 10, "high")
    );

    // Each page shows its own version and answers.
    let page = harry
        .get(&format!("/cases/{}/risk/{}", case.reference, first.id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Version 1."));
    assert!(
        page.body
            .contains("A total of 6 or more is medium risk; 12 or more is high risk.")
    );
    assert!(page.body.contains(&v1.questions[1].text));
    assert!(page.body.contains("Medium risk"));
    let page = harry
        .get(&format!("/cases/{}/risk/{}", case.reference, second.id))
        .await;
    assert!(page.body.contains("Version 2."));
    assert!(
        page.body
            .contains("Has anyone threatened to kill or hurt anyone in the household?")
    );
    assert!(!page.body.contains(&v1.questions[1].text));
    assert!(page.body.contains("High risk"));
}

/// Which answer to give to the question at an index.
type Pick = fn(usize) -> &'static str;

#[tokio::test]
async fn version_1_levels_at_the_boundaries() {
    let w = world().await;
    let v1 = current_set(&w.app).await;
    let mut harry = w.app.signed_in_as("harry").await;
    // Yes scores 2,3,3,3,2,2,2,1,2,2; No 0; Not known 1.
    let cases: [(Pick, i32, &str); 5] = [
        (|_| "No", 0, "standard"),
        // 2 + 3 = 5
        (|i| if i < 2 { "Yes" } else { "No" }, 5, "standard"),
        // 2 + 3 + 1 = 6
        (
            |i| match i {
                0 | 1 => "Yes",
                2 => "Not known",
                _ => "No",
            },
            6,
            "medium",
        ),
        // 2 + 3 + 3 + 3 = 11
        (|i| if i < 4 { "Yes" } else { "No" }, 11, "medium"),
        // 2 + 3 + 3 + 3 + 1 = 12
        (
            |i| {
                if i < 4 {
                    "Yes"
                } else if i == 4 {
                    "Not known"
                } else {
                    "No"
                }
            },
            12,
            "high",
        ),
    ];
    for (pick, score, level) in cases {
        let case = new_case(&w).await;
        let res = assess(&mut harry, &case, &assessment(&v1, pick)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let a = assessments(&w.app, case.id).await.remove(0);
        assert_eq!((a.score, a.level.as_str()), (score, level));
        assert_eq!(case_row(&w.app, case.id).await.risk_level.as_deref(), Some(level));
    }
}

#[tokio::test]
async fn an_override_needs_a_reason_and_the_computed_level_is_kept() {
    let w = world().await;
    let case = new_case(&w).await;
    let v1 = current_set(&w.app).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let fields = set(assessment(&v1, |_| "No"), "level", "high");
    let fields = set(fields, "notes", "Victim's son was followed home from school");
    let fields = set(fields, "occasion", "other");
    let res = assess(&mut harry, &case, &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Give the reason for a level different from the score")
    );
    assert!(res.body.contains("href=\"#reason\""));
    // Everything typed is kept, and the score the answers give is shown.
    assert!(res.body.contains("These answers score 0: Standard."));
    assert!(
        res.body
            .contains("Victim&#39;s son was followed home from school")
            || res.body.contains("Victim's son was followed home from school")
    );
    assert!(checked(&res.body, "level", "high"));
    assert!(checked(&res.body, "occasion", "other"));
    for q in &v1.questions {
        let no = q.options.iter().find(|o| o.label == "No").unwrap();
        assert!(checked(&res.body, &format!("q-{}", q.id), &no.id.to_string()));
    }
    assert!(assessments(&w.app, case.id).await.is_empty());
    assert_eq!(case_row(&w.app, case.id).await.risk_level, None);

    let fields = set(fields, "reason", "Threats to the children reported yesterday");
    let res = assess(&mut harry, &case, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let a = assessments(&w.app, case.id).await.remove(0);
    assert_eq!(
        (a.score, a.computed_level.as_str(), a.level.as_str()),
        (0, "standard", "high")
    );
    assert_eq!(
        a.override_reason.as_deref(),
        Some("Threats to the children reported yesterday")
    );
    assert_eq!(
        a.notes.as_deref(),
        Some("Victim's son was followed home from school")
    );
    assert_eq!(a.occasion, "other");
    let row = case_row(&w.app, case.id).await;
    assert_eq!(row.risk_level.as_deref(), Some("high"));
    assert_eq!(row.risk_assessed_at, Some(datetime!(2026-11-23 09:00 UTC)));

    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Overridden"));
    assert!(
        page.body
            .contains("The score gave standard; the officer set the level.")
    );
    assert!(page.body.contains("Risk assessed after a change in circumstances: High (score 0). Level set to High from Standard: Threats to the children reported yesterday"));
    let view = harry
        .get(&format!("/cases/{}/risk/{}", case.reference, a.id))
        .await;
    assert!(view.body.contains("Threats to the children reported yesterday"));
    assert!(view.body.contains("Level from the score"));

    // Choosing the score's own level needs no reason and is no override.
    let case2 = new_case(&w).await;
    let fields = set(assessment(&v1, |_| "No"), "level", "standard");
    let res = assess(&mut harry, &case2, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let a = assessments(&w.app, case2.id).await.remove(0);
    assert_eq!((a.level.as_str(), a.override_reason), ("standard", None));
}

#[tokio::test]
async fn high_risk_shortens_the_manager_review_and_a_later_standard_level_restores_it() {
    let w = world().await;
    let case = new_case(&w).await;
    let v1 = current_set(&w.app).await;
    let review = stage(&fixtures::deadlines_of(&w.app, case.id).await, "manager-review");
    // Priority 1: every 28 days from the report.
    assert_eq!(review.anchored_at, datetime!(2026-11-23 09:00 UTC));
    assert_eq!(review.due_at, datetime!(2026-12-21 23:59:59 UTC));

    let mut harry = w.app.signed_in_as("harry").await;
    let res = assess(&mut harry, &case, &assessment(&v1, |_| "Yes")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let review = stage(&fixtures::deadlines_of(&w.app, case.id).await, "manager-review");
    assert_eq!(review.due_at, datetime!(2026-12-07 23:59:59 UTC));
    assert_eq!(review.original_due_at, datetime!(2026-12-07 23:59:59 UTC));
    assert_eq!((review.unit.as_str(), review.amount), ("calendar-days", 14));
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(
        page.body
            .contains("High risk: manager reviews every 14 calendar days")
    );

    // A day later, a review finds the risk standard: back to every 28 days.
    w.app.advance_minutes(24 * 60);
    let mut harry = w.app.signed_in_as("harry").await;
    let fields = set(assessment(&v1, |_| "No"), "date", "2026-11-24");
    let fields = set(fields, "occasion", "review");
    let res = assess(&mut harry, &case, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let review = stage(&fixtures::deadlines_of(&w.app, case.id).await, "manager-review");
    assert_eq!(review.due_at, datetime!(2026-12-21 23:59:59 UTC));
    assert_eq!((review.unit.as_str(), review.amount), ("calendar-days", 28));
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(!page.body.contains("High risk: manager reviews"));
    assert!(page.body.contains("Standard risk"));
}

#[tokio::test]
async fn the_risk_assessment_deadline_is_met_or_late() {
    let w = world().await;
    let v1 = current_set(&w.app).await;
    let on_time = new_case(&w).await;
    let late = new_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let res = assess(&mut harry, &on_time, &assessment(&v1, |_| "No")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let d = stage(
        &fixtures::deadlines_of(&w.app, on_time.id).await,
        "risk-assessment",
    );
    assert_eq!(d.status, "done");
    assert_eq!(d.done_at, Some(datetime!(2026-11-23 09:00 UTC)));
    assert_eq!(d.late_working_days, Some(0));
    assert_eq!(d.resolved_by, Some(w.harry));
    let page = harry.get(&format!("/cases/{}", on_time.reference)).await;
    assert!(page.body.contains("Deadline “Risk assessment completed” met."));

    // Priority 1: due at the end of Tuesday 24 November; assessed on Thursday 26th.
    w.app.advance_minutes(3 * 24 * 60);
    let mut harry = w.app.signed_in_as("harry").await;
    let fields = set(assessment(&v1, |_| "No"), "date", "2026-11-26");
    let res = assess(&mut harry, &late, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let d = stage(&fixtures::deadlines_of(&w.app, late.id).await, "risk-assessment");
    assert_eq!(d.status, "done");
    assert!(
        d.late_working_days.is_some_and(|n| n >= 1),
        "{:?}",
        d.late_working_days
    );
    let page = harry.get(&format!("/cases/{}", late.reference)).await;
    assert!(
        page.body
            .contains("Deadline “Risk assessment completed” done late.")
    );

    // A further assessment has no deadline left to complete.
    let fields = set(assessment(&v1, |_| "No"), "date", "2026-11-26");
    let res = assess(&mut harry, &late, &set(fields, "occasion", "review")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let done: Vec<_> = fixtures::deadlines_of(&w.app, late.id)
        .await
        .into_iter()
        .filter(|d| d.stage == "risk-assessment")
        .collect();
    assert_eq!(done.len(), 1);
}

#[tokio::test]
async fn an_older_assessment_recorded_later_does_not_replace_the_standing_level() {
    let w = world().await;
    let case = new_case(&w).await;
    let v1 = current_set(&w.app).await;
    w.app.advance_minutes(180);
    let mut harry = w.app.signed_in_as("harry").await;
    let fields = set(assessment(&v1, |_| "Yes"), "time", "11:00");
    assert_eq!(
        assess(&mut harry, &case, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    // Then a visit at 10:00 written up afterwards.
    let fields = set(assessment(&v1, |_| "No"), "time", "10:00");
    let res = assess(&mut harry, &case, &set(fields, "occasion", "review")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let row = case_row(&w.app, case.id).await;
    assert_eq!(row.risk_level.as_deref(), Some("high"));
    assert_eq!(row.risk_assessed_at, Some(datetime!(2026-11-23 11:00 UTC)));
    let review = stage(&fixtures::deadlines_of(&w.app, case.id).await, "manager-review");
    assert_eq!(review.due_at, datetime!(2026-12-07 23:59:59 UTC));
    assert_eq!(assessments(&w.app, case.id).await.len(), 2);
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(
        page.body.contains("A later assessment&#39;s level stands.")
            || page.body.contains("A later assessment's level stands.")
    );
    // The history lists both, latest first.
    let history = &page.body[page.body.find("Risk assessments on").unwrap()..];
    let high = history.find("High risk").unwrap();
    let standard = history.find("Standard risk").unwrap();
    assert!(high < standard);
}

#[tokio::test]
async fn the_level_shows_on_the_summary_and_in_caseloads() {
    let w = world().await;
    let v1 = current_set(&w.app).await;
    let high = new_case(&w).await;
    let unassessed = new_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let page = harry.get(&format!("/cases/{}", high.reference)).await;
    assert!(
        page.body
            .contains("The victim&#39;s risk has not been assessed yet.")
            || page.body.contains("The victim's risk has not been assessed yet.")
    );
    assert!(
        page.body
            .contains(&format!("href=\"/cases/{}/risk/new\"", high.reference))
    );
    assess(&mut harry, &high, &assessment(&v1, |_| "Yes")).await;
    let page = harry.get(&format!("/cases/{}", high.reference)).await;
    let summary = &page.body[page.body.find("Summary").unwrap()..page.body.find("id=\"deadlines\"").unwrap()];
    assert!(summary.contains("High risk"), "summary shows the level");
    assert!(summary.contains("assessed"));
    assert!(page.body.contains("Score 22, assessed"));

    for (query, shows_high, shows_other) in [
        ("tab=all", true, true),
        ("tab=all&risk=high", true, false),
        ("tab=all&risk=medium", false, false),
        ("tab=all&risk=standard", false, false),
        ("tab=all&risk=not-assessed", false, true),
        // Unknown values are ignored, as every caseload filter does.
        ("tab=all&risk=extreme", true, true),
    ] {
        let res = harry.get(&format!("/cases?{query}")).await;
        assert_eq!(res.status, StatusCode::OK, "{query}");
        let rows = res.body.find("<tbody").map_or("", |at| &res.body[at..]);
        assert_eq!(rows.contains(&high.reference), shows_high, "{query}");
        assert_eq!(rows.contains(&unassessed.reference), shows_other, "{query}");
        assert_eq!(rows.contains("High risk"), shows_high, "{query}");
        assert_eq!(rows.contains("Not assessed"), shows_other, "{query}");
    }
    let res = harry.get("/cases?tab=all&risk=high").await;
    assert!(res.body.contains("<option value=\"high\" selected>High</option>"));
}

#[tokio::test]
async fn high_risk_prompts_a_multi_agency_referral_until_one_is_made() {
    let w = world().await;
    let case = new_case(&w).await;
    let v1 = current_set(&w.app).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let prompt = "Refer to the multi-agency risk panel (MARAC)";
    assess(&mut harry, &case, &assessment(&v1, |_| "No")).await;
    assert!(
        !harry
            .get(&format!("/cases/{}", case.reference))
            .await
            .body
            .contains(prompt)
    );

    let fields = set(assessment(&v1, |_| "Yes"), "occasion", "review");
    assess(&mut harry, &case, &fields).await;
    let marac = w
        .app
        .count("SELECT CAST(id AS BIGINT) FROM agencies WHERE multi_agency = TRUE")
        .await;
    let police = w
        .app
        .count("SELECT CAST(id AS BIGINT) FROM agencies WHERE name = 'Police'")
        .await;
    let link = format!("/cases/{}/referrals/new?agency={marac}", case.reference);
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains(prompt));
    assert!(
        page.body.contains(&link),
        "officers get a link preselecting the panel"
    );
    // Tenancy officers see the prompt but cannot refer.
    let mut tina = w.app.signed_in_as("tina").await;
    let page = tina.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains(prompt));
    assert!(!page.body.contains(&link));
    assert!(!page.body.contains(&format!("/cases/{}/risk/new", case.reference)));

    let referral = |agency: i64, status: &str| {
        format!(
            "INSERT INTO referrals (case_id, agency_id, status, referred_on, created_by, created_at, version) \
             VALUES ({}, {agency}, '{status}', '2026-11-23', {}, '2026-11-23 09:00:00+00:00', 1)",
            case.id, w.harry
        )
    };
    // Neither a referral elsewhere nor a withdrawn one to the panel answers it.
    w.app.exec(&referral(police, "sent")).await;
    w.app.exec(&referral(marac, "withdrawn")).await;
    assert!(
        harry
            .get(&format!("/cases/{}", case.reference))
            .await
            .body
            .contains(prompt)
    );
    w.app.exec(&referral(marac, "to-send")).await;
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(!page.body.contains(prompt));
    assert!(
        page.body
            .contains("High risk: manager reviews every 14 calendar days")
    );
}

#[tokio::test]
async fn only_harassment_officers_and_managers_assess_and_only_case_staff_read() {
    let w = world().await;
    let case = new_case(&w).await;
    let v1 = current_set(&w.app).await;
    let fields = assessment(&v1, |_| "No");
    let new = format!("/cases/{}/risk/new", case.reference);

    let mut maria = w.app.signed_in_as("maria").await;
    assert_eq!(maria.get(&new).await.status, StatusCode::OK);
    assert_eq!(
        assess(&mut maria, &case, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let id = assessments(&w.app, case.id).await[0].id;
    let view = format!("/cases/{}/risk/{id}", case.reference);

    let mut tina = w.app.signed_in_as("tina").await;
    assert_eq!(tina.get(&new).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        assess(&mut tina, &case, &fields).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        tina.get(&view).await.status,
        StatusCode::OK,
        "tenancy officers may read"
    );
    let mut adam = w.app.signed_in_as("adam").await;
    assert_eq!(adam.get(&new).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        assess(&mut adam, &case, &fields).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(adam.get(&view).await.status, StatusCode::FORBIDDEN);
    assert_eq!(assessments(&w.app, case.id).await.len(), 1);

    // A restricted case not naming Harry is not there for him; nor is another case's
    // assessment under this case's reference.
    let secret = fixtures::case(
        &w.app,
        CaseSpec {
            restricted: true,
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await;
    assert_eq!(
        assess(&mut maria, &secret, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let secret_id = assessments(&w.app, secret.id).await[0].id;
    let mut harry = w.app.signed_in_as("harry").await;
    let views_before = w.app.audit_count("case.viewed").await;
    for res in [
        harry.get(&format!("/cases/{}/risk/new", secret.reference)).await,
        assess(&mut harry, &secret, &fields).await,
        harry
            .get(&format!("/cases/{}/risk/{secret_id}", secret.reference))
            .await,
        harry
            .get(&format!("/cases/{}/risk/{secret_id}", case.reference))
            .await,
        harry.get(&format!("/cases/{}/risk/abc", case.reference)).await,
    ] {
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        w.app.audit_count("case.viewed").await,
        views_before,
        "nothing seen, nothing recorded"
    );
    assert_eq!(assessments(&w.app, secret.id).await.len(), 1);
    // Named on it, he may.
    w.app
        .exec(&format!(
            "INSERT INTO case_access (case_id, user_id, added_at) VALUES ({}, {}, '2026-11-23 09:00:00+00:00')",
            secret.id, w.harry
        ))
        .await;
    assert_eq!(
        harry
            .get(&format!("/cases/{}/risk/{secret_id}", secret.reference))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_closed_case_is_not_assessed() {
    let w = world().await;
    let case = fixtures::case(
        &w.app,
        CaseSpec {
            status: "closed",
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await;
    let v1 = current_set(&w.app).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let res = harry.get(&format!("/cases/{}/risk/new", case.reference)).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("This case is closed"));
    let res = assess(&mut harry, &case, &assessment(&v1, |_| "No")).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(assessments(&w.app, case.id).await.is_empty());
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(!page.body.contains(&format!("/cases/{}/risk/new", case.reference)));
}

#[tokio::test]
async fn bad_input_is_refused_with_what_was_typed() {
    let w = world().await;
    let case = new_case(&w).await;
    let v1 = current_set(&w.app).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let q1 = format!("q-{}", v1.questions[0].id);
    let q2 = format!("q-{}", v1.questions[1].id);
    let other_question_option = v1.questions[2].options[0].id.to_string();
    let long = "x".repeat(10_001);
    let bad: [(&str, &str, &str); 12] = [
        ("date", "2026-13-45", "Enter the date as YYYY-MM-DD"),
        ("date", "99999-01-01", "Enter the date as YYYY-MM-DD"),
        ("time", "25:99", "Enter the time as HH:MM"),
        ("time", "10:00", "cannot be in the future"),
        ("date", "2026-11-22", "before the case"),
        ("occasion", "whenever", "Choose when this assessment was made"),
        ("level", "extreme", "Choose the score"),
        (q1.as_str(), "99999999999999999999", "Answer question 1"),
        (q1.as_str(), "", "Answer question 1"),
        (q2.as_str(), other_question_option.as_str(), "Answer question 2"),
        ("notes", &long, "Keep the notes under"),
        ("reason", &long, "Keep the reason under"),
    ];
    for (field, value, message) in bad {
        let fields = set(assessment(&v1, |_| "No"), field, value);
        let fields = set(
            fields,
            "notes",
            if field == "notes" { value } else { "Kept note" },
        );
        let res = assess(&mut harry, &case, &fields).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value:.20}"
        );
        assert!(res.body.contains(message), "{field}: {message}");
        if field != "notes" {
            assert!(res.body.contains("Kept note"), "{field}: notes kept");
        }
        if field == "date" || field == "time" {
            assert_eq!(res.input_value(field).as_deref(), Some(value), "{field} kept");
        }
    }
    assert!(assessments(&w.app, case.id).await.is_empty());
    assert_eq!(w.app.count("SELECT COUNT(*) FROM risk_answers").await, 0);
}

#[tokio::test]
async fn a_form_built_on_an_old_question_set_comes_back_with_its_answers() {
    let w = world().await;
    let case = new_case(&w).await;
    let v1 = current_set(&w.app).await;
    let mut adam = w.app.signed_in_as("adam").await;
    let fields = set(set_fields(&v1), "question-2-text", "A new second question?");
    assert_eq!(
        adam.post_pairs("/admin/risk", &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let v2 = current_set(&w.app).await;

    let mut harry = w.app.signed_in_as("harry").await;
    let typed = set(assessment(&v1, |_| "Yes"), "notes", "Seen on Tuesday");
    let res = assess(&mut harry, &case, &typed).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("The questions changed (now version 2)"));
    assert!(res.body.contains("Seen on Tuesday"));
    assert_eq!(res.input_value("set_id"), Some(v2.id.to_string()));
    for (i, q) in v2.questions.iter().enumerate() {
        let yes = q.options.iter().find(|o| o.label == "Yes").unwrap();
        // The reworded question is asked again; the others keep their answers.
        assert_eq!(
            checked(&res.body, &format!("q-{}", q.id), &yes.id.to_string()),
            i != 1,
            "question {}",
            i + 1
        );
    }
    assert!(assessments(&w.app, case.id).await.is_empty());
    // The same submission on the new set saves.
    let res = assess(
        &mut harry,
        &case,
        &set(assessment(&v2, |_| "Yes"), "notes", "Seen"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn assessing_and_reading_are_audited_without_case_text() {
    let w = world().await;
    let case = new_case(&w).await;
    let v1 = current_set(&w.app).await;
    let mut harry = w.app.signed_in_as("harry").await;
    harry.get(&format!("/cases/{}/risk/new", case.reference)).await;
    let fields = set(assessment(&v1, |_| "No"), "level", "medium");
    let fields = set(fields, "reason", "Secret reason about Amina");
    let fields = set(fields, "notes", "Secret notes about Amina");
    assert_eq!(
        assess(&mut harry, &case, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let id = assessments(&w.app, case.id).await[0].id;
    harry.get(&format!("/cases/{}/risk/{id}", case.reference)).await;
    let app = &w.app;
    let one = |sql: String| async move { app.count(&sql).await };
    assert_eq!(
        one("SELECT COUNT(*) FROM audit_events WHERE action = 'case.risk_assessed'".to_owned()).await,
        1
    );
    assert_eq!(
        one(format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'case.viewed' AND summary = '{}: Viewed risk assessment form'",
            case.reference
        ))
        .await,
        1
    );
    assert_eq!(
        one(format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'case.viewed' AND summary = '{}: Viewed risk assessment'",
            case.reference
        ))
        .await,
        1
    );
    assert_eq!(
        one(
            "SELECT COUNT(*) FROM audit_events WHERE summary LIKE '%Secret%' OR summary LIKE '%Amina%'"
                .to_owned()
        )
        .await,
        0
    );
    // The timeline (read by case staff) carries the reason.
    assert_eq!(
        one("SELECT COUNT(*) FROM timeline_entries WHERE kind = 'risk-assessed' AND body LIKE '%Secret reason about Amina%'".to_owned()).await,
        1
    );
}

#[tokio::test]
async fn administrators_save_versions_and_read_old_ones() {
    let w = world().await;
    let mut adam = w.app.signed_in_as("adam").await;
    let res = adam.get("/admin/risk").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body
            .contains("Has anyone been physically hurt in this or an earlier incident?")
    );
    assert!(res.body.contains("Standard below 6; medium from 6; high from 12"));
    assert!(res.body.contains("Every 14 days"));
    let res = adam.get("/admin/risk/new").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.input_value("based_on").as_deref(), Some("1"));
    assert_eq!(
        res.input_value("question-3-text").as_deref(),
        Some("Has anyone been physically hurt in this or an earlier incident?")
    );
    assert!(res.body.contains("Yes = 3\nNo = 0\nNot known = 1"));
    assert_eq!(res.input_value("question-13-text").as_deref(), Some(""));
    assert_eq!(res.input_value("question-14-text"), None);

    let v1 = current_set(&w.app).await;
    // Remove question 10, add a new one, change the review cadence.
    let fields = set(set_fields(&v1), "question-10-text", "");
    let fields = set(fields, "question-11-text", "Has the victim stopped going out?");
    let fields = set(fields, "question-11-help", "Because of the harassment.");
    let fields = set(
        fields,
        "question-11-answers",
        "Yes = 4\nNo = 0\nPrefer not to say = 1",
    );
    let fields = set(fields, "high_review_days", "7");
    let res = adam.post_pairs("/admin/risk", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/admin/risk"));
    let v2 = current_set(&w.app).await;
    assert_eq!((v2.number, v2.questions.len(), v2.high_review_days), (2, 10, 7));
    assert_eq!(v2.questions[9].text, "Has the victim stopped going out?");
    assert_eq!(v2.questions[9].help, "Because of the harassment.");
    assert_eq!(
        v2.questions[9]
            .options
            .iter()
            .map(|o| (o.label.as_str(), o.score))
            .collect::<Vec<_>>(),
        [("Yes", 4), ("No", 0), ("Prefer not to say", 1)]
    );
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'risk.version_created' AND summary = 'Risk question set version 2'"
        )
        .await,
        1
    );
    // Version 1 is unchanged and still readable.
    assert_eq!(store::load(&w.app.db, v1.id).await.unwrap(), v1);
    let res = adam.get("/admin/risk/1").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("This version has been replaced."));
    assert!(res.body.contains(&v1.questions[9].text));
    let res = adam.get("/admin/risk/2").await;
    assert!(res.body.contains("This is the current version"));
    assert!(res.body.contains("Board review"));
    assert_eq!(adam.get("/admin/risk/3").await.status, StatusCode::NOT_FOUND);
    assert_eq!(adam.get("/admin/risk/abc").await.status, StatusCode::NOT_FOUND);
    let res = adam.get("/admin/risk").await;
    assert!(res.body.contains("href=\"/admin/risk/1\""));

    // A high-risk case now reviewed every 7 days.
    let case = new_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    assess(&mut harry, &case, &assessment(&v2, |_| "Yes")).await;
    let review = stage(&fixtures::deadlines_of(&w.app, case.id).await, "manager-review");
    assert_eq!(review.due_at, datetime!(2026-11-30 23:59:59 UTC));
}

#[tokio::test]
async fn administrators_get_their_input_back_when_it_is_wrong_or_stale() {
    let w = world().await;
    let v1 = current_set(&w.app).await;
    let mut adam = w.app.signed_in_as("adam").await;
    let app = &w.app;
    let versions = || async move { app.count("SELECT COUNT(*) FROM risk_question_sets").await };

    let fields = set(set_fields(&v1), "question-11-text", "A question with one answer?");
    let fields = set(fields, "question-11-answers", "Only = 1");
    let fields = set(fields, "high_from", "6");
    let res = adam.post_pairs("/admin/risk", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Question 11: give at least two answers"));
    assert!(res.body.contains("href=\"#question-11-answers\""));
    assert!(
        res.body
            .contains("The high-risk threshold must be more than the medium-risk threshold")
    );
    assert_eq!(
        res.input_value("question-11-text").as_deref(),
        Some("A question with one answer?")
    );
    assert_eq!(res.input_value("high_from").as_deref(), Some("6"));
    assert!(res.body.contains("Only = 1"));

    for (field, value, message) in [
        (
            "question-1-answers",
            "Yes = 1000\nNo = 0",
            "whole number from 0 to 100",
        ),
        ("question-1-answers", "Yes = 1\nYES = 0", "given twice"),
        ("medium_from", "0", "medium-risk threshold"),
        ("high_review_days", "400", "1 to 365"),
        ("high_review_days", "99999999999999999999", "1 to 365"),
        ("high_from", "99", "could never be reached"),
        ("note", "", "Enter what changed"),
    ] {
        let res = adam
            .post_pairs("/admin/risk", &set(set_fields(&v1), field, value))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}");
        assert!(res.body.contains(message), "{field}: {message}");
    }
    // Every question removed.
    let mut none = set_fields(&v1);
    for (k, v) in &mut none {
        if k.ends_with("-text") {
            v.clear();
        }
    }
    let res = adam.post_pairs("/admin/risk", &none).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Keep at least one question"));
    // Nothing changed.
    let res = adam.post_pairs("/admin/risk", &set_fields(&v1)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Nothing changed"));
    assert_eq!(versions().await, 1);

    // Someone else saves version 2 meanwhile: a form built on version 1 is stale.
    let mut other = w.app.signed_in(Role::Admin).await;
    let res = other
        .post_pairs("/admin/risk", &set(set_fields(&v1), "high_review_days", "10"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mine = set(set_fields(&v1), "high_from", "11");
    let mine = set(mine, "note", "My change");
    let res = adam.post_pairs("/admin/risk", &mine).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Someone else saved version 2"));
    assert_eq!(res.input_value("high_from").as_deref(), Some("11"));
    assert_eq!(res.input_value("based_on").as_deref(), Some("2"));
    assert!(res.body.contains("My change"));
    assert!(res.body.contains("Every 10 days"), "their version shown");
    assert_eq!(versions().await, 2);
    // Saving again, now knowingly over version 2, works.
    let res = adam.post_pairs("/admin/risk", &set(mine, "based_on", "2")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(versions().await, 3);
}

#[tokio::test]
async fn only_administrators_reach_the_question_sets() {
    let w = world().await;
    let v1 = current_set(&w.app).await;
    for name in ["tina", "harry", "maria"] {
        let mut c = w.app.signed_in_as(name).await;
        for path in ["/admin/risk", "/admin/risk/new", "/admin/risk/1"] {
            assert_eq!(c.get(path).await.status, StatusCode::FORBIDDEN, "{name} {path}");
        }
        let fields = set(set_fields(&v1), "high_review_days", "7");
        assert_eq!(
            c.post_pairs("/admin/risk", &fields).await.status,
            StatusCode::FORBIDDEN,
            "{name}"
        );
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM risk_question_sets").await, 1);
}

/// Risk is assessed at each case review: once a manager records a review after the latest
/// assessment, the panel asks for a new one, until it is made.
#[tokio::test]
async fn a_manager_review_after_the_last_assessment_asks_for_a_new_one() {
    let w = world().await;
    let v1 = current_set(&w.app).await;
    let case = new_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let res = assess(&mut harry, &case, &assessment(&v1, |_| "No")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let asks = "since the last assessment: assess the victim";
    assert!(
        !harry
            .get(&format!("/cases/{}", case.reference))
            .await
            .body
            .contains(asks)
    );
    w.app.advance_minutes(60);
    let review = stage(&fixtures::deadlines_of(&w.app, case.id).await, "manager-review");
    let mut maria = w.app.signed_in_as("maria").await;
    let done = maria
        .post(
            &format!("/cases/{}/deadlines/{}/done", case.reference, review.id),
            &[
                ("date", "2026-11-23"),
                ("time", "09:30"),
                ("text", ""),
                ("version", &review.version.to_string()),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let mut harry = w.app.signed_in_as("harry").await;
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains(asks), "the panel asks for a review assessment");
    let form = harry.get(&format!("/cases/{}/risk/new", case.reference)).await;
    assert!(
        form.body.contains("value=\"review\" checked"),
        "a later assessment defaults to a review"
    );
    let at_review = set(
        set(assessment(&v1, |_| "No"), "occasion", "review"),
        "time",
        "09:45",
    );
    let res = assess(&mut harry, &case, &at_review).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        !harry
            .get(&format!("/cases/{}", case.reference))
            .await
            .body
            .contains(asks)
    );
}
