//! Victim support: support measures from the landlord's catalogue (requested, provided,
//! declined, with dates and cost) and referrals to agencies with consent to share.

pub mod case_panel;

use crate::web::routes::Route;

pub fn routes() -> Vec<Route> {
    vec![]
}
