//! Intake: logging a report as a new case (`/cases/new`), person reuse, further reports
//! on open cases (three ways in), and reference numbers under concurrent submissions.
//! The case page is tested elsewhere: these tests look at the database and redirects.

use crate::{
    common::{Client, Res, TestApp},
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::{Role, cases, people};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::macros::datetime;

/// A form as a browser sends it.
#[derive(Clone)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Replaces every value of `name` with `value`.
    pub fn set(self, name: &str, value: &str) -> Self {
        self.without(name).add(name, value)
    }

    /// Adds another value for `name` (a second ticked checkbox).
    fn add(mut self, name: &str, value: &str) -> Self {
        self.0.push((name.to_owned(), value.to_owned()));
        self
    }

    fn without(mut self, name: &str) -> Self {
        self.0.retain(|(k, _)| k != name);
        self
    }

    pub async fn post(&self, client: &mut Client, path: &str) -> Res {
        let pairs: Vec<(&str, &str)> = self.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        client.post(path, &pairs).await
    }
}

const DESCRIPTION: &str = "A neighbour shouted racist abuse at Amina on the stairs";
const CRIME_REF: &str = "CR/0042/26";

/// A complete new-case report: a known-nothing victim and a named alleged perpetrator.
pub fn report(area: i32) -> Fields {
    let area = area.to_string();
    let fields = [
        ("received_date", "2026-11-23"),
        ("received_time", "08:30"),
        ("received_how", "phone"),
        ("reporter_type", "victim"),
        ("occurred_kind", "at"),
        ("occurred_date", "2026-11-22"),
        ("occurred_time", "18:15"),
        ("location_kind", "communal"),
        ("location_address", "Stairwell, Oak House"),
        ("types", "verbal-abuse"),
        ("description", DESCRIPTION),
        ("police_involved", "yes"),
        ("crime_reference", CRIME_REF),
        ("hate_perceived", "yes"),
        ("perceived_by", "victim"),
        ("strands", "race"),
        ("area", area.as_str()),
        ("priority", "suggested"),
        ("people", "2"),
        ("p0_role", "victim"),
        ("p0_kind", "person"),
        ("p0_name", "Amina Khan"),
        ("p0_phone", "07700 900123"),
        ("p0_address", "12 Oak House"),
        ("p0_postcode", "LE1 5AB"),
        ("p0_tenancy_ref", "T-1001"),
        ("p0_tenant", "yes"),
        ("p0_ethnicity", "asian-pakistani"),
        ("p0_religion", "muslim"),
        ("p1_role", "alleged-perpetrator"),
        ("p1_kind", "person"),
        ("p1_name", "Dan Smith"),
        ("p1_ethnicity", "not-known"),
    ];
    Fields(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

struct World {
    app: TestApp,
    area: i32,
    /// The tenancy officer "tess", in `area`.
    officer: i32,
    tess: Client,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let officer = app.create_user("tess", Role::TenancyOfficer).await;
    fixtures::give_area(&app, officer, area).await;
    let tess = app.signed_in_as("tess").await;
    World {
        app,
        area,
        officer,
        tess,
    }
}

async fn count(app: &TestApp, table: &str) -> i64 {
    app.count(&format!("SELECT COUNT(*) FROM {table}")).await
}

/// Rows in every table intake writes to.
async fn intake_rows(app: &TestApp) -> [i64; 8] {
    let mut counts = [0; 8];
    let tables = [
        "cases",
        "incidents",
        "incident_types",
        "people",
        "case_parties",
        "case_strands",
        "case_access",
        "timeline_entries",
    ];
    for (n, table) in counts.iter_mut().zip(tables) {
        *n = count(app, table).await;
    }
    counts
}

async fn incidents_on(app: &TestApp, reference: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM incidents i JOIN cases c ON c.id = i.case_id WHERE c.reference = '{reference}'"
    ))
    .await
}

async fn case_by_ref(app: &TestApp, reference: &str) -> cases::Model {
    cases::Entity::find()
        .filter(cases::Column::Reference.eq(reference))
        .one(&app.db)
        .await
        .unwrap()
        .expect("case exists")
}

async fn person(app: &TestApp, id: i32) -> people::Model {
    people::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("person exists")
}

/// Every error summary link points at an element on the page.
fn assert_links_resolve(res: &Res) {
    for part in res.body.split("href=\"#").skip(1) {
        let id = &part[..part.find('"').unwrap()];
        if id == "main" {
            continue;
        }
        assert!(res.body.contains(&format!("id=\"{id}\"")), "no element #{id}");
    }
}

