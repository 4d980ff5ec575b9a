//! Action against alleged perpetrators: the escalation ladder of DOMAIN.md, each action's
//! status history, and its court hearing and notice expiry dates (dated deadlines).

pub mod case_panel;

use crate::web::routes::Route;

pub fn routes() -> Vec<Route> {
    vec![]
}
