//! Reports for managers and the equality lead: deadline compliance, and equality and
//! regulator reporting by ethnicity.

pub mod compliance;
pub mod equality;
pub mod sql;

use crate::web::route::Route;

pub fn routes() -> Vec<Route> {
    compliance::routes()
        .into_iter()
        .chain(equality::routes())
        .collect()
}
