//! Referrals to agencies: recorded on open cases, with consent to share (who gave it,
//! when, what may be shared) required before a referral is marked sent and fixed from
//! then on; statuses move to-send → sent | withdrawn, sent → responded | withdrawn.

use super::{
    REFERRAL_STATUSES, RESPONDED, SENT, TO_SEND, WITHDRAWN,
    fields::{self, MAX_TEXT_CHARS},
    next_referral_statuses, referral_status_label,
};
use crate::{
    audit::Origin,
    cases::{
        codes,
        parts::case_form,
        timeline::{self, Entry},
        visibility::{self, Viewer},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        fields::{date_value, optional_text},
        forms::{self, Choice, FormErrors, Input, radios, select, textarea},
        time_fmt,
    },
};
use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{agencies, cases, referrals};
use maud::{Markup, html};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use serde::Deserialize;
use time::Date;

const CLOSED: &str = "This case is closed: new referrals cannot be recorded on it. Reopen the case first.";

/// Refused when a referral would be sent without consent to share.
pub const CONSENT_FIRST: &str =
    "Record consent to share (who gave it, when, and what may be shared) before marking the referral sent";

/// `referrals.consent_by` holds 120 characters.
const MAX_CONSENT_BY_CHARS: usize = 120;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReferralForm {
    agency_id: String,
    referred_on: String,
    reason: String,
    consent_by: String,
    consent_on: String,
    consent_scope: String,
    status: String,
    sent_on: String,
    response_on: String,
    response: String,
    version: String,
}

impl ReferralForm {
    fn from_model(r: &referrals::Model) -> Self {
        ReferralForm {
            agency_id: r.agency_id.to_string(),
            referred_on: date_value(Some(r.referred_on)),
            reason: r.reason.clone().unwrap_or_default(),
            consent_by: r.consent_by.clone().unwrap_or_default(),
            consent_on: date_value(r.consent_on),
            consent_scope: r.consent_scope.clone().unwrap_or_default(),
            status: r.status.clone(),
            sent_on: date_value(r.sent_on),
            response_on: date_value(r.response_on),
            response: r.response.clone().unwrap_or_default(),
            version: r.version.to_string(),
        }
    }
}

/// `?agency=<id>` on the new-referral form preselects an agency (the high-risk prompt
/// links to the multi-agency panel this way).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    agency: String,
}

struct Consent {
    by: Option<String>,
    on: Option<Date>,
    scope: Option<String>,
}

impl Consent {
    fn complete(&self) -> bool {
        self.by.is_some() && self.on.is_some() && self.scope.is_some()
    }
}

struct Valid {
    agency_id: i32,
    status: &'static str,
    referred_on: Date,
    reason: String,
    consent: Consent,
    sent_on: Option<Date>,
    response_on: Option<Date>,
    response: Option<String>,
}

/// Whether consent can still be changed: until the referral is sent.
fn consent_open(existing: Option<&referrals::Model>) -> bool {
    existing.is_none_or(|r| r.status == TO_SEND)
}

/// The statuses the form offers: to send or sent for a new referral; the current status
/// and the ones it may move to for a recorded one.
fn status_choices(existing: Option<&referrals::Model>) -> Vec<&'static str> {
    match existing {
        None => vec![TO_SEND, SENT],
        Some(r) => codes::find(&REFERRAL_STATUSES, &r.status)
            .into_iter()
            .chain(next_referral_statuses(&r.status).iter().copied())
            .collect(),
    }
}

