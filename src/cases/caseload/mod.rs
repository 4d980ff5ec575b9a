//! Caseloads (`GET /cases`): "My cases", the triage queue of open unassigned cases, and all
//! visible cases, each with filters, search, sorting and pages.
//!
//! - [`filters`] reads the query string (never failing) into typed [`filters::Criteria`];
//! - [`query`] turns criteria into queries that start from the viewer's visibility filter;
//! - [`view`] renders the page.
//!
//! A malformed date is shown as an error on the filter form with status 400 (Bad Request)
//! and no list, rather than a list that silently ignored it.
//!
//! Searches are audited (`caseload.searched`), one row per page view that carries a search.
//! The row says which kind of search it was (a case reference, which is recorded, or a number
//! of words), the tab, the other filters and the number of results, but not the words
//! themselves: they are usually a person's name or address, and the audit trail is read by
//! administrators, who must not learn case content.

pub mod filters;
pub mod query;
pub mod view;

use super::visibility::Viewer;
use crate::{
    audit::{self, Event, Origin},
    error::AppResult,
    state::AppState,
    web::{Ctx, forms::FormErrors},
};
use axum::{
    extract::{RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use filters::{Criteria, Filters, Options, OwnerFilter, Search};

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    viewer: Viewer,
    origin: Origin,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let filters = Filters::from_query(raw.as_deref().unwrap_or(""));
    let options = query::load_options(&state.db).await?;
    let mut errors = FormErrors::default();
    let mut criteria = filters::parse(&filters, viewer.role, &options, &mut errors);
    // The landlord's own reference of an imported case finds it as exactly as ours does.
    if let Some(Search::Words(_)) = &criteria.search
        && let Some(reference) = query::by_landlord_reference(&state.db, &viewer, filters.q.trim()).await?
    {
        criteria.search = Some(Search::Reference(reference));
    }
    let result = if errors.is_empty() {
        Some(query::fetch(&state.db, &viewer, &criteria).await?)
    } else {
        None
    };
    if let (Some(search), Some(result)) = (&criteria.search, &result) {
        let txn = crate::db::begin(&state.db).await?;
        let mut event = Event::new(
            "caseload.searched",
            search_summary(&criteria, search, &options, result.pager.total),
        );
        if let Search::Reference(reference) = search {
            event = event.on("case", reference);
        }
        audit::record(&txn, state.now(), &viewer.audit_actor(), &origin, event).await?;
        txn.commit().await?;
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = view::render(
        &ctx,
        &view::Page {
            filters: &filters,
            criteria: &criteria,
            options: &options,
            result: result.as_ref(),
            errors: &errors,
        },
    );
    Ok((status, page).into_response())
}

/// What the audit row says about a search: never the searched words (see the module notes).
fn search_summary(c: &Criteria, search: &Search, options: &Options, total: u64) -> String {
    let what = match search {
        Search::Reference(reference) => format!("case reference {reference}"),
        Search::Words(words) => format!(
            "{} word{} of a name, address, postcode or tenancy reference (words not recorded)",
            words.len(),
            if words.len() == 1 { "" } else { "s" }
        ),
    };
    let mut filters = vec![];
    if let Some(status) = c.status {
        filters.push(format!("status {status}"));
    }
    if let Some(priority) = c.priority {
        filters.push(format!("priority {priority}"));
    }
    if let Some(area) = c.area_id.and_then(|id| options.areas.iter().find(|a| a.id == id)) {
        filters.push(format!("area {}", area.name));
    }
    match c.owner {
        Some(OwnerFilter::Unassigned) => filters.push("unassigned".to_owned()),
        Some(OwnerFilter::User(id)) => {
            if let Some((_, name, _)) = options.owners.iter().find(|(o, _, _)| *o == id) {
                filters.push(format!("case officer {name}"));
            }
        }
        None => {}
    }
    if let Some(strand) = c
        .strand_id
        .and_then(|id| options.strands.iter().find(|s| s.id == id))
    {
        filters.push(format!("strand {}", strand.code));
    }
    if let Some(risk) = c.risk {
        filters.push(format!("risk {}", risk.code()));
    }
    if c.received_from.is_some() || c.received_before.is_some() {
        filters.push("received between dates".to_owned());
    }
    format!(
        "Searched {} by {what}{}: {total} result{}",
        c.tab.label(),
        if filters.is_empty() {
            String::new()
        } else {
            format!("; filters: {}", filters.join(", "))
        },
        if total == 1 { "" } else { "s" }
    )
}
