//! The sea-orm session store, used directly: round trips, idle expiry measured with the
//! app clock, purging, hashed ids, and ending a user's sessions.

use crate::common::TestDb;
use entity::sessions;
use harbour::{
    auth::{
        session_store::{DbSessionStore, USER_ID_KEY, end_sessions_of, purge_expired},
        tokens::sha256_hex,
    },
    clock::{Clock, ManualClock},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use std::{collections::HashMap, sync::Arc};
use time::{Duration, macros::datetime};
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
};

const IDLE: Duration = Duration::minutes(30);

struct Fixture {
    store: DbSessionStore,
    clock: Arc<ManualClock>,
    db: DatabaseConnection,
    // Last: dropped after the connection.
    _test_db: TestDb,
}

async fn fixture() -> Fixture {
    let test_db = TestDb::new().await;
    let db = harbour::db::connect(&test_db.url).await.expect("connect");
    harbour::migrate(&db).await.expect("migrate");
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-23 09:00 UTC)));
    let store = DbSessionStore::new(db.clone(), clock.clone(), IDLE);
    Fixture {
        store,
        clock,
        db,
        _test_db: test_db,
    }
}

fn record(pairs: &[(&str, serde_json::Value)]) -> Record {
    let data: HashMap<String, serde_json::Value> =
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    Record {
        id: Id::default(),
        data,
        expiry_date: datetime!(2026-11-23 09:30 UTC),
    }
}

/// A user row for sessions to belong to (sessions.user_id references users).
async fn make_user(f: &Fixture, username: &str) -> i32 {
    harbour::auth::users::create(
        &f.db,
        f.clock.now(),
        harbour::auth::users::NewUser {
            username: username.into(),
            display_name: username.into(),
            email: None,
            role: entity::Role::Manager,
            password_hash: "not a real hash".into(),
            area_ids: vec![],
            must_change_password: false,
        },
    )
    .await
    .unwrap()
    .id
}

async fn row_count(db: &DatabaseConnection) -> u64 {
    sessions::Entity::find().count(db).await.unwrap()
}

#[tokio::test]
async fn a_created_session_loads_with_the_same_data() {
    let f = fixture().await;
    let mut rec = record(&[("csrf", serde_json::json!("abc")), ("n", serde_json::json!(42))]);
    f.store.create(&mut rec).await.unwrap();

    let loaded = f
        .store
        .load(&rec.id)
        .await
        .unwrap()
        .expect("the new session loads");
    assert_eq!(loaded.id, rec.id);
    assert_eq!(loaded.data, rec.data, "data must round-trip unchanged");
    assert_eq!(
        loaded.expiry_date,
        f.clock.now() + IDLE,
        "expiry is the idle deadline on the app clock"
    );
}

#[tokio::test]
async fn an_unknown_id_loads_nothing() {
    let f = fixture().await;
    let mut rec = record(&[]);
    f.store.create(&mut rec).await.unwrap();
    assert!(
        f.store.load(&Id::default()).await.unwrap().is_none(),
        "a different id must not load anything"
    );
}

#[tokio::test]
async fn save_replaces_the_data_of_an_existing_session() {
    let f = fixture().await;
    let mut rec = record(&[("step", serde_json::json!(1))]);
    f.store.create(&mut rec).await.unwrap();

    rec.data.insert("step".into(), serde_json::json!(2));
    rec.data.insert("extra".into(), serde_json::json!("yes"));
    f.store.save(&rec).await.unwrap();

    let loaded = f.store.load(&rec.id).await.unwrap().expect("still there");
    assert_eq!(loaded.data.get("step"), Some(&serde_json::json!(2)));
    assert_eq!(loaded.data.get("extra"), Some(&serde_json::json!("yes")));
    assert_eq!(
        row_count(&f.db).await,
        1,
        "save updates the row, it does not add one"
    );
}

