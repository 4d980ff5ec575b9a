//! The access policy: the only place that decides what each role may do. Routes declare
//! the [`Permission`] they need (see `crate::routes`); no handler checks roles itself.
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
    /// Landlord settings and pick-lists (case thresholds, local strands).
    ManageSettings,
    /// Open case pages and caseloads (which cases: `cases::visibility`).
    ViewCases,
    /// Log reports, add further reports, record contacts and notes.
    LogCases,
    /// Change case details (priority, strands, area, people) and restriction.
    EditCases,
    /// Assign or reassign a case to a harassment officer.
    AssignCases,
    /// Take an unassigned case in one's own area.
    TakeCases,
    /// Close a case with an outcome.
    CloseCases,
    /// Reopen a closed case.
    ReopenCases,
    /// Due lists and the deadlines on a case (which cases: `cases::visibility`).
    ViewDeadlines,
    /// Record a deadline's activity as done, extend a deadline, set the agreed contact
    /// frequency. Tenancy officers complete first contact by recording the contact itself.
    ManageDeadlines,
    /// Waive a deadline (never officers: a waiver excuses a breach).
    WaiveDeadlines,
    /// The deadline-compliance dashboard.
    ViewCompliance,
    /// Other officers' and the team's due lists.
    ViewTeamDeadlines,
    /// Record a manager case review as done.
    RecordManagerReview,
    /// Record victim support measures (requested, provided, declined) on a visible case.
    RecordSupport,
    /// Refer a victim to an agency, with consent to share.
    ManageReferrals,
    /// Victim risk assessments.
    AssessRisk,
    /// Agree and revise action plans with the victim; their actions.
    ManagePlans,
    /// Action against alleged perpetrators, with court and notice dates.
    ManageEnforcement,
    /// Equality and regulator reports and their exports (aggregates only).
    ViewReports,
    /// Internal (unsuppressed) reports and the cases behind a number: drill-downs and the
    /// list of repeat alleged perpetrators.
    ViewReportCases,
    /// Report figures count every case, restricted ones too (aggregates only: the cases
    /// behind a figure are still listed through the visibility filter).
    CountEveryCaseInReports,
    /// Bring cases in from the landlord's spreadsheets (never administrators: the preview
    /// shows case content).
    ImportCases,
    /// The audit trail's case events (views, changes, exports, searches of cases); without
    /// it the trail shows accounts, sign-ins and settings only.
    ViewCaseEvents,
    /// Possible duplicate people, and merging two records of one person (each may be on
    /// cases in any area).
    MergePeople,
    /// Review cases past their retention date, dispose of them, and place or lift legal
    /// holds.
    ManageRetention,
    /// Read a person's equality monitoring answers (ethnicity and the other protected
    /// characteristics: special category data). Without it a viewer sees whether each was
    /// recorded, never the answer, unless they recorded the person (`cases::monitoring`).
    ViewMonitoringAnswers,
    /// Find a person and produce everything held about them across every case they may
    /// see (subject access), with other people's personal data redacted.
    SubjectAccess,
}

/// May a user with `role` do what `permission` guards?
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    use Role::*;
    match permission {
        Public | SignedIn => true,
        ManageUsers | ManageAreas => role == Admin,
        ViewAudit => matches!(role, Manager | Admin),
        ManageSettings => role == Admin,
        // Administrators read no case content (separation of duties).
        ViewCases | LogCases => matches!(role, TenancyOfficer | HarassmentOfficer | Manager),
        EditCases | CloseCases => matches!(role, HarassmentOfficer | Manager),
        AssignCases | ReopenCases => role == Manager,
        TakeCases => role == HarassmentOfficer,
        ViewDeadlines => matches!(role, TenancyOfficer | HarassmentOfficer | Manager),
        ManageDeadlines => matches!(role, HarassmentOfficer | Manager),
        WaiveDeadlines | ViewCompliance | ViewTeamDeadlines | RecordManagerReview => role == Manager,
        // Tenancy officers record support needs on cases they can see (as they record
        // contacts); risk, plans, referrals and enforcement are specialist work.
        RecordSupport => matches!(role, TenancyOfficer | HarassmentOfficer | Manager),
        ManageReferrals | AssessRisk | ManagePlans | ManageEnforcement => {
            matches!(role, HarassmentOfficer | Manager)
        }
        // The equality lead sees figures, never a case or a name; administrators neither.
        ViewReports | CountEveryCaseInReports => matches!(role, Manager | EqualityLead),
        ViewReportCases | ImportCases | MergePeople | ViewCaseEvents | ManageRetention | SubjectAccess => {
            role == Manager
        }
        // Need-to-know: those who work the case through. Tenancy officers log reports and
        // see only what they recorded themselves; the equality lead sees figures only.
        ViewMonitoringAnswers => matches!(role, HarassmentOfficer | Manager),
    }
}