/// Checks `f`; `agencies` holds the agencies a new referral may go to (none when the
/// referral is recorded: its agency does not change).
fn validate(
    f: &ReferralForm,
    agencies: Option<&[agencies::Model]>,
    existing: Option<&referrals::Model>,
    today: Date,
    errors: &mut FormErrors,
) -> Option<Valid> {
    let agency_id = match (agencies, existing) {
        (_, Some(r)) => Some(r.agency_id),
        (Some(list), None) => {
            let chosen = f.agency_id.trim().parse::<i32>().ok();
            let found = list.iter().find(|a| Some(a.id) == chosen).map(|a| a.id);
            if found.is_none() {
                errors.add("agency_id", "Choose the agency");
            }
            found
        }
        (None, None) => None,
    };
    let status = match codes::find(&REFERRAL_STATUSES, &f.status) {
        None => {
            errors.add("status", "Choose the referral's status");
            None
        }
        Some(s) if !status_choices(existing).contains(&s) => {
            let message = match existing {
                None => "A new referral is either to send or sent".to_owned(),
                Some(r) => format!(
                    "A referral that is “{}” cannot become “{}”",
                    referral_status_label(&r.status),
                    referral_status_label(s)
                ),
            };
            errors.add("status", message);
            None
        }
        Some(s) => Some(s),
    };
    let referred_on = fields::past_date(&f.referred_on, "referred_on", "date referred", today, errors);
    if f.referred_on.trim().is_empty() {
        errors.add("referred_on", "Enter the date of the referral");
    }
    let reason = optional_text(errors, "reason", &f.reason, MAX_TEXT_CHARS);
    if f.reason.trim().is_empty() {
        errors.add("reason", "Say why the victim is being referred");
    }

    let consent = match existing {
        Some(r) if !consent_open(existing) => Consent {
            by: r.consent_by.clone(),
            on: r.consent_on,
            scope: r.consent_scope.clone(),
        },
        _ => {
            let by = f.consent_by.trim();
            let by = if by.chars().count() > MAX_CONSENT_BY_CHARS {
                errors.add(
                    "consent_by",
                    format!("Keep who gave consent to {MAX_CONSENT_BY_CHARS} characters or fewer"),
                );
                None
            } else {
                (!by.is_empty()).then(|| by.to_owned())
            };
            Consent {
                by,
                on: fields::past_date(
                    &f.consent_on,
                    "consent_on",
                    "date consent was given",
                    today,
                    errors,
                ),
                scope: optional_text(errors, "consent_scope", &f.consent_scope, MAX_TEXT_CHARS),
            }
        }
    };
    let was_sent = matches!(status, Some(SENT | RESPONDED));
    if was_sent && !consent.complete() {
        // On the first consent field still missing (they are all in the one fieldset);
        // once fixed, consent is not on the form (and a sent referral always has it).
        let field = if !consent_open(existing) {
            "status"
        } else if consent.by.is_none() && f.consent_by.trim().is_empty() {
            "consent_by"
        } else if consent.on.is_none() && f.consent_on.trim().is_empty() {
            "consent_on"
        } else {
            "consent_scope"
        };
        errors.add(field, CONSENT_FIRST);
    }

    // A referral has a date sent only once it is sent (with consent, above); withdrawing
    // a sent referral keeps the date it was sent; one withdrawn before sending has none.
    let kept_sent_on = existing.and_then(|r| r.sent_on);
    let sent_blank = f.sent_on.trim().is_empty();
    let sent_on = match status {
        Some(TO_SEND) => {
            if !sent_blank {
                errors.add("sent_on", "Leave the date sent blank until the referral is sent");
            }
            None
        }
        Some(WITHDRAWN) => match kept_sent_on {
            None => {
                if !sent_blank {
                    errors.add(
                        "sent_on",
                        "Leave the date sent blank: this referral was not sent before it was withdrawn",
                    );
                }
                None
            }
            Some(kept) => {
                if time_fmt::parse_date(&f.sent_on) != Some(kept) {
                    errors.add(
                        "sent_on",
                        format!(
                            "Keep the date sent as {}: withdrawing a sent referral does not change when it was sent",
                            time_fmt::plain_date(kept)
                        ),
                    );
                }
                Some(kept)
            }
        },
        Some(SENT | RESPONDED) if sent_blank => {
            errors.add("sent_on", "Enter the date the referral was sent");
            None
        }
        _ => fields::past_date(&f.sent_on, "sent_on", "date sent", today, errors),
    };
    if let (Some(sent), Some(referred)) = (sent_on, referred_on)
        && sent < referred
    {
        if status == Some(WITHDRAWN) {
            // The date sent is kept as it was: the date referred is what moved.
            errors.add("referred_on", "The date referred cannot be after the date sent");
        } else {
            errors.add("sent_on", "The date sent cannot be before the date referred");
        }
    }
    // Consent comes first, on every path: against the consent typed while it can still
    // change, and against the consent fixed when the referral was sent.
    if let (Some(sent), Some(given)) = (sent_on, consent.on)
        && given > sent
    {
        if consent_open(existing) {
            errors.add(
                "consent_on",
                "Consent must be given on or before the date the referral was sent",
            );
        } else {
            errors.add(
                "sent_on",
                format!(
                    "The date sent cannot be before consent was given ({})",
                    time_fmt::plain_date(given)
                ),
            );
        }
    }

    let (response_on, response) = if status == Some(RESPONDED) {
        let on = fields::past_date(
            &f.response_on,
            "response_on",
            "date of the response",
            today,
            errors,
        );
        if f.response_on.trim().is_empty() {
            errors.add("response_on", "Enter the date of the response");
        }
        if let (Some(on), Some(sent)) = (on, sent_on)
            && on < sent
        {
            errors.add("response_on", "The response cannot be before the date sent");
        }
        let response = optional_text(errors, "response", &f.response, MAX_TEXT_CHARS);
        if f.response.trim().is_empty() {
            errors.add("response", "Enter the agency's response");
        }
        (on, response)
    } else {
        if !f.response_on.trim().is_empty() {
            errors.add(
                "response_on",
                "Leave the date of the response blank until a response is received",
            );
        }
        if !f.response.trim().is_empty() {
            errors.add(
                "response",
                "Leave the response blank until a response is received",
            );
        }
        (None, None)
    };
    if !errors.is_empty() {
        return None;
    }
    Some(Valid {
        agency_id: agency_id?,
        status: status?,
        referred_on: referred_on?,
        reason: reason?,
        consent,
        sent_on,
        response_on,
        response,
    })
}

