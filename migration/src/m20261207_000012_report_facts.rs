//! The equality reports' per-case facts: one row per case with what the reports count (its
//! victims' ethnicities, strands and incident types, first contact, the initial-contact
//! deadline, first risk level, support and referrals, the latest satisfaction check), so a
//! report reads one narrow table instead of looking each case's facts up in eight (7–8 s a
//! financial year at a million cases).
//!
//! Triggers mark a case stale whenever anything its facts come from changes, on every write
//! path (forms, import, demo, retention, merges) without any of them knowing; a report first
//! recomputes the stale cases (`reports::equality::facts`). Every existing case starts stale.

use crate::helpers::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose rows name their case in `case_id`, and the condition (on `NEW`/`OLD`) under
/// which a row matters to the facts; `None` for every row.
const CASE_ROWS: [(&str, Option<&str>); 10] = [
    ("case_parties", None),
    ("case_strands", None),
    ("incidents", None),
    ("timeline_entries", None),
    // Only the first initial-contact deadline is a fact; the other stages change often.
    (
        "deadlines",
        Some("{row}.stage = 'initial-contact' AND {row}.occurrence = 1"),
    ),
    ("risk_assessments", None),
    ("support_measures", None),
    ("referrals", None),
    ("satisfaction_checks", None),
    ("case_closures", None),
];

