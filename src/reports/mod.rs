//! Reports for managers: deadline compliance (and, later, outcomes by ethnicity).

pub mod compliance;

use crate::web::routes::Route;

pub fn routes() -> Vec<Route> {
    compliance::routes()
}
