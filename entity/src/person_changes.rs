use sea_orm::entity::prelude::*;

/// One corrected detail of a person: the value before and after (as people read them),
/// who corrected it, when and why. Deleted with the person.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    /// The case the correction was made from; `None` once that case is gone.
    pub case_id: Option<i32>,
    /// The `people` column corrected (`address`, `ethnicity`, …).
    pub field: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub old_value: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub new_value: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub changed_by: i32,
    pub changed_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
