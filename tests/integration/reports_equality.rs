//! `/reports` on a HAND-BUILT data set whose every figure is worked out by hand below. The
//! clock stands at Monday 23 November 2026, 09:00 UTC; the report is Q2 2026 to 2027
//! (1 July – 30 September 2026, London; 30 June 23:00 UTC – 30 September 23:00 UTC), with
//! the target for closing set to 30 days.
//!
//! | case | received (UTC)  | victims (ethnicity)                 | status, closed (UTC), outcome                     |
//! |------|-----------------|-------------------------------------|---------------------------------------------------|
//! | C1   | 10 Jul 10:00    | Ada black-african                   | closed 9 Aug 10:00 (30 days), resolved            |
//! | C2   | 15 Jul 09:00    | Bea black-caribbean, Wes white-brit | closed 20 Sep 09:00 (67 days), unresolved-nfa     |
//! | C3   | 1 Aug 12:00     | Will white-british                  | open                                              |
//! | C4   | 10 Mar 10:00    | Asha asian-pakistani                | closed 20 Jul 10:00 (132 days), resolved          |
//! | C5   | 5 Jul 10:00     | Pat prefer-not-to-say               | closed 25 Jul, reopened, closed 1 Sep 10:00 (58 days), withdrawn |
//! | C6   | 5 Oct 10:00     | Ola black-african                   | open (after the period)                           |
//! | C7   | 10 Sep 10:00    | Ife black-african, RESTRICTED       | open                                              |
//! | C8   | 15 Sep 10:00    | none (South, P2, religion, not hate) | open                                             |
//! | C9   | 1 Jul 09:00     | Wendy white-british                 | closed 10 Oct (after the period), resolved        |
//!
//! Opened in the period: C1 C2 C3 C5 C7 C8 C9 (7). Closed in it: C1 C2 C4 C5 (4).
//! First contact with a victim: C1 4 h (a call to a witness an hour in does not count),
//! C2 24 h (a visit to Wes), C3 24 h (an e-mail; a failed attempt an hour in does not
//! count). Initial contact: C1 met, C2 late, C3 still overdue, the rest waived.

use crate::{
    common::{TestApp, html_unescape},
    fixtures::{self, CaseSpec, PersonSpec, history},
};
use entity::{
    Role, deadlines, incidents, referrals, risk_assessments, satisfaction_checks, support_measures,
};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use std::collections::HashMap;
use time::{OffsetDateTime, macros::datetime};

pub(crate) const Q2: &str = "period=q2-2026";

pub(crate) struct World {
    pub(crate) refs: HashMap<&'static str, String>,
    pub(crate) ids: HashMap<&'static str, i32>,
    pub(crate) officer: i32,
}

fn person(name: &str, ethnicity: &str) -> PersonSpec {
    PersonSpec {
        ethnicity: ethnicity.to_owned(),
        ..PersonSpec::named(name)
    }
}

