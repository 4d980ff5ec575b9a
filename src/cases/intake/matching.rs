//! Is this someone already known? Typed people are matched with known ones (same tenancy
//! reference, or same name and postcode), so repeat victims and repeat alleged
//! perpetrators stay one record across cases; and a report about a victim's open case is
//! offered to that case instead of opening another.

use super::{
    check::{Decision, ValidPerson},
    form::{NEW_CASE, ReportForm},
};
use crate::{
    cases::{
        codes,
        people::{self as people_store, CaseLink, PersonDetails},
        reference,
        visibility::{self, Viewer},
    },
    error::{AppError, AppResult},
    web::forms::FormErrors,
};
use entity::{cases, people};
use sea_orm::{ConnectionTrait, DbErr};

/// A known person who may be the one typed, with the cases the viewer may see them in.
pub struct Candidate {
    pub person: people::Model,
    pub cases: Vec<CaseLink>,
}

/// The known people offered for one slot.
pub struct SlotOffer {
    pub slot: usize,
    pub candidates: Vec<Candidate>,
}

pub struct Matches {
    pub offers: Vec<SlotOffer>,
    /// Someone still has to be confirmed as known or new.
    pub undecided: bool,
}

/// Settles each person's decision against who is known now and returns the offers to
/// show. Only people on a case the viewer may see are offered: anyone else is not known
/// to them, and offering them would reveal cases they may not see. An answer that no
/// longer fits what was typed (the details changed) is asked again; a question shown and
/// left unanswered is an error.
///
/// Visibility must not split one person into two, though: with nobody to offer, someone
/// unseen with the same tenancy reference and name, on no restricted case, is linked
/// without a word (their other cases stay out of sight; repeat counts include them), and
/// anyone else unseen with the same name (and postcode or tenancy reference) is queued for
/// a manager as a possible duplicate of the new record.
pub async fn match_people(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    people: &mut [ValidPerson],
    errors: &mut FormErrors,
) -> Result<Matches, DbErr> {
    let mut found = Vec::with_capacity(people.len());
    for p in people.iter() {
        found.push(people_store::find_matches(db, &p.details).await?);
    }
    let ids: Vec<i32> = found.iter().flatten().map(|f| f.id).collect();
    let links = people_store::visible_cases(db, viewer, &ids).await?;
    let restricted = people_store::on_restricted_cases(db, &ids).await?;
    let mut offers = vec![];
    for (p, found) in people.iter_mut().zip(found) {
        let unseen: Vec<people::Model> = found
            .iter()
            .filter(|f| !links.iter().any(|l| l.person_id == f.id))
            .cloned()
            .collect();
        // Someone on a restricted case is never linked unasked: their record may itself be
        // what the restriction protects. A manager decides.
        let linkable: Vec<people::Model> = unseen
            .iter()
            .filter(|u| !restricted.contains(&u.id))
            .cloned()
            .collect();
        let candidates = known_to_viewer(found, &links);
        let ids: Vec<i32> = candidates.iter().map(|c| c.person.id).collect();
        p.decision = settle(p.decision, &ids);
        if candidates.is_empty()
            && let Some(same) = same_tenancy_and_name(&p.details, &linkable)
        {
            p.decision = Decision::Reuse(same);
        }
        // A household shares a tenancy reference: only the same name may be one person.
        let typed_name = p.details.name.as_deref().map(people_store::name_key);
        p.possibly_same = match p.decision {
            Decision::New => unseen
                .iter()
                .filter(|u| u.name_key.is_some() && u.name_key == typed_name)
                .map(|u| u.id)
                .collect(),
            _ => vec![],
        };
        if candidates.is_empty() {
            continue;
        }
        if p.decision == Decision::Undecided && p.asked {
            let who = p.details.name.as_deref().unwrap_or("this person");
            errors.add(
                &p.slot.matched,
                format!("Choose whether {who} is someone already known"),
            );
        }
        offers.push(SlotOffer {
            slot: p.slot.index,
            candidates,
        });
    }
    Ok(Matches {
        offers,
        undecided: people.iter().any(|p| p.decision == Decision::Undecided),
    })
}

