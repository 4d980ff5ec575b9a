//! The daily reminder run: lease, once per London day, notices and the audit trail's daily
//! anchor in one transaction, then summarising audit events older than the retention
//! period, then the digest e-mails (managers' carry the anchor).

use super::{Kind, digest, lease};
use crate::{
    audit::{self, Actor, Event, Origin, anchors::Anchor},
    calendar::end_of_london_day,
    cases::{codes, visibility::Viewer},
    deadlines::{calendar_settings, responsible_officer, state as deadline_state},
    state::AppState,
};
use entity::{cases, deadlines, job_runs, notices, user_areas, users};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, JoinType,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, OffsetDateTime};
use time_tz::{OffsetDateTimeExt, timezones::db::europe::LONDON};

/// The job's name in `job_leases` and `job_runs`.
pub const JOB: &str = "reminders";

/// Rows per INSERT (well inside both databases' bound-parameter limits).
const CHUNK: usize = 500;

/// What one call of [`run_due`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// Another instance holds the lease.
    NotLeaseHolder,
    /// It is before the reminder hour in London.
    BeforeReminderHour,
    /// Today's run has already happened (here or on another instance).
    AlreadyRan,
    /// Today's run happened now.
    Ran(Counts),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Notices created (a notice that already existed is not counted again).
    pub notices: u64,
    /// Digest e-mails the SMTP server accepted.
    pub emails: u64,
    /// Digest e-mails that could not be sent (logged).
    pub email_failures: u64,
}

impl RunOutcome {
    pub fn ran(&self) -> bool {
        matches!(self, RunOutcome::Ran(_))
    }

    pub fn counts(&self) -> Counts {
        match self {
            RunOutcome::Ran(counts) => *counts,
            _ => Counts::default(),
        }
    }
}

/// Tries the daily run every minute for as long as the process lives; returns this
/// instance's lease holder name (for [`release`] at shutdown). Fails at once (for `serve`
/// to report) when the e-mail settings are unusable.
pub fn spawn(state: AppState) -> anyhow::Result<String> {
    digest::Mailer::from_settings(&state.settings).map_err(anyhow::Error::msg)?;
    let holder = holder_name(state.settings.job_instance.as_deref());
    tracing::info!(holder = %holder, "reminder job started");
    let name = holder.clone();
    tokio::spawn(async move {
        let holder = name;
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_due(&state, &holder).await {
                Ok(RunOutcome::Ran(c)) => tracing::info!(
                    notices = c.notices,
                    emails = c.emails,
                    email_failures = c.email_failures,
                    "reminders sent"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reminder run failed; will retry"),
            }
        }
    });
    Ok(holder)
}

/// Gives up this instance's lease on the reminder job, at shutdown.
pub async fn release(state: &AppState, holder: &str) -> Result<(), DbErr> {
    lease::release(&state.db, JOB, holder).await
}

/// The configured instance name (trimmed, at most the column's width), else a generated one.
fn holder_name(configured: Option<&str>) -> String {
    match configured.map(str::trim).filter(|h| !h.is_empty()) {
        Some(h) => h.chars().take(lease::MAX_HOLDER).collect(),
        None => lease::default_holder(),
    }
}

/// One attempt at today's run as instance `holder`: takes (or renews) the lease, then, if
/// it is past the reminder hour and today's run has not happened, makes today's notices
/// and sends the digests. Safe to call as often as liked, from any number of instances.
pub async fn run_due(state: &AppState, holder: &str) -> Result<RunOutcome, DbErr> {
    let now = state.now();
    if !lease::acquire(&state.db, JOB, holder, now, lease::TTL).await? {
        return Ok(RunOutcome::NotLeaseHolder);
    }
    let local = now.to_timezone(LONDON);
    if local.hour() < state.settings.reminder_hour {
        return Ok(RunOutcome::BeforeReminderHour);
    }
    let today = local.date();
    if job_runs::Entity::find_by_id((JOB.to_owned(), today))
        .one(&state.db)
        .await?
        .is_some()
    {
        return Ok(RunOutcome::AlreadyRan);
    }
    let Some(notices) = make_notices(&state.db, holder, today, now).await? else {
        return Ok(RunOutcome::AlreadyRan);
    };
    // Once a day, on one instance: the reminder run's lease and day record cover it.
    let past_retention = match crate::retention::daily(&state.db, holder, today, now).await {
        Ok(waiting) => waiting,
        Err(e) => {
            tracing::warn!(error = %e, "could not list cases past their retention date");
            0
        }
    };
    let mut counts = Counts {
        notices,
        ..Counts::default()
    };
    // Today's run is recorded: a failure here is logged, and never stops the digests.
    // Audit events are kept as long as the longest retention period, never less than six
    // years: the floor `audit verify` holds summaries to.
    let years = match crate::retention::rules::Retention::load(&state.db).await {
        Ok(r) => u32::try_from(r.longest())
            .unwrap_or(0)
            .max(audit::periods::DEFAULT_RETENTION_YEARS),
        Err(_) => audit::periods::DEFAULT_RETENTION_YEARS,
    };
    match audit::periods::summarise_older_than(&state.db, now, years).await {
        Ok(Ok(done)) if done.periods > 0 => {
            tracing::info!(
                months = done.periods,
                events = done.events,
                "old audit events summarised"
            )
        }
        Ok(Ok(_)) => {}
        Ok(Err(b)) => tracing::error!(
            event = b.id,
            reason = b.reason,
            "the audit trail is broken: old events were not summarised"
        ),
        Err(e) => tracing::warn!(error = %e, "could not summarise old audit events; will retry tomorrow"),
    }
    let anchor = audit::anchors::stored(&state.db, today).await?;
    // Checked at start-up by `spawn`; a test may configure anything.
    let mailer = match digest::Mailer::from_settings(&state.settings) {
        Ok(mailer) => mailer,
        Err(e) => {
            tracing::warn!(error = %e, "reminder e-mails are off");
            None
        }
    };
    if let Some(mailer) = mailer {
        (counts.emails, counts.email_failures) = send_digests(
            &state.db,
            &mailer,
            &state.settings.public_url,
            today,
            now,
            anchor.as_ref(),
            past_retention,
        )
        .await?;
        job_runs::Entity::update_many()
            .col_expr(job_runs::Column::Emails, Expr::value(clamp(counts.emails)))
            .filter(job_runs::Column::Name.eq(JOB))
            .filter(job_runs::Column::ForDay.eq(today))
            .exec(&state.db)
            .await?;
    }
    Ok(RunOutcome::Ran(counts))
}

