//! Small builders shared by migrations from `m20261123_000003_deadlines` on (earlier,
//! landed migrations keep their own copies: a landed migration is never edited).

use sea_orm_migration::prelude::*;

pub fn fk(from: &'static str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{column}"))
        .from(from, column)
        .to(to, "id")
        .to_owned()
}

/// An index named after its table and columns; `unique` for constraints.
pub async fn index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    let prefix = if unique { "uq" } else { "idx" };
    statement
        .name(format!("{prefix}_{table}_{}", columns.join("_")))
        .table(table);
    if unique {
        statement.unique();
    }
    for column in columns {
        statement.col(*column);
    }
    manager.create_index(statement).await
}
