//! Possible duplicate people and the manager's merge: who may reach them, bad and stale
//! forms, and that a merge moves every case part, keeps what both records held and is
//! audited.

use crate::{
    common::TestApp,
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::{Role, person_duplicates};
use reqwest::StatusCode;
use sea_orm::{ActiveValue::Set, EntityTrait};

struct World {
    app: TestApp,
    /// Sara Begum's two records: the earlier (kept) and the later.
    first: i32,
    second: i32,
    cases: [String; 3],
    question: i32,
}

/// Sara Begum recorded twice: as the victim on case 1 (first record), on case 2 (second
/// record), and both records as victims on case 3. The second has a phone number.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let officer = app.create_user("tess", Role::TenancyOfficer).await;
    let mut one = CaseSpec::new(officer, area);
    one.victims = vec![PersonSpec::named("Sara Begum").at("3 Elm Road", "LE2 7XY")];
    let one = fixtures::case(&app, one).await;
    let mut two = CaseSpec::new(officer, area);
    two.victims = vec![PersonSpec::named("Sara Begum").at("3 Elm Road", "LE2 7XY")];
    let two = fixtures::case(&app, two).await;
    let (first, second) = (one.people[0], two.people[0]);
    app.exec(&format!(
        "UPDATE people SET phone = '07700 900999' WHERE id = {second}"
    ))
    .await;
    let mut three = CaseSpec::new(officer, area);
    three.victims = vec![PersonSpec::existing(first), PersonSpec::existing(second)];
    let three = fixtures::case(&app, three).await;
    let question = person_duplicates::Entity::insert(person_duplicates::ActiveModel {
        person_id: Set(second),
        other_id: Set(first),
        case_id: Set(two.id),
        found_at: Set(app.now()),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap()
    .last_insert_id;
    World {
        app,
        first,
        second,
        cases: [one.reference, two.reference, three.reference],
        question,
    }
}

fn merge_form(w: &World, phone: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kept", w.first.to_string()),
        ("other", w.second.to_string()),
        ("kept_version", "1".to_owned()),
        ("other_version", "1".to_owned()),
        ("take_phone", phone.to_owned()),
    ]
}

#[tokio::test]
async fn only_managers_reach_duplicates_and_merging() {
    let w = world().await;
    for role in [
        Role::TenancyOfficer,
        Role::HarassmentOfficer,
        Role::Admin,
        Role::EqualityLead,
    ] {
        let mut c = w.app.signed_in(role).await;
        for path in [
            "/people/duplicates".to_owned(),
            format!("/people/merge?kept={}&other={}", w.first, w.second),
        ] {
            assert_eq!(
                c.get(&path).await.status,
                StatusCode::FORBIDDEN,
                "{role:?} {path}"
            );
        }
        let res = c.post_pairs("/people/merge", &merge_form(&w, "other")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role:?}");
        let res = c
            .post(&format!("/people/duplicates/{}/different", w.question), &[])
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role:?}");
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM people").await, 2);
}

#[tokio::test]
async fn a_manager_merges_two_records_of_one_person_losing_nothing() {
    let w = world().await;
    w.app.create_user("mo", Role::Manager).await;
    let mut mo = w.app.signed_in_as("mo").await;
    let queue = mo.get("/people/duplicates").await;
    assert_eq!(queue.status, StatusCode::OK);
    for reference in &w.cases {
        assert!(queue.body.contains(reference.as_str()), "{reference}");
    }
    let review = mo
        .get(&format!("/people/merge?kept={}&other={}", w.second, w.first))
        .await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(review.body.contains("07700 900999 (record 2)"), "{}", review.body);
    assert!(review.body.contains("(blank) (record 1)"));
    // The filled-in phone is suggested; nothing else differs, so nothing else is asked.
    assert!(review.body.contains(r#"name="take_phone" value="other" checked"#));
    assert_eq!(review.body.matches(r#"type="radio""#).count(), 2);

    // Unanswered: refused, the page comes back with the question and nothing changes.
    let mut unanswered = merge_form(&w, "");
    unanswered.retain(|(k, _)| *k != "take_phone");
    let res = mo.post_pairs("/people/merge", &unanswered).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Choose which phone to keep"));
    // A record changed since the page was opened: 409, both shown as they are now.
    let mut stale = merge_form(&w, "other");
    stale[3].1 = "7".to_owned();
    let res = mo.post_pairs("/people/merge", &stale).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("changed since you opened this page"));
    assert_eq!(w.app.count("SELECT COUNT(*) FROM people").await, 2);

    let res = mo.post_pairs("/people/merge", &merge_form(&w, "other")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (first, second) = (w.first, w.second);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM people").await, 1);
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM people WHERE id = {first} AND phone = '07700 900999' AND version = 2"
            ))
            .await,
        1
    );
    // Every case part moved; case 3 names her once.
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM case_parties WHERE person_id = {first}"
            ))
            .await,
        3
    );
    assert_eq!(w.app.count("SELECT COUNT(*) FROM case_parties").await, 3);
    // Both records as they were are kept with the merge.
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM person_merges WHERE kept_id = {first} AND merged_id = {second} \
                 AND record LIKE '%07700 900999%' AND record LIKE '%\"id\":{second}%'"
            ))
            .await,
        1
    );
    // The question is answered and goes with the merged record (the merge record and the
    // audit trail tell what was decided).
    assert_eq!(w.app.count("SELECT COUNT(*) FROM person_duplicates").await, 0);
    assert_eq!(w.app.audit_count("person.merged").await, 1);
    // Every case either record was on says so in its history, once.
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM timeline_entries WHERE kind = 'people-merged'")
            .await,
        3
    );
    let page = mo.get(&format!("/cases/{}", w.cases[1])).await;
    assert!(
        page.body.contains("Two records of Sara Begum were made one"),
        "{}",
        page.body
    );
    let queue = mo.get("/people/duplicates").await;
    assert!(queue.body.contains("Nobody is waiting to be checked."));
    // The merged record is gone: merging it again finds nothing.
    let res = mo.post_pairs("/people/merge", &merge_form(&w, "other")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn malformed_merges_are_refused_and_different_people_leave_the_queue() {
    let w = world().await;
    w.app.create_user("mo", Role::Manager).await;
    let mut mo = w.app.signed_in_as("mo").await;
    let res = mo.post("/people/merge", &[("kept", "abc"), ("other", "1")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let same = w.first.to_string();
    let res = mo
        .post(
            "/people/merge",
            &[("kept", same.as_str()), ("other", same.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        mo.get("/people/merge?kept=1&other=999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        mo.get("/people/merge?kept=x").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        mo.post("/people/duplicates/999999/different", &[]).await.status,
        StatusCode::NOT_FOUND
    );

    let res = mo
        .post(&format!("/people/duplicates/{}/different", w.question), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM person_duplicates WHERE resolution = 'different'")
            .await,
        1
    );
    assert_eq!(w.app.count("SELECT COUNT(*) FROM people").await, 2);
    assert!(
        mo.get("/people/duplicates")
            .await
            .body
            .contains("Nobody is waiting")
    );
    assert_eq!(w.app.audit_count("person.set_apart").await, 1);
}

#[tokio::test]
async fn a_chain_of_merges_keeps_every_merge_record_and_names_no_other_case() {
    let w = world().await;
    w.app.create_user("mo", Role::Manager).await;
    let mut mo = w.app.signed_in_as("mo").await;
    let officer = w.app.count("SELECT CAST(MIN(id) AS BIGINT) FROM users").await as i32;
    let area = w.app.count("SELECT CAST(MIN(id) AS BIGINT) FROM areas").await as i32;
    let mut four = CaseSpec::new(officer, area);
    four.victims = vec![PersonSpec::named("Sara Begum").at("3 Elm Road", "LE2 7XY")];
    let four = fixtures::case(&w.app, four).await;
    let third = four.people[0];
    let form = |kept: i32, other: i32| {
        vec![
            ("kept", kept.to_string()),
            ("other", other.to_string()),
            ("kept_version", "1".to_owned()),
            ("other_version", "1".to_owned()),
            ("take_phone", "kept".to_owned()),
        ]
    };
    // The second record takes in the third, then the first takes in the second.
    let res = mo.post_pairs("/people/merge", &form(w.second, third)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = mo
        .post_pairs(
            "/people/merge",
            &[
                ("kept", w.first.to_string()),
                ("other", w.second.to_string()),
                ("kept_version", "1".to_owned()),
                ("other_version", "2".to_owned()),
                ("take_phone", "other".to_owned()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM people").await, 1);
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM person_merges WHERE kept_id = {}",
                w.first
            ))
            .await,
        2,
        "the earlier merge record moved on to the kept record, not deleted"
    );
    // The case the third record was on says so without naming the others.
    let page = mo.get(&format!("/cases/{}", four.reference)).await.body;
    let entry = page
        .split("Two records of Sara Begum")
        .nth(1)
        .expect("the merge is on the timeline");
    let entry = entry.split("</li>").next().unwrap();
    for other in &w.cases {
        assert!(!entry.contains(other.as_str()), "{entry}");
    }
}
