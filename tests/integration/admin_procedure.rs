//! `/admin/procedure` and `/admin/calendar`: administrators save procedure timescales as new
//! versions (cases keep the version they were opened under) and keep the working-day
//! calendar (division, closure days), which later deadlines follow and earlier ones ignore.

use crate::{
    common::{Client, Res, TestApp},
    fixtures::{self, CaseSpec},
};
use entity::{Role, cases, closure_days, deadlines, procedure_timescales, procedure_versions};
use harbour::{
    cases::codes,
    procedure::{Priority, Stage},
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::{OffsetDateTime, macros::datetime};

/// A form as a browser sends it.
#[derive(Clone, Debug)]
struct Fields(Vec<(String, String)>);

impl Fields {
    fn set(mut self, name: &str, value: &str) -> Self {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_owned(), value.to_owned()));
        self
    }

    async fn post(&self, client: &mut Client, path: &str) -> Res {
        let pairs: Vec<(&str, &str)> = self.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        client.post(path, &pairs).await
    }
}

fn amount(priority: &str, stage: &str) -> String {
    format!("{priority}-{stage}-amount")
}

fn unit(priority: &str, stage: &str) -> String {
    format!("{priority}-{stage}-unit")
}

/// The value of the selected option of `<select name=NAME>`.
fn selected(res: &Res, name: &str) -> Option<String> {
    let at = res.body.find(&format!("name=\"{name}\""))?;
    let select = &res.body[at..at + res.body[at..].find("</select>")?];
    let option = &select[..select.find(" selected")?];
    let v = &option[option.rfind("value=\"")? + 7..];
    Some(v[..v.find('"')?].to_owned())
}

