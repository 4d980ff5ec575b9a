//! Case references: `HC-YYYY-NNNNNN`, numbered from 1 in each (London) calendar year.

use entity::case_sequences;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, sea_query::Expr,
};

/// Takes the next reference for `year`. Serialised per database (advisory lock on
/// PostgreSQL, the single writer on SQLite), so concurrent submissions get consecutive
/// numbers; the unique index on `cases.reference` backs this up.
pub async fn next(txn: &DatabaseTransaction, year: i32) -> Result<String, DbErr> {
    crate::db::lock_for_transaction(txn, crate::db::Lock::CaseReferences).await?;
    let number = match case_sequences::Entity::find_by_id(year).one(txn).await? {
        Some(row) => {
            let next = row.last_number + 1;
            case_sequences::Entity::update_many()
                .col_expr(case_sequences::Column::LastNumber, Expr::value(next))
                .filter(case_sequences::Column::Year.eq(year))
                .exec(txn)
                .await?;
            next
        }
        None => {
            case_sequences::Entity::insert(case_sequences::ActiveModel {
                year: Set(year),
                last_number: Set(1),
            })
            .exec_without_returning(txn)
            .await?;
            1
        }
    };
    Ok(format(year, number))
}

pub fn format(year: i32, number: i32) -> String {
    format!("HC-{year:04}-{number:06}")
}

/// The case reference `text` means, for search: `HC-2026-000123` in any case, and as
/// people type it — without the zeros (`HC-2026-123`), without the prefix (`2026-123`),
/// with spaces or slashes between the parts. A number alone is not one (it may be a house
/// number in an address).
pub fn parse(text: &str) -> Option<String> {
    let upper = text.trim().to_ascii_uppercase();
    let rest = upper.strip_prefix("HC").unwrap_or(&upper);
    let parts: Vec<&str> = rest.split(['-', '/', ' ']).filter(|p| !p.is_empty()).collect();
    let [year, number] = parts[..] else {
        return None;
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let ok = year.len() == 4 && (1..=6).contains(&number.len()) && digits(year) && digits(number);
    ok.then(|| format!("HC-{year}-{number:0>6}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_references() {
        assert_eq!(format(2026, 123), "HC-2026-000123");
        assert_eq!(parse(" hc-2026-000123 "), Some("HC-2026-000123".into()));
        for typed in [
            "HC-2026-123",
            "hc 2026 123",
            "2026-123",
            "2026/000123",
            "HC2026-123",
        ] {
            assert_eq!(parse(typed), Some("HC-2026-000123".into()), "{typed}");
        }
        for not in [
            "Smith",
            "123",
            "26-123",
            "2026-1234567",
            "2026-12a",
            "HC-2026-123-4",
            "12 Elm Road",
        ] {
            assert_eq!(parse(not), None, "{not}");
        }
    }
}
