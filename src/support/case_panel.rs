//! This capability's section of the case page.

use crate::cases::visibility::Viewer;
use entity::cases;
use maud::{Markup, html};
use sea_orm::{ConnectionTrait, DbErr};
use time::OffsetDateTime;

/// What the case page shows of this capability.
pub struct Panel {}

pub async fn load(
    _db: &impl ConnectionTrait,
    _case: &cases::Model,
    _viewer: &Viewer,
    _now: OffsetDateTime,
) -> Result<Panel, DbErr> {
    Ok(Panel {})
}

pub fn section(_viewer: &Viewer, _case: &cases::Model, _panel: &Panel) -> Markup {
    html! {}
}
