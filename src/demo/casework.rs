//! The demo landlord's casework, recorded on each case after its report and before its
//! closure through the same services as the case page: contacts (the victim visited and
//! kept updated, witnesses rung, alleged perpetrators interviewed), a risk assessment and
//! an action plan on most cases, support measures, referrals to agencies (the
//! multi-agency panel for every high-risk victim), court hearing dates for actions that go
//! before a court, and a few restricted cases. Each case's work comes from a generator seeded by the demo's seed and
//! the case's reference, so the same seed makes the same landlord.

use crate::cases::timeline::Actor;
use crate::{
    audit::Origin,
    cases::{
        codes,
        page::contact::{self, Contact},
        restriction::{self, store::Restriction},
        visibility::Viewer,
    },
    enforcement::{self, dates},
    error::AppError,
    import::{commit, plan::Planned},
    plans,
    risk::{
        QuestionSet,
        form::{AssessForm, USE_SCORE},
        record as risk_record,
    },
    support::{
        self,
        measures::{self, form::MeasureForm},
        referrals::{self, form::ReferralForm},
    },
    web::{fields::date_value, forms::FormErrors, time_fmt},
};
use entity::{agencies, case_parties, cases, people, support_catalogue};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};

/// Shares of cases with each kind of work (of those open long enough for it).
const ASSESSED: f64 = 0.9;
const SUPPORTED: f64 = 0.35;
const REFERRED: f64 = 0.15;
const PLANNED: f64 = 0.75;
/// Restricted: a member of staff is involved, say.
const RESTRICTED: f64 = 0.01;

/// What a plan's first actions say (the officer's own, by the victim's agreement).
const PLAN_ACTIONS: [&str; 4] = [
    "Visit the victim every week until the case is reviewed",
    "Interview the alleged perpetrator and warn about conduct",
    "Ask the police for a crime reference and share updates",
    "Check the home's locks, lighting and door entry",
];

pub struct Casework {
    seed: u64,
    now: OffsetDateTime,
    questions: QuestionSet,
    catalogue: Vec<support_catalogue::Model>,
    agencies: Vec<agencies::Model>,
    /// The staff who record the work: a case's officer, else the manager.
    staff: HashMap<i32, Viewer>,
    manager: Viewer,
    origin: Origin,
}

impl Casework {
    pub async fn load(
        db: &impl ConnectionTrait,
        seed: u64,
        now: OffsetDateTime,
        manager: Viewer,
        staff: Vec<Viewer>,
    ) -> Result<Self, DbErr> {
        Ok(Casework {
            seed,
            now,
            questions: crate::risk::store::current(db).await?,
            catalogue: measures::store::active_catalogue(db).await?,
            agencies: referrals::store::active_agencies(db).await?,
            staff: staff.into_iter().map(|v| (v.id, v)).collect(),
            manager,
            origin: Origin::default(),
        })
    }

    /// The case's own generator: its work does not depend on any other case's.
    fn rng_for(&self, reference: &str) -> StdRng {
        // FNV-1a: stable across runs and platforms, unlike the standard library's hasher.
        let hash = reference.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        StdRng::seed_from_u64(self.seed ^ hash)
    }
}

