//! Restricting a case (for example when a member of staff is involved): only the staff
//! named on it and managers can then see it. The same form names the staff.

use super::{
    timeline::{self, Entry},
    visibility::{self, Viewer},
};
use crate::cases::timeline::Actor;
use crate::{
    audit::Origin,
    auth::policy::role_label,
    error::AppResult,
    state::AppState,
    web::{
        Ctx,
        extract::set_flash,
        forms::{self, Choice, FormErrors, checkboxes, code_choices, radios, textarea},
    },
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::Form;
use entity::{Role, case_access, cases, users};
use maud::{Markup, html};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RestrictionForm {
    restricted: String,
    reason: String,
    #[serde(rename = "named")]
    named: Vec<String>,
    /// The case version the form was filled in against.
    version: Option<i32>,
}

impl RestrictionForm {
    fn from_case(case: &cases::Model, named: &[i32]) -> Self {
        RestrictionForm {
            restricted: if case.restricted { "yes" } else { "no" }.to_owned(),
            reason: case.restricted_reason.clone().unwrap_or_default(),
            named: named.iter().map(i32::to_string).collect(),
            version: Some(case.version),
        }
    }
}

/// Active staff who work on cases (administrators cannot be named: they see no cases).
pub async fn staff(db: &impl ConnectionTrait) -> Result<Vec<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Role.ne(Role::Admin))
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await
}

pub async fn named_ids(db: &impl ConnectionTrait, case_id: i32) -> Result<Vec<i32>, DbErr> {
    crate::db::bulk::flush::<case_access::ActiveModel>(db).await?;
    case_access::Entity::find()
        .select_only()
        .column(case_access::Column::UserId)
        .filter(case_access::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(db)
        .await
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let case = super::timeline::open(
        &state,
        &viewer,
        &origin,
        &reference,
        "Opened the restriction form",
    )
    .await?;
    let f = RestrictionForm::from_case(&case, &named_ids(&state.db, case.id).await?);
    Ok(page(
        &ctx,
        &case,
        &staff(&state.db).await?,
        &f,
        None,
        &FormErrors::default(),
    ))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    Path(reference): Path<String>,
    Form(f): Form<RestrictionForm>,
) -> AppResult<Response> {
    let case = visibility::find(&state.db, &viewer, &reference).await?;
    let staff = staff(&state.db).await?;
    let mut errors = FormErrors::default();
    let restricted = match f.restricted.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            errors.add("restricted", "Say whether the case is restricted");
            false
        }
    };
    let reason = f.reason.trim();
    if restricted && reason.is_empty() {
        errors.add("reason", "Give the reason for restricting the case");
    }
    let mut named: Vec<i32> = vec![];
    for id in &f.named {
        match id
            .parse::<i32>()
            .ok()
            .filter(|id| staff.iter().any(|s| s.id == *id))
        {
            Some(id) if !named.contains(&id) => named.push(id),
            Some(_) => {}
            None => errors.add("named", "Choose staff from the list"),
        }
    }
    if !errors.is_empty() {
        return Ok(forms::invalid(page(&ctx, &case, &staff, &f, None, &errors)));
    }
    let now = state.now();
    let txn = crate::db::begin(&state.db).await?;
    let by = Actor {
        viewer: &viewer,
        origin: &origin,
        now,
    };
    let change = Restriction {
        restricted,
        reason,
        named,
        version: f.version.unwrap_or(-1),
    };
    if !restrict(&txn, &by, &case, &staff, change).await? {
        drop(txn);
        let latest = visibility::find(&state.db, &viewer, &reference).await?;
        let theirs = RestrictionForm::from_case(&latest, &named_ids(&state.db, latest.id).await?);
        errors.add(
            "restricted",
            "Someone else changed this case while you were editing. The restriction as saved now is shown below; your choices are still in the form. Check both, then save again",
        );
        let mine = RestrictionForm {
            version: Some(latest.version),
            ..f
        };
        return Ok(forms::stale(page(
            &ctx,
            &latest,
            &staff,
            &mine,
            Some(&theirs),
            &errors,
        )));
    }
    txn.commit().await?;
    set_flash(&ctx.session, "Restriction saved.").await?;
    Ok(Redirect::to(&format!("/cases/{}", case.reference)).into_response())
}

/// A restriction as chosen: whether, why, who is named, and the case version it was
/// chosen against.
pub struct Restriction<'a> {
    pub restricted: bool,
    pub reason: &'a str,
    pub named: Vec<i32>,
    pub version: i32,
}

