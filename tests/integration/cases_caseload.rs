//! Caseloads (`/cases`): each tab for each role, every filter, search, sorting, pages and
//! totals; restricted cases absent from every list, search and count for those not named;
//! assignment by managers and taking by harassment officers.

use crate::{
    common::{Client, Res, TestApp},
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::{Role, case_access, cases, timeline_entries, users};
use harbour::cases::codes;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::macros::datetime;

/// Six cases in two areas, two of them restricted, and one of each kind of user.
///
/// | case | logged by | area  | owner | status | priority | restricted      | received (UTC)   | victim      |
/// |------|-----------|-------|-------|--------|----------|-----------------|------------------|-------------|
/// | c1   | to        | north | –     | open   | P1       |                 | 2026-11-20 10:00 | Amina Khan  |
/// | c2   | to2       | south | ho    | open   | P2       |                 | 2026-11-10 12:00 | John Smith  |
/// | c3   | to2       | north | ho    | closed | P1       |                 | 2026-10-01 09:00 | Grace O'Neil|
/// | c4   | to        | north | ho2   | open   | P1       | yes, ho2 named  | 2026-11-21 08:00 | Bilal Khan  |
/// | c5   | to        | south | –     | open   | P1       |                 | 2026-09-14 23:30 | Peter Jones |
/// | c6   | to2       | north | –     | open   | P2       | yes, nobody     | 2026-11-22 15:00 | Sara Khan   |
struct World {
    app: TestApp,
    north: i32,
    south: i32,
    ho: i32,
    ho2: i32,
    to: i32,
    c: Vec<String>,
    ids: Vec<i32>,
}

impl World {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        let north = fixtures::area(&app, "North").await;
        let south = fixtures::area(&app, "South").await;
        let ho = app.create_user("hana", Role::HarassmentOfficer).await;
        fixtures::give_area(&app, ho, north).await;
        let ho2 = app.create_user("omar", Role::HarassmentOfficer).await;
        fixtures::give_area(&app, ho2, south).await;
        let to = app.create_user("tom", Role::TenancyOfficer).await;
        fixtures::give_area(&app, to, north).await;
        let to2 = app.create_user("tia", Role::TenancyOfficer).await;
        fixtures::give_area(&app, to2, south).await;
        app.create_user("maya", Role::Manager).await;

        let spec = |logged_by, area, owner, received, victim: PersonSpec| CaseSpec {
            owner_id: owner,
            received_at: Some(received),
            victims: vec![victim],
            ..CaseSpec::new(logged_by, area)
        };
        let mut specs = vec![];
        specs.push(CaseSpec {
            perpetrators: vec![PersonSpec::named("Dean Brown")],
            ..spec(
                to,
                north,
                None,
                datetime!(2026-11-20 10:00 UTC),
                PersonSpec::named("Amina Khan")
                    .tenancy("T-0012/3")
                    .at("12 Oak Road, Leicester", "LE1 5AB"),
            )
        });
        specs.push(CaseSpec {
            priority: codes::P2,
            strands: vec!["religion"],
            ..spec(
                to2,
                south,
                Some(ho),
                datetime!(2026-11-10 12:00 UTC),
                PersonSpec::named("John Smith")
                    .tenancy("S-1")
                    .at("3 Elm Street", "LE2 7XY"),
            )
        });
        specs.push(CaseSpec {
            status: codes::CLOSED,
            ..spec(
                to2,
                north,
                Some(ho),
                datetime!(2026-10-01 09:00 UTC),
                PersonSpec::named("Grace O'Neil"),
            )
        });
        specs.push(CaseSpec {
            restricted: true,
            named: vec![ho2],
            ..spec(
                to,
                north,
                Some(ho2),
                datetime!(2026-11-21 08:00 UTC),
                PersonSpec::named("Bilal Khan").at("14 Oak Road", "LE1 5AB"),
            )
        });
        specs.push(CaseSpec {
            strands: vec!["disability"],
            // 00:30 on 15 September in London (BST).
            ..spec(
                to,
                south,
                None,
                datetime!(2026-09-14 23:30 UTC),
                PersonSpec::named("Peter Jones"),
            )
        });
        specs.push(CaseSpec {
            restricted: true,
            priority: codes::P2,
            ..spec(
                to2,
                north,
                None,
                datetime!(2026-11-22 15:00 UTC),
                PersonSpec::named("Sara Khan"),
            )
        });
        let mut c = vec![];
        let mut ids = vec![];
        for s in specs {
            let created = fixtures::case(&app, s).await;
            c.push(created.reference);
            ids.push(created.id);
        }
        World {
            app,
            north,
            south,
            ho,
            ho2,
            to,
            c,
            ids,
        }
    }

    /// References of cases c1..c6 by number.
    fn refs(&self, numbers: &[usize]) -> Vec<String> {
        numbers.iter().map(|n| self.c[n - 1].clone()).collect()
    }

    async fn case(&self, n: usize) -> cases::Model {
        cases::Entity::find_by_id(self.ids[n - 1])
            .one(&self.app.db)
            .await
            .unwrap()
            .unwrap()
    }
}

