//! Equality and regulator reporting: the victim's satisfaction at the post-closure check,
//! NM01's homes owned (and cases logged elsewhere) per reporting year, and indexes for the
//! report aggregates. The report settings themselves are rows in `settings`.

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
                    .table("satisfaction_checks")
                    .col(pk_auto("id"))
                    .col(integer("case_id"))
                    // The closure this check followed (a reopened case may have several).
                    .col(integer_null("closure_id"))
                    .col(date("checked_on"))
                    // Codes in `reports::satisfaction`: very-satisfied … very-dissatisfied,
                    // declined, no-contact.
                    .col(string_len("handling", 24))
                    .col(string_len("outcome", 24))
                    .col(text_null("notes"))
                    .col(integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("satisfaction_checks", "case_id", "cases"))
                    .foreign_key(&mut fk("satisfaction_checks", "closure_id", "case_closures"))
                    .foreign_key(&mut fk("satisfaction_checks", "created_by", "users"))
                    .to_owned(),
            )
            .await?;
        index(manager, "satisfaction_checks", &["case_id", "checked_on"], false).await?;
        manager
            .create_table(
                Table::create()
                    .table("nm01_years")
                    // The financial year by the calendar year it starts in (2026 = 2026/27).
                    .col(integer("year").primary_key())
                    .col(integer("homes_rental"))
                    .col(integer("homes_ownership"))
                    .col(integer("other_asb_cases"))
                    .col(text("methodology"))
                    .col(integer("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("nm01_years", "updated_by", "users"))
                    .to_owned(),
            )
            .await?;
        // Cases by when they were closed (report periods; received_at is indexed already).
        index(manager, "cases", &["closed_at"], false).await?;
        // Victims and perpetrators of a case, by role.
        index(manager, "case_parties", &["role", "case_id", "person_id"], false).await?;
        index(
            manager,
            "timeline_entries",
            &["case_id", "kind", "occurred_at"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in [
            ("cases", "idx_cases_closed_at"),
            ("case_parties", "idx_case_parties_role_case_id_person_id"),
            (
                "timeline_entries",
                "idx_timeline_entries_case_id_kind_occurred_at",
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for table in ["nm01_years", "satisfaction_checks"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
