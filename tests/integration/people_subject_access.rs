//! Subject access: a manager finds a person, and produces everything held about them
//! across their cases as a page and a zip, with third parties redacted and listed, audited
//! as an export. Nobody else may; unknown and malformed ids are 404s.

use crate::{
    common::TestApp,
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::Role;
use reqwest::StatusCode;
use std::io::Read;

struct World {
    app: TestApp,
    amina: i32,
    cases: [String; 2],
}

/// Amina Khan is the victim on case 1 and a witness on case 2; Gary Bolton is the alleged
/// perpetrator on both, named in both descriptions; Sara Begum is case 2's victim.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let officer = app.create_user("tess", Role::TenancyOfficer).await;
    let mut one = CaseSpec::new(officer, area);
    one.victims = vec![PersonSpec::named("Amina Khan").at("3 Elm Road, Leicester", "LE2 7XY")];
    one.perpetrators = vec![PersonSpec::named("Gary Bolton").at("5 Oak Road, Leicester", "LE2 1AA")];
    one.description =
        "Gary Bolton shouted racist abuse at Amina from 5 Oak Road. BOLTON then rang her on 07700 900111."
            .to_owned();
    let one = fixtures::case(&app, one).await;
    let (amina, gary) = (one.people[0], one.people[1]);
    app.exec(&format!(
        "UPDATE people SET phone = '07700 900111', ethnicity = 'white-british' WHERE id = {gary}"
    ))
    .await;
    app.exec(&format!(
        "UPDATE people SET phone = '07700 900222', ethnicity = 'asian-pakistani' WHERE id = {amina}"
    ))
    .await;
    let mut two = CaseSpec::new(officer, area);
    two.victims = vec![PersonSpec::named("Sara Begum")];
    two.witnesses = vec![PersonSpec::existing(amina)];
    two.perpetrators = vec![PersonSpec::existing(gary)];
    two.description = "Gary threw a bottle at Sara Begum's window; Amina Khan saw it.".to_owned();
    let two = fixtures::case(&app, two).await;
    World {
        app,
        amina,
        cases: [one.reference, two.reference],
    }
}

fn unzip(bytes: &[u8]) -> std::collections::HashMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().unwrap().to_string(), text)
        })
        .collect()
}

const THIRD_PARTY: [&str; 6] = [
    "Gary",
    "Bolton",
    "BOLTON",
    "07700 900111",
    "Oak Road",
    "Sara Begum",
];

