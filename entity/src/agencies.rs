use sea_orm::entity::prelude::*;

/// An agency the landlord refers victims to (administrators maintain the list).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agencies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub name: String,
    pub position: i32,
    pub active: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    /// A multi-agency risk panel (MARAC or similar): a referral here answers the high-risk
    /// prompt.
    pub multi_agency: bool,
}

impl ActiveModelBehavior for ActiveModel {}
