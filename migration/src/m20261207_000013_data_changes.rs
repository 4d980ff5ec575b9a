//! The number of the newest audit event that records a change (not a view, an export, a
//! search or a sign-in): what figures kept in memory are checked against. The newest event
//! of all moved with every case viewed and every sign-in, so the manager's home page
//! recounted the quarter after each.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("data_changes")
                    // One row, id 1.
                    .col(integer("id").primary_key())
                    .col(big_integer("last_event_id"))
                    .to_owned(),
            )
            .await?;
        // Until the next change, every event so far counts as one.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO data_changes (id, last_event_id) \
                 SELECT 1, COALESCE(MAX(id), 0) FROM audit_events",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("data_changes").to_owned())
            .await
    }
}
