//! Correcting a person's details from a case: the earlier values are kept with who, when
//! and why; invalid and stale forms come back with what was typed; only those who may
//! change a case they can see may correct its people.

use crate::{
    common::{Client, Res, TestApp},
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::{Role, person_changes};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, QueryOrder};

struct World {
    app: TestApp,
    harry: i32,
    reference: String,
    amina: i32,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let tess = app.create_user("tess", Role::TenancyOfficer).await;
    fixtures::give_area(&app, tess, area).await;
    let harry = app.create_user("harry", Role::HarassmentOfficer).await;
    let mut spec = CaseSpec::new(tess, area);
    spec.victims = vec![PersonSpec::named("Amina Khan").at("3 Elm Road", "LE2 7XY")];
    spec.perpetrators = vec![PersonSpec::named("Gary Bolton")];
    let case = fixtures::case(&app, spec).await;
    World {
        app,
        harry,
        reference: case.reference,
        amina: case.people[0],
    }
}

fn path(w: &World) -> String {
    format!("/cases/{}/people/{}/edit", w.reference, w.amina)
}

/// The form as saved with `changes` over Amina's details as they are.
async fn save(c: &mut Client, w: &World, changes: &[(&str, &str)]) -> Res {
    let mut fields = vec![
        ("p0_name", "Amina Khan"),
        ("p0_ethnicity", "not-known"),
        ("p0_address", "3 Elm Road"),
        ("p0_postcode", "LE2 7XY"),
        ("reason", "She told us on the phone"),
        ("version", "1"),
    ];
    for (k, v) in changes {
        match fields.iter_mut().find(|(name, _)| name == k) {
            Some(field) => field.1 = v,
            None => fields.push((k, v)),
        }
    }
    c.post(&path(w), &fields).await
}

