//! The referral form as typed, and its checks.

use crate::support::{
    REFERRAL_STATUSES, RESPONDED, SENT, TO_SEND, WITHDRAWN,
    fields::{self, MAX_TEXT_CHARS},
    next_referral_statuses, referral_status_label,
};
use crate::{
    cases::codes,
    web::{
        fields::{date_value, optional_text},
        forms::FormErrors,
        time_fmt,
    },
};
use entity::{agencies, referrals};
use serde::Deserialize;
use time::Date;

/// Refused when a referral would be sent without consent to share.
pub const CONSENT_FIRST: &str =
    "Record consent to share (who gave it, when, and what may be shared) before marking the referral sent";

/// `referrals.consent_by` holds 120 characters.
pub const MAX_CONSENT_BY_CHARS: usize = 120;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReferralForm {
    pub agency_id: String,
    pub referred_on: String,
    pub reason: String,
    pub consent_by: String,
    pub consent_on: String,
    pub consent_scope: String,
    pub status: String,
    pub sent_on: String,
    pub response_on: String,
    pub response: String,
    pub version: String,
}

impl ReferralForm {
    pub fn from_model(r: &referrals::Model) -> Self {
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

pub struct Consent {
    pub by: Option<String>,
    pub on: Option<Date>,
    pub scope: Option<String>,
}

impl Consent {
    fn complete(&self) -> bool {
        self.by.is_some() && self.on.is_some() && self.scope.is_some()
    }
}

pub struct Valid {
    pub agency_id: i32,
    pub status: &'static str,
    pub referred_on: Date,
    pub reason: String,
    pub consent: Consent,
    pub sent_on: Option<Date>,
    pub response_on: Option<Date>,
    pub response: Option<String>,
}

/// Whether consent can still be changed: until the referral is sent.
pub fn consent_open(existing: Option<&referrals::Model>) -> bool {
    existing.is_none_or(|r| r.status == TO_SEND)
}

/// The statuses the form offers: to send or sent for a new referral; the current status
/// and the ones it may move to for a recorded one.
pub fn status_choices(existing: Option<&referrals::Model>) -> Vec<&'static str> {
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
pub fn validate(
    f: &ReferralForm,
    agencies: Option<&[agencies::Model]>,
    existing: Option<&referrals::Model>,
    today: Date,
) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::default();
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
    let referred_on = fields::past_date(&f.referred_on, "referred_on", "date referred", today, &mut errors);
    if f.referred_on.trim().is_empty() {
        errors.add("referred_on", "Enter the date of the referral");
    }
    let reason = optional_text(&mut errors, "reason", &f.reason, MAX_TEXT_CHARS);
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
                    &mut errors,
                ),
                scope: optional_text(&mut errors, "consent_scope", &f.consent_scope, MAX_TEXT_CHARS),
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
        _ => fields::past_date(&f.sent_on, "sent_on", "date sent", today, &mut errors),
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
            &mut errors,
        );
        if f.response_on.trim().is_empty() {
            errors.add("response_on", "Enter the date of the response");
        }
        if let (Some(on), Some(sent)) = (on, sent_on)
            && on < sent
        {
            errors.add("response_on", "The response cannot be before the date sent");
        }
        let response = optional_text(&mut errors, "response", &f.response, MAX_TEXT_CHARS);
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
    match (agency_id, status, referred_on, reason) {
        (Some(agency_id), Some(status), Some(referred_on), Some(reason)) if errors.is_empty() => Ok(Valid {
            agency_id,
            status,
            referred_on,
            reason,
            consent,
            sent_on,
            response_on,
            response,
        }),
        _ => Err(errors),
    }
}

/// What the timeline says: status, dates, reason, consent and response.
pub fn describe(agency: &str, v: &Valid) -> String {
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
        let errors = validate(&f, Some(&agencies), None, TODAY).err().expect("invalid");
        assert_eq!(errors.get("consent_scope"), Some(CONSENT_FIRST));
        f.consent_scope = "Contact details".into();
        let v = validate(&f, Some(&agencies), None, TODAY).expect("valid");
        assert_eq!(v.status, SENT);
        assert!(v.consent.complete());
        // To send: consent may wait, and may be partly recorded meanwhile.
        let mut to_send = form(TO_SEND);
        to_send.consent_by = "Amina Khan".into();
        assert!(validate(&to_send, Some(&agencies), None, TODAY).is_ok());
    }

    #[test]
    fn consent_comes_before_sending_and_responses_after() {
        let agencies = [agency()];
        let mut f = form(SENT);
        f.sent_on = "2026-11-20".into();
        f.consent_by = "Amina Khan".into();
        f.consent_on = "2026-11-21".into();
        f.consent_scope = "All".into();
        let errors = validate(&f, Some(&agencies), None, TODAY).err().expect("invalid");
        assert!(errors.get("consent_on").is_some());
        let mut f = form(TO_SEND);
        f.sent_on = "2026-11-20".into();
        f.response = "Seen".into();
        let errors = validate(&f, Some(&agencies), None, TODAY).err().expect("invalid");
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