/// Most candidates shown for one person.
const MAX_OFFERED: usize = 5;

fn known_to_viewer(found: Vec<people::Model>, links: &[CaseLink]) -> Vec<Candidate> {
    found
        .into_iter()
        .map(|person| Candidate {
            cases: links
                .iter()
                .filter(|l| l.person_id == person.id)
                .cloned()
                .collect(),
            person,
        })
        .filter(|c| !c.cases.is_empty())
        .take(MAX_OFFERED)
        .collect()
}

/// The earliest of `unseen` holding the typed tenancy reference and name. A tenancy
/// reference alone is not enough: a household shares one.
fn same_tenancy_and_name(typed: &PersonDetails, unseen: &[people::Model]) -> Option<i32> {
    let tenancy = typed.tenancy_ref.as_deref().map(people_store::tenancy_ref_key)?;
    let name = typed.name.as_deref().map(people_store::name_key)?;
    unseen
        .iter()
        .find(|u| {
            !tenancy.is_empty()
                && u.tenancy_ref_key.as_deref() == Some(tenancy.as_str())
                && u.name_key.as_deref() == Some(name.as_str())
        })
        .map(|u| u.id)
}

fn settle(decision: Decision, candidates: &[i32]) -> Decision {
    match decision {
        _ if candidates.is_empty() => Decision::New,
        Decision::Reuse(id) if candidates.contains(&id) => decision,
        Decision::Reuse(_) => Decision::Undecided,
        other => other,
    }
}

/// Open cases the viewer may see on which a known person reused here is a victim: this
/// report probably belongs there (DOMAIN.md: reports received while a case is open are
/// added to it).
pub async fn open_victim_cases(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    people: &[ValidPerson],
) -> Result<Vec<CaseLink>, DbErr> {
    let victims: Vec<i32> = people
        .iter()
        .filter(|p| p.role == codes::VICTIM)
        .filter_map(|p| match p.decision {
            Decision::Reuse(id) => Some(id),
            _ => None,
        })
        .collect();
    let mut open: Vec<CaseLink> = people_store::visible_cases(db, viewer, &victims)
        .await?
        .into_iter()
        .filter(|l| l.status == codes::OPEN && l.role == codes::VICTIM)
        .collect();
    open.dedup_by_key(|l| l.case_id);
    Ok(open)
}

/// An open case a report is to be added to, and the field that named it.
pub struct Target {
    pub case: cases::Model,
    pub field: &'static str,
}

/// The open case this report is to be added to, when the officer typed its reference or
/// accepted the offer; `None` for a new case. A case the viewer may not see is reported
/// exactly like one that does not exist.
pub async fn target_case(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    form: &ReportForm,
    errors: &mut FormErrors,
) -> AppResult<Option<Target>> {
    let (field, typed) = match (form.case_reference.trim(), form.attach_to.trim()) {
        ("", "" | NEW_CASE) => return Ok(None),
        ("", offered) => ("attach_to", offered),
        (typed, _) => ("case_reference", typed),
    };
    let Some(reference) = reference::parse(typed) else {
        errors.add(field, "Enter a case reference like HC-2026-000123");
        return Ok(None);
    };
    match visibility::find(db, viewer, &reference).await {
        Ok(case) if case.status == codes::OPEN => Ok(Some(Target { case, field })),
        Ok(case) => {
            errors.add(
                field,
                format!(
                    "{} is closed. A manager can reopen it; or leave this blank to open a new case",
                    case.reference
                ),
            );
            Ok(None)
        }
        Err(AppError::NotFound) => {
            errors.add(
                field,
                format!("There is no open case {reference} that you can see"),
            );
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_hold_only_while_they_fit_who_is_known() {
        use Decision::*;
        assert_eq!(settle(Undecided, &[]), New);
        assert_eq!(settle(Reuse(3), &[]), New);
        assert_eq!(settle(Undecided, &[3]), Undecided);
        assert_eq!(settle(Reuse(3), &[3]), Reuse(3));
        assert_eq!(settle(Reuse(4), &[3]), Undecided);
        assert_eq!(settle(New, &[3]), New);
    }
}