impl commit::Casework for Casework {
    async fn record(
        &self,
        txn: &DatabaseTransaction,
        case: &cases::Model,
        planned: &Planned,
    ) -> Result<bool, DbErr> {
        let mut rng = self.rng_for(&planned.external_ref);
        let viewer = case
            .owner_id
            .and_then(|id| self.staff.get(&id))
            .unwrap_or(&self.manager);
        let by = Actor {
            viewer,
            origin: &self.origin,
            now: self.now,
        };
        // Work is done while the case is open: before its closure, and not in the future.
        let until = planned
            .closed
            .and_then(|(on, _)| time_fmt::london_at(on, time::macros::time!(16:00)))
            .unwrap_or(self.now)
            .min(self.now);
        // Each record sees the case as the one before left it (a risk level, a version).
        let mut case = case.clone();
        let mut wrote = false;
        if rng.random_bool(ASSESSED) {
            let at =
                super::working_hours(case.received_at + Duration::minutes(rng.random_range(30..72 * 60)));
            if at < until {
                case = self.assess(txn, &by, &case, at, &mut rng).await?;
                wrote = true;
            }
        }
        let first_contact = planned.first_contact.map(|(at, _)| at);
        wrote |= self
            .contacts(txn, &by, &case, first_contact, until, &mut rng)
            .await?;
        let last_day = time_fmt::london(until).date();
        let first_day = time_fmt::london(case.received_at).date();
        let days = (first_day, last_day);
        if rng.random_bool(SUPPORTED) && first_day < last_day {
            self.support(txn, &by, &case, days, &mut rng).await?;
            wrote = true;
        }
        // A high-risk victim is referred to the multi-agency panel, as the case page prompts.
        let high = case.risk_level.as_deref() == Some(crate::risk::HIGH);
        let panel = self.agencies.iter().find(|a| a.name.contains("MARAC"));
        let agency = match panel {
            Some(panel) if high => Some(panel),
            _ => self
                .agencies
                .choose(&mut rng)
                .filter(|_| rng.random_bool(REFERRED)),
        };
        if let Some(agency) = agency.filter(|_| first_day < last_day) {
            self.refer(txn, &by, &case, agency, days, &mut rng).await?;
            wrote = true;
        }
        if rng.random_bool(PLANNED) {
            let on = first_day + Duration::days(rng.random_range(2..12));
            if on < last_day {
                case = self.plan(txn, &by, &case, on, &mut rng).await?;
                wrote = true;
            }
        }
        wrote |= self.hearings(txn, &by, &case, planned, &mut rng).await?;
        if rng.random_bool(RESTRICTED) {
            self.restrict(txn, &by, &case).await?;
            wrote = true;
        }
        Ok(wrote)
    }
}

/// A generated record the form would refuse is a bug in the generator: say which.
fn refused(what: &str, errors: &FormErrors) -> DbErr {
    DbErr::Custom(format!(
        "the demo generator made a {what} the form refuses: {errors:?}"
    ))
}

fn failed(e: AppError) -> DbErr {
    DbErr::Custom(format!("demo casework: {e}"))
}

/// A day from `days.0` to `days.1`, both included.
fn day_between(rng: &mut StdRng, days: (Date, Date)) -> Date {
    let span = (days.1 - days.0).whole_days().max(0);
    days.0 + Duration::days(rng.random_range(0..=span))
}

impl Casework {
    /// A triage assessment at `at`: on most cases nearly every answer is the lowest-scoring
    /// one, so most come out standard risk, some medium and a few high.
    async fn assess(
        &self,
        txn: &DatabaseTransaction,
        by: &Actor<'_>,
        case: &cases::Model,
        at: OffsetDateTime,
        rng: &mut StdRng,
    ) -> Result<cases::Model, DbErr> {
        let (mut date, mut time) = time_fmt::london_fields(at);
        // In the hour the clocks go back a time reads back as its first occurrence, maybe
        // before the report: an hour later reads back as itself.
        if time_fmt::parse_london(&date, &time)
            .is_none_or(|read| read < case.received_at.replace_second(0).unwrap_or(at))
        {
            (date, time) = time_fmt::london_fields(at + Duration::hours(1));
        }
        let mut form = AssessForm {
            set_id: self.questions.id.to_string(),
            occasion: "triage".to_owned(),
            date,
            time,
            level: USE_SCORE.to_owned(),
            ..Default::default()
        };
        let worse = *[0.03, 0.03, 0.03, 0.03, 0.03, 0.03, 0.2, 0.2, 0.2, 0.55, 0.95]
            .choose(rng)
            .unwrap_or(&0.03);
        for q in &self.questions.questions {
            let option = if rng.random_bool(worse) {
                q.options.choose(rng)
            } else {
                q.options.iter().min_by_key(|o| o.score)
            };
            if let Some(o) = option {
                form.answers.insert(q.id, o.id.to_string());
            }
        }
        let valid = form
            .validate(&self.questions, case.received_at, self.now)
            .map_err(|e| refused("risk assessment", &e))?;
        let recorded = risk_record::record(txn, by, case, self.questions.id, &valid)
            .await
            .map_err(failed)?;
        Ok(recorded.case)
    }