#[tokio::test]
async fn the_form_starts_with_sensible_defaults() {
    let mut w = world().await;
    let res = w.tess.get("/cases/new").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.input_value("received_date").as_deref(), Some("2026-11-23"));
    assert_eq!(res.input_value("received_time").as_deref(), Some("09:00"));
    assert_eq!(res.input_value("people").as_deref(), Some("2"));
    for selected in [
        r#"<option value="phone" selected>Phone</option>"#,
        r#"value="suggested" checked>"#,
        r#"<option value="alleged-perpetrator" selected>"#,
    ] {
        assert!(res.body.contains(selected), "{selected}");
    }
    // Nothing is answered for the officer: not hate perception, not anyone's ethnicity
    // (a pre-selected "Not known" would count as recorded in the completeness figures).
    assert!(
        res.body.contains(r#"name="hate_perceived" value="yes">"#),
        "asked, unanswered"
    );
    assert!(!res.body.contains(r#"name="hate_perceived" value="yes" checked"#));
    assert!(!res.body.contains(r#"name="hate_perceived" value="no" checked"#));
    // The priority hint says what the suggestion depends on (no script updates it).
    assert!(
        crate::common::html_unescape(&res.body).contains(
            "Harbour suggests Priority 1 for threats or intimidation, physical assault, arson, harm to pets, damage to property or vehicle"
        ),
        "{}",
        res.body
    );
    assert!(!res.body.contains(r#"<option value="not-known" selected>"#));
    assert_eq!(
        res.body
            .matches(r#"<option value="">Choose an answer</option>"#)
            .count(),
        2,
        "one per person"
    );
    assert!(
        res.body
            .contains(&format!(r#"<option value="{}" selected>North</option>"#, w.area))
    );
    for strand in [
        "Race",
        "Religion or belief",
        "Disability",
        "Sexual orientation",
        "Transgender identity",
    ] {
        assert!(res.body.contains(strand), "{strand}");
    }
}

#[tokio::test]
async fn a_valid_report_opens_a_case_in_one_go() {
    let mut w = world().await;
    let res = report(w.area).post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/cases/HC-2026-000001"));
    // case, incident, one type, two people, two parties, one strand, logger named, "opened".
    assert_eq!(intake_rows(&w.app).await, [1, 1, 1, 2, 2, 1, 1, 1]);
    assert_eq!(w.app.audit_count("case.created").await, 1);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM timeline_entries WHERE kind = 'opened'")
            .await,
        1
    );

    let case = case_by_ref(&w.app, "HC-2026-000001").await;
    assert_eq!(case.status, "open");
    assert_eq!(
        (case.priority.as_str(), case.suggested_priority.as_str()),
        ("p1", "p1")
    );
    assert_eq!(case.priority_reason, None);
    assert!(case.hate_perceived);
    assert_eq!(case.perceived_by.as_deref(), Some("victim"));
    assert_eq!(
        (case.area_id, case.logged_by, case.owner_id),
        (w.area, w.officer, None)
    );
    assert_eq!(case.received_at, datetime!(2026-11-23 08:30 UTC));
    assert_eq!(case.opened_at, w.app.now());
    assert_eq!(case.version, 1);
    assert!(!case.restricted);
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM case_access WHERE case_id = {} AND user_id = {}",
                case.id, w.officer
            ))
            .await,
        1
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM incidents WHERE police_involved = TRUE AND crime_reference = 'CR/0042/26' AND occurred_kind = 'at' AND location_kind = 'communal'")
            .await,
        1
    );
    let victim = people::Entity::find()
        .filter(people::Column::Name.eq("Amina Khan"))
        .one(&w.app.db)
        .await
        .unwrap()
        .expect("victim stored");
    assert_eq!(victim.tenancy_ref_key.as_deref(), Some("T1001"));
    assert_eq!(victim.postcode_key.as_deref(), Some("LE15AB"));
    assert_eq!(victim.ethnicity, "asian-pakistani");
    assert_eq!(victim.religion.as_deref(), Some("muslim"));
    assert_eq!(victim.sex, None);
    assert_eq!(victim.is_tenant, Some(true));
    assert!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM person_terms WHERE person_id = {}",
                victim.id
            ))
            .await
            > 0
    );

    let home = w.tess.get("/").await;
    assert!(
        home.body.contains("Case HC-2026-000001 logged"),
        "flash shown once"
    );
}

/// The form has two moments (when the report was received, when it happened): a date or
/// time that cannot be read says which one it is.
#[tokio::test]
async fn an_unreadable_date_or_time_says_which_moment_it_is() {
    let mut w = world().await;
    for (field, value, message) in [
        (
            "occurred_date",
            "2026-02-30",
            "Enter the date it happened as YYYY-MM-DD",
        ),
        (
            "received_time",
            "25:99",
            "Enter the time the report was received as HH:MM",
        ),
    ] {
        let res = report(w.area)
            .set(field, value)
            .post(&mut w.tess, "/cases/new")
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(res.body.contains(message), "{field}: {}", res.body);
    }
}

#[tokio::test]
async fn every_mistake_comes_back_with_what_was_typed_and_nothing_saved() {
    let mut w = world().await;
    let retired = fixtures::area(&w.app, "Old estate").await;
    w.app
        .exec(&format!("UPDATE areas SET retired = TRUE WHERE id = {retired}"))
        .await;
    let base = report(w.area);
    let blank_victim = base
        .clone()
        .set("p0_name", "")
        .set("p0_phone", "")
        .set("p0_address", "")
        .set("p0_postcode", "")
        .set("p0_tenancy_ref", "");
    let mistakes: Vec<(Fields, &str)> = vec![
        (base.clone().set("description", "  "), "description"),
        (base.clone().without("types"), "types"),
        (base.clone().set("types", "other"), "other_type"),
        (base.clone().set("types", "shoving"), "types"),
        // Later today: the time is what is wrong; a later day: the date.
        (base.clone().set("received_time", "09:30"), "received_time"),
        (base.clone().set("received_date", "2026-11-24"), "received_date"),
        (base.clone().set("received_time", "25:99"), "received_time"),
        (base.clone().set("received_date", "2026-02-30"), "received_date"),
        (base.clone().set("received_time", ""), "received_time"),
        (base.clone().set("received_how", "pigeon"), "received_how"),
        (base.clone().set("occurred_date", ""), "occurred_date"),
        (
            base.clone()
                .set("occurred_date", "2026-11-23")
                .set("occurred_time", "08:45"),
            "occurred_date",
        ),
        (base.clone().set("occurred_kind", ""), "occurred_kind"),
        (base.clone().set("location_kind", ""), "location_kind"),
        (
            base.clone()
                .set("location_kind", "other")
                .set("location_address", ""),
            "location_address",
        ),
        (base.clone().set("police_involved", ""), "police_involved"),
        (blank_victim, "p0_name"),
        (base.clone().set("p0_name", ""), "p0_name"),
        (base.clone().set("p0_kind", "group"), "p0_kind"),
        (base.clone().set("p1_kind", "group"), "p1_description"),
        (base.clone().set("p0_email", "amina at home"), "p0_email"),
        (base.clone().set("p0_phone", "call me"), "p0_phone"),
        (base.clone().set("p0_ethnicity", ""), "p0_ethnicity"),
        (base.clone().set("p0_sex", "robot"), "p0_sex"),
        (base.clone().set("hate_perceived", ""), "hate_perceived"),
        (base.clone().without("strands"), "strands"),
        (base.clone().set("area", ""), "area"),
        (base.clone().set("area", &retired.to_string()), "area"),
        (base.clone().set("priority", "p9"), "priority"),
        (
            base.clone().set("case_reference", "HC-2026-999999"),
            "case_reference",
        ),
        (
            base.clone().set("case_reference", "not a reference"),
            "case_reference",
        ),
    ];
    for (fields, field) in mistakes {
        let res = fields.post(&mut w.tess, "/cases/new").await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.body
        );
        assert!(res.body.contains("<title>Error: "), "{field}");
        assert!(
            res.body.contains(&format!("href=\"#{field}\"")),
            "{field}: {}",
            res.body
        );
        assert_links_resolve(&res);
        // What was typed is still there.
        assert_eq!(
            res.input_value("crime_reference").as_deref(),
            Some(CRIME_REF),
            "{field}"
        );
        assert_eq!(
            res.input_value("p1_name").as_deref(),
            Some("Dan Smith"),
            "{field}"
        );
        if field != "description" {
            assert!(res.body.contains(DESCRIPTION), "{field}");
        }
    }
    assert_eq!(intake_rows(&w.app).await, [0; 8]);
    assert_eq!(count(&w.app, "case_sequences").await, 0);
    assert_eq!(w.app.audit_count("case.created").await, 0);
}

#[tokio::test]
async fn a_different_priority_needs_a_reason() {
    let mut w = world().await;
    let lower = report(w.area).set("priority", "p2");
    let res = lower.post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#priority_reason\""));
    assert!(
        res.body.contains("The suggested priority is Priority 1"),
        "{}",
        res.body
    );
    assert!(res.body.contains("Hate incidents are Priority 1"));
    assert!(res.body.contains(r#"value="p2" checked"#), "choice kept");
    assert_eq!(count(&w.app, "cases").await, 0);

    let reason = "Victim says the neighbour has moved out";
    let res = lower
        .set("priority_reason", reason)
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let case = case_by_ref(&w.app, "HC-2026-000001").await;
    assert_eq!(
        (case.priority.as_str(), case.suggested_priority.as_str()),
        ("p2", "p1")
    );
    assert_eq!(case.priority_reason.as_deref(), Some(reason));

    // Not perceived as hate and nothing serious: Priority 2 is suggested and needs no reason.
    let res = report(w.area)
        .set("hate_perceived", "no")
        .without("strands")
        .set("p0_tenancy_ref", "")
        .set("p0_postcode", "")
        .set("p0_name", "Bea Jones")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let case = case_by_ref(&w.app, "HC-2026-000002").await;
    assert_eq!((case.priority.as_str(), case.perceived_by), ("p2", None));
}

#[tokio::test]
async fn add_another_person_keeps_every_value_and_saves_nothing() {
    let mut w = world().await;
    let res = report(w.area)
        .add("types", "threats")
        .add("action", "add-person")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.body.contains("There is a problem"));
    assert_eq!(res.input_value("people").as_deref(), Some("3"));
    assert_eq!(res.input_value("p2_name").as_deref(), Some(""));
    assert_eq!(res.input_value("p0_name").as_deref(), Some("Amina Khan"));
    assert_eq!(res.input_value("p0_tenancy_ref").as_deref(), Some("T-1001"));
    assert_eq!(res.input_value("p1_name").as_deref(), Some("Dan Smith"));
    assert!(res.body.contains(DESCRIPTION));
    assert!(res.body.contains(r#"value="threats" checked"#));
    assert!(res.body.contains(r#"<option value="muslim" selected>"#));
    assert_eq!(intake_rows(&w.app).await, [0; 8]);

    // The third person is saved with the rest.
    let res = report(w.area)
        .set("people", "3")
        .set("p2_role", "witness")
        .set("p2_kind", "person")
        .set("p2_name", "Wendy Watts")
        .set("p2_ethnicity", "prefer-not-to-say")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM case_parties WHERE role = 'witness'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_known_tenant_is_offered_for_reuse_and_linked_not_copied() {
    let mut w = world().await;
    let mut earlier = CaseSpec::new(w.officer, w.area);
    earlier.status = "closed";
    earlier.victims = vec![PersonSpec::named("Amina Khan").tenancy("T-1001")];
    let earlier = fixtures::case(&w.app, earlier).await;
    let known = earlier.people[0];

    // Same tenancy reference typed differently, and a different spelling of the name.
    let typed = report(w.area)
        .set("p0_tenancy_ref", "t 1001")
        .set("p0_name", "Amina Khan-Ali");
    let res = typed.post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Is Amina Khan-Ali someone already known?"));
    assert!(res.body.contains(&format!(r#"name="p0_match" value="{known}""#)));
    // The banner links to the question, far down the form on a phone.
    let banner = res.body.split("banner--important").nth(1).expect("banner");
    assert!(
        banner.contains(r##"<a href="#p0_match">Is Amina Khan-Ali someone already known?</a>"##),
        "{banner}"
    );
    assert!(res.body.contains(r#"id="p0_match""#));
    assert!(
        res.body.contains(&earlier.reference),
        "their visible case is listed"
    );
    assert_eq!(count(&w.app, "cases").await, 1, "nothing saved yet");

    let res = typed
        .clone()
        .set("p0_match", &known.to_string())
        .set("p0_asked", "yes")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/cases/HC-2026-000002"));
    // One record across both cases: only the alleged perpetrator is new.
    assert_eq!(count(&w.app, "people").await, 2);
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM case_parties WHERE person_id = {known} AND role = 'victim'"
            ))
            .await,
        2
    );
    // Stored details are kept; what the record lacked is filled in.
    let stored = person(&w.app, known).await;
    assert_eq!(stored.name.as_deref(), Some("Amina Khan"));
    assert_eq!(stored.tenancy_ref.as_deref(), Some("T-1001"));
    assert_eq!(stored.phone.as_deref(), Some("07700 900123"));
    assert_eq!(stored.ethnicity, "asian-pakistani");
    assert_eq!(stored.version, 2);
}

#[tokio::test]
async fn a_known_name_and_postcode_is_offered_and_must_be_answered() {
    let mut w = world().await;
    let mut earlier = CaseSpec::new(w.officer, w.area);
    earlier.status = "closed";
    earlier.victims = vec![PersonSpec::named("Amina Khan").at("12 Oak House", "LE1 5AB")];
    let known = fixtures::case(&w.app, earlier).await.people[0];

    let typed = report(w.area)
        .set("p0_tenancy_ref", "")
        .set("p0_name", "  amina   KHAN ")
        .set("p0_postcode", "le15ab");
    let res = typed.post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains(&format!(r#"name="p0_match" value="{known}""#)));
    assert!(res.body.contains("12 Oak House"));

    // The question stays while something else is wrong, with the answer given.
    let res = typed
        .clone()
        .set("p0_match", &known.to_string())
        .set("description", "")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains(&format!(r#"name="p0_match" value="{known}" checked"#))
    );

    // The question was shown; submitting without an answer is an error.
    let asked = typed.clone().set("p0_asked", "yes");
    let res = asked.post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#p0_match\""));
    assert_links_resolve(&res);
    assert_eq!(count(&w.app, "cases").await, 1);

    // "Someone new" makes a second record.
    let res = asked.set("p0_match", "new").post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(count(&w.app, "people").await, 3);
}

#[tokio::test]
async fn reuse_candidates_never_show_cases_the_officer_cannot_see() {
    let mut w = world().await;
    let other = w.app.create_user("olly", Role::TenancyOfficer).await;
    // Amina is a victim on a restricted case in Tess's area and on a closed case Tess logged.
    let mut hidden = CaseSpec::new(other, w.area);
    hidden.restricted = true;
    hidden.victims = vec![PersonSpec::named("Amina Khan").tenancy("T-1001")];
    let hidden = fixtures::case(&w.app, hidden).await;
    let amina = hidden.people[0];
    let mut seen = CaseSpec::new(w.officer, w.area);
    seen.status = "closed";
    seen.victims = vec![PersonSpec::existing(amina)];
    let seen = fixtures::case(&w.app, seen).await;
    // Bilal appears only on a restricted case.
    let mut only_hidden = CaseSpec::new(other, w.area);
    only_hidden.restricted = true;
    only_hidden.victims = vec![PersonSpec::named("Bilal Shah").tenancy("T-2002")];
    let only_hidden = fixtures::case(&w.app, only_hidden).await;

    let res = report(w.area).post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(&seen.reference));
    assert!(!res.body.contains(&hidden.reference), "restricted case leaked");

    // Someone known only from a case Tess cannot see is not known to her at all.
    let res = report(w.area)
        .set("p0_name", "Bilal Shah")
        .set("p0_tenancy_ref", "T-2002")
        .set("p0_match", "")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "no question asked: {}",
        res.body
    );
    assert!(
        !res.body.contains(&only_hidden.reference),
        "restricted case leaked"
    );
    // Not known to her, and on a restricted case: never linked unasked (the record may be
    // what the restriction protects), but queued for a manager as possibly the same.
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM people WHERE name = 'Bilal Shah'")
            .await,
        2
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM person_duplicates WHERE other_id = {}",
                only_hidden.people[0]
            ))
            .await,
        1
    );
}

#[tokio::test]
async fn a_repeat_victim_in_another_area_stays_one_person_and_namesakes_wait_for_a_manager() {
    let mut w = world().await;
    let south = fixtures::area(&w.app, "South").await;
    let olly = w.app.create_user("olly", Role::TenancyOfficer).await;
    fixtures::give_area(&w.app, olly, south).await;
    let mut earlier = CaseSpec::new(olly, south);
    earlier.victims = vec![PersonSpec::named("Amina Khan").tenancy("T-1001")];
    earlier.received_at = Some(w.app.now() - time::Duration::days(10));
    let earlier = fixtures::case(&w.app, earlier).await;
    let amina = earlier.people[0];

    let res = report(w.area).post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "no question: {}", res.body);
    let new_case = res
        .location()
        .expect("to the case")
        .trim_start_matches("/cases/")
        .to_owned();
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM people WHERE name_key = 'amina khan'")
            .await,
        1,
        "one person, not two"
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM case_parties WHERE person_id = {amina} AND role = 'victim'"
            ))
            .await,
        2
    );
    // What Tess filled in that the record lacked is added; she sees nothing of South's case.
    assert_eq!(person(&w.app, amina).await.phone.as_deref(), Some("07700 900123"));
    let page = w.tess.get(&format!("/cases/{new_case}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains(&earlier.reference),
        "another area's case leaked"
    );
    // Her earlier report counts: the repeat prompt and the ASB Case Review explanation show.
    assert!(
        page.body.contains("Amina Khan has made 2 reports"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Explain the ASB Case Review to the victim"));
    // A manager sees both cases of the one person.
    w.app.create_user("mo", Role::Manager).await;
    let mut mo = w.app.signed_in_as("mo").await;
    let page = mo.get(&format!("/cases/{new_case}")).await;
    assert!(
        page.body.contains(&earlier.reference),
        "other cases involving these people"
    );

    // Same name and postcode on a case Tess cannot see: a new record, queued for managers.
    let mut namesake = CaseSpec::new(olly, south);
    namesake.victims = vec![PersonSpec::named("Sara Begum").at("3 Elm Road", "LE2 7XY")];
    let namesake = fixtures::case(&w.app, namesake).await;
    let sara = report(w.area)
        .set("p0_name", "Sara Begum")
        .set("p0_postcode", "le2 7xy")
        .set("p0_tenancy_ref", "");
    let res = sara.post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "no question: {}", res.body);
    assert!(!res.body.contains(&namesake.reference));
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM people WHERE name_key = 'sara begum'")
            .await,
        2
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM person_duplicates WHERE other_id = {} AND person_id <> {0} AND resolved_at IS NULL",
                namesake.people[0]
            ))
            .await,
        1
    );

    // A household shares a tenancy reference: another name there is another person.
    let mut household = CaseSpec::new(olly, south);
    household.victims = vec![PersonSpec::named("Yusuf Khan").tenancy("T-3003")];
    fixtures::case(&w.app, household).await;
    let res = report(w.area)
        .set("p0_name", "Hana Khan")
        .set("p0_tenancy_ref", "T-3003")
        .set("p0_postcode", "")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM people WHERE tenancy_ref_key = 'T3003'")
            .await,
        2
    );
    assert_eq!(w.app.count("SELECT COUNT(*) FROM person_duplicates").await, 1);
}

#[tokio::test]
async fn whether_the_police_are_involved_is_asked_and_not_known_is_an_answer() {
    let mut w = world().await;
    let page = w.tess.get("/cases/new").await;
    assert!(page.body.contains(r#"name="police_involved" value="not-known">"#));
    assert!(
        !page.body.contains(r#"name="police_involved" value="no" checked"#),
        "nothing pre-selected"
    );
    let res = report(w.area)
        .set("police_involved", "not-known")
        .set("crime_reference", "")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM incidents WHERE police_known = FALSE AND police_involved = FALSE")
            .await,
        1
    );
    let page = w.tess.get(res.location().unwrap()).await;
    assert!(
        page.body.contains(
            r#"<dt class="summary-list__key">Police</dt><dd class="summary-list__value">Not known</dd>"#
        ),
        "{}",
        page.body
    );
    // Anything else is refused with the form kept.
    let res = report(w.area)
        .set("police_involved", "maybe")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Select whether the police are involved, or Not known")
    );
    assert!(res.body.contains(DESCRIPTION));
}

#[tokio::test]
async fn a_report_about_a_victims_open_case_is_offered_to_it_and_added() {
    let mut w = world().await;
    let mut open = CaseSpec::new(w.officer, w.area);
    open.victims = vec![PersonSpec::named("Amina Khan").tenancy("T-1001")];
    let open = fixtures::case(&w.app, open).await;
    let known = open.people[0].to_string();

    let matched = report(w.area).set("p0_match", &known).set("p0_asked", "yes");
    let res = matched.post(&mut w.tess, "/cases/new").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("This victim has an open case"));
    assert!(
        res.body
            .contains(&format!(r#"name="attach_to" value="{}" checked"#, open.reference)),
        "adding to the open case is the default"
    );
    assert_eq!(count(&w.app, "incidents").await, 1);

    let res = matched
        .clone()
        .set("attach_to", &open.reference)
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some(format!("/cases/{}", open.reference).as_str())
    );
    assert_eq!(count(&w.app, "cases").await, 1, "no new case");
    assert_eq!(incidents_on(&w.app, &open.reference).await, 2);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM timeline_entries WHERE kind = 'further-report'")
            .await,
        1
    );
    assert_eq!(w.app.audit_count("case.report_added").await, 1);
    // Amina is not named twice; Dan is added as alleged perpetrator with this report.
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM case_parties WHERE case_id = {} AND incident_id IS NOT NULL",
                open.id
            ))
            .await,
        2
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM case_sequences WHERE last_number = 1")
            .await,
        1
    );
    assert!(
        w.tess
            .get("/")
            .await
            .body
            .contains(&format!("Further report added to {}", open.reference))
    );

    // Declining opens a new case instead.
    let res = matched
        .set("attach_to", "new")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/cases/HC-2026-000002"));
}

