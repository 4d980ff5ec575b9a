//! The audit trail's anchors and summarised periods. A daily anchor records the chain's
//! head (so deleting the newest rows is detectable); rows older than the retention period
//! are replaced by one summary per month that keeps the chain's link (the period's
//! closing hash), so the chain still verifies from event 1.

use crate::helpers::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_anchors")
                    // One per London day, recorded by the daily job.
                    .col(date("for_day").primary_key())
                    .col(big_integer("last_id"))
                    .col(string_len("hash", 64))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_periods")
                    // Events first_id..=last_id, deleted once summarised.
                    .col(big_integer("first_id").primary_key())
                    .col(big_integer("last_id"))
                    .col(timestamp_with_time_zone("from_at"))
                    .col(timestamp_with_time_zone("to_at"))
                    // The month's label, e.g. 2020-03 (Europe/London).
                    .col(string_len("month", 7))
                    .col(big_integer("events"))
                    // JSON object: action code -> number of events.
                    .col(text("actions"))
                    // The first event's previous hash and the last event's hash: the chain's
                    // link through the period.
                    .col(string_len("prev_hash", 64))
                    .col(string_len("last_hash", 64))
                    // Covers every column above, so an edited summary is detected.
                    .col(string_len("hash", 64))
                    .col(timestamp_with_time_zone("summarised_at"))
                    .to_owned(),
            )
            .await?;
        index(manager, "audit_periods", &["last_id"], true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["audit_periods", "audit_anchors"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
