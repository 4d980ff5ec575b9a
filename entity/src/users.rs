use sea_orm::entity::prelude::*;

/// What a member of staff does; the access policy maps each role to permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum Role {
    #[sea_orm(string_value = "tenancy-officer")]
    TenancyOfficer,
    #[sea_orm(string_value = "harassment-officer")]
    HarassmentOfficer,
    #[sea_orm(string_value = "manager")]
    Manager,
    #[sea_orm(string_value = "admin")]
    Admin,
    /// Owns the race equality action plan: equality reports and exports only, always in
    /// publication mode; never a case.
    #[sea_orm(string_value = "equality-lead")]
    EqualityLead,
}

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// As the person typed it, for display.
    pub username: String,
    /// Lower-cased username: unique, so sign-in is case-insensitive.
    #[sea_orm(unique)]
    pub username_key: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub active: bool,
    pub password_hash: String,
    /// Set by an administrator's reset: the next sign-in must choose a new password.
    pub must_change_password: bool,
    pub failed_logins: i32,
    pub locked_until: Option<TimeDateTimeWithTimeZone>,
    pub last_login_at: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// Optimistic-concurrency counter: an edit made on a stale version is refused.
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
