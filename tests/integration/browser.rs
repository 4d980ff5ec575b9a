//! Real-browser checks: headless Chromium driven through chromedriver (WebDriver), with
//! axe-core run on each page for WCAG 2.2 AA problems.
//!
//! Needs /usr/bin/chromium, /usr/bin/chromedriver (Debian's `chromium` and `chromium-driver`;
//! other paths through HARBOUR_CHROMIUM and HARBOUR_CHROMEDRIVER) and axe-core from
//! `npm install --prefix tests/browser` (or its axe.min.js named by HARBOUR_AXE_PATH). Without
//! them the tests print "SKIPPED: ..." and pass, unless HARBOUR_REQUIRE_BROWSER=1 (as in CI),
//! when they fail instead. Screenshots of each page land in target/screenshots/.

mod tables;

use crate::common::{PASSWORD, TestApp};
use entity::Role;
use fantoccini::{Client, ClientBuilder, Locator, wd::Capabilities};
use serde_json::json;
use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// The WCAG levels checked: everything up to 2.2 AA.
const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

#[tokio::test]
async fn sign_in_reaches_home_and_pages_pass_axe() {
    let Some(tools) = Tools::find() else { return };
    let app = TestApp::spawn().await;
    app.create_user("mariam", Role::Manager).await;
    let browser = Browser::start(&tools, (1280, 900)).await;
    let c = browser.client();
    let mut axe = Axe::new(&tools.axe_source);

    c.goto(&format!("{}/login", app.base)).await.expect("open /login");
    c.wait()
        .for_element(Locator::Id("username"))
        .await
        .expect("the sign-in form shows");
    axe.check(c, "login").await;

    // An empty form comes back with the GOV.UK error summary, which must be accessible too.
    submit(c).await;
    let summary = c
        .wait()
        .for_element(Locator::Css(".error-summary"))
        .await
        .expect("the error summary shows");
    assert!(summary.text().await.unwrap().contains("There is a problem"));
    assert!(
        c.title().await.unwrap().starts_with("Error:"),
        "the title says the page has errors"
    );
    axe.check(c, "login-errors").await;

    sign_in(c, &app.base, "mariam").await;
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .expect("home page has a heading")
        .text()
        .await
        .unwrap();
    assert!(h1.contains("Welcome,"), "home heading: {h1:?}");
    assert!(h1.contains("mariam Test"), "home heading names the user: {h1:?}");
    axe.check(c, "home").await;

    axe.finish();
    browser.close().await;
}

#[tokio::test]
async fn phone_width_admin_pages_pass_axe() {
    let Some(tools) = Tools::find() else { return };
    let app = TestApp::spawn().await;
    app.create_user("ade", Role::Admin).await;
    let browser = Browser::start(&tools, (360, 740)).await;
    let c = browser.client();
    let mut axe = Axe::new(&tools.axe_source);

    c.goto(&format!("{}/login", app.base)).await.expect("open /login");
    c.wait()
        .for_element(Locator::Id("username"))
        .await
        .expect("the sign-in form shows");
    let inner_width = c.execute("return window.innerWidth", vec![]).await.unwrap();
    assert_eq!(inner_width.as_u64(), Some(360), "the viewport is phone-sized");
    assert_no_horizontal_overflow(c, "login").await;
    axe.check(c, "phone-login").await;

    sign_in(c, &app.base, "ade").await;
    for (path, name) in [
        ("/admin/users", "phone-admin-users"),
        ("/admin/users/new", "phone-admin-users-new"),
        ("/admin/areas", "phone-admin-areas"),
        ("/admin/procedure", "phone-admin-procedure"),
        ("/admin/calendar", "phone-admin-calendar"),
        ("/audit", "phone-audit"),
    ] {
        c.goto(&format!("{}{path}", app.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
        let url = c.current_url().await.unwrap();
        assert_eq!(url.path(), path, "{path} opened without a redirect");
        c.wait()
            .for_element(Locator::Css("main h1"))
            .await
            .unwrap_or_else(|e| panic!("{path} has a heading: {e}"));
        // Wide tables scroll inside their .table-wrapper; the page itself must not.
        assert_no_horizontal_overflow(c, path).await;
        axe.check(c, name).await;
    }

    axe.finish();
    browser.close().await;
}

/// A tenancy officer on a phone logs a report, lands on the new case and finds it in
/// "My cases"; intake (empty and with errors), case page and caseload pass axe.
#[tokio::test]
async fn tenancy_officer_logs_a_case_on_a_phone() {
    let Some(tools) = Tools::find() else { return };
    let app = TestApp::spawn().await;
    let area = crate::fixtures::area(&app, "North").await;
    let tina = app.create_user("tina", Role::TenancyOfficer).await;
    crate::fixtures::give_area(&app, tina, area).await;
    let browser = Browser::start(&tools, (360, 740)).await;
    let c = browser.client();
    let mut axe = Axe::new(&tools.axe_source);
    sign_in(c, &app.base, "tina").await;

    c.goto(&format!("{}/cases/new", app.base))
        .await
        .expect("open /cases/new");
    c.wait()
        .for_element(Locator::Css("main h1"))
        .await
        .expect("intake heading");
    assert_no_horizontal_overflow(c, "/cases/new").await;
    axe.check(c, "phone-intake").await;

    // Submitting with nothing filled in comes back with an error summary.
    click_and_load(c, log_report_button(c).await, "submit empty form").await;
    c.wait()
        .for_element(Locator::Css(".error-summary"))
        .await
        .expect("error summary on an empty report");
    assert_no_horizontal_overflow(c, "/cases/new with errors").await;
    axe.check(c, "phone-intake-errors").await;

    type_into(c, "p0_name", "Amina Khan").await;
    select_value(c, "p0_ethnicity", "asian-pakistani").await;
    for choice in [
        "input[name=hate_perceived][value=yes]",
        "input[name=police_involved][value=no]",
        "input[name=occurred_kind][value=ongoing]",
        "input[name=types][value=verbal-abuse]",
        "input[name=strands]",
    ] {
        c.find(Locator::Css(choice))
            .await
            .unwrap_or_else(|e| panic!("{choice}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {choice}: {e}"));
    }
    c.find(Locator::Id("location_kind"))
        .await
        .expect("location select")
        .select_by_value("communal")
        .await
        .expect("choose communal area");
    type_into(c, "description", "Shouted racist abuse on the stairs").await;
    click_and_load(c, log_report_button(c).await, "log the report").await;
    if let Err(e) = c.wait().for_element(Locator::Css(".banner--success")).await {
        let main = c.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
        panic!("no confirmation after logging the report ({e}); the page says:\n{main}");
    }
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), "/cases/HC-2026-000001", "landed on the new case");
    assert_no_horizontal_overflow(c, "case page").await;
    axe.check(c, "phone-case-page").await;

    c.goto(&format!("{}/cases?tab=mine", app.base))
        .await
        .expect("open my cases");
    let mine = c.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(mine.contains("HC-2026-000001"), "the case is in My cases: {mine}");
    assert!(mine.contains("Amina Khan"), "the victim shows in My cases");
    assert_no_horizontal_overflow(c, "/cases").await;
    axe.check(c, "phone-my-cases").await;

    axe.finish();
    browser.close().await;
}

