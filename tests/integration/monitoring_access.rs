//! Need-to-know for equality monitoring answers (issue 16): a person's ethnicity and other
//! protected characteristics are read only by harassment officers, managers and the
//! officer who recorded the person; anyone else who may see the case learns that they
//! were recorded, never what they are — on the case page, in the chronology and its CSV,
//! in search and when intake offers a known person. Every showing of the answers is
//! audited (`person.monitoring_viewed`), and no other showing writes one.

use crate::{
    cases_intake::report,
    common::{Client, Res, TestApp},
    fixtures,
};
use entity::Role;
use reqwest::StatusCode;

/// The victim's answers as stored and as shown, which no one without the right may meet.
const SECRETS: [&str; 6] = [
    "white-gypsy-traveller",
    "Gypsy or Irish Traveller",
    "Gypsy",
    "Traveller",
    "jewish",
    "Jewish",
];

struct World {
    app: TestApp,
    area: i32,
    /// Logged by the manager: Rosie Lee (victim, Gypsy or Irish Traveller, Jewish).
    reference: String,
    rosie: i32,
    manager: Client,
    /// A tenancy officer of the case's area who recorded nobody on it.
    tess: Client,
    harry: Client,
}

/// The manager logs the case through the form, as anyone would.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let manager_id = app.create_user("mina", Role::Manager).await;
    fixtures::give_area(&app, manager_id, area).await;
    let tess_id = app.create_user("tess", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tess_id, area).await;
    app.create_user("harry", Role::HarassmentOfficer).await;
    let mut manager = app.signed_in_as("mina").await;
    let res = report(area)
        .set("p0_name", "Rosie Lee")
        .set("p0_ethnicity", "white-gypsy-traveller")
        .set("p0_religion", "jewish")
        .post(&mut manager, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let reference = res.location().expect("to the case")["/cases/".len()..].to_owned();
    let rosie = app
        .count("SELECT CAST(id AS BIGINT) FROM people WHERE name = 'Rosie Lee'")
        .await as i32;
    let tess = app.signed_in_as("tess").await;
    let harry = app.signed_in_as("harry").await;
    World {
        app,
        area,
        reference,
        rosie,
        manager,
        tess,
        harry,
    }
}

fn assert_no_secrets(what: &str, body: &str) {
    for secret in SECRETS {
        assert!(!body.contains(secret), "{what} shows {secret:?}:\n{body}");
    }
}

fn assert_answers_shown(what: &str, res: &Res) {
    assert_eq!(res.status, StatusCode::OK, "{what}: {}", res.body);
    assert!(
        res.body.contains(&row("Ethnicity", "Gypsy or Irish Traveller")),
        "{what}"
    );
    assert!(res.body.contains(&row("Religion or belief", "Jewish")), "{what}");
}

/// One row of a person's details as the case page renders it.
fn row(key: &str, value: &str) -> String {
    format!(r#"<dt class="summary-list__key">{key}</dt><dd class="summary-list__value">{value}</dd>"#)
}

async fn views(app: &TestApp, username: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'person.monitoring_viewed' AND actor_name = '{username}'"
    ))
    .await
}

