//! Which cases a member of staff may see: the rule that must never break. Every query
//! that finds, lists, counts or relates cases starts from [`Viewer::condition`], so a
//! restricted case is absent for everyone not named on it — from pages, lists, search,
//! counts and related-case panels alike.
//!
//! - Managers see every case.
//! - Harassment officers see every unrestricted case.
//! - Tenancy officers see unrestricted cases they logged or in their areas.
//! - Anyone named on a case (`case_access`) sees it, restricted or not.
//! - Administrators and the equality lead see none (separation of duties; the equality
//!   lead sees aggregate reports only).

use crate::{auth::CurrentUser, error::AppError, state::AppState};
use axum::{extract::FromRequestParts, http::request::Parts};
use entity::{Role, case_access, cases, users};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Query},
};

/// The signed-in user as far as case visibility is concerned.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub area_ids: Vec<i32>,
}

impl Viewer {
    /// `user` as a viewer, with their areas read now: for work outside a request (the
    /// import command, the demo landlord). A request's viewer comes from its signed-in user.
    pub async fn load(db: &impl ConnectionTrait, user: &users::Model) -> Result<Self, DbErr> {
        let area_ids = crate::auth::users::area_ids_of(db, user.id).await?;
        Ok(Viewer::from(&CurrentUser::new(user, area_ids)))
    }

    /// The condition on `cases` that selects exactly the cases this viewer may see.
    pub fn condition(&self) -> Condition {
        let named = cases::Column::Id.in_subquery(
            Query::select()
                .column(case_access::Column::CaseId)
                .from(case_access::Entity)
                .and_where(Expr::col(case_access::Column::UserId).eq(self.id))
                .to_owned(),
        );
        let unrestricted = cases::Column::Restricted.eq(false);
        match self.role {
            Role::Manager => Condition::all(),
            Role::HarassmentOfficer => Condition::any().add(unrestricted).add(named),
            Role::TenancyOfficer => {
                let mut patch = Condition::any().add(cases::Column::LoggedBy.eq(self.id));
                if !self.area_ids.is_empty() {
                    patch = patch.add(cases::Column::AreaId.is_in(self.area_ids.clone()));
                }
                Condition::any()
                    .add(Condition::all().add(unrestricted).add(patch))
                    .add(named)
            }
            // Never true: administrators and the equality lead see no case content.
            Role::Admin | Role::EqualityLead => Condition::all().add(Expr::val(1).eq(0)),
        }
    }

    /// Whether this viewer sees every case, restricted or not, without being named.
    pub fn sees_every_case(&self) -> bool {
        self.role == Role::Manager
    }

    pub fn audit_actor(&self) -> crate::audit::Actor {
        crate::audit::Actor::user(self.id, &self.username)
    }
}

/// The case with `reference`, if this viewer may see it; otherwise `NotFound`, exactly as
/// if it did not exist.
pub async fn find(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    reference: &str,
) -> Result<cases::Model, AppError> {
    cases::Entity::find()
        .filter(cases::Column::Reference.eq(reference.trim().to_ascii_uppercase()))
        .filter(viewer.condition())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        let user = parts.extensions.get::<CurrentUser>().ok_or(AppError::Forbidden)?;
        Ok(Viewer::from(user))
    }
}

impl From<&CurrentUser> for Viewer {
    /// The signed-in user with the areas the auth layer read with them.
    fn from(user: &CurrentUser) -> Self {
        Viewer {
            id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            area_ids: user.area_ids.clone(),
        }
    }
}