#[tokio::test]
async fn officer_records_first_contact_and_the_deadline_turns_met() {
    let Some(tools) = Tools::find() else { return };
    let app = TestApp::spawn().await;
    let area = crate::fixtures::area(&app, "North").await;
    let tina = app.create_user("tina", Role::TenancyOfficer).await;
    crate::fixtures::give_area(&app, tina, area).await;
    let case = crate::fixtures::case(&app, crate::fixtures::CaseSpec::new(tina, area)).await;
    let first = crate::fixtures::deadlines_of(&app, case.id)
        .await
        .into_iter()
        .find(|d| d.stage == "initial-contact")
        .expect("an initial-contact deadline");
    let browser = Browser::start(&tools, (360, 740)).await;
    let c = browser.client();
    let mut axe = Axe::new(&tools.axe_source);
    sign_in(c, &app.base, "tina").await;

    c.goto(&format!("{}/cases/{}", app.base, case.reference))
        .await
        .expect("open the case");
    let row = format!("#deadline-{}", first.id);
    let before = c
        .find(Locator::Css(&row))
        .await
        .expect("deadline row")
        .text()
        .await
        .unwrap();
    assert!(
        before.contains("Initial contact with victim") && before.contains("Open"),
        "{before}"
    );
    assert_no_horizontal_overflow(c, "case page with deadlines").await;
    axe.check(c, "phone-case-deadlines").await;

    c.find(Locator::Id("person_id"))
        .await
        .expect("who the contact was with")
        .select_by_value(&case.people[0].to_string())
        .await
        .expect("choose the victim");
    type_into(c, "body", "Phoned Amina; she is safe and wants a visit").await;
    let add = c
        .find(Locator::Css("#add-contact button[type=submit]"))
        .await
        .expect("Add to timeline");
    click_and_load(c, add, "record the contact").await;
    c.wait()
        .for_element(Locator::Css(".banner--success"))
        .await
        .expect("confirmation");
    // Met, it is folded away with the other settled deadlines: open them as a user would.
    c.find(Locator::Css("#settled-deadlines summary"))
        .await
        .expect("settled deadlines")
        .click()
        .await
        .expect("open the settled deadlines");
    let after = c
        .find(Locator::Css(&row))
        .await
        .expect("deadline row")
        .text()
        .await
        .unwrap();
    assert!(
        after.contains("Met"),
        "the first-contact deadline shows as met: {after}"
    );
    axe.check(c, "phone-case-deadline-met").await;

    c.goto(&format!("{}/deadlines", app.base))
        .await
        .expect("open /deadlines");
    c.wait()
        .for_element(Locator::Css("main h1"))
        .await
        .expect("deadlines heading");
    assert_no_horizontal_overflow(c, "/deadlines").await;
    axe.check(c, "phone-deadlines").await;

    axe.finish();
    browser.close().await;
}