#[tokio::test]
async fn delete_removes_the_session() {
    let f = fixture().await;
    let mut rec = record(&[("k", serde_json::json!("v"))]);
    f.store.create(&mut rec).await.unwrap();
    let mut other = record(&[]);
    f.store.create(&mut other).await.unwrap();

    f.store.delete(&rec.id).await.unwrap();
    assert!(
        f.store.load(&rec.id).await.unwrap().is_none(),
        "a deleted session must not load"
    );
    assert!(
        f.store.load(&other.id).await.unwrap().is_some(),
        "other sessions are untouched"
    );
    assert_eq!(row_count(&f.db).await, 1);
}

#[tokio::test]
async fn a_session_idle_for_longer_than_the_timeout_does_not_load() {
    let f = fixture().await;
    let mut rec = record(&[("k", serde_json::json!("v"))]);
    f.store.create(&mut rec).await.unwrap();

    f.clock.advance(IDLE - Duration::seconds(1));
    assert!(
        f.store.load(&rec.id).await.unwrap().is_some(),
        "one second before the idle deadline it still loads"
    );
    f.clock.advance(Duration::seconds(1));
    assert!(
        f.store.load(&rec.id).await.unwrap().is_none(),
        "at the idle deadline it no longer loads"
    );
}

#[tokio::test]
async fn saving_pushes_the_idle_deadline_forward() {
    let f = fixture().await;
    let mut rec = record(&[]);
    f.store.create(&mut rec).await.unwrap();

    f.clock.advance(Duration::minutes(20));
    f.store.save(&rec).await.unwrap();
    f.clock.advance(Duration::minutes(20));
    let loaded = f.store.load(&rec.id).await.unwrap();
    assert!(
        loaded.is_some(),
        "40 minutes after creation but 20 after the last save, the session is alive"
    );
    f.clock.advance(Duration::minutes(10));
    assert!(
        f.store.load(&rec.id).await.unwrap().is_none(),
        "30 minutes after the last save it is gone"
    );
}

/// The session's idle deadline as stored.
async fn deadline(f: &Fixture, rec: &Record) -> time::OffsetDateTime {
    entity::sessions::Entity::find_by_id(harbour::auth::tokens::sha256_hex(&rec.id.to_string()))
        .one(&f.db)
        .await
        .unwrap()
        .unwrap()
        .expires_at
}

#[tokio::test]
async fn an_unchanged_session_is_written_at_most_once_a_minute() {
    let f = fixture().await;
    let mut rec = record(&[("k", serde_json::json!("v"))]);
    f.store.create(&mut rec).await.unwrap();
    let created = deadline(&f, &rec).await;
    // Read after read within the minute: nothing written.
    f.clock.advance(Duration::seconds(40));
    f.store.save(&rec).await.unwrap();
    assert_eq!(deadline(&f, &rec).await, created);
    // A change is written at once.
    rec.data.insert("k".into(), serde_json::json!("changed"));
    f.store.save(&rec).await.unwrap();
    assert_eq!(deadline(&f, &rec).await, f.clock.now() + IDLE);
    // Unchanged again, past the minute: the deadline moves on.
    f.clock.advance(Duration::seconds(70));
    f.store.save(&rec).await.unwrap();
    assert_eq!(deadline(&f, &rec).await, f.clock.now() + IDLE);
}

#[tokio::test]
async fn purge_expired_deletes_only_expired_rows() {
    let f = fixture().await;
    let mut old = record(&[]);
    f.store.create(&mut old).await.unwrap();
    f.clock.advance(Duration::minutes(20));
    let mut fresh = record(&[]);
    f.store.create(&mut fresh).await.unwrap();

    // 31 minutes after `old` was saved, 11 after `fresh`.
    f.clock.advance(Duration::minutes(11));
    let purged = purge_expired(&f.db, f.clock.now()).await.unwrap();
    assert_eq!(purged, 1, "exactly the expired row is purged");
    assert_eq!(row_count(&f.db).await, 1);
    assert!(
        f.store.load(&fresh.id).await.unwrap().is_some(),
        "the live session survives the purge"
    );
    assert!(
        sessions::Entity::find_by_id(sha256_hex(&old.id.to_string()))
            .one(&f.db)
            .await
            .unwrap()
            .is_none()
    );

    assert_eq!(
        purge_expired(&f.db, f.clock.now()).await.unwrap(),
        0,
        "nothing else is expired yet"
    );
}

