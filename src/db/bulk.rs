//! Rows held back in a bulk write (an import, the demo landlord) and written a few
//! hundred to a statement instead of one statement each: on SQLite every statement is a
//! hand-off to the connection's worker thread and back, so a case's small inserts (its
//! strands, incident types, search terms, timeline) cost more in hand-offs than in
//! writing. Outside [`batched`] every insert is written at once.
//!
//! Only for rows nothing reads back during the write, or whose readers call [`flush`]
//! first; the parents they refer to are written at once, so every held row's references
//! hold when it is written.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, Iterable};
use std::{
    any::{Any, TypeId},
    cell::RefCell,
    pin::Pin,
};

/// Most rows in one statement: well inside both databases' limits on a statement's
/// parameters (SQLite 32,766, PostgreSQL 65,535) for tables of up to 60 columns.
const MOST_ROWS: usize = 500;
const MOST_VALUES: usize = 30_000;

/// Writes what a table holds, at the end of a [`batched`] write.
type Flush = for<'t> fn(
    &'t DatabaseTransaction,
    Box<dyn Any + Send>,
) -> Pin<Box<dyn Future<Output = Result<(), DbErr>> + Send + 't>>;

/// One table's held rows (a `Vec` of its active models) and how to write them.
struct Held {
    table: TypeId,
    rows: Box<dyn Any + Send>,
    flush: Flush,
}

tokio::task_local! {
    /// Each table's held rows, in the order first held, each in the order written.
    static HELD: RefCell<Vec<Held>>;
}

/// Runs `work`, a bulk write in `txn`, holding back what it [`insert`]s; the rest is
/// written before this returns.
pub async fn batched<T>(
    txn: &DatabaseTransaction,
    work: impl Future<Output = Result<T, DbErr>>,
) -> Result<T, DbErr> {
    let (out, rest) = HELD
        .scope(RefCell::new(vec![]), async {
            let out = work.await;
            (out, HELD.with(RefCell::take))
        })
        .await;
    let out = out?;
    for held in rest {
        (held.flush)(txn, held.rows).await?;
    }
    Ok(out)
}

/// Inserts `rows` now, or, inside [`batched`], once enough of their table are held.
pub async fn insert<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send + 'static,
{
    if rows.is_empty() {
        return Ok(());
    }
    let mut rows = Some(rows);
    let full = HELD.try_with(|held| {
        let mut held = held.borrow_mut();
        let table = table_of::<A>(&mut held);
        table.extend(rows.take().into_iter().flatten());
        (table.len() >= per_statement::<A>()).then(|| std::mem::take(table))
    });
    match full {
        Ok(Some(full)) => write(db, full).await,
        Ok(None) => Ok(()),
        // Not in a batched write: now.
        Err(_) => write(db, rows.unwrap_or_default()).await,
    }
}

/// Writes the held rows of `A`'s table now: for a reader of that table inside a batched
/// write (nothing happens outside one).
pub async fn flush<A>(db: &impl ConnectionTrait) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send + 'static,
{
    let held = HELD
        .try_with(|held| std::mem::take(table_of::<A>(&mut held.borrow_mut())))
        .unwrap_or_default();
    write(db, held).await
}

/// The held rows of `A`'s table, made empty if none are held yet.
fn table_of<A>(held: &mut Vec<Held>) -> &mut Vec<A>
where
    A: ActiveModelTrait + Send + 'static,
{
    let table = TypeId::of::<A>();
    let at = match held.iter().position(|h| h.table == table) {
        Some(at) => at,
        None => {
            held.push(Held {
                table,
                rows: Box::new(Vec::<A>::new()),
                flush: |txn, rows| Box::pin(write(txn, *rows.downcast::<Vec<A>>().unwrap_or_default())),
            });
            held.len() - 1
        }
    };
    held[at]
        .rows
        .downcast_mut::<Vec<A>>()
        .expect("held rows are kept under their own type")
}

fn per_statement<A: ActiveModelTrait>() -> usize {
    let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
    (MOST_VALUES / columns).clamp(1, MOST_ROWS)
}

/// Writes `rows`, as many to a statement as [`per_statement`] allows.
async fn write<A>(db: &impl ConnectionTrait, mut rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send + 'static,
{
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(per_statement::<A>()));
        <A::Entity as EntityTrait>::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        rows = rest;
    }
    Ok(())
}