#[tokio::test]
async fn manager_deadline_pages_pass_axe_on_a_phone() {
    let Some(tools) = Tools::find() else { return };
    let app = TestApp::spawn().await;
    let area = crate::fixtures::area(&app, "North").await;
    let tina = app.create_user("tina", Role::TenancyOfficer).await;
    app.create_user("maria", Role::Manager).await;
    // An overdue case, so the lists and the dashboard have rows.
    let received = app.now() - time::Duration::days(10);
    crate::fixtures::case(
        &app,
        crate::fixtures::CaseSpec {
            received_at: Some(received),
            ..crate::fixtures::CaseSpec::new(tina, area)
        },
    )
    .await;
    let browser = Browser::start(&tools, (360, 740)).await;
    let c = browser.client();
    let mut axe = Axe::new(&tools.axe_source);
    sign_in(c, &app.base, "maria").await;
    for (path, name) in [
        ("/deadlines?view=team", "phone-deadlines-team"),
        ("/deadlines/notices", "phone-notices"),
        ("/compliance", "phone-compliance"),
        (
            "/compliance/cases?period=ytd&bucket=due",
            "phone-compliance-cases",
        ),
    ] {
        c.goto(&format!("{}{path}", app.base))
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        c.wait()
            .for_element(Locator::Css("main h1"))
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_no_horizontal_overflow(c, path).await;
        axe.check(c, name).await;
    }
    axe.finish();
    browser.close().await;
}

/// The issue's walk-through: a harassment officer on a phone completes a risk assessment,
/// agrees an action plan with an action, and prints the chronology; every casework page on
/// the way (and the support, referral and perpetrator-action forms) passes axe and fits.
#[tokio::test]
async fn harassment_officer_assesses_risk_agrees_a_plan_and_prints_the_chronology() {
    let Some(tools) = Tools::find() else { return };
    let app = TestApp::spawn().await;
    let area = crate::fixtures::area(&app, "North").await;
    let tina = app.create_user("tina", Role::TenancyOfficer).await;
    let harry = app.create_user("harry", Role::HarassmentOfficer).await;
    crate::fixtures::give_area(&app, harry, area).await;
    let case = crate::fixtures::case(
        &app,
        crate::fixtures::CaseSpec {
            owner_id: Some(harry),
            perpetrators: vec![crate::fixtures::PersonSpec::named("Dan Smith")],
            ..crate::fixtures::CaseSpec::new(tina, area)
        },
    )
    .await;
    let base = format!("{}/cases/{}", app.base, case.reference);
    let browser = Browser::start(&tools, (360, 740)).await;
    let c = browser.client();
    let mut axe = Axe::new(&tools.axe_source);
    sign_in(c, &app.base, "harry").await;

    // Risk assessment: an empty form is refused with the error summary, then answered.
    c.goto(&base).await.expect("open the case");
    click_link(c, "Assess risk").await;
    c.wait()
        .for_element(Locator::Id("q-1"))
        .await
        .expect("the questions");
    axe.check(c, "phone-risk-form").await;
    submit(c).await;
    c.wait()
        .for_element(Locator::Css(".error-summary"))
        .await
        .expect("the error summary");
    assert_no_horizontal_overflow(c, "risk form with errors").await;
    axe.check(c, "phone-risk-form-errors").await;
    // Yes to the first five questions (2 + 3 + 3 + 3 + 2 = 13: high), No to the rest.
    for q in 1..=10 {
        let answer = if q <= 5 { 0 } else { 1 };
        click_id(c, &format!("q-{q}-{answer}")).await;
    }
    submit(c).await;
    c.wait()
        .for_element(Locator::Css(".banner--success"))
        .await
        .expect("the assessment is saved");
    let risk = text_of(c, "#risk").await;
    assert!(risk.contains("High"), "the risk panel shows high risk: {risk}");
    assert!(
        risk.contains("multi-agency"),
        "high risk prompts a multi-agency referral: {risk}"
    );
    assert_no_horizontal_overflow(c, "case page with casework").await;
    axe.check(c, "phone-case-casework").await;

    // Action plan agreed with the victim, with one action.
    click_link(c, "Agree an action plan").await;
    c.wait()
        .for_element(Locator::Id("agreed_on"))
        .await
        .expect("the plan form");
    axe.check(c, "phone-plan-form").await;
    let today = app.now().date().to_string();
    let target = (app.now().date() + time::Duration::days(7)).to_string();
    set_value(c, "agreed_on", &today).await;
    click_id(c, "copy_given_how-0").await;
    set_value(c, "copy_given_on", &today).await;
    type_into(c, "every_amount", "7").await;
    select_value(c, "every_unit", "calendar-days").await;
    select_value(c, "channel", "phone").await;
    type_into(c, "action-1-description", "Fit new door locks").await;
    select_value(c, "action-1-owner", &harry.to_string()).await;
    set_value(c, "action-1-target_on", &target).await;
    submit(c).await;
    c.wait()
        .for_element(Locator::Css(".banner--success"))
        .await
        .expect("the plan is saved");
    let plan = text_of(c, "#plan").await;
    assert!(
        plan.contains("Fit new door locks"),
        "the plan shows its action: {plan}"
    );

    // The other casework forms fit a phone and pass axe.
    for (path, name) in [
        ("/support/new", "phone-support-form"),
        ("/referrals/new", "phone-referral-form"),
        ("/enforcement/new", "phone-enforcement-form"),
    ] {
        c.goto(&format!("{base}{path}")).await.expect(path);
        c.wait().for_element(Locator::Css("main h1")).await.expect(path);
        assert_no_horizontal_overflow(c, path).await;
        axe.check(c, name).await;
    }

    // The chronology: one click from the case page, printable.
    c.goto(&base).await.expect("back to the case");
    click_link(c, "Chronology").await;
    c.wait()
        .for_element(Locator::Css("main table"))
        .await
        .expect("the chronology table");
    let chronology = text_of(c, "main").await;
    for entry in [
        "Report received",
        "Risk assessment",
        "Action plan agreed",
        "Fit new door locks",
    ] {
        assert!(
            chronology.contains(entry),
            "the chronology lists {entry:?}: {chronology}"
        );
    }
    assert_no_horizontal_overflow(c, "chronology").await;
    axe.check(c, "phone-chronology").await;
    let pdf = c
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .expect("print the chronology");
    assert!(pdf.starts_with(b"%PDF"), "printing gives a PDF");
    save_artifact("chronology.pdf", &pdf);

    axe.finish();
    browser.close().await;
}