#[tokio::test]
async fn the_stored_id_is_the_sha256_of_the_cookie_id_never_the_raw_id() {
    let f = fixture().await;
    let mut rec = record(&[]);
    f.store.create(&mut rec).await.unwrap();

    let rows = sessions::Entity::find().all(&f.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    let raw = rec.id.to_string();
    assert_ne!(rows[0].id, raw, "the raw cookie value must never be stored");
    assert!(!rows[0].id.contains(&raw));
    assert!(!rows[0].data.contains(&raw), "nor hidden in the data");
    assert_eq!(rows[0].id, sha256_hex(&raw));
    assert_eq!(rows[0].id.len(), 64);
}

#[tokio::test]
async fn the_user_id_column_is_filled_from_the_user_id_key() {
    let f = fixture().await;
    let mut anonymous = record(&[("csrf", serde_json::json!("t"))]);
    f.store.create(&mut anonymous).await.unwrap();
    let (seven, nine) = (make_user(&f, "seven").await, make_user(&f, "nine").await);
    let mut signed_in = record(&[(USER_ID_KEY, serde_json::json!(seven))]);
    f.store.create(&mut signed_in).await.unwrap();

    let row = |rec: &Record| sessions::Entity::find_by_id(sha256_hex(&rec.id.to_string())).one(&f.db);
    assert_eq!(row(&anonymous).await.unwrap().unwrap().user_id, None);
    assert_eq!(row(&signed_in).await.unwrap().unwrap().user_id, Some(seven));

    // Signing in later (save with the key added) fills the column too.
    anonymous.data.insert(USER_ID_KEY.into(), serde_json::json!(nine));
    f.store.save(&anonymous).await.unwrap();
    assert_eq!(row(&anonymous).await.unwrap().unwrap().user_id, Some(nine));
}

#[tokio::test]
async fn end_sessions_of_ends_every_session_of_the_user_but_the_one_kept() {
    let f = fixture().await;
    let (me, other) = (make_user(&f, "me").await, make_user(&f, "other").await);
    let mut mine = vec![];
    for _ in 0..3 {
        let mut rec = record(&[(USER_ID_KEY, serde_json::json!(me))]);
        f.store.create(&mut rec).await.unwrap();
        mine.push(rec);
    }
    let mut someone_else = record(&[(USER_ID_KEY, serde_json::json!(other))]);
    f.store.create(&mut someone_else).await.unwrap();

    end_sessions_of(&f.db, me, Some(&mine[1].id)).await.unwrap();
    assert!(f.store.load(&mine[0].id).await.unwrap().is_none());
    assert!(
        f.store.load(&mine[1].id).await.unwrap().is_some(),
        "the kept session survives"
    );
    assert!(f.store.load(&mine[2].id).await.unwrap().is_none());
    assert!(
        f.store.load(&someone_else.id).await.unwrap().is_some(),
        "other users' sessions are untouched"
    );

    end_sessions_of(&f.db, me, None).await.unwrap();
    assert!(
        f.store.load(&mine[1].id).await.unwrap().is_none(),
        "without an exception, all of them end"
    );
    assert!(f.store.load(&someone_else.id).await.unwrap().is_some());
}

/// A request that loaded the session before sign-out finishes after it: its save must not
/// bring the signed-out session back.
#[tokio::test]
async fn saving_a_deleted_session_does_not_bring_it_back() {
    let f = fixture().await;
    let user = make_user(&f, "amina").await;
    let mut rec = record(&[("user_id", serde_json::json!(user))]);
    f.store.create(&mut rec).await.unwrap();
    let loaded = f.store.load(&rec.id).await.unwrap().unwrap();

    f.store.delete(&rec.id).await.unwrap();
    f.store.save(&loaded).await.unwrap();
    assert!(f.store.load(&rec.id).await.unwrap().is_none(), "still signed out");
    assert_eq!(row_count(&f.db).await, 0);

    // The same after "end every session of this user" (password change, deactivation).
    let mut rec = record(&[("user_id", serde_json::json!(user))]);
    f.store.create(&mut rec).await.unwrap();
    let loaded = f.store.load(&rec.id).await.unwrap().unwrap();
    end_sessions_of(&f.db, user, None).await.unwrap();
    f.store.save(&loaded).await.unwrap();
    assert_eq!(row_count(&f.db).await, 0);
}

/// A request that reads its session and saves it unchanged within the minute sends no
/// statement (on SQLite even an UPDATE that matches nothing takes the write lock): here the
/// row is changed behind the store's back, and the unchanged save leaves it so.
#[tokio::test]
async fn a_session_read_and_saved_unchanged_within_the_minute_writes_nothing() {
    let f = fixture().await;
    let mut rec = record(&[("k", serde_json::json!("v"))]);
    f.store.create(&mut rec).await.unwrap();
    f.clock.advance(Duration::seconds(30));
    let loaded = f.store.load(&rec.id).await.unwrap().expect("loads");
    let hashed = sha256_hex(&rec.id.to_string());
    sessions::Entity::update_many()
        .col_expr(
            sessions::Column::Data,
            sea_orm::sea_query::Expr::value(r#"{"k":"elsewhere"}"#),
        )
        .filter(sessions::Column::Id.eq(hashed))
        .exec(&f.db)
        .await
        .unwrap();
    f.store.save(&loaded).await.unwrap();
    let now = f.store.load(&rec.id).await.unwrap().expect("still there");
    assert_eq!(
        now.data.get("k"),
        Some(&serde_json::json!("elsewhere")),
        "the unchanged save sent nothing"
    );
    // A real change is still written.
    let mut changed = now.clone();
    changed.data.insert("k".into(), serde_json::json!("mine"));
    f.store.save(&changed).await.unwrap();
    let after = f.store.load(&rec.id).await.unwrap().expect("still there");
    assert_eq!(after.data.get("k"), Some(&serde_json::json!("mine")));
}

/// A signed-in session holds several keys, which a loaded session iterates in an order of
/// its own: read back and saved unchanged, it still sends nothing, however often.
#[tokio::test]
async fn a_session_of_several_keys_read_back_and_saved_unchanged_writes_nothing() {
    let f = fixture().await;
    let user = make_user(&f, "several").await;
    let mut rec = record(&[
        ("user_id", serde_json::json!(user)),
        ("signed_in_at", serde_json::json!(1_700_000_000)),
        ("csrf", serde_json::json!("token")),
        ("flash", serde_json::json!("Saved")),
    ]);
    f.store.create(&mut rec).await.unwrap();
    let hashed = sha256_hex(&rec.id.to_string());
    let marked = r#"{"marked":"behind the store's back"}"#;
    for _ in 0..5 {
        f.clock.advance(Duration::seconds(5));
        let loaded = f.store.load(&rec.id).await.unwrap().expect("loads");
        let row = sessions::Entity::find_by_id(hashed.clone())
            .one(&f.db)
            .await
            .unwrap()
            .unwrap();
        sessions::Entity::update_many()
            .col_expr(sessions::Column::Data, sea_orm::sea_query::Expr::value(marked))
            .filter(sessions::Column::Id.eq(hashed.clone()))
            .exec(&f.db)
            .await
            .unwrap();
        f.store.save(&loaded).await.unwrap();
        let after = sessions::Entity::find_by_id(hashed.clone())
            .one(&f.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(after.data, marked, "the unchanged save sent nothing");
        // Put the session back as it was for the next round.
        sessions::Entity::update_many()
            .col_expr(sessions::Column::Data, sea_orm::sea_query::Expr::value(row.data))
            .filter(sessions::Column::Id.eq(hashed.clone()))
            .exec(&f.db)
            .await
            .unwrap();
    }
}
