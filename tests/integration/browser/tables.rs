//! At phone width every table shows its rows as labelled cards, so no column is cut off:
//! every cell of every table on the pages staff use most lies inside the viewport.

use super::{Axe, Browser, Tools, assert_no_horizontal_overflow, sign_in};
use crate::{
    common::TestApp,
    fixtures::{self, CaseSpec, PersonSpec},
};
use entity::Role;
use fantoccini::{Client, Locator};
use harbour::cases::codes;
use reqwest::StatusCode;
use serde_json::json;
use time::Duration;

#[tokio::test]
async fn every_tables_cells_fit_a_phone_screen() {
    let Some(tools) = Tools::find() else { return };
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let tina = app.create_user("tina", Role::TenancyOfficer).await;
    let harry = app.create_user("harry", Role::HarassmentOfficer).await;
    fixtures::give_area(&app, harry, area).await;
    app.create_user("maria", Role::Manager).await;
    // Harry's case, received ten days ago, has overdue and open deadlines and gets a plan;
    // an unassigned one waits in the triage queue.
    let case = fixtures::case(
        &app,
        CaseSpec {
            owner_id: Some(harry),
            received_at: Some(app.now() - Duration::days(10)),
            perpetrators: vec![PersonSpec::named("Dan Smith")],
            ..CaseSpec::new(tina, area)
        },
    )
    .await;
    fixtures::case(
        &app,
        CaseSpec {
            priority: codes::P2,
            received_at: Some(app.now() - Duration::days(3)),
            ..CaseSpec::new(tina, area)
        },
    )
    .await;
    agree_plan(&app, &case.reference, harry).await;

    let case_page = format!("/cases/{}", case.reference);
    let chronology = format!("{case_page}/chronology");
    let reference = case.reference.as_str();
    // Each page, the columns the issue names on it (as its cells' labels) and text in its rows.
    let officer_pages: [Page; 4] = [
        ("/deadlines", &["Due", "Overdue by"], &[reference]),
        ("/cases?tab=mine", &["Priority", "Risk", "Area"], &[reference]),
        (
            &case_page,
            &["Due", "Target date"],
            &["Record done", "Extend", "Fit new door locks"],
        ),
        (&chronology, &["When", "What"], &["Report received"]),
    ];
    let manager_pages: [Page; 6] = [
        ("/deadlines?view=team", &["Due", "Overdue by"], &[reference]),
        (
            "/cases?tab=triage",
            &["Priority", "Risk", "Area"],
            &["Priority 2", "Unassigned"],
        ),
        ("/cases?tab=all", &["Case officer"], &[reference, "harry Test"]),
        ("/compliance", &["% on time"], &[]),
        ("/compliance/cases?period=ytd&bucket=due", &[], &[reference]),
        ("/reports", &[], &["By victim ethnicity"]),
    ];
    for (user, pages) in [("harry", &officer_pages[..]), ("maria", &manager_pages[..])] {
        let browser = Browser::start(&tools, (360, 740)).await;
        let c = browser.client();
        let mut axe = Axe::new(&tools.axe_source);
        let mut problems = Vec::new();
        sign_in(c, &app.base, user).await;
        for &(path, columns, texts) in pages {
            c.goto(&format!("{}{path}", app.base))
                .await
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            c.wait()
                .for_element(Locator::Css("main h1"))
                .await
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            let main = c.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
            for text in texts {
                assert!(main.contains(text), "{path} shows {text:?}: {main}");
            }
            problems.extend(cells_not_fitting(c, path, columns).await);
            if path == case_page {
                // Shown as cards, the deadlines are still a table to assistive technology.
                for (css, role) in [
                    ("#deadlines table", "table"),
                    ("#deadlines thead th", "columnheader"),
                    ("#deadlines tbody tr", "row"),
                    ("#deadlines tbody td", "cell"),
                ] {
                    assert_eq!(computed_role(&browser, css).await, role, "{css}");
                }
            }
            assert_no_horizontal_overflow(c, path).await;
            axe.check(
                c,
                &format!("phone-tables-{user}{}", path.replace(['/', '?', '&', '='], "-")),
            )
            .await;
        }
        assert!(
            problems.is_empty(),
            "as {user}, at 360px wide:\n  {}",
            problems.join("\n  ")
        );
        axe.finish();
        browser.close().await;
    }
}

