//! The two lists (support catalogue, agencies) and their entries in the database.

use crate::error::{AppError, AppResult};
use entity::{agencies, support_catalogue};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use time::OffsetDateTime;

/// Names are stored in 120 characters (`name` on both tables).
pub(super) const MAX_NAME_CHARS: usize = 120;

/// Which administrator-kept list.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    Support,
    Agencies,
}

impl List {
    pub(super) fn base(self) -> &'static str {
        match self {
            List::Support => "/admin/support",
            List::Agencies => "/admin/agencies",
        }
    }

    pub(super) fn title(self) -> &'static str {
        match self {
            List::Support => "Support measures",
            List::Agencies => "Referral agencies",
        }
    }

    pub(super) fn noun(self) -> &'static str {
        match self {
            List::Support => "support measure",
            List::Agencies => "agency",
        }
    }

    /// "a support measure", "an agency".
    pub(super) fn a_noun(self) -> &'static str {
        match self {
            List::Support => "a support measure",
            List::Agencies => "an agency",
        }
    }

    pub(super) fn target(self) -> &'static str {
        match self {
            List::Support => "support_catalogue",
            List::Agencies => "agency",
        }
    }

    /// The audit action for `change` (created, renamed, retired, reinstated).
    pub(super) fn action(self, change: Change) -> &'static str {
        match (self, change) {
            (List::Support, Change::Created) => "support_catalogue.created",
            (List::Support, Change::Renamed) => "support_catalogue.renamed",
            (List::Support, Change::Retired) => "support_catalogue.retired",
            (List::Support, Change::Reinstated) => "support_catalogue.reinstated",
            (List::Agencies, Change::Created) => "agency.created",
            (List::Agencies, Change::Renamed) => "agency.updated",
            (List::Agencies, Change::Retired) => "agency.retired",
            (List::Agencies, Change::Reinstated) => "agency.reinstated",
        }
    }
}

#[derive(Clone, Copy)]
pub(super) enum Change {
    Created,
    Renamed,
    Retired,
    Reinstated,
}

/// An entry of either list.
pub(super) struct Item {
    pub(super) id: i32,
    pub(super) name: String,
    pub(super) active: bool,
    /// Agencies only: a multi-agency risk panel (MARAC or similar).
    pub(super) multi_agency: bool,
}

impl From<support_catalogue::Model> for Item {
    fn from(m: support_catalogue::Model) -> Self {
        Item {
            id: m.id,
            name: m.name,
            active: m.active,
            multi_agency: false,
        }
    }
}

impl From<agencies::Model> for Item {
    fn from(m: agencies::Model) -> Self {
        Item {
            id: m.id,
            name: m.name,
            active: m.active,
            multi_agency: m.multi_agency,
        }
    }
}

pub(super) async fn items(db: &impl ConnectionTrait, list: List) -> Result<Vec<Item>, DbErr> {
    Ok(match list {
        List::Support => support_catalogue::Entity::find()
            .order_by_asc(support_catalogue::Column::Position)
            .order_by_asc(support_catalogue::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(Item::from)
            .collect(),
        List::Agencies => agencies::Entity::find()
            .order_by_asc(agencies::Column::Position)
            .order_by_asc(agencies::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(Item::from)
            .collect(),
    })
}

pub(super) async fn item(db: &impl ConnectionTrait, list: List, id: &str) -> AppResult<Item> {
    let id: i32 = id.parse().map_err(|_| AppError::NotFound)?;
    let found = match list {
        List::Support => support_catalogue::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(Item::from),
        List::Agencies => agencies::Entity::find_by_id(id).one(db).await?.map(Item::from),
    };
    found.ok_or(AppError::NotFound)
}

pub(super) async fn insert(
    db: &impl ConnectionTrait,
    list: List,
    name: &str,
    multi_agency: bool,
    now: OffsetDateTime,
) -> Result<i32, DbErr> {
    Ok(match list {
        List::Support => {
            let last: Option<i32> = support_catalogue::Entity::find()
                .select_only()
                .column_as(support_catalogue::Column::Position.max(), "max")
                .into_tuple()
                .one(db)
                .await?
                .flatten();
            support_catalogue::Entity::insert(support_catalogue::ActiveModel {
                name: Set(name.to_owned()),
                position: Set(last.unwrap_or(0) + 1),
                active: Set(true),
                created_at: Set(now),
                ..Default::default()
            })
            .exec(db)
            .await?
            .last_insert_id
        }
        List::Agencies => {
            let last: Option<i32> = agencies::Entity::find()
                .select_only()
                .column_as(agencies::Column::Position.max(), "max")
                .into_tuple()
                .one(db)
                .await?
                .flatten();
            agencies::Entity::insert(agencies::ActiveModel {
                name: Set(name.to_owned()),
                position: Set(last.unwrap_or(0) + 1),
                active: Set(true),
                multi_agency: Set(multi_agency),
                created_at: Set(now),
                ..Default::default()
            })
            .exec(db)
            .await?
            .last_insert_id
        }
    })
}

/// Sets name (and, for agencies, the panel flag) of `id` if it still is as `was`; returns
/// whether it was.
pub(super) async fn update(
    db: &impl ConnectionTrait,
    list: List,
    id: i32,
    was: &Item,
    name: &str,
    multi_agency: bool,
) -> Result<bool, DbErr> {
    let rows = match list {
        List::Support => {
            support_catalogue::Entity::update_many()
                .col_expr(support_catalogue::Column::Name, Expr::value(name))
                .filter(support_catalogue::Column::Id.eq(id))
                .filter(support_catalogue::Column::Name.eq(was.name.as_str()))
                .exec(db)
                .await?
                .rows_affected
        }
        List::Agencies => {
            agencies::Entity::update_many()
                .col_expr(agencies::Column::Name, Expr::value(name))
                .col_expr(agencies::Column::MultiAgency, Expr::value(multi_agency))
                .filter(agencies::Column::Id.eq(id))
                .filter(agencies::Column::Name.eq(was.name.as_str()))
                .filter(agencies::Column::MultiAgency.eq(was.multi_agency))
                .exec(db)
                .await?
                .rows_affected
        }
    };
    Ok(rows == 1)
}

/// Sets `active` on `id` if it is not already; returns whether it changed.
pub(super) async fn set_active(
    db: &impl ConnectionTrait,
    list: List,
    id: i32,
    active: bool,
) -> Result<bool, DbErr> {
    let rows = match list {
        List::Support => {
            support_catalogue::Entity::update_many()
                .col_expr(support_catalogue::Column::Active, Expr::value(active))
                .filter(support_catalogue::Column::Id.eq(id))
                .filter(support_catalogue::Column::Active.eq(!active))
                .exec(db)
                .await?
                .rows_affected
        }
        List::Agencies => {
            agencies::Entity::update_many()
                .col_expr(agencies::Column::Active, Expr::value(active))
                .filter(agencies::Column::Id.eq(id))
                .filter(agencies::Column::Active.eq(!active))
                .exec(db)
                .await?
                .rows_affected
        }
    };
    Ok(rows == 1)
}