/// Restricts (or lifts the restriction on) `case` and names staff (ids from `staff`): the
/// one way a restriction is set (the form and the demo landlord). `false`, with nothing
/// written, when the case is no longer at `change.version`.
pub async fn restrict(
    txn: &DatabaseTransaction,
    by: &Actor<'_>,
    case: &cases::Model,
    staff: &[users::Model],
    change: Restriction<'_>,
) -> AppResult<bool> {
    let Restriction {
        restricted,
        reason,
        mut named,
        version,
    } = change;
    // Whoever restricts a case keeps sight of it (managers see every case anyway).
    if !by.viewer.sees_every_case() && !named.contains(&by.viewer.id) {
        named.push(by.viewer.id);
    }
    let now = by.now;
    let before = named_ids(txn, case.id).await?;
    // Only the version the form was filled in against may change: a stale form must not
    // silently lift (or impose) a restriction someone else just set.
    let updated = cases::Entity::update_many()
        .col_expr(cases::Column::Restricted, Expr::value(restricted))
        .col_expr(
            cases::Column::RestrictedReason,
            Expr::value(restricted.then(|| reason.to_owned())),
        )
        .col_expr(cases::Column::UpdatedAt, Expr::value(now))
        .col_expr(cases::Column::Version, Expr::col(cases::Column::Version).add(1))
        .filter(cases::Column::Id.eq(case.id))
        .filter(cases::Column::Version.eq(version))
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(false);
    }
    crate::db::bulk::flush::<case_access::ActiveModel>(txn).await?;
    case_access::Entity::delete_many()
        .filter(case_access::Column::CaseId.eq(case.id))
        .filter(case_access::Column::UserId.is_not_in(named.clone()))
        .exec(txn)
        .await?;
    let added: Vec<i32> = named.iter().copied().filter(|id| !before.contains(id)).collect();
    if !added.is_empty() {
        case_access::Entity::insert_many(added.iter().map(|id| case_access::ActiveModel {
            case_id: Set(case.id),
            user_id: Set(*id),
            added_at: Set(now),
            added_by: Set(Some(by.viewer.id)),
        }))
        .on_conflict_do_nothing()
        .exec_without_returning(txn)
        .await?;
    }
    let names: Vec<&str> = staff
        .iter()
        .filter(|s| named.contains(&s.id))
        .map(|s| s.display_name.as_str())
        .collect();
    let body = format!(
        "{}. Staff named: {}",
        if restricted {
            format!("Restricted: {reason}")
        } else {
            "Not restricted".to_owned()
        },
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    );
    let action = if restricted {
        "case.restricted"
    } else {
        "case.unrestricted"
    };
    timeline::record(
        txn,
        now,
        by.viewer,
        by.origin,
        action,
        Entry::event(case, "restricted", now, body),
    )
    .await?;
    Ok(true)
}

fn page(
    ctx: &Ctx,
    case: &cases::Model,
    staff: &[users::Model],
    f: &RestrictionForm,
    theirs: Option<&RestrictionForm>,
    errors: &FormErrors,
) -> Markup {
    let labels: Vec<String> = staff
        .iter()
        .map(|s| format!("{} ({})", s.display_name, role_label(s.role)))
        .collect();
    let staff_choices: Vec<Choice> = staff
        .iter()
        .zip(&labels)
        .map(|(s, l)| Choice {
            value: s.id.to_string(),
            label: l,
            selected: f.named.contains(&s.id.to_string()),
        })
        .collect();
    let title = format!("Restriction of {}", case.reference);
    super::parts::case_form(
        ctx,
        case,
        &title,
        "restriction",
        errors,
        html! {
            @if let Some(t) = theirs {
                div.inset-text id="their-version" {
                    h2.heading-m { "As saved now" }
                    p.body { @if t.restricted == "yes" { "Restricted: " (t.reason) } @else { "Not restricted" } }
                    p.body { "Staff named: "
                        @let named: Vec<&str> = staff.iter().filter(|s| t.named.contains(&s.id.to_string())).map(|s| s.display_name.as_str()).collect();
                        @if named.is_empty() { "none" } @else { (named.join(", ")) }
                    }
                }
            }
        },
        html! {
                input type="hidden" name="version" value=(f.version.unwrap_or(case.version));
                (radios("restricted", "Restrict this case?", Some("A restricted case is hidden from everyone except the staff named below and managers – for example when a member of staff is involved."), &code_choices(&[("yes", "Yes, restrict it"), ("no", "No")], &[f.restricted.as_str()]), errors))
                (textarea("reason", "Reason", None, &f.reason, errors))
                (checkboxes("named", "Staff named on this case", Some("They can see the case even when it is restricted. Whoever restricts a case stays named; managers see every case."), &staff_choices, errors))
                button.button type="submit" { "Save" }
        },
    )
}