/// The procedure form exactly as the page shows it (no reason given yet).
fn procedure_form(res: &Res) -> Fields {
    let mut fields = vec![(
        "version".to_owned(),
        res.input_value("version").expect("version field"),
    )];
    for stage in Stage::ALL {
        for priority in Priority::ALL {
            let a = amount(priority.code(), stage.code());
            let u = unit(priority.code(), stage.code());
            let typed = res.input_value(&a).unwrap_or_else(|| panic!("no field {a}"));
            let chosen = selected(res, &u).unwrap_or_else(|| panic!("no choice for {u}"));
            fields.push((a, typed));
            fields.push((u, chosen));
        }
    }
    Fields(fields)
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

struct World {
    app: TestApp,
    area: i32,
    /// A tenancy officer in `area`, who logs reports.
    officer: i32,
    admin_id: i32,
    admin: Client,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let area = fixtures::area(&app, "North").await;
    let officer = app.create_user("tess", Role::TenancyOfficer).await;
    fixtures::give_area(&app, officer, area).await;
    let admin_id = app.create_user("ada", Role::Admin).await;
    let admin = app.signed_in_as("ada").await;
    World {
        app,
        area,
        officer,
        admin_id,
        admin,
    }
}

async fn case_deadlines(app: &TestApp, case_id: i32) -> Vec<deadlines::Model> {
    deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case_id))
        .order_by_asc(deadlines::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

async fn initial_contact(app: &TestApp, case_id: i32) -> deadlines::Model {
    case_deadlines(app, case_id)
        .await
        .into_iter()
        .find(|d| d.stage == "initial-contact")
        .expect("an initial-contact deadline")
}

async fn p2_case(w: &World) -> i32 {
    fixtures::case(
        &w.app,
        CaseSpec {
            priority: codes::P2,
            hate: false,
            ..CaseSpec::new(w.officer, w.area)
        },
    )
    .await
    .id
}

/// Logs a new report through the intake form as the tenancy officer; returns the case.
async fn report_through_intake(w: &World, received_time: &str) -> cases::Model {
    let mut tess = w.app.signed_in_as("tess").await;
    let area = w.area.to_string();
    let fields = [
        ("received_date", "2026-11-23"),
        ("received_time", received_time),
        ("received_how", "phone"),
        ("reporter_type", "victim"),
        ("occurred_kind", "at"),
        ("occurred_date", "2026-11-22"),
        ("occurred_time", "18:15"),
        ("location_kind", "communal"),
        ("location_address", "Stairwell, Elm House"),
        ("types", "verbal-abuse"),
        ("description", "Racist abuse shouted in the stairwell"),
        ("police_involved", "no"),
        ("hate_perceived", "yes"),
        ("perceived_by", "victim"),
        ("strands", "race"),
        ("area", area.as_str()),
        ("priority", "suggested"),
        ("people", "1"),
        ("p0_role", "victim"),
        ("p0_kind", "person"),
        ("p0_name", "Bola Adeyemi"),
        ("p0_ethnicity", "not-known"),
    ];
    let res = tess.post("/cases/new", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let reference = res.location().unwrap().trim_start_matches("/cases/").to_owned();
    cases::Entity::find()
        .filter(cases::Column::Reference.eq(reference))
        .one(&w.app.db)
        .await
        .unwrap()
        .expect("case logged")
}

async fn timescale(app: &TestApp, number: i32, stage: &str, priority: &str) -> (String, i32) {
    let version = procedure_versions::Entity::find()
        .filter(procedure_versions::Column::Number.eq(number))
        .one(&app.db)
        .await
        .unwrap()
        .expect("version");
    let row = procedure_timescales::Entity::find()
        .filter(procedure_timescales::Column::VersionId.eq(version.id))
        .filter(procedure_timescales::Column::Stage.eq(stage))
        .filter(procedure_timescales::Column::Priority.eq(priority))
        .one(&app.db)
        .await
        .unwrap()
        .expect("timescale");
    (row.unit, row.amount)
}

async fn versions(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM procedure_versions").await
}

// ---------- /admin/procedure ----------

#[tokio::test]
async fn the_procedure_page_shows_the_current_version_as_a_form() {
    let mut w = world().await;
    let res = w.admin.get("/admin/procedure").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.input_value("version").as_deref(), Some("1"));
    let ic = "initial-contact";
    assert_eq!(res.input_value(&amount("p1", ic)).as_deref(), Some("24"));
    assert_eq!(selected(&res, &unit("p1", ic)).as_deref(), Some("hours"));
    assert_eq!(res.input_value(&amount("p2", ic)).as_deref(), Some("1"));
    assert_eq!(selected(&res, &unit("p2", ic)).as_deref(), Some("working-days"));
    assert_eq!(
        selected(&res, &unit("p1", "manager-review")).as_deref(),
        Some("calendar-days")
    );
    assert_eq!(
        res.input_value(&amount("p1", "manager-review")).as_deref(),
        Some("28")
    );
    // Both recurring stages are marked, and nothing else.
    assert_eq!(res.body.matches(">Recurring<").count(), 2);
    for text in [
        "Initial contact with victim",
        "Post-closure check",
        "Version 1",
        "defaults",
        "Save as version 2",
        "There are no earlier versions",
    ] {
        assert!(res.body.contains(text), "{text}");
    }
}

#[tokio::test]
async fn saving_makes_a_new_version_that_only_cases_opened_later_follow() {
    let mut w = world().await;
    // A Priority 1 case opened under version 1 (24 hours for initial contact).
    let before = fixtures::case(&w.app, CaseSpec::new(w.officer, w.area)).await;
    let before_deadlines = case_deadlines(&w.app, before.id).await;
    assert_eq!(
        initial_contact(&w.app, before.id).await.due_at,
        datetime!(2026-11-24 09:00 UTC)
    );

    let page = w.admin.get("/admin/procedure").await;
    let res = procedure_form(&page)
        .set(&amount("p1", "initial-contact"), "48")
        .set(&amount("p2", "risk-assessment"), "4")
        .set(&unit("p2", "risk-assessment"), "calendar-days")
        .set("note", "Board decision of 20 November")
        .post(&mut w.admin, "/admin/procedure")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/admin/procedure"));

    // Version 2 holds the new values; version 1 is untouched.
    assert_eq!(versions(&w.app).await, 2);
    let v2 = procedure_versions::Entity::find()
        .filter(procedure_versions::Column::Number.eq(2))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v2.created_by, Some(w.admin_id));
    assert_eq!(v2.note, "Board decision of 20 November");
    assert_eq!(v2.created_at, w.app.now());
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM procedure_timescales WHERE version_id = {}",
                v2.id
            ))
            .await,
        22
    );
    assert_eq!(
        timescale(&w.app, 2, "initial-contact", "p1").await,
        ("hours".to_owned(), 48)
    );
    assert_eq!(
        timescale(&w.app, 2, "risk-assessment", "p2").await,
        ("calendar-days".to_owned(), 4)
    );
    assert_eq!(
        timescale(&w.app, 2, "initial-contact", "p2").await,
        ("working-days".to_owned(), 1)
    );
    assert_eq!(
        timescale(&w.app, 1, "initial-contact", "p1").await,
        ("hours".to_owned(), 24)
    );
    assert_eq!(
        timescale(&w.app, 1, "risk-assessment", "p2").await,
        ("working-days".to_owned(), 3)
    );

    // Audited, without the free-text reason.
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'procedure.version_created' AND summary = 'Procedure version 2'"
        )
        .await,
        1
    );

    // The case opened before keeps version 1 and every deadline as it was.
    let kept = cases::Entity::find_by_id(before.id)
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.procedure_version_id, 1);
    assert_eq!(case_deadlines(&w.app, before.id).await, before_deadlines);

    // A case opened now follows version 2: 48 hours from the report.
    let after = report_through_intake(&w, "08:30").await;
    assert_eq!(after.priority, "p1");
    assert_eq!(after.procedure_version_id, v2.id);
    let ic = initial_contact(&w.app, after.id).await;
    assert_eq!(ic.procedure_version_id, v2.id);
    assert_eq!((ic.unit.as_str(), ic.amount), ("hours", 48));
    assert_eq!(ic.due_at, datetime!(2026-11-25 08:30 UTC));

    // The page now starts from version 2 and lists version 1 as earlier.
    let res = w.admin.get("/admin/procedure").await;
    assert!(res.body.contains("Saved procedure version 2"));
    assert_eq!(res.input_value("version").as_deref(), Some("2"));
    assert_eq!(
        res.input_value(&amount("p1", "initial-contact")).as_deref(),
        Some("48")
    );
    assert!(res.body.contains("href=\"/admin/procedure/versions/1\""));
    assert!(res.body.contains("Board decision of 20 November"));
    assert!(res.body.contains("ada Test"));

    // Each version can be read back.
    let v1 = w.admin.get("/admin/procedure/versions/1").await;
    assert_eq!(v1.status, StatusCode::OK);
    assert!(v1.body.contains("Procedure version 1"));
    assert!(v1.body.contains("24 hours"));
    assert!(v1.body.contains("has been replaced"));
    let v2_page = w.admin.get("/admin/procedure/versions/2").await;
    assert_eq!(v2_page.status, StatusCode::OK);
    assert!(v2_page.body.contains("48 hours"));
    assert!(v2_page.body.contains("4 calendar days"));
    assert!(v2_page.body.contains("This is the current version"));
    for missing in ["3", "0", "abc", "99999999999"] {
        let res = w.admin.get(&format!("/admin/procedure/versions/{missing}")).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn invalid_timescales_are_refused_keeping_what_was_typed() {
    let mut w = world().await;
    let page = w.admin.get("/admin/procedure").await;
    let base = procedure_form(&page).set("note", "Testing <limits>");
    let ic = amount("p1", "initial-contact");
    for bad in ["0", "721", "abc", "", "-1", "1.5"] {
        let res = base
            .clone()
            .set(&ic, bad)
            .set(&amount("p2", "victim-interview"), "7")
            .set(&unit("p2", "manager-review"), "fortnights")
            .post(&mut w.admin, "/admin/procedure")
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert!(res.body.contains("There is a problem"));
        assert!(res.body.contains(&format!("href=\"#{ic}\"")), "{bad:?}");
        assert!(res.body.contains("href=\"#p2-manager-review-unit\""));
        assert!(!res.body.contains("href=\"#p2-initial-contact-amount\""));
        assert!(res.body.contains("enter a whole number from 1 to 720"));
        assert_links_resolve(&res);
        // What was typed comes back, valid or not.
        assert_eq!(res.input_value(&ic).as_deref(), Some(bad));
        assert_eq!(
            res.input_value(&amount("p2", "victim-interview")).as_deref(),
            Some("7")
        );
        assert!(res.body.contains("Testing &lt;limits&gt;</textarea>"));
        assert_eq!(res.input_value("version").as_deref(), Some("1"));
    }
    // A reason is required, and short.
    let res = base
        .clone()
        .set("note", "   ")
        .set(&ic, "12")
        .post(&mut w.admin, "/admin/procedure")
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#note\""));
    assert_eq!(res.input_value(&ic).as_deref(), Some("12"));
    let res = base
        .clone()
        .set("note", &"x".repeat(501))
        .set(&ic, "12")
        .post(&mut w.admin, "/admin/procedure")
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("500 characters or fewer"));
    // An empty post is an invalid form, not a failure.
    let res = w.admin.post("/admin/procedure", &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_links_resolve(&res);

    assert_eq!(versions(&w.app).await, 1);
    assert_eq!(w.app.audit_count("procedure.version_created").await, 0);
}

#[tokio::test]
async fn saving_unchanged_timescales_makes_no_version() {
    let mut w = world().await;
    let page = w.admin.get("/admin/procedure").await;
    let res = procedure_form(&page)
        .set("note", "Just checking")
        .post(&mut w.admin, "/admin/procedure")
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Nothing changed"));
    assert_links_resolve(&res);
    assert!(res.body.contains("Just checking</textarea>"));
    assert_eq!(versions(&w.app).await, 1);
    assert_eq!(w.app.audit_count("procedure.version_created").await, 0);
}

#[tokio::test]
async fn a_stale_form_is_refused_with_the_users_values_kept() {
    let mut w = world().await;
    w.app.create_user("bea", Role::Admin).await;
    let mut bea = w.app.signed_in_as("bea").await;
    let ic = amount("p1", "initial-contact");
    // Both open the form on version 1; Bea saves first.
    let mine = procedure_form(&w.admin.get("/admin/procedure").await);
    let theirs = procedure_form(&bea.get("/admin/procedure").await);
    let res = theirs
        .set(&ic, "12")
        .set("note", "Bea's change")
        .post(&mut bea, "/admin/procedure")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let res = mine
        .set(&ic, "36")
        .set("note", "Ada's change")
        .post(&mut w.admin, "/admin/procedure")
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Someone else saved version 2"));
    assert_links_resolve(&res);
    assert_eq!(res.input_value(&ic).as_deref(), Some("36"));
    assert!(res.body.contains("Ada&#39;s change</textarea>") || res.body.contains("Ada's change</textarea>"));
    // Bea's version is shown beside the form, which is now against version 2.
    assert!(res.body.contains("12 hours"));
    assert_eq!(res.input_value("version").as_deref(), Some("2"));
    assert_eq!(versions(&w.app).await, 2);
    assert_eq!(timescale(&w.app, 2, "initial-contact", "p1").await.1, 12);

    // Saving the returned form again is a deliberate change on top of version 2.
    let res = procedure_form(&res)
        .set("note", "Ada's change")
        .post(&mut w.admin, "/admin/procedure")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(versions(&w.app).await, 3);
    assert_eq!(timescale(&w.app, 3, "initial-contact", "p1").await.1, 36);
    assert_eq!(w.app.audit_count("procedure.version_created").await, 2);
}

// ---------- access ----------

#[tokio::test]
async fn only_administrators_reach_the_procedure_and_calendar_pages() {
    let mut w = world().await;
    let res = w
        .admin
        .post(
            "/admin/calendar/closure-days",
            &[("closure_date", "2026-12-24"), ("closure_label", "Christmas Eve")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let day_id = closure_days::Entity::find()
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let delete = format!("/admin/calendar/closure-days/{day_id}/delete");
    let page = w.admin.get("/admin/procedure").await;
    let change = procedure_form(&page)
        .set(&amount("p1", "initial-contact"), "12")
        .set("note", "Not allowed");
    let routes: [(&str, &str); 8] = [
        ("GET", "/admin/procedure"),
        ("GET", "/admin/procedure/versions/1"),
        ("POST", "/admin/procedure"),
        ("GET", "/admin/calendar"),
        ("GET", "/admin/calendar?year=2027"),
        ("POST", "/admin/calendar/division"),
        ("POST", "/admin/calendar/closure-days"),
        ("POST", delete.as_str()),
    ];
    let fields_for = |path: &str| -> Fields {
        match path {
            "/admin/procedure" => change.clone(),
            "/admin/calendar/division" => Fields(vec![("division".into(), "scotland".into())]),
            "/admin/calendar/closure-days" => Fields(vec![
                ("closure_date".into(), "2026-12-31".into()),
                ("closure_label".into(), "New Year's Eve".into()),
            ]),
            _ => Fields(vec![]),
        }
    };
    for role in [Role::TenancyOfficer, Role::HarassmentOfficer, Role::Manager] {
        let mut c = w.app.signed_in(role).await;
        for (method, path) in routes {
            let res = if method == "GET" {
                c.get(path).await
            } else {
                fields_for(path).post(&mut c, path).await
            };
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{role:?} {method} {path}");
        }
    }
    let mut visitor = w.app.client();
    for (method, path) in routes {
        let res = if method == "GET" {
            visitor.get(path).await
        } else {
            fields_for(path).post(&mut visitor, path).await
        };
        assert_eq!(res.status, StatusCode::SEE_OTHER, "signed out {method} {path}");
        assert!(res.location().unwrap().starts_with("/login"));
    }
    // Nothing changed.
    assert_eq!(versions(&w.app).await, 1);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM closure_days").await, 1);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM settings WHERE key = 'calendar.division'")
            .await,
        0
    );
    // The administrator reaches every page.
    for (method, path) in routes {
        if method == "GET" {
            assert_eq!(w.admin.get(path).await.status, StatusCode::OK, "{path}");
        }
    }
}

// ---------- /admin/calendar ----------

/// Friday 27 November 2026, 09:00 (GMT): a P2 report's first working day is the Monday,
/// St Andrew's Day in Scotland. (Signs the administrator in again: four idle days end a
/// session.)
async fn to_friday(w: &mut World) {
    w.app.clock.advance(time::Duration::days(4));
    assert_eq!(w.app.now(), datetime!(2026-11-27 09:00 UTC));
    w.admin = w.app.signed_in_as("ada").await;
}

const MONDAY_END: OffsetDateTime = datetime!(2026-11-30 23:59:59 UTC);
const TUESDAY_END: OffsetDateTime = datetime!(2026-12-01 23:59:59 UTC);

#[tokio::test]
async fn changing_the_division_changes_deadlines_planned_afterwards() {
    let mut w = world().await;
    to_friday(&mut w).await;
    let england = p2_case(&w).await;
    assert_eq!(initial_contact(&w.app, england).await.due_at, MONDAY_END);

    let page = w.admin.get("/admin/calendar").await;
    assert!(page.body.contains(r#"value="england-and-wales" checked"#));
    assert!(page.body.contains("Existing due dates are not rewritten"));
    let res = w
        .admin
        .post("/admin/calendar/division", &[("division", "scotland")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/admin/calendar"));
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'calendar.division_changed' AND summary = 'Bank-holiday division changed from England and Wales to Scotland'"
        )
        .await,
        1
    );
    let page = w.admin.get("/admin/calendar").await;
    assert!(page.body.contains(r#"value="scotland" checked"#));
    assert!(page.body.contains("Bank holidays in Scotland"));
    assert!(page.body.contains("St Andrew"));

    // Planned now: Monday is a holiday in Scotland, so day 1 is Tuesday.
    let scotland = p2_case(&w).await;
    assert_eq!(initial_contact(&w.app, scotland).await.due_at, TUESDAY_END);
    // Planned before: not rewritten.
    assert_eq!(initial_contact(&w.app, england).await.due_at, MONDAY_END);

    // Saving the same division again changes (and audits) nothing.
    let res = w
        .admin
        .post("/admin/calendar/division", &[("division", "scotland")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(w.app.audit_count("calendar.division_changed").await, 1);

    // An unknown division is an invalid form.
    for bad in ["wales", ""] {
        let res = w
            .admin
            .post("/admin/calendar/division", &[("division", bad)])
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert!(res.body.contains("href=\"#division\""));
        assert_links_resolve(&res);
    }
    let res = w.admin.post("/admin/calendar/division", &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.app.audit_count("calendar.division_changed").await, 1);
}

#[tokio::test]
async fn a_closure_day_is_skipped_by_deadlines_planned_while_it_is_listed() {
    let mut w = world().await;
    to_friday(&mut w).await;
    let res = w
        .admin
        .post(
            "/admin/calendar/closure-days",
            &[
                ("closure_date", "2026-11-30"),
                ("closure_label", "  Staff training day "),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let day = closure_days::Entity::find()
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(day.day, time::macros::date!(2026 - 11 - 30));
    assert_eq!(day.label, "Staff training day");
    assert_eq!(day.created_by, w.admin_id);
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'calendar.closure_day_added' AND summary = 'Closure day 2026-11-30 added'"
        )
        .await,
        1
    );
    let page = w.admin.get("/admin/calendar").await;
    assert!(page.body.contains("Staff training day"));
    assert!(
        page.body
            .contains(r#"<time datetime="2026-11-30">30 Nov 2026</time>"#)
    );

    // Monday is closed: a P2 report on Friday is due at the end of Tuesday.
    let during = p2_case(&w).await;
    assert_eq!(initial_contact(&w.app, during).await.due_at, TUESDAY_END);

    // The same date again is refused, with what was typed kept.
    let res = w
        .admin
        .post(
            "/admin/calendar/closure-days",
            &[("closure_date", "2026-11-30"), ("closure_label", "Another label")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("2026-11-30 is already a closure day"));
    assert!(res.body.contains("href=\"#closure_date\""));
    assert_links_resolve(&res);
    assert_eq!(res.input_value("closure_date").as_deref(), Some("2026-11-30"));
    assert_eq!(res.input_value("closure_label").as_deref(), Some("Another label"));
    // Implausible dates and missing or long labels too.
    let long = "x".repeat(121);
    for (date, label, field) in [
        ("2026-02-30", "Typo", "closure_date"),
        ("30/11/2026", "Typo", "closure_date"),
        ("1850-01-01", "Typo", "closure_date"),
        ("", "No date", "closure_date"),
        ("2026-12-24", "  ", "closure_label"),
        ("2026-12-24", long.as_str(), "closure_label"),
    ] {
        let res = w
            .admin
            .post(
                "/admin/calendar/closure-days",
                &[("closure_date", date), ("closure_label", label)],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{date:?} {label:?}");
        assert!(
            res.body.contains(&format!("href=\"#{field}\"")),
            "{date:?} {label:?}"
        );
        assert_eq!(res.input_value("closure_date").as_deref(), Some(date));
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM closure_days").await, 1);
    assert_eq!(w.app.audit_count("calendar.closure_day_added").await, 1);

    // Removed: later plans count Monday again; the earlier deadline stays as planned.
    let res = w
        .admin
        .post(&format!("/admin/calendar/closure-days/{}/delete", day.id), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM closure_days").await, 0);
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'calendar.closure_day_removed' AND summary = 'Closure day 2026-11-30 removed'"
        )
        .await,
        1
    );
    let after = p2_case(&w).await;
    assert_eq!(initial_contact(&w.app, after).await.due_at, MONDAY_END);
    assert_eq!(initial_contact(&w.app, during).await.due_at, TUESDAY_END);
    let res = w
        .admin
        .post(&format!("/admin/calendar/closure-days/{}/delete", day.id), &[])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bank_holidays_show_which_years_are_provisional() {
    let mut w = world().await;
    let last = harbour::calendar::last_published_year();
    let res = w.admin.get("/admin/calendar").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(&format!(
        "Published GOV.UK dates run to {last}; later years are computed and provisional"
    )));
    for year in [2026, 2027, 2028] {
        assert!(
            res.body
                .contains(&format!("href=\"/admin/calendar?year={year}\"")),
            "{year}"
        );
    }
    // This year is published data: no provisional marks.
    assert!(res.body.contains("Bank holidays in 2026"));
    assert!(
        res.body
            .contains(r#"<time datetime="2026-12-28">28 Dec 2026</time>"#)
    );
    assert!(!res.body.contains(">Provisional<"));

    let after_data = last + 1;
    let res = w.admin.get(&format!("/admin/calendar?year={after_data}")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(">Provisional<"));
    assert!(res.body.contains("computed from the standing rules"));
    assert!(!res.body.contains(">Published<"));
    assert!(res.body.contains("Christmas Day"));

    let res = w.admin.get("/admin/calendar?year=2019").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.body.contains(">Provisional<"));
    assert!(res.body.contains("href=\"/admin/calendar?year=2019\""));

    for bad in ["abc", "2018", "2101", "-5", "2026.5"] {
        let res = w.admin.get(&format!("/admin/calendar?year={bad}")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn the_settings_page_links_to_the_procedure_and_calendar() {
    let mut w = world().await;
    let res = w.admin.get("/admin/settings").await;
    assert!(res.body.contains("href=\"/admin/procedure\""));
    assert!(res.body.contains("href=\"/admin/calendar\""));
}
