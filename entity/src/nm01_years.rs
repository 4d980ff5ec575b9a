use sea_orm::entity::prelude::*;

/// NM01's denominator for one reporting year (1 April – 31 March, named by the year it
/// starts in): homes owned, low-cost rental and low-cost home ownership; ASB cases the
/// landlord logged in other systems that year; and the methodology note printed with it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "nm01_years")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub homes_rental: i32,
    pub homes_ownership: i32,
    pub other_asb_cases: i32,
    #[sea_orm(column_type = "Text")]
    pub methodology: String,
    pub updated_by: i32,
    pub updated_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
