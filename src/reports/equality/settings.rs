//! The landlord's reporting settings (rows in `settings`, with safe defaults) and NM01's
//! homes owned per reporting year (`nm01_years`).

use super::groups::{self, DEFAULT_CATEGORY_REFERENCE, DEFAULT_GROUP_REFERENCE};
use entity::{nm01_years, settings};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, sea_query::OnConflict};
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportSettings {
    /// Recording target: at most this percentage of victims (or alleged perpetrators)
    /// with ethnicity "Not known" or "Prefer not to say".
    pub not_given_target_percent: u32,
    /// Cases should be closed within this many calendar days of the report.
    pub close_target_days: u32,
    /// The reference group for the five groups, and for the nineteen categories.
    pub group_reference: String,
    pub category_reference: String,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            not_given_target_percent: 10,
            close_target_days: 90,
            group_reference: DEFAULT_GROUP_REFERENCE.to_owned(),
            category_reference: DEFAULT_CATEGORY_REFERENCE.to_owned(),
        }
    }
}

pub const TARGET_RANGE: std::ops::RangeInclusive<u32> = 0..=100;
pub const CLOSE_DAYS_RANGE: std::ops::RangeInclusive<u32> = 1..=730;

const NOT_GIVEN: &str = "reports.not_given_target_percent";
const CLOSE_DAYS: &str = "reports.close_target_days";
const GROUP_REF: &str = "reports.group_reference";
const CATEGORY_REF: &str = "reports.category_reference";

impl ReportSettings {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let rows = settings::Entity::find().all(db).await?;
        let get = |key: &str| rows.iter().find(|r| r.key == key).map(|r| r.value.as_str());
        let d = ReportSettings::default();
        Ok(ReportSettings {
            not_given_target_percent: get(NOT_GIVEN)
                .and_then(|v| v.parse().ok())
                .filter(|n| TARGET_RANGE.contains(n))
                .unwrap_or(d.not_given_target_percent),
            close_target_days: get(CLOSE_DAYS)
                .and_then(|v| v.parse().ok())
                .filter(|n| CLOSE_DAYS_RANGE.contains(n))
                .unwrap_or(d.close_target_days),
            group_reference: get(GROUP_REF)
                .filter(|v| groups::group_label(v).is_some())
                .map_or(d.group_reference, str::to_owned),
            category_reference: get(CATEGORY_REF)
                .filter(|v| groups::categories().any(|(c, _)| c == *v))
                .map_or(d.category_reference, str::to_owned),
        })
    }

    pub async fn save(&self, db: &impl ConnectionTrait, now: OffsetDateTime, by: i32) -> Result<(), DbErr> {
        for (key, value) in [
            (NOT_GIVEN, self.not_given_target_percent.to_string()),
            (CLOSE_DAYS, self.close_target_days.to_string()),
            (GROUP_REF, self.group_reference.clone()),
            (CATEGORY_REF, self.category_reference.clone()),
        ] {
            crate::db::put_setting(db, key, value, now, by).await?;
        }
        Ok(())
    }
}

/// NM01's denominator and notes for one reporting year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nm01Year {
    pub year: i32,
    pub homes_rental: u32,
    pub homes_ownership: u32,
    pub other_asb_cases: u32,
    pub methodology: String,
}

impl Nm01Year {
    pub fn homes(&self) -> u32 {
        self.homes_rental + self.homes_ownership
    }
}

pub async fn nm01_year(db: &impl ConnectionTrait, year: i32) -> Result<Option<Nm01Year>, DbErr> {
    Ok(nm01_years::Entity::find_by_id(year)
        .one(db)
        .await?
        .map(from_model))
}

pub async fn nm01_years(db: &impl ConnectionTrait) -> Result<Vec<Nm01Year>, DbErr> {
    use sea_orm::QueryOrder;
    Ok(nm01_years::Entity::find()
        .order_by_desc(nm01_years::Column::Year)
        .all(db)
        .await?
        .into_iter()
        .map(from_model)
        .collect())
}

fn from_model(m: nm01_years::Model) -> Nm01Year {
    Nm01Year {
        year: m.year,
        homes_rental: m.homes_rental.max(0) as u32,
        homes_ownership: m.homes_ownership.max(0) as u32,
        other_asb_cases: m.other_asb_cases.max(0) as u32,
        methodology: m.methodology,
    }
}

/// Sets (or replaces) one year's figures.
pub async fn put_nm01_year(
    db: &impl ConnectionTrait,
    y: &Nm01Year,
    now: OffsetDateTime,
    by: i32,
) -> Result<(), DbErr> {
    nm01_years::Entity::insert(nm01_years::ActiveModel {
        year: Set(y.year),
        homes_rental: Set(y.homes_rental as i32),
        homes_ownership: Set(y.homes_ownership as i32),
        other_asb_cases: Set(y.other_asb_cases as i32),
        methodology: Set(y.methodology.clone()),
        updated_by: Set(by),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(nm01_years::Column::Year)
            .update_columns([
                nm01_years::Column::HomesRental,
                nm01_years::Column::HomesOwnership,
                nm01_years::Column::OtherAsbCases,
                nm01_years::Column::Methodology,
                nm01_years::Column::UpdatedBy,
                nm01_years::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
