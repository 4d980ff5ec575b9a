//! Integration tests: the real Router, served on a loopback port, on a fresh database per
//! test (a temporary SQLite file, or a fresh PostgreSQL database when
//! HARBOUR_TEST_DATABASE_URL is set), driven over HTTP as a browser would.

mod common;
mod fixtures;
mod serving;

mod access;
mod admin;
mod admin_procedure;
mod audit;
mod audit_anchors;
mod browser;
mod cases_caseload;
mod cases_intake;
mod cases_page;
mod cases_visibility;
mod casework_chronology;
mod casework_enforcement;
mod casework_plans;
mod casework_risk;
mod casework_support;
mod cli;
mod crash;
mod deadlines_case;
mod deadlines_compliance;
mod deadlines_lists;
mod deadlines_reminders;
mod home;
mod hostile;
mod idor;
mod import;
mod instances;
mod login;
mod migrations;
mod monitoring_access;
mod people_correction;
mod people_merge;
mod people_subject_access;
mod reports_equality;
mod reports_facts;
mod retention;
mod round_trips;
mod security;
mod session_store;
mod setup;
