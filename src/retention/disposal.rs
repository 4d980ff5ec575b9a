//! Disposing of a case at the end of its retention period: identity goes, statistics
//! stay. Names, contact details, addresses, descriptions and every free-text note are
//! destroyed; dates, codes, outcomes, deadline outcomes and each party's monitoring
//! answers remain, so reports for past periods give the same figures afterwards.
//!
//! Each party moves to a de-identified stand-in (`person_standins`): a `people` row with
//! the kind and monitoring answers only. One person's disposed cases share a stand-in, so
//! "alleged on two or more cases" still counts them once; the person record itself is
//! deleted with its last case.

use crate::cases::events::EventKind;
use crate::{
    audit::Origin,
    cases::{
        timeline::{self, Entry},
        visibility::Viewer,
    },
};
use entity::{
    action_plans, case_closures, case_disposals, case_holds, case_parties, cases, deadlines, imports,
    incidents, legal_dates, people, perpetrator_action_events, perpetrator_actions, person_changes,
    person_duplicates, person_merges, person_standins, plan_actions, referrals, risk_assessments,
    satisfaction_checks, support_measures, timeline_entries,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use time::{Date, OffsetDateTime};

/// What replaces destroyed text in columns that may not be empty of meaning.
const DESTROYED: &str = "";

/// Disposes of `case` in the caller's transaction (which has checked it is closed, past
/// retention and not held). Writes the timeline entry and the audit row.
pub async fn dispose(
    txn: &DatabaseTransaction,
    case: &cases::Model,
    viewer: &Viewer,
    origin: &Origin,
    now: OffsetDateTime,
    kept_until: Date,
) -> Result<(), DbErr> {
    detach_people(txn, case.id, now).await?;
    destroy_text(txn, case).await?;
    case_disposals::Entity::insert(case_disposals::ActiveModel {
        case_id: Set(case.id),
        disposed_at: Set(now),
        disposed_by: Set(viewer.id),
        retention_ended_on: Set(kept_until),
    })
    .exec_without_returning(txn)
    .await?;
    let body = format!(
        "Identifying details destroyed: the retention period ended on {}.",
        crate::web::time_fmt::plain_date(kept_until)
    );
    timeline::record(
        txn,
        now,
        viewer,
        origin,
        "case.disposed",
        Entry::event(case, EventKind::Disposed, now, body),
    )
    .await
}

/// Moves every party of the case (and timeline mentions of them) to its stand-in, and
/// deletes each person left on no case.
async fn detach_people(txn: &DatabaseTransaction, case_id: i32, now: OffsetDateTime) -> Result<(), DbErr> {
    let person_ids: Vec<i32> = case_parties::Entity::find()
        .select_only()
        .column(case_parties::Column::PersonId)
        .distinct()
        .filter(case_parties::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(txn)
        .await?;
    for person_id in person_ids {
        if person_standins::Entity::find_by_id(person_id)
            .one(txn)
            .await?
            .is_some()
        {
            continue; // already de-identified (the case was disposed of before).
        }
        let standin = standin_for(txn, person_id, now).await?;
        case_parties::Entity::update_many()
            .col_expr(case_parties::Column::PersonId, Expr::value(standin))
            .filter(case_parties::Column::CaseId.eq(case_id))
            .filter(case_parties::Column::PersonId.eq(person_id))
            .exec(txn)
            .await?;
        timeline_entries::Entity::update_many()
            .col_expr(timeline_entries::Column::PersonId, Expr::value(standin))
            .filter(timeline_entries::Column::CaseId.eq(case_id))
            .filter(timeline_entries::Column::PersonId.eq(person_id))
            .exec(txn)
            .await?;
        let remaining = case_parties::Entity::find()
            .filter(case_parties::Column::PersonId.eq(person_id))
            .count(txn)
            .await?;
        if remaining == 0 {
            delete_person(txn, person_id).await?;
        }
    }
    person_duplicates::Entity::delete_many()
        .filter(person_duplicates::Column::CaseId.eq(case_id))
        .exec(txn)
        .await?;
    // Mentions of anyone who was not a party no longer point at them.
    timeline_entries::Entity::update_many()
        .col_expr(
            timeline_entries::Column::PersonId,
            Expr::value(Option::<i32>::None),
        )
        .filter(timeline_entries::Column::CaseId.eq(case_id))
        .filter(timeline_entries::Column::PersonId.is_not_null())
        .filter(
            timeline_entries::Column::PersonId.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(person_standins::Column::StandinId)
                    .from(person_standins::Entity)
                    .to_owned(),
            ),
        )
        .exec(txn)
        .await?;
    // A surviving person's corrections made from this case keep their values (they are
    // that person's) but lose the reason typed here and the link to the case.
    person_changes::Entity::update_many()
        .col_expr(person_changes::Column::Reason, Expr::value(DESTROYED))
        .col_expr(person_changes::Column::CaseId, Expr::value(Option::<i32>::None))
        .filter(person_changes::Column::CaseId.eq(case_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The person's stand-in, made on their first disposed case.
async fn standin_for(txn: &DatabaseTransaction, person_id: i32, now: OffsetDateTime) -> Result<i32, DbErr> {
    // The person's row lock: two disposals of their cases at once make one stand-in.
    people::Entity::update_many()
        .col_expr(people::Column::Version, Expr::col(people::Column::Version))
        .filter(people::Column::Id.eq(person_id))
        .exec(txn)
        .await?;
    if let Some(s) = person_standins::Entity::find()
        .filter(person_standins::Column::OriginalId.eq(person_id))
        .one(txn)
        .await?
    {
        return Ok(s.standin_id);
    }
    let p = people::Entity::find_by_id(person_id)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("person {person_id}")))?;
    let standin = people::Entity::insert(people::ActiveModel {
        kind: Set(p.kind),
        interpreter: Set(false),
        ethnicity: Set(p.ethnicity),
        ethnicity_list: Set(p.ethnicity_list),
        age_band: Set(p.age_band),
        sex: Set(p.sex),
        disability: Set(p.disability),
        religion: Set(p.religion),
        sexual_orientation: Set(p.sexual_orientation),
        gender_reassignment: Set(p.gender_reassignment),
        marriage: Set(p.marriage),
        pregnancy: Set(p.pregnancy),
        created_by: Set(p.created_by),
        created_at: Set(p.created_at),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(txn)
    .await?;
    person_standins::Entity::insert(person_standins::ActiveModel {
        standin_id: Set(standin.id),
        original_id: Set(Some(person_id)),
        created_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(standin.id)
}

/// Deletes a person on no case, with everything kept about them (search terms and
/// possible-duplicate questions go with the row; merge records and stray mentions here).
async fn delete_person(txn: &DatabaseTransaction, person_id: i32) -> Result<(), DbErr> {
    person_merges::Entity::delete_many()
        .filter(person_merges::Column::KeptId.eq(person_id))
        .exec(txn)
        .await?;
    timeline_entries::Entity::update_many()
        .col_expr(
            timeline_entries::Column::PersonId,
            Expr::value(Option::<i32>::None),
        )
        .filter(timeline_entries::Column::PersonId.eq(person_id))
        .exec(txn)
        .await?;
    people::Entity::delete_by_id(person_id).exec(txn).await?;
    Ok(())
}

/// Blanks every free-text column of the case and its records.
async fn destroy_text(txn: &DatabaseTransaction, case: &cases::Model) -> Result<(), DbErr> {
    let id = case.id;
    let none = || Expr::value(Option::<String>::None);
    let blank = || Expr::value(DESTROYED);
    cases::Entity::update_many()
        .col_expr(cases::Column::PriorityReason, none())
        .col_expr(cases::Column::RestrictedReason, none())
        .col_expr(cases::Column::Version, Expr::col(cases::Column::Version).add(1))
        .filter(cases::Column::Id.eq(id))
        .exec(txn)
        .await?;
    use incidents::Column as I;
    set::<incidents::Entity>(
        txn,
        I::CaseId.eq(id),
        [
            (I::ReporterName, none()),
            (I::LocationAddress, none()),
            (I::OtherType, none()),
            (I::Description, blank()),
            (I::CrimeReference, none()),
        ],
    )
    .await?;
    use case_closures::Column as C;
    set::<case_closures::Entity>(
        txn,
        C::CaseId.eq(id),
        [(C::Reason, blank()), (C::ReopenReason, none())],
    )
    .await?;
    use timeline_entries::Column as T;
    set::<timeline_entries::Entity>(txn, T::CaseId.eq(id), [(T::Body, blank())]).await?;
    use support_measures::Column as S;
    set::<support_measures::Entity>(txn, S::CaseId.eq(id), [(S::Notes, none())]).await?;
    use referrals::Column as R;
    set::<referrals::Entity>(
        txn,
        R::CaseId.eq(id),
        [
            (R::Reason, none()),
            (R::ConsentBy, none()),
            (R::ConsentScope, none()),
            (R::Response, none()),
        ],
    )
    .await?;
    use action_plans::Column as A;
    set::<action_plans::Entity>(
        txn,
        A::CaseId.eq(id),
        [
            (A::InterpreterLanguage, none()),
            (A::CommunicationNeeds, none()),
            (A::Notes, none()),
        ],
    )
    .await?;
    use plan_actions::Column as P;
    set::<plan_actions::Entity>(
        txn,
        P::CaseId.eq(id),
        [
            (P::Description, blank()),
            (P::OwnerOther, none()),
            (P::Outcome, none()),
        ],
    )
    .await?;
    use risk_assessments::Column as K;
    set::<risk_assessments::Entity>(
        txn,
        K::CaseId.eq(id),
        [(K::OverrideReason, none()), (K::Notes, none())],
    )
    .await?;
    use satisfaction_checks::Column as X;
    set::<satisfaction_checks::Entity>(txn, X::CaseId.eq(id), [(X::Notes, none())]).await?;
    use perpetrator_action_events::Column as E;
    let actions_of_case = E::ActionId.in_subquery(
        sea_orm::sea_query::Query::select()
            .column(perpetrator_actions::Column::Id)
            .from(perpetrator_actions::Entity)
            .and_where(Expr::col(perpetrator_actions::Column::CaseId).eq(id))
            .to_owned(),
    );
    set::<perpetrator_action_events::Entity>(txn, actions_of_case, [(E::Note, none())]).await?;
    use perpetrator_actions::Column as PA;
    set::<perpetrator_actions::Entity>(
        txn,
        PA::CaseId.eq(id),
        [
            (PA::Outcome, none()),
            (PA::Documents, none()),
            (PA::Notes, none()),
        ],
    )
    .await?;
    use legal_dates::Column as L;
    set::<legal_dates::Entity>(txn, L::CaseId.eq(id), [(L::Note, none())]).await?;
    use deadlines::Column as D;
    set::<deadlines::Entity>(
        txn,
        D::CaseId.eq(id),
        [
            (D::ResolutionNote, none()),
            (D::ExtensionReason, none()),
            (D::Title, none()),
        ],
    )
    .await?;
    use case_holds::Column as H;
    set::<case_holds::Entity>(
        txn,
        H::CaseId.eq(id),
        [(H::Reason, blank()), (H::LiftReason, none())],
    )
    .await?;
    // The spreadsheet a case came from holds its people too (and its name may name one);
    // once imported it is not read again, so it goes with the first of its cases disposed
    // of. The landlord's own case reference stays: it names a case, not a person, and
    // keeps a second import of the same file from bringing the case back.
    if let Some(import_id) = case.import_id {
        imports::Entity::update_many()
            .col_expr(imports::Column::Content, Expr::value(Vec::<u8>::new()))
            .col_expr(imports::Column::FileName, Expr::value(DESTROYED))
            .col_expr(imports::Column::Sheet, none())
            .filter(imports::Column::Id.eq(import_id))
            .filter(imports::Column::CommittedAt.is_not_null())
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Sets `columns` on the rows of `E` that `filter` selects.
async fn set<E: EntityTrait>(
    txn: &DatabaseTransaction,
    filter: impl sea_orm::sea_query::IntoCondition,
    columns: impl IntoIterator<Item = (E::Column, Expr)>,
) -> Result<(), DbErr> {
    let mut update = E::update_many();
    for (column, value) in columns {
        update = update.col_expr(column, value);
    }
    update.filter(filter).exec(txn).await?;
    Ok(())
}

/// Locks the closed case `id` for this transaction and reads it; `None` if it is not
/// closed.
pub async fn lock_closed(txn: &DatabaseTransaction, id: i32) -> Result<Option<cases::Model>, DbErr> {
    if !super::guard::lock_case(txn, id, Some(crate::cases::codes::CLOSED)).await? {
        return Ok(None);
    }
    cases::Entity::find_by_id(id).one(txn).await
}
