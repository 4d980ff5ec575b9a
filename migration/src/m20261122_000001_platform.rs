//! The platform: staff accounts, areas, sessions, first-run setup, rate limits, audit trail.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("areas")
                    .col(pk_auto("id"))
                    .col(string("name"))
                    .col(string_uniq("name_key"))
                    .col(boolean("retired").default(false))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_auto("id"))
                    .col(string("username"))
                    .col(string_uniq("username_key"))
                    .col(string("display_name"))
                    .col(string_null("email"))
                    .col(string_len("role", 24))
                    .col(boolean("active").default(true))
                    .col(string("password_hash"))
                    .col(boolean("must_change_password").default(false))
                    .col(integer("failed_logins").default(0))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(timestamp_with_time_zone_null("last_login_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("user_areas")
                    .col(integer("user_id"))
                    .col(integer("area_id"))
                    .primary_key(Index::create().col("user_id").col("area_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_areas_user")
                            .from("user_areas", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_areas_area")
                            .from("user_areas", "area_id")
                            .to("areas", "id"),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(string_len("id", 64).primary_key())
                    .col(integer_null("user_id"))
                    .col(text("data"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_user")
                            .from("sessions", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "sessions", "expires_at").await?;
        index(manager, "sessions", "user_id").await?;

        manager
            .create_table(
                Table::create()
                    .table("setup_tokens")
                    .col(string_len("token_hash", 64).primary_key())
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("rate_limits")
                    .col(string("bucket").primary_key())
                    .col(timestamp_with_time_zone("window_start"))
                    .col(integer("hits"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .col(big_integer("id").primary_key())
                    .col(timestamp_with_time_zone("at"))
                    .col(integer_null("actor_id"))
                    .col(string("actor_name"))
                    .col(string_len("action", 64))
                    .col(string_len_null("target_type", 32))
                    .col(string_len_null("target_id", 64))
                    .col(text("summary"))
                    .col(string_len_null("client_addr", 64))
                    .col(string_len_null("request_id", 64))
                    .col(string_len("prev_hash", 64))
                    .col(string_len("hash", 64))
                    .to_owned(),
            )
            .await?;
        index(manager, "audit_events", "at").await?;
        index(manager, "audit_events", "actor_id").await?;
        index(manager, "audit_events", "action").await?;
        index(manager, "audit_events", "target_type").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_events",
            "rate_limits",
            "setup_tokens",
            "sessions",
            "user_areas",
            "users",
            "areas",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

async fn index(manager: &SchemaManager<'_>, table: &'static str, column: &'static str) -> Result<(), DbErr> {
    manager
        .create_index(
            Index::create()
                .name(format!("idx_{table}_{column}"))
                .table(table)
                .col(column)
                .to_owned(),
        )
        .await
}