/// What the timeline says: status, dates, reason, consent and response.
fn describe(agency: &str, v: &Valid) -> String {
    let mut out = format!(
        "{agency}: {}, referred on {}",
        referral_status_label(v.status).to_lowercase(),
        time_fmt::plain_date(v.referred_on)
    );
    if let Some(sent) = v.sent_on {
        out.push_str(&format!(", sent on {}", time_fmt::plain_date(sent)));
    }
    out.push_str(&format!(". Reason: {}", v.reason));
    if let (Some(by), Some(on), Some(scope)) = (&v.consent.by, v.consent.on, &v.consent.scope) {
        out.push_str(&format!(
            " Consent to share given by {by} on {}: {scope}",
            time_fmt::plain_date(on)
        ));
    }
    if let (Some(on), Some(response)) = (v.response_on, &v.response) {
        out.push_str(&format!(" Response on {}: {response}", time_fmt::plain_date(on)));
    }
    out
}

async fn active_agencies(db: &impl ConnectionTrait) -> Result<Vec<agencies::Model>, DbErr> {
    agencies::Entity::find()
        .filter(agencies::Column::Active.eq(true))
        .order_by_asc(agencies::Column::Position)
        .order_by_asc(agencies::Column::Id)
        .all(db)
        .await
}

async fn agency_name(db: &impl ConnectionTrait, id: i32) -> Result<String, DbErr> {
    Ok(agencies::Entity::find_by_id(id)
        .one(db)
        .await?
        .map_or_else(String::new, |a| a.name))
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Query(query): Query<NewQuery>,
) -> AppResult<Markup> {
    let case = timeline::open(&state, &viewer, &origin, &reference, "Viewed referral form").await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let agencies = active_agencies(&state.db).await?;
    let preselected = query
        .agency
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|id| agencies.iter().any(|a| a.id == *id));
    let f = ReferralForm {
        agency_id: preselected.map(|id| id.to_string()).unwrap_or_default(),
        referred_on: date_value(Some(crate::calendar::london_date(state.now()))),
        status: TO_SEND.to_owned(),
        ..Default::default()
    };
    Ok(new_page(&ctx, &case, &agencies, &f, &FormErrors::default()))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<ReferralForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let now = state.now();
    let agencies = active_agencies(&state.db).await?;
    let mut errors = FormErrors::default();
    let Some(v) = validate(
        &f,
        Some(&agencies),
        None,
        crate::calendar::london_date(now),
        &mut errors,
    ) else {
        return Ok(forms::invalid(new_page(&ctx, &case, &agencies, &f, &errors)));
    };
    let agency = agencies
        .iter()
        .find(|a| a.id == v.agency_id)
        .map_or_else(String::new, |a| a.name.clone());
    let txn = crate::db::begin(&state.db).await?;
    let case = crate::cases::lock::hold_case(&txn, &case).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    referrals::Entity::insert(referrals::ActiveModel {
        case_id: Set(case.id),
        agency_id: Set(v.agency_id),
        status: Set(v.status.to_owned()),
        referred_on: Set(v.referred_on),
        reason: Set(Some(v.reason.clone())),
        consent_by: Set(v.consent.by.clone()),
        consent_on: Set(v.consent.on),
        consent_scope: Set(v.consent.scope.clone()),
        sent_on: Set(v.sent_on),
        response_on: Set(None),
        response: Set(None),
        created_by: Set(viewer.id),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.referral_recorded",
        Entry::event(
            &case,
            "referral-recorded",
            now,
            format!("Referral recorded: {}", describe(&agency, &v)),
        ),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("Referral to {agency} recorded.")).await?;
    Ok(Redirect::to(&format!("/cases/{}#support", case.reference)).into_response())
}

