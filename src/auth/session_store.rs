//! A tower-sessions store over sea-orm, for SQLite and PostgreSQL alike (no published store
//! fits sea-orm 2; see STACK.md). Rows are keyed by the SHA-256 of the cookie's session id.
//! Idle expiry is ours, measured with the app clock: every request that touches a session
//! saves it (the session layer runs with `always_save`), pushing `expires_at` forward — but
//! an unchanged session is written at most once a [`REFRESH`]: reading a page should not
//! cost a database write (and, on SQLite, a turn of the one writer). The store remembers
//! what it last read or wrote of each session, so such a request sends no statement at all:
//! on SQLite even an UPDATE that matches no row takes the write lock.

use crate::{auth::tokens::sha256_hex, clock::Clock};
use entity::sessions;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};
use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    sync::{Arc, Mutex},
};
use time::{Duration, OffsetDateTime};
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store::{Error, Result},
};

/// How often an unchanged session's idle deadline is pushed forward: the idle timeout is
/// exact to within this.
pub const REFRESH: Duration = Duration::minutes(1);

/// Session data key holding the signed-in user's id; copied to `sessions.user_id`.
pub const USER_ID_KEY: &str = "user_id";

/// Sessions remembered at most; past it the memory starts again (costing one UPDATE each).
const REMEMBERED: usize = 10_000;

/// A session's row as this instance last read or wrote it: data, user id, idle deadline.
type Seen = (String, Option<i32>, OffsetDateTime);

#[derive(Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    idle: Duration,
    /// By hashed id.
    seen: Arc<Mutex<HashMap<String, Seen>>>,
}

impl fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbSessionStore").finish_non_exhaustive()
    }
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, idle: Duration) -> Self {
        Self {
            db,
            clock,
            idle,
            seen: Arc::default(),
        }
    }

    fn remember(&self, id: &str, seen: Option<Seen>) {
        let mut map = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        match seen {
            Some(seen) => {
                if map.len() >= REMEMBERED {
                    map.clear();
                }
                map.insert(id.to_owned(), seen);
            }
            None => {
                map.remove(id);
            }
        }
    }

    /// The row holds this data and user already, with an idle deadline at most
    /// [`REFRESH`] behind `expires_at`: saving would change nothing worth a write.
    fn unchanged(&self, id: &str, data: &str, user_id: Option<i32>, expires_at: OffsetDateTime) -> bool {
        let map = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        map.get(id)
            .is_some_and(|(d, u, e)| d == data && *u == user_id && *e >= expires_at - REFRESH)
    }

    /// What a record becomes in its row: hashed id, user id, JSON data.
    fn fields(record: &Record) -> Result<(String, Option<i32>, String)> {
        let user_id = record
            .data
            .get(USER_ID_KEY)
            .and_then(|v| v.as_i64())
            .and_then(|v| i32::try_from(v).ok());
        Ok((sha256_hex(&record.id.to_string()), user_id, data_of(record)?))
    }
}

/// The data as JSON with its keys in order. The session's map iterates in an order of its
/// own, new with each load: written as it came, the same data read back differed from
/// the row, so most requests of a signed-in session wrote it again.
fn data_of(record: &Record) -> Result<String> {
    let sorted: BTreeMap<&String, &serde_json::Value> = record.data.iter().collect();
    serde_json::to_string(&sorted).map_err(|e| Error::Encode(e.to_string()))
}

