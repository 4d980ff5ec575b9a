//! Action plans agreed with the victim: date agreed, copy given, agreed contact frequency
//! and channel (which sets the regular-update deadline), communication needs, and actions
//! with owner, target date (a dated deadline), status and outcome.

pub mod case_panel;

use crate::{cases::codes::Code, web::routes::Route};

/// How the victim was given a copy of the plan.
pub const COPY_GIVEN: [Code; 5] = [
    ("in-person", "Handed over in person"),
    ("post", "By post"),
    ("email", "By email"),
    ("other", "Another way"),
    ("not-given", "Not given yet"),
];

/// How the victim agreed to be contacted.
pub const CHANNELS: [Code; 6] = [
    ("phone", "Phone call"),
    ("visit", "Home visit"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("text", "Text message"),
    ("video", "Video call"),
];

pub const ACTION_STATUSES: [Code; 3] = [
    ("open", "Open"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
];

pub fn routes() -> Vec<Route> {
    vec![]
}
