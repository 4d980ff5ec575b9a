use sea_orm::entity::prelude::*;

/// A referral to an agency. Status codes: to-send, sent, responded, withdrawn. Consent
/// to share (who, when, what) must be recorded before it is marked sent.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub agency_id: i32,
    pub status: String,
    pub referred_on: TimeDate,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub consent_by: Option<String>,
    pub consent_on: Option<TimeDate>,
    #[sea_orm(column_type = "Text", nullable)]
    pub consent_scope: Option<String>,
    pub sent_on: Option<TimeDate>,
    pub response_on: Option<TimeDate>,
    #[sea_orm(column_type = "Text", nullable)]
    pub response: Option<String>,
    pub created_by: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_by: Option<i32>,
    pub updated_at: Option<TimeDateTimeWithTimeZone>,
    /// Optimistic-concurrency counter: a stale edit is refused.
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
