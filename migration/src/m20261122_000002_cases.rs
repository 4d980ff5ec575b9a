//! Cases: reports (incidents), people and their parts in cases, the timeline, closures,
//! restriction, motivation strands, per-year reference numbers and landlord settings.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Indexes for the caseload queries (`cases::caseload`, measured in benches/cases.rs).
/// Each is what a list narrows by, then its sort order (received_at, id), then what the
/// visibility filter reads (restricted; for tenancy officers also logged_by and area_id),
/// so counts and pages are answered from the index without reading the cases themselves.
const CASELOAD_INDEXES: [&[&str]; 9] = [
    // All cases, newest first; received between dates.
    &["received_at", "id", "restricted"],
    // My cases (harassment officers); filtered by case officer.
    &["owner_id", "received_at", "id", "restricted"],
    // My open (or closed) cases.
    &["owner_id", "status", "received_at", "id", "restricted"],
    // The triage queue: open, no owner.
    &["status", "owner_id", "received_at", "id", "restricted"],
    // Open cases in an area.
    &["status", "area_id", "received_at", "id", "restricted"],
    // A tenancy officer's patch; filtered by area.
    &["area_id", "received_at", "id", "restricted", "logged_by"],
    // What a tenancy officer logged.
    &["logged_by", "received_at", "id", "restricted", "area_id"],
    // Sorted by priority.
    &["priority", "received_at", "id", "restricted"],
    // Cases found by a search (ids from person_terms): what the visibility filter and the
    // sort read, without reading each case.
    &["id", "received_at", "restricted", "logged_by", "area_id"],
];

