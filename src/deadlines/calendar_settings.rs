//! The landlord's calendar as stored: the bank-holiday division (a setting) and closure
//! days (rows). Read per use, so every instance behind a load balancer agrees at once
//! (once per page inside `page_memo::for_one_page`).

use crate::calendar::{Calendar, Division};
use entity::closure_days;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder};
use time::OffsetDateTime;

const DIVISION: &str = "calendar.division";

pub async fn division(db: &impl ConnectionTrait) -> Result<Division, DbErr> {
    Ok(crate::db::settings(db)
        .await?
        .iter()
        .find(|row| row.key == DIVISION)
        .and_then(|row| Division::from_code(&row.value))
        .unwrap_or_default())
}

pub async fn save_division(
    db: &impl ConnectionTrait,
    division: Division,
    now: OffsetDateTime,
    by: i32,
) -> Result<(), DbErr> {
    crate::db::put_setting(db, DIVISION, division.code().to_owned(), now, by).await
}

pub async fn closure_days(db: &impl ConnectionTrait) -> Result<Vec<closure_days::Model>, DbErr> {
    closure_days::Entity::find()
        .order_by_asc(closure_days::Column::Day)
        .all(db)
        .await
}

/// The working-day calendar deadlines are counted in.
pub async fn load(db: &impl ConnectionTrait) -> Result<Calendar, DbErr> {
    let calendar = crate::page_memo::kept_or(0, async {
        let division = division(db).await?;
        let days = closure_days(db).await?;
        Ok::<_, DbErr>(Calendar::new(division, days.into_iter().map(|d| d.day)))
    })
    .await?;
    Ok((*calendar).clone())
}
