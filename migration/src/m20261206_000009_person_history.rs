//! Rectification keeps what it corrects: one row per corrected detail of a person, with
//! the value before and after, who corrected it, when and why (UK GDPR art. 16, and the
//! audit principle that nothing typed is lost).

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
                    .table("person_changes")
                    .col(pk_auto("id"))
                    // Goes with the person: disposing of someone disposes of what they were.
                    .col(integer("person_id"))
                    // The case the correction was made from (kept when that case goes).
                    .col(integer_null("case_id"))
                    // A `people` column name (`address`, `ethnicity`, …).
                    .col(string_len("field", 64))
                    // As people read them; NULL when blank.
                    .col(text_null("old_value"))
                    .col(text_null("new_value"))
                    .col(text("reason"))
                    .col(integer("changed_by"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .foreign_key(
                        fk("person_changes", "person_id", "people").on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        fk("person_changes", "case_id", "cases").on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(&mut fk("person_changes", "changed_by", "users"))
                    .to_owned(),
            )
            .await?;
        index(manager, "person_changes", &["person_id", "changed_at"], false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("person_changes").to_owned())
            .await
    }
}
