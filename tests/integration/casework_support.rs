//! Victim support and referrals: tenancy officers record support measures on cases they can
//! see (with dates and a cost in pounds kept as pence); referrals are for harassment
//! officers and managers and need consent to share before they are sent; statuses move
//! forward only; stale forms are refused with the typed input kept; closed and invisible
//! cases are refused; administrators keep the catalogue and the agency list; audit rows
//! hold no free text.

use crate::{
    common::{Res, TestApp},
    fixtures::{self, CaseSpec, Created, Team},
};
use reqwest::StatusCode;

const CONSENT_FIRST: &str =
    "Record consent to share (who gave it, when, and what may be shared) before marking the referral sent";

/// The clock is Monday 23 November 2026, 09:00 (GMT = UTC): "today" is 2026-11-23.
async fn world() -> Team {
    Team::north().await
}

async fn a_case(w: &Team) -> Created {
    fixtures::case(&w.app, CaseSpec::new(w.tina, w.area)).await
}

async fn id_of(app: &TestApp, sql: &str) -> String {
    app.count(sql).await.to_string()
}

async fn catalogue(app: &TestApp, name: &str) -> String {
    id_of(
        app,
        &format!("SELECT CAST(id AS BIGINT) FROM support_catalogue WHERE name = '{name}'"),
    )
    .await
}

async fn agency(app: &TestApp, name: &str) -> String {
    id_of(
        app,
        &format!("SELECT CAST(id AS BIGINT) FROM agencies WHERE name = '{name}'"),
    )
    .await
}

fn measure<'a>(catalogue_id: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("catalogue_id", catalogue_id),
        ("status", "requested"),
        ("requested_on", "2026-11-20"),
        ("provided_on", ""),
        ("declined_on", ""),
        ("cost", ""),
        ("notes", ""),
    ];
    for (k, v) in extra {
        match fields.iter_mut().find(|(f, _)| f == k) {
            Some(field) => field.1 = v,
            None => fields.push((k, v)),
        }
    }
    fields
}

fn referral<'a>(agency_id: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("agency_id", agency_id),
        ("referred_on", "2026-11-20"),
        ("reason", "Emotional support after the attack on the door"),
        ("consent_by", ""),
        ("consent_on", ""),
        ("consent_scope", ""),
        ("status", "to-send"),
        ("sent_on", ""),
        ("response_on", ""),
        ("response", ""),
    ];
    for (k, v) in extra {
        match fields.iter_mut().find(|(f, _)| f == k) {
            Some(field) => field.1 = v,
            None => fields.push((k, v)),
        }
    }
    fields
}

const CONSENT: [(&str, &str); 3] = [
    ("consent_by", "Amina Khan (victim)"),
    ("consent_on", "2026-11-20"),
    ("consent_scope", "Contact details and the incidents reported"),
];

/// A form's fields, the message it must show, and a field whose typing must be kept.
type Invalid<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);

fn assert_redirect_to_panel(res: &Res, reference: &str) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some(format!("/cases/{reference}#support").as_str())
    );
}

/// No audit row may carry case text, names, amounts or agency names.
async fn assert_audit_clean(app: &TestApp) {
    for needle in [
        "Amina",
        "£",
        "1,234",
        "123450",
        "Fitted",
        "attack",
        "Contact details",
        "Victim Support",
        "Police",
        "Emergency repair",
    ] {
        let found = app
            .count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE action LIKE 'case.%' AND summary LIKE '%{needle}%'"
            ))
            .await;
        assert_eq!(found, 0, "a case audit row mentions {needle:?}");
    }
}

