//! The access policy: the only place that decides what each role may do. Routes declare
//! the [`Permission`] they need (see `web::routes`); no handler checks roles itself.
//! Mirrors the role table in DOMAIN.md: administrators run the system but read no case
//! content (separation of duties); managers are never absent from the audit trail.

use entity::Role;
use sea_orm::Iterable;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Anyone, signed in or not (sign-in, first-run setup, health check, assets).
    Public,
    /// Any signed-in, active member of staff (home page, own password, sign out).
    SignedIn,
    /// Create, edit, deactivate users and reset their passwords.
    ManageUsers,
    /// Create, rename and retire areas.
    ManageAreas,
    /// Browse and filter the audit trail.
    ViewAudit,
}

/// May a user with `role` do what `permission` guards?
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    use Role::*;
    match permission {
        Public | SignedIn => true,
        ManageUsers | ManageAreas => role == Admin,
        ViewAudit => matches!(role, Manager | Admin),
    }
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::TenancyOfficer => "Tenancy officer",
        Role::HarassmentOfficer => "Harassment officer",
        Role::Manager => "Manager",
        Role::Admin => "Administrator",
    }
}

/// The stable code used on the command line and in forms.
pub fn role_code(role: Role) -> &'static str {
    match role {
        Role::TenancyOfficer => "tenancy-officer",
        Role::HarassmentOfficer => "harassment-officer",
        Role::Manager => "manager",
        Role::Admin => "admin",
    }
}

pub fn parse_role(code: &str) -> Option<Role> {
    Role::iter().find(|r| role_code(*r) == code.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_users_and_areas() {
        for role in Role::iter() {
            assert_eq!(allows(role, Permission::ManageUsers), role == Role::Admin);
            assert_eq!(allows(role, Permission::ManageAreas), role == Role::Admin);
        }
    }

    #[test]
    fn managers_and_admins_read_the_audit_trail() {
        assert!(allows(Role::Manager, Permission::ViewAudit));
        assert!(allows(Role::Admin, Permission::ViewAudit));
        assert!(!allows(Role::TenancyOfficer, Permission::ViewAudit));
        assert!(!allows(Role::HarassmentOfficer, Permission::ViewAudit));
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::iter() {
            assert_eq!(parse_role(role_code(role)), Some(role));
        }
        assert_eq!(parse_role("superuser"), None);
    }
}
