//! An index for "the open deadlines of these cases, due before …": the home page's counts,
//! a caseload's next deadlines and a case's panel. Without it each case's deadlines are
//! found through the (case, stage, occurrence) key and every stage read and thrown away,
//! 11 ms on PostgreSQL for an officer answering for 660 cases; 2 ms with it.

use crate::helpers::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(manager, "deadlines", &["case_id", "status", "due_at"], false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_deadlines_case_id_status_due_at")
                    .table("deadlines")
                    .to_owned(),
            )
            .await
    }
}
