//! Retention that keeps the statistics (UK GDPR storage limitation): how long closed
//! cases are kept (`rules`), legal holds (`holds`, `hold_page`), the managers' review of
//! cases past their date (`due`, `review`), and disposal, which destroys identity and
//! keeps every figure reports need (`disposal`).

pub mod case_panel;
mod disposal;
mod due;
mod guard;
mod hold_page;
pub mod holds;
mod job;
mod review;
pub mod rules;

pub use due::awaiting_decision;
pub use guard::{any_standin, lock_unless_disposed, refuse_disposed, require_not_disposed};
pub use job::{JOB, daily};

use crate::{auth::policy::Permission, web::route::Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/retention", Permission::ManageRetention, review::list),
        Route::post("/retention/confirm", Permission::ManageRetention, review::confirm),
        Route::post("/retention/dispose", Permission::ManageRetention, review::dispose),
        Route::get(
            "/cases/{reference}/hold",
            Permission::ManageRetention,
            hold_page::show,
        ),
        Route::post(
            "/cases/{reference}/hold",
            Permission::ManageRetention,
            hold_page::place,
        ),
        Route::post(
            "/cases/{reference}/holds/{id}/lift",
            Permission::ManageRetention,
            hold_page::lift,
        ),
    ]
}
