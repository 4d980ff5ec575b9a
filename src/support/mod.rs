//! Victim support: support measures from the landlord's catalogue (requested, provided,
//! declined, with dates and cost) and referrals to agencies with consent to share.
//! Administrators keep the catalogue and the agency list (`admin::support`); the case page shows
//! both on the case ([`case_panel`]). The label and money helpers here are shared with the
//! chronology.

pub mod case_panel;
mod fields;
pub mod measures;
mod pages;
pub mod referrals;

use crate::{
    auth::policy::Permission,
    cases::codes::{self, Code},
    web::route::Route,
};
use maud::{Markup, html};

pub const REQUESTED: &str = "requested";
pub const PROVIDED: &str = "provided";
pub const DECLINED: &str = "declined";

pub const MEASURE_STATUSES: [Code; 3] = [
    (REQUESTED, "Requested"),
    (PROVIDED, "Provided"),
    (DECLINED, "Declined"),
];

pub const TO_SEND: &str = "to-send";
pub const SENT: &str = "sent";
pub const RESPONDED: &str = "responded";
pub const WITHDRAWN: &str = "withdrawn";

/// A referral is recorded (to send), sent once consent to share is recorded, answered,
/// or withdrawn.
pub const REFERRAL_STATUSES: [Code; 4] = [
    (TO_SEND, "To send"),
    (SENT, "Sent"),
    (RESPONDED, "Response received"),
    (WITHDRAWN, "Withdrawn"),
];

/// The statuses a referral may move to from `status` (staying as it is is always allowed).
/// Responded and withdrawn are final.
pub fn next_referral_statuses(status: &str) -> &'static [&'static str] {
    match status {
        TO_SEND => &[SENT, WITHDRAWN],
        SENT => &[RESPONDED, WITHDRAWN],
        _ => &[],
    }
}

/// The most a single support measure may cost: £1,000,000, in pence.
pub const MAX_COST_PENCE: i64 = 100_000_000;

/// "Provided", "Declined", … (unknown codes shown as stored).
pub fn measure_status_label(code: &str) -> &str {
    codes::label(&MEASURE_STATUSES, code)
}

/// "To send", "Response received", … (unknown codes shown as stored).
pub fn referral_status_label(code: &str) -> &str {
    codes::label(&REFERRAL_STATUSES, code)
}

/// A support measure's status as a coloured tag.
pub fn measure_status_tag(code: &str) -> Markup {
    let class = match code {
        PROVIDED => "tag tag--green",
        DECLINED => "tag tag--grey",
        _ => "tag tag--yellow",
    };
    html! { strong class=(class) { (measure_status_label(code)) } }
}

/// A referral's status as a coloured tag.
pub fn referral_status_tag(code: &str) -> Markup {
    let class = match code {
        TO_SEND => "tag tag--yellow",
        SENT => "tag tag--blue",
        RESPONDED => "tag tag--green",
        _ => "tag tag--grey",
    };
    html! { strong class=(class) { (referral_status_label(code)) } }
}

/// Pence as pounds for people: 123450 → "£1,234.50"; negative amounts as "-£5.00".
pub fn format_pence(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let abs = pence.unsigned_abs();
    let pounds = (abs / 100).to_string();
    let mut grouped = String::with_capacity(pounds.len() + pounds.len() / 3);
    for (i, digit) in pounds.chars().enumerate() {
        if i > 0 && (pounds.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}£{grouped}.{:02}", abs % 100)
}

/// A cost typed in pounds ("250", "250.5", "£1,234.50") as pence; blank is no cost.
/// Refuses negative amounts, fractions of a penny and more than £1,000,000, with the
/// message to show.
pub fn parse_pounds(text: &str) -> Result<Option<i64>, &'static str> {
    const FORMAT: &str = "Enter the cost in pounds, for example 250 or £1,234.50";
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let unsigned = text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('−'))
        .map(str::trim_start);
    let negative = unsigned.is_some()
        || text
            .strip_prefix('£')
            .is_some_and(|t| t.trim_start().starts_with('-'));
    if negative {
        return Err("The cost cannot be negative");
    }
    let amount = text.strip_prefix('£').unwrap_or(text).trim_start();
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let whole: String = whole.chars().filter(|c| *c != ',').collect();
    if (whole.is_empty() && fraction.is_empty())
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err(FORMAT);
    }
    if fraction.len() > 2 {
        return Err("Enter the cost to the nearest penny (at most 2 decimal places)");
    }
    let whole = whole.trim_start_matches('0');
    // Anything longer than seven digits of pounds is over the limit (and would overflow).
    if whole.len() > 7 {
        return Err("The cost must be £1,000,000 or less");
    }
    let pounds: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| FORMAT)?
    };
    let pence: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_err(|_| FORMAT)? * 10,
        _ => fraction.parse().map_err(|_| FORMAT)?,
    };
    let total = pounds * 100 + pence;
    if total > MAX_COST_PENCE {
        return Err("The cost must be £1,000,000 or less");
    }
    Ok(Some(total))
}