async fn text(client: &mut Client, path: &str) -> String {
    let (status, _, bytes) = client.get_bytes(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    String::from_utf8(bytes).expect("UTF-8")
}

#[tokio::test]
async fn a_tenancy_officer_who_did_not_record_them_sees_only_that_they_were_recorded() {
    let mut w = world().await;
    let case = format!("/cases/{}", w.reference);

    let res = w.tess.get(&case).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Rosie Lee"), "she sees the case and the person");
    assert_no_secrets("case page", &res.body);
    assert!(res.body.contains(&row("Ethnicity", "Recorded")), "{}", res.body);
    assert!(res.body.contains(&row("Religion or belief", "Recorded")));
    // The alleged perpetrator's ethnicity was "Not known".
    assert!(res.body.contains(&row("Ethnicity", "Not recorded")));
    assert!(
        res.body
            .contains("shown only to harassment officers, managers and whoever recorded")
    );

    // A refused contact re-renders the case page: still nothing.
    let res = w
        .tess
        .post(
            &format!("{case}/timeline"),
            &[("kind", "phone-call"), ("body", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_no_secrets("case page re-rendered", &res.body);

    let res = w.tess.get(&format!("{case}/chronology")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_no_secrets("chronology", &res.body);
    let csv = text(&mut w.tess, &format!("{case}/chronology.csv")).await;
    assert!(csv.contains("Report received"));
    assert_no_secrets("chronology CSV", &csv);

    // Search finds her by name, never by her answers.
    let res = w.tess.get("/cases?tab=all&q=rosie").await;
    assert!(res.body.contains(&w.reference), "search works: {}", res.body);
    for q in [
        "gypsy",
        "traveller",
        "gypsy+traveller",
        "jewish",
        "white-gypsy-traveller",
        "W4",
    ] {
        let res = w.tess.get(&format!("/cases?tab=all&q={q}")).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(!res.body.contains(&w.reference), "found by {q}");
    }

    // Intake offers the known person by who they are, not by what they answered.
    let typed = report(w.area)
        .set("p0_name", "Rosie Lee")
        .set("p0_ethnicity", "not-known");
    let res = typed.post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Is Rosie Lee someone already known?"));
    let offer = res.body.split(r#"name="p0_match""#).nth(1).expect("offered");
    let offer = &offer[..offer.find("</fieldset>").unwrap_or(offer.len())];
    assert!(offer.contains(&w.reference), "{offer}");
    assert_no_secrets("the offer of a known person", offer);
    // The form itself lists every answer as a choice; none of hers is chosen for her.
    assert!(!res.body.contains(r#"value="white-gypsy-traveller" selected"#));
    assert!(!res.body.contains(r#"value="jewish" selected"#));
    let typed = typed.set("p0_match", &w.rosie.to_string()).set("p0_asked", "yes");
    // Her open case is offered for the report: by reference, nothing more.
    let res = typed.post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.body
            .contains(&format!(r#"name="attach_to" value="{}""#, w.reference))
    );
    assert!(!res.body.contains(r#"value="white-gypsy-traveller" selected"#));
    assert!(!res.body.contains(r#"value="jewish" selected"#));
    let res = typed
        .set("attach_to", "new")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // On the case she logged, the record is still the manager's: she sees that it holds
    // answers, not what they are.
    let hers = res.location().expect("to her case").to_owned();
    assert_ne!(hers, case, "a new case (the first is offered, not taken)");
    let res = w.tess.get(&hers).await;
    assert_no_secrets("her own case with a reused person", &res.body);
    assert!(res.body.contains(&row("Ethnicity", "Recorded")));

    // None of this showed her an answer, so none of it is a view of one.
    assert_eq!(views(&w.app, "tess").await, 0);
}

#[tokio::test]
async fn harassment_officers_and_managers_see_the_answers_and_each_showing_is_audited() {
    let mut w = world().await;
    let case = format!("/cases/{}", w.reference);

    assert_answers_shown("manager's case page", &w.manager.get(&case).await);
    assert_eq!(
        views(&w.app, "mina").await,
        1,
        "one row: the victim (the perpetrator's answers are not known)"
    );
    assert_answers_shown("harassment officer's case page", &w.harry.get(&case).await);
    assert_eq!(views(&w.app, "harry").await, 1);
    assert_answers_shown("again", &w.harry.get(&case).await);
    assert_eq!(views(&w.app, "harry").await, 2, "every showing");

    // The re-rendered page after a refused contact is a showing too.
    let res = w
        .manager
        .post(
            &format!("{case}/timeline"),
            &[("kind", "phone-call"), ("body", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(&row("Ethnicity", "Gypsy or Irish Traveller")));
    assert_eq!(views(&w.app, "mina").await, 2);

    // The chronology carries no one's details, so its page and CSV show no answers even
    // to those who may read them, and write no such row.
    let res = w.manager.get(&format!("{case}/chronology")).await;
    assert_no_secrets("manager's chronology", &res.body);
    let csv = text(&mut w.manager, &format!("{case}/chronology.csv")).await;
    assert_no_secrets("manager's chronology CSV", &csv);
    assert_eq!(views(&w.app, "mina").await, 2);

    // Each row names the person and the case and screen, never an answer, and sits with
    // the case view it belongs to.
    let rows = w
        .app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person.monitoring_viewed' \
             AND target_type = 'person' AND target_id = '{}' AND summary LIKE '{}: case page%'",
            w.rosie, w.reference
        ))
        .await;
    assert_eq!(rows, 4);
    for secret in SECRETS {
        let leaked = w
            .app
            .count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE summary LIKE '%{secret}%'"
            ))
            .await;
        assert_eq!(leaked, 0, "{secret}");
    }
    let case_views = w
        .app
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'case.viewed' AND actor_name IN ('mina', 'harry')")
        .await;
    assert_eq!(case_views, 4, "one case view for each showing");

    // Managers browse these rows with the case events; administrators do not see them.
    let res = w.manager.get("/audit?action=person.monitoring_viewed").await;
    assert!(res.body.contains("Person: monitoring viewed"), "{}", res.body);
    let mut admin = w.app.signed_in(Role::Admin).await;
    let res = admin.get("/audit?action=person.monitoring_viewed").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.body.contains(&format!("{}: case page", w.reference)));
}

#[tokio::test]
async fn the_tenancy_officer_who_recorded_someone_sees_their_answers_and_no_one_elses() {
    let mut w = world().await;
    let rob_id = w.app.create_user("rob", Role::TenancyOfficer).await;
    fixtures::give_area(&w.app, rob_id, w.area).await;
    let mut rob = w.app.signed_in_as("rob").await;
    let res = report(w.area)
        .set("p0_name", "Sam Ward")
        .set("p0_tenancy_ref", "T-2002")
        .set("p0_ethnicity", "white-roma")
        .set("p0_religion", "sikh")
        .post(&mut rob, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let robs = res.location().expect("to the case").to_owned();

    let res = rob.get(&robs).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(&row("Ethnicity", "Roma")), "{}", res.body);
    assert!(res.body.contains(&row("Religion or belief", "Sikh")));
    assert_eq!(views(&w.app, "rob").await, 1);

    // His colleague in the same area may see the case, not the answers.
    let res = w.tess.get(&robs).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        !res.body.contains("Roma") && !res.body.contains("Sikh"),
        "{}",
        res.body
    );
    assert!(res.body.contains(&row("Ethnicity", "Recorded")));

    // And he may not read the answers the manager recorded on the other case.
    let res = rob.get(&format!("/cases/{}", w.reference)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_no_secrets("another recorder's person", &res.body);
    assert_eq!(views(&w.app, "rob").await, 1);
    assert_eq!(views(&w.app, "tess").await, 0);
}

#[tokio::test]
async fn reports_never_show_a_person_to_the_equality_lead() {
    let w = world().await;
    let mut lead = w.app.signed_in(Role::EqualityLead).await;
    let res = lead.get("/reports").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.body.contains("Rosie Lee") && !res.body.contains(&w.reference));
    let csv = text(&mut lead, "/reports/equality.csv").await;
    assert!(!csv.contains("Rosie Lee") && !csv.contains(&w.reference));
    let res = lead
        .get("/reports/cases?group=white-gypsy-traveller&measure=opened")
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "no drill-down to the cases behind a figure"
    );
    assert_eq!(
        lead.get(&format!("/cases/{}", w.reference)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_managers_duplicate_and_merge_screens_audit_each_person_shown() {
    use entity::person_duplicates;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let mut w = world().await;
    // A second record of Rosie, on a case the manager logged too.
    let mut spec = fixtures::CaseSpec::new(
        w.app
            .count("SELECT CAST(id AS BIGINT) FROM users WHERE username = 'mina'")
            .await as i32,
        w.area,
    );
    let mut again = fixtures::PersonSpec::named("Rosie Lee");
    again.ethnicity = "white-gypsy-traveller".to_owned();
    spec.victims = vec![again];
    let second = fixtures::case(&w.app, spec).await;
    person_duplicates::Entity::insert(person_duplicates::ActiveModel {
        person_id: Set(second.people[0]),
        other_id: Set(w.rosie),
        case_id: Set(second.id),
        found_at: Set(w.app.now()),
        ..Default::default()
    })
    .exec(&w.app.db)
    .await
    .unwrap();

    let res = w.manager.get("/people/duplicates").await;
    assert_answers_shown("duplicates queue", &res);
    assert_eq!(views(&w.app, "mina").await, 2, "both records");
    let res = w
        .manager
        .get(&format!(
            "/people/merge?kept={}&other={}",
            w.rosie, second.people[0]
        ))
        .await;
    assert_answers_shown("merge review", &res);
    assert_eq!(views(&w.app, "mina").await, 4);
    let summaries = w
        .app
        .count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person.monitoring_viewed' \
             AND (summary LIKE 'Possible duplicates:%' OR summary LIKE 'Merge review:%')",
        )
        .await;
    assert_eq!(summaries, 4);
}