pub(crate) async fn world(app: &TestApp) -> World {
    let officer = app.create_user("tina", Role::HarassmentOfficer).await;
    let north = fixtures::area(app, "North").await;
    let south = fixtures::area(app, "South").await;
    let spec = |received: OffsetDateTime, victims: Vec<PersonSpec>| CaseSpec {
        received_at: Some(received),
        victims,
        ..CaseSpec::new(officer, north)
    };
    let mut refs = HashMap::new();
    let mut ids = HashMap::new();
    let mut people = HashMap::new();

    let c1 = fixtures::case(
        app,
        CaseSpec {
            witnesses: vec![person("Wit", "white-irish")],
            perpetrators: vec![person("Pete", "white-british"), PersonSpec::named("unknown")],
            ..spec(
                datetime!(2026-07-10 10:00 UTC),
                vec![person("Ada", "black-african")],
            )
        },
    )
    .await;
    let c2 = fixtures::case(
        app,
        CaseSpec {
            perpetrators: vec![PersonSpec::existing(c1.people[2]), person("Paul", "asian-indian")],
            ..spec(
                datetime!(2026-07-15 09:00 UTC),
                vec![person("Bea", "black-caribbean"), person("Wes", "white-british")],
            )
        },
    )
    .await;
    let c3 = fixtures::case(
        app,
        spec(
            datetime!(2026-08-01 12:00 UTC),
            vec![person("Will", "white-british")],
        ),
    )
    .await;
    let c4 = fixtures::case(
        app,
        spec(
            datetime!(2026-03-10 10:00 UTC),
            vec![person("Asha", "asian-pakistani")],
        ),
    )
    .await;
    let c5 = fixtures::case(
        app,
        spec(
            datetime!(2026-07-05 10:00 UTC),
            vec![person("Pat", "prefer-not-to-say")],
        ),
    )
    .await;
    let c6 = fixtures::case(
        app,
        spec(
            datetime!(2026-10-05 10:00 UTC),
            vec![person("Ola", "black-african")],
        ),
    )
    .await;
    let c7 = fixtures::case(
        app,
        CaseSpec {
            restricted: true,
            perpetrators: vec![PersonSpec::named("group")],
            ..spec(
                datetime!(2026-09-10 10:00 UTC),
                vec![person("Ife", "black-african")],
            )
        },
    )
    .await;
    let c8 = fixtures::case(
        app,
        CaseSpec {
            area_id: south,
            priority: "p2",
            hate: false,
            strands: vec!["religion"],
            ..spec(datetime!(2026-09-15 10:00 UTC), vec![])
        },
    )
    .await;
    let c9 = fixtures::case(
        app,
        spec(
            datetime!(2026-07-01 09:00 UTC),
            vec![person("Wendy", "white-british")],
        ),
    )
    .await;
    // The unknown perpetrator and the group are not named people.
    for (id, kind) in [(c1.people[3], "unknown"), (c7.people[1], "group")] {
        entity::people::Entity::update_many()
            .col_expr(entity::people::Column::Kind, Expr::value(kind))
            .col_expr(entity::people::Column::Name, Expr::value(None::<String>))
            .filter(entity::people::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
    }
    for (k, c) in [
        ("C1", &c1),
        ("C2", &c2),
        ("C3", &c3),
        ("C4", &c4),
        ("C5", &c5),
        ("C6", &c6),
        ("C7", &c7),
        ("C8", &c8),
        ("C9", &c9),
    ] {
        refs.insert(k, c.reference.clone());
        ids.insert(k, c.id);
    }
    people.insert("Ada", c1.people[0]);
    people.insert("Wit", c1.people[1]);
    people.insert("Pete", c1.people[2]);
    people.insert("Wes", c2.people[1]);
    people.insert("Paul", c2.people[3]);
    people.insert("Will", c3.people[0]);

    history::close(app, c1.id, datetime!(2026-08-09 10:00 UTC), "resolved", officer).await;
    history::close(
        app,
        c2.id,
        datetime!(2026-09-20 09:00 UTC),
        "unresolved-nfa",
        officer,
    )
    .await;
    history::close(app, c4.id, datetime!(2026-07-20 10:00 UTC), "resolved", officer).await;
    // C5: closed, reopened, closed again: counts once, with its latest outcome.
    history::closure_row(
        app,
        c5.id,
        datetime!(2026-07-25 10:00 UTC),
        "resolved",
        officer,
        Some(datetime!(2026-08-01 10:00 UTC)),
    )
    .await;
    history::close(app, c5.id, datetime!(2026-09-01 10:00 UTC), "withdrawn", officer).await;
    history::close(app, c9.id, datetime!(2026-10-10 10:00 UTC), "resolved", officer).await;

    history::contact(
        app,
        c1.id,
        people["Wit"],
        "phone-call",
        datetime!(2026-07-10 11:00 UTC),
    )
    .await;
    history::contact(
        app,
        c1.id,
        people["Ada"],
        "phone-call",
        datetime!(2026-07-10 14:00 UTC),
    )
    .await;
    history::contact(
        app,
        c2.id,
        people["Wes"],
        "visit",
        datetime!(2026-07-16 09:00 UTC),
    )
    .await;
    history::contact(
        app,
        c3.id,
        people["Will"],
        "failed-attempt",
        datetime!(2026-08-01 13:00 UTC),
    )
    .await;
    history::contact(
        app,
        c3.id,
        people["Will"],
        "email",
        datetime!(2026-08-02 12:00 UTC),
    )
    .await;

    history::initial_contact(app, c1.id, Some(-20 * 60), false).await;
    history::initial_contact(app, c2.id, Some(60), false).await;
    history::initial_contact(app, c3.id, None, false).await;
    for c in [&c5, &c7, &c8, &c9] {
        history::initial_contact(app, c.id, None, true).await;
    }

    // Risk: C1 medium then high (first: medium); C2 standard.
    for (case, at, level) in [
        (c1.id, datetime!(2026-07-20 10:00 UTC), "high"),
        (c1.id, datetime!(2026-07-11 10:00 UTC), "medium"),
        (c2.id, datetime!(2026-07-16 10:00 UTC), "standard"),
    ] {
        risk_assessments::ActiveModel {
            case_id: Set(case),
            set_id: Set(1),
            occasion: Set("triage".to_owned()),
            assessed_at: Set(at),
            score: Set(5),
            computed_level: Set(level.to_owned()),
            level: Set(level.to_owned()),
            created_by: Set(officer),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    // Support: C1 two provided and one requested; C3 one provided. Referrals: C1 one sent,
    // one withdrawn.
    for (case, status) in [
        (c1.id, "provided"),
        (c1.id, "provided"),
        (c1.id, "requested"),
        (c3.id, "provided"),
    ] {
        support_measures::ActiveModel {
            case_id: Set(case),
            catalogue_id: Set(1),
            status: Set(status.to_owned()),
            requested_on: Set(time::macros::date!(2026 - 08 - 01)),
            provided_on: Set((status == "provided").then_some(time::macros::date!(2026 - 08 - 02))),
            created_by: Set(officer),
            created_at: Set(app.now()),
            version: Set(1),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    for status in ["sent", "withdrawn"] {
        referrals::ActiveModel {
            case_id: Set(c1.id),
            agency_id: Set(1),
            status: Set(status.to_owned()),
            referred_on: Set(time::macros::date!(2026 - 08 - 01)),
            created_by: Set(officer),
            created_at: Set(app.now()),
            version: Set(1),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    // Enforcement: Pete a warning letter on C1 and an injunction granted on C2; Paul a
    // mediation only planned.
    history::action(
        app,
        c1.id,
        fixtures::party_id(app, c1.id, people["Pete"]).await,
        "warning-letter",
        "issued",
        officer,
    )
    .await;
    history::action(
        app,
        c2.id,
        fixtures::party_id(app, c2.id, people["Pete"]).await,
        "injunction",
        "granted",
        officer,
    )
    .await;
    history::action(
        app,
        c2.id,
        fixtures::party_id(app, c2.id, people["Paul"]).await,
        "mediation",
        "planned",
        officer,
    )
    .await;
    // Satisfaction: C1's latest check (satisfied) replaces an earlier one; C2 declined; C4
    // very dissatisfied with handling, dissatisfied with the outcome.
    history::satisfaction(app, c1.id, "dissatisfied", "dissatisfied", officer).await;
    history::satisfaction(app, c1.id, "satisfied", "very-satisfied", officer).await;
    history::satisfaction(app, c2.id, "declined", "declined", officer).await;
    history::satisfaction(app, c4.id, "very-dissatisfied", "dissatisfied", officer).await;
    // A further report on C4 (opened in March) in August: a report received, not a case.
    incidents::ActiveModel {
        case_id: Set(c4.id),
        received_at: Set(datetime!(2026-08-15 10:00 UTC)),
        received_how: Set("phone".to_owned()),
        reporter_type: Set("victim".to_owned()),
        occurred_kind: Set("unknown".to_owned()),
        location_kind: Set("home".to_owned()),
        description: Set("More abuse".to_owned()),
        police_involved: Set(false),
        logged_by: Set(officer),
        created_at: Set(app.now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    World { refs, ids, officer }
}

/// The CSV as (section, group_code, measure) → value.
pub(crate) type Csv = HashMap<(String, String, String), String>;

fn parse_csv(body: &[u8]) -> (Vec<String>, Csv) {
    let text = String::from_utf8(body.to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let mut out = HashMap::new();
    for rec in reader.records() {
        let rec = rec.unwrap();
        let key = (rec[2].to_owned(), rec[3].to_owned(), rec[5].to_owned());
        assert!(
            out.insert(key.clone(), rec[6].to_owned()).is_none(),
            "one row per number: {key:?}"
        );
    }
    (header, out)
}

pub(crate) async fn manager_csv(app: &TestApp, query: &str) -> Csv {
    let mut m = app.signed_in(Role::Manager).await;
    let (status, headers, body) = m.get_bytes(&format!("/reports/equality.csv?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    parse_csv(&body).1
}

fn v<'a>(
    csv: &'a HashMap<(String, String, String), String>,
    section: &str,
    group: &str,
    measure: &str,
) -> &'a str {
    csv.get(&(section.to_owned(), group.to_owned(), measure.to_owned()))
        .unwrap_or_else(|| panic!("no {section}/{group}/{measure}"))
}

pub(crate) async fn set_close_target(app: &TestApp, days: &str) {
    let mut admin = app.signed_in(Role::Admin).await;
    let res = admin
        .post(
            "/admin/reporting",
            &[
                ("not_given_target_percent", "10"),
                ("close_target_days", days),
                ("group_reference", "group-white"),
                ("category_reference", "white-british"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn victim_ethnicity_figures_match_the_hand_worked_answers() {
    let app = TestApp::spawn().await;
    world(&app).await;
    set_close_target(&app, "30").await;
    let csv = manager_csv(&app, &format!("{Q2}&mode=internal")).await;
    let e = |group: &str, measure: &str| v(&csv, "victim_ethnicity", group, measure).to_owned();
    // Opened, still open, closed, outcomes.
    for (group, opened, still, closed, resolved, nfa, withdrawn) in [
        ("all", "7", "3", "4", "2", "1", "1"),
        ("group-black", "3", "1", "2", "1", "1", "0"),
        ("black-african", "2", "1", "1", "1", "0", "0"),
        ("black-caribbean", "1", "0", "1", "0", "1", "0"),
        ("group-white", "3", "1", "1", "0", "1", "0"),
        ("white-british", "3", "1", "1", "0", "1", "0"),
        ("group-asian", "0", "0", "1", "1", "0", "0"),
        ("asian-pakistani", "0", "0", "1", "1", "0", "0"),
        ("prefer-not-to-say", "1", "0", "1", "0", "0", "1"),
        ("not-known", "1", "1", "0", "0", "0", "0"),
        ("group-mixed", "0", "0", "0", "0", "0", "0"),
    ] {
        assert_eq!(e(group, "cases_opened"), opened, "{group} opened");
        assert_eq!(e(group, "cases_still_open"), still, "{group} still open");
        assert_eq!(e(group, "cases_closed"), closed, "{group} closed");
        assert_eq!(e(group, "closed_resolved"), resolved, "{group} resolved");
        assert_eq!(e(group, "closed_unresolved-nfa"), nfa, "{group} nfa");
        assert_eq!(e(group, "closed_withdrawn"), withdrawn, "{group} withdrawn");
    }
    assert_eq!(e("all", "resolved_rate"), "50.0");
    assert_eq!(e("group-black", "resolved_rate"), "50.0");
    assert_eq!(e("group-white", "resolved_rate"), "0.0");
    assert_eq!(e("group-mixed", "resolved_rate"), "[x]");
    // First contact: all 4, 24, 24 h → median 24, p90 24; Black 4 and 24 → 14; Black
    // African 4; White British 24 and 24.
    assert_eq!(e("all", "first_contact_median_hours"), "24.0");
    assert_eq!(e("all", "first_contact_p90_hours"), "24.0");
    assert_eq!(e("group-black", "first_contact_median_hours"), "14.0");
    assert_eq!(e("black-african", "first_contact_median_hours"), "4.0");
    assert_eq!(e("white-british", "first_contact_median_hours"), "24.0");
    assert_eq!(e("not-known", "first_contact_median_hours"), "[x]");
    // Initial contact on time: met ÷ (met + late + overdue): all 1/3, Black 1/2, White 0/2.
    assert_eq!(e("all", "first_contact_on_time_rate"), "33.3");
    assert_eq!(e("group-black", "first_contact_on_time_rate"), "50.0");
    assert_eq!(e("group-white", "first_contact_on_time_rate"), "0.0");
    // Days to close: 30, 58, 67, 132 → 62.5; Black 30 and 67 → 48.5.
    assert_eq!(e("all", "median_days_to_close"), "62.5");
    assert_eq!(e("group-black", "median_days_to_close"), "48.5");
    assert_eq!(e("asian-pakistani", "median_days_to_close"), "132.0");
    // Within 30 days, among C1 C2 C3 C5 C9 (opened before 31 Aug 23:00 UTC): only C1.
    assert_eq!(e("all", "closed_within_target_rate"), "20.0");
    assert_eq!(e("group-black", "closed_within_target_rate"), "50.0");
    // Risk at first assessment (C1 medium, not its later high; C2 standard).
    assert_eq!(e("all", "risk_first_medium"), "1");
    assert_eq!(e("all", "risk_first_high"), "0");
    assert_eq!(e("all", "risk_first_standard"), "1");
    assert_eq!(e("all", "risk_not_assessed"), "5");
    assert_eq!(e("group-white", "risk_first_standard"), "1");
    // Support provided: 3 over 7 cases; referrals made (sent): 1 over 7.
    assert_eq!(e("all", "support_provided_per_case"), "0.43");
    assert_eq!(e("all", "referrals_per_case"), "0.14");
    assert_eq!(e("black-african", "support_provided_per_case"), "1.00");

    // Satisfaction: latest checks of C1 (satisfied / very satisfied), C2 (declined), C4
    // (very dissatisfied / dissatisfied): 1 of 2 answers satisfied.
    let s = |group: &str, measure: &str| v(&csv, "satisfaction", group, measure).to_owned();
    assert_eq!(s("all", "checks"), "3");
    assert_eq!(s("all", "handling_satisfied"), "1");
    assert_eq!(s("all", "handling_dissatisfied"), "0");
    assert_eq!(s("all", "handling_declined"), "1");
    assert_eq!(s("all", "handling_satisfied_rate"), "50.0");
    assert_eq!(s("all", "outcome_very-satisfied"), "1");
    assert_eq!(s("all", "outcome_satisfied_rate"), "50.0");
    assert_eq!(s("group-asian", "handling_satisfied_rate"), "0.0");
    // Disparity: every group is too small to test.
    assert_eq!(
        v(&csv, "disparity", "group-black", "resolved_rate_p_value"),
        "[x]"
    );
    assert_eq!(v(&csv, "disparity", "group-black", "resolved_rate_flagged"), "0");
    assert_eq!(
        v(&csv, "disparity", "group-black", "resolved_rate_rate_group"),
        "50.0"
    );
    assert_eq!(
        v(&csv, "disparity", "group-black", "resolved_rate_rate_reference"),
        "0.0"
    );
}

#[tokio::test]
async fn volume_perpetrators_recording_and_nm01() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let csv = manager_csv(&app, Q2).await;
    let vol = |group: &str, measure: &str| v(&csv, "volume", group, measure).to_owned();
    // By month (London): July C1 C2 C5 C9; August C3 (and C4's further report); September C7 C8.
    assert_eq!(vol("month-2026-07", "cases_opened"), "4");
    assert_eq!(vol("month-2026-08", "cases_opened"), "1");
    assert_eq!(vol("month-2026-08", "reports_received"), "2");
    assert_eq!(vol("month-2026-09", "cases_opened"), "2");
    assert_eq!(vol("month-2026-09", "cases_opened_previous_year"), "0");
    assert_eq!(vol("all", "reports_received"), "8");
    assert_eq!(vol("strand-race", "cases_opened"), "6");
    assert_eq!(vol("strand-religion", "cases_opened"), "1");
    assert_eq!(vol("priority-p1", "cases_opened"), "6");
    assert_eq!(vol("priority-p2", "cases_opened"), "1");
    assert_eq!(vol("type-verbal-abuse", "cases_opened"), "7");

    // A custom period longer than a year overlaps the year before it: March 2026 to March
    // 2027 a year earlier is March 2025 to March 2026, so C4 (10 March 2026) counts in
    // both, and as a year-earlier case under March 2027, the month a year on.
    let long = manager_csv(&app, "period=custom&from=2026-03-01&to=2027-03-31").await;
    let vol = |group: &str, measure: &str| v(&long, "volume", group, measure).to_owned();
    assert_eq!(vol("month-2026-03", "cases_opened"), "1");
    assert_eq!(vol("month-2026-03", "cases_opened_previous_year"), "0");
    assert_eq!(vol("month-2027-03", "cases_opened_previous_year"), "1");
    assert_eq!(vol("month-2026-10", "cases_opened"), "1");
    assert_eq!(vol("all", "cases_opened"), "9");
    assert_eq!(vol("all", "cases_opened_previous_year"), "1");
    assert_eq!(vol("strand-race", "cases_opened_previous_year"), "1");
    assert_eq!(vol("strand-religion", "cases_opened_previous_year"), "0");
    assert_eq!(vol("priority-p1", "cases_opened_previous_year"), "1");
    assert_eq!(vol("type-verbal-abuse", "cases_opened_previous_year"), "1");

    // Alleged perpetrators on cases opened in the period: Pete (White British, on C1 and
    // C2), an unknown person, Paul (Indian), a group.
    let p = |group: &str, measure: &str| v(&csv, "perpetrator_ethnicity", group, measure).to_owned();
    assert_eq!(p("all", "alleged_perpetrators"), "4");
    assert_eq!(p("all", "with_action"), "2");
    assert_eq!(p("white-british", "alleged_perpetrators"), "1");
    assert_eq!(p("white-british", "action_warning-letter"), "1");
    assert_eq!(p("white-british", "action_injunction"), "1");
    assert_eq!(p("white-british", "actions_granted"), "1");
    assert_eq!(p("asian-indian", "with_action"), "1");
    assert_eq!(p("asian-indian", "action_mediation"), "0");
    assert_eq!(p("unknown-person", "alleged_perpetrators"), "1");
    assert_eq!(p("group-of-people", "alleged_perpetrators"), "1");
    assert_eq!(p("all", "repeat_alleged_perpetrators"), "1");

    // Recording: 7 victims on cases opened (C8 has none), 1 prefer not to say: 14.3 %,
    // above the 10 % target. Alleged perpetrators named: Pete twice, Paul.
    let r = |group: &str, measure: &str| v(&csv, "recording", group, measure).to_owned();
    assert_eq!(r("all", "victims"), "7");
    assert_eq!(r("all", "prefer_not_to_say"), "1");
    assert_eq!(r("all", "not_known"), "0");
    assert_eq!(r("all", "not_given_rate"), "14.3");
    assert_eq!(r("all", "meets_target"), "0");
    assert_eq!(r("all", "perpetrators"), "3");
    assert_eq!(r(&format!("officer-{}", w.officer), "victims"), "7");
    assert_eq!(r("characteristic-sex", "not_answered"), "7");

    // NM01 without homes: what is missing, not a division by nothing.
    assert_eq!(v(&csv, "nm01", "nm01", "cases_opened"), "7");
    assert_eq!(v(&csv, "nm01", "nm01", "hate_cases_opened"), "6");
    assert_eq!(v(&csv, "nm01", "nm01", "cases_per_1000_homes"), "[x]");
    let mut m = app.signed_in(Role::Manager).await;
    let page = m.get(&format!("/reports?{Q2}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("NM01 cannot be worked out yet"),
        "{}",
        page.body
    );

    // With homes: 4,600 + 400 = 5,000; 233 cases in other systems → (7 + 233) ÷ 5,000 ×
    // 1,000 = 48.00; 6 hate cases → 1.20.
    let mut admin = app.signed_in(Role::Admin).await;
    let res = admin
        .post(
            "/admin/reporting/nm01",
            &[
                ("year", "2026"),
                ("homes_rental", "4600"),
                ("homes_ownership", "400"),
                ("other_asb_cases", "233"),
                (
                    "methodology",
                    "Cases before June were logged in our old ASB system.",
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let csv = manager_csv(&app, Q2).await;
    assert_eq!(v(&csv, "nm01", "nm01", "homes"), "5000");
    assert_eq!(v(&csv, "nm01", "nm01", "cases_per_1000_homes"), "48.00");
    assert_eq!(v(&csv, "nm01", "nm01", "hate_cases_per_1000_homes"), "1.20");
    let page = m.get(&format!("/reports?{Q2}&mode=publication")).await;
    let text = html_unescape(&page.body);
    assert!(text.contains("48.00"), "NM01 is never suppressed");
    assert!(text.contains("Cases before June were logged in our old ASB system."));
    assert!(text.contains("5,000 homes × 1,000"));
}

#[tokio::test]
async fn publication_mode_hides_small_numbers_everywhere() {
    let app = TestApp::spawn().await;
    world(&app).await;
    let mut lead = app.signed_in(Role::EqualityLead).await;
    // The equality lead cannot turn publication mode off.
    let (status, _, body) = lead
        .get_bytes(&format!("/reports/equality.csv?{Q2}&mode=internal"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, csv) = parse_csv(&body);
    assert_eq!(v(&csv, "victim_ethnicity", "all", "cases_opened"), "7");
    assert_eq!(v(&csv, "victim_ethnicity", "group-black", "cases_opened"), "[c]");
    assert_eq!(v(&csv, "victim_ethnicity", "group-mixed", "cases_opened"), "0");
    assert_eq!(v(&csv, "victim_ethnicity", "all", "resolved_rate"), "[c]");
    // No count of 1–4 anywhere but NM01 (never suppressed) and the flag columns.
    for ((section, group, measure), value) in &csv {
        if section == "nm01" || measure.ends_with("_flagged") || measure == "meets_target" {
            continue;
        }
        if let Ok(n) = value.parse::<u64>() {
            assert!(
                !(1..=4).contains(&n),
                "{section}/{group}/{measure} = {n} in publication mode"
            );
        }
    }
    // The page says so, and offers no mode switch or drill-down.
    let page = lead.get(&format!("/reports?{Q2}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Publication mode"));
    assert!(!page.body.contains("name=\"mode\""));
    assert!(!page.body.contains("/reports/cases?"));
    assert!(!page.body.contains("/reports/repeat-perpetrators"));
    assert!(
        !page.body.contains("tina Test"),
        "staff are not named in published figures"
    );
}

#[tokio::test]
async fn csv_matches_the_screen_and_the_workbook_matches_the_csv() {
    let app = TestApp::spawn().await;
    world(&app).await;
    let mut m = app.signed_in(Role::Manager).await;
    let (_, headers, body) = m.get_bytes(&format!("/reports/equality.csv?{Q2}")).await;
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let (header, csv) = parse_csv(&body);
    let text = String::from_utf8(body.clone()).unwrap();
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.starts_with("2026-07-01,2026-09-30,")),
        "every row names the period"
    );
    assert_eq!(
        header,
        [
            "period_from",
            "period_to",
            "section",
            "group_code",
            "group_label",
            "measure",
            "value"
        ]
    );
    let page = m.get(&format!("/reports?{Q2}")).await;
    let text = html_unescape(&page.body);
    // A few numbers as the screen shows them (rates with %, counts as they are).
    assert!(text.contains(&format!(
        "{}%",
        v(&csv, "victim_ethnicity", "all", "resolved_rate")
    )));
    assert!(text.contains("14.3%"), "not-given rate on screen");
    assert!(text.contains("A case counts once in each ethnic category and group of its victims"));

    let (status, headers, bytes) = m.get_bytes(&format!("/reports/equality.xlsx?{Q2}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheets = book.sheet_names().to_vec();
    assert_eq!(
        sheets,
        [
            "volume",
            "victim_ethnicity",
            "perpetrator_ethnicity",
            "recording",
            "nm01",
            "satisfaction",
            "disparity"
        ]
    );
    let mut rows = 0;
    for name in &sheets {
        let range = book.worksheet_range(name).unwrap();
        for (i, row) in range.rows().enumerate() {
            if i == 0 {
                assert_eq!(row[6], Data::String("value".into()));
                continue;
            }
            rows += 1;
            let key = (row[2].to_string(), row[3].to_string(), row[5].to_string());
            let want = &csv[&key];
            match &row[6] {
                Data::Float(f) => assert_eq!(*f, want.parse::<f64>().unwrap(), "{key:?}"),
                Data::Int(n) => assert_eq!(*n as f64, want.parse::<f64>().unwrap(), "{key:?}"),
                Data::String(s) => assert_eq!(s, want, "{key:?}"),
                other => panic!("{key:?}: {other:?}"),
            }
        }
    }
    assert_eq!(rows, csv.len(), "the workbook holds every number of the CSV");
}

#[tokio::test]
async fn drill_down_lists_cases_through_visibility_and_repeat_perpetrators_for_managers() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let mut m = app.signed_in(Role::Manager).await;
    let res = m
        .get(&format!(
            "/reports/cases?{Q2}&group=black-african&measure=cases_opened"
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(&w.refs["C1"]));
    assert!(res.body.contains(&w.refs["C7"]), "managers see restricted cases");
    assert!(!res.body.contains(&w.refs["C6"]), "after the period");
    // The dashboard links each count to its cases.
    let page = m.get(&format!("/reports?{Q2}")).await;
    assert!(
        html_unescape(&page.body)
            .contains("/reports/cases?period=q2-2026&mode=internal&group=black-african&measure=cases_opened")
    );
    let res = m.get(&format!("/reports/repeat-perpetrators?{Q2}")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Pete"));
    assert!(res.body.contains(&w.refs["C1"]) && res.body.contains(&w.refs["C2"]));
    // Nonsense in a drill link is not found, not a 500.
    assert_eq!(
        m.get(&format!(
            "/reports/cases?{Q2}&group=martians&measure=cases_opened"
        ))
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        m.get(&format!("/reports/cases?{Q2}&group=all&measure=drop%20table"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let _ = w.ids;
}

#[tokio::test]
async fn who_may_see_reports_and_every_view_is_audited_without_content() {
    let app = TestApp::spawn().await;
    world(&app).await;
    for role in [Role::Admin, Role::TenancyOfficer, Role::HarassmentOfficer] {
        let mut c = app.signed_in(role).await;
        for path in [
            "/reports",
            "/reports/equality.csv",
            "/reports/board",
            "/reports/cases?group=all&measure=cases_opened",
        ] {
            assert_eq!(c.get(path).await.status, StatusCode::FORBIDDEN, "{role:?} {path}");
        }
    }
    let mut lead = app.signed_in(Role::EqualityLead).await;
    assert_eq!(lead.get("/reports").await.status, StatusCode::OK);
    assert_eq!(
        lead.get(&format!("/reports/board?{Q2}")).await.status,
        StatusCode::OK
    );
    for path in [
        "/reports/cases?group=all&measure=cases_opened",
        "/reports/repeat-perpetrators",
        "/cases",
        "/compliance",
        "/deadlines",
        "/audit",
    ] {
        assert_eq!(
            lead.get(path).await.status,
            StatusCode::FORBIDDEN,
            "equality lead {path}"
        );
    }
    let before = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action LIKE 'reports.%'")
        .await;
    let mut m = app.signed_in(Role::Manager).await;
    m.get(&format!("/reports?{Q2}&area=&hate=yes")).await;
    m.get_bytes(&format!("/reports/equality.xlsx?{Q2}&mode=publication"))
        .await;
    let after = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action LIKE 'reports.%'")
        .await;
    assert_eq!(after - before, 2);
    let summaries = app
        .count(
            "SELECT COUNT(*) FROM audit_events WHERE summary LIKE '%period=q2-2026%hate=yes%mode=internal%'",
        )
        .await;
    assert_eq!(summaries, 1);
    let exported = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'reports.exported' AND summary LIKE '%Excel%mode=publication%'")
        .await;
    assert_eq!(exported, 1);
    // Bad parameters: the form again with what to fix (422), or a 400 for an export.
    let res = m.get("/reports?period=fy-20x6&hate=maybe&strand=nope").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("There is a problem"));
    assert!(res.body.contains("Choose a strand from the list"));
    assert_eq!(
        m.get("/reports/equality.csv?period=custom&from=2026-02-30")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn board_report_and_settings_validation() {
    let app = TestApp::spawn().await;
    world(&app).await;
    let mut m = app.signed_in(Role::Manager).await;
    let res = m.get(&format!("/reports/board?{Q2}")).await;
    assert_eq!(res.status, StatusCode::OK);
    let text = html_unescape(&res.body);
    for q in [
        "Q2 2025/26",
        "Q3 2025/26",
        "Q4 2025/26",
        "Q1 2026/27",
        "Q2 2026/27 (this report)",
    ] {
        assert!(text.contains(q), "{q}");
    }
    assert!(text.contains("Internal version with exact figures"));
    let res = m.get(&format!("/reports/board?{Q2}&mode=publication")).await;
    assert!(res.body.contains("Published version"));

    let mut admin = app.signed_in(Role::Admin).await;
    let res = admin
        .post(
            "/admin/reporting",
            &[
                ("not_given_target_percent", "150"),
                ("close_target_days", "0"),
                ("group_reference", "group-martian"),
                ("category_reference", "white-british"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        res.input_value("not_given_target_percent").as_deref(),
        Some("150")
    );
    assert!(res.body.contains("from 0 to 100"));
    let res = admin
        .post(
            "/admin/reporting/nm01",
            &[
                ("year", "2026"),
                ("homes_rental", "0"),
                ("homes_ownership", "0"),
                ("other_asb_cases", "x"),
                ("methodology", "Kept"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("cannot divide by no homes"));
    assert!(res.body.contains("Kept"));
    // Managers cannot change the settings.
    assert_eq!(
        m.post("/admin/reporting", &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_post_closure_check_records_satisfaction_and_completes_its_deadline() {
    let app = TestApp::spawn().await;
    let officer = app.create_user("hana", Role::HarassmentOfficer).await;
    let north = fixtures::area(&app, "North").await;
    let c = fixtures::case(&app, CaseSpec::new(officer, north)).await;
    let mut h = app.signed_in_as("hana").await;
    // Not before closing.
    assert_eq!(
        h.get(&format!("/cases/{}/satisfaction", c.reference))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let mut fields = vec![
        ("outcome".to_owned(), "resolved".to_owned()),
        ("reason".to_owned(), "Perpetrator moved away".to_owned()),
        ("victim_told_on".to_owned(), "2026-11-23".to_owned()),
    ];
    fields.extend(fixtures::deadline_answers(&app, c.id, "not-applicable").await);
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    h.get(&format!("/cases/{}/close", c.reference)).await;
    let res = h.post(&format!("/cases/{}/close", c.reference), &borrowed).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = h.get(&format!("/cases/{}", c.reference)).await;
    assert!(page.body.contains("Record post-closure check"));
    // Bad input comes back with what was typed.
    let res = h
        .post(
            &format!("/cases/{}/satisfaction", c.reference),
            &[
                ("checked_on", "2030-01-01"),
                ("handling", "satisfied"),
                ("outcome", ""),
                ("notes", "Rang twice"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("cannot be in the future"));
    assert!(res.body.contains("with the outcome"));
    assert!(res.body.contains("Rang twice"));
    let res = h
        .post(
            &format!("/cases/{}/satisfaction", c.reference),
            &[
                ("checked_on", "2026-11-23"),
                ("handling", "satisfied"),
                ("outcome", "neither"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let check = satisfaction_checks::Entity::find()
        .filter(satisfaction_checks::Column::CaseId.eq(c.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (check.handling.as_str(), check.outcome.as_str()),
        ("satisfied", "neither")
    );
    assert!(check.closure_id.is_some());
    let post = deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(c.id))
        .filter(deadlines::Column::Stage.eq("post-closure-check"))
        .order_by_asc(deadlines::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("closing plans the post-closure check");
    assert_eq!(post.status, "done");
    let page = h.get(&format!("/cases/{}", c.reference)).await;
    assert!(page.body.contains("handling fairly satisfied"), "{}", page.body);
    // A declined check answers both questions; tenancy officers cannot record one.
    let res = h
        .post(
            &format!("/cases/{}/satisfaction", c.reference),
            &[
                ("checked_on", "2026-11-23"),
                ("handling", "declined"),
                ("outcome", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mut t = app.signed_in(Role::TenancyOfficer).await;
    assert_eq!(
        t.get(&format!("/cases/{}/satisfaction", c.reference))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn young_cases_and_checks_of_an_undone_closure_do_not_count() {
    let app = TestApp::spawn().await;
    let officer = app.create_user("tina", Role::HarassmentOfficer).await;
    let north = fixtures::area(&app, "North").await;
    // Received five days ago: too young to count towards "closed within 30 days", even for
    // a period (this financial year) that ends months from now.
    fixtures::case(
        &app,
        CaseSpec {
            received_at: Some(app.now() - time::Duration::days(5)),
            ..CaseSpec::new(officer, north)
        },
    )
    .await;
    // Closed, checked (satisfied), reopened, closed again without a check: the earlier
    // check belongs to a closure that was undone.
    let c = fixtures::case(
        &app,
        CaseSpec {
            received_at: Some(datetime!(2026-06-01 10:00 UTC)),
            ..CaseSpec::new(officer, north)
        },
    )
    .await;
    let first = history::closure_row(
        &app,
        c.id,
        datetime!(2026-06-10 10:00 UTC),
        "resolved",
        officer,
        Some(datetime!(2026-06-20 10:00 UTC)),
    )
    .await;
    satisfaction_checks::ActiveModel {
        case_id: Set(c.id),
        closure_id: Set(Some(first)),
        checked_on: Set(time::macros::date!(2026 - 06 - 15)),
        handling: Set("satisfied".to_owned()),
        outcome: Set("satisfied".to_owned()),
        created_by: Set(officer),
        created_at: Set(app.now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    history::close(&app, c.id, datetime!(2026-07-20 10:00 UTC), "withdrawn", officer).await;
    set_close_target(&app, "30").await;
    let csv = manager_csv(&app, "period=fy-2026").await;
    // Cohort: only the June case (the young one is left out); closed after 49 days.
    assert_eq!(
        v(&csv, "victim_ethnicity", "all", "closed_within_target_rate"),
        "0.0"
    );
    let csv_q = manager_csv(&app, "period=custom&from=2026-11-01&to=2027-03-31").await;
    assert_eq!(v(&csv_q, "victim_ethnicity", "all", "cases_opened"), "1");
    assert_eq!(
        v(&csv_q, "victim_ethnicity", "all", "closed_within_target_rate"),
        "[x]"
    );
    assert_eq!(v(&csv, "satisfaction", "all", "checks"), "0");
    assert_eq!(v(&csv, "satisfaction", "all", "handling_satisfied"), "0");
}

/// The database's London month of an instant (volume by month) against the time-zone
/// rules: the hours either side of every month's end from 2019 to 2030, summer time or
/// not, and the hours of each change of the clocks.
#[tokio::test]
async fn the_database_reads_the_london_month_of_every_instant_as_the_clock_does() {
    use harbour::reports::sql::{Sql, london_month};
    let app = TestApp::spawn().await;
    let backend = sea_orm::ConnectionTrait::get_database_backend(&app.db);
    let mut instants = vec![];
    for year in 2019..=2030 {
        for month in 1..=12u8 {
            let first = time::Date::from_calendar_date(year, month.try_into().unwrap(), 1).unwrap();
            let midnight = first.midnight().assume_utc();
            for hours in -3..=3 {
                instants.push(midnight + time::Duration::hours(hours) + time::Duration::minutes(30));
            }
            // Late March and late October: the clocks change on the last Sunday at 01:00 UTC.
            for day in 24..=31u8 {
                if let Ok(d) = first.replace_day(day) {
                    instants.push(d.midnight().assume_utc() + time::Duration::minutes(90));
                }
            }
        }
    }
    for chunk in instants.chunks(200) {
        let mut s = Sql::default();
        for (i, at) in chunk.iter().enumerate() {
            if i > 0 {
                s.push(" UNION ALL ", []);
            }
            let bound = match backend {
                sea_orm::DbBackend::Postgres => "CAST(? AS TIMESTAMPTZ)",
                _ => "?",
            };
            s.push(
                &format!(
                    "SELECT {i}, {} FROM (SELECT {bound} AS at) t",
                    london_month(backend, "t.at")
                ),
                [(*at).into()],
            );
        }
        for row in s.all(&app.db).await.unwrap() {
            let i: i32 = row.try_get_by_index(0).unwrap();
            let month: String = row.try_get_by_index(1).unwrap();
            let at = chunk[i as usize];
            let local = harbour::web::time_fmt::london(at);
            assert_eq!(
                month,
                format!("{:04}-{:02}", local.year(), local.month() as u8),
                "{at}"
            );
        }
    }
}
