//! Recording a risk assessment on an open case: the one way an assessment is saved (the
//! form and the demo landlord both call [`record`]). In the caller's transaction: the
//! assessment and its answers; when it is now the case's latest, the case's standing level
//! (and the manager-review cadence that follows it); the first open risk-assessment
//! deadline completed (met or late); the timeline entry and audit row.

use super::{
    form::Valid,
    store,
    view::{level_label, occasion_phrase},
};
use crate::cases::events::EventKind;
use crate::cases::timeline::Actor;
use crate::{
    cases::timeline::{self, Entry},
    deadlines::{
        schedule::{self, Done, Rules},
        state,
    },
    error::AppResult,
    procedure::Stage,
};
use entity::{cases, deadlines};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};

/// Why a closed case refuses this.
pub const CLOSED: &str = "This case is closed: reopen it before assessing the victim's risk again.";

/// What recording did.
pub struct Recorded {
    /// The case as it now stands.
    pub case: cases::Model,
    /// Whether the assessment is the case's latest (an earlier-dated one is history).
    pub standing: bool,
    /// The risk-assessment deadline it completed: met (`true`) or late.
    pub met: Option<bool>,
}

/// Records `valid` (answers to question set `set_id`) on `case`, which must be open.
pub async fn record(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    set_id: i32,
    valid: &Valid,
) -> AppResult<Recorded> {
    // Holding the case row keeps a closure (or another assessment) from interleaving.
    let case = crate::cases::lock::hold_case(txn, case).await?;
    crate::cases::lock::require_open(&case, CLOSED)?;
    let saved = store::insert(
        txn,
        store::NewAssessment {
            case_id: case.id,
            set_id,
            occasion: valid.occasion,
            assessed_at: valid.assessed_at,
            score: valid.scored.total,
            computed_level: valid.scored.level,
            level: valid.level,
            override_reason: valid.override_reason.clone(),
            notes: valid.notes.clone(),
            answers: &valid.scored.answers,
            by: by.viewer.id,
            now: by.now,
        },
    )
    .await?;
    // An assessment dated before the latest one is history: the later level stands.
    let standing = store::latest_for_case(txn, case.id)
        .await?
        .is_some_and(|latest| latest.id == saved.id);
    let case = if standing {
        cases::Entity::update_many()
            .col_expr(cases::Column::RiskLevel, Expr::value(Some(valid.level)))
            .col_expr(
                cases::Column::RiskAssessedAt,
                Expr::value(Some(valid.assessed_at)),
            )
            .col_expr(cases::Column::UpdatedAt, Expr::value(by.now))
            .filter(cases::Column::Id.eq(case.id))
            .exec(txn)
            .await?;
        let updated = cases::Model {
            risk_level: Some(valid.level.to_owned()),
            risk_assessed_at: Some(valid.assessed_at),
            updated_at: by.now,
            ..case
        };
        schedule::replan_open(txn, &updated, Some(Stage::ManagerReview)).await?;
        updated
    } else {
        case
    };
    let due = deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case.id))
        .filter(deadlines::Column::Stage.eq(Stage::RiskAssessment.code()))
        .filter(deadlines::Column::Status.eq(state::OPEN))
        .order_by_asc(deadlines::Column::AnchoredAt)
        .order_by_asc(deadlines::Column::Id)
        .one(txn)
        .await?
        .filter(|d| valid.assessed_at >= d.anchored_at);
    let mut met = None;
    if let Some(d) = due {
        let rules = Rules::for_case(txn, &case).await?;
        let done = Done {
            at: valid.assessed_at,
            by: by.viewer.id,
            note: None,
            now: by.now,
        };
        if let Some(done) = schedule::complete(txn, &rules, &case, d, done).await? {
            met = Some(state::state(&done, by.now) == state::State::Met);
        }
    }
    let mut body = format!(
        "Risk assessed {}: {} (score {}).",
        occasion_phrase(valid.occasion),
        level_label(valid.level),
        valid.scored.total
    );
    if let Some(reason) = &valid.override_reason {
        body.push_str(&format!(
            " Level set to {} from {}: {reason}",
            level_label(valid.level),
            level_label(valid.scored.level)
        ));
    }
    if !standing {
        body.push_str(" A later assessment's level stands.");
    }
    timeline::record(
        txn,
        by.now,
        by.viewer,
        by.origin,
        "case.risk_assessed",
        Entry::event(&case, EventKind::RiskAssessed, valid.assessed_at, body),
    )
    .await?;
    Ok(Recorded { case, standing, met })
}
