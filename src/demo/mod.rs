//! `harbour demo`: a made-up landlord to see Harbour working in a minute. Two years of
//! cases in three areas, staff in every role, made through the importer and so through
//! the intake service and the same stores as the forms; the last few weeks' cases keep
//! their deadlines live (met, late and overdue). Casework (risk assessments, plans,
//! support, referrals, court dates, a few restrictions: [`casework`]) is recorded on each case between its report and
//! its closure through the case page's services. The same seed makes the same landlord.

mod casework;

use crate::{
    audit::Origin,
    auth::{password, policy, users},
    cases::{timeline::Actor, visibility::Viewer},
    clock::{Clock, SystemClock},
    config::{DbArgs, DemoArgs, ServeArgs},
    import::{commit, plan, read::Grid},
};
use entity::{Role, cases, settings};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};
use time::{Duration, OffsetDateTime};

/// The settings row that marks a demo database.
const DEMO_KEY: &str = "demo";

/// Every demo account's password. It exists only in a demo database.
pub const PASSWORD: &str = "harbour-demo-2026";

const AREAS: [&str; 3] = ["North Estate", "Riverside", "Town Centre"];

/// How far back the demo's work is live rather than imported history.
const LIVE_FOR: Duration = Duration::days(21);

/// (username, display name, role, areas by index)
const STAFF: [(&str, &str, Role, &[usize]); 8] = [
    ("demo-manager", "Grace Okafor", Role::Manager, &[0, 1, 2]),
    ("demo-officer", "Sam Patel", Role::HarassmentOfficer, &[0, 1]),
    (
        "demo-officer2",
        "Rhiannon Evans",
        Role::HarassmentOfficer,
        &[1, 2],
    ),
    ("demo-tenancy", "Tom Walsh", Role::TenancyOfficer, &[0]),
    ("demo-tenancy2", "Aisha Begum", Role::TenancyOfficer, &[1]),
    ("demo-tenancy3", "Lukasz Nowak", Role::TenancyOfficer, &[2]),
    ("demo-equality", "Femi Adeyemi", Role::EqualityLead, &[]),
    ("demo-admin", "Chris Doyle", Role::Admin, &[]),
];

/// What is in a database, for deciding whether the demo may use it.
#[derive(Debug, PartialEq, Eq)]
pub enum Contents {
    Empty,
    Demo,
    /// Real data: the demo refuses it.
    Real,
}

pub async fn contents(db: &DatabaseConnection) -> Result<Contents, sea_orm::DbErr> {
    if settings::Entity::find_by_id(DEMO_KEY).one(db).await?.is_some() {
        return Ok(Contents::Demo);
    }
    let users = entity::users::Entity::find().count(db).await?;
    let cases = cases::Entity::find().count(db).await?;
    Ok(if users == 0 && cases == 0 {
        Contents::Empty
    } else {
        Contents::Real
    })
}

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let db = crate::db::connect_for(&args.database_url, crate::db::Work::BulkWrite).await?;
    crate::migrate(&db).await?;
    match contents(&db).await? {
        Contents::Real => anyhow::bail!(
            "{} holds real data (users or cases that are not a demo's). The demo only fills an empty database or one it made: give it another --database-url",
            args.database_url
        ),
        Contents::Demo => println!("Reusing the demo landlord in {}.", args.database_url),
        Contents::Empty => {
            println!("Making a demo landlord in {} …", args.database_url);
            // A serial write on SQLite: twice as fast on one core (`one_cpu`).
            let held = crate::db::is_sqlite(&db).then(crate::one_cpu::hold);
            let created = fill(&db, args.seed, args.cases, SystemClock.now()).await?;
            drop(held);
            println!("Made {created} cases.");
        }
    }
    println!("\nSign in with any of these (password {PASSWORD}):");
    for (username, name, role, _) in STAFF {
        println!("  {username:<15} {name} ({})", policy::role_label(role));
    }
    // The filling's connections are done with: `serve` makes its own, for serving.
    db.close().await?;
    if args.no_serve {
        return Ok(());
    }
    // `serve` sees the demo database and shows the banner.
    crate::cli::serve(ServeArgs {
        db: DbArgs {
            database_url: args.database_url,
        },
        bind: args.bind,
        settings: args.settings,
    })
    .await
}

