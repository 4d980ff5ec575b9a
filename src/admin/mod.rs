//! Administration, every screen of it in one place: staff accounts, areas, case settings,
//! the working calendar, the procedure's timescales, the risk question sets, the support
//! catalogue and agencies, the equality report settings and retention periods. Each
//! screen keeps its rules in its capability (procedure, risk, support, reports,
//! retention). Administrators run the system; the access policy keeps case content away
//! from them (some settings are managers').

pub mod areas;
pub mod calendar;
pub mod equality;
pub mod procedure;
pub mod retention;
pub mod risk;
pub mod settings;
pub mod support;
pub mod users;

use crate::web::route::Route;

pub fn routes() -> Vec<Route> {
    [
        users::routes(),
        areas::routes(),
        settings::routes(),
        calendar::routes(),
        procedure::routes(),
        risk::routes(),
        support::routes(),
        equality::routes(),
        retention::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