pub fn routes() -> Vec<Route> {
    use Permission::*;
    vec![
        Route::get(
            "/cases/{reference}/support/new",
            RecordSupport,
            measures::new_form,
        ),
        Route::post("/cases/{reference}/support", RecordSupport, measures::create),
        Route::get(
            "/cases/{reference}/support/{id}",
            RecordSupport,
            measures::edit_form,
        ),
        Route::post("/cases/{reference}/support/{id}", RecordSupport, measures::update),
        Route::get(
            "/cases/{reference}/referrals/new",
            ManageReferrals,
            referrals::new_form,
        ),
        Route::post("/cases/{reference}/referrals", ManageReferrals, referrals::create),
        Route::get(
            "/cases/{reference}/referrals/{id}",
            ManageReferrals,
            referrals::edit_form,
        ),
        Route::post(
            "/cases/{reference}/referrals/{id}",
            ManageReferrals,
            referrals::update,
        ),
    ]
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pounds_are_read_as_pence() {
        for (typed, pence) in [
            ("250", 25_000),
            ("250.5", 25_050),
            ("250.05", 25_005),
            ("£1,234.50", 123_450),
            (" £ 1234.5 ", 123_450),
            ("0.99", 99),
            (".5", 50),
            ("£0", 0),
            ("1,000,000", MAX_COST_PENCE),
            ("£1,000,000.00", MAX_COST_PENCE),
            ("0001", 100),
        ] {
            assert_eq!(parse_pounds(typed), Ok(Some(pence)), "{typed}");
        }
        assert_eq!(parse_pounds("  "), Ok(None));
    }

    #[test]
    fn bad_costs_are_refused_with_a_reason() {
        for typed in ["-5", "£-5", "-£5", "− 5"] {
            assert_eq!(parse_pounds(typed), Err("The cost cannot be negative"), "{typed}");
        }
        for typed in ["1.234", "£0.001"] {
            assert!(
                parse_pounds(typed).unwrap_err().contains("nearest penny"),
                "{typed}"
            );
        }
        for typed in ["1,000,000.01", "1000001", "99999999999999999999999"] {
            assert!(
                parse_pounds(typed).unwrap_err().contains("1,000,000 or less"),
                "{typed}"
            );
        }
        for typed in ["abc", "£", ".", "12.3.4", "1e3", "£1,234.5a", "$5", "1.,5"] {
            assert!(
                parse_pounds(typed).unwrap_err().starts_with("Enter the cost"),
                "{typed}"
            );
        }
    }

    #[test]
    fn pence_are_shown_as_pounds() {
        assert_eq!(format_pence(0), "£0.00");
        assert_eq!(format_pence(5), "£0.05");
        assert_eq!(format_pence(25_050), "£250.50");
        assert_eq!(format_pence(123_450), "£1,234.50");
        assert_eq!(format_pence(MAX_COST_PENCE), "£1,000,000.00");
        assert_eq!(format_pence(-500), "-£5.00");
        assert_eq!(format_pence(i64::MIN), "-£92,233,720,368,547,758.08");
    }

    #[test]
    fn referral_statuses_move_forward_only() {
        assert_eq!(next_referral_statuses(TO_SEND), [SENT, WITHDRAWN]);
        assert_eq!(next_referral_statuses(SENT), [RESPONDED, WITHDRAWN]);
        assert!(next_referral_statuses(RESPONDED).is_empty());
        assert!(next_referral_statuses(WITHDRAWN).is_empty());
        assert_eq!(referral_status_label(RESPONDED), "Response received");
        assert_eq!(measure_status_label("gone"), "gone");
    }
}
