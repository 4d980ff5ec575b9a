//! What the action page shows, read from the database.

use crate::cases::staff_names::user_names;
use crate::enforcement::{headline, store};
use entity::{deadlines, legal_dates, perpetrator_action_events, perpetrator_actions};
use sea_orm::{ConnectionTrait, DbErr};

/// Everything the action page shows.
pub struct ActionView {
    pub action: perpetrator_actions::Model,
    /// Who it is against; `None`: no one in particular.
    pub who: Option<String>,
    pub events: Vec<(perpetrator_action_events::Model, String)>,
    pub dates: Vec<(legal_dates::Model, Option<deadlines::Model>)>,
    pub recorded_by: String,
    pub updated_by: Option<String>,
}

impl ActionView {
    pub fn title(&self) -> String {
        headline(&self.action.kind, self.who.as_deref())
    }
}

pub async fn load(
    db: &impl ConnectionTrait,
    action: perpetrator_actions::Model,
) -> Result<ActionView, DbErr> {
    let perpetrators = store::perpetrators(db, action.case_id).await?;
    let who = action
        .party_id
        .map(|_| store::against(&perpetrators, action.party_id));
    let events = store::events(db, action.id).await?;
    let dates = store::legal_dates_of(db, [action.id]).await?;
    let mut deadlines = store::date_deadlines(db, action.case_id, &dates).await?;
    let names = user_names(
        db,
        events
            .iter()
            .map(|e| Some(e.created_by))
            .chain([Some(action.created_by), action.updated_by]),
    )
    .await?;
    let name = |id: i32| names.get(&id).cloned().unwrap_or_default();
    Ok(ActionView {
        who,
        events: events
            .into_iter()
            .map(|e| {
                let by = name(e.created_by);
                (e, by)
            })
            .collect(),
        dates: dates
            .into_iter()
            .map(|ld| {
                let d = deadlines.remove(&ld.id);
                (ld, d)
            })
            .collect(),
        recorded_by: name(action.created_by),
        updated_by: action.updated_by.map(name),
        action,
    })
}
