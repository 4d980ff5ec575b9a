//! What the benchmarks share: a throwaway (or kept) database, signing in over HTTP, and
//! percentiles. Included by each bench with `mod support;`.

#![allow(dead_code)]

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::{future::Future, pin::Pin, time::Duration};

pub const PASSWORD: &str = "benchmark passphrase";

pub type Cleanup = Pin<Box<dyn Future<Output = ()>>>;

/// A database for a benchmark: PostgreSQL database `name` under HARBOUR_BENCH_DATABASE_URL,
/// else an SQLite file in the temporary directory. With `keep` an existing one is reused
/// and left in place afterwards; otherwise it is made fresh and removed by the cleanup.
pub async fn database(name: &'static str, keep: bool) -> (String, Cleanup) {
    match std::env::var("HARBOUR_BENCH_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(admin_url) => {
            let admin = sea_orm::Database::connect(&admin_url).await.unwrap();
            let run = |sql: String| Statement::from_string(DbBackend::Postgres, sql);
            let exists = admin
                .query_one_raw(run(format!("SELECT 1 FROM pg_database WHERE datname = '{name}'")))
                .await
                .unwrap()
                .is_some();
            if !(keep && exists) {
                admin
                    .execute_raw(run(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                    .await
                    .unwrap();
                admin
                    .execute_raw(run(format!("CREATE DATABASE {name}")))
                    .await
                    .unwrap();
            }
            let mut url = url::Url::parse(&admin_url).unwrap();
            url.set_path(name);
            let cleanup: Cleanup = Box::pin(async move {
                if !keep {
                    admin
                        .execute_raw(run(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                        .await
                        .ok();
                }
            });
            (url.to_string(), cleanup)
        }
        None => {
            let stem = name.replace('_', "-");
            let file = if keep {
                format!("{stem}.db")
            } else {
                format!("{stem}-{}.db", std::process::id())
            };
            let path = std::env::temp_dir().join(file);
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let cleanup: Cleanup = Box::pin(async move {
                if !keep {
                    for ext in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
                    }
                }
            });
            (url, cleanup)
        }
    }
}

/// A client signed in as `username` (password [`PASSWORD`]) through the real form.
pub async fn sign_in(base: &str, username: &str) -> reqwest::Client {
    sign_in_with(base, username, PASSWORD).await
}

/// The body of `GET url`.
pub async fn text(client: &reqwest::Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// A client signed in as `username` with `password` through the real form.
pub async fn sign_in_with(base: &str, username: &str, password: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = text(&client, &format!("{base}/login")).await;
    let token = page.split("name=\"csrf_token\" value=\"").nth(1).unwrap();
    let token = &token[..token.find('"').unwrap()];
    let res = client
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", token),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "sign-in failed");
    client
}

/// The `p` quantile (0–1) of `sorted`, in milliseconds.
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p) as usize).min(sorted.len() - 1);
    sorted[i].as_secs_f64() * 1000.0
}

/// `count` areas named "Area 01", "Area 02", …; their ids.
pub async fn areas(db: &sea_orm::DatabaseConnection, count: usize, now: time::OffsetDateTime) -> Vec<i32> {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let mut ids = vec![];
    for i in 0..count {
        let a = entity::areas::ActiveModel {
            name: Set(format!("Area {:02}", i + 1)),
            name_key: Set(format!("area {:02}", i + 1)),
            retired: Set(false),
            created_at: Set(now),
            ..Default::default()
        };
        ids.push(
            entity::areas::Entity::insert(a)
                .exec(db)
                .await
                .unwrap()
                .last_insert_id,
        );
    }
    ids
}

/// A member of staff called `username` with a ready password (`hash` of [`PASSWORD`]).
pub async fn user(
    db: &sea_orm::DatabaseConnection,
    now: time::OffsetDateTime,
    hash: &str,
    username: String,
    role: entity::Role,
    area_ids: Vec<i32>,
) -> i32 {
    harbour::auth::users::create(
        db,
        now,
        harbour::auth::users::NewUser {
            display_name: format!("{username} Bench"),
            username,
            email: None,
            role,
            password_hash: hash.to_owned(),
            area_ids,
            must_change_password: false,
        },
    )
    .await
    .unwrap()
    .id
}

/// The user `username` as a case viewer, with their areas.
pub async fn viewer(db: &sea_orm::DatabaseConnection, username: &str) -> harbour::cases::visibility::Viewer {
    use entity::{user_areas, users};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let user = users::Entity::find()
        .filter(users::Column::UsernameKey.eq(username))
        .one(db)
        .await
        .unwrap()
        .expect("bench user");
    let area_ids: Vec<i32> = user_areas::Entity::find()
        .select_only()
        .column(user_areas::Column::AreaId)
        .filter(user_areas::Column::UserId.eq(user.id))
        .into_tuple()
        .all(db)
        .await
        .unwrap();
    harbour::cases::visibility::Viewer {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        area_ids,
    }
}

/// Runs one SQL statement as written.
pub async fn exec(db: &sea_orm::DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap();
}

/// (p50, p95) in milliseconds.
pub fn percentiles(times: &mut [Duration]) -> (f64, f64) {
    times.sort();
    (percentile_ms(times, 0.50), percentile_ms(times, 0.95))
}

/// HARBOUR_BENCH_KEEP=1 keeps the generated database (SQLite: harbour-bench-<name>.db in the
/// temporary directory; PostgreSQL: the harbour_bench_<name> database) and reuses it on the
/// next run. Schema changes need a fresh one: run once without it.
pub fn keep() -> bool {
    std::env::var_os("HARBOUR_BENCH_KEEP").is_some()
}