    async fn support(
        &self,
        txn: &DatabaseTransaction,
        by: &Actor<'_>,
        case: &cases::Model,
        days: (Date, Date),
        rng: &mut StdRng,
    ) -> Result<(), DbErr> {
        let Some(entry) = self.catalogue.choose(rng) else {
            return Ok(());
        };
        let requested = day_between(rng, (days.0, days.1.min(days.0 + Duration::days(10))));
        let status = match rng.random_range(0..10) {
            0..6 => support::PROVIDED,
            6 | 7 => support::REQUESTED,
            _ => support::DECLINED,
        };
        let later = day_between(rng, (requested, days.1.min(requested + Duration::days(14))));
        let form = MeasureForm {
            catalogue_id: entry.id.to_string(),
            status: status.to_owned(),
            requested_on: date_value(Some(requested)),
            provided_on: date_value(Some(later).filter(|_| status == support::PROVIDED)),
            declined_on: date_value(Some(later).filter(|_| status == support::DECLINED)),
            ..Default::default()
        };
        let today = time_fmt::london(self.now).date();
        let valid = measures::form::validate(&form, Some(&self.catalogue), 0, today)
            .map_err(|errors| refused("support measure", &errors))?;
        measures::store::record(txn, by, case, &valid, &entry.name)
            .await
            .map_err(failed)
    }

    async fn refer(
        &self,
        txn: &DatabaseTransaction,
        by: &Actor<'_>,
        case: &cases::Model,
        agency: &agencies::Model,
        days: (Date, Date),
        rng: &mut StdRng,
    ) -> Result<(), DbErr> {
        let on = day_between(rng, (days.0, days.1.min(days.0 + Duration::days(14))));
        let sent = rng.random_bool(0.8);
        let mut form = ReferralForm {
            agency_id: agency.id.to_string(),
            referred_on: date_value(Some(on)),
            reason: "Support after the incident, with the victim's agreement.".to_owned(),
            status: if sent { support::SENT } else { support::TO_SEND }.to_owned(),
            ..Default::default()
        };
        if sent {
            form.consent_by = "The victim".to_owned();
            form.consent_on = date_value(Some(on));
            form.consent_scope = "Contact details and what happened".to_owned();
            form.sent_on = date_value(Some(on));
        }
        let today = time_fmt::london(self.now).date();
        let valid = referrals::form::validate(&form, Some(&self.agencies), None, today)
            .map_err(|errors| refused("referral", &errors))?;
        referrals::store::record(txn, by, case, &valid, &agency.name)
            .await
            .map_err(failed)
    }

