//! People who may be recorded twice: the queue of possible duplicates found when an
//! officer recorded someone who matches a person on a case they could not see, and the
//! manager's merge (review both, choose the values to keep, every case part moves over,
//! audited, nothing lost: `merge`); correcting a person's details from a case, with the earlier
//! values kept (`correction`); and subject access: finding a person and producing
//! everything held about them, other people redacted (`subject_access`).

pub mod correction;
mod fields;
mod merge;
pub mod subject_access;

use crate::{auth::policy::Permission, web::route::Route};

pub fn routes() -> Vec<Route> {
    let mut routes = merge::routes();
    routes.extend([
        Route::get(
            "/cases/{reference}/people/{id}/edit",
            Permission::EditCases,
            correction::form,
        ),
        Route::post(
            "/cases/{reference}/people/{id}/edit",
            Permission::EditCases,
            correction::save,
        ),
    ]);
    routes
}