/// The role Chromium exposes to assistive technology for the first element matching `css`.
async fn computed_role(browser: &Browser, css: &str) -> String {
    let c = browser.client();
    let session = c.session_id().await.unwrap().expect("a session");
    let element = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    let url = format!(
        "http://{}/session/{session}/element/{}/computedrole",
        browser.driver_addr,
        element.element_id()
    );
    let answer = reqwest::get(&url).await.unwrap().text().await.unwrap();
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    answer["value"].as_str().unwrap_or_default().to_owned()
}

/// A page, the columns that must be there (as labels on its cells) and text its rows show.
type Page<'a> = (&'a str, &'a [&'a str], &'a [&'a str]);

/// Agrees, as harry, an action plan on the case with one action owned by `owner`.
async fn agree_plan(app: &TestApp, reference: &str, owner: i32) {
    let today = app.now().date().to_string();
    let target = (app.now().date() + Duration::days(7)).to_string();
    let owner = owner.to_string();
    let mut harry = app.signed_in_as("harry").await;
    let res = harry
        .post(
            &format!("/cases/{reference}/plan"),
            &[
                ("based_on", "0"),
                ("agreed_on", &today),
                ("copy_given_how", "in-person"),
                ("copy_given_on", &today),
                ("every_amount", "7"),
                ("every_unit", "calendar-days"),
                ("channel", "phone"),
                ("action-1-description", "Fit new door locks"),
                ("action-1-owner", &owner),
                ("action-1-owner_other", ""),
                ("action-1-target_on", &target),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "the plan is agreed: {}",
        res.body
    );
}

/// What breaks the rule that every `td` and `th` of every table lies within the viewport's
/// width and every cell given a column label shows it; `columns` missing from the labels.
async fn cells_not_fitting(c: &Client, page: &str, columns: &[&str]) -> Vec<String> {
    let found = c
        .execute(
            r#"
            const width = window.innerWidth;
            const cells = [...document.querySelectorAll('table td, table th')];
            const outside = cells.filter(e => {
                const r = e.getBoundingClientRect();
                return r.left < 0 || r.right > width + 1;
            }).map(e => {
                const r = e.getBoundingClientRect();
                const column = e.dataset.label || e.tagName.toLowerCase();
                return `${column} at ${Math.round(r.left)}..${Math.round(r.right)}px: ${e.textContent.trim().slice(0, 40)}`;
            });
            const unlabelled = [...document.querySelectorAll('table [data-label]')]
                .filter(e => getComputedStyle(e, '::before').content === 'none')
                .map(e => e.dataset.label);
            const labels = new Set([...document.querySelectorAll('table [data-label]')].map(e => e.dataset.label));
            const missing = arguments[0].filter(column => !labels.has(column));
            return { cells: cells.length, outside: outside.slice(0, 5), unlabelled: unlabelled.slice(0, 5), missing };
            "#,
            vec![json!(columns)],
        )
        .await
        .unwrap_or_else(|e| panic!("{page}: measuring cells: {e}"));
    assert!(found["cells"].as_u64().unwrap_or(0) > 0, "{page} has table cells");
    let listed = |key: &str| found[key].as_array().cloned().unwrap_or_default();
    let mut problems = Vec::new();
    if !listed("outside").is_empty() {
        problems.push(format!(
            "{page}: cells reach outside the screen: {}",
            found["outside"]
        ));
    }
    if !listed("unlabelled").is_empty() {
        problems.push(format!(
            "{page}: cells do not show their column: {}",
            found["unlabelled"]
        ));
    }
    if !listed("missing").is_empty() {
        problems.push(format!("{page}: no cells labelled {}", found["missing"]));
    }
    problems
}
