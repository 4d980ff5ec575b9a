use sea_orm::entity::prelude::*;

/// A person (or an unknown person, or a described group) who appears in cases. One record
/// across cases, so repeat victims and repeat alleged perpetrators are visible.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// "person", "unknown" or "group".
    pub kind: String,
    pub name: Option<String>,
    /// Normalised name for matching (lower case, single spaces).
    pub name_key: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub preferred_contact: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub address: Option<String>,
    pub postcode: Option<String>,
    /// Postcode upper-cased without spaces.
    pub postcode_key: Option<String>,
    pub tenancy_ref: Option<String>,
    pub tenancy_ref_key: Option<String>,
    pub is_tenant: Option<bool>,
    #[sea_orm(column_type = "Text", nullable)]
    pub household: Option<String>,
    pub language: Option<String>,
    pub interpreter: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub vulnerabilities: Option<String>,
    /// Never blank: "prefer-not-to-say" and "not-known" are codes too.
    pub ethnicity: String,
    /// Which code list `ethnicity` comes from (e.g. "ew-2021").
    pub ethnicity_list: String,
    pub age_band: Option<String>,
    pub sex: Option<String>,
    pub disability: Option<String>,
    pub religion: Option<String>,
    pub sexual_orientation: Option<String>,
    pub gender_reassignment: Option<String>,
    pub marriage: Option<String>,
    pub pregnancy: Option<String>,
    pub created_by: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