#[tokio::test]
async fn a_tenancy_officer_records_support_but_cannot_refer() {
    let w = world().await;
    let case = a_case(&w).await;
    let mut tina = w.app.signed_in_as("tina").await;
    let repair = catalogue(&w.app, "Emergency repair").await;

    let page = tina.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("id=\"support\""));
    assert!(page.body.contains("Record support"));
    assert!(
        !page.body.contains("Refer to an agency"),
        "tenancy officers do not refer"
    );

    let form = tina.get(&format!("/cases/{}/support/new", case.reference)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Emergency repair"));
    assert_eq!(form.input_value("requested_on").as_deref(), Some("2026-11-23"));

    let res = tina
        .post(
            &format!("/cases/{}/support", case.reference),
            &measure(
                &repair,
                &[
                    ("status", "provided"),
                    ("provided_on", "2026-11-22"),
                    ("cost", "£1,234.50"),
                    ("notes", "Fitted a new front door"),
                ],
            ),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    assert_eq!(
        w.app.count(&format!(
                "SELECT COUNT(*) FROM support_measures WHERE case_id = {} AND status = 'provided' AND cost_pence = 123450 AND requested_on = '2026-11-20' AND provided_on = '2026-11-22' AND declined_on IS NULL AND notes = 'Fitted a new front door' AND version = 1",
                case.id
            )
        )
        .await,
        1
    );
    assert_eq!(
        w.app.count(&format!(
                "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = 'support-recorded' AND body LIKE '%Emergency repair%'",
                case.id
            )
        )
        .await,
        1
    );
    assert_eq!(w.app.audit_count("case.support_recorded").await, 1);
    assert_audit_clean(&w.app).await;

    let page = tina.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Emergency repair"));
    assert!(page.body.contains("£1,234.50"));
    assert!(page.body.contains("Total cost of support provided"));
    assert!(page.body.contains("/support/"), "an Update link for the measure");

    // Referrals are not a tenancy officer's.
    for res in [
        tina.get(&format!("/cases/{}/referrals/new", case.reference))
            .await,
        tina.post(
            &format!("/cases/{}/referrals", case.reference),
            &referral("1", &[]),
        )
        .await,
        tina.get(&format!("/cases/{}/referrals/1", case.reference)).await,
        tina.post(&format!("/cases/{}/referrals/1", case.reference), &[])
            .await,
    ] {
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM referrals").await, 0);
}

#[tokio::test]
async fn invalid_support_is_refused_with_what_was_typed() {
    let w = world().await;
    let case = a_case(&w).await;
    let mut tina = w.app.signed_in_as("tina").await;
    let alarm = catalogue(&w.app, "Personal or lifeline alarm").await;
    let path = format!("/cases/{}/support", case.reference);
    let long = "x".repeat(4_001);
    // (fields, the message shown, a field whose typed value must come back)
    let cases: Vec<Invalid> = vec![
        (
            measure(&alarm, &[("status", "provided"), ("notes", "Kept note")]),
            "Enter the date provided",
            "notes",
        ),
        (
            measure(&alarm, &[("status", "declined"), ("declined_on", "2026-11-19")]),
            "The date declined cannot be before the date requested",
            "declined_on",
        ),
        (
            measure(&alarm, &[("requested_on", "2026-11-24")]),
            "The date requested cannot be in the future",
            "requested_on",
        ),
        (
            measure(&alarm, &[("status", "provided"), ("provided_on", "2026-11-24")]),
            "The date provided cannot be in the future",
            "provided_on",
        ),
        (
            measure(&alarm, &[("requested_on", "2026-02-30")]),
            "Enter the date requested as a real date",
            "requested_on",
        ),
        (
            measure(&alarm, &[("provided_on", "2026-11-21")]),
            "Leave the date provided blank unless the support was provided",
            "provided_on",
        ),
        (
            measure(&alarm, &[("cost", "-5")]),
            "The cost cannot be negative",
            "cost",
        ),
        (
            measure(&alarm, &[("cost", "12.345")]),
            "at most 2 decimal places",
            "cost",
        ),
        (
            measure(&alarm, &[("cost", "£1,000,000.01")]),
            "The cost must be £1,000,000 or less",
            "cost",
        ),
        (
            measure(&alarm, &[("cost", "99999999999999999999999999")]),
            "The cost must be £1,000,000 or less",
            "cost",
        ),
        (
            measure(&alarm, &[("cost", "ten pounds")]),
            "Enter the cost in pounds",
            "cost",
        ),
        (measure("", &[]), "Choose the support measure", "cost"),
        (measure("abc", &[]), "Choose the support measure", "cost"),
        (
            measure(&alarm, &[("status", "lost")]),
            "Choose whether the support",
            "cost",
        ),
        (
            measure(&alarm, &[("notes", &long)]),
            "4000 characters or fewer",
            "cost",
        ),
    ];
    for (fields, message, kept) in &cases {
        let res = tina.post(&path, fields).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{message}: {}",
            res.body
        );
        assert!(
            res.body.contains(&message.replace('\'', "&#39;")) || res.body.contains(message),
            "{message}"
        );
        assert!(res.body.contains("There is a problem"));
        let typed = fields.iter().find(|(k, _)| k == kept).unwrap().1;
        if *kept == "notes" {
            assert!(res.body.contains(typed), "notes kept");
        } else {
            assert_eq!(res.input_value(kept).as_deref(), Some(typed), "{kept} kept");
        }
        assert!(res.body.contains(&format!(
            "name=\"requested_on\" type=\"date\" value=\"{}\"",
            fields[2].1
        )));
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM support_measures").await, 0);
    assert_eq!(w.app.audit_count("case.support_recorded").await, 0);
}

#[tokio::test]
async fn costs_are_typed_in_pounds_and_kept_in_pence() {
    let w = world().await;
    let case = a_case(&w).await;
    let mut tina = w.app.signed_in_as("tina").await;
    let repair = catalogue(&w.app, "Emergency repair").await;
    let path = format!("/cases/{}/support", case.reference);
    for (typed, status, provided_on) in [
        ("250", "provided", "2026-11-21"),
        ("250.5", "provided", "2026-11-21"),
        ("£1,234.50", "requested", ""),
        ("", "provided", "2026-11-21"),
    ] {
        let res = tina
            .post(
                &path,
                &measure(
                    &repair,
                    &[("cost", typed), ("status", status), ("provided_on", provided_on)],
                ),
            )
            .await;
        assert_redirect_to_panel(&res, &case.reference);
    }
    for pence in [25_000, 25_050, 123_450] {
        assert_eq!(
            w.app
                .count(&format!(
                    "SELECT COUNT(*) FROM support_measures WHERE cost_pence = {pence}"
                ))
                .await,
            1,
            "{pence}"
        );
    }
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM support_measures WHERE cost_pence IS NULL")
            .await,
        1
    );
    // Only provided measures count towards the total: £250.00 + £250.50.
    let page = tina.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("£500.50"), "total of provided support");
    // The edit form shows the cost as pounds.
    let id = id_of(
        &w.app,
        "SELECT CAST(id AS BIGINT) FROM support_measures WHERE cost_pence = 123450",
    )
    .await;
    let form = tina.get(&format!("/cases/{}/support/{id}", case.reference)).await;
    assert_eq!(form.input_value("cost").as_deref(), Some("£1,234.50"));
}

