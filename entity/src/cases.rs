use sea_orm::entity::prelude::*;

/// A case: one or more reports about the same harassment, handled as one piece of work.
/// Codes (status, priority, outcome, …) are stable strings defined in `harbour::cases::codes`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub reference: String,
    pub status: String,
    pub priority: String,
    /// What the answers suggested when the case was opened (kept for review).
    pub suggested_priority: String,
    /// Why the officer chose a priority other than the suggested one.
    pub priority_reason: Option<String>,
    /// The victim or another person perceives it as hate (Macpherson: perception is enough).
    pub hate_perceived: bool,
    pub perceived_by: Option<String>,
    pub area_id: i32,
    pub owner_id: Option<i32>,
    pub logged_by: i32,
    /// When the first report was received (may be before it was logged).
    pub received_at: TimeDateTimeWithTimeZone,
    pub opened_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub closed_at: Option<TimeDateTimeWithTimeZone>,
    /// The current closure's outcome; the history is in `case_closures`.
    pub outcome: Option<String>,
    /// Only staff named in `case_access` and managers may see a restricted case.
    pub restricted: bool,
    pub restricted_reason: Option<String>,
    /// Optimistic-concurrency counter for edits to the case details.
    pub version: i32,
    /// The procedure version whose timescales this case's deadlines follow.
    pub procedure_version_id: i32,
    /// Victim-contact frequency agreed with the victim, overriding the procedure's
    /// regular-update timescale (unit code as in `procedure_timescales`).
    pub contact_every_unit: Option<String>,
    pub contact_every_amount: Option<i32>,
    /// The level of the latest risk assessment (standard, medium, high), and when it was
    /// made; none before the first.
    pub risk_level: Option<String>,
    pub risk_assessed_at: Option<TimeDateTimeWithTimeZone>,
    /// The landlord's own reference, for a case brought in from their earlier records.
    pub external_ref: Option<String>,
    /// The import that brought the case in (`imports`), if it was imported.
    pub import_id: Option<i32>,
}

impl ActiveModelBehavior for ActiveModel {}