#[tokio::test]
async fn a_typed_case_reference_adds_the_report_to_that_case() {
    let mut w = world().await;
    let open = fixtures::case(&w.app, CaseSpec::new(w.officer, w.area)).await;
    let res = report(w.area)
        .set("case_reference", &open.reference.to_lowercase())
        // Case-level answers are not needed when adding to a case.
        .without("strands")
        .set("priority", "p2")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some(format!("/cases/{}", open.reference).as_str())
    );
    assert_eq!(count(&w.app, "cases").await, 1);
    assert_eq!(incidents_on(&w.app, &open.reference).await, 2);
    assert_eq!(
        case_by_ref(&w.app, &open.reference).await.priority,
        "p1",
        "case unchanged"
    );
    assert_eq!(w.app.audit_count("case.report_added").await, 1);
}

#[tokio::test]
async fn a_further_report_from_the_case_adds_an_incident_and_people() {
    let mut w = world().await;
    let open = fixtures::case(&w.app, CaseSpec::new(w.officer, w.area)).await;
    let path = format!("/cases/{}/reports/new", open.reference);
    let res = w.tess.get(&path).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body
            .contains(&format!("Add a further report to {}", open.reference))
    );
    assert_eq!(res.input_value("people").as_deref(), Some("0"));
    assert!(
        !res.body.contains("name=\"area\""),
        "case details are not asked again"
    );

    let incident = report(w.area)
        .set("people", "0")
        .set("types", "graffiti-communal")
        .set("description", "Graffiti on the stairwell door again");
    let res = incident
        .clone()
        .add("action", "add-person")
        .post(&mut w.tess, &path)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.input_value("p0_name").as_deref(), Some(""));
    assert!(res.body.contains("Graffiti on the stairwell door again"));

    // An invalid further report comes back too.
    let res = incident
        .clone()
        .set("description", "")
        .post(&mut w.tess, &path)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#description\""));

    let res = incident
        .set("people", "1")
        .set("p0_role", "witness")
        .set("p0_name", "Wendy Watts")
        .set("p0_tenancy_ref", "")
        .set("p0_postcode", "")
        .post(&mut w.tess, &path)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some(format!("/cases/{}", open.reference).as_str())
    );
    assert_eq!(incidents_on(&w.app, &open.reference).await, 2);
    assert_eq!(count(&w.app, "cases").await, 1);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM case_parties WHERE role = 'witness'")
            .await,
        1
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM timeline_entries WHERE kind = 'further-report'")
            .await,
        1
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM incident_types WHERE type_code = 'graffiti-communal'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_closed_case_takes_no_further_report() {
    let mut w = world().await;
    let mut spec = CaseSpec::new(w.officer, w.area);
    spec.status = "closed";
    let closed = fixtures::case(&w.app, spec).await;
    let path = format!("/cases/{}/reports/new", closed.reference);
    let res = w.tess.get(&path).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(&format!("{} is closed", closed.reference)));
    assert!(!res.body.contains("name=\"description\""));

    let res = report(w.area).set("people", "0").post(&mut w.tess, &path).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = report(w.area)
        .set("case_reference", &closed.reference)
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(&format!("{} is closed", closed.reference)));
    assert_eq!(count(&w.app, "incidents").await, 1);
    assert_eq!(count(&w.app, "cases").await, 1);
}

