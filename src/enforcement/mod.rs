//! Action against alleged perpetrators: the escalation ladder of DOMAIN.md, each action's
//! status history, and its court hearing and notice expiry dates (dated deadlines).

pub mod case_panel;

use crate::{cases::codes::Code, web::routes::Route};

/// The escalation ladder (DOMAIN.md), lightest first.
pub const LADDER: [Code; 14] = [
    ("advice", "Advice or verbal warning"),
    ("warning-letter", "Warning letter"),
    ("mediation", "Mediation"),
    ("abc", "Acceptable Behaviour Contract"),
    ("injunction", "Civil injunction (ASB, Crime and Policing Act 2014 Part 1)"),
    ("cpn", "Community Protection Notice"),
    ("cbo", "Criminal Behaviour Order"),
    ("closure", "Closure notice or order"),
    ("demotion", "Demotion of tenancy"),
    ("nsp", "Notice Seeking Possession"),
    ("possession", "Possession proceedings (discretionary grounds)"),
    ("absolute-ground", "Absolute ground for possession"),
    ("prosecution", "Prosecution by police or CPS"),
    ("perpetrator-support", "Perpetrator support referral"),
];

/// Measures that need no known perpetrator: aimed at unknown people, a group, or no one
/// in particular.
pub const GENERAL_MEASURES: [Code; 4] = [
    ("cctv", "CCTV"),
    ("patrols", "Patrols"),
    ("publicity", "Publicity or appeal for information"),
    ("other-measure", "Other measure"),
];

pub const STATUSES: [Code; 7] = [
    ("planned", "Planned"),
    ("issued", "Issued or served"),
    ("complied", "Complied with"),
    ("breached", "Breached"),
    ("granted", "Granted"),
    ("refused", "Refused"),
    ("withdrawn", "Withdrawn"),
];

/// Kinds of legal date (each becomes a deadline on the case).
pub const LEGAL_DATES: [Code; 2] = [
    ("hearing", "Court hearing"),
    ("notice-expiry", "Notice expires"),
];

pub fn routes() -> Vec<Route> {
    vec![]
}