fn backend(e: sea_orm::DbErr) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A 128-bit random id will not collide in practice; if it ever does, draw again.
        loop {
            let (id, user_id, data) = Self::fields(record)?;
            let now = self.clock.now();
            let row = sessions::ActiveModel {
                id: Set(id.clone()),
                user_id: Set(user_id),
                data: Set(data.clone()),
                expires_at: Set(now + self.idle),
                created_at: Set(now),
            };
            let inserted = sessions::Entity::insert(row)
                .on_conflict(OnConflict::column(sessions::Column::Id).do_nothing().to_owned())
                .exec_without_returning(&self.db)
                .await
                .map_err(backend)?;
            if inserted == 1 {
                self.remember(&id, Some((data, user_id, now + self.idle)));
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates only: a session deleted meanwhile (sign-out, password change, deactivation)
    /// must stay deleted even if a request that loaded it earlier finishes afterwards.
    async fn save(&self, record: &Record) -> Result<()> {
        let (id, user_id, data) = Self::fields(record)?;
        let expires_at = self.clock.now() + self.idle;
        if self.unchanged(&id, &data, user_id, expires_at) {
            return Ok(());
        }
        // Only a changed session, or one whose deadline was last pushed a while ago: an
        // UPDATE that matches no row writes nothing.
        let stale_or_changed = Condition::any()
            .add(sessions::Column::Data.ne(data.clone()))
            .add(sessions::Column::ExpiresAt.lt(expires_at - REFRESH))
            .add(match user_id {
                Some(u) => Condition::any()
                    .add(sessions::Column::UserId.is_null())
                    .add(sessions::Column::UserId.ne(u)),
                None => Condition::all().add(sessions::Column::UserId.is_not_null()),
            });
        let updated = sessions::Entity::update_many()
            .col_expr(sessions::Column::UserId, Expr::value(user_id))
            .col_expr(sessions::Column::Data, Expr::value(data.clone()))
            .col_expr(sessions::Column::ExpiresAt, Expr::value(expires_at))
            .filter(sessions::Column::Id.eq(id.clone()))
            .filter(stale_or_changed)
            .exec(&self.db)
            .await
            .map_err(backend)?;
        // Nothing matched: unchanged and fresh, or deleted. Either way, ask the row next time.
        let written = (updated.rows_affected == 1).then_some((data, user_id, expires_at));
        self.remember(&id, written);
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let hashed = sha256_hex(&id.to_string());
        let row = sessions::Entity::find_by_id(hashed.clone())
            .filter(sessions::Column::ExpiresAt.gt(self.clock.now()))
            .one(&self.db)
            .await
            .map_err(backend)?;
        self.remember(
            &hashed,
            row.as_ref().map(|r| (r.data.clone(), r.user_id, r.expires_at)),
        );
        row.map(|r| {
            Ok(Record {
                id: *id,
                data: serde_json::from_str(&r.data).map_err(|e| Error::Decode(e.to_string()))?,
                expiry_date: r.expires_at,
            })
        })
        .transpose()
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let hashed = sha256_hex(&id.to_string());
        self.remember(&hashed, None);
        sessions::Entity::delete_by_id(hashed)
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Ends every session of a user (deactivation, password reset), optionally sparing one.
pub async fn end_sessions_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    user_id: i32,
    except: Option<&Id>,
) -> std::result::Result<(), sea_orm::DbErr> {
    let mut q = sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user_id));
    if let Some(id) = except {
        q = q.filter(sessions::Column::Id.ne(sha256_hex(&id.to_string())));
    }
    q.exec(db).await?;
    Ok(())
}

/// Deletes expired sessions; run periodically.
pub async fn purge_expired(
    db: &DatabaseConnection,
    now: time::OffsetDateTime,
) -> std::result::Result<u64, sea_orm::DbErr> {
    Ok(sessions::Entity::delete_many()
        .filter(sessions::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_data_is_always_written_alike() {
        let keys = ["user_id", "csrf", "signed_in_at", "flash", "a", "b", "c", "d"];
        let record = |keys: &[&str]| Record {
            id: Id::default(),
            data: keys
                .iter()
                .map(|k| ((*k).to_owned(), serde_json::json!(k)))
                .collect(),
            expiry_date: OffsetDateTime::UNIX_EPOCH,
        };
        let mut reversed = keys;
        reversed.reverse();
        let written = data_of(&record(&keys)).unwrap();
        assert_eq!(written, data_of(&record(&reversed)).unwrap());
        assert!(
            written.starts_with(r#"{"a":"a","b":"b","c":"c","csrf":"csrf","d":"d","#),
            "{written}"
        );
    }
}