#[tokio::test]
async fn support_updates_are_versioned_and_allowed_after_closure() {
    let w = world().await;
    let case = a_case(&w).await;
    let mut tina = w.app.signed_in_as("tina").await;
    let mut maria = w.app.signed_in_as("maria").await;
    let locks = catalogue(&w.app, "CCTV at the home").await;
    let res = tina
        .post(
            &format!("/cases/{}/support", case.reference),
            &measure(&locks, &[]),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    let id = id_of(&w.app, "SELECT CAST(MAX(id) AS BIGINT) FROM support_measures").await;
    let path = format!("/cases/{}/support/{id}", case.reference);

    let form = tina.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.input_value("version").as_deref(), Some("1"));
    assert!(form.body.contains("CCTV at the home"));

    // Maria provides it first.
    let res = maria
        .post(
            &path,
            &measure(
                &locks,
                &[
                    ("status", "provided"),
                    ("provided_on", "2026-11-23"),
                    ("cost", "400"),
                    ("version", "1"),
                ],
            ),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    // Tina's form was built from version 1: refused, her typing kept, their version shown.
    let res = tina
        .post(
            &path,
            &measure(
                &locks,
                &[
                    ("status", "declined"),
                    ("declined_on", "2026-11-22"),
                    ("notes", "Tina's note"),
                    ("version", "1"),
                ],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Their version (saved)"));
    assert!(res.body.contains("Tina&#39;s note") || res.body.contains("Tina's note"));
    assert_eq!(res.input_value("declined_on").as_deref(), Some("2026-11-22"));
    assert_eq!(res.input_value("version").as_deref(), Some("2"));
    assert_eq!(
        w.app.count(&format!("SELECT COUNT(*) FROM support_measures WHERE id = {id} AND status = 'provided' AND cost_pence = 40000 AND version = 2")
        )
        .await,
        1
    );
    // An invalid update is a 422 with nothing changed.
    let res = tina
        .post(
            &path,
            &measure(&locks, &[("status", "provided"), ("version", "2")]),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM support_measures WHERE id = {id} AND version = 2"
            ))
            .await,
        1
    );

    // Closed: no new support, but what is recorded can still be updated.
    w.app
        .exec(&format!(
            "UPDATE cases SET status = 'closed' WHERE id = {}",
            case.id
        ))
        .await;
    let form = tina.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("support is often provided after a case closes")
    );
    let res = tina
        .post(
            &path,
            &measure(
                &locks,
                &[
                    ("status", "provided"),
                    ("provided_on", "2026-11-23"),
                    ("cost", "450"),
                    ("notes", "Camera moved"),
                    ("version", "2"),
                ],
            ),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    assert_eq!(
        w.app.count(&format!("SELECT COUNT(*) FROM support_measures WHERE id = {id} AND cost_pence = 45000 AND version = 3 AND notes = 'Camera moved'")
        )
        .await,
        1
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = 'support-updated'",
                case.id
            ))
            .await,
        2
    );
    assert_eq!(w.app.audit_count("case.support_updated").await, 2);
    assert_audit_clean(&w.app).await;
    // A measure of another case is not found through this one.
    let other = a_case(&w).await;
    assert_eq!(
        tina.get(&format!("/cases/{}/support/{id}", other.reference))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        tina.get(&format!("/cases/{}/support/nope", case.reference))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn closed_cases_take_no_new_support_or_referrals() {
    let w = world().await;
    let case = fixtures::case(
        &w.app,
        CaseSpec {
            status: "closed",
            ..CaseSpec::new(w.tina, w.area)
        },
    )
    .await;
    let mut harry = w.app.signed_in_as("harry").await;
    let repair = catalogue(&w.app, "Emergency repair").await;
    let police = agency(&w.app, "Police").await;
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(!page.body.contains("Record support"));
    assert!(!page.body.contains("Refer to an agency"));
    for res in [
        harry.get(&format!("/cases/{}/support/new", case.reference)).await,
        harry
            .post(
                &format!("/cases/{}/support", case.reference),
                &measure(&repair, &[]),
            )
            .await,
        harry
            .get(&format!("/cases/{}/referrals/new", case.reference))
            .await,
        harry
            .post(
                &format!("/cases/{}/referrals", case.reference),
                &referral(&police, &[]),
            )
            .await,
    ] {
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("This case is closed"));
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM support_measures").await, 0);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM referrals").await, 0);
}

#[tokio::test]
async fn consent_to_share_is_recorded_before_a_referral_is_sent() {
    let w = world().await;
    let case = a_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let vs = agency(&w.app, "Victim Support").await;
    let path = format!("/cases/{}/referrals", case.reference);

    let form = harry.get(&format!("{path}/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Victim Support"));
    assert!(
        form.body
            .contains("<legend class=\"fieldset__legend\">Consent to share</legend>")
    );

    // Sent with no consent, or only part of it: refused, nothing saved.
    for consent in [
        vec![],
        vec![CONSENT[0], CONSENT[1]],
        vec![CONSENT[1], CONSENT[2]],
        vec![CONSENT[0], CONSENT[2]],
    ] {
        let mut extra = vec![("status", "sent"), ("sent_on", "2026-11-21")];
        extra.extend(consent);
        let res = harry.post(&path, &referral(&vs, &extra)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains(CONSENT_FIRST), "{}", res.body);
        assert!(
            res.body
                .contains("Emotional support after the attack on the door"),
            "reason kept"
        );
        assert_eq!(res.input_value("sent_on").as_deref(), Some("2026-11-21"));
    }
    // Sent with consent but no date sent; consent after sending; a bad date.
    for (extra, message) in [
        (vec![("status", "sent")], "Enter the date the referral was sent"),
        (
            vec![("status", "sent"), ("sent_on", "2026-11-19")],
            "Consent must be given on or before the date the referral was sent",
        ),
        (
            vec![("status", "sent"), ("sent_on", "2026-11-24")],
            "The date sent cannot be in the future",
        ),
        (
            vec![("referred_on", "2026-13-01")],
            "Enter the date referred as a real date",
        ),
        (vec![("reason", "  ")], "Say why the victim is being referred"),
        (vec![("agency_id", "999999")], "Choose the agency"),
        (
            vec![("status", "responded")],
            "A new referral is either to send or sent",
        ),
    ] {
        let mut fields = referral(&vs, &CONSENT);
        for (k, v) in extra {
            fields.iter_mut().find(|(f, _)| *f == k).unwrap().1 = v;
        }
        let res = harry.post(&path, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(res.body.contains(message), "{message}: {}", res.body);
        assert_eq!(
            res.input_value("consent_by").as_deref(),
            Some("Amina Khan (victim)")
        );
    }
    let who = "x".repeat(121);
    let res = harry.post(&path, &referral(&vs, &[("consent_by", &who)])).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM referrals").await, 0);

    // With consent it is sent.
    let mut extra = vec![("status", "sent"), ("sent_on", "2026-11-21")];
    extra.extend(CONSENT);
    let res = harry.post(&path, &referral(&vs, &extra)).await;
    assert_redirect_to_panel(&res, &case.reference);
    assert_eq!(
        w.app.count(&format!(
                "SELECT COUNT(*) FROM referrals WHERE case_id = {} AND agency_id = {vs} AND status = 'sent' AND sent_on = '2026-11-21' AND consent_by = 'Amina Khan (victim)' AND consent_on = '2026-11-20' AND consent_scope = 'Contact details and the incidents reported'",
                case.id
            )
        )
        .await,
        1
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = 'referral-recorded'",
                case.id
            ))
            .await,
        1
    );
    assert_eq!(w.app.audit_count("case.referral_recorded").await, 1);
    assert_audit_clean(&w.app).await;
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Given by Amina Khan (victim) on"));
    assert!(page.body.contains("Refer to an agency"));
}