#[tokio::test]
async fn a_tenancy_officer_cannot_add_to_a_case_they_cannot_see() {
    let mut w = world().await;
    let south = fixtures::area(&w.app, "South").await;
    let other = w.app.create_user("olly", Role::TenancyOfficer).await;
    let elsewhere = fixtures::case(&w.app, CaseSpec::new(other, south)).await;
    let path = format!("/cases/{}/reports/new", elsewhere.reference);
    assert_eq!(w.tess.get(&path).await.status, StatusCode::NOT_FOUND);
    let res = report(w.area).set("people", "0").post(&mut w.tess, &path).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    for field in ["case_reference", "attach_to"] {
        let res = report(w.area)
            .set(field, &elsewhere.reference)
            .post(&mut w.tess, "/cases/new")
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(res.body.contains(&format!("href=\"#{field}\"")), "{field}");
        assert!(res.body.contains("that you can see"), "{field}");
        assert_links_resolve(&res);
    }
    assert_eq!(count(&w.app, "incidents").await, 1);
}

#[tokio::test]
async fn administrators_cannot_log_reports() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in(Role::Admin).await;
    assert_eq!(admin.get("/cases/new").await.status, StatusCode::FORBIDDEN);
    let res = report(1).post(&mut admin, "/cases/new").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "cases").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_reports_get_distinct_consecutive_references() {
    let w = world().await;
    const N: usize = 20;
    let mut clients = vec![];
    for _ in 0..N {
        clients.push(w.app.signed_in_as("tess").await);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (i, mut client) in clients.into_iter().enumerate() {
        // Different victims, so no submission waits on a reuse question.
        let fields = report(w.area)
            .set("p0_name", &format!("Victim {i}"))
            .set("p0_tenancy_ref", "")
            .set("p0_postcode", "")
            .set("p1_name", "");
        tasks.spawn(async move { fields.post(&mut client, "/cases/new").await });
    }
    let mut references = vec![];
    while let Some(res) = tasks.join_next().await {
        let res = res.expect("task");
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        references.push(
            res.location()
                .unwrap_or_default()
                .trim_start_matches("/cases/")
                .to_owned(),
        );
    }
    references.sort();
    let expected: Vec<String> = (1..=N).map(|n| format!("HC-2026-{n:06}")).collect();
    assert_eq!(references, expected);
    assert_eq!(count(&w.app, "cases").await, N as i64);
    assert_eq!(w.app.audit_count("case.created").await, N as i64);
}

#[tokio::test]
async fn optional_person_details_are_folded_until_answered_or_refused() {
    let mut w = world().await;
    let page = w.tess.get("/cases/new").await.body;
    for summary in [
        "Address, postcode and tenancy",
        "Phone, email and preferred contact",
        "Description of someone not known, or a group",
    ] {
        assert!(
            page.contains(&format!(
                r#"<details class="details"><summary class="details__summary">{summary}</summary>"#
            )),
            "{summary} folded on a blank form"
        );
    }
    // Typed details stay in sight when the form comes back, and so does a refused one.
    let res = report(w.area)
        .set("description", "")
        .set("p0_email", "not-an-email")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for summary in [
        "Address, postcode and tenancy",
        "Phone, email and preferred contact",
    ] {
        assert!(
            res.body.contains(&format!(
                r#"<details class="details" open><summary class="details__summary">{summary}</summary>"#
            )),
            "{summary} open"
        );
    }
}

/// A case opened on the form is planned from its first report as it is saved (graffiti or
/// damage, a witness, an alleged perpetrator who can be named), and gets exactly what the
/// case's stored records call for.
#[tokio::test]
async fn the_first_reports_types_and_people_decide_the_stages_planned() {
    use harbour::{deadlines::schedule::facts, procedure::Stage};
    let mut w = world().await;
    let plain = report(w.area).post(&mut w.tess, "/cases/new").await;
    assert_eq!(plain.status, StatusCode::SEE_OTHER, "{}", plain.body);
    let full = report(w.area)
        // Someone else, so the form has nobody to offer as already known.
        .set("p0_name", "Bilal Ahmed")
        .set("p0_tenancy_ref", "T-2002")
        .set("p0_postcode", "LE2 1AA")
        .set("types", "graffiti-home")
        .set("people", "3")
        .set("p2_role", "witness")
        .set("p2_kind", "person")
        .set("p2_name", "Wendy Watts")
        .set("p2_ethnicity", "not-known")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(full.status, StatusCode::SEE_OTHER, "{}", full.body);
    // Nobody can interview an alleged perpetrator nobody can name.
    let unnamed = report(w.area)
        .set("p0_name", "Chloe Brown")
        .set("p0_tenancy_ref", "T-3003")
        .set("p0_postcode", "LE3 3CC")
        .set("p1_kind", "unknown")
        .set("p1_name", "")
        .set("p1_description", "A tall man in a grey hoodie")
        .post(&mut w.tess, "/cases/new")
        .await;
    assert_eq!(unnamed.status, StatusCode::SEE_OTHER, "{}", unnamed.body);
    let optional = [
        Stage::GraffitiRemoval,
        Stage::WitnessesContacted,
        Stage::PerpetratorInterviewed,
    ];
    for (reference, expected) in [
        ("HC-2026-000001", [false, false, true]),
        ("HC-2026-000002", [true, true, true]),
        ("HC-2026-000003", [false, false, false]),
    ] {
        let case = case_by_ref(&w.app, reference).await;
        let stored = facts(&w.app.db, case.id).await.unwrap();
        for (stage, expected) in optional.into_iter().zip(expected) {
            let sql = format!(
                "SELECT COUNT(*) FROM deadlines WHERE case_id = {} AND stage = '{}' AND status = 'open'",
                case.id,
                stage.code()
            );
            let has = w.app.count(&sql).await == 1;
            assert_eq!(has, expected, "{reference} {stage:?}");
            assert_eq!(
                has,
                stored.report_stages().contains(&stage),
                "{reference} {stage:?} as stored"
            );
        }
    }
}
