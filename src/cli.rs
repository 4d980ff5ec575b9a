//! Operator commands: serve, migrate, create-user, audit verify.

use crate::{
    audit::{self, Actor, Event, Origin},
    auth::{password, policy, users},
    clock::{Clock, SystemClock},
    config::{CreateUserArgs, ServeArgs},
    state::AppState,
};
use sea_orm::DatabaseConnection;
use std::{net::SocketAddr, sync::Arc};

pub async fn serve(mut args: ServeArgs) -> anyhow::Result<()> {
    if args.settings.public_url.is_empty() {
        args.settings.public_url = format!("http://{}", args.bind);
    }
    let db = crate::db::connect(&args.db.database_url).await?;
    crate::migrate(&db).await?;
    // A demo database says so on every page, however it is served.
    args.settings.demo = crate::demo::contents(&db).await? == crate::demo::Contents::Demo;
    let stop = shutdown_signal()?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    if let Some(token) = crate::auth::setup::issue_token_if_needed(&db, clock.now()).await? {
        println!(
            "\nNo administrator yet. Open this one-time link within the hour to create one:\n\n    {}/setup/{token}\n",
            args.settings.public_url.trim_end_matches('/')
        );
    }
    let state = AppState::new(db, clock, args.settings.clone());
    crate::housekeeping::spawn(state.clone());
    let holder = crate::deadlines::reminders::spawn(state.clone())?;
    let listener = tokio::net::TcpListener::bind(args.bind).await?;
    tracing::info!(address = %args.bind, "Harbour is listening");
    println!("Harbour is listening on http://{}", args.bind);
    axum::serve(
        listener,
        crate::app(state.clone()).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
    .await?;
    // In-flight requests have finished; let another instance take the reminders at once.
    crate::deadlines::reminders::release(&state, &holder).await?;
    tracing::info!("Harbour stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM, listened for from the moment this is called: before any job starts,
/// so a stop during start-up is graceful too (a handler installed when the future is first
/// polled would miss it, and the process would die holding the reminder lease).
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (mut interrupt, mut term) = (signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?);
        Ok(async move {
            tokio::select! { _ = interrupt.recv() => {}, _ = term.recv() => {} }
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

pub async fn migrate(database_url: &str) -> anyhow::Result<()> {
    let db = crate::db::connect(database_url).await?;
    crate::migrate(&db).await?;
    println!("Migrations are up to date.");
    Ok(())
}

/// Creates a user from the command line; the password comes from `password` (read from
/// standard input by `main`). Errors are sentences for the operator.
pub async fn create_user(args: &CreateUserArgs, password_text: &str) -> anyhow::Result<String> {
    let role = policy::parse_role(&args.role).ok_or_else(|| {
        anyhow::anyhow!(
            "unknown role {:?}: use tenancy-officer, harassment-officer, manager or admin",
            args.role
        )
    })?;
    users::check_username(&args.username).map_err(anyhow::Error::msg)?;
    let display_name = args.display_name.clone().unwrap_or_else(|| args.username.clone());
    users::check_display_name(&display_name).map_err(anyhow::Error::msg)?;
    let email = users::check_email(args.email.as_deref().unwrap_or("")).map_err(anyhow::Error::msg)?;
    password::check_policy(password_text, &args.username).map_err(anyhow::Error::msg)?;

    let db = crate::db::connect(&args.db.database_url).await?;
    crate::migrate(&db).await?;
    let hash = password::hash(password_text.to_owned()).await?;
    let now = SystemClock.now();
    let txn = crate::db::begin(&db).await?;
    let mut messages = vec![];
    let mut area_ids = vec![];
    let cli = Actor::named("cli");
    for name in &args.area {
        if !args.create_area
            && crate::admin::areas::store::find_by_name(&txn, name)
                .await?
                .is_none()
        {
            let known: Vec<String> = crate::cases::areas::all(&txn)
                .await?
                .into_iter()
                .map(|a| a.name)
                .collect();
            anyhow::bail!(
                "there is no area called {:?} (areas: {}); check the spelling, or add --create-area to create it",
                name.trim(),
                if known.is_empty() {
                    "none yet".to_owned()
                } else {
                    known.join(", ")
                }
            );
        }
        let (id, created) = crate::admin::areas::store::find_or_create(&txn, name, now).await?;
        if created {
            let event = Event::new(
                "area.created",
                format!("Created area {} from the command line", name.trim()),
            );
            audit::record(&txn, now, &cli, &Origin::default(), event.on("area", id)).await?;
            messages.push(format!("Created area {:?}.", name.trim()));
        }
        area_ids.push(id);
    }
    let user = users::create(
        &txn,
        now,
        users::NewUser {
            username: args.username.clone(),
            display_name,
            email,
            role,
            password_hash: hash,
            area_ids,
            must_change_password: false,
        },
    )
    .await
    .map_err(|e| match e {
        users::CreateUserError::DuplicateUsername => {
            anyhow::anyhow!(
                "a user named {:?} already exists (usernames ignore case)",
                args.username.trim()
            )
        }
        users::CreateUserError::Db(e) => e.into(),
    })?;
    audit::record(
        &txn,
        now,
        &cli,
        &Origin::default(),
        Event::new(
            "user.created",
            format!(
                "Created {} ({}) from the command line",
                user.username,
                policy::role_code(role)
            ),
        )
        .on("user", user.id),
    )
    .await?;
    txn.commit().await?;
    messages.push(format!(
        "Created {} {:?}.",
        policy::role_label(role).to_lowercase(),
        user.username
    ));
    Ok(messages.join("\n"))
}

/// Writes a consistent copy of a SQLite database to `to` while it is in use (`VACUUM
/// INTO`: one read transaction, so writers carry on and the copy is of one moment).
/// PostgreSQL is backed up with its own tools.
pub async fn backup(args: &crate::config::BackupArgs) -> anyhow::Result<String> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    anyhow::ensure!(
        !args.to.exists(),
        "{} exists already: choose a new file",
        args.to.display()
    );
    let db = crate::db::connect(&args.db.database_url).await?;
    anyhow::ensure!(
        db.get_database_backend() == DatabaseBackend::Sqlite,
        "this database is PostgreSQL: back it up with pg_dump (see the README, \"Backups\")"
    );
    let to = args
        .to
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("the file name is not UTF-8"))?;
    db.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        "VACUUM INTO ?",
        [to.into()],
    ))
    .await?;
    Ok(format!("Backed up to {to}."))
}

/// Ok(message) when the chain, its summarised periods, every stored daily anchor and every
/// `anchors` given hold; Err(message) naming the first thing that does not.
pub async fn audit_verify(
    db: &DatabaseConnection,
    anchors: &[audit::anchors::Anchor],
) -> anyhow::Result<Result<String, String>> {
    let checked = match audit::verify(db).await? {
        Ok(n) => n,
        Err(b) => {
            return Ok(Err(format!(
                "Audit trail broken at event {}: {}.",
                b.id, b.reason
            )));
        }
    };
    let stored = audit::anchors::all_stored(db).await?;
    for a in &stored {
        let anchor = audit::anchors::Anchor {
            id: Some(a.last_id),
            hash: a.hash.clone(),
        };
        let finding = audit::anchors::check(db, &anchor).await?;
        if !finding.holds() {
            return Ok(Err(format!(
                "Audit trail broken: the anchor recorded on {} {}.",
                a.for_day,
                finding.sentence()
            )));
        }
    }
    let mut message = format!("Audit trail intact: {checked} events checked");
    let periods = audit::periods::count(db).await?;
    if periods > 0 {
        message.push_str(&format!(
            " after {periods} summarised month{}",
            if periods == 1 { "" } else { "s" }
        ));
    }
    message.push_str(&format!(
        "; {} stored daily anchor{} hold.",
        stored.len(),
        if stored.len() == 1 { "" } else { "s" }
    ));
    for anchor in anchors {
        let finding = audit::anchors::check(db, anchor).await?;
        if !finding.holds() {
            return Ok(Err(format!(
                "Audit trail broken: the anchor {anchor} {}.",
                finding.sentence()
            )));
        }
        message.push_str(&format!("\nThe anchor {}.", finding.sentence()));
    }
    Ok(Ok(message))
}
