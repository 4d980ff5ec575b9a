//! What keeps a disposed case disposed: no change, reopening or correction reaches it,
//! and its stand-ins are no one to merge or answer a subject access request for.

/// Refuses work on a case whose identifying details were destroyed: it may be read, never
/// reopened or given people's details again.
pub async fn require_not_disposed(
    db: &impl sea_orm::ConnectionTrait,
    case: &entity::cases::Model,
) -> crate::error::AppResult<()> {
    use sea_orm::EntityTrait;
    match entity::case_disposals::Entity::find_by_id(case.id)
        .one(db)
        .await?
    {
        Some(_) => Err(crate::error::AppError::Conflict(DISPOSED)),
        None => Ok(()),
    }
}

/// Middleware on every POST under `/cases/{reference}`: a disposed case takes no change
/// (409), so nothing typed later escapes the disposal.
pub async fn refuse_disposed(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let reference = req
        .uri()
        .path()
        .split('/')
        .nth(2)
        .unwrap_or("")
        .to_ascii_uppercase();
    match disposed_reference(&state.db, &reference).await {
        Ok(false) => next.run(req).await,
        Ok(true) => crate::error::AppError::Conflict(DISPOSED).into_response(),
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

const DISPOSED: &str = "This case's identifying details were destroyed at the end of its retention period: it can be read, not reopened, corrected or added to.";

async fn disposed_reference(
    db: &impl sea_orm::ConnectionTrait,
    reference: &str,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::ExprTrait};
    let ids = sea_orm::sea_query::Query::select()
        .column(entity::cases::Column::Id)
        .from(entity::cases::Entity)
        .and_where(sea_orm::sea_query::Expr::col(entity::cases::Column::Reference).eq(reference))
        .to_owned();
    Ok(entity::case_disposals::Entity::find()
        .filter(entity::case_disposals::Column::CaseId.in_subquery(ids))
        .count(db)
        .await?
        > 0)
}

/// Whether any of `ids` is a disposed case's de-identified stand-in.
pub async fn any_standin(db: &impl sea_orm::ConnectionTrait, ids: &[i32]) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    Ok(entity::person_standins::Entity::find()
        .filter(entity::person_standins::Column::StandinId.is_in(ids.to_vec()))
        .count(db)
        .await?
        > 0)
}

/// Takes the case's row lock for this transaction, then refuses a disposed case: a change
/// that waited for a disposal to commit sees it (disposal holds the same lock).
pub async fn lock_unless_disposed(
    txn: &sea_orm::DatabaseTransaction,
    case: &entity::cases::Model,
) -> crate::error::AppResult<()> {
    lock_case(txn, case.id, None).await?;
    require_not_disposed(txn, case).await
}

/// Takes the row lock of case `id` for this transaction (a no-op update: the row lock on
/// PostgreSQL, the write lock on SQLite), if it has `status` when one is given. Whether
/// it was there to lock.
pub(super) async fn lock_case(
    txn: &sea_orm::DatabaseTransaction,
    id: i32,
    status: Option<&str>,
) -> Result<bool, sea_orm::DbErr> {
    use entity::cases;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let mut update = cases::Entity::update_many()
        .col_expr(cases::Column::Status, Expr::col(cases::Column::Status))
        .filter(cases::Column::Id.eq(id));
    if let Some(status) = status {
        update = update.filter(cases::Column::Status.eq(status));
    }
    Ok(update.exec(txn).await?.rows_affected > 0)
}