#[tokio::test]
async fn a_person_on_several_cases_gets_everything_about_them_with_third_parties_redacted() {
    let w = world().await;
    let mut manager = w.app.signed_in(Role::Manager).await;

    let found = manager.get("/people?q=amina+khan").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains(&format!("href=\"/people/{}\"", w.amina)));
    assert!(found.body.contains(&w.cases[0]) && found.body.contains(&w.cases[1]));
    let by_postcode = manager.get("/people?q=LE2+7XY").await;
    assert!(
        by_postcode
            .body
            .contains(&format!("href=\"/people/{}\"", w.amina))
    );
    assert!(!by_postcode.body.contains("Gary Bolton"));

    let person = manager.get(&format!("/people/{}", w.amina)).await;
    assert_eq!(person.status, StatusCode::OK);
    assert!(person.body.contains(&w.cases[0]) && person.body.contains(&w.cases[1]));
    assert!(person.body.contains("/subject-access.zip"));

    // The printable page.
    let page = manager.get(&format!("/people/{}/subject-access", w.amina)).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    for wanted in [
        "Amina Khan",
        "07700 900222",
        "3 Elm Road",
        "Pakistani",
        &w.cases[0],
        &w.cases[1],
    ] {
        assert!(body.contains(wanted), "the page gives {wanted}");
    }
    assert!(body.contains("[alleged perpetrator]") && body.contains("[victim]"));
    for never in THIRD_PARTY {
        assert!(!body.contains(never), "the page must not give {never}");
    }

    // The zip.
    let (status, headers, bytes) = manager
        .get_bytes(&format!("/people/{}/subject-access.zip", w.amina))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/zip");
    let files = unzip(&bytes);
    let mut names: Vec<&str> = files.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "README.txt",
            "cases.json",
            "person.json",
            "records.csv",
            "redactions.csv"
        ]
    );
    let person: serde_json::Value = serde_json::from_str(&files["person.json"]).unwrap();
    assert_eq!(person["name"], "Amina Khan");
    assert!(files["person.json"].contains("07700 900222"));
    assert!(files["person.json"].contains("Pakistani"));
    let cases: serde_json::Value = serde_json::from_str(&files["cases.json"]).unwrap();
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0]["reference"], w.cases[0].as_str());
    assert_eq!(cases[0]["roles"][0], "Victim");
    assert_eq!(cases[1]["roles"][0], "Witness");
    assert_eq!(
        cases[0]["incidents"][0]["description"],
        "[alleged perpetrator] shouted racist abuse at Amina from [alleged perpetrator: address]. [alleged perpetrator] then rang her on [alleged perpetrator: phone]."
    );
    assert_eq!(
        cases[1]["incidents"][0]["description"],
        "[alleged perpetrator] threw a bottle at [victim]'s window; Amina Khan saw it."
    );
    assert!(files["records.csv"].contains(&w.cases[1]));
    for (name, text) in &files {
        for never in THIRD_PARTY {
            assert!(!text.contains(never), "{name} must not give {never}");
        }
        // Nobody else's monitoring answers either.
        assert!(!text.contains("English, Welsh"), "{name}");
    }
    let redactions = &files["redactions.csv"];
    assert!(redactions.contains("Case,Record,Kind of data,Replaced by,Times"));
    assert!(redactions.contains(&format!("{},Report 1,name,[alleged perpetrator],2", w.cases[0])));
    assert!(redactions.contains(&format!("{},Report 1,name,[victim],1", w.cases[1])));
    assert!(redactions.contains("phone,[alleged perpetrator: phone]"));

    // One export row per output, naming the person and the format and nothing held.
    let audited = w
        .app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person.subject_access_exported' \
             AND target_type = 'person' AND target_id = '{}'",
            w.amina
        ))
        .await;
    assert_eq!(audited, 2);
    let leaked = w
        .app
        .count(
            "SELECT COUNT(*) FROM audit_events WHERE summary LIKE '%Amina%' OR summary LIKE '%Elm%' \
             OR summary LIKE '%khan%'",
        )
        .await;
    assert_eq!(leaked, 0);
}