/// The visible case and its referral `id` (404 for either missing).
async fn find(
    state: &AppState,
    viewer: &Viewer,
    origin: Option<&Origin>,
    reference: &str,
    id: &str,
) -> AppResult<(cases::Model, referrals::Model)> {
    let case = match origin {
        Some(origin) => timeline::open(state, viewer, origin, reference, "Viewed referral").await?,
        None => visibility::find(&state.db, viewer, reference).await?,
    };
    let referral = referrals::Entity::find_by_id(fields::id(id)?)
        .filter(referrals::Column::CaseId.eq(case.id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((case, referral))
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let (case, r) = find(&state, &viewer, Some(&origin), &reference, &id).await?;
    let agency = agency_name(&state.db, r.agency_id).await?;
    let f = ReferralForm::from_model(&r);
    Ok(edit_page(
        &ctx,
        &case,
        &r,
        &agency,
        &f,
        None,
        &FormErrors::default(),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path((reference, id)): Path<(String, String)>,
    Form(f): Form<ReferralForm>,
) -> AppResult<Response> {
    let (case, r) = find(&state, &viewer, None, &reference, &id).await?;
    let agency = agency_name(&state.db, r.agency_id).await?;
    if f.version.trim().parse::<i32>().ok() != Some(r.version) {
        return Ok(conflict(&ctx, &case, &r, &agency, f));
    }
    let now = state.now();
    let mut errors = FormErrors::default();
    let Some(v) = validate(&f, None, Some(&r), crate::calendar::london_date(now), &mut errors) else {
        return Ok(forms::invalid(edit_page(
            &ctx, &case, &r, &agency, &f, None, &errors,
        )));
    };
    let txn = crate::db::begin(&state.db).await?;
    // Only the version (and so the status) the form was built from changes.
    let claimed = referrals::Entity::update_many()
        .col_expr(referrals::Column::Status, Expr::value(v.status))
        .col_expr(referrals::Column::ReferredOn, Expr::value(v.referred_on))
        .col_expr(referrals::Column::Reason, Expr::value(Some(v.reason.clone())))
        .col_expr(referrals::Column::ConsentBy, Expr::value(v.consent.by.clone()))
        .col_expr(referrals::Column::ConsentOn, Expr::value(v.consent.on))
        .col_expr(
            referrals::Column::ConsentScope,
            Expr::value(v.consent.scope.clone()),
        )
        .col_expr(referrals::Column::SentOn, Expr::value(v.sent_on))
        .col_expr(referrals::Column::ResponseOn, Expr::value(v.response_on))
        .col_expr(referrals::Column::Response, Expr::value(v.response.clone()))
        .col_expr(referrals::Column::UpdatedBy, Expr::value(viewer.id))
        .col_expr(referrals::Column::UpdatedAt, Expr::value(now))
        .col_expr(referrals::Column::Version, Expr::value(r.version + 1))
        .filter(referrals::Column::Id.eq(r.id))
        .filter(referrals::Column::Version.eq(r.version))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        drop(txn);
        let (case, latest) = find(&state, &viewer, None, &reference, &id).await?;
        return Ok(conflict(&ctx, &case, &latest, &agency, f));
    }
    let change = if v.status == r.status {
        String::new()
    } else {
        format!(" (was {})", referral_status_label(&r.status).to_lowercase())
    };
    timeline::record(
        &txn,
        now,
        &viewer,
        &origin,
        "case.referral_updated",
        Entry::event(
            &case,
            "referral-updated",
            now,
            format!("Referral updated{change}: {}", describe(&agency, &v)),
        ),
    )
    .await?;
    txn.commit().await?;
    set_flash(&ctx.session, format!("Referral to {agency} updated.")).await?;
    Ok(Redirect::to(&format!("/cases/{}#support", case.reference)).into_response())
}

/// The form was built from an older version: show the saved one, keep what was typed.
fn conflict(
    ctx: &Ctx,
    case: &cases::Model,
    latest: &referrals::Model,
    agency: &str,
    mine: ReferralForm,
) -> Response {
    let mut errors = FormErrors::default();
    errors.add(
        "status",
        "Someone else changed this referral while you were editing. Their version is shown below; your changes are still in the form. Check both, then save again",
    );
    let mine = ReferralForm {
        version: latest.version.to_string(),
        ..mine
    };
    forms::stale(edit_page(ctx, case, latest, agency, &mine, Some(latest), &errors))
}

fn new_page(
    ctx: &Ctx,
    case: &cases::Model,
    agencies: &[agencies::Model],
    f: &ReferralForm,
    errors: &FormErrors,
) -> Markup {
    let choices: Vec<Choice> = std::iter::once(Choice {
        value: String::new(),
        label: "Choose an agency",
        selected: f.agency_id.trim().is_empty(),
    })
    .chain(agencies.iter().map(|a| Choice {
        value: a.id.to_string(),
        label: &a.name,
        selected: f.agency_id.trim() == a.id.to_string(),
    }))
    .collect();
    case_form(
        ctx,
        case,
        "Refer to an agency",
        "referrals",
        errors,
        html! { p.body { "Record consent to share before the referral is sent: who gave it, when, and what may be shared." } },
        html! {
            (select("agency_id", "Agency", &choices, errors))
            (referral_fields(None, f, errors))
            button.button type="submit" { "Record referral" }
        },
    )
}

fn edit_page(
    ctx: &Ctx,
    case: &cases::Model,
    r: &referrals::Model,
    agency: &str,
    f: &ReferralForm,
    theirs: Option<&referrals::Model>,
    errors: &FormErrors,
) -> Markup {
    let title = format!("Update referral: {agency}");
    case_form(
        ctx,
        case,
        &title,
        &format!("referrals/{}", r.id),
        errors,
        html! {
            @if let Some(t) = theirs {
                div.inset-text id="their-version" {
                    h2.heading-m { "Their version (saved)" }
                    (summary(t))
                }
            }
        },
        html! {
            input type="hidden" name="version" value=(f.version);
            (referral_fields(Some(r), f, errors))
            div.button-group {
                button.button type="submit" { "Save referral" }
                a.button.button--secondary href={ "/cases/" (case.reference) "#support" } { "Cancel" }
            }
        },
    )
}

fn referral_fields(existing: Option<&referrals::Model>, f: &ReferralForm, errors: &FormErrors) -> Markup {
    let statuses: Vec<Choice> = status_choices(existing)
        .into_iter()
        .map(|s| Choice {
            value: s.to_owned(),
            label: referral_status_label(s),
            selected: f.status.trim() == s,
        })
        .collect();
    let may_respond = existing.is_some_and(|r| [SENT, RESPONDED].contains(&r.status.as_str()));
    html! {
        (Input::text("referred_on", "Date referred", &f.referred_on).kind("date").narrow().render(errors))
        (textarea("reason", "Reason for the referral", Some("What the victim needs from the agency."), &f.reason, errors))
        @match existing {
            Some(r) if !consent_open(existing) => {
                h2.heading-m { "Consent to share" }
                p.body { "Consent is fixed once the referral has been sent." }
                (consent_summary(r))
            }
            _ => {
                div.form-group {
                    fieldset.fieldset aria-describedby="consent-hint" {
                        legend.fieldset__legend { "Consent to share" }
                        div.hint id="consent-hint" { "Needed before the referral is marked sent." }
                        (Input::text("consent_by", "Who gave consent", &f.consent_by).hint("For example: Amina Khan (victim).").render(errors))
                        (Input::text("consent_on", "Date consent was given", &f.consent_on).kind("date").narrow().render(errors))
                        (textarea("consent_scope", "What may be shared", Some("For example: contact details and the incidents reported; not medical information."), &f.consent_scope, errors))
                    }
                }
            }
        }
        (radios("status", "Status", None, &statuses, errors))
        (Input::text("sent_on", "Date sent", &f.sent_on).kind("date").narrow().hint("Needed when the referral has been sent.").render(errors))
        @if may_respond {
            (Input::text("response_on", "Date of the response", &f.response_on).kind("date").narrow().hint("Needed when a response has been received.").render(errors))
            (textarea("response", "The agency's response", None, &f.response, errors))
        }
    }
}

fn row(key: &str, value: Markup) -> Markup {
    html! { div.summary-list__row { dt.summary-list__key { (key) } dd.summary-list__value { (value) } } }
}

fn date_or_dash(d: Option<Date>) -> Markup {
    d.map_or_else(|| html! { "–" }, time_fmt::date)
}

fn consent_summary(r: &referrals::Model) -> Markup {
    html! {
        dl.summary-list {
            (row("Who gave consent", html! { (r.consent_by.as_deref().unwrap_or("–")) }))
            (row("Date consent was given", date_or_dash(r.consent_on)))
            (row("What may be shared", html! { (r.consent_scope.as_deref().unwrap_or("–")) }))
        }
    }
}

/// A referral as saved (shown beside a conflicting edit).
fn summary(r: &referrals::Model) -> Markup {
    html! {
        dl.summary-list {
            (row("Status", html! { (referral_status_label(&r.status)) }))
            (row("Date referred", time_fmt::date(r.referred_on)))
            (row("Reason", html! { (r.reason.as_deref().unwrap_or("–")) }))
            (row("Who gave consent", html! { (r.consent_by.as_deref().unwrap_or("–")) }))
            (row("Date consent was given", date_or_dash(r.consent_on)))
            (row("What may be shared", html! { (r.consent_scope.as_deref().unwrap_or("–")) }))
            (row("Date sent", date_or_dash(r.sent_on)))
            (row("Date of the response", date_or_dash(r.response_on)))
            (row("Response", html! { (r.response.as_deref().unwrap_or("–")) }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn form(status: &str) -> ReferralForm {
        ReferralForm {
            agency_id: "1".into(),
            referred_on: "2026-11-20".into(),
            reason: "Support after the attack".into(),
            status: status.into(),
            ..Default::default()
        }
    }

    fn agency() -> agencies::Model {
        agencies::Model {
            id: 1,
            name: "Police".into(),
            position: 1,
            active: true,
            created_at: time::macros::datetime!(2026-01-01 00:00 UTC),
            multi_agency: false,
        }
    }

    const TODAY: Date = date!(2026 - 11 - 23);

    #[test]
    fn a_referral_is_not_sent_without_all_of_consent() {
        let agencies = [agency()];
        let mut f = form(SENT);
        f.sent_on = "2026-11-21".into();
        f.consent_by = "Amina Khan (victim)".into();
        f.consent_on = "2026-11-20".into();
        let mut errors = FormErrors::default();
        assert!(validate(&f, Some(&agencies), None, TODAY, &mut errors).is_none());
        assert_eq!(errors.get("consent_scope"), Some(CONSENT_FIRST));
        f.consent_scope = "Contact details".into();
        let mut errors = FormErrors::default();
        let v = validate(&f, Some(&agencies), None, TODAY, &mut errors).expect("valid");
        assert_eq!(v.status, SENT);
        assert!(v.consent.complete());
        // To send: consent may wait, and may be partly recorded meanwhile.
        let mut errors = FormErrors::default();
        let mut to_send = form(TO_SEND);
        to_send.consent_by = "Amina Khan".into();
        assert!(validate(&to_send, Some(&agencies), None, TODAY, &mut errors).is_some());
    }

    #[test]
    fn consent_comes_before_sending_and_responses_after() {
        let agencies = [agency()];
        let mut f = form(SENT);
        f.sent_on = "2026-11-20".into();
        f.consent_by = "Amina Khan".into();
        f.consent_on = "2026-11-21".into();
        f.consent_scope = "All".into();
        let mut errors = FormErrors::default();
        assert!(validate(&f, Some(&agencies), None, TODAY, &mut errors).is_none());
        assert!(errors.get("consent_on").is_some());
        let mut f = form(TO_SEND);
        f.sent_on = "2026-11-20".into();
        f.response = "Seen".into();
        let mut errors = FormErrors::default();
        assert!(validate(&f, Some(&agencies), None, TODAY, &mut errors).is_none());
        assert!(errors.get("sent_on").is_some());
        assert!(errors.get("response").is_some());
    }

    #[test]
    fn the_form_offers_only_the_next_statuses() {
        assert_eq!(status_choices(None), [TO_SEND, SENT]);
        let recorded = |status: &str| referrals::Model {
            id: 1,
            case_id: 1,
            agency_id: 1,
            status: status.into(),
            referred_on: TODAY,
            reason: None,
            consent_by: None,
            consent_on: None,
            consent_scope: None,
            sent_on: None,
            response_on: None,
            response: None,
            created_by: 1,
            created_at: time::macros::datetime!(2026-01-01 00:00 UTC),
            updated_by: None,
            updated_at: None,
            version: 1,
        };
        assert_eq!(
            status_choices(Some(&recorded(TO_SEND))),
            [TO_SEND, SENT, WITHDRAWN]
        );
        assert_eq!(
            status_choices(Some(&recorded(SENT))),
            [SENT, RESPONDED, WITHDRAWN]
        );
        assert_eq!(status_choices(Some(&recorded(RESPONDED))), [RESPONDED]);
        assert_eq!(status_choices(Some(&recorded(WITHDRAWN))), [WITHDRAWN]);
        assert!(consent_open(Some(&recorded(TO_SEND))));
        assert!(!consent_open(Some(&recorded(SENT))));
    }
}
