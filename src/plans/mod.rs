//! Action plans agreed with the victim: date agreed, copy given, agreed contact frequency
//! and channel (which sets the regular-update deadline), communication needs, and actions
//! with owner, target date (a dated deadline), status and outcome.

pub mod case_panel;

use crate::web::routes::Route;

pub fn routes() -> Vec<Route> {
    vec![]
}
