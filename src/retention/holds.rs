//! Legal holds: a case is kept past its retention date while court action is live
//! (automatic, worked out from its perpetrator actions and their dates each time), or
//! while a manager's hold stands (`case_holds`, placed and lifted with a reason).

use crate::enforcement;
use entity::{case_holds, legal_dates, perpetrator_actions};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::BTreeMap;
use time::Date;

/// Orders and notices that stay in force once granted or served: while one is live
/// (issued, granted or breached, and not yet complied with, refused or withdrawn) the case
/// may be needed in court again.
const IN_FORCE_KINDS: [&str; 9] = [
    "injunction",
    "cpn",
    "cbo",
    "closure",
    "demotion",
    "nsp",
    "possession",
    "absolute-ground",
    "prosecution",
];
const LIVE_STATUSES: [&str; 3] = [enforcement::ISSUED, enforcement::GRANTED, enforcement::BREACHED];

// The automatic hold's rule, written twice from the same constants, side by side: as the
// database's filter (narrowing what `reasons` reads) and as the check `describe` makes of
// every row it is given. A case kept by one form and not the other would be disposable on
// the retention list while its page says it is held (tests/integration/retention.rs
// compares the two).

/// An action in force and live, as a filter.
fn in_force() -> Condition {
    Condition::all()
        .add(perpetrator_actions::Column::Kind.is_in(IN_FORCE_KINDS))
        .add(perpetrator_actions::Column::Status.is_in(LIVE_STATUSES))
}

/// [`in_force`], of an action read.
fn is_in_force(a: &perpetrator_actions::Model) -> bool {
    IN_FORCE_KINDS.contains(&a.kind.as_str()) && LIVE_STATUSES.contains(&a.status.as_str())
}

/// A legal date still to come (today included), as a filter.
fn live_date(today: Date) -> Condition {
    Condition::all().add(legal_dates::Column::DueOn.gte(today))
}

/// [`live_date`], of a date read.
fn is_live_date(d: &legal_dates::Model, today: Date) -> bool {
    d.due_on >= today
}

/// Why each of `case_ids` is held, if it is: automatic reasons first, then managers'
/// holds (their reasons as typed). A case absent from the map is not held.
pub async fn reasons(
    db: &impl ConnectionTrait,
    case_ids: &[i32],
    today: Date,
) -> Result<BTreeMap<i32, Vec<String>>, DbErr> {
    let mut out: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for chunk in case_ids.chunks(500) {
        let dates = legal_dates::Entity::find()
            .filter(legal_dates::Column::CaseId.is_in(chunk.to_vec()))
            .filter(live_date(today))
            .all(db)
            .await?;
        let actions = perpetrator_actions::Entity::find()
            .filter(perpetrator_actions::Column::CaseId.is_in(chunk.to_vec()))
            .filter(in_force())
            .all(db)
            .await?;
        let manual = manual(db, chunk).await?;
        describe(&mut out, today, &dates, &actions, &manual);
    }
    Ok(out)
}

/// [`reasons`] for one case, from every action and date of the case as its page reads them
/// for the enforcement panel too (once, `page_memo`).
pub async fn reasons_for_case(
    db: &impl ConnectionTrait,
    case_id: i32,
    today: Date,
) -> Result<Vec<String>, DbErr> {
    let dates = enforcement::store::legal_dates_of_case(db, case_id).await?;
    let actions = enforcement::store::actions_of(db, case_id).await?;
    let manual = manual(db, &[case_id]).await?;
    let mut out = BTreeMap::new();
    describe(&mut out, today, &dates, &actions, &manual);
    Ok(out.remove(&case_id).unwrap_or_default())
}

/// Adds to `out`, by case, a reason for each live date (soonest first), each live action in
/// force (in the order they were recorded) and each manager's hold; other dates and actions
/// are passed over.
fn describe(
    out: &mut BTreeMap<i32, Vec<String>>,
    today: Date,
    dates: &[legal_dates::Model],
    actions: &[perpetrator_actions::Model],
    manual: &[case_holds::Model],
) {
    let mut dates: Vec<_> = dates.iter().filter(|d| is_live_date(d, today)).collect();
    dates.sort_by_key(|d| (d.due_on, d.id));
    let mut actions: Vec<_> = actions.iter().filter(|a| is_in_force(a)).collect();
    actions.sort_by_key(|a| a.id);
    for d in dates {
        out.entry(d.case_id).or_default().push(format!(
            "{} on {}",
            enforcement::legal_date_label(&d.kind),
            crate::web::time_fmt::plain_date(d.due_on)
        ));
    }
    for a in actions {
        out.entry(a.case_id).or_default().push(format!(
            "{}: {}",
            enforcement::kind_label(&a.kind),
            enforcement::status_label(&a.status).to_lowercase()
        ));
    }
    for h in manual {
        out.entry(h.case_id)
            .or_default()
            .push(format!("Held by a manager: {}", h.reason));
    }
}

/// Managers' holds in force on `case_ids`.
pub async fn manual(db: &impl ConnectionTrait, case_ids: &[i32]) -> Result<Vec<case_holds::Model>, DbErr> {
    case_holds::Entity::find()
        .filter(case_holds::Column::CaseId.is_in(case_ids.to_vec()))
        .filter(case_holds::Column::LiftedAt.is_null())
        .order_by_asc(case_holds::Column::Id)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_in_force_kind_is_on_the_ladder() {
        for kind in super::IN_FORCE_KINDS {
            assert!(
                crate::enforcement::LADDER.iter().any(|(c, _)| *c == kind),
                "{kind}"
            );
        }
    }
}