/// The five monitored strands (College of Policing); landlords add local ones as rows.
const MONITORED_STRANDS: [(&str, &str); 5] = [
    ("race", "Race"),
    ("religion", "Religion or belief"),
    ("disability", "Disability"),
    ("sexual-orientation", "Sexual orientation"),
    ("transgender", "Transgender identity"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("settings")
                    .col(string_len("key", 64).primary_key())
                    .col(text("value"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer_null("updated_by"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("strands")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("code", 48))
                    .col(string("label"))
                    .col(boolean("monitored").default(false))
                    .col(boolean("retired").default(false))
                    .col(integer("position"))
                    .to_owned(),
            )
            .await?;
        for (position, (code, label)) in MONITORED_STRANDS.iter().enumerate() {
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table("strands")
                        .columns(["code", "label", "monitored", "retired", "position"])
                        .values_panic([
                            (*code).into(),
                            (*label).into(),
                            true.into(),
                            false.into(),
                            (position as i32 + 1).into(),
                        ])
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("case_sequences")
                    .col(integer("year").primary_key())
                    .col(integer("last_number"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("cases")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("reference", 16))
                    .col(string_len("status", 16))
                    .col(string_len("priority", 8))
                    .col(string_len("suggested_priority", 8))
                    .col(text_null("priority_reason"))
                    .col(boolean("hate_perceived"))
                    .col(string_len_null("perceived_by", 24))
                    .col(integer("area_id"))
                    .col(integer_null("owner_id"))
                    .col(integer("logged_by"))
                    .col(timestamp_with_time_zone("received_at"))
                    .col(timestamp_with_time_zone("opened_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(string_len_null("outcome", 40))
                    .col(boolean("restricted").default(false))
                    .col(text_null("restricted_reason"))
                    .col(integer("version").default(1))
                    .foreign_key(&mut fk("cases", "area_id", "areas"))
                    .foreign_key(&mut fk("cases", "owner_id", "users"))
                    .foreign_key(&mut fk("cases", "logged_by", "users"))
                    .to_owned(),
            )
            .await?;
        for columns in CASELOAD_INDEXES {
            index(manager, "cases", columns).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("case_strands")
                    .col(integer("case_id"))
                    .col(integer("strand_id"))
                    .primary_key(Index::create().col("case_id").col("strand_id"))
                    .foreign_key(fk("case_strands", "case_id", "cases").on_delete(ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk("case_strands", "strand_id", "strands"))
                    .to_owned(),
            )
            .await?;
        index(manager, "case_strands", &["strand_id", "case_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("case_access")
                    .col(integer("case_id"))
                    .col(integer("user_id"))
                    .col(timestamp_with_time_zone("added_at"))
                    .col(integer_null("added_by"))
                    .primary_key(Index::create().col("case_id").col("user_id"))
                    .foreign_key(fk("case_access", "case_id", "cases").on_delete(ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk("case_access", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        index(manager, "case_access", &["user_id", "case_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("incidents")
                    .col(pk_auto("id"))
                    .col(integer("case_id"))
                    .col(timestamp_with_time_zone("received_at"))
                    .col(string_len("received_how", 24))
                    .col(string_len("reporter_type", 24))
                    .col(string_null("reporter_name"))
                    .col(string_len("occurred_kind", 16))
                    .col(timestamp_with_time_zone_null("occurred_at"))
                    .col(string_len("location_kind", 24))
                    .col(text_null("location_address"))
                    .col(string_null("other_type"))
                    .col(text("description"))
                    .col(boolean("police_involved"))
                    .col(string_len_null("crime_reference", 64))
                    .col(integer("logged_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(fk("incidents", "case_id", "cases").on_delete(ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk("incidents", "logged_by", "users"))
                    .to_owned(),
            )
            .await?;
        index(manager, "incidents", &["case_id", "received_at"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("incident_types")
                    .col(integer("incident_id"))
                    .col(string_len("type_code", 32))
                    .primary_key(Index::create().col("incident_id").col("type_code"))
                    .foreign_key(
                        fk("incident_types", "incident_id", "incidents").on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("people")
                    .col(pk_auto("id"))
                    .col(string_len("kind", 16))
                    .col(string_null("name"))
                    .col(string_null("name_key"))
                    .col(text_null("description"))
                    .col(string_null("phone"))
                    .col(string_null("email"))
                    .col(string_len_null("preferred_contact", 16))
                    .col(text_null("address"))
                    .col(string_len_null("postcode", 16))
                    .col(string_len_null("postcode_key", 16))
                    .col(string_len_null("tenancy_ref", 32))
                    .col(string_len_null("tenancy_ref_key", 32))
                    .col(boolean_null("is_tenant"))
                    .col(text_null("household"))
                    .col(string_null("language"))
                    .col(boolean("interpreter").default(false))
                    .col(text_null("vulnerabilities"))
                    .col(string_len("ethnicity", 48))
                    .col(string_len("ethnicity_list", 16))
                    .col(string_len_null("age_band", 24))
                    .col(string_len_null("sex", 24))
                    .col(string_len_null("disability", 24))
                    .col(string_len_null("religion", 24))
                    .col(string_len_null("sexual_orientation", 24))
                    .col(string_len_null("gender_reassignment", 24))
                    .col(string_len_null("marriage", 24))
                    .col(string_len_null("pregnancy", 24))
                    .col(integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1))
                    .foreign_key(&mut fk("people", "created_by", "users"))
                    .to_owned(),
            )
            .await?;
        index(manager, "people", &["tenancy_ref_key"]).await?;
        index(manager, "people", &["name_key", "postcode_key"]).await?;

        // Words of each person's name, address, postcode and tenancy reference: caseload
        // search is an indexed prefix range over these, never a LIKE '%…%' scan.
        manager
            .create_table(
                Table::create()
                    .table("person_terms")
                    .col(string_len("term", 64))
                    .col(integer("person_id"))
                    .primary_key(Index::create().col("term").col("person_id"))
                    .foreign_key(
                        fk("person_terms", "person_id", "people").on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // By person, with the term: re-indexing a person's terms, and checking a further
        // search word against the people of a candidate case from the index alone.
        index(manager, "person_terms", &["person_id", "term"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("case_parties")
                    .col(pk_auto("id"))
                    .col(integer("case_id"))
                    .col(integer("person_id"))
                    .col(string_len("role", 24))
                    .col(integer_null("incident_id"))
                    .col(timestamp_with_time_zone("added_at"))
                    .col(integer("added_by"))
                    .foreign_key(fk("case_parties", "case_id", "cases").on_delete(ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk("case_parties", "person_id", "people"))
                    .foreign_key(&mut fk("case_parties", "incident_id", "incidents"))
                    .foreign_key(&mut fk("case_parties", "added_by", "users"))
                    .to_owned(),
            )
            .await?;
        unique_index(manager, "case_parties", &["case_id", "person_id", "role"]).await?;
        index(manager, "case_parties", &["person_id", "case_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("timeline_entries")
                    .col(pk_auto("id"))
                    .col(integer("case_id"))
                    .col(string_len("kind", 32))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(text("body"))
                    .col(integer_null("person_id"))
                    .col(integer_null("author_id"))
                    .col(string("author_name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        fk("timeline_entries", "case_id", "cases").on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut fk("timeline_entries", "person_id", "people"))
                    .to_owned(),
            )
            .await?;
        index(manager, "timeline_entries", &["case_id", "occurred_at"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("case_closures")
                    .col(pk_auto("id"))
                    .col(integer("case_id"))
                    .col(timestamp_with_time_zone("closed_at"))
                    .col(integer("closed_by"))
                    .col(string_len("outcome", 40))
                    .col(text("reason"))
                    .col(date("victim_told_on"))
                    .col(timestamp_with_time_zone_null("reopened_at"))
                    .col(integer_null("reopened_by"))
                    .col(text_null("reopen_reason"))
                    .foreign_key(fk("case_closures", "case_id", "cases").on_delete(ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk("case_closures", "closed_by", "users"))
                    .foreign_key(&mut fk("case_closures", "reopened_by", "users"))
                    .to_owned(),
            )
            .await?;
        index(manager, "case_closures", &["case_id"]).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "case_closures",
            "timeline_entries",
            "case_parties",
            "person_terms",
            "people",
            "incident_types",
            "incidents",
            "case_access",
            "case_strands",
            "cases",
            "case_sequences",
            "strands",
            "settings",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

fn fk(from: &'static str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{column}"))
        .from(from, column)
        .to(to, "id")
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement
        .name(format!("idx_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        statement.col(*column);
    }
    manager.create_index(statement).await
}

async fn unique_index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement
        .name(format!("uq_{table}_{}", columns.join("_")))
        .table(table)
        .unique();
    for column in columns {
        statement.col(*column);
    }
    manager.create_index(statement).await
}
