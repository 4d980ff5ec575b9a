use sea_orm::entity::prelude::*;

/// A spreadsheet uploaded for import: kept from the preview until it is committed (when
/// its content is emptied: the cases hold what it said).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub file_name: String,
    pub sheet: Option<String>,
    #[sea_orm(column_type = "Blob")]
    pub content: Vec<u8>,
    pub uploaded_by: i32,
    pub uploaded_at: TimeDateTimeWithTimeZone,
    pub committed_at: Option<TimeDateTimeWithTimeZone>,
    pub cases_created: Option<i32>,
}

impl ActiveModelBehavior for ActiveModel {}