/// The casework administration pages at phone width.
#[tokio::test]
async fn casework_admin_pages_pass_axe_on_a_phone() {
    let Some(tools) = Tools::find() else { return };
    let app = TestApp::spawn().await;
    app.create_user("ade", Role::Admin).await;
    let browser = Browser::start(&tools, (360, 740)).await;
    let c = browser.client();
    let mut axe = Axe::new(&tools.axe_source);
    sign_in(c, &app.base, "ade").await;
    for (path, name) in [
        ("/admin/risk", "phone-admin-risk"),
        ("/admin/risk/new", "phone-admin-risk-new"),
        ("/admin/risk/1", "phone-admin-risk-version"),
        ("/admin/support", "phone-admin-support"),
        ("/admin/agencies", "phone-admin-agencies"),
    ] {
        c.goto(&format!("{}{path}", app.base)).await.expect(path);
        c.wait().for_element(Locator::Css("main h1")).await.expect(path);
        assert_no_horizontal_overflow(c, path).await;
        axe.check(c, name).await;
    }
    axe.finish();
    browser.close().await;
}

/// The data protection pages at phone width: retention periods, the retention review with a
/// case past its date, a legal hold, finding a person, their page, the subject access page
/// and correcting their details. Each passes axe and fits the screen.
#[tokio::test]
async fn data_protection_pages_pass_axe_on_a_phone() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let Some(tools) = Tools::find() else { return };
    let app = TestApp::spawn().await;
    let area = crate::fixtures::area(&app, "North").await;
    let maria = app.create_user("maria", Role::Manager).await;
    app.create_user("ade", Role::Admin).await;
    let mut spec = crate::fixtures::CaseSpec::new(maria, area);
    spec.victims = vec![crate::fixtures::PersonSpec::named("Amina Khan").at("3 Elm Road", "LE2 7XY")];
    let old = crate::fixtures::case(&app, spec).await;
    entity::cases::Entity::update_many()
        .col_expr(entity::cases::Column::Status, Expr::value("closed"))
        .col_expr(
            entity::cases::Column::ClosedAt,
            Expr::value(time::macros::datetime!(2018-05-01 12:00 UTC)),
        )
        .col_expr(entity::cases::Column::Outcome, Expr::value("resolved"))
        .filter(entity::cases::Column::Id.eq(old.id))
        .exec(&app.db)
        .await
        .unwrap();
    let browser = Browser::start(&tools, (360, 740)).await;
    let c = browser.client();
    let mut axe = Axe::new(&tools.axe_source);
    let person = old.people[0];
    let reference = old.reference.clone();
    for (user, path, name) in [
        ("ade", "/admin/retention".to_owned(), "phone-admin-retention"),
        ("maria", "/retention".to_owned(), "phone-retention"),
        ("maria", format!("/cases/{reference}/hold"), "phone-hold"),
        ("maria", "/people?q=Khan".to_owned(), "phone-people"),
        ("maria", format!("/people/{person}"), "phone-person"),
        (
            "maria",
            format!("/people/{person}/subject-access"),
            "phone-subject-access",
        ),
        (
            "maria",
            format!("/cases/{reference}/people/{person}/edit"),
            "phone-correct-details",
        ),
    ] {
        if path == "/admin/retention" || path == "/retention" {
            c.delete_all_cookies().await.unwrap();
            sign_in(c, &app.base, user).await;
        }
        c.goto(&format!("{}{path}", app.base)).await.expect(&path);
        c.wait().for_element(Locator::Css("main h1")).await.expect(&path);
        assert_no_horizontal_overflow(c, &path).await;
        axe.check(c, name).await;
    }
    axe.finish();
    browser.close().await;
}

