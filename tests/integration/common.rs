//! The test harness: `TestApp` (server + database + clock) and `Client` (cookies, form
//! tokens, browser-like headers).

#![allow(dead_code)]

use entity::Role;
use harbour::{
    auth::{password, users},
    clock::{Clock, ManualClock},
    config::Settings,
    state::AppState,
};
use reqwest::{
    StatusCode,
    cookie::{CookieStore, Jar},
    header::HeaderMap,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::{net::SocketAddr, sync::Arc};
use time::macros::datetime;

/// The password every test user gets unless a test says otherwise.
pub const PASSWORD: &str = "correct horse battery staple";

/// An argon2id hash of [`PASSWORD`] at the lowest cost argon2 allows, made once and given
/// to every test user: a stored hash carries its own cost, so signing in verifies it
/// cheaply while the app still hashes every new password at full strength.
fn cheap_hash_of_password() -> &'static str {
    use argon2::{Algorithm, Argon2, Params, Version, password_hash::PasswordHasher};
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let params = Params::new(Params::MIN_M_COST, Params::MIN_T_COST, 1, None).unwrap();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(PASSWORD.as_bytes())
            .unwrap()
            .to_string()
    })
}

/// A test database that removes itself when dropped.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// An empty database (for tests of migrating itself).
    pub async fn new() -> Self {
        Self::create(None).await
    }

    /// A database with every migration applied: a copy of a template this test process
    /// migrated once, so that ~300 tests do not each run every migration.
    pub async fn migrated() -> Self {
        static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
        let template = TEMPLATE.get_or_init(make_template).await;
        Self::create(Some(template)).await
    }

    async fn create(template: Option<&str>) -> Self {
        let suffix = harbour::auth::tokens::random_token()[..16].to_owned();
        match admin_url() {
            Some(admin_url) => {
                let name = format!("harbour_test_{suffix}");
                let from = template.map(|t| format!(" TEMPLATE {t}")).unwrap_or_default();
                postgres_admin(&admin_url, &[format!("CREATE DATABASE {name}{from}")]).await;
                TestDb {
                    url: database_url(&admin_url, &name),
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
            None => {
                let path = std::env::temp_dir().join(format!("harbour-test-{suffix}.db"));
                if let Some(template) = template {
                    std::fs::copy(template, &path).expect("copy the template database");
                }
                TestDb {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    cleanup: Cleanup::SqliteFile(path),
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime: use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async {
                        if let Ok(admin) = sea_orm::Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_raw(Statement::from_string(
                                    DbBackend::Postgres,
                                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                                ))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// PostgreSQL's maintenance URL when the tests run on PostgreSQL.
fn admin_url() -> Option<String> {
    std::env::var("HARBOUR_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

fn database_url(admin_url: &str, name: &str) -> String {
    let mut url = url::Url::parse(admin_url).expect("HARBOUR_TEST_DATABASE_URL is a URL");
    url.set_path(name);
    url.to_string()
}

async fn postgres_admin(admin_url: &str, statements: &[String]) {
    let admin = sea_orm::Database::connect(admin_url)
        .await
        .expect("connect to HARBOUR_TEST_DATABASE_URL");
    for sql in statements {
        admin
            .execute_raw(Statement::from_string(DbBackend::Postgres, sql.clone()))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    admin.close().await.ok();
}

/// Migrates this process's template (a PostgreSQL database or a SQLite file named after
/// this machine and the process id) and returns its name or path. This machine's
/// templates whose process has ended are removed first (where /proc says so; elsewhere
/// none are); the last run's stays until the next. Other machines' are never touched.
async fn make_template() -> String {
    let pid = std::process::id();
    let host = std::fs::read_to_string("/etc/hostname")
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect::<String>()
        .to_lowercase();
    let prefix = format!("harbour_template_{host}_");
    let alive = |id: &str| {
        !std::path::Path::new("/proc/self").exists()
            || id
                .parse::<u32>()
                .is_ok_and(|id| std::path::Path::new(&format!("/proc/{id}")).exists())
    };
    let (url, template) = match admin_url() {
        Some(admin_url) => {
            let admin = sea_orm::Database::connect(&admin_url).await.expect("connect");
            let stale: Vec<String> = admin
                .query_all_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT datname FROM pg_database WHERE datname LIKE 'harbour_template_%'",
                ))
                .await
                .expect("list templates")
                .iter()
                .filter_map(|row| row.try_get_by_index::<String>(0).ok())
                .filter(|name| name.strip_prefix(&prefix).is_some_and(|id| !alive(id)))
                .collect();
            admin.close().await.ok();
            let name = format!("{prefix}{pid}");
            let mut statements: Vec<String> = stale
                .iter()
                .map(|n| format!("DROP DATABASE IF EXISTS {n} WITH (FORCE)"))
                .collect();
            statements.push(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            statements.push(format!("CREATE DATABASE {name}"));
            postgres_admin(&admin_url, &statements).await;
            (database_url(&admin_url, &name), name)
        }
        None => {
            let dir = std::env::temp_dir();
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let file = entry.file_name().to_string_lossy().into_owned();
                if let Some(id) = file
                    .strip_prefix("harbour-template-")
                    .and_then(|f| f.split('.').next())
                    && !alive(id)
                {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
            let path = dir.join(format!("harbour-template-{pid}.db"));
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
            }
            (
                format!("sqlite://{}?mode=rwc", path.display()),
                path.display().to_string(),
            )
        }
    };
    let db = harbour::db::connect(&url).await.expect("connect to the template");
    harbour::migrate(&db).await.expect("migrate the template");
    if db.get_database_backend() == DbBackend::Sqlite {
        // Everything into the main file, so that copying it copies the database.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .expect("checkpoint");
    }
    db.close().await.expect("close the template");
    template
}

pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    pub clock: Arc<ManualClock>,
    pub db: DatabaseConnection,
    pub settings: Settings,
    /// What the app (not the test) sent to the database while [`TestApp::statements_of`]
    /// listened.
    pub statements: Arc<StatementLog>,
    // Last, so the database is dropped after the connection above is no longer used.
    pub test_db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with settings adjusted by `adjust` (e.g. a lower rate limit).
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let test_db = TestDb::migrated().await;
        let db = harbour::db::connect(&test_db.url).await.expect("connect");
        let clock = Arc::new(ManualClock::new(datetime!(2026-11-23 09:00 UTC)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut settings = Settings {
            public_url: format!("http://{addr}"),
            ..Settings::default()
        };
        adjust(&mut settings);
        // The served connection (not `db`, which the test itself uses) reports each
        // statement it sends, for tests that count a page's round trips.
        let statements = Arc::new(StatementLog::default());
        let mut served = db.clone();
        let log = statements.clone();
        served.set_metric_callback(move |info| log.record(&info.statement.sql));
        let state = AppState::new(served, clock.clone(), settings.clone());
        let app = harbour::app(state);
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .await
                .unwrap();
        });
        TestApp {
            base: format!("http://{addr}"),
            addr,
            clock,
            db,
            settings,
            statements,
            test_db,
        }
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    pub fn advance_minutes(&self, minutes: i64) {
        self.clock.advance(time::Duration::minutes(minutes));
    }

    /// Creates an active user straight in the database; returns its id.
    pub async fn create_user(&self, username: &str, role: Role) -> i32 {
        self.create_user_with_password(username, role, PASSWORD).await
    }

    pub async fn create_user_with_password(&self, username: &str, role: Role, pw: &str) -> i32 {
        let hash = if pw == PASSWORD {
            cheap_hash_of_password().to_owned()
        } else {
            password::hash(pw.to_owned()).await.unwrap()
        };
        users::create(
            &self.db,
            self.now(),
            users::NewUser {
                username: username.into(),
                display_name: format!("{username} Test"),
                email: None,
                role,
                password_hash: hash,
                area_ids: vec![],
                must_change_password: false,
            },
        )
        .await
        .unwrap()
        .id
    }

    /// A client signed in as a new user of `role` named after the role.
    pub async fn signed_in(&self, role: Role) -> Client {
        let name = format!(
            "{}-{}",
            harbour::auth::policy::role_code(role),
            &harbour::auth::tokens::random_token()[..6]
        );
        self.create_user(&name, role).await;
        self.signed_in_as(&name).await
    }

    /// A client signed in as an existing user with the default password.
    pub async fn signed_in_as(&self, username: &str) -> Client {
        let mut c = self.client();
        let res = c.login(username, PASSWORD).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "sign-in as {username} failed: {}",
            res.body
        );
        c.get("/").await;
        c
    }

    /// Runs a query returning one integer (counts in assertions).
    pub async fn count(&self, sql: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                self.db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    }

    /// Audit events recorded with `action`.
    pub async fn audit_count(&self, action: &str) -> i64 {
        self.count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
        ))
        .await
    }

    pub async fn exec(&self, sql: &str) {
        self.db
            .execute_raw(Statement::from_string(
                self.db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .unwrap();
    }

    /// What `work` returns, and the text of each statement the app sent to the database
    /// meanwhile, in order: its round trips. (sea-orm reports every statement it runs, in
    /// a transaction or not; a transaction's `BEGIN` and `COMMIT` are not among them.)
    pub async fn statements_of<T>(&self, work: impl Future<Output = T>) -> (T, Vec<String>) {
        self.statements.start();
        let out = work.await;
        (out, self.statements.stop())
    }

    /// An `AppState` over this app's database, clock and settings (for calling
    /// capability functions, such as background jobs, directly).
    pub fn state(&self) -> AppState {
        AppState::new(self.db.clone(), self.clock.clone(), self.settings.clone())
    }
}

/// The statements the served app sends, kept only while a test listens.
#[derive(Default)]
pub struct StatementLog(std::sync::Mutex<Option<Vec<String>>>);

impl StatementLog {
    fn record(&self, sql: &str) {
        if let Some(kept) = self.0.lock().unwrap().as_mut() {
            kept.push(sql.to_owned());
        }
    }

    fn start(&self) {
        *self.0.lock().unwrap() = Some(vec![]);
    }

    fn stop(&self) -> Vec<String> {
        self.0.lock().unwrap().take().unwrap_or_default()
    }
}

/// What came back, read once.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Res {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The value of the first `<input name=NAME value=...>` in the page.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\"");
        let at = self.body.find(&marker)?;
        let start = self.body[..at].rfind('<')?;
        let end = at + self.body[at..].find('>')?;
        let tag = &self.body[start..end];
        let v = tag.split("value=\"").nth(1)?;
        Some(html_unescape(&v[..v.find('"')?]))
    }
}

pub fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A browser: keeps cookies, follows no redirects (tests look at them), sends the
/// Sec-Fetch-Site and Origin headers a real browser sends, and carries the page's form token.
pub struct Client {
    pub base: String,
    pub jar: Arc<Jar>,
    http: reqwest::Client,
    csrf: Option<String>,
}

impl Client {
    pub fn new(base: &str) -> Self {
        Self::with_jar(base, Arc::new(Jar::default()))
    }

    /// A client of `base` sharing `jar` (one browser talking to several instances: cookies
    /// go by host, not port).
    pub fn with_jar(base: &str, jar: Arc<Jar>) -> Self {
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Client {
            base: base.to_owned(),
            jar,
            http,
            csrf: None,
        }
    }

    async fn read(res: reqwest::Response) -> Res {
        Res {
            status: res.status(),
            headers: res.headers().clone(),
            body: res.text().await.unwrap_or_default(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Res {
        self.get_with(path, &[]).await
    }

    /// A GET with these extra headers.
    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Res {
        let mut req = self
            .http
            .get(format!("{}{path}", self.base))
            .header("sec-fetch-site", "same-origin");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = Self::read(req.send().await.unwrap()).await;
        if let Some(t) = res.input_value("csrf_token") {
            self.csrf = Some(t);
        }
        res
    }

    /// A download: status, headers and the raw bytes.
    pub async fn get_bytes(&mut self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        (status, headers, res.bytes().await.unwrap_or_default().to_vec())
    }

    /// [`Client::post`] with fields built at run time (owned names or values).
    pub async fn post_pairs(&mut self, path: &str, fields: &[(impl AsRef<str>, impl AsRef<str>)]) -> Res {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        self.post(path, &pairs).await
    }

    /// Posts a form as the page would, with the session's form token (fetched from the
    /// home or sign-in page if no page was loaded yet).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        if self.csrf.is_none() {
            self.get("/login").await;
        }
        let token = self.csrf.clone().unwrap_or_default();
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        form.extend_from_slice(fields);
        self.post_raw(
            path,
            &form,
            &[("sec-fetch-site", "same-origin"), ("origin", &self.base.clone())],
        )
        .await
    }

    /// Posts exactly these fields with exactly these extra headers (for forgery tests).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Res {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = Self::read(req.send().await.unwrap()).await;
        if let Some(t) = res.input_value("csrf_token") {
            self.csrf = Some(t);
        }
        res
    }

    /// Uploads a file as the page's form would (multipart, with the form token).
    pub async fn upload(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Res {
        if self.csrf.is_none() {
            self.get("/login").await;
        }
        let mut form =
            reqwest::multipart::Form::new().text("csrf_token", self.csrf.clone().unwrap_or_default());
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
        );
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header("sec-fetch-site", "same-origin")
            .header("origin", self.base.clone())
            .multipart(form)
            .send()
            .await
            .unwrap();
        let res = Self::read(res).await;
        if let Some(t) = res.input_value("csrf_token") {
            self.csrf = Some(t);
        }
        res
    }

    pub async fn login(&mut self, username: &str, password: &str) -> Res {
        self.get("/login").await;
        self.post("/login", &[("username", username), ("password", password)])
            .await
    }

    /// The current session cookie's value, if any.
    pub fn session_cookie(&self) -> Option<String> {
        let url = self.base.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|c| c.strip_prefix("harbour_session=").map(str::to_owned))
    }

    /// A new client holding a copy of this one's session cookie (a stolen cookie).
    pub fn clone_session(&self) -> Client {
        let other = Client::new(&self.base);
        if let Some(v) = self.session_cookie() {
            other.jar.add_cookie_str(
                &format!("harbour_session={v}; Path=/"),
                &self.base.parse().unwrap(),
            );
        }
        other
    }
}

/// Runs `harbour` (the real binary) with these arguments and standard input.
pub fn run_cli(args: &[&str], database_url: &str, stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_harbour"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("HARBOUR_LOG", "error")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run harbour");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}
