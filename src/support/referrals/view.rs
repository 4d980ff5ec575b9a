//! The referral pages.

use super::form::{ReferralForm, consent_open, status_choices};
use crate::support::{
    RESPONDED, SENT,
    pages::{choices, date_or_dash, row, their_version},
    referral_status_label,
};
use crate::{
    cases::parts::case_form,
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, radios, select, textarea},
        time_fmt,
    },
};
use entity::{agencies, cases, referrals};
use maud::{Markup, html};

pub(super) fn new_page(
    ctx: &Ctx,
    case: &cases::Model,
    agencies: &[agencies::Model],
    f: &ReferralForm,
    errors: &FormErrors,
) -> Markup {
    let choices = choices(
        "Choose an agency",
        &f.agency_id,
        agencies.iter().map(|a| (a.id, a.name.as_str())),
    );
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

pub(super) fn edit_page(
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
        their_version(theirs.map(summary)),
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

pub(super) fn referral_fields(
    existing: Option<&referrals::Model>,
    f: &ReferralForm,
    errors: &FormErrors,
) -> Markup {
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

pub(super) fn consent_summary(r: &referrals::Model) -> Markup {
    html! {
        dl.summary-list {
            (row("Who gave consent", html! { (r.consent_by.as_deref().unwrap_or("–")) }))
            (row("Date consent was given", date_or_dash(r.consent_on)))
            (row("What may be shared", html! { (r.consent_scope.as_deref().unwrap_or("–")) }))
        }
    }
}

/// A referral as saved (shown beside a conflicting edit).
pub(super) fn summary(r: &referrals::Model) -> Markup {
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