#[tokio::test]
async fn referral_statuses_move_forward_only() {
    let w = world().await;
    let case = a_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let police = agency(&w.app, "Police").await;
    let base = format!("/cases/{}/referrals", case.reference);
    let res = harry.post(&base, &referral(&police, &[])).await;
    assert_redirect_to_panel(&res, &case.reference);
    let id = id_of(&w.app, "SELECT CAST(MAX(id) AS BIGINT) FROM referrals").await;
    let path = format!("{base}/{id}");
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Not recorded"), "no consent yet");

    let form = harry.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"withdrawn\""));
    assert!(!form.body.contains("value=\"responded\""));

    // to-send → responded is not a move; to-send → sent needs consent.
    let res = harry
        .post(
            &path,
            &referral(&police, &[("status", "responded"), ("version", "1")]),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("cannot become"));
    let res = harry
        .post(
            &path,
            &referral(
                &police,
                &[("status", "sent"), ("sent_on", "2026-11-22"), ("version", "1")],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(CONSENT_FIRST));
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM referrals WHERE id = {id} AND status = 'to-send' AND version = 1"
            ))
            .await,
        1
    );

    // Consent recorded and sent.
    let mut extra = vec![("status", "sent"), ("sent_on", "2026-11-22"), ("version", "1")];
    extra.extend(CONSENT);
    let res = harry.post(&path, &referral(&police, &extra)).await;
    assert_redirect_to_panel(&res, &case.reference);

    // Consent is now fixed: shown read-only, and a changed value is not taken.
    let form = harry.get(&path).await;
    assert!(
        form.body
            .contains("Consent is fixed once the referral has been sent")
    );
    assert!(form.input_value("consent_by").is_none());
    let res = harry
        .post(
            &path,
            &referral(
                &police,
                &[
                    ("status", "sent"),
                    ("sent_on", "2026-11-22"),
                    ("consent_by", "Someone else"),
                    ("version", "2"),
                ],
            ),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    assert_eq!(
        w.app.count(&format!("SELECT COUNT(*) FROM referrals WHERE id = {id} AND consent_by = 'Amina Khan (victim)' AND version = 3")).await,
        1
    );

    // sent → to-send is not a move; responded needs the response and its date.
    let res = harry
        .post(
            &path,
            &referral(&police, &[("status", "to-send"), ("version", "3")]),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("A referral that is “Sent” cannot become “To send”")
    );
    let res = harry
        .post(
            &path,
            &referral(
                &police,
                &[
                    ("status", "responded"),
                    ("sent_on", "2026-11-22"),
                    ("version", "3"),
                ],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Enter the date of the response"));
    assert!(
        res.body.contains("Enter the agency&#39;s response")
            || res.body.contains("Enter the agency's response")
    );

    // A stale form: 409 with the typing kept.
    let res = harry
        .post(
            &path,
            &referral(
                &police,
                &[
                    ("status", "responded"),
                    ("sent_on", "2026-11-22"),
                    ("response_on", "2026-11-23"),
                    ("response", "Crime number 123"),
                    ("version", "2"),
                ],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Their version (saved)"));
    assert!(res.body.contains("Crime number 123"));
    assert_eq!(res.input_value("version").as_deref(), Some("3"));

    let res = harry
        .post(
            &path,
            &referral(
                &police,
                &[
                    ("status", "responded"),
                    ("sent_on", "2026-11-22"),
                    ("response_on", "2026-11-23"),
                    ("response", "Crime number 123"),
                    ("version", "3"),
                ],
            ),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    assert_eq!(
        w.app.count(&format!("SELECT COUNT(*) FROM referrals WHERE id = {id} AND status = 'responded' AND response = 'Crime number 123' AND response_on = '2026-11-23'")
        )
        .await,
        1
    );
    // responded is final.
    let res = harry
        .post(
            &path,
            &referral(
                &police,
                &[
                    ("status", "withdrawn"),
                    ("sent_on", "2026-11-22"),
                    ("version", "4"),
                ],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("cannot become"));

    // to-send → withdrawn, and withdrawn is final.
    let res = harry.post(&base, &referral(&police, &[])).await;
    assert_redirect_to_panel(&res, &case.reference);
    let second = id_of(&w.app, "SELECT CAST(MAX(id) AS BIGINT) FROM referrals").await;
    let res = harry
        .post(
            &format!("{base}/{second}"),
            &referral(&police, &[("status", "withdrawn"), ("version", "1")]),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    let mut extra = vec![("status", "sent"), ("sent_on", "2026-11-22"), ("version", "2")];
    extra.extend(CONSENT);
    let res = harry
        .post(&format!("{base}/{second}"), &referral(&police, &extra))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("cannot become"));

    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = 'referral-updated'",
                case.id
            ))
            .await,
        4
    );
    assert_eq!(w.app.audit_count("case.referral_updated").await, 4);
    assert_audit_clean(&w.app).await;
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Response received"));
    assert!(page.body.contains("Crime number 123"));
    assert!(page.body.contains("Withdrawn"));
}

#[tokio::test]
async fn the_agency_can_be_preselected_and_a_bad_choice_is_ignored() {
    let w = world().await;
    let case = a_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let marac = agency(&w.app, "MARAC / multi-agency risk panel").await;
    let path = format!("/cases/{}/referrals/new", case.reference);
    let res = harry.get(&format!("{path}?agency={marac}")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(&format!("<option value=\"{marac}\" selected>")));
    for bad in ["abc", "999999", "-1", "", "1%20OR%201=1"] {
        let res = harry.get(&format!("{path}?agency={bad}")).await;
        assert_eq!(res.status, StatusCode::OK, "{bad}");
        assert!(
            res.body.contains("<option value=\"\" selected>"),
            "{bad}: nothing preselected"
        );
    }
    // A retired agency is neither preselected nor offered.
    w.app
        .exec(&format!("UPDATE agencies SET active = false WHERE id = {marac}"))
        .await;
    let res = harry.get(&format!("{path}?agency={marac}")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.body.contains(&format!("<option value=\"{marac}\"")));
}

#[tokio::test]
async fn restricted_cases_not_naming_the_user_are_not_found() {
    let w = world().await;
    let maria_id = w
        .app
        .count("SELECT CAST(id AS BIGINT) FROM users WHERE username = 'maria'")
        .await as i32;
    let case = fixtures::case(
        &w.app,
        CaseSpec {
            restricted: true,
            named: vec![maria_id],
            ..CaseSpec::new(maria_id, w.area)
        },
    )
    .await;
    let mut maria = w.app.signed_in_as("maria").await;
    let repair = catalogue(&w.app, "Emergency repair").await;
    let police = agency(&w.app, "Police").await;
    let res = maria
        .post(
            &format!("/cases/{}/support", case.reference),
            &measure(&repair, &[]),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    let res = maria
        .post(
            &format!("/cases/{}/referrals", case.reference),
            &referral(&police, &[]),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    let m = id_of(&w.app, "SELECT CAST(MAX(id) AS BIGINT) FROM support_measures").await;
    let r = id_of(&w.app, "SELECT CAST(MAX(id) AS BIGINT) FROM referrals").await;
    let views_before = w.app.audit_count("case.viewed").await;
    for user in ["harry", "tina"] {
        let mut c = w.app.signed_in_as(user).await;
        let support_paths = [
            format!("/cases/{}/support/new", case.reference),
            format!("/cases/{}/support/{m}", case.reference),
        ];
        for p in &support_paths {
            assert_eq!(c.get(p).await.status, StatusCode::NOT_FOUND, "{user} GET {p}");
        }
        for p in [
            format!("/cases/{}/support", case.reference),
            format!("/cases/{}/support/{m}", case.reference),
        ] {
            let res = c.post(&p, &measure(&repair, &[("version", "1")])).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{user} POST {p}");
        }
        if user == "harry" {
            for p in [
                format!("/cases/{}/referrals/new", case.reference),
                format!("/cases/{}/referrals/{r}", case.reference),
            ] {
                assert_eq!(c.get(&p).await.status, StatusCode::NOT_FOUND, "{user} GET {p}");
                let res = c
                    .post(&p.replace("/new", ""), &referral(&police, &[("version", "1")]))
                    .await;
                assert_eq!(res.status, StatusCode::NOT_FOUND, "{user} POST {p}");
            }
        }
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM support_measures").await, 1);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM referrals").await, 1);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM support_measures WHERE version = 1")
            .await,
        1
    );
    assert_eq!(
        w.app.audit_count("case.viewed").await,
        views_before,
        "nothing seen, nothing audited as viewed"
    );
}

#[tokio::test]
async fn only_administrators_keep_the_lists_and_they_see_no_case() {
    let w = world().await;
    let case = a_case(&w).await;
    for user in ["tina", "harry", "maria"] {
        let mut c = w.app.signed_in_as(user).await;
        for path in [
            "/admin/support",
            "/admin/agencies",
            "/admin/support/1",
            "/admin/agencies/1",
        ] {
            assert_eq!(c.get(path).await.status, StatusCode::FORBIDDEN, "{user} {path}");
            assert_eq!(
                c.post(path, &[("name", "X")]).await.status,
                StatusCode::FORBIDDEN,
                "{user} {path}"
            );
        }
        for path in ["/admin/support/1/retire", "/admin/agencies/1/reinstate"] {
            assert_eq!(
                c.post(path, &[]).await.status,
                StatusCode::FORBIDDEN,
                "{user} {path}"
            );
        }
    }
    let mut adam = w.app.signed_in_as("adam").await;
    for path in ["support/new", "support/1", "referrals/new", "referrals/1"] {
        let path = format!("/cases/{}/{path}", case.reference);
        assert_eq!(adam.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    for path in ["support", "support/1", "referrals", "referrals/1"] {
        let path = format!("/cases/{}/{path}", case.reference);
        assert_eq!(
            adam.post(&path, &[]).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

#[tokio::test]
async fn administrators_add_rename_retire_and_reinstate_support_measures() {
    let w = world().await;
    let case = a_case(&w).await;
    let mut adam = w.app.signed_in_as("adam").await;
    let page = adam.get("/admin/support").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Emergency repair"));

    let res = adam.post("/admin/support", &[("name", "  Door   chain ")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), Some("/admin/support"));
    let chain = catalogue(&w.app, "Door chain").await;
    assert_eq!(w.app.audit_count("support_catalogue.created").await, 1);
    // Duplicates (ignoring case), blank and over-long names: 422 with the typing kept.
    for (name, message) in [
        ("door CHAIN", "There is already a support measure with that name"),
        (
            "cctv at the home",
            "There is already a support measure with that name",
        ),
        ("   ", "Enter the support measure&#39;s name"),
        (&"y".repeat(121), "120 characters or fewer"),
    ] {
        let res = adam.post("/admin/support", &[("name", name)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            res.body.contains(message) || res.body.contains(&message.replace("&#39;", "'")),
            "{message}"
        );
        assert_eq!(res.input_value("name").as_deref(), Some(name));
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM support_catalogue").await, 15);

    // A tenancy officer records the new measure.
    let mut tina = w.app.signed_in_as("tina").await;
    let res = tina
        .post(
            &format!("/cases/{}/support", case.reference),
            &measure(&chain, &[]),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);

    // Rename: the form carries the name it showed; a stale one is a 409.
    let form = adam.get(&format!("/admin/support/{chain}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.input_value("was_name").as_deref(), Some("Door chain"));
    let res = adam
        .post(
            &format!("/admin/support/{chain}"),
            &[("name", "Door chain and viewer"), ("was_name", "Door chain")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = adam
        .post(
            &format!("/admin/support/{chain}"),
            &[("name", "Door chain fitted"), ("was_name", "Door chain")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.input_value("name").as_deref(), Some("Door chain fitted"));
    assert_eq!(
        res.input_value("was_name").as_deref(),
        Some("Door chain and viewer")
    );
    let res = adam
        .post(
            &format!("/admin/support/{chain}"),
            &[
                ("name", "Emergency REPAIR"),
                ("was_name", "Door chain and viewer"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.input_value("name").as_deref(), Some("Emergency REPAIR"));
    // A change of case of its own name is fine.
    let res = adam
        .post(
            &format!("/admin/support/{chain}"),
            &[
                ("name", "Door chain and Viewer"),
                ("was_name", "Door chain and viewer"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(w.app.audit_count("support_catalogue.renamed").await, 2);

    // Retired: not offered for new support, still shown on the record that used it.
    let res = adam.post(&format!("/admin/support/{chain}/retire"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = adam.post(&format!("/admin/support/{chain}/retire"), &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "already retired");
    let form = tina.get(&format!("/cases/{}/support/new", case.reference)).await;
    assert!(!form.body.contains("Door chain and Viewer"));
    let res = tina
        .post(
            &format!("/cases/{}/support", case.reference),
            &measure(&chain, &[]),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = tina.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("Door chain and Viewer"));
    assert!(page.body.contains("No longer offered"));
    let id = id_of(&w.app, "SELECT CAST(MAX(id) AS BIGINT) FROM support_measures").await;
    let edit = tina.get(&format!("/cases/{}/support/{id}", case.reference)).await;
    assert!(edit.body.contains("Door chain and Viewer"));

    let res = adam.post(&format!("/admin/support/{chain}/reinstate"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let form = tina.get(&format!("/cases/{}/support/new", case.reference)).await;
    assert!(form.body.contains("Door chain and Viewer"));
    for action in ["support_catalogue.retired", "support_catalogue.reinstated"] {
        assert_eq!(
            w.app
                .count(&format!(
                    "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
                ))
                .await,
            1,
            "{action}"
        );
    }
    assert_eq!(
        adam.post("/admin/support/999999/retire", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(adam.get("/admin/support/abc").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn administrators_keep_the_agencies_and_the_multi_agency_panel() {
    let w = world().await;
    let case = a_case(&w).await;
    let mut adam = w.app.signed_in_as("adam").await;
    let page = adam.get("/admin/agencies").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("MARAC / multi-agency risk panel"));
    assert!(page.body.contains("Multi-agency risk panel"));

    let res = adam
        .post(
            "/admin/agencies",
            &[("name", "North MARAC"), ("multi_agency", "yes")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), Some("/admin/agencies"));
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM agencies WHERE name = 'North MARAC' AND multi_agency = true AND active = true").await,
        1
    );
    let res = adam
        .post(
            "/admin/agencies",
            &[("name", "north marac"), ("multi_agency", "yes")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("There is already an agency with that name"));
    assert_eq!(res.input_value("name").as_deref(), Some("north marac"));
    assert!(res.body.contains("value=\"yes\" checked"), "the box stays ticked");

    let north = agency(&w.app, "North MARAC").await;
    let form = adam.get(&format!("/admin/agencies/{north}")).await;
    assert_eq!(form.input_value("was_multi_agency").as_deref(), Some("yes"));
    // Untick: no longer the panel.
    let res = adam
        .post(
            &format!("/admin/agencies/{north}"),
            &[
                ("name", "North MARAC"),
                ("was_name", "North MARAC"),
                ("was_multi_agency", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM agencies WHERE id = {north} AND multi_agency = false"
            ))
            .await,
        1
    );
    // A form built before that change is stale.
    let res = adam
        .post(
            &format!("/admin/agencies/{north}"),
            &[
                ("name", "North panel"),
                ("multi_agency", "yes"),
                ("was_name", "North MARAC"),
                ("was_multi_agency", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.input_value("name").as_deref(), Some("North panel"));
    assert_eq!(w.app.audit_count("agency.updated").await, 1);

    // Retired: not offered for new referrals, still shown on the referral that used it.
    let mut harry = w.app.signed_in_as("harry").await;
    let res = harry
        .post(
            &format!("/cases/{}/referrals", case.reference),
            &referral(&north, &[]),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    assert_eq!(
        adam.post(&format!("/admin/agencies/{north}/retire"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = harry.get(&format!("/cases/{}", case.reference)).await;
    assert!(page.body.contains("North MARAC"));
    let form = harry
        .get(&format!("/cases/{}/referrals/new", case.reference))
        .await;
    assert!(!form.body.contains("North MARAC"));
    assert_eq!(
        adam.post(&format!("/admin/agencies/{north}/reinstate"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let form = harry
        .get(&format!("/cases/{}/referrals/new", case.reference))
        .await;
    assert!(form.body.contains("North MARAC"));
    for action in ["agency.created", "agency.retired", "agency.reinstated"] {
        assert_eq!(
            w.app
                .count(&format!(
                    "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
                ))
                .await,
            1,
            "{action}"
        );
    }
}

/// Referral `id` is exactly as `state` says: "status|sent_on|consent_on|version", dates
/// `YYYY-MM-DD` or "-" for none.
async fn assert_referral(app: &TestApp, id: &str, state: &str) {
    let [status, sent_on, consent_on, version] = state.split('|').collect::<Vec<_>>()[..] else {
        panic!("{state}");
    };
    let date = |column: &str, value: &str| match value {
        "-" => format!("{column} IS NULL"),
        day => format!("{column} = '{day}'"),
    };
    let sql = format!(
        "SELECT COUNT(*) FROM referrals WHERE id = {id} AND status = '{status}' AND {} AND {} AND version = {version}",
        date("sent_on", sent_on),
        date("consent_on", consent_on)
    );
    assert_eq!(app.count(&sql).await, 1, "referral {id} is not {state}");
}

#[tokio::test]
async fn a_referral_has_a_date_sent_only_once_sent_with_consent() {
    let w = world().await;
    let case = a_case(&w).await;
    let mut harry = w.app.signed_in_as("harry").await;
    let police = agency(&w.app, "Police").await;
    let base = format!("/cases/{}/referrals", case.reference);
    let latest = "SELECT CAST(MAX(id) AS BIGINT) FROM referrals";
    let with_consent = |extra: &[(&'static str, &'static str)]| {
        let mut all = CONSENT.to_vec();
        all.extend_from_slice(extra);
        referral(&police, &all)
    };
    let updates = || async { w.app.audit_count("case.referral_updated").await };

    // To send, no consent: withdrawn with a date sent is refused, with or without consent
    // typed, and the typing is kept.
    let res = harry.post(&base, &referral(&police, &[])).await;
    assert_redirect_to_panel(&res, &case.reference);
    let never_sent = id_of(&w.app, latest).await;
    let path = format!("{base}/{never_sent}");
    let not_sent = "Leave the date sent blank: this referral was not sent before it was withdrawn";
    for fields in [
        referral(
            &police,
            &[
                ("status", "withdrawn"),
                ("sent_on", "2026-11-22"),
                ("version", "1"),
            ],
        ),
        with_consent(&[
            ("status", "withdrawn"),
            ("sent_on", "2026-11-22"),
            ("version", "1"),
        ]),
    ] {
        let res = harry.post(&path, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(not_sent), "{}", res.body);
        assert_eq!(res.input_value("sent_on").as_deref(), Some("2026-11-22"));
    }
    assert_referral(&w.app, &never_sent, "to-send|-|-|1").await;
    // Withdrawn without a date sent; and it stays without one.
    let res = harry
        .post(
            &path,
            &referral(&police, &[("status", "withdrawn"), ("version", "1")]),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    assert_referral(&w.app, &never_sent, "withdrawn|-|-|2").await;
    let res = harry
        .post(
            &path,
            &referral(
                &police,
                &[
                    ("status", "withdrawn"),
                    ("sent_on", "2026-11-22"),
                    ("version", "2"),
                ],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(not_sent));
    assert_referral(&w.app, &never_sent, "withdrawn|-|-|2").await;

    // To send with consent typed on the 22nd: sending on the 21st is refused on the
    // consent date while consent can still change.
    let res = harry.post(&base, &referral(&police, &[])).await;
    assert_redirect_to_panel(&res, &case.reference);
    let late_consent = id_of(&w.app, latest).await;
    let res = harry
        .post(
            &format!("{base}/{late_consent}"),
            &referral(
                &police,
                &[
                    ("consent_by", "Amina Khan (victim)"),
                    ("consent_on", "2026-11-22"),
                    ("consent_scope", "Contact details"),
                    ("status", "sent"),
                    ("sent_on", "2026-11-21"),
                    ("version", "1"),
                ],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Consent must be given on or before the date the referral was sent")
    );
    assert_referral(&w.app, &late_consent, "to-send|-|-|1").await;

    // Sent on the 21st with consent given on the 20th: consent is fixed, and the date sent
    // cannot move before it, whatever the new status (and whatever consent is typed).
    let res = harry
        .post(
            &base,
            &with_consent(&[("status", "sent"), ("sent_on", "2026-11-21")]),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    let sent = id_of(&w.app, latest).await;
    let path = format!("{base}/{sent}");
    assert_referral(&w.app, &sent, "sent|2026-11-21|2026-11-20|1").await;
    let before_consent = "The date sent cannot be before consent was given (20 Nov 2026)";
    for fields in [
        referral(
            &police,
            &[("status", "sent"), ("sent_on", "2026-11-19"), ("version", "1")],
        ),
        referral(
            &police,
            &[
                ("status", "sent"),
                ("sent_on", "2026-11-19"),
                ("consent_on", "2026-11-18"),
                ("version", "1"),
            ],
        ),
        referral(
            &police,
            &[
                ("status", "responded"),
                ("sent_on", "2026-11-19"),
                ("response_on", "2026-11-22"),
                ("response", "Crime number 456"),
                ("version", "1"),
            ],
        ),
    ] {
        let res = harry.post(&path, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(before_consent), "{}", res.body);
        assert_eq!(res.input_value("sent_on").as_deref(), Some("2026-11-19"));
    }
    assert_referral(&w.app, &sent, "sent|2026-11-21|2026-11-20|1").await;
    // A correction that keeps consent first is taken.
    let res = harry
        .post(
            &path,
            &referral(
                &police,
                &[("status", "sent"), ("sent_on", "2026-11-22"), ("version", "1")],
            ),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    assert_referral(&w.app, &sent, "sent|2026-11-22|2026-11-20|2").await;

    // Withdrawing it keeps the date sent as it was: blank, earlier or later is refused.
    let keep =
        "Keep the date sent as 22 Nov 2026: withdrawing a sent referral does not change when it was sent";
    for sent_on in ["", "2026-11-19", "2026-11-21", "2026-11-23", "2026-02-30"] {
        let res = harry
            .post(
                &path,
                &referral(
                    &police,
                    &[("status", "withdrawn"), ("sent_on", sent_on), ("version", "2")],
                ),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{sent_on}");
        assert!(res.body.contains(keep), "{sent_on}: {}", res.body);
        assert_eq!(res.input_value("sent_on").as_deref(), Some(sent_on));
    }
    // ... and so does moving the date referred past it.
    let res = harry
        .post(
            &path,
            &referral(
                &police,
                &[
                    ("status", "withdrawn"),
                    ("referred_on", "2026-11-23"),
                    ("sent_on", "2026-11-22"),
                    ("version", "2"),
                ],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("The date referred cannot be after the date sent")
    );
    assert_referral(&w.app, &sent, "sent|2026-11-22|2026-11-20|2").await;
    let res = harry
        .post(
            &path,
            &referral(
                &police,
                &[
                    ("status", "withdrawn"),
                    ("sent_on", "2026-11-22"),
                    ("version", "2"),
                ],
            ),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    assert_referral(&w.app, &sent, "withdrawn|2026-11-22|2026-11-20|3").await;
    // Withdrawn is final, and its date sent stays.
    let res = harry
        .post(
            &path,
            &referral(
                &police,
                &[
                    ("status", "withdrawn"),
                    ("sent_on", "2026-11-21"),
                    ("version", "3"),
                ],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Keep the date sent as 22 Nov 2026"));
    assert_referral(&w.app, &sent, "withdrawn|2026-11-22|2026-11-20|3").await;

    // Responded: the date sent still cannot move before consent.
    let res = harry
        .post(
            &base,
            &with_consent(&[("status", "sent"), ("sent_on", "2026-11-21")]),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    let answered = id_of(&w.app, latest).await;
    let path = format!("{base}/{answered}");
    let responded = |sent_on: &'static str, version: &'static str| {
        referral(
            &police,
            &[
                ("status", "responded"),
                ("sent_on", sent_on),
                ("response_on", "2026-11-22"),
                ("response", "Crime number 456"),
                ("version", version),
            ],
        )
    };
    let res = harry.post(&path, &responded("2026-11-21", "1")).await;
    assert_redirect_to_panel(&res, &case.reference);
    let res = harry.post(&path, &responded("2026-11-19", "2")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(before_consent));
    assert_referral(&w.app, &answered, "responded|2026-11-21|2026-11-20|2").await;

    // Every refusal changed nothing: 4 updates taken, one timeline entry each.
    assert_eq!(updates().await, 4);
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind = 'referral-updated'",
                case.id
            ))
            .await,
        4
    );
    // No referral has a date sent without consent, or before it.
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM referrals WHERE sent_on IS NOT NULL AND (consent_by IS NULL OR consent_on IS NULL OR consent_scope IS NULL OR consent_on > sent_on OR status = 'to-send')"
        )
        .await,
        0
    );
    assert_audit_clean(&w.app).await;
}

#[tokio::test]
async fn records_of_another_case_are_not_found_through_it() {
    let w = world().await;
    let case = a_case(&w).await;
    let other = a_case(&w).await;
    let mut tina = w.app.signed_in_as("tina").await;
    let mut harry = w.app.signed_in_as("harry").await;
    let repair = catalogue(&w.app, "Emergency repair").await;
    let police = agency(&w.app, "Police").await;
    let res = tina
        .post(
            &format!("/cases/{}/support", case.reference),
            &measure(&repair, &[]),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    let res = harry
        .post(
            &format!("/cases/{}/referrals", case.reference),
            &referral(&police, &[]),
        )
        .await;
    assert_redirect_to_panel(&res, &case.reference);
    let m = id_of(&w.app, "SELECT CAST(MAX(id) AS BIGINT) FROM support_measures").await;
    let r = id_of(&w.app, "SELECT CAST(MAX(id) AS BIGINT) FROM referrals").await;

    // Both cases are visible to both users; the records are the first case's.
    let support = format!("/cases/{}/support/{m}", other.reference);
    let provided = measure(
        &repair,
        &[
            ("status", "provided"),
            ("provided_on", "2026-11-22"),
            ("cost", "100"),
            ("version", "1"),
        ],
    );
    assert_eq!(tina.get(&support).await.status, StatusCode::NOT_FOUND);
    assert_eq!(tina.post(&support, &provided).await.status, StatusCode::NOT_FOUND);
    let referrals = format!("/cases/{}/referrals/{r}", other.reference);
    let mut sent = vec![("status", "sent"), ("sent_on", "2026-11-21"), ("version", "1")];
    sent.extend(CONSENT);
    for fields in [
        referral(&police, &sent),
        referral(&police, &[("status", "withdrawn"), ("version", "1")]),
    ] {
        assert_eq!(harry.get(&referrals).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            harry.post(&referrals, &fields).await.status,
            StatusCode::NOT_FOUND
        );
    }
    // The first case's own paths still work (so the 404s above are about the case).
    assert_eq!(
        tina.get(&format!("/cases/{}/support/{m}", case.reference))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        harry
            .get(&format!("/cases/{}/referrals/{r}", case.reference))
            .await
            .status,
        StatusCode::OK
    );

    // Nothing changed.
    assert_eq!(
        w.app.count(&format!(
                "SELECT COUNT(*) FROM support_measures WHERE id = {m} AND case_id = {} AND status = 'requested' AND provided_on IS NULL AND cost_pence IS NULL AND version = 1",
                case.id
            )
        )
        .await,
        1
    );
    assert_eq!(
        w.app.count(&format!(
                "SELECT COUNT(*) FROM referrals WHERE id = {r} AND case_id = {} AND status = 'to-send' AND sent_on IS NULL AND consent_by IS NULL AND version = 1",
                case.id
            )
        )
        .await,
        1
    );
    assert_eq!(
        w.app
            .count(
                "SELECT COUNT(*) FROM timeline_entries WHERE kind IN ('support-updated', 'referral-updated')"
            )
            .await,
        0
    );
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM audit_events WHERE action IN ('case.support_updated', 'case.referral_updated')"
        )
        .await,
        0
    );
    assert_eq!(
        w.app.count(&format!(
                "SELECT COUNT(*) FROM timeline_entries WHERE case_id = {} AND kind LIKE 'support-%' OR case_id = {} AND kind LIKE 'referral-%'",
                other.id, other.id
            )
        )
        .await,
        0
    );
}
