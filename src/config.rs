//! Command line and environment. Every setting is a flag with a `HARBOUR_*` (or
//! `DATABASE_URL`) environment variable and a safe default; `harbour --help` lists them.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Parser, Debug)]
#[command(
    name = "harbour",
    version,
    about = "Harbour: racial-harassment and hate-incident case tracking for social landlords",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run pending migrations, then serve the web application (the default).
    Serve(ServeArgs),
    /// Run pending migrations and exit.
    Migrate(DbArgs),
    /// Create a staff account; the password is read from standard input.
    CreateUser(CreateUserArgs),
    /// Import cases from a spreadsheet (CSV or .xlsx): every row is checked first, then
    /// all are written or none.
    Import(ImportArgs),
    /// Fill a separate demo database with two years of a realistic landlord, then serve it.
    Demo(DemoArgs),
    /// Copy a SQLite database while Harbour serves it (consistent, online); for PostgreSQL,
    /// use pg_dump (see the README).
    Backup(BackupArgs),
    /// Audit-trail tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the audit trail's hash chain, its summarised periods and every stored daily
    /// anchor; exits non-zero if any row was changed or removed.
    Verify(VerifyArgs),
    /// Print the newest event's number and hash as one line ("12345 <hash>"), for an
    /// external scheduler to keep and later pass to `audit verify --anchor`.
    Head(DbArgs),
}

#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// A line printed by `harbour audit head` (or ID:HASH, or the hash alone): verify also
    /// proves the chain still reaches that event, so deleting the newest events is detected.
    /// Repeatable.
    #[arg(long, value_name = "HEAD_LINE")]
    pub anchor: Vec<crate::audit::anchors::Anchor>,
}

#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// Database URL: sqlite://FILE?mode=rwc (embedded) or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://harbour.db?mode=rwc")]
    pub database_url: String,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address and port to listen on.
    #[arg(long, env = "HARBOUR_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    #[command(flatten)]
    pub settings: Settings,
}

/// Settings the running application needs (also built directly by tests).
#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// The address staff use to reach Harbour, e.g. https://harbour.example.org (default:
    /// http:// and the bind address). When it starts with https, cookies are Secure and HSTS
    /// is sent. Also the trusted origin for cross-site request checks behind a proxy.
    #[arg(long, env = "HARBOUR_PUBLIC_URL", default_value = "")]
    pub public_url: String,
    /// Organisation name shown in the page header.
    #[arg(long, env = "HARBOUR_ORG_NAME", default_value = "Your housing association")]
    pub org_name: String,
    /// Minutes without activity after which a session ends.
    #[arg(long, env = "HARBOUR_IDLE_TIMEOUT_MINUTES", default_value_t = 30)]
    pub idle_timeout_minutes: i64,
    /// Hours after sign-in after which a session ends, however active.
    #[arg(long, env = "HARBOUR_ABSOLUTE_TIMEOUT_HOURS", default_value_t = 12)]
    pub absolute_timeout_hours: i64,
    /// Sign-in attempts allowed from one client address per 15 minutes.
    #[arg(long, env = "HARBOUR_LOGIN_RATE_LIMIT", default_value_t = 30)]
    pub login_rate_limit: i32,
    /// Header holding the client address when behind one reverse proxy (e.g.
    /// X-Forwarded-For; its last entry, the one the proxy appended, is used). Leave unset when
    /// not behind a proxy, or clients could choose their own address.
    #[arg(long, env = "HARBOUR_CLIENT_IP_HEADER")]
    pub client_ip_header: Option<String>,
    /// Keep the X-Request-Id a reverse proxy sets (1–64 letters, digits, `.`, `_`, `-`)
    /// instead of making one, so the proxy's and Harbour's logs line up. Only behind a proxy
    /// that sets it on every request: otherwise clients choose what the logs say.
    #[arg(long, env = "HARBOUR_TRUST_REQUEST_ID", default_value_t = false)]
    pub trust_request_id: bool,
    /// Seconds a request may take before it is abandoned with 408.
    #[arg(long, env = "HARBOUR_REQUEST_TIMEOUT_SECONDS", default_value_t = 30)]
    pub request_timeout_seconds: u64,
    /// SMTP server for the daily reminder digest, e.g. smtp://mail.example.org:25,
    /// smtp://user:pass@mail.example.org:587?tls=required (STARTTLS) or
    /// smtps://user:pass@mail.example.org (TLS). Unset: no e-mail, in-app notices only.
    #[arg(long, env = "HARBOUR_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of reminder e-mails.
    #[arg(long, env = "HARBOUR_SMTP_FROM", default_value = DEFAULT_SMTP_FROM)]
    pub smtp_from: String,
    /// Hour of the day (Europe/London, 0-23) after which the daily reminders are made and sent.
    #[arg(long, env = "HARBOUR_REMINDER_HOUR", default_value_t = 7,
          value_parser = clap::value_parser!(u8).range(0..=23))]
    pub reminder_hour: u8,
    /// This instance's name when taking the background-job lease (default:
    /// hostname-pid-random). Only the lease holder sends reminders.
    #[arg(long, env = "HARBOUR_JOB_INSTANCE")]
    pub job_instance: Option<String>,
    /// Set when serving a demo database: every page says so.
    #[arg(skip)]
    pub demo: bool,
}