/// Fills an empty database: areas, staff, then the cases. Returns how many cases.
pub async fn fill(
    db: &DatabaseConnection,
    seed: u64,
    cases: usize,
    now: OffsetDateTime,
) -> anyhow::Result<usize> {
    let hash = password::hash(PASSWORD.to_owned()).await?;
    let txn = crate::db::begin(db).await?;
    settings::Entity::insert(settings::ActiveModel {
        key: Set(DEMO_KEY.to_owned()),
        value: Set("true".to_owned()),
        updated_at: Set(now),
        updated_by: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    let mut area_ids = vec![];
    for name in AREAS {
        area_ids.push(
            crate::admin::areas::store::find_or_create(&txn, name, now)
                .await?
                .0,
        );
    }
    let mut manager = None;
    let mut officers = vec![];
    for (username, display_name, role, areas) in STAFF {
        let user = users::create(
            &txn,
            now,
            users::NewUser {
                username: username.to_owned(),
                display_name: display_name.to_owned(),
                email: None,
                role,
                password_hash: hash.clone(),
                area_ids: areas.iter().map(|&i| area_ids[i]).collect(),
                must_change_password: false,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo user {username}: {e}"))?;
        match role {
            Role::Manager => manager = Some(user),
            Role::HarassmentOfficer => officers.push(user),
            _ => {}
        }
    }
    let manager = manager.ok_or_else(|| anyhow::anyhow!("the demo has no manager"))?;
    // This landlord's procedure gives Priority 1 to violence, threats and serious harm,
    // not to every hate incident (a setting), so both priorities show.
    let rules = crate::cases::settings::CaseSettings {
        hate_is_priority_1: false,
        ..Default::default()
    };
    rules.save(&txn, now, manager.id).await?;
    txn.commit().await?;
    if cases == 0 {
        // A landlord with staff and no history (a file to import into, say).
        return Ok(0);
    }
    let viewer = Viewer::load(db, &manager).await?;
    let cx = plan::Context::load(db, &viewer, now).await?;
    let sheet = landlord(seed, cases, now).into();
    let mut plan = plan::plan(db, sheet, cx).await?;
    if let Some(p) = plan.problems.first() {
        anyhow::bail!(
            "the demo generator made a row Harbour refuses (row {}, {}: {})",
            p.row,
            p.column,
            p.message
        );
    }
    // A working landlord's last three weeks: what fell due was met, late or is overdue. Older
    // open cases are history as an import makes it (what fell due before is closed off as
    // not recorded, what recurs starts again), or every officer would open Harbour to
    // hundreds of deadlines missed months ago.
    plan.live_for = Some(LIVE_FOR);
    let origin = Origin::default();
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    let target = commit::Target::File {
        name: "demo landlord",
        sheet: None,
    };
    let mut staff = vec![];
    for officer in &officers {
        staff.push(Viewer::load(db, officer).await?);
    }
    let casework = casework::Casework::load(db, seed, now, viewer.clone(), staff).await?;
    let counts = commit::commit_with(db, &mut plan, target, &by, &mut |_| {}, &casework).await?;
    Ok(counts.map_or(0, |c| c.cases))
}

/// `at` moved into working hours (from 08:30 London time): staff ring, visit and assess
/// in the day, whenever the report came in.
fn working_hours(at: OffsetDateTime) -> OffsetDateTime {
    use crate::web::time_fmt;
    let local = time_fmt::london(at);
    let morning = |day: time::Date| {
        time_fmt::london_at(day, time::macros::time!(08:30)).unwrap_or(at)
            + Duration::minutes(i64::from(local.minute()))
    };
    let next = |day: time::Date| day.next_day().unwrap_or(day);
    let moved = match local.hour() {
        0..8 => morning(local.date()),
        18.. => morning(next(local.date())),
        _ => at,
    };
    // Not at the weekend: the Monday morning after.
    let day = time_fmt::london(moved).date();
    match day.weekday() {
        time::Weekday::Saturday => morning(next(next(day))),
        time::Weekday::Sunday => morning(next(day)),
        _ => moved,
    }
}

/// Weighted choice: `(value, weight)`.
fn pick<'a, R: Rng>(rng: &mut R, items: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total);
    for (item, weight) in items {
        if n < *weight {
            return item;
        }
        n -= weight;
    }
    items[0].0
}

/// Victims' ethnicity, roughly a diverse English city's tenants who report harassment.
const VICTIM_ETHNICITY: [(&str, u32); 14] = [
    ("Pakistani", 14),
    ("Indian", 10),
    ("Bangladeshi", 7),
    ("African", 14),
    ("Caribbean", 8),
    ("Any other Black, Black British, or Caribbean background", 3),
    ("White and Black Caribbean", 4),
    ("English, Welsh, Scottish, Northern Irish or British", 9),
    ("Any other White background", 8),
    ("Roma", 3),
    ("Arab", 6),
    ("Chinese", 3),
    ("Prefer not to say", 4),
    ("", 7),
];

const PERPETRATOR_ETHNICITY: [(&str, u32); 7] = [
    ("English, Welsh, Scottish, Northern Irish or British", 45),
    ("Any other White background", 10),
    ("Pakistani", 6),
    ("African", 6),
    ("Caribbean", 4),
    ("White and Black Caribbean", 4),
    ("", 25),
];

const TYPES: [(&str, u32); 9] = [
    ("Verbal abuse", 30),
    ("Threats or intimidation", 14),
    ("Graffiti on the home", 8),
    ("Damage to property or vehicle", 8),
    ("Abusive calls, texts or messages", 8),
    ("Online abuse", 6),
    ("Physical assault", 5),
    ("Rubbish or items thrown at the home", 8),
    ("Written abuse, hate mail or leaflets", 5),
];

/// The generator's types that Harbour suggests as Priority 1 (`codes::SERIOUS_TYPES`).
const SERIOUS: [&str; 3] = [
    "Threats or intimidation",
    "Damage to property or vehicle",
    "Physical assault",
];

const STRANDS: [(&str, u32); 5] = [
    ("Race", 70),
    ("Religion or belief", 16),
    ("Disability", 6),
    ("Sexual orientation", 5),
    ("Transgender identity", 3),
];

const OUTCOMES: [(&str, u32); 6] = [
    ("Resolved", 52),
    ("Partly resolved", 18),
    ("Unresolved – victim moved", 8),
    ("Unresolved – no further action possible", 12),
    ("Withdrawn by victim", 7),
    ("Reclassified as not a hate incident", 3),
];

const LADDER: [&str; 6] = [
    "Warning letter",
    "Acceptable Behaviour Contract",
    "Mediation",
    "Civil injunction",
    "Notice Seeking Possession",
    "Community Protection Notice",
];

const SATISFACTION: [(&str, u32); 6] = [
    ("Very satisfied", 25),
    ("Fairly satisfied", 30),
    ("Neither satisfied nor dissatisfied", 12),
    ("Fairly dissatisfied", 12),
    ("Very dissatisfied", 8),
    ("Could not contact the victim", 13),
];

const FIRST_NAMES: [&str; 20] = [
    "Amina", "Yusuf", "Grace", "Kwame", "Priya", "Tomasz", "Fatima", "Daniel", "Leila", "Chen", "Mariam",
    "Ola", "Zainab", "Marcus", "Ionut", "Hassan", "Nia", "Ravi", "Sofia", "Abdi",
];
const SURNAMES: [&str; 20] = [
    "Khan", "Okafor", "Hussain", "Mensah", "Patel", "Kowalski", "Ali", "Campbell", "Rahman", "Wei", "Ahmed",
    "Adeyemi", "Begum", "Brown", "Popescu", "Mohamed", "Clarke", "Singh", "Rossi", "Farah",
];
const PERPETRATOR_NAMES: [&str; 8] = [
    "Mark Stone",
    "Dean Hollis",
    "Kyle Barton",
    "Shane Pike",
    "Lee Crowther",
    "Jason Moss",
    "Gary Finch",
    "Ryan Tate",
];

/// The landlord's records as a spreadsheet would hold them (the importer's template).
pub fn landlord(seed: u64, cases: usize, now: OffsetDateTime) -> Grid {
    use crate::import::columns::TEMPLATE;
    let mut rng = StdRng::seed_from_u64(seed);
    let headers: Vec<String> = TEMPLATE.iter().map(|(_, h, _)| (*h).to_owned()).collect();
    let mut rows = vec![];
    let today = crate::web::time_fmt::london(now).date();
    let mut victims: Vec<(String, String, String, String)> = vec![];
    for n in 0..cases {
        // Spread over two years, a little busier lately.
        let days_ago = (730.0 * rng.random::<f64>().powf(1.15)) as i64 + 1;
        let received = now - Duration::days(days_ago) - Duration::minutes(rng.random_range(0..600));
        let local = crate::web::time_fmt::london(received);
        let fmt = |d: time::Date| format!("{:02}/{:02}/{}", d.day(), d.month() as u8, d.year());
        let victim = if !victims.is_empty() && rng.random_bool(0.08) {
            victims.choose(&mut rng).cloned().unwrap_or_default()
        } else {
            let name = format!(
                "{} {}",
                FIRST_NAMES.choose(&mut rng).unwrap_or(&"Alex"),
                SURNAMES.choose(&mut rng).unwrap_or(&"Smith")
            );
            let v = (
                name,
                pick(&mut rng, &VICTIM_ETHNICITY).to_owned(),
                format!(
                    "LE{} {}A{}",
                    rng.random_range(1..9),
                    rng.random_range(1..9),
                    ["B", "D", "F", "H"].choose(&mut rng).unwrap_or(&"B")
                ),
                format!("T-{:05}", rng.random_range(10000..99999)),
            );
            victims.push(v.clone());
            v
        };
        let hate_strand = pick(&mut rng, &STRANDS);
        let mut types = vec![pick(&mut rng, &TYPES)];
        if rng.random_bool(0.3) {
            let second = pick(&mut rng, &TYPES);
            if !types.contains(&second) {
                types.push(second);
            }
        }
        let (perpetrator, perpetrator_ethnicity) = if rng.random_bool(0.2) {
            ("unknown".to_owned(), String::new())
        } else {
            (
                PERPETRATOR_NAMES
                    .choose(&mut rng)
                    .unwrap_or(&"Mark Stone")
                    .to_string(),
                pick(&mut rng, &PERPETRATOR_ETHNICITY).to_owned(),
            )
        };
        // First contact: usually within a day, sometimes late, sometimes not yet.
        let contact_delay = match rng.random_range(0..10) {
            0 => None,
            1 | 2 => Some(Duration::hours(rng.random_range(30..120))),
            _ => Some(Duration::hours(rng.random_range(1..20))),
        };
        let contact = contact_delay
            .map(|d| working_hours(received + d))
            .filter(|at| *at < now)
            .map(|at| {
                let l = crate::web::time_fmt::london(at);
                format!("{} {:02}:{:02}", fmt(l.date()), l.hour(), l.minute())
            })
            .unwrap_or_default();
        let contact_how = if contact.is_empty() {
            String::new()
        } else {
            pick(
                &mut rng,
                &[
                    ("phone call", 5),
                    ("visit", 4),
                    ("letter", 1),
                    ("e-mail", 1),
                    ("meeting", 1),
                ],
            )
            .to_owned()
        };
        let contacted_on =
            contact_delay.map(|d| crate::web::time_fmt::london(working_hours(received + d)).date());
        // Older cases are mostly closed, 3 to 120 days after they came in (never before the
        // first contact).
        let closed = (days_ago > 45 && rng.random_bool(0.96))
            .then(|| local.date() + Duration::days(rng.random_range(3..120.min(days_ago - 1).max(4))))
            .map(|d| contacted_on.map_or(d, |c| d.max(c)))
            .filter(|d| *d < today);
        let outcome = closed
            .map(|_| pick(&mut rng, &OUTCOMES).to_owned())
            .unwrap_or_default();
        let mut enforcement = vec![];
        if perpetrator != "unknown" && rng.random_bool(0.35) {
            // Most stop at a letter or a contract; a few go to court.
            let steps = match rng.random_range(0..20) {
                0..8 => 1,
                8..14 => 2,
                14..18 => 3,
                18 => 4,
                _ => 5,
            };
            let last = closed.unwrap_or(today);
            for step in LADDER.iter().take(steps) {
                let span = (last - local.date()).whole_days().max(1);
                let on = local.date() + Duration::days(rng.random_range(0..span));
                enforcement.push(format!("{step}@{}", fmt(on)));
            }
        }
        let satisfaction = closed
            .filter(|_| rng.random_bool(0.6))
            .map(|_| pick(&mut rng, &SATISFACTION).to_owned())
            .unwrap_or_default();
        let witness = if rng.random_bool(0.25) {
            format!(
                "{} {}",
                FIRST_NAMES.choose(&mut rng).unwrap_or(&"Jo"),
                SURNAMES.choose(&mut rng).unwrap_or(&"Lee")
            )
        } else {
            String::new()
        };
        // A harassment officer of the area (as STAFF gives them) takes each case; the last
        // few days' may wait for one.
        let area = rng.random_range(0..AREAS.len());
        let officer = if days_ago <= 3 && rng.random_bool(0.5) {
            ""
        } else {
            let officers: Vec<&str> = STAFF
                .iter()
                .filter(|(_, _, role, areas)| *role == Role::HarassmentOfficer && areas.contains(&area))
                .map(|(username, ..)| *username)
                .collect();
            officers.choose(&mut rng).copied().unwrap_or("")
        };
        let row = [
            format!("DEMO-{:05}", n + 1),
            format!("{} {:02}:{:02}", fmt(local.date()), local.hour(), local.minute()),
            AREAS[area].to_owned(),
            // Violence, threats and damage are Priority 1 (as Harbour suggests them).
            if types.iter().any(|t| SERIOUS.contains(t)) {
                "1"
            } else {
                "2"
            }
            .to_owned(),
            "yes".to_owned(),
            hate_strand.to_owned(),
            types.join("; "),
            "Made-up report for the demo landlord.".to_owned(),
            officer.to_owned(),
            victim.0,
            victim.1,
            victim.2,
            victim.3,
            perpetrator,
            perpetrator_ethnicity,
            witness,
            contact,
            contact_how,
            closed.map(fmt).unwrap_or_default(),
            outcome,
            enforcement.join("; "),
            satisfaction,
        ];
        rows.push((n + 2, row.to_vec()));
    }
    Grid { headers, rows }
}