/// Case references linked from the page, in order.
fn listed(res: &Res) -> Vec<String> {
    res.body
        .split("href=\"/cases/HC-")
        .skip(1)
        .map(|rest| format!("HC-{}", &rest[..rest.find('"').unwrap()]))
        .collect()
}

/// The total from "Showing 1 to 2 of 2", or 0 for an empty list.
fn total(res: &Res) -> u64 {
    match res.body.split("Showing ").nth(1) {
        Some(rest) => {
            let of = rest.split(" of ").nth(1).unwrap();
            of[..of.find(|c: char| !c.is_ascii_digit()).unwrap()]
                .parse()
                .unwrap()
        }
        None => {
            assert!(
                res.body.contains("No cases match"),
                "neither a list nor an empty state"
            );
            0
        }
    }
}

/// GETs `/cases?{query}` and returns (references listed, total).
async fn list(c: &mut Client, query: &str) -> (Vec<String>, u64) {
    let res = c.get(&format!("/cases?{query}")).await;
    assert_eq!(res.status, StatusCode::OK, "/cases?{query}: {}", res.body);
    (listed(&res), total(&res))
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn assert_tab(c: &mut Client, w: &World, query: &str, expected: &[usize]) {
    let (refs, n) = list(c, query).await;
    assert_eq!(sorted(refs), w.refs(expected), "{query}");
    assert_eq!(n, expected.len() as u64, "total for {query}");
}

#[tokio::test]
async fn each_tab_shows_what_each_role_may_see() {
    let w = World::new().await;

    let mut manager = w.app.signed_in_as("maya").await;
    let res = manager.get("/cases").await;
    assert!(
        res.body.contains(r#"aria-current="true">Triage queue"#),
        "managers start on triage"
    );
    assert_tab(&mut manager, &w, "", &[1, 5, 6]).await;
    assert_tab(&mut manager, &w, "tab=mine", &[]).await;
    assert_tab(&mut manager, &w, "tab=all", &[1, 2, 3, 4, 5, 6]).await;

    let mut ho = w.app.signed_in_as("hana").await;
    let res = ho.get("/cases").await;
    assert!(
        res.body.contains(r#"aria-current="true">My cases"#),
        "officers start on their own"
    );
    assert_tab(&mut ho, &w, "", &[2, 3]).await;
    assert_tab(&mut ho, &w, "tab=triage", &[1, 5]).await;
    assert_tab(&mut ho, &w, "tab=all", &[1, 2, 3, 5]).await;

    // Named on restricted c4, and owner of it.
    let mut ho2 = w.app.signed_in_as("omar").await;
    assert_tab(&mut ho2, &w, "tab=mine", &[4]).await;
    assert_tab(&mut ho2, &w, "tab=triage", &[1, 5]).await;
    assert_tab(&mut ho2, &w, "tab=all", &[1, 2, 3, 4, 5]).await;

    // Own-logged (c1, c5; not restricted c4) plus own area (c3); never c2 (south, logged by
    // someone else) or the restricted ones.
    let mut to = w.app.signed_in_as("tom").await;
    assert_tab(&mut to, &w, "", &[1, 5]).await;
    assert_tab(&mut to, &w, "tab=triage", &[1, 5]).await;
    assert_tab(&mut to, &w, "tab=all", &[1, 3, 5]).await;

    let mut admin = w.app.signed_in(Role::Admin).await;
    assert_eq!(admin.get("/cases").await.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/cases?tab=all").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_table_shows_each_case_in_one_row() {
    let w = World::new().await;
    let mut manager = w.app.signed_in_as("maya").await;
    let res = manager.get(&format!("/cases?tab=all&q={}", w.c[0])).await;
    assert_eq!(listed(&res), w.refs(&[1]));
    for shown in [
        "Amina Khan",
        "Priority 1",
        "Open",
        "North",
        "Unassigned",
        "Race",
        r#"<time datetime="2026-11-20T10:00:00Z">20 Nov 2026, 10:00</time>"#,
    ] {
        assert!(res.body.contains(shown), "{shown} missing");
    }
    assert!(!res.body.contains("Dean Brown"), "only victims are listed");
    // As people type it: without the zeros, with spaces.
    let (year, number) = w.c[0].trim_start_matches("HC-").split_once('-').unwrap();
    let short = format!("hc+{year}+{}", number.trim_start_matches('0'));
    let res = manager.get(&format!("/cases?tab=all&q={short}")).await;
    assert_eq!(listed(&res), w.refs(&[1]), "{short}");
    let res = manager.get(&format!("/cases?tab=all&q={}", w.c[3])).await;
    for shown in ["Bilal Khan", "Restricted", "omar Test"] {
        assert!(res.body.contains(shown), "{shown} missing");
    }
}

#[tokio::test]
async fn filters_narrow_the_list_and_stay_in_the_form() {
    let w = World::new().await;
    let mut m = w.app.signed_in_as("maya").await;
    let all = "tab=all";
    assert_tab(&mut m, &w, &format!("{all}&status=closed"), &[3]).await;
    assert_tab(&mut m, &w, &format!("{all}&status=open"), &[1, 2, 4, 5, 6]).await;
    assert_tab(&mut m, &w, &format!("{all}&priority=p2"), &[2, 6]).await;
    assert_tab(&mut m, &w, &format!("{all}&area={}", w.south), &[2, 5]).await;
    assert_tab(&mut m, &w, &format!("{all}&area={}", w.north), &[1, 3, 4, 6]).await;
    assert_tab(&mut m, &w, &format!("{all}&owner=unassigned"), &[1, 5, 6]).await;
    assert_tab(&mut m, &w, &format!("{all}&owner={}", w.ho), &[2, 3]).await;
    assert_tab(&mut m, &w, &format!("{all}&strand=religion"), &[2]).await;
    assert_tab(&mut m, &w, &format!("{all}&strand=disability"), &[5]).await;
    assert_tab(&mut m, &w, &format!("{all}&strand=race"), &[1, 3, 4, 6]).await;
    assert_tab(
        &mut m,
        &w,
        &format!("{all}&from=2026-11-01&to=2026-11-20"),
        &[1, 2],
    )
    .await;
    assert_tab(&mut m, &w, &format!("{all}&from=2026-11-21"), &[4, 6]).await;
    assert_tab(&mut m, &w, &format!("{all}&to=2026-10-01"), &[3, 5]).await;
    // London days: 23:30 UTC on 14 September is 00:30 on the 15th in London.
    assert_tab(&mut m, &w, &format!("{all}&from=2026-09-15&to=2026-09-15"), &[5]).await;
    assert_tab(&mut m, &w, &format!("{all}&from=2026-09-14&to=2026-09-14"), &[]).await;
    // Combined, and within a tab.
    assert_tab(
        &mut m,
        &w,
        &format!("{all}&status=open&priority=p1&area={}", w.north),
        &[1, 4],
    )
    .await;
    assert_tab(&mut m, &w, &format!("tab=triage&area={}", w.north), &[1, 6]).await;

    // The form keeps what was chosen, and page links keep the filters.
    let res = m
        .get(&format!(
            "/cases?tab=all&status=open&priority=p1&area={}&owner=unassigned&strand=race&from=2026-11-01&q=khan&sort=oldest",
            w.north
        ))
        .await;
    for kept in [
        r#"<option value="open" selected>"#.to_owned(),
        r#"<option value="p1" selected>"#.to_owned(),
        format!(r#"<option value="{}" selected>"#, w.north),
        r#"<option value="unassigned" selected>"#.to_owned(),
        r#"<option value="race" selected>"#.to_owned(),
        r#"<option value="oldest" selected>"#.to_owned(),
        r#"value="2026-11-01""#.to_owned(),
        r#"value="khan""#.to_owned(),
        r#"name="tab" value="all""#.to_owned(),
    ] {
        assert!(res.body.contains(&kept), "{kept} not kept");
    }
    assert_eq!(sorted(listed(&res)), w.refs(&[1]));
    // Tab links carry the filters too.
    assert!(
        res.body
            .contains("href=\"/cases?tab=triage&amp;q=khan&amp;status=open")
    );
}

#[tokio::test]
async fn bad_query_values_are_ignored_or_explained_never_a_server_error() {
    let w = World::new().await;
    let mut m = w.app.signed_in_as("maya").await;
    for query in [
        "page=abc",
        "page=-3",
        "page=99999999999999999999999",
        "tab=nonsense",
        "status=lost&priority=p9&area=abc&owner=42x&strand=nope&sort=sideways",
        "status=open&status=closed",
        "area=999999&owner=999999",
        "q=smith%27%3B+DROP+TABLE+cases%3B--",
        "q=50%25+off_%5C",
        "unknown=1",
    ] {
        let res = m.get(&format!("/cases?{query}")).await;
        assert_eq!(res.status, StatusCode::OK, "{query}: {}", res.body);
    }
    assert_tab(&mut m, &w, "tab=all&status=lost&page=abc", &[1, 2, 3, 4, 5, 6]).await;

    // A malformed date: 400, the form with an inline error and the value as typed, no list.
    for (query, field) in [
        ("tab=all&from=2026-13-01", "from"),
        ("tab=all&to=yesterday", "to"),
        ("tab=all&from=2026-11-20&to=2026-11-01", "to"),
    ] {
        let res = m.get(&format!("/cases?{query}")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(res.body.contains("There is a problem"));
        assert!(res.body.contains(&format!("href=\"#{field}\"")), "{query}");
        assert!(res.body.contains(&format!("id=\"{field}-error\"")), "{query}");
        assert!(res.body.contains("<title>Error: Cases"));
        assert!(listed(&res).is_empty(), "no list beside a bad date");
    }
    let res = m.get("/cases?tab=all&to=yesterday").await;
    assert_eq!(res.input_value("to").as_deref(), Some("yesterday"));

    // A search with no usable words.
    let res = m.get("/cases?tab=all&q=%21%21%21").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("href=\"#q\""));
}

#[tokio::test]
async fn search_finds_references_names_addresses_postcodes_and_tenancy_references() {
    let w = World::new().await;
    let mut m = w.app.signed_in_as("maya").await;
    let q = |s: &str| {
        format!(
            "tab=all&q={}",
            url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
        )
    };
    assert_tab(&mut m, &w, &q(&w.c[1]), &[2]).await;
    assert_tab(&mut m, &w, &q(&w.c[1].to_lowercase()), &[2]).await;
    assert_tab(&mut m, &w, &q("HC-2026-999999"), &[]).await;
    // A first name, a surname, a prefix, and words matched across the people on a case.
    assert_tab(&mut m, &w, &q("amina"), &[1]).await;
    assert_tab(&mut m, &w, &q("Khan"), &[1, 4, 6]).await;
    assert_tab(&mut m, &w, &q("kha"), &[1, 4, 6]).await;
    assert_tab(&mut m, &w, &q("smith"), &[2]).await;
    assert_tab(&mut m, &w, &q("Amina Khan"), &[1]).await;
    assert_tab(&mut m, &w, &q("khan brown"), &[1]).await;
    assert_tab(&mut m, &w, &q("O'Neil"), &[3]).await;
    assert_tab(&mut m, &w, &q("amina smith"), &[]).await;
    // Words are prefixes of stored words, never matched inside them.
    assert_tab(&mut m, &w, &q("han"), &[]).await;
    // Address and postcode.
    assert_tab(&mut m, &w, &q("oak road"), &[1, 4]).await;
    assert_tab(&mut m, &w, &q("12 oak"), &[1]).await;
    assert_tab(&mut m, &w, &q("LE1 5AB"), &[1, 4]).await;
    assert_tab(&mut m, &w, &q("le15ab"), &[1, 4]).await;
    assert_tab(&mut m, &w, &q("LE2"), &[2]).await;
    assert_tab(&mut m, &w, &q("LE1 5AB amina"), &[1]).await;
    // Tenancy references, typed with or without their separators.
    assert_tab(&mut m, &w, &q("T-0012/3"), &[1]).await;
    assert_tab(&mut m, &w, &q("t00123"), &[1]).await;
    assert_tab(&mut m, &w, &q("T0012"), &[1]).await;
    // Search combines with the tab and the filters.
    assert_tab(&mut m, &w, "tab=triage&q=khan", &[1, 6]).await;
    assert_tab(&mut m, &w, "tab=all&q=khan&priority=p2", &[6]).await;
}

#[tokio::test]
async fn searches_are_audited_without_the_words() {
    let w = World::new().await;
    let mut m = w.app.signed_in_as("maya").await;
    let searched = "SELECT COUNT(*) FROM audit_events WHERE action = 'caseload.searched'";
    m.get("/cases?tab=all").await;
    m.get("/cases?tab=all&status=open").await;
    assert_eq!(w.app.count(searched).await, 0, "plain views are not searches");
    m.get("/cases?tab=all&q=Amina+Khan&status=open").await;
    assert_eq!(w.app.count(searched).await, 1);
    m.get(&format!("/cases?tab=all&q={}", w.c[1])).await;
    assert_eq!(w.app.count(searched).await, 2);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM audit_events WHERE action = 'caseload.searched' AND (LOWER(summary) LIKE '%amina%' OR LOWER(summary) LIKE '%khan%')")
            .await,
        0,
        "searched words are personal data and stay out of the audit trail"
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'caseload.searched' AND target_type = 'case' AND target_id = '{}' AND summary LIKE '%1 result%'",
                w.c[1]
            ))
            .await,
        1
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM audit_events WHERE action = 'caseload.searched' AND summary LIKE '%2 words%status open%1 result%'")
            .await,
        1
    );
}

#[tokio::test]
async fn sort_orders() {
    let w = World::new().await;
    let mut m = w.app.signed_in_as("maya").await;
    let order = |n: &[usize]| w.refs(n);
    assert_eq!(list(&mut m, "tab=all").await.0, order(&[6, 4, 1, 2, 3, 5]));
    assert_eq!(
        list(&mut m, "tab=all&sort=newest").await.0,
        order(&[6, 4, 1, 2, 3, 5])
    );
    assert_eq!(
        list(&mut m, "tab=all&sort=oldest").await.0,
        order(&[5, 3, 2, 1, 4, 6])
    );
    assert_eq!(
        list(&mut m, "tab=all&sort=reference").await.0,
        order(&[1, 2, 3, 4, 5, 6])
    );
    assert_eq!(
        list(&mut m, "tab=all&sort=priority").await.0,
        order(&[5, 3, 1, 4, 2, 6])
    );
}

#[tokio::test]
async fn pages_and_totals_leave_out_restricted_cases() {
    let app = TestApp::spawn().await;
    let north = fixtures::area(&app, "North").await;
    app.create_user("hana", Role::HarassmentOfficer).await;
    let to = app.create_user("tom", Role::TenancyOfficer).await;
    fixtures::give_area(&app, to, north).await;
    app.create_user("maya", Role::Manager).await;
    for i in 0..63 {
        fixtures::case(
            &app,
            CaseSpec {
                restricted: i % 21 == 0,
                received_at: Some(datetime!(2026-11-01 12:00 UTC) + time::Duration::hours(i)),
                ..CaseSpec::new(to, north)
            },
        )
        .await;
    }
    let mut ho_client = app.signed_in_as("hana").await;
    let res = ho_client.get("/cases?tab=all").await;
    assert!(res.body.contains("Showing 1 to 50 of 60"), "{}", res.body);
    assert_eq!(listed(&res).len(), 50);
    assert!(res.body.contains("href=\"/cases?tab=all&amp;page=2\""));
    let res = ho_client.get("/cases?tab=all&page=2").await;
    assert!(res.body.contains("Showing 51 to 60 of 60"));
    assert_eq!(listed(&res).len(), 10);
    // Out of range: the last page.
    let res = ho_client.get("/cases?tab=all&page=7").await;
    assert!(res.body.contains("Showing 51 to 60 of 60"));
    // Search totals too, and links keep the search.
    let res = ho_client.get("/cases?tab=all&q=amina&page=2").await;
    assert!(res.body.contains("Showing 51 to 60 of 60"));
    assert!(
        res.body
            .contains("href=\"/cases?tab=all&amp;q=amina&amp;page=1\"")
    );
    let res = ho_client.get("/cases?tab=all&q=amina&page=9").await;
    assert!(
        res.body.contains("Showing 51 to 60 of 60"),
        "a search past its end shows its last page"
    );
    assert_eq!(listed(&res).len(), 10);

    let mut to_client = app.signed_in_as("tom").await;
    let (_, n) = list(&mut to_client, "tab=mine").await;
    assert_eq!(n, 60, "restricted cases the officer logged are not counted");

    let mut manager = app.signed_in_as("maya").await;
    let (_, n) = list(&mut manager, "tab=all").await;
    assert_eq!(n, 63);
}

#[tokio::test]
async fn restricted_cases_are_absent_from_every_tab_search_and_count() {
    let w = World::new().await;
    let (c4, c6) = (w.c[3].clone(), w.c[5].clone());
    let queries = [
        "tab=mine".to_owned(),
        "tab=triage".to_owned(),
        "tab=all".to_owned(),
        "tab=all&q=khan".to_owned(),
        "tab=all&q=oak".to_owned(),
        "tab=all&q=le1+5ab".to_owned(),
        "tab=triage&q=khan".to_owned(),
        format!("tab=all&q={c4}"),
        format!("tab=all&q={c6}"),
        format!("tab=all&area={}", w.north),
        "tab=all&strand=race".to_owned(),
        "tab=all&owner=unassigned".to_owned(),
        format!("tab=all&owner={}", w.ho2),
        "tab=all&priority=p2".to_owned(),
        "tab=all&from=2026-11-21".to_owned(),
        "tab=all&sort=priority".to_owned(),
    ];
    // A tenancy officer in the cases' area (who logged c4) and a harassment officer not
    // named on either.
    for user in ["tom", "hana"] {
        let mut c = w.app.signed_in_as(user).await;
        for query in &queries {
            let res = c.get(&format!("/cases?{query}")).await;
            assert_eq!(res.status, StatusCode::OK);
            for hidden in [&c4, &c6] {
                assert!(!listed(&res).contains(hidden), "{user} sees {hidden} on {query}");
            }
            for name in ["Bilal", "Sara Khan"] {
                assert!(!res.body.contains(name), "{user} sees {name} on {query}");
            }
        }
        let (_, n) = list(&mut c, "tab=all&q=khan").await;
        assert_eq!(n, 1, "{user}: only c1 counts");
        let (_, n) = list(&mut c, &format!("tab=all&q={c4}")).await;
        assert_eq!(n, 0);
    }
    // A manager sees both; the officer named on c4 sees c4 but not c6.
    let mut m = w.app.signed_in_as("maya").await;
    assert_tab(&mut m, &w, &format!("tab=all&q={c4}"), &[4]).await;
    assert_tab(&mut m, &w, &format!("tab=all&q={c6}"), &[6]).await;
    assert_tab(&mut m, &w, "tab=all&q=khan", &[1, 4, 6]).await;
    let mut named = w.app.signed_in_as("omar").await;
    assert_tab(&mut named, &w, &format!("tab=all&q={c4}"), &[4]).await;
    assert_tab(&mut named, &w, &format!("tab=all&q={c6}"), &[]).await;
    assert_tab(&mut named, &w, "tab=all&q=khan", &[1, 4]).await;
    assert_tab(&mut named, &w, "tab=mine&q=khan", &[4]).await;
}

#[tokio::test]
async fn home_and_navigation_link_to_cases_for_case_roles_only() {
    let w = World::new().await;
    for user in ["tom", "hana", "maya"] {
        let mut c = w.app.signed_in_as(user).await;
        let home = c.get("/").await;
        assert!(home.body.contains(r#"href="/cases/new""#), "{user}");
        assert!(home.body.contains(r#"href="/cases""#), "{user}");
        assert!(home.body.contains("Log a report"));
    }
    let mut admin = w.app.signed_in(Role::Admin).await;
    let home = admin.get("/").await;
    assert!(!home.body.contains("href=\"/cases"));
}

// ---------- Assignment ----------

async fn timeline(w: &World, n: usize) -> Vec<timeline_entries::Model> {
    timeline_entries::Entity::find()
        .filter(timeline_entries::Column::CaseId.eq(w.ids[n - 1]))
        .filter(timeline_entries::Column::Kind.eq("assigned"))
        .all(&w.app.db)
        .await
        .unwrap()
}

async fn named_on(w: &World, n: usize, user: i32) -> bool {
    case_access::Entity::find()
        .filter(case_access::Column::CaseId.eq(w.ids[n - 1]))
        .filter(case_access::Column::UserId.eq(user))
        .one(&w.app.db)
        .await
        .unwrap()
        .is_some()
}

async fn audit_rows(w: &World, action: &str, reference: &str) -> i64 {
    w.app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND target_type = 'case' AND target_id = '{reference}'"
        ))
        .await
}

#[tokio::test]
async fn a_manager_assigns_and_reassigns_to_harassment_officers() {
    let w = World::new().await;
    let mut m = w.app.signed_in_as("maya").await;
    let c1 = w.c[0].clone();
    let before = w.case(1).await;

    let res = m
        .post(&format!("/cases/{c1}/assign"), &[("owner_id", &w.ho.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), Some(format!("/cases/{c1}").as_str()));
    let after = w.case(1).await;
    assert_eq!(after.owner_id, Some(w.ho));
    assert_eq!(after.version, before.version + 1);
    assert_eq!(after.updated_at, w.app.now());
    assert!(named_on(&w, 1, w.ho).await);
    let entries = timeline(&w, 1).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].body, "Assigned to hana Test");
    assert_eq!(audit_rows(&w, "case.assigned", &c1).await, 1);
    // The flash shows on the next page.
    let next = m.get("/cases").await;
    assert!(next.body.contains(&format!("{c1} assigned to hana Test")));
    // Out of the triage queue, into the officer's caseload.
    assert_tab(&mut m, &w, "tab=triage", &[5, 6]).await;
    let mut hana = w.app.signed_in_as("hana").await;
    assert_tab(&mut hana, &w, "tab=mine", &[1, 2, 3]).await;

    let res = m
        .post(
            &format!("/cases/{c1}/assign"),
            &[("owner_id", &w.ho2.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(w.case(1).await.owner_id, Some(w.ho2));
    let entries = timeline(&w, 1).await;
    assert_eq!(entries.len(), 2);
    assert!(
        entries
            .iter()
            .any(|e| e.body == "Reassigned from hana Test to omar Test")
    );
    assert_eq!(audit_rows(&w, "case.assigned", &c1).await, 2);
    assert!(named_on(&w, 1, w.ho2).await);

    // A restricted case assigned to an officer not named on it becomes visible to them.
    let c6 = w.c[5].clone();
    assert_tab(&mut hana, &w, &format!("tab=all&q={c6}"), &[]).await;
    let res = m
        .post(&format!("/cases/{c6}/assign"), &[("owner_id", &w.ho.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(named_on(&w, 6, w.ho).await);
    assert_tab(&mut hana, &w, "tab=mine", &[2, 3, 6]).await;
}

#[tokio::test]
async fn assignment_to_anyone_but_an_active_harassment_officer_is_refused() {
    let w = World::new().await;
    let mut m = w.app.signed_in_as("maya").await;
    let c1 = w.c[0].clone();
    let gone = w.app.create_user("gone", Role::HarassmentOfficer).await;
    w.app
        .exec(&format!("UPDATE users SET active = false WHERE id = {gone}"))
        .await;
    let manager_id = users::Entity::find()
        .filter(users::Column::UsernameKey.eq("maya"))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    for owner in [
        w.to.to_string(),
        manager_id.to_string(),
        gone.to_string(),
        "999999".to_owned(),
        "abc".to_owned(),
        String::new(),
    ] {
        let res = m
            .post(&format!("/cases/{c1}/assign"), &[("owner_id", &owner)])
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "owner {owner}");
        assert!(res.body.contains("Choose an active harassment officer"));
    }
    let res = m.post(&format!("/cases/{c1}/assign"), &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let case = w.case(1).await;
    assert_eq!((case.owner_id, case.version), (None, 1), "nothing changed");
    assert!(timeline(&w, 1).await.is_empty());
    assert_eq!(audit_rows(&w, "case.assigned", &c1).await, 0);
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM case_access WHERE case_id = {}",
                w.ids[0]
            ))
            .await,
        0
    );
    // Unknown case: 404 before anything else.
    let res = m
        .post("/cases/HC-2026-999999/assign", &[("owner_id", &w.ho.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_managers_assign() {
    let w = World::new().await;
    let c1 = w.c[0].clone();
    for user in ["tom", "hana"] {
        let mut c = w.app.signed_in_as(user).await;
        let res = c
            .post(&format!("/cases/{c1}/assign"), &[("owner_id", &w.ho.to_string())])
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{user}");
    }
    let mut admin = w.app.signed_in(Role::Admin).await;
    let res = admin
        .post(&format!("/cases/{c1}/assign"), &[("owner_id", &w.ho.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(w.case(1).await.owner_id, None);
}

#[tokio::test]
async fn a_harassment_officer_takes_an_unassigned_case_in_their_area() {
    let w = World::new().await;
    let mut hana = w.app.signed_in_as("hana").await;
    let c1 = w.c[0].clone();
    let res = hana.post(&format!("/cases/{c1}/take"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), Some(format!("/cases/{c1}").as_str()));
    let case = w.case(1).await;
    assert_eq!((case.owner_id, case.version), (Some(w.ho), 2));
    assert!(named_on(&w, 1, w.ho).await);
    let entries = timeline(&w, 1).await;
    assert_eq!(entries.len(), 1);
    assert!(entries[0].body.starts_with("Assigned to hana Test"));
    assert_eq!(entries[0].author_id, Some(w.ho));
    assert_eq!(audit_rows(&w, "case.taken", &c1).await, 1);
    assert_tab(&mut hana, &w, "tab=mine", &[1, 2, 3]).await;
    assert_tab(&mut hana, &w, "tab=triage", &[5]).await;

    // Out of area (c5 is in the south): 403, nothing changed.
    let c5 = w.c[4].clone();
    let res = hana.post(&format!("/cases/{c5}/take"), &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("not one of your areas"));
    assert_eq!(w.case(5).await.owner_id, None);
    // Already assigned (c1 now hers, c2 too; ask for someone else's): 409.
    let mut omar = w.app.signed_in_as("omar").await;
    let c2 = w.c[1].clone();
    let res = omar.post(&format!("/cases/{c2}/take"), &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("already assigned to hana Test"));
    assert_eq!(w.case(2).await.owner_id, Some(w.ho));
    let res = hana.post(&format!("/cases/{c1}/take"), &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    // Closed: 409.
    w.app
        .exec(&format!(
            "UPDATE cases SET owner_id = NULL WHERE id = {}",
            w.ids[2]
        ))
        .await;
    let res = hana.post(&format!("/cases/{}/take", w.c[2]), &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("closed"));
    // A restricted case she may not see: 404, as if it did not exist.
    let res = hana.post(&format!("/cases/{}/take", w.c[5]), &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(w.case(6).await.owner_id, None);
    assert!(!named_on(&w, 6, w.ho).await);
    // The southern officer may take c5.
    let res = omar.post(&format!("/cases/{c5}/take"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(w.case(5).await.owner_id, Some(w.ho2));
    assert_eq!(
        w.app.audit_count("case.taken").await,
        2,
        "refusals change nothing and write nothing"
    );
}

#[tokio::test]
async fn only_harassment_officers_take() {
    let w = World::new().await;
    let c1 = w.c[0].clone();
    let mut tom = w.app.signed_in_as("tom").await;
    let mut maya = w.app.signed_in_as("maya").await;
    let mut admin = w.app.signed_in(Role::Admin).await;
    for c in [&mut tom, &mut maya, &mut admin] {
        let res = c.post(&format!("/cases/{c1}/take"), &[]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(w.case(1).await.owner_id, None);
}
