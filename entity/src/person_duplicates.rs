use sea_orm::entity::prelude::*;

/// A person recorded with the same name and postcode as someone on a case the recording
/// officer could not see: possibly one person, for a manager to merge or set apart.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_duplicates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub other_id: i32,
    /// The case the person was recorded on.
    pub case_id: i32,
    pub found_at: TimeDateTimeWithTimeZone,
    pub resolved_at: Option<TimeDateTimeWithTimeZone>,
    pub resolved_by: Option<i32>,
    /// "merged" or "different".
    pub resolution: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
