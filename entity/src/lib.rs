//! sea-orm entities, one module per table. Written by hand to match `migration/`:
//! ids are `i32` on both databases and every instant is UTC (`OffsetDateTime`).
//! Enumerations are stored as stable string codes, never as positions.

pub mod action_plans;
pub mod agencies;
pub mod areas;
pub mod audit_anchors;
pub mod audit_events;
pub mod audit_periods;
pub mod case_access;
pub mod case_closures;
pub mod case_disposals;
pub mod case_holds;
pub mod case_parties;
pub mod case_sequences;
pub mod case_strands;
pub mod cases;
pub mod closure_days;
pub mod deadlines;
pub mod imports;
pub mod incident_types;
pub mod incidents;
pub mod job_leases;
pub mod job_runs;
pub mod legal_dates;
pub mod nm01_years;
pub mod notices;
pub mod people;
pub mod perpetrator_action_events;
pub mod perpetrator_actions;
pub mod person_changes;
pub mod person_duplicates;
pub mod person_merges;
pub mod person_standins;
pub mod person_terms;
pub mod plan_actions;
pub mod procedure_timescales;
pub mod procedure_versions;
pub mod rate_limits;
pub mod referrals;
pub mod risk_answer_options;
pub mod risk_answers;
pub mod risk_assessments;
pub mod risk_question_sets;
pub mod risk_questions;
pub mod satisfaction_checks;
pub mod sessions;
pub mod settings;
pub mod setup_tokens;
pub mod strands;
pub mod support_catalogue;
pub mod support_measures;
pub mod timeline_entries;
pub mod user_areas;
pub mod users;

pub use users::Role;
