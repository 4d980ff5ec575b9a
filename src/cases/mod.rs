//! Cases: intake, people, incidents, the timeline, caseloads, assignment, closure and
//! restriction. Which cases a user may see is decided in one place: [`visibility`].

pub mod areas;
pub mod assign;
pub mod caseload;
pub mod closure;
pub mod codes;
pub mod details;
pub mod events;
pub mod intake;
pub mod lock;
pub mod monitoring;
pub mod page;
pub mod parts;
pub mod people;
pub mod priority;
pub mod reference;
pub mod repeat;
pub mod restriction;
pub mod risk_level;
pub mod satisfaction;
pub mod settings;
pub mod staff_names;
pub mod timeline;
pub mod visibility;

use crate::{auth::policy::Permission, web::route::Route};

pub fn routes() -> Vec<Route> {
    use Permission::*;
    vec![
        Route::get("/cases", ViewCases, caseload::list),
        Route::get("/cases/new", LogCases, intake::new_form),
        Route::post("/cases/new", LogCases, intake::submit),
        Route::get("/cases/{reference}", ViewCases, page::show),
        Route::get("/cases/{reference}/reports/new", LogCases, intake::further_form),
        Route::post("/cases/{reference}/reports/new", LogCases, intake::further_submit),
        Route::post("/cases/{reference}/timeline", LogCases, page::contact::add),
        Route::post(
            "/cases/{reference}/case-review-explained",
            LogCases,
            page::contact::review_explained,
        ),
        Route::get("/cases/{reference}/edit", EditCases, details::edit_form),
        Route::post("/cases/{reference}/edit", EditCases, details::save),
        Route::get("/cases/{reference}/restriction", EditCases, restriction::form),
        Route::post("/cases/{reference}/restriction", EditCases, restriction::save),
        Route::post("/cases/{reference}/assign", AssignCases, assign::assign),
        Route::post("/cases/{reference}/take", TakeCases, assign::take),
        Route::get("/cases/{reference}/close", CloseCases, closure::close_form),
        Route::post("/cases/{reference}/close", CloseCases, closure::close),
        Route::get("/cases/{reference}/reopen", ReopenCases, closure::reopen_form),
        Route::post("/cases/{reference}/reopen", ReopenCases, closure::reopen),
        Route::get("/cases/{reference}/satisfaction", CloseCases, satisfaction::form),
        Route::post("/cases/{reference}/satisfaction", CloseCases, satisfaction::save),
    ]
}