fn clamp(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Records today's run and creates its notices, in one transaction; `None` when another
/// instance recorded today's run first (the `job_runs` key refused ours).
async fn make_notices(
    db: &DatabaseConnection,
    holder: &str,
    today: Date,
    now: OffsetDateTime,
) -> Result<Option<u64>, DbErr> {
    let txn = crate::db::begin(db).await?;
    let run = job_runs::ActiveModel {
        name: Set(JOB.to_owned()),
        for_day: Set(today),
        holder: Set(holder.to_owned()),
        ran_at: Set(now),
        notices: Set(0),
        emails: Set(0),
    };
    match job_runs::Entity::insert(run).exec_without_returning(&txn).await {
        Ok(_) => {}
        Err(e) if crate::db::is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e),
    }

    let calendar = calendar_settings::load(&txn).await?;
    let due_soon_until = end_of_london_day(calendar.next_working_day(today));
    let wanted = due_reminders(&txn, now, due_soon_until).await?;
    let mut created = 0;
    for chunk in wanted.chunks(CHUNK) {
        let rows = chunk
            .iter()
            .map(|(user_id, deadline_id, kind)| notices::ActiveModel {
                user_id: Set(*user_id),
                deadline_id: Set(*deadline_id),
                kind: Set(kind.code().to_owned()),
                for_day: Set(today),
                created_at: Set(now),
                read_at: Set(None),
                ..Default::default()
            });
        created += match notices::Entity::insert_many(rows)
            .on_conflict_do_nothing_on([
                notices::Column::UserId,
                notices::Column::DeadlineId,
                notices::Column::Kind,
                notices::Column::ForDay,
            ])
            .exec_without_returning(&txn)
            .await?
        {
            sea_orm::TryInsertResult::Inserted(n) => n,
            _ => 0,
        };
    }
    job_runs::Entity::update_many()
        .col_expr(job_runs::Column::Notices, Expr::value(clamp(created)))
        .filter(job_runs::Column::Name.eq(JOB))
        .filter(job_runs::Column::ForDay.eq(today))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        now,
        &Actor::named("reminder job"),
        &Origin::default(),
        Event::new(
            "reminders.run",
            format!("Reminders for {today}: {created} notices (instance {holder})"),
        )
        .on("job", JOB),
    )
    .await?;
    // The head after today's row: deleting any event up to here is now detectable.
    audit::anchors::record_daily(&txn, today, now).await?;
    txn.commit().await?;
    Ok(Some(created))
}

/// (recipient, deadline, kind) for every open deadline on an open case that is overdue at
/// `now` or due by `due_soon_until`, for its responsible officer while they are active.
async fn due_reminders(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
    due_soon_until: OffsetDateTime,
) -> Result<Vec<(i32, i32, Kind)>, DbErr> {
    let rows: Vec<(deadlines::Model, Option<cases::Model>)> = deadlines::Entity::find()
        .join(JoinType::InnerJoin, crate::deadlines::case_relation())
        .select_also(cases::Entity)
        .filter(deadlines::Column::Status.eq(deadline_state::OPEN))
        .filter(deadlines::Column::DueAt.lte(due_soon_until))
        .filter(cases::Column::Status.eq(codes::OPEN))
        .order_by_asc(deadlines::Column::Id)
        .all(db)
        .await?;
    let mut recipients: Vec<i32> = rows
        .iter()
        .filter_map(|(_, case)| case.as_ref().map(responsible_officer))
        .collect();
    recipients.sort_unstable();
    recipients.dedup();
    let mut active = BTreeSet::new();
    for ids in recipients.chunks(CHUNK) {
        active.extend(
            users::Entity::find()
                .select_only()
                .column(users::Column::Id)
                .filter(users::Column::Id.is_in(ids.iter().copied()))
                .filter(users::Column::Active.eq(true))
                .into_tuple::<i32>()
                .all(db)
                .await?,
        );
    }
    Ok(rows
        .into_iter()
        .filter_map(|(deadline, case)| {
            let officer = responsible_officer(case.as_ref()?);
            let kind = if deadline.due_at < now {
                Kind::Overdue
            } else {
                Kind::DueSoon
            };
            active.contains(&officer).then_some((officer, deadline.id, kind))
        })
        .collect())
}

