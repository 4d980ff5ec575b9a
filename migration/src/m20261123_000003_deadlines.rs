//! Deadlines: procedure versions and their timescales, deadlines on cases, the landlord's
//! closure days, in-app reminder notices, and the lease that lets one instance run jobs.

use crate::helpers::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Version 1 of the procedure: DOMAIN.md's defaults (stage, priority, unit, amount).
/// Later versions are made by administrators at /admin/procedure, never by migrations.
const DEFAULT_TIMESCALES: [(&str, &str, &str, i32); 22] = [
    ("initial-contact", "p1", "hours", 24),
    ("initial-contact", "p2", "working-days", 1),
    ("graffiti-removal", "p1", "hours", 24),
    ("graffiti-removal", "p2", "working-days", 1),
    ("risk-assessment", "p1", "working-days", 1),
    ("risk-assessment", "p2", "working-days", 3),
    ("victim-interview", "p1", "working-days", 3),
    ("victim-interview", "p2", "working-days", 5),
    ("action-plan", "p1", "working-days", 5),
    ("action-plan", "p2", "working-days", 10),
    ("witnesses-contacted", "p1", "working-days", 5),
    ("witnesses-contacted", "p2", "working-days", 10),
    ("perpetrator-interviewed", "p1", "working-days", 10),
    ("perpetrator-interviewed", "p2", "working-days", 15),
    ("victim-update", "p1", "calendar-days", 7),
    ("victim-update", "p2", "working-days", 10),
    ("manager-review", "p1", "calendar-days", 28),
    ("manager-review", "p2", "calendar-days", 56),
    ("closure-letter", "p1", "working-days", 5),
    ("closure-letter", "p2", "working-days", 5),
    ("post-closure-check", "p1", "working-days", 20),
    ("post-closure-check", "p2", "working-days", 20),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("procedure_versions")
                    .col(pk_auto("id"))
                    .col(integer_uniq("number"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(integer_null("created_by"))
                    .col(text("note"))
                    .foreign_key(&mut fk("procedure_versions", "created_by", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("procedure_timescales")
                    .col(pk_auto("id"))
                    .col(integer("version_id"))
                    .col(string_len("stage", 32))
                    .col(string_len("priority", 8))
                    .col(string_len("unit", 16))
                    .col(integer("amount"))
                    .foreign_key(&mut fk(
                        "procedure_timescales",
                        "version_id",
                        "procedure_versions",
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "procedure_timescales",
            &["version_id", "stage", "priority"],
            true,
        )
        .await?;

        // Seed version 1. created_at is the migration's own time: nothing was recorded before.
        let now = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .expect("zero nanoseconds is valid");
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("procedure_versions")
                    .columns(["id", "number", "created_at", "note"])
                    .values_panic([1.into(), 1.into(), now.into(), "Harbour's defaults".into()])
                    .to_owned(),
            )
            .await?;
        for (stage, priority, unit, amount) in DEFAULT_TIMESCALES {
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table("procedure_timescales")
                        .columns(["version_id", "stage", "priority", "unit", "amount"])
                        .values_panic([
                            1.into(),
                            stage.into(),
                            priority.into(),
                            unit.into(),
                            amount.into(),
                        ])
                        .to_owned(),
                )
                .await?;
        }
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            // The explicit id 1 above did not move the sequence on.
            manager
                .get_connection()
                .execute_unprepared("SELECT setval(pg_get_serial_sequence('procedure_versions', 'id'), 1)")
                .await?;
        }

        // Cases keep the procedure version they were opened under, and may carry a contact
        // frequency agreed with the victim. SQLite adds one column per statement.
        for column in [
            integer("procedure_version_id").default(1).to_owned(),
            string_len_null("contact_every_unit", 16).to_owned(),
            integer_null("contact_every_amount").to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(Table::alter().table("cases").add_column(&mut column).to_owned())
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("deadlines")
                    .col(pk_auto("id"))
                    .col(integer("case_id"))
                    .col(string_len("stage", 32))
                    // 1 for one-off stages; recurring stages and repeated closures count up.
                    .col(integer("occurrence"))
                    .col(integer("procedure_version_id"))
                    .col(string_len("priority", 8))
                    .col(string_len("unit", 16))
                    .col(integer("amount"))
                    .col(timestamp_with_time_zone("anchored_at"))
                    // As first planned (or re-planned for a new priority); reports count
                    // against it even when the deadline is extended.
                    .col(timestamp_with_time_zone("original_due_at"))
                    .col(timestamp_with_time_zone("due_at"))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone_null("done_at"))
                    .col(integer_null("late_working_days"))
                    .col(integer_null("resolved_by"))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .col(text_null("resolution_note"))
                    .col(timestamp_with_time_zone_null("extended_at"))
                    .col(integer_null("extended_by"))
                    .col(text_null("extension_reason"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(integer("version").default(1))
                    .foreign_key(fk("deadlines", "case_id", "cases").on_delete(ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk("deadlines", "procedure_version_id", "procedure_versions"))
                    .foreign_key(&mut fk("deadlines", "resolved_by", "users"))
                    .foreign_key(&mut fk("deadlines", "extended_by", "users"))
                    .to_owned(),
            )
            .await?;
        index(manager, "deadlines", &["case_id", "stage", "occurrence"], true).await?;
        // Due lists and reminders: open deadlines by due time.
        index(manager, "deadlines", &["status", "due_at", "case_id"], false).await?;
        // Compliance: deadlines whose original due date falls in a period.
        index(
            manager,
            "deadlines",
            &["original_due_at", "stage", "case_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("closure_days")
                    .col(pk_auto("id"))
                    .col(date_uniq("day"))
                    .col(string_len("label", 120))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(integer("created_by"))
                    .foreign_key(&mut fk("closure_days", "created_by", "users"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("notices")
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    .col(integer("deadline_id"))
                    // "due-soon" or "overdue"
                    .col(string_len("kind", 16))
                    .col(date("for_day"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("read_at"))
                    .foreign_key(&mut fk("notices", "user_id", "users"))
                    .foreign_key(
                        fk("notices", "deadline_id", "deadlines").on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "notices",
            &["user_id", "deadline_id", "kind", "for_day"],
            true,
        )
        .await?;
        index(manager, "notices", &["user_id", "for_day"], false).await?;

        // Background jobs: whoever holds an unexpired lease runs the job; each day's run is
        // recorded so a restart or a second instance does not repeat it.
        manager
            .create_table(
                Table::create()
                    .table("job_leases")
                    .col(string_len("name", 48).primary_key())
                    .col(string_len("holder", 64))
                    .col(timestamp_with_time_zone("expires_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("job_runs")
                    .col(string_len("name", 48))
                    .col(date("for_day"))
                    .col(string_len("holder", 64))
                    .col(timestamp_with_time_zone("ran_at"))
                    .col(integer("notices"))
                    .col(integer("emails"))
                    .primary_key(Index::create().col("name").col("for_day"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "job_runs",
            "job_leases",
            "notices",
            "closure_days",
            "deadlines",
            "procedure_timescales",
            "procedure_versions",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in [
            "contact_every_amount",
            "contact_every_unit",
            "procedure_version_id",
        ] {
            manager
                .alter_table(Table::alter().table("cases").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