/// Every permission, in the order the policy lists them (for the generated table).
pub const ALL: [Permission; 33] = {
    use Permission::*;
    [
        Public,
        SignedIn,
        ManageUsers,
        ManageAreas,
        ViewAudit,
        ManageSettings,
        ViewCases,
        LogCases,
        EditCases,
        AssignCases,
        TakeCases,
        CloseCases,
        ReopenCases,
        ViewDeadlines,
        ManageDeadlines,
        WaiveDeadlines,
        ViewCompliance,
        ViewTeamDeadlines,
        RecordManagerReview,
        RecordSupport,
        ManageReferrals,
        AssessRisk,
        ManagePlans,
        ManageEnforcement,
        ViewReports,
        ViewReportCases,
        CountEveryCaseInReports,
        ImportCases,
        ViewCaseEvents,
        MergePeople,
        ManageRetention,
        ViewMonitoringAnswers,
        SubjectAccess,
    ]
};

/// What a permission lets someone do, in a few words (the generated table's rows).
pub fn describe(permission: Permission) -> &'static str {
    use Permission::*;
    match permission {
        Public => "Sign in, first-run setup, health check",
        SignedIn => "Home page, own password, sign out",
        ManageUsers => "Create, edit and deactivate users; reset passwords",
        ManageAreas => "Create, rename and retire areas",
        ViewAudit => "Browse the audit trail (sign-ins, accounts, settings)",
        ManageSettings => "Landlord settings and pick-lists",
        ViewCases => "Open case pages and caseloads (visible cases only)",
        LogCases => "Log reports, add further reports, record contacts and notes",
        EditCases => "Change case details and people; restrict a case",
        AssignCases => "Assign or reassign a case",
        TakeCases => "Take an unassigned case in one's own area",
        CloseCases => "Close a case with an outcome",
        ReopenCases => "Reopen a closed case",
        ViewDeadlines => "Due lists and a case's deadlines (visible cases only)",
        ManageDeadlines => "Record deadlines done, extend them, set contact frequency",
        WaiveDeadlines => "Waive a deadline",
        ViewCompliance => "Deadline-compliance dashboard",
        ViewTeamDeadlines => "Other officers' and the team's due lists",
        RecordManagerReview => "Record a manager case review",
        RecordSupport => "Record victim support measures",
        ManageReferrals => "Refer a victim to an agency, with consent to share",
        AssessRisk => "Victim risk assessments",
        ManagePlans => "Action plans agreed with the victim",
        ManageEnforcement => "Action against alleged perpetrators",
        ViewReports => "Equality and regulator reports (aggregates only)",
        ViewReportCases => "Unsuppressed reports and the cases behind a figure",
        CountEveryCaseInReports => "Report figures count restricted cases too",
        ImportCases => "Import cases from spreadsheets",
        ViewCaseEvents => "Case events in the audit trail (views, changes, exports)",
        MergePeople => "Review possible duplicate people and merge them",
        ManageRetention => "Review cases past retention, dispose of them, legal holds",
        ViewMonitoringAnswers => "Read people's monitoring answers (others see only that they were recorded)",
        SubjectAccess => "Find a person; subject access exports with third parties redacted",
    }
}

/// The access policy as a markdown table, permission by role (docs/DATA-PROTECTION.md
/// holds a copy, checked by a test so that the document cannot drift from the code).
pub fn markdown_table() -> String {
    let roles: Vec<Role> = Role::iter().collect();
    let mut out = String::from("| What | ");
    out.push_str(
        &roles
            .iter()
            .map(|r| role_label(*r))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    out.push_str(" |\n|---|");
    out.push_str(&":-:|".repeat(roles.len()));
    out.push('\n');
    for p in ALL {
        out.push_str(&format!("| {} |", describe(p)));
        for role in &roles {
            out.push_str(if allows(*role, p) { " yes |" } else { " |" });
        }
        out.push('\n');
    }
    out
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::TenancyOfficer => "Tenancy officer",
        Role::HarassmentOfficer => "Harassment officer",
        Role::Manager => "Manager",
        Role::Admin => "Administrator",
        Role::EqualityLead => "Equality lead",
    }
}

