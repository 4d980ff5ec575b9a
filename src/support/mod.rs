//! Victim support: support measures from the landlord's catalogue (requested, provided,
//! declined, with dates and cost) and referrals to agencies with consent to share.

pub mod case_panel;

use crate::{cases::codes::Code, web::routes::Route};

pub const MEASURE_STATUSES: [Code; 3] = [
    ("requested", "Requested"),
    ("provided", "Provided"),
    ("declined", "Declined"),
];

/// A referral is recorded (to send), sent once consent to share is recorded, answered,
/// or withdrawn.
pub const REFERRAL_STATUSES: [Code; 4] = [
    ("to-send", "To send"),
    ("sent", "Sent"),
    ("responded", "Response received"),
    ("withdrawn", "Withdrawn"),
];

pub fn routes() -> Vec<Route> {
    vec![]
}