pub(super) fn notice_deadline_relation() -> sea_orm::RelationDef {
    notices::Entity::belongs_to(deadlines::Entity)
        .from(notices::Column::DeadlineId)
        .to(deadlines::Column::Id)
        .into()
}

/// Sends each active officer with an e-mail address one digest of today's notices, listing
/// only cases they may see, and every active manager one carrying today's audit anchor
/// (with or without deadlines). (sent, failed); failures are logged and never stop the
/// others.
async fn send_digests(
    db: &DatabaseConnection,
    mailer: &digest::Mailer,
    public_url: &str,
    today: Date,
    now: OffsetDateTime,
    anchor: Option<&Anchor>,
    past_retention: usize,
) -> Result<(u64, u64), DbErr> {
    let mut recipient_ids: Vec<i32> = notices::Entity::find()
        .select_only()
        .column(notices::Column::UserId)
        .distinct()
        .filter(notices::Column::ForDay.eq(today))
        .into_tuple()
        .all(db)
        .await?;
    if anchor.is_some() {
        recipient_ids.extend(
            users::Entity::find()
                .select_only()
                .column(users::Column::Id)
                .filter(users::Column::Role.eq(entity::Role::Manager))
                .filter(users::Column::Active.eq(true))
                .into_tuple::<i32>()
                .all(db)
                .await?,
        );
        recipient_ids.sort_unstable();
        recipient_ids.dedup();
    }
    let mut recipients = vec![];
    for ids in recipient_ids.chunks(CHUNK) {
        recipients.extend(
            users::Entity::find()
                .filter(users::Column::Id.is_in(ids.iter().copied()))
                .filter(users::Column::Active.eq(true))
                .filter(users::Column::Email.is_not_null())
                .order_by_asc(users::Column::Id)
                .all(db)
                .await?,
        );
    }
    let (mut sent, mut failed) = (0, 0);
    for user in recipients {
        let Some(address) = user.email.as_deref().filter(|a| !a.trim().is_empty()) else {
            continue;
        };
        let items = digest_items(db, &user, today).await?;
        let managers = anchor
            .filter(|_| user.role == entity::Role::Manager)
            .map(|anchor| digest::ForManagers {
                day: today,
                anchor,
                past_retention,
            });
        if items.is_empty() && managers.is_none() {
            continue;
        }
        let (subject, body) = digest::compose(&items, public_url, managers);
        match mailer.send(address, &subject, body, now).await {
            Ok(()) => sent += 1,
            Err(e) => {
                failed += 1;
                tracing::warn!(user_id = user.id, error = %e, "could not send a reminder digest");
            }
        }
    }
    Ok((sent, failed))
}

/// Today's notices for `user` on cases they may see, one item per (deadline, kind).
async fn digest_items(
    db: &impl ConnectionTrait,
    user: &users::Model,
    today: Date,
) -> Result<Vec<digest::Item>, DbErr> {
    let viewer = Viewer {
        id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        area_ids: user_areas::Entity::find()
            .select_only()
            .column(user_areas::Column::AreaId)
            .filter(user_areas::Column::UserId.eq(user.id))
            .into_tuple()
            .all(db)
            .await?,
    };
    let rows: Vec<(String, String, String, OffsetDateTime)> = notices::Entity::find()
        .select_only()
        .column(notices::Column::Kind)
        .column(cases::Column::Reference)
        .column(deadlines::Column::Stage)
        .column(deadlines::Column::DueAt)
        .join(JoinType::InnerJoin, notice_deadline_relation())
        .join(JoinType::InnerJoin, crate::deadlines::case_relation())
        .filter(notices::Column::UserId.eq(user.id))
        .filter(notices::Column::ForDay.eq(today))
        .filter(viewer.condition())
        .into_tuple()
        .all(db)
        .await?;
    let mut items = BTreeMap::new();
    for (kind, reference, stage, due_at) in rows {
        if let Some(kind) = Kind::from_code(&kind) {
            items
                .entry((kind, due_at, reference.clone(), stage.clone()))
                .or_insert(digest::Item {
                    kind,
                    reference,
                    stage,
                    due_at,
                });
        }
    }
    Ok(items.into_values().collect())
}