/// Equality reports: a manager filters the dashboard and prints the board report (PDF); the
/// equality lead reads the dashboard on a phone in publication mode; an administrator sets
/// NM01's homes. Every page passes axe and fits the screen.
#[tokio::test]
async fn equality_reports_dashboard_board_report_and_settings() {
    let Some(tools) = Tools::find() else { return };
    let app = TestApp::spawn().await;
    let area = crate::fixtures::area(&app, "North").await;
    let tina = app.create_user("tina", Role::TenancyOfficer).await;
    app.create_user("maria", Role::Manager).await;
    app.create_user("elle", Role::EqualityLead).await;
    app.create_user("ade", Role::Admin).await;
    for (days, ethnicity) in [
        (40, "black-african"),
        (35, "white-british"),
        (30, "asian-pakistani"),
        (20, "white-british"),
        (10, "mixed-white-asian"),
        (5, "not-known"),
    ] {
        let victim = crate::fixtures::PersonSpec {
            ethnicity: ethnicity.to_owned(),
            ..crate::fixtures::PersonSpec::named("Victim")
        };
        crate::fixtures::case(
            &app,
            crate::fixtures::CaseSpec {
                received_at: Some(app.now() - time::Duration::days(days)),
                victims: vec![victim],
                ..crate::fixtures::CaseSpec::new(tina, area)
            },
        )
        .await;
    }

    let browser = Browser::start(&tools, (1280, 900)).await;
    let c = browser.client();
    let mut axe = Axe::new(&tools.axe_source);
    sign_in(c, &app.base, "ade").await;
    c.goto(&format!("{}/admin/reporting", app.base))
        .await
        .expect("reporting settings");
    set_value(c, "homes_rental", "4600").await;
    set_value(c, "homes_ownership", "400").await;
    let save = c
        .find(Locator::Css("form[action='/admin/reporting/nm01'] button"))
        .await
        .unwrap();
    click_and_load(c, save, "save NM01 homes").await;
    c.wait()
        .for_element(Locator::Css(".banner--success"))
        .await
        .expect("saved");
    axe.check(c, "admin-reporting").await;
    browser.close().await;

    let browser = Browser::start(&tools, (1280, 900)).await;
    let c = browser.client();
    sign_in(c, &app.base, "maria").await;
    click_link(c, "Reports").await;
    c.wait()
        .for_element(Locator::Css("main h1"))
        .await
        .expect("the dashboard");
    select_value(c, "priority", "p1").await;
    submit(c).await;
    c.wait()
        .for_element(Locator::Css(".headline-figures"))
        .await
        .expect("figures");
    assert!(c.current_url().await.unwrap().as_str().contains("priority=p1"));
    let main = text_of(c, "main").await;
    for text in [
        "By victim ethnicity",
        "Disparity flags",
        "NM01(1) ASB cases per 1,000 homes",
        "Recording completeness",
    ] {
        assert!(main.contains(text), "the dashboard shows {text:?}");
    }
    axe.check(c, "reports-dashboard").await;
    click_link(c, "Quarterly board report (printable)").await;
    c.wait()
        .for_element(Locator::Css(".board-report"))
        .await
        .expect("the board report");
    axe.check(c, "reports-board").await;
    let pdf = c
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .expect("print the board report");
    assert!(pdf.starts_with(b"%PDF"), "printing gives a PDF");
    save_artifact("board-report.pdf", &pdf);
    browser.close().await;

    let browser = Browser::start(&tools, (360, 740)).await;
    let c = browser.client();
    sign_in(c, &app.base, "elle").await;
    c.goto(&format!("{}/reports", app.base)).await.expect("reports");
    c.wait()
        .for_element(Locator::Css(".headline-figures"))
        .await
        .expect("figures");
    assert!(text_of(c, "main").await.contains("Publication mode"));
    assert_no_horizontal_overflow(c, "phone-reports").await;
    axe.check(c, "phone-reports-equality-lead").await;
    axe.finish();
    browser.close().await;
}

