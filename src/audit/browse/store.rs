//! The audit trail's queries: the part of it someone may read, the page of events the
//! filters find, and the actions and kinds of record the filter form offers.

use super::form::Valid;
use crate::{calendar::start_of_london_day, web::pagination::Pager};
use entity::audit_events;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// What is left of the trail for someone without `Permission::ViewCaseEvents`
/// (administrators): accounts, sign-ins and settings. Case events (which case was viewed or
/// exported, by whom, how many a search found) name restricted cases and who is on them.
const ADMIN_ACTIONS: [&str; 22] = [
    "account.",
    "login.",
    "logout",
    "password.",
    "setup",
    "user.",
    "area.",
    "settings.",
    "strand.",
    "calendar.",
    "procedure.",
    "agency.",
    "support_catalogue.",
    "risk.version_created",
    "cases.review_threshold",
    "cases.single_hate_incident_qualifies",
    "reports.category_reference",
    "reports.group_reference",
    "reports.close_target_days",
    "reports.not_given_target_percent",
    "reminders.run",
    "audit.",
];

/// The part of the trail someone may read: all of it with case events, else `ADMIN_ACTIONS`.
pub(super) fn readable(case_events: bool) -> Condition {
    if case_events {
        return Condition::all();
    }
    ADMIN_ACTIONS.iter().fold(Condition::any(), |c, prefix| {
        c.add(audit_events::Column::Action.starts_with(*prefix))
    })
}

/// The page of `readable` events the filters `v` find, newest first, and where it is in
/// all of them.
pub(super) async fn events(
    db: &impl ConnectionTrait,
    readable: &Condition,
    v: &Valid<'_>,
) -> Result<(Vec<audit_events::Model>, Pager), DbErr> {
    let mut q = audit_events::Entity::find().filter(readable.clone());
    if let Some(actor) = v.actor {
        q = q.filter(audit_events::Column::ActorName.eq(actor));
    }
    if let Some(action) = v.action {
        q = q.filter(audit_events::Column::Action.eq(action));
    }
    if let Some(target_type) = v.target_type {
        q = q.filter(audit_events::Column::TargetType.eq(target_type));
    }
    if let Some(target_id) = v.target_id {
        q = q.filter(audit_events::Column::TargetId.eq(target_id));
    }
    if let Some(d) = v.from {
        q = q.filter(audit_events::Column::At.gte(start_of_london_day(d)));
    }
    if let Some(d) = v.to.and_then(|d| d.next_day()) {
        q = q.filter(audit_events::Column::At.lt(start_of_london_day(d)));
    }
    let total = q.clone().count(db).await?;
    let pager = Pager::new(v.page, total);
    let rows = q
        .order_by_desc(audit_events::Column::Id)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(db)
        .await?;
    Ok((rows, pager))
}

/// Every action in the `readable` trail, in order.
pub(super) async fn actions(db: &impl ConnectionTrait, readable: &Condition) -> Result<Vec<String>, DbErr> {
    audit_events::Entity::find()
        .filter(readable.clone())
        .select_only()
        .column(audit_events::Column::Action)
        .distinct()
        .order_by_asc(audit_events::Column::Action)
        .into_tuple()
        .all(db)
        .await
}

/// Every kind of record the `readable` trail names, not a fixed list.
pub(super) async fn record_types(
    db: &impl ConnectionTrait,
    readable: &Condition,
) -> Result<Vec<String>, DbErr> {
    Ok(audit_events::Entity::find()
        .filter(readable.clone())
        .select_only()
        .column(audit_events::Column::TargetType)
        .filter(audit_events::Column::TargetType.is_not_null())
        .distinct()
        .order_by_asc(audit_events::Column::TargetType)
        .into_tuple::<Option<String>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect())
}

#[cfg(test)]
mod tests {
    use crate::calendar::start_of_london_day;

    #[test]
    fn a_view_of_monitoring_answers_is_a_case_event_administrators_do_not_read() {
        let action = crate::cases::monitoring::VIEWED;
        assert!(
            !super::ADMIN_ACTIONS
                .iter()
                .any(|prefix| action.starts_with(prefix))
        );
    }

    use time::macros::{date, datetime};

    #[test]
    fn london_days_start_at_the_right_utc_instant() {
        assert_eq!(
            start_of_london_day(date!(2026 - 01 - 15)),
            datetime!(2026-01-15 00:00 UTC)
        );
        let summer = start_of_london_day(date!(2026 - 07 - 01));
        assert_eq!(summer, datetime!(2026-06-30 23:00 UTC));
        assert!(
            summer.offset().is_utc(),
            "stored and compared as UTC text on SQLite"
        );
    }
}