const DEFAULT_SMTP_FROM: &str = "Harbour <harbour@localhost>";

impl Settings {
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The configured SMTP URL, if e-mail is on (an empty value means off).
    pub fn smtp_url(&self) -> Option<&str> {
        self.smtp_url.as_deref().map(str::trim).filter(|u| !u.is_empty())
    }

    /// The scheme-host-port origin of the public URL, as browsers send it in `Origin`.
    pub fn public_origin(&self) -> String {
        match url::Url::parse(&self.public_url) {
            Ok(u) => u.origin().ascii_serialization(),
            Err(_) => self.public_url.trim_end_matches('/').to_string(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            public_url: "http://127.0.0.1:8080".into(),
            org_name: "Your housing association".into(),
            idle_timeout_minutes: 30,
            absolute_timeout_hours: 12,
            login_rate_limit: 30,
            client_ip_header: None,
            trust_request_id: false,
            request_timeout_seconds: 30,
            smtp_url: None,
            smtp_from: DEFAULT_SMTP_FROM.into(),
            reminder_hour: 7,
            job_instance: None,
            demo: false,
        }
    }
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The copy to write; must not exist yet.
    #[arg(long)]
    pub to: std::path::PathBuf,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The spreadsheet: CSV or an Excel workbook (.xlsx).
    pub file: std::path::PathBuf,
    /// Check the file and print what would be created; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// For a workbook: the sheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// The manager the import is recorded as.
    #[arg(long = "as", value_name = "USERNAME")]
    pub as_user: String,
    /// Map ethnicity wording the file uses to a category code (repeatable; remembered):
    /// --map "Brit Asian=asian-other".
    #[arg(long, value_name = "WORDING=CODE")]
    pub map: Vec<String>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// The demo database (never a real one: Harbour refuses a database holding real data).
    #[arg(long, default_value = "sqlite://harbour-demo.db?mode=rwc")]
    pub database_url: String,
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Seed of the generated landlord: the same seed makes the same cases.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// About how many cases to make.
    #[arg(long, default_value_t = 2000)]
    pub cases: usize,
    /// Fill the database and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Args, Debug)]
pub struct CreateUserArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub username: String,
    /// tenancy-officer, harassment-officer, manager or admin.
    #[arg(long)]
    pub role: String,
    #[arg(long)]
    pub display_name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// Area the user works in (repeat for several). It must exist, unless --create-area.
    #[arg(long)]
    pub area: Vec<String>,
    /// Create any --area that does not exist yet (otherwise a mistyped area is refused).
    #[arg(long)]
    pub create_area: bool,
    /// Read the password from standard input (required: passwords never go on a command line).
    #[arg(long, required = true)]
    pub password_stdin: bool,
}