#[tokio::test]
async fn manager_imports_a_spreadsheet_on_a_phone_fixing_what_the_preview_lists() {
    let Some(tools) = Tools::find() else { return };
    let app = TestApp::spawn().await;
    crate::fixtures::area(&app, "North").await;
    app.create_user("maria", Role::Manager).await;
    let dir = std::env::temp_dir().join(format!("harbour-browser-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cases.csv");
    // One impossible date and one ethnicity nobody has mapped yet.
    std::fs::write(
        &file,
        "reference,received,victim_name,victim_ethnicity\nR1,31/02/2025,Ann Lee,Martian\nR2,01/03/2025,Bo Khan,W1\n",
    )
    .unwrap();

    let browser = Browser::start(&tools, (360, 800)).await;
    let c = browser.client();
    let mut axe = Axe::new(&tools.axe_source);
    sign_in(c, &app.base, "maria").await;
    c.goto(&format!("{}/import", app.base))
        .await
        .expect("import page");
    c.wait()
        .for_element(Locator::Id("file"))
        .await
        .expect("the file field");
    axe.check(c, "import-upload").await;
    assert_no_horizontal_overflow(c, "import-upload").await;
    c.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .expect("choose the file");
    submit(c).await;
    c.wait()
        .for_element(Locator::Css(".error-summary"))
        .await
        .expect("the preview lists the problems");
    let page = text_of(c, "main").await;
    assert!(page.contains("is not a real date"), "{page}");
    assert!(page.contains("“Martian” (1 row)"), "{page}");
    axe.check(c, "import-preview-problems").await;
    assert_no_horizontal_overflow(c, "import-preview-problems").await;
    screenshot(c, "import-preview-problems").await;

    // Map the wording; fix the date in the file and check it again; import.
    select_value(c, "code_0", "other-any").await;
    let map = c
        .find(Locator::Css("form[action$='/mappings'] button"))
        .await
        .unwrap();
    click_and_load(c, map, "save the mapping").await;
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    assert!(!text_of(c, "main").await.contains("Match ethnicity values"));
    std::fs::write(
        &file,
        "reference,received,victim_name,victim_ethnicity\nR1,28/02/2025,Ann Lee,Martian\nR2,01/03/2025,Bo Khan,W1\n",
    )
    .unwrap();
    click_link(c, "Upload another file").await;
    c.wait().for_element(Locator::Id("file")).await.unwrap();
    c.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    submit(c).await;
    let import = c
        .wait()
        .for_element(Locator::Css("form[action$='/commit'] button"))
        .await
        .expect("the Import button");
    assert_eq!(import.text().await.unwrap(), "Import 2 cases");
    axe.check(c, "import-preview-ready").await;
    click_and_load(c, import, "import").await;
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::XPath("//h1[text()='Import finished']"))
        .await
        .expect("the finished page");
    axe.check(c, "import-finished").await;
    browser.close().await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people WHERE ethnicity = 'other-any'")
            .await,
        1
    );
    std::fs::remove_dir_all(dir).ok();
}

async fn click_link(c: &Client, text: &str) {
    let link = c
        .find(Locator::LinkText(text))
        .await
        .unwrap_or_else(|e| panic!("link {text:?}: {e}"));
    click_and_load(c, link, text).await;
}

/// Clicks `el` and waits until the browser has replaced the page, so what is waited for or
/// read next comes from the new page, not from the one clicked on (which under load may
/// still be showing, with the same headings and banners).
async fn click_and_load(c: &Client, el: fantoccini::elements::Element, what: &str) {
    let old = c.find(Locator::Css("html")).await.expect("the page");
    el.click().await.unwrap_or_else(|e| panic!("click {what}: {e}"));
    let start = Instant::now();
    // The old page's root goes stale once the new page has replaced it.
    while old.tag_name().await.is_ok() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what}: no new page 60 s after the click"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn click_id(c: &Client, id: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("{id}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {id}: {e}"));
}

