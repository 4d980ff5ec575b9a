//! First-week fixes to what is recorded about people and reports: whether the police are
//! involved may be "not known" (an unanswered question is never stored as "no"), possible
//! duplicate people found across areas wait for a manager, and merged people keep a
//! record of what each held before.

use crate::helpers::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Reports logged on the form so far were answered yes or no: they stay known.
        let mut known = ColumnDef::new("police_known")
            .boolean()
            .not_null()
            .default(true)
            .to_owned();
        manager
            .alter_table(
                Table::alter()
                    .table("incidents")
                    .add_column(&mut known)
                    .to_owned(),
            )
            .await?;
        // Imports had no police column and stored "no": those reports were never asked.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE incidents SET police_known = FALSE WHERE police_involved = FALSE \
                 AND case_id IN (SELECT id FROM cases WHERE import_id IS NOT NULL) \
                 AND created_at = (SELECT opened_at FROM cases WHERE cases.id = incidents.case_id)",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("person_duplicates")
                    .col(pk_auto("id"))
                    // The person just recorded, and the earlier one with the same name and
                    // postcode on a case its officer could not see.
                    .col(integer("person_id"))
                    .col(integer("other_id"))
                    .col(integer("case_id"))
                    .col(timestamp_with_time_zone("found_at"))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .col(integer_null("resolved_by"))
                    // "merged" or "different".
                    .col(string_len_null("resolution", 16))
                    .foreign_key(
                        fk("person_duplicates", "person_id", "people").on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        fk("person_duplicates", "other_id", "people").on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        fk("person_duplicates", "case_id", "cases").on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut fk("person_duplicates", "resolved_by", "users"))
                    .to_owned(),
            )
            .await?;
        index(manager, "person_duplicates", &["resolved_at", "found_at"], false).await?;
        manager
            .create_table(
                Table::create()
                    .table("person_merges")
                    .col(pk_auto("id"))
                    .col(integer("kept_id"))
                    // The merged record is gone; its id stays for the audit trail.
                    .col(integer("merged_id"))
                    .col(integer("merged_by"))
                    .col(timestamp_with_time_zone("merged_at"))
                    // JSON: both records as they were, and which case parts moved.
                    .col(text("record"))
                    // No cascade: a merge record outlives later merges of its kept record
                    // (they move it on to the newly kept one).
                    .foreign_key(&mut fk("person_merges", "kept_id", "people"))
                    .foreign_key(&mut fk("person_merges", "merged_by", "users"))
                    .to_owned(),
            )
            .await?;
        index(manager, "person_merges", &["kept_id"], false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["person_merges", "person_duplicates"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("incidents")
                    .drop_column("police_known")
                    .to_owned(),
            )
            .await
    }
}