#[tokio::test]
async fn only_managers_produce_subject_access_and_bad_ids_are_not_found() {
    let w = world().await;
    for role in [
        Role::TenancyOfficer,
        Role::HarassmentOfficer,
        Role::EqualityLead,
        Role::Admin,
    ] {
        let mut c = w.app.signed_in(role).await;
        for path in [
            "/people?q=khan".to_owned(),
            format!("/people/{}", w.amina),
            format!("/people/{}/subject-access", w.amina),
            format!("/people/{}/subject-access.zip", w.amina),
        ] {
            assert_eq!(
                c.get(&path).await.status,
                StatusCode::FORBIDDEN,
                "{role:?} {path}"
            );
        }
    }
    let mut manager = w.app.signed_in(Role::Manager).await;
    for path in [
        "/people/999999",
        "/people/999999/subject-access",
        "/people/999999/subject-access.zip",
        "/people/abc/subject-access",
        "/people/-1",
        "/people/99999999999999999999/subject-access.zip",
        "/people/%00/subject-access",
    ] {
        assert_eq!(manager.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(w.app.audit_count("person.subject_access_exported").await, 0);
}

#[tokio::test]
async fn restricted_cases_a_manager_may_see_are_included_and_a_search_finds_nobody_unseen() {
    let w = world().await;
    let area = fixtures::area(&w.app, "South").await;
    let officer = w.app.create_user("hana", Role::HarassmentOfficer).await;
    let mut hidden = CaseSpec::new(officer, area);
    hidden.restricted = true;
    hidden.named = vec![officer];
    hidden.victims = vec![PersonSpec::existing(w.amina)];
    let hidden = fixtures::case(&w.app, hidden).await;
    let mut manager = w.app.signed_in(Role::Manager).await;
    // Managers see every case, restricted ones too: all three are in the answer.
    let page = manager.get(&format!("/people/{}/subject-access", w.amina)).await;
    assert!(page.body.contains(&hidden.reference));
    assert!(!page.body.contains("not visible to you"));
    let empty = manager.get("/people?q=nobodyatall").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("Nobody matches"));
}

#[tokio::test]
async fn a_third_partys_earlier_name_and_a_correction_reason_are_redacted_and_the_answers_shown_audited() {
    let w = world().await;
    // Gary's record was corrected since the reports named him, and a correction of
    // Amina's own details gives a reason naming him.
    let gary = w
        .app
        .count(
            "SELECT CAST(person_id AS BIGINT) FROM case_parties WHERE role = 'alleged-perpetrator' LIMIT 1",
        )
        .await;
    let user = w.app.count("SELECT CAST(MIN(id) AS BIGINT) FROM users").await;
    let case_one = w
        .app
        .count(&format!(
            "SELECT CAST(id AS BIGINT) FROM cases WHERE reference = '{}'",
            w.cases[0]
        ))
        .await;
    w.app
        .exec(&format!(
            "UPDATE people SET name = 'Gareth Boltsworth', phone = NULL WHERE id = {gary}"
        ))
        .await;
    for (person, field, old, new, reason) in [
        (
            gary as i32,
            "name",
            "Gary Bolton",
            "Gareth Boltsworth",
            "Name as on his tenancy",
        ),
        (gary as i32, "phone", "07700 900111", "", "Number no longer his"),
        (
            w.amina,
            "address",
            "2 Elm Road",
            "3 Elm Road, Leicester",
            "Gary Bolton gave the wrong house number",
        ),
        // Sara is on case 2 only: a reason typed on case 1 still names her.
        (
            w.amina,
            "email",
            "",
            "amina@example.org",
            "Sara Begum gave us her email",
        ),
    ] {
        w.app
            .exec(&format!(
                "INSERT INTO person_changes (person_id, case_id, field, old_value, new_value, reason, changed_by, changed_at) \
                 VALUES ({person}, {case_one}, '{field}', '{old}', '{new}', '{reason}', {user}, '2026-11-20 10:00:00+00:00')"
            ))
            .await;
    }
    let mut manager = w.app.signed_in(Role::Manager).await;
    let page = manager.get(&format!("/people/{}/subject-access", w.amina)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("gave the wrong house number"),
        "the reason is given"
    );
    assert!(page.body.contains("[victim] gave us her email"));
    assert!(
        page.body.contains("2 Elm Road"),
        "her own earlier address is hers"
    );
    for never in THIRD_PARTY.iter().chain(&["Gareth", "Boltsworth"]) {
        assert!(!page.body.contains(never), "the page must not give {never}");
    }
    let (_, _, bytes) = manager
        .get_bytes(&format!("/people/{}/subject-access.zip", w.amina))
        .await;
    for (name, text) in unzip(&bytes) {
        for never in THIRD_PARTY {
            assert!(!text.contains(never), "{name} must not give {never}");
        }
    }
    // Her monitoring answers were in both: each showing is audited like a case view.
    let shown = w
        .app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person.monitoring_viewed' \
             AND target_id = '{}' AND summary LIKE '%Subject access%'",
            w.amina
        ))
        .await;
    assert_eq!(shown, 2);
}
