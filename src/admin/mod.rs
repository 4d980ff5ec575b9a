//! Administration: staff accounts, areas and case settings. Administrators run the system; the access
//! policy keeps case content away from them.

pub mod areas;
pub mod calendar;
pub mod settings;
pub mod users;

use crate::web::route::Route;

pub fn routes() -> Vec<Route> {
    [
        users::routes(),
        areas::routes(),
        settings::routes(),
        calendar::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
