//! Deadlines on cases: planning and completing them ([`schedule`]; what a contact
//! completes, [`contact`]; imported history closed off, [`unrecorded`]), their states ([`state`]),
//! the landlord's calendar settings, the due lists, the case page's deadline actions and
//! the reminder job.

pub mod calendar_settings;
pub mod case_panel;
pub mod closing;
pub mod contact;
pub mod dated;
pub mod lists;
pub mod of_case;
pub mod reminders;
pub mod rules_cache;
pub mod schedule;
pub mod state;
pub mod unrecorded;

use crate::web::route::Route;

pub fn routes() -> Vec<Route> {
    let mut routes = vec![];
    routes.extend(lists::routes());
    routes.extend(case_panel::routes());
    routes.extend(reminders::routes());
    routes
}

/// Who answers for a case's deadlines: its harassment officer, or while it is unassigned
/// whoever logged it (first contact usually falls to them).
pub fn responsible_officer(case: &entity::cases::Model) -> i32 {
    case.owner_id.unwrap_or(case.logged_by)
}

/// Deadline → its case: every list of deadlines joins through this to apply the case
/// visibility filter (`cases::visibility::Viewer::condition`).
pub fn case_relation() -> sea_orm::RelationDef {
    use sea_orm::EntityTrait;
    entity::deadlines::Entity::belongs_to(entity::cases::Entity)
        .from(entity::deadlines::Column::CaseId)
        .to(entity::cases::Column::Id)
        .into()
}
