//! Case references: `HC-YYYY-NNNNNN`, numbered from 1 in each (London) calendar year.

use entity::case_sequences;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use std::{
    cell::RefCell,
    collections::{BTreeMap, HashMap},
};

/// Takes the next reference for `year`. Serialised per database (advisory lock on
/// PostgreSQL, the single writer on SQLite), so concurrent submissions get consecutive
/// numbers; the unique index on `cases.reference` backs this up. Inside [`reserving`],
/// from the numbers reserved for the year, without a statement.
pub async fn next(txn: &DatabaseTransaction, year: i32) -> Result<String, DbErr> {
    let reserved = RESERVED.try_with(|r| {
        let mut r = r.borrow_mut();
        let (next, last) = r.get_mut(&year)?;
        (*next <= *last).then(|| {
            *next += 1;
            *next - 1
        })
    });
    let number = match reserved {
        Ok(Some(number)) => number,
        Ok(None) | Err(_) => take(txn, year, 1).await?,
    };
    Ok(format(year, number))
}

tokio::task_local! {
    /// The numbers a [`reserving`] write holds for each year: the next and the last.
    static RESERVED: RefCell<HashMap<i32, (i32, i32)>>;
}

/// Runs `work`, a bulk write in `txn` that opens `per_year[year]` cases received in each
/// year (an import, the demo landlord), with their numbers taken in one statement a year
/// instead of one a case. The transaction holds the lock, so they are consecutive all the
/// same; a year with more cases than reserved takes the rest one by one.
pub async fn reserving<T>(
    txn: &DatabaseTransaction,
    per_year: &BTreeMap<i32, i32>,
    work: impl Future<Output = Result<T, DbErr>>,
) -> Result<T, DbErr> {
    let mut reserved = HashMap::new();
    for (&year, &count) in per_year.iter().filter(|(_, count)| **count > 0) {
        let last = take(txn, year, count).await?;
        reserved.insert(year, (last - count + 1, last));
    }
    RESERVED.scope(RefCell::new(reserved), work).await
}

/// Takes `count` numbers for `year`; returns the last of them.
async fn take(txn: &DatabaseTransaction, year: i32, count: i32) -> Result<i32, DbErr> {
    crate::db::lock_for_transaction(txn, crate::db::Lock::CaseReferences).await?;
    // One statement where the year has begun: the number taken is the one written.
    let taken = case_sequences::Entity::update_many()
        .col_expr(
            case_sequences::Column::LastNumber,
            Expr::col(case_sequences::Column::LastNumber).add(count),
        )
        .filter(case_sequences::Column::Year.eq(year))
        .exec_with_returning(txn)
        .await?;
    Ok(match taken.first() {
        Some(row) => row.last_number,
        None => {
            case_sequences::Entity::insert(case_sequences::ActiveModel {
                year: Set(year),
                last_number: Set(count),
            })
            .exec_without_returning(txn)
            .await?;
            count
        }
    })
}

pub fn format(year: i32, number: i32) -> String {
    format!("HC-{year:04}-{number:06}")
}

/// Whether `text` is a case reference in full: `HC-2026-000123`, any case.
pub fn parse(text: &str) -> Option<String> {
    parse_typed(text).filter(|full| *full == text.trim().to_ascii_uppercase())
}

/// The case reference `text` means as people type it in a search: the `HC` prefix, then
/// the year and the number, the number without its zeros if they like (`HC-2026-123`,
/// `hc 2026 123`, `HC/2026/123`). Without the prefix it is not one: `2025/147` may be the
/// landlord's own reference and `1234-567` a tenancy reference.
pub fn parse_typed(text: &str) -> Option<String> {
    let upper = text.trim().to_ascii_uppercase();
    let rest = upper.strip_prefix("HC")?;
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
        assert_eq!(parse("HC-2026-123"), None);
        assert_eq!(parse("Smith"), None);
    }

    #[test]
    fn a_search_reads_a_reference_as_people_type_it_but_only_with_its_prefix() {
        for typed in [
            "HC-2026-123",
            "hc 2026 123",
            "HC/2026/000123",
            "HC2026-123",
            " HC-2026-000123 ",
        ] {
            assert_eq!(parse_typed(typed), Some("HC-2026-000123".into()), "{typed}");
        }
        for not in [
            "Smith",
            "123",
            "2026-123",
            "2025/147",
            "1234-567",
            "HC-26-123",
            "HC-2026-1234567",
            "HC-2026-12a",
            "HC-2026-1-2",
            "12 Elm Road",
        ] {
            assert_eq!(parse_typed(not), None, "{not}");
        }
    }
}
