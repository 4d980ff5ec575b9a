//! The users list's queries: one page of accounts matching the filters, and their areas.

use super::Filters;
use crate::web::pagination::Pager;
use entity::{areas, user_areas, users};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// The page of accounts `f` asks for, in name order, and its pager.
pub(super) async fn page(db: &DatabaseConnection, f: &Filters) -> Result<(Pager, Vec<users::Model>), DbErr> {
    let mut query = users::Entity::find();
    let q = f.q.trim().to_lowercase();
    if !q.is_empty() {
        let pattern = crate::db::contains_pattern(&q);
        query = query.filter(
            Condition::any()
                .add(users::Column::UsernameKey.like(pattern.clone()))
                .add(
                    sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                        sea_orm::sea_query::Expr::col(users::Column::DisplayName),
                    ))
                    .like(pattern),
                ),
        );
    }
    if let Some(role) = crate::auth::policy::parse_role(&f.role) {
        query = query.filter(users::Column::Role.eq(role));
    }
    match f.status.as_str() {
        "deactivated" => query = query.filter(users::Column::Active.eq(false)),
        "all" => {}
        _ => query = query.filter(users::Column::Active.eq(true)),
    }
    let total = query.clone().count(db).await?;
    let pager = Pager::new(f.page, total);
    let rows = query
        .order_by_asc(users::Column::DisplayName)
        .order_by_asc(users::Column::Id)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(db)
        .await?;
    Ok((pager, rows))
}

/// The area names of each of `rows`, in name order.
pub(super) async fn area_names(
    db: &DatabaseConnection,
    rows: &[users::Model],
) -> Result<HashMap<i32, Vec<String>>, DbErr> {
    // Areas of the shown users in one query, not one per row.
    let ids: Vec<i32> = rows.iter().map(|u| u.id).collect();
    let links: Vec<(i32, String)> = user_areas::Entity::find()
        .select_only()
        .column(user_areas::Column::UserId)
        .column(areas::Column::Name)
        .inner_join(areas::Entity)
        .filter(user_areas::Column::UserId.is_in(ids))
        .order_by_asc(areas::Column::NameKey)
        .into_tuple()
        .all(db)
        .await?;
    let mut area_names: HashMap<i32, Vec<String>> = HashMap::new();
    for (uid, name) in links {
        area_names.entry(uid).or_default().push(name);
    }
    Ok(area_names)
}
