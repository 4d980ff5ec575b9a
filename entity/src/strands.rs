use sea_orm::entity::prelude::*;

/// A perceived motivation strand: the five monitored ones (fixed) plus the landlord's own.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strands")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub label: String,
    /// One of the five nationally monitored strands; cannot be retired.
    pub monitored: bool,
    pub retired: bool,
    pub position: i32,
}

impl ActiveModelBehavior for ActiveModel {}
