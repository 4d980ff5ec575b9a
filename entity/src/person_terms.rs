use sea_orm::entity::prelude::*;

/// Search words of a person (name, address, postcode, tenancy reference), lower-cased.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_terms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub term: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i32,
}

impl ActiveModelBehavior for ActiveModel {}