    /// A first plan agreed `on` a day after the report, with one or two actions the
    /// officer owns, due a few weeks later.
    async fn plan(
        &self,
        txn: &DatabaseTransaction,
        by: &Actor<'_>,
        case: &cases::Model,
        on: Date,
        rng: &mut StdRng,
    ) -> Result<cases::Model, DbErr> {
        let day = date_value(Some(on));
        let copy = if rng.random_bool(0.6) { "in-person" } else { "post" };
        let every = ["7", "14", "14", "28"].choose(rng).copied().unwrap_or("14");
        let channel = ["phone", "visit", "email"]
            .choose(rng)
            .copied()
            .unwrap_or("phone");
        let mut pairs: Vec<(String, String)> = [
            ("based_on", "0"),
            ("agreed_on", day.as_str()),
            ("copy_given_how", copy),
            ("copy_given_on", day.as_str()),
            ("every_amount", every),
            ("every_unit", "calendar-days"),
            ("channel", channel),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let actions = rng.random_range(1..=2);
        for (i, what) in PLAN_ACTIONS.choose_multiple(rng, actions).enumerate() {
            let target = on + Duration::days(rng.random_range(7..35));
            let n = i + 1;
            pairs.push((format!("action-{n}-description"), (*what).to_owned()));
            pairs.push((format!("action-{n}-owner"), by.viewer.id.to_string()));
            pairs.push((format!("action-{n}-target_on"), date_value(Some(target))));
        }
        plans::agree::agree_first(txn, by, case, pairs)
            .await
            .map_err(failed)?
            .map_err(|errors| refused("plan", &errors))
    }

    /// The officer's contacts with the case's named people, each completing the deadlines
    /// it meets: the victim visited and interviewed, then rung with updates; witnesses
    /// rung; the alleged perpetrator interviewed.
    async fn contacts(
        &self,
        txn: &DatabaseTransaction,
        by: &Actor<'_>,
        case: &cases::Model,
        first_contact: Option<OffsetDateTime>,
        until: OffsetDateTime,
        rng: &mut StdRng,
    ) -> Result<bool, DbErr> {
        let parties = case_parties::Entity::find()
            .filter(case_parties::Column::CaseId.eq(case.id))
            .order_by_asc(case_parties::Column::Id)
            .all(txn)
            .await?;
        let named: Vec<i32> = people::Entity::find()
            .filter(people::Column::Id.is_in(parties.iter().map(|p| p.person_id)))
            .filter(people::Column::Kind.eq(codes::NAMED))
            .all(txn)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let mut planned: Vec<(OffsetDateTime, &'static str, i32, &str)> = vec![];
        let after = |rng: &mut StdRng, days: std::ops::Range<i64>| {
            super::working_hours(
                case.received_at
                    + Duration::days(rng.random_range(days))
                    + Duration::minutes(rng.random_range(0..480)),
            )
        };
        let victim = parties
            .iter()
            .find(|p| p.role == codes::VICTIM && named.contains(&p.person_id));
        // The victim is visited after the first contact the records give (and not at all
        // while there is none: that case's first contact stays overdue).
        if let (Some(v), Some(first)) = (victim.filter(|_| rng.random_bool(0.85)), first_contact) {
            let visit = super::working_hours(first + Duration::days(rng.random_range(1..6)));
            planned.push((
                visit,
                "visit",
                v.person_id,
                "Visited the victim at home and took a full account.",
            ));
            let mut update = visit;
            for _ in 0..rng.random_range(1..5) {
                update = super::working_hours(update + Duration::days(rng.random_range(7..21)));
                planned.push((
                    update,
                    "phone-call",
                    v.person_id,
                    "Rang the victim with an update on the case.",
                ));
            }
        }
        for p in parties.iter().filter(|p| named.contains(&p.person_id)) {
            match p.role.as_str() {
                codes::WITNESS if rng.random_bool(0.8) => {
                    planned.push((
                        after(rng, 1..8),
                        "phone-call",
                        p.person_id,
                        "Spoke to the witness, who confirmed what they saw.",
                    ));
                }
                codes::PERPETRATOR if rng.random_bool(0.75) => {
                    let kind = if rng.random_bool(0.6) {
                        "visit"
                    } else {
                        "phone-call"
                    };
                    planned.push((
                        after(rng, 2..12),
                        kind,
                        p.person_id,
                        "Interviewed the alleged perpetrator about the allegations.",
                    ));
                }
                _ => {}
            }
        }
        planned.retain(|(at, ..)| *at < until);
        planned.sort_by_key(|(at, ..)| *at);
        for &(at, kind, person_id, body) in &planned {
            let contact = Contact {
                kind,
                person_id: Some(person_id),
                at,
                body,
            };
            contact::record(txn, by, case, contact).await?;
        }
        Ok(!planned.is_empty())
    }

    /// Restricts the case to the staff who work it (and managers).
    async fn restrict(
        &self,
        txn: &DatabaseTransaction,
        by: &Actor<'_>,
        case: &cases::Model,
    ) -> Result<(), DbErr> {
        let staff = restriction::store::staff(txn).await?;
        // The version as the casework so far left it.
        let version = cases::Entity::find_by_id(case.id)
            .one(txn)
            .await?
            .map_or(case.version, |c| c.version);
        let change = Restriction {
            restricted: true,
            reason: "A member of staff is involved",
            named: case.owner_id.into_iter().collect(),
            version,
        };
        if restriction::store::restrict(txn, by, case, &staff, change)
            .await
            .map_err(failed)?
        {
            Ok(())
        } else {
            Err(DbErr::Custom(
                "demo casework: the case changed under its restriction".to_owned(),
            ))
        }
    }

    /// A hearing for each action that goes before a court: a few weeks after the action,
    /// before the closure on a closed case, in the coming weeks on an open one.
    async fn hearings(
        &self,
        txn: &DatabaseTransaction,
        by: &Actor<'_>,
        case: &cases::Model,
        planned: &Planned,
        rng: &mut StdRng,
    ) -> Result<bool, DbErr> {
        let mut wrote = false;
        for action in enforcement::store::actions_of(txn, case.id).await?.iter() {
            if !enforcement::USUALLY_HEARD.contains(&action.kind.as_str()) {
                continue;
            }
            let after = action.planned_on + Duration::days(rng.random_range(14..56));
            let on = match planned.closed {
                Some((closed, _)) if after >= closed => continue,
                Some(_) => after,
                None => {
                    after.max(time_fmt::london(self.now).date() + Duration::days(rng.random_range(3..40)))
                }
            };
            let mut errors = FormErrors::default();
            let (kind, on, note) = enforcement::record::legal_date(
                &mut errors,
                enforcement::HEARING,
                &date_value(Some(on)),
                "",
                Some(action.planned_on),
            )
            .ok_or_else(|| refused("court date", &errors))?;
            dates::record(txn, by, case, action, kind, on, note)
                .await
                .map_err(failed)?;
            wrote = true;
        }
        Ok(wrote)
    }
}
