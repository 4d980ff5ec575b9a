use sea_orm::entity::prelude::*;

/// One report received about a case: the first opens the case, later ones are added to it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "incidents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub received_at: TimeDateTimeWithTimeZone,
    pub received_how: String,
    pub reporter_type: String,
    pub reporter_name: Option<String>,
    /// "at" (occurred_at holds when), "ongoing" or "unknown".
    pub occurred_kind: String,
    pub occurred_at: Option<TimeDateTimeWithTimeZone>,
    pub location_kind: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub location_address: Option<String>,
    pub other_type: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// Meaningful only when `police_known`: "not known" is an answer too.
    pub police_involved: bool,
    pub police_known: bool,
    pub crime_reference: Option<String>,
    pub logged_by: i32,
    pub created_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
