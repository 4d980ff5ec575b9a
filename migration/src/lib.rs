//! Schema migrations. One file per migration, named by date and purpose; a landed
//! migration is never edited: change the schema with a new one.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261122_000001_platform;
mod m20261122_000002_cases;
mod m20261123_000003_deadlines;
mod m20261123_000004_casework;
mod m20261206_000005_reporting;
mod m20261206_000006_import;
mod m20261206_000007_people;
mod m20261206_000008_retention;
mod m20261206_000009_person_history;
mod m20261206_000010_audit_anchors;
mod m20261206_000011_deadline_lookups;
mod m20261207_000012_report_facts;
mod m20261207_000013_data_changes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_platform::Migration),
            Box::new(m20261122_000002_cases::Migration),
            Box::new(m20261123_000003_deadlines::Migration),
            Box::new(m20261123_000004_casework::Migration),
            Box::new(m20261206_000005_reporting::Migration),
            Box::new(m20261206_000006_import::Migration),
            Box::new(m20261206_000007_people::Migration),
            Box::new(m20261206_000008_retention::Migration),
            Box::new(m20261206_000009_person_history::Migration),
            Box::new(m20261206_000010_audit_anchors::Migration),
            Box::new(m20261206_000011_deadline_lookups::Migration),
            Box::new(m20261207_000012_report_facts::Migration),
            Box::new(m20261207_000013_data_changes::Migration),
        ]
    }
}
