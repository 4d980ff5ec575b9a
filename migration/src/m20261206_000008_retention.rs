//! Retention and disposal: legal holds placed by managers, the record of each case whose
//! identifying details were destroyed, and the de-identified stand-ins that keep a
//! disposed case's monitoring answers for the statistics.

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
                    .table("case_holds")
                    .col(pk_auto("id"))
                    .col(integer("case_id"))
                    .col(text("reason"))
                    .col(integer("placed_by"))
                    .col(timestamp_with_time_zone("placed_at"))
                    .col(timestamp_with_time_zone_null("lifted_at"))
                    .col(integer_null("lifted_by"))
                    .col(text_null("lift_reason"))
                    .foreign_key(fk("case_holds", "case_id", "cases").on_delete(ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk("case_holds", "placed_by", "users"))
                    .foreign_key(&mut fk("case_holds", "lifted_by", "users"))
                    .to_owned(),
            )
            .await?;
        index(manager, "case_holds", &["case_id", "lifted_at"], false).await?;
        manager
            .create_table(
                Table::create()
                    .table("case_disposals")
                    .col(integer("case_id").primary_key())
                    .col(timestamp_with_time_zone("disposed_at"))
                    .col(integer("disposed_by"))
                    // The retention date the case had passed, for the record.
                    .col(date("retention_ended_on"))
                    .foreign_key(
                        fk("case_disposals", "case_id", "cases").on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut fk("case_disposals", "disposed_by", "users"))
                    .to_owned(),
            )
            .await?;
        // A stand-in is a `people` row with no identity, only the kind and monitoring
        // answers; `original_id` links it to the living record until that is deleted, so a
        // person's later disposed cases share one stand-in (repeat counts stay the same).
        manager
            .create_table(
                Table::create()
                    .table("person_standins")
                    .col(integer("standin_id").primary_key())
                    .col(integer_null("original_id").unique_key())
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        fk("person_standins", "standin_id", "people").on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        fk("person_standins", "original_id", "people").on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["person_standins", "case_disposals", "case_holds"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