#[tokio::test]
async fn a_correction_keeps_the_earlier_values_with_who_when_and_why() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let case = harry.get(&format!("/cases/{}", w.reference)).await;
    assert!(case.body.contains(&format!("href=\"{}\"", path(&w))));
    let form = harry.get(&path(&w)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.input_value("p0_address").as_deref(), Some("3 Elm Road"));

    let res = save(
        &mut harry,
        &w,
        &[
            ("p0_address", "4 Elm Road"),
            ("p0_phone", "07700 900123"),
            ("reason", "Moved next door"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let rows = person_changes::Entity::find()
        .order_by_asc(person_changes::Column::Id)
        .all(&w.app.db)
        .await
        .unwrap();
    let got: Vec<_> = rows
        .iter()
        .map(|r| (r.field.as_str(), r.old_value.as_deref(), r.new_value.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("phone", None, Some("07700 900123")),
            ("address", Some("3 Elm Road"), Some("4 Elm Road"))
        ]
    );
    assert!(rows.iter().all(|r| r.person_id == w.amina
        && r.reason == "Moved next door"
        && r.changed_by == w.harry
        && r.changed_at == w.app.now()));
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT CAST(version AS BIGINT) FROM people WHERE id = {}",
                w.amina
            ))
            .await,
        2
    );
    // Search finds the corrected address, not the old one.
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM person_terms WHERE person_id = {} AND term = '4'",
                w.amina
            ))
            .await,
        1
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM person_terms WHERE person_id = {} AND term = '3'",
                w.amina
            ))
            .await,
        0
    );
    // The timeline and the audit trail name the details, never the values.
    let page = harry.get(&format!("/cases/{}", w.reference)).await;
    assert!(
        page.body
            .contains("Details of the victim corrected: phone, address")
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'person.corrected' AND target_id = '{}' \
                 AND summary LIKE '%{}%' AND summary LIKE '%phone, address%' AND summary NOT LIKE '%Elm%' \
                 AND summary NOT LIKE '%07700%'",
                w.amina, w.reference
            ))
            .await,
        1
    );
    // The history is shown on the form, and on the manager's person page.
    let form = harry.get(&path(&w)).await;
    assert!(form.body.contains("Moved next door") && form.body.contains("harry Test"));
    let mut manager = w.app.signed_in(Role::Manager).await;
    let person = manager.get(&format!("/people/{}", w.amina)).await;
    assert!(person.body.contains("Moved next door") && person.body.contains("3 Elm Road"));

    // Monitoring answers' history says they changed, not from what to what.
    let res = save(
        &mut harry,
        &w,
        &[
            ("p0_address", "4 Elm Road"),
            ("p0_phone", "07700 900123"),
            ("p0_ethnicity", "asian-pakistani"),
            ("reason", "Asked her directly"),
            ("version", "2"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let history = harry.get(&path(&w)).await.body;
    let history = &history[history.find("id=\"history\"").expect("history")..];
    assert!(history.contains("Not shown (monitoring answer)"));
    assert!(!history.contains("Pakistani") && !history.contains("Not known"));
}

#[tokio::test]
async fn without_a_reason_or_with_a_bad_value_the_form_comes_back_as_typed() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let res = save(&mut harry, &w, &[("p0_address", "5 Elm Road"), ("reason", "  ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Say why you are correcting these details"));
    assert_eq!(res.input_value("p0_address").as_deref(), Some("5 Elm Road"));
    let res = save(&mut harry, &w, &[("p0_phone", "not a phone"), ("p0_name", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Enter a phone number"));
    assert!(res.body.contains("Enter the person&#39;s name") || res.body.contains("Enter the person's name"));
    assert!(res.body.contains("She told us on the phone"));
    assert_eq!(w.app.count("SELECT COUNT(*) FROM person_changes").await, 0);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM people WHERE address = '3 Elm Road'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_stale_correction_is_refused_with_both_versions_shown() {
    let w = world().await;
    let mut harry = w.app.signed_in_as("harry").await;
    let first = save(&mut harry, &w, &[("p0_phone", "07700 900123")]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let stale = save(&mut harry, &w, &[("p0_address", "9 Elm Road")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Someone else changed this person"));
    assert!(
        stale.body.contains("07700 900123"),
        "their saved version is shown"
    );
    assert_eq!(stale.input_value("p0_address").as_deref(), Some("9 Elm Road"));
    assert_eq!(stale.input_value("version").as_deref(), Some("2"));
    assert_eq!(w.app.count("SELECT COUNT(*) FROM person_changes").await, 1);
}

#[tokio::test]
async fn only_those_who_may_change_a_case_they_can_see_correct_its_people() {
    let w = world().await;
    let mut tess = w.app.signed_in_as("tess").await;
    assert_eq!(tess.get(&path(&w)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        save(&mut tess, &w, &[("p0_address", "6 Elm Road")]).await.status,
        StatusCode::FORBIDDEN
    );
    let case = tess.get(&format!("/cases/{}", w.reference)).await;
    assert!(!case.body.contains("Correct details"));

    // A restricted case Harry is not named on does not exist for him, nor its people.
    let area = fixtures::area(&w.app, "South").await;
    let other = w.app.create_user("olga", Role::HarassmentOfficer).await;
    let mut hidden = CaseSpec::new(other, area);
    hidden.restricted = true;
    hidden.named = vec![other];
    hidden.victims = vec![PersonSpec::named("Zara Ali")];
    let hidden = fixtures::case(&w.app, hidden).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let hidden_path = format!("/cases/{}/people/{}/edit", hidden.reference, hidden.people[0]);
    assert_eq!(harry.get(&hidden_path).await.status, StatusCode::NOT_FOUND);
    let res = harry
        .post(
            &hidden_path,
            &[
                ("p0_name", "Zara Aly"),
                ("p0_ethnicity", "not-known"),
                ("reason", "x"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Someone not on this case, or no one at all: 404, never 500.
    for id in [
        hidden.people[0].to_string(),
        "999999".to_owned(),
        "abc".to_owned(),
    ] {
        let p = format!("/cases/{}/people/{id}/edit", w.reference);
        assert_eq!(harry.get(&p).await.status, StatusCode::NOT_FOUND, "{p}");
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM person_changes").await, 0);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM people WHERE name = 'Zara Ali'")
            .await,
        1
    );
}

/// A correction made from a restricted case stays with it: a harassment officer not named
/// on that case, correcting the same person from a case they can see, does not read it.
#[tokio::test]
async fn corrections_made_on_a_restricted_case_stay_with_it() {
    let w = world().await;
    let mgr_id = w.app.create_user("mona", Role::Manager).await;
    let area = fixtures::area(&w.app, "South").await;
    let mut spec = CaseSpec::new(mgr_id, area);
    spec.restricted = true;
    spec.victims = vec![PersonSpec::existing(w.amina)];
    let hidden = fixtures::case(&w.app, spec).await;
    let mut mona = w.app.signed_in_as("mona").await;
    let from_hidden = format!("/cases/{}/people/{}/edit", hidden.reference, w.amina);
    let fields = [
        ("p0_name", "Amina Khan"),
        ("p0_ethnicity", "not-known"),
        ("p0_address", "9 Quiet Lane"),
        ("p0_postcode", "LE2 7XY"),
        ("reason", "Refuge address withheld from officers"),
        ("version", "1"),
    ];
    assert_eq!(
        mona.post(&from_hidden, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let mut harry = w.app.signed_in_as("harry").await;
    let form = harry.get(&path(&w)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!form.body.contains("Refuge address withheld"));
    let mine = mona.get(&from_hidden).await;
    assert!(
        mine.body.contains("Refuge address withheld"),
        "the manager sees it"
    );
}
