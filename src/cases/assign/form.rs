//! The assign form as typed, and the check on taking a case (which has no form: the case
//! and who takes it are all there is to check).

use crate::{
    auth::policy::{Permission, allows},
    cases::{codes, visibility::Viewer},
};
use axum::http::StatusCode;
use entity::cases;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssignForm {
    pub owner_id: String,
}

/// The user id chosen, if it is one at all (whether it is an active harassment officer
/// is for the database to say: `store::assignable_officer`).
pub(super) fn validate(f: &AssignForm) -> Option<i32> {
    f.owner_id.trim().parse::<i32>().ok()
}

/// Whether `viewer` may take `case` from the triage queue: they hold the take permission
/// (harassment officers), and the case is open, has no owner and is in one of their areas.
/// Pure, so the case page can decide whether to offer the button.
pub fn can_take(viewer: &Viewer, case: &cases::Model) -> bool {
    allows(viewer.role, Permission::TakeCases) && take_refusal(viewer, case).is_none()
}

/// Why a case cannot be taken.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refused {
    Closed,
    Assigned(i32),
    OutOfArea,
}

impl Refused {
    pub(super) fn status(&self) -> StatusCode {
        match self {
            Refused::Closed | Refused::Assigned(_) => StatusCode::CONFLICT,
            Refused::OutOfArea => StatusCode::FORBIDDEN,
        }
    }
}

pub(super) fn take_refusal(viewer: &Viewer, case: &cases::Model) -> Option<Refused> {
    if case.status != codes::OPEN {
        Some(Refused::Closed)
    } else if let Some(owner) = case.owner_id {
        Some(Refused::Assigned(owner))
    } else if !viewer.area_ids.contains(&case.area_id) {
        Some(Refused::OutOfArea)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::Role;
    use time::macros::datetime;

    fn viewer(role: Role, areas: &[i32]) -> Viewer {
        Viewer {
            id: 7,
            username: "hana".into(),
            display_name: "Hana".into(),
            role,
            area_ids: areas.to_vec(),
        }
    }

    fn case(status: &str, owner: Option<i32>, area: i32) -> cases::Model {
        let t = datetime!(2026-11-23 09:00 UTC);
        cases::Model {
            id: 1,
            reference: "HC-2026-000001".into(),
            status: status.into(),
            priority: codes::P1.into(),
            suggested_priority: codes::P1.into(),
            priority_reason: None,
            hate_perceived: true,
            perceived_by: None,
            area_id: area,
            owner_id: owner,
            logged_by: 3,
            received_at: t,
            opened_at: t,
            updated_at: t,
            closed_at: None,
            outcome: None,
            restricted: false,
            restricted_reason: None,
            version: 1,
            procedure_version_id: 1,
            contact_every_unit: None,
            contact_every_amount: None,
            risk_level: None,
            risk_assessed_at: None,
            external_ref: None,
            import_id: None,
        }
    }

    #[test]
    fn harassment_officers_take_open_unassigned_cases_in_their_areas() {
        let hana = viewer(Role::HarassmentOfficer, &[2, 3]);
        assert!(can_take(&hana, &case(codes::OPEN, None, 3)));
        assert!(!can_take(&hana, &case(codes::OPEN, None, 4)));
        assert!(!can_take(&hana, &case(codes::OPEN, Some(9), 3)));
        assert!(!can_take(&hana, &case(codes::CLOSED, None, 3)));
        for role in [Role::TenancyOfficer, Role::Manager, Role::Admin] {
            assert!(!can_take(&viewer(role, &[3]), &case(codes::OPEN, None, 3)));
        }
    }

    #[test]
    fn refusals_say_conflict_for_state_and_forbidden_for_area() {
        let hana = viewer(Role::HarassmentOfficer, &[2]);
        let refused = |c| take_refusal(&hana, &c).map(|r| r.status());
        assert_eq!(refused(case(codes::CLOSED, None, 2)), Some(StatusCode::CONFLICT));
        assert_eq!(refused(case(codes::OPEN, Some(1), 2)), Some(StatusCode::CONFLICT));
        assert_eq!(refused(case(codes::OPEN, None, 5)), Some(StatusCode::FORBIDDEN));
        assert_eq!(refused(case(codes::OPEN, None, 2)), None);
    }
}
