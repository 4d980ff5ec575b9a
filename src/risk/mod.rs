//! Victim risk assessment: versioned question sets whose answers carry scores, thresholds
//! mapping a total to standard / medium / high, and an officer's override with a reason.
//! The scoring core is pure; [`store`] loads and saves sets and assessments. High risk
//! shortens the manager-review cadence (`deadlines::schedule::Rules`) and prompts a
//! multi-agency referral.

mod assess;
pub mod case_panel;
pub mod form;
pub mod record;
pub mod score;
pub mod store;
pub mod view;

pub use score::{Answer, AnswerOption, Draft, DraftQuestion, Question, QuestionSet, Scored, level_for};

use crate::{auth::policy::Permission, cases::codes::Code, web::route::Route};

pub use crate::cases::risk_level::{HIGH, MEDIUM, STANDARD};

pub const LEVELS: [Code; 3] = [(STANDARD, "Standard"), (MEDIUM, "Medium"), (HIGH, "High")];

/// When an assessment was made.
pub const OCCASIONS: [Code; 3] = [
    ("triage", "At triage"),
    ("review", "At a case review"),
    ("other", "Other (change in circumstances)"),
];

/// A level as a coloured tag (unknown codes shown as stored).
pub fn level_tag(level: &str) -> maud::Markup {
    let (class, label) = match level {
        HIGH => ("tag tag--red", "High risk"),
        MEDIUM => ("tag tag--yellow", "Medium risk"),
        STANDARD => ("tag tag--green", "Standard risk"),
        other => ("tag tag--grey", other),
    };
    maud::html! { strong class=(class) { (label) } }
}

pub fn routes() -> Vec<Route> {
    let routes = vec![
        Route::get(
            "/cases/{reference}/risk/new",
            Permission::AssessRisk,
            assess::new_form,
        ),
        Route::post("/cases/{reference}/risk", Permission::AssessRisk, assess::save),
        Route::get(
            "/cases/{reference}/risk/{id}",
            Permission::ViewCases,
            assess::show,
        ),
    ];
    routes
}
