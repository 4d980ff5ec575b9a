//! Leases on background jobs (`job_leases`): whoever holds an unexpired lease runs the job,
//! so several instances behind a load balancer do not all send reminders.

use entity::job_leases;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::Expr,
};
use time::{Duration, OffsetDateTime};

/// How long a lease lasts unless renewed. The job loop renews it every minute, so another
/// instance takes over within this long of the holder stopping.
pub const TTL: Duration = Duration::minutes(5);

/// Longest holder name the table stores.
pub const MAX_HOLDER: usize = 64;

/// Takes or renews the lease `name` for `holder` until `now + ttl`; true when `holder`
/// holds it afterwards (it was free, expired, or already `holder`'s).
///
/// Atomic on both databases without locks: the row is created if missing (already
/// expired, ignoring a conflict), then one conditional UPDATE claims it. Two instances
/// racing both run the UPDATE; the database applies them one after the other and the
/// second no longer matches (the row is held and unexpired), so exactly one gets a row.
pub async fn acquire(
    db: &impl ConnectionTrait,
    name: &str,
    holder: &str,
    now: OffsetDateTime,
    ttl: Duration,
) -> Result<bool, DbErr> {
    job_leases::Entity::insert(job_leases::ActiveModel {
        name: Set(name.to_owned()),
        holder: Set(String::new()),
        expires_at: Set(now - Duration::seconds(1)),
    })
    .on_conflict_do_nothing_on([job_leases::Column::Name])
    .exec_without_returning(db)
    .await?;
    let claimed = job_leases::Entity::update_many()
        .col_expr(job_leases::Column::Holder, Expr::value(holder.to_owned()))
        .col_expr(job_leases::Column::ExpiresAt, Expr::value(now + ttl))
        .filter(job_leases::Column::Name.eq(name))
        .filter(
            Condition::any()
                .add(job_leases::Column::Holder.eq(holder))
                .add(job_leases::Column::ExpiresAt.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// Gives the lease up if `holder` has it (at shutdown), so another instance takes the job
/// over at once rather than when the lease expires.
pub async fn release(db: &impl ConnectionTrait, name: &str, holder: &str) -> Result<(), DbErr> {
    job_leases::Entity::update_many()
        .col_expr(job_leases::Column::Holder, Expr::value(String::new()))
        .col_expr(
            job_leases::Column::ExpiresAt,
            Expr::value(OffsetDateTime::UNIX_EPOCH),
        )
        .filter(job_leases::Column::Name.eq(name))
        .filter(job_leases::Column::Holder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}

/// A name for this instance: hostname, process id and a random suffix, at most
/// [`MAX_HOLDER`] characters.
pub fn default_holder() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "harbour".to_owned());
    let suffix = format!(
        "-{}-{}",
        std::process::id(),
        &crate::auth::tokens::random_token()[..8]
    );
    let host: String = host.chars().take(MAX_HOLDER - suffix.len()).collect();
    format!("{host}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_holder_fits_the_column() {
        let a = default_holder();
        let b = default_holder();
        assert!(a.len() <= MAX_HOLDER, "{a}");
        assert!(a.contains(&format!("-{}-", std::process::id())), "{a}");
        assert_ne!(a, b, "two instances in one process still differ");
    }
}
