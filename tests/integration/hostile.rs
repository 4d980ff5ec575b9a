//! Hostile input on every route, generated from the route table: control characters,
//! broken percent-encoding, overlong text, huge and negative numbers, impossible dates,
//! duplicated and missing fields, in every query and form. Whatever is sent, no 500: bad
//! input is a 4xx page (or a form sent back), on both databases.

use crate::{
    common::{Client, TestApp},
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::Role;
use harbour::{
    auth::policy::{Permission, allows},
    routes::table,
};
use reqwest::Method;

/// Field and query names the forms and filters use (unknown ones are ignored).
const NAMES: [&str; 40] = [
    "q",
    "page",
    "period",
    "from",
    "to",
    "area",
    "status",
    "sort",
    "tab",
    "actor",
    "action",
    "target_type",
    "target_id",
    "mode",
    "kept",
    "other",
    "name",
    "description",
    "reason",
    "note",
    "body",
    "date",
    "time",
    "on_date",
    "amount",
    "cost",
    "version",
    "priority",
    "outcome",
    "role",
    "username",
    "password",
    "display_name",
    "email",
    "title",
    "kind",
    "received_date",
    "received_time",
    "people",
    "p0_name",
];

/// Values nobody should send.
fn hostile() -> Vec<String> {
    vec![
        "a\u{0}b\u{1b}c\u{7f}\u{8}".to_owned(),
        "x".repeat(5_000),
        "-99999999999999999999".to_owned(),
        "99999999999999999999999".to_owned(),
        "2026-02-30".to_owned(),
        "25:61".to_owned(),
        "<script>alert(1)</script>' OR 1=1 --".to_owned(),
    ]
}

/// Every name with `value` (cut short: an address stays under a few kilobytes).
fn query(value: &str) -> String {
    let value: String = value.chars().take(200).collect();
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(NAMES.iter().map(|n| (*n, value.as_str())))
        .finish()
}

fn short(value: &str) -> String {
    value.chars().take(20).collect()
}

fn assert_no_server_error(res: &crate::common::Res, what: &str) {
    assert!(
        !res.status.is_server_error() && !res.body.contains("Sorry, there is a problem"),
        "{what}: {} {}",
        res.status,
        &res.body[..res.body.len().min(300)]
    );
}

#[tokio::test]
async fn no_route_answers_hostile_input_with_a_server_error() {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let mo = app.create_user("mo", Role::Manager).await;
    let mut spec = CaseSpec::new(mo, area);
    spec.victims = vec![PersonSpec::named("Amina Khan").tenancy("T-1")];
    spec.perpetrators = vec![PersonSpec::named("Gary Mills")];
    let case = fixtures::case(&app, spec).await;
    let mut manager = app.signed_in_as("mo").await;
    let mut admin = app.signed_in(Role::Admin).await;

    for (method, pattern, permission) in table() {
        // Signing out, setting up and signing in are walked elsewhere (and sign-in here
        // would only meet the rate limit).
        if ["/logout", "/login"].contains(&pattern) || pattern.contains("{token}") {
            continue;
        }
        let path = pattern
            .replace("{reference}", &case.reference)
            .replace("{id}", "1")
            .replace("{number}", "1");
        let c: &mut Client = if allows(Role::Manager, permission) || permission == Permission::Public {
            &mut manager
        } else {
            &mut admin
        };
        if method == Method::GET {
            for value in hostile() {
                let res = c.get(&format!("{path}?{}", query(&value))).await;
                assert_no_server_error(&res, &format!("GET {path} with {:?}", short(&value)));
            }
            // Broken percent-encoding, as typed into the address bar.
            let res = c.get(&format!("{path}?q=%ZZ%&page=%00&period=%E2%28")).await;
            assert_no_server_error(&res, &format!("GET {path} with bad encoding"));
            continue;
        }
        c.get(if path.contains("/cases/") { &path } else { "/" }).await;
        for value in hostile() {
            let fields: Vec<(&str, &str)> = NAMES.iter().map(|n| (*n, value.as_str())).collect();
            let res = c.post(&path, &fields).await;
            assert_no_server_error(&res, &format!("POST {path} with {:?}", short(&value)));
        }
        // Every field twice, disagreeing; then nothing at all.
        let twice: Vec<(&str, &str)> = NAMES.iter().flat_map(|n| [(*n, "1"), (*n, "two")]).collect();
        let res = c.post(&path, &twice).await;
        assert_no_server_error(&res, &format!("POST {path} with every field twice"));
        let res = c.post(&path, &[]).await;
        assert_no_server_error(&res, &format!("POST {path} with no fields"));
    }
}