/// The stable code used on the command line and in forms.
pub fn role_code(role: Role) -> &'static str {
    match role {
        Role::TenancyOfficer => "tenancy-officer",
        Role::HarassmentOfficer => "harassment-officer",
        Role::Manager => "manager",
        Role::Admin => "admin",
        Role::EqualityLead => "equality-lead",
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
    fn administrators_have_no_case_permission() {
        use Permission::*;
        for p in [
            ViewCases,
            LogCases,
            EditCases,
            AssignCases,
            TakeCases,
            CloseCases,
            ReopenCases,
            RecordSupport,
            ManageReferrals,
            AssessRisk,
            ManagePlans,
            ManageEnforcement,
        ] {
            assert!(!allows(Role::Admin, p), "{p:?}");
        }
    }

    #[test]
    fn only_managers_assign_and_reopen_and_only_harassment_officers_take() {
        for role in Role::iter() {
            assert_eq!(allows(role, Permission::AssignCases), role == Role::Manager);
            assert_eq!(allows(role, Permission::ReopenCases), role == Role::Manager);
            assert_eq!(
                allows(role, Permission::TakeCases),
                role == Role::HarassmentOfficer
            );
        }
        assert!(!allows(Role::TenancyOfficer, Permission::CloseCases));
        assert!(!allows(Role::TenancyOfficer, Permission::EditCases));
        assert!(allows(Role::TenancyOfficer, Permission::LogCases));
    }

    #[test]
    fn tenancy_officers_record_support_but_not_specialist_casework() {
        use Permission::*;
        assert!(allows(Role::TenancyOfficer, RecordSupport));
        for p in [ManageReferrals, AssessRisk, ManagePlans, ManageEnforcement] {
            assert!(!allows(Role::TenancyOfficer, p), "{p:?}");
            assert!(allows(Role::HarassmentOfficer, p), "{p:?}");
            assert!(allows(Role::Manager, p), "{p:?}");
        }
    }

    #[test]
    fn reports_for_managers_and_the_equality_lead_cases_behind_them_for_managers_only() {
        use Permission::*;
        for role in Role::iter() {
            assert_eq!(
                allows(role, ViewReports),
                matches!(role, Role::Manager | Role::EqualityLead),
                "{role:?}"
            );
            assert_eq!(allows(role, ViewReportCases), role == Role::Manager, "{role:?}");
        }
        // The equality lead reaches no case, deadline, audit or admin permission.
        for p in [
            ViewCases,
            LogCases,
            EditCases,
            ViewDeadlines,
            ViewCompliance,
            ViewAudit,
            ManageSettings,
            RecordSupport,
            ViewReportCases,
        ] {
            assert!(!allows(Role::EqualityLead, p), "{p:?}");
        }
    }

    #[test]
    fn only_managers_import_merge_people_and_answer_subject_access() {
        for role in Role::iter() {
            for p in [
                Permission::ImportCases,
                Permission::MergePeople,
                Permission::SubjectAccess,
            ] {
                assert_eq!(allows(role, p), role == Role::Manager, "{role:?} {p:?}");
            }
        }
    }

    #[test]
    fn every_permission_a_route_needs_is_in_the_generated_table() {
        for (_, path, permission) in crate::routes::table() {
            assert!(
                ALL.contains(&permission),
                "{path}: {permission:?} is missing from ALL"
            );
        }
        let mut seen = std::collections::HashSet::new();
        assert!(
            ALL.iter().all(|p| seen.insert(*p)),
            "ALL lists each permission once"
        );
    }

    /// docs/DATA-PROTECTION.md carries the generated table between its markers.
    /// `UPDATE_DOCS=1 cargo test --lib policy` rewrites it.
    #[test]
    fn the_data_protection_document_holds_the_policy_table() {
        const START: &str = "<!-- policy:start -->\n";
        const END: &str = "<!-- policy:end -->";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/DATA-PROTECTION.md");
        let doc = std::fs::read_to_string(&path).expect("docs/DATA-PROTECTION.md");
        let (before, rest) = doc.split_once(START).expect("the start marker");
        let (_, after) = rest.split_once(END).expect("the end marker");
        let wanted = format!("{before}{START}{}{END}{after}", markdown_table());
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &wanted).unwrap();
        } else {
            assert!(
                doc == wanted,
                "docs/DATA-PROTECTION.md's access table is out of date: run UPDATE_DOCS=1 cargo test --lib policy"
            );
        }
    }

    #[test]
    fn monitoring_answers_for_harassment_officers_and_managers_only() {
        use Permission::*;
        for role in Role::iter() {
            assert_eq!(
                allows(role, ViewMonitoringAnswers),
                matches!(role, Role::HarassmentOfficer | Role::Manager),
                "{role:?}"
            );
            // Screens behind these show monitoring answers without asking again: whoever
            // reaches them must be allowed to read the answers.
            for p in [MergePeople, ImportCases, ViewReportCases, SubjectAccess] {
                assert!(
                    !allows(role, p) || allows(role, ViewMonitoringAnswers),
                    "{role:?} {p:?}"
                );
            }
        }
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::iter() {
            assert_eq!(parse_role(role_code(role)), Some(role));
        }
        assert_eq!(parse_role("superuser"), None);
    }
}