/// The case columns the facts copy (an `UPDATE OF` any of them marks the case).
const CASE_COLUMNS: &str =
    "received_at, status, closed_at, outcome, area_id, priority, hate_perceived, logged_by";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("report_facts")
                    // The case's id (not generated: one row per case).
                    .col(integer("id").primary_key())
                    // Copied from the case, for the period and the report's filters.
                    .col(timestamp_with_time_zone("received_at"))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(string_len_null("outcome", 40))
                    .col(integer("area_id"))
                    .col(string_len("priority", 8))
                    .col(boolean("hate_perceived"))
                    .col(integer("logged_by"))
                    // The distinct ethnicity codes of its victims, sorted, joined by "|";
                    // NULL when no victim is recorded.
                    .col(text_null("victims"))
                    // Likewise its motivation strands' codes, and its reports' incident types.
                    .col(text_null("strands"))
                    .col(text_null("types"))
                    // Whole minutes from receipt to the earliest contact with a victim that
                    // counts as first contact, and to the (latest) closure while closed.
                    .col(big_integer_null("first_contact_minutes"))
                    .col(big_integer_null("close_minutes"))
                    // The first initial-contact deadline: its status, whether it was done
                    // on time (1/0), and when it was first due (an open one is late once
                    // that has passed).
                    .col(string_len_null("ic_status", 16))
                    .col(integer("ic_met"))
                    .col(timestamp_with_time_zone_null("ic_due_at"))
                    .col(string_len_null("first_risk", 16))
                    .col(integer("provided"))
                    .col(integer("referred"))
                    // The latest satisfaction check of its latest closure.
                    .col(string_len_null("sat_handling", 32))
                    .col(string_len_null("sat_outcome", 32))
                    .to_owned(),
            )
            .await?;
        index(manager, "report_facts", &["received_at"], false).await?;
        index(manager, "report_facts", &["closed_at"], false).await?;
        // Reports received in a period (the volume tables) found by date, not by reading
        // every report.
        index(manager, "incidents", &["received_at"], false).await?;
        manager
            .create_table(
                Table::create()
                    .table("report_facts_stale")
                    .col(integer("case_id").primary_key())
                    // PostgreSQL: a new number at every marking, so a recomputation clears
                    // only the markings it has seen (`reports::equality::facts`).
                    .col(big_integer("seq"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => postgres_triggers(),
            _ => sqlite_triggers(),
        };
        for statement in statements {
            db.execute_unprepared(&statement).await?;
        }
        db.execute_unprepared("INSERT INTO report_facts_stale (case_id, seq) SELECT id, 0 FROM cases")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        let mut triggers: Vec<(String, &str)> = CASE_ROWS
            .iter()
            .chain(&[("incident_types", None)])
            .flat_map(|(table, _)| {
                ["insert", "update", "delete"].map(|op| (format!("rf_{table}_{op}"), *table))
            })
            .collect();
        for op in ["insert", "update", "delete"] {
            triggers.push((format!("rf_cases_{op}"), "cases"));
        }
        triggers.push(("rf_people_update".to_owned(), "people"));
        for (name, table) in triggers {
            let on = if postgres {
                format!(" ON {table}")
            } else {
                String::new()
            };
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}{on}"))
                .await?;
        }
        if postgres {
            for f in [
                "rf_mark_case_rows",
                "rf_mark_cases",
                "rf_mark_people",
                "rf_mark_incident_types",
            ] {
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {f}()"))
                    .await?;
            }
            db.execute_unprepared("DROP SEQUENCE IF EXISTS report_facts_seq")
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_incidents_received_at")
                    .table("incidents")
                    .to_owned(),
            )
            .await?;
        for table in ["report_facts_stale", "report_facts"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

fn when(condition: Option<&str>, row: &str) -> String {
    condition.map_or(String::new(), |c| format!(" WHEN {}", c.replace("{row}", row)))
}

fn sqlite_triggers() -> Vec<String> {
    let mark =
        |id: &str| format!("INSERT OR IGNORE INTO report_facts_stale (case_id, seq) VALUES ({id}, 0);");
    let mut out = vec![];
    for (table, condition) in CASE_ROWS {
        out.push(format!(
            "CREATE TRIGGER rf_{table}_insert AFTER INSERT ON {table}{} BEGIN {} END",
            when(condition, "NEW"),
            mark("NEW.case_id")
        ));
        let both = condition.map(|c| {
            format!(
                "({}) OR ({})",
                c.replace("{row}", "OLD"),
                c.replace("{row}", "NEW")
            )
        });
        out.push(format!(
            "CREATE TRIGGER rf_{table}_update AFTER UPDATE ON {table}{} BEGIN {} {} END",
            when(both.as_deref(), ""),
            mark("OLD.case_id"),
            mark("NEW.case_id")
        ));
        out.push(format!(
            "CREATE TRIGGER rf_{table}_delete AFTER DELETE ON {table}{} BEGIN {} END",
            when(condition, "OLD"),
            mark("OLD.case_id")
        ));
    }
    out.push(format!(
        "CREATE TRIGGER rf_cases_insert AFTER INSERT ON cases BEGIN {} END",
        mark("NEW.id")
    ));
    out.push(format!(
        "CREATE TRIGGER rf_cases_update AFTER UPDATE OF {CASE_COLUMNS} ON cases BEGIN {} END",
        mark("NEW.id")
    ));
    out.push(format!(
        "CREATE TRIGGER rf_cases_delete AFTER DELETE ON cases BEGIN {} END",
        mark("OLD.id")
    ));
    out.push(
        "CREATE TRIGGER rf_people_update AFTER UPDATE OF ethnicity ON people BEGIN \
         INSERT OR IGNORE INTO report_facts_stale (case_id, seq) \
         SELECT case_id, 0 FROM case_parties WHERE person_id = NEW.id; END"
            .to_owned(),
    );
    // An incident type names its report, which names the case.
    let mark_report = |row: &str| {
        format!(
            "INSERT OR IGNORE INTO report_facts_stale (case_id, seq) \
             SELECT case_id, 0 FROM incidents WHERE id = {row}.incident_id;"
        )
    };
    for (op, body) in [
        ("insert", mark_report("NEW")),
        ("update", mark_report("OLD") + &mark_report("NEW")),
        ("delete", mark_report("OLD")),
    ] {
        out.push(format!(
            "CREATE TRIGGER rf_incident_types_{op} AFTER {} ON incident_types BEGIN {body} END",
            op.to_uppercase()
        ));
    }
    out
}

fn postgres_triggers() -> Vec<String> {
    let upsert = |select: &str| {
        format!(
            "INSERT INTO report_facts_stale (case_id, seq) {select} \
             ON CONFLICT (case_id) DO UPDATE SET seq = EXCLUDED.seq;"
        )
    };
    let function = |name: &str, body: &str| {
        format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
        )
    };
    let both = |column: &str| {
        format!(
            "IF TG_OP <> 'INSERT' THEN {} END IF; IF TG_OP <> 'DELETE' THEN {} END IF;",
            upsert(&format!("VALUES (OLD.{column}, nextval('report_facts_seq'))")),
            upsert(&format!("VALUES (NEW.{column}, nextval('report_facts_seq'))")),
        )
    };
    let mut out = vec![
        "CREATE SEQUENCE report_facts_seq".to_owned(),
        function("rf_mark_case_rows", &both("case_id")),
        function("rf_mark_cases", &both("id")),
        function(
            "rf_mark_people",
            &upsert(
                "SELECT case_id, nextval('report_facts_seq') FROM \
                 (SELECT DISTINCT case_id FROM case_parties WHERE person_id = NEW.id ORDER BY case_id) p",
            ),
        ),
        // An incident type names its report, which names the case.
        function(
            "rf_mark_incident_types",
            &format!(
                "IF TG_OP <> 'INSERT' THEN {} END IF; IF TG_OP <> 'DELETE' THEN {} END IF;",
                upsert(
                    "SELECT case_id, nextval('report_facts_seq') FROM incidents WHERE id = OLD.incident_id"
                ),
                upsert(
                    "SELECT case_id, nextval('report_facts_seq') FROM incidents WHERE id = NEW.incident_id"
                ),
            ),
        ),
    ];
    let trigger = |name: &str, event: &str, table: &str, when: &str, function: &str| {
        format!(
            "CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} EXECUTE FUNCTION {function}()"
        )
    };
    for (table, condition) in CASE_ROWS {
        let both = condition.map(|c| {
            format!(
                "({}) OR ({})",
                c.replace("{row}", "OLD"),
                c.replace("{row}", "NEW")
            )
        });
        let paren = |c: String| {
            if c.is_empty() {
                c
            } else {
                c.replace(" WHEN ", " WHEN (") + ")"
            }
        };
        out.push(trigger(
            &format!("rf_{table}_insert"),
            "INSERT",
            table,
            &paren(when(condition, "NEW")),
            "rf_mark_case_rows",
        ));
        out.push(trigger(
            &format!("rf_{table}_update"),
            "UPDATE",
            table,
            &paren(when(both.as_deref(), "")),
            "rf_mark_case_rows",
        ));
        out.push(trigger(
            &format!("rf_{table}_delete"),
            "DELETE",
            table,
            &paren(when(condition, "OLD")),
            "rf_mark_case_rows",
        ));
    }
    out.push(trigger("rf_cases_insert", "INSERT", "cases", "", "rf_mark_cases"));
    out.push(trigger(
        "rf_cases_update",
        &format!("UPDATE OF {CASE_COLUMNS}"),
        "cases",
        "",
        "rf_mark_cases",
    ));
    out.push(trigger("rf_cases_delete", "DELETE", "cases", "", "rf_mark_cases"));
    out.push(trigger(
        "rf_people_update",
        "UPDATE OF ethnicity",
        "people",
        "",
        "rf_mark_people",
    ));
    for op in ["insert", "update", "delete"] {
        out.push(trigger(
            &format!("rf_incident_types_{op}"),
            &op.to_uppercase(),
            "incident_types",
            "",
            "rf_mark_incident_types",
        ));
    }
    out
}