async fn select_value(c: &Client, id: &str, value: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("{id}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("choose {value} in {id}: {e}"));
}

/// Date inputs take their value in the browser's locale when typed: set it directly.
async fn set_value(c: &Client, id: &str, value: &str) {
    c.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![json!(id), json!(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("set {id}: {e}"));
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap_or_default()
}

async fn type_into(c: &Client, id: &str, text: &str) {
    let field = c
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("field {id}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// The form's own submit button (not "Add another person").
async fn log_report_button(c: &Client) -> fantoccini::elements::Element {
    c.find(Locator::Css("main form > button[type=submit]"))
        .await
        .expect("the Log report button")
}

/// Signs in through the form on /login and waits for the home page.
async fn sign_in(c: &Client, base: &str, username: &str) {
    c.goto(&format!("{base}/login")).await.expect("open /login");
    let field = c
        .wait()
        .for_element(Locator::Id("username"))
        .await
        .expect("username field");
    field.clear().await.unwrap();
    field.send_keys(username).await.unwrap();
    c.find(Locator::Id("password"))
        .await
        .expect("password field")
        .send_keys(PASSWORD)
        .await
        .unwrap();
    submit(c).await;
    let home = url::Url::parse(&format!("{base}/")).unwrap();
    if let Err(e) = c.wait().at_most(Duration::from_secs(20)).for_url(&home).await {
        let now = c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
        let said = match c.find(Locator::Css("main")).await {
            Ok(main) => main.text().await.unwrap_or_default(),
            Err(_) => c.source().await.unwrap_or_default(),
        };
        panic!(
            "sign-in as {username} did not reach the home page (now at {now}): {e}; the page says:\n{said}"
        );
    }
    c.wait()
        .for_element(Locator::Css("main h1"))
        .await
        .expect("home page heading");
}

/// Clicks the main form's submit button.
async fn submit(c: &Client) {
    let button = c
        .find(Locator::Css("main form button[type=submit]"))
        .await
        .expect("a submit button");
    click_and_load(c, button, "submit").await;
}

async fn assert_no_horizontal_overflow(c: &Client, page: &str) {
    let sizes = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth]",
            vec![],
        )
        .await
        .unwrap();
    let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
    if scroll > inner {
        // Name the widest elements, so the failure says what to fix.
        let culprits = c
            .execute(
                "return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ': ' + (e.textContent || '').trim().slice(0, 60))",
                vec![],
            )
            .await
            .unwrap_or_default();
        panic!("{page}: the page scrolls sideways at {inner}px wide (content is {scroll}px): {culprits}");
    }
}

/// Runs axe-core on pages, saving a screenshot of each, and gathers serious and critical
/// violations so one run reports every page's problems.
struct Axe<'a> {
    source: &'a str,
    failures: Vec<String>,
}

impl<'a> Axe<'a> {
    fn new(source: &'a str) -> Self {
        Axe {
            source,
            failures: Vec::new(),
        }
    }

    async fn check(&mut self, c: &Client, page: &str) {
        screenshot(c, page).await;
        // WebDriver scripts are not subject to the page's Content-Security-Policy.
        c.execute(&format!("{}\n;return typeof axe;", self.source), vec![])
            .await
            .expect("inject axe-core");
        // Chrome's "execute script" waits for a returned Promise.
        let script = r#"
            return axe.run(document, { runOnly: { type: 'tag', values: arguments[0] } }).then(r => ({
                passes: r.passes.length,
                violations: r.violations.map(v => ({
                    id: v.id,
                    impact: v.impact,
                    help: v.help,
                    nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
                })),
            }));
        "#;
        let result = c
            .execute(script, vec![json!(AXE_TAGS)])
            .await
            .unwrap_or_else(|e| panic!("axe on {page}: {e}"));
        let passes = result["passes"].as_u64().unwrap_or(0);
        assert!(passes > 0, "axe ran no passing rules on {page}: {result}");
        let url = c
            .current_url()
            .await
            .map(|u| u.path().to_owned())
            .unwrap_or_default();
        let violations = result["violations"].as_array().cloned().unwrap_or_default();
        eprintln!(
            "axe: {page} ({url}): {passes} rules passed, {} violated",
            violations.len()
        );
        for v in &violations {
            let impact = v["impact"].as_str().unwrap_or("unknown");
            let nodes = v["nodes"].as_array().map(Vec::as_slice).unwrap_or_default();
            let targets: Vec<&str> = nodes
                .iter()
                .take(5)
                .filter_map(|n| n["target"].as_str())
                .collect();
            let first = nodes.first().cloned().unwrap_or_default();
            let html: String = first["html"].as_str().unwrap_or("").chars().take(160).collect();
            let summary = first["summary"].as_str().unwrap_or("").replace('\n', "\n      ");
            let line = format!(
                "{page} ({url}): [{impact}] {}: {} — {} element(s): {}\n      {html}\n      {summary}",
                v["id"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or(""),
                nodes.len(),
                targets.join(", "),
            );
            if matches!(impact, "serious" | "critical") {
                eprintln!("axe VIOLATION: {line}");
                self.failures.push(line);
            } else {
                eprintln!("axe warning: {line}");
            }
        }
    }

    fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "axe-core found {} serious or critical accessibility violation(s):\n  {}",
            self.failures.len(),
            self.failures.join("\n  ")
        );
    }
}

/// Saves the viewport to target/screenshots/<name>.png, for people to look at.
async fn screenshot(c: &Client, name: &str) {
    match c.screenshot().await {
        Ok(png) => save_artifact(&format!("{name}.png"), &png),
        Err(e) => eprintln!("could not take screenshot {name}: {e}"),
    }
}

/// Saves a file to target/screenshots/ for people to look at.
fn save_artifact(file: &str, bytes: &[u8]) {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("screenshots");
    let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join(file), bytes));
    if let Err(e) = saved {
        eprintln!("could not save {file}: {e}");
    }
}

/// What the browser tests need, found on this machine.
struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
    axe_source: String,
}

impl Tools {
    /// The tools, or None (after saying so) if the tests should be skipped. Panics instead
    /// of skipping when HARBOUR_REQUIRE_BROWSER=1.
    fn find() -> Option<Tools> {
        let path_from = |var: &str, default: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .unwrap_or_else(|| default.into())
        };
        let chromium = path_from("HARBOUR_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = path_from("HARBOUR_CHROMEDRIVER", "/usr/bin/chromedriver");
        let axe = std::env::var_os("HARBOUR_AXE_PATH")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js")
            });

        let mut missing = Vec::new();
        for (what, path) in [("Chromium", &chromium), ("chromedriver", &chromedriver)] {
            if !path.is_file() {
                missing.push(format!(
                    "{what} not found at {} (Debian: apt-get install chromium chromium-driver)",
                    path.display()
                ));
            }
        }
        let axe_source = match std::fs::read_to_string(&axe) {
            Ok(source) => source,
            Err(e) => {
                missing.push(format!(
                    "axe-core not found at {} ({e}; run: npm install --prefix tests/browser)",
                    axe.display()
                ));
                String::new()
            }
        };
        if missing.is_empty() {
            return Some(Tools {
                chromium,
                chromedriver,
                axe_source,
            });
        }
        let reason = missing.join("; ");
        if std::env::var("HARBOUR_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("browser tests cannot run and HARBOUR_REQUIRE_BROWSER=1: {reason}");
        }
        eprintln!(
            "SKIPPED: browser test not run: {reason}. Set HARBOUR_REQUIRE_BROWSER=1 to make this a failure."
        );
        None
    }
}

