//! Importing a landlord's history: each uploaded file (kept until it is committed or
//! replaced, so the preview and the commit read the same bytes), and on each case the
//! landlord's own reference and the import that brought it in.

use crate::helpers::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("imports")
                    .col(pk_auto("id"))
                    .col(string_len("file_name", 255))
                    .col(string_len_null("sheet", 100))
                    // Emptied once committed: the cases hold what it said.
                    .col(blob("content"))
                    .col(integer("uploaded_by"))
                    .col(timestamp_with_time_zone("uploaded_at"))
                    .col(timestamp_with_time_zone_null("committed_at"))
                    .col(integer_null("cases_created"))
                    .foreign_key(&mut fk("imports", "uploaded_by", "users"))
                    .to_owned(),
            )
            .await?;
        for mut column in [
            ColumnDef::new("external_ref").string_len(64).null().to_owned(),
            ColumnDef::new("import_id").integer().null().to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table("cases").add_column(&mut column).to_owned())
                .await?;
        }
        // Re-importing a file finds its cases by the landlord's reference.
        index(manager, "cases", &["external_ref"], true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("uq_cases_external_ref")
                    .table("cases")
                    .to_owned(),
            )
            .await?;
        for column in ["import_id", "external_ref"] {
            manager
                .alter_table(Table::alter().table("cases").drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table("imports").to_owned())
            .await
    }
}