/// A chromedriver process with one headless Chromium session. Dropping it ends the session
/// (closing Chromium) and kills chromedriver, even when a test panics.
struct Browser {
    client: Option<Client>,
    /// Two Chromiums at most: tests run four at once, and more browsers than cores make
    /// every page wait past the tests' patience. Dropped last, after the browser.
    _turn: tokio::sync::OwnedSemaphorePermit,
    driver: Child,
    driver_addr: SocketAddr,
    session_id: Option<String>,
    profile: PathBuf,
}

impl Browser {
    async fn start(tools: &Tools, (width, height): (u32, u32)) -> Browser {
        static TURNS: std::sync::LazyLock<std::sync::Arc<tokio::sync::Semaphore>> =
            std::sync::LazyLock::new(|| std::sync::Arc::new(tokio::sync::Semaphore::new(2)));
        let turn = TURNS.clone().acquire_owned().await.expect("never closed");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver_addr = SocketAddr::from(([127, 0, 0, 1], port));
        let suffix = &harbour::auth::tokens::random_token()[..12];
        let profile = std::env::temp_dir().join(format!("harbour-chromium-{suffix}"));
        std::fs::create_dir_all(&profile).unwrap();
        let driver = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            // INFO would log every injected copy of axe-core.
            .arg("--log-level=WARNING")
            .arg(format!(
                "--log-path={}",
                profile.join("chromedriver.log").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", tools.chromedriver.display()));
        let mut browser = Browser {
            client: None,
            _turn: turn,
            driver,
            driver_addr,
            session_id: None,
            profile,
        };

        // Wait until chromedriver answers on its port.
        let deadline = Instant::now() + Duration::from_secs(30);
        while !browser.http("GET", "/status") {
            if let Ok(Some(status)) = browser.driver.try_wait() {
                panic!(
                    "chromedriver exited early ({status}); see {}",
                    browser.log_path().display()
                );
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on port {port} within 30s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        let args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            format!("--user-data-dir={}", browser.profile.join("profile").display()),
            format!("--window-size={width},{height}"),
        ];
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": tools.chromium, "args": args }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://{driver_addr}"))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "start a Chromium session: {e}; see {}",
                    browser.log_path().display()
                )
            });
        browser.session_id = client.session_id().await.ok().flatten();
        // The window size includes the browser's frame (and --window-size has a floor of
        // 500px wide): size the window, then correct it so the page itself is width × height.
        client
            .set_window_size(width, height)
            .await
            .expect("resize the window");
        let viewport = async || -> (u32, u32) {
            let size = client
                .execute("return [window.innerWidth, window.innerHeight]", vec![])
                .await;
            serde_json::from_value(size.expect("read the viewport size")).expect("two numbers")
        };
        let (w, h) = viewport().await;
        if (w, h) != (width, height) {
            let (frame_w, frame_h) = (width.saturating_sub(w), height.saturating_sub(h));
            client
                .set_window_size(width + frame_w, height + frame_h)
                .await
                .expect("resize the window");
        }
        assert_eq!(viewport().await, (width, height), "the page is {width}×{height}");
        browser.client = Some(client);
        browser
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("a browser session")
    }

    fn log_path(&self) -> PathBuf {
        self.profile.join("chromedriver.log")
    }

    /// Ends the session cleanly (Drop then only has chromedriver to stop).
    async fn close(mut self) {
        if let Some(client) = self.client.take()
            && client.close().await.is_ok()
        {
            self.session_id = None;
        }
    }

    /// A blocking plain-HTTP request to chromedriver, usable from Drop: true if it answered
    /// 200 OK. Only the status line is read (chromedriver keeps the connection open).
    fn http(&self, method: &str, path: &str) -> bool {
        let Ok(mut stream) = TcpStream::connect_timeout(&self.driver_addr, Duration::from_secs(2)) else {
            return false;
        };
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.driver_addr
        );
        if stream.set_read_timeout(Some(Duration::from_secs(30))).is_err()
            || stream.write_all(request.as_bytes()).is_err()
        {
            return false;
        }
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n") && head.len() < 200 {
            match stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => return false,
            }
        }
        head.starts_with(b"HTTP/1.1 200")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // After a panic the async client cannot be awaited: end the session over plain HTTP
        // so chromedriver shuts Chromium down, then stop chromedriver itself.
        drop(self.client.take());
        if let Some(id) = self.session_id.take() {
            self.http("DELETE", &format!("/session/{id}"));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        if std::thread::panicking() && self.log_path().is_file() {
            // Keep chromedriver's log for the failure; the browser profile can go.
            let _ = std::fs::remove_dir_all(self.profile.join("profile"));
            eprintln!("chromedriver log kept at {}", self.log_path().display());
        } else {
            let _ = std::fs::remove_dir_all(&self.profile);
        }
    }
}
