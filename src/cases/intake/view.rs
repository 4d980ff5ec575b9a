//! The intake pages. One form serves a new case and a further report; the incident
//! fields and the person slot are the same components in both.

use super::{
    form::{ADD_PERSON, IncidentForm, NEW_CASE, NEW_PERSON, PersonForm, ReportForm, SUGGESTED},
    matching::{Candidate, SlotOffer},
    store::Choices,
};
use crate::{
    cases::{
        codes::{self, Code},
        people::CaseLink,
    },
    web::{
        Ctx,
        forms::{
            Choice, FormErrors, Input, checkboxes, code_choices, csrf_field, error_summary, radios, select,
            textarea,
        },
        layout,
    },
};
use entity::{areas, cases};
use maud::{Markup, html};

/// Which form this is.
pub enum Mode<'a> {
    NewCase(&'a Choices),
    Further(&'a cases::Model),
}

/// Everything the form shows besides the typed values.
pub struct FormView<'a> {
    pub mode: Mode<'a>,
    pub form: &'a ReportForm,
    pub errors: &'a FormErrors,
    /// Known people who may be the ones typed, per slot.
    pub offers: &'a [SlotOffer],
    /// Open cases a reused victim is on: offered to add this report to.
    pub attach: &'a [CaseLink],
}

pub fn page(ctx: &Ctx, v: &FormView) -> Markup {
    let (title, action, submit) = match v.mode {
        Mode::NewCase(_) => ("Log a report".to_owned(), "/cases/new".to_owned(), "Log report"),
        Mode::Further(case) => (
            format!("Add a further report to {}", case.reference),
            format!("/cases/{}/reports/new", case.reference),
            "Add report",
        ),
    };
    let f = v.form;
    layout::page(
        ctx,
        &title,
        !v.errors.is_empty(),
        html! {
            (error_summary(v.errors))
            h1.heading-xl { (title) }
            (notice(v))
            form method="post" action=(action) novalidate {
                (csrf_field(&ctx.csrf))
                input type="hidden" name="people" value=(f.people.len());
                (attach_offer(v))
                @if let Mode::NewCase(_) = v.mode { (existing_case(f, v.errors)) }
                (received(&f.incident, v.errors))
                (incident(&f.incident, v.errors))
                (people(v))
                @if let Mode::NewCase(choices) = v.mode {
                    (hate(f, choices, v.errors))
                    (case_details(f, choices, v.errors))
                }
                button.button type="submit" { (submit) }
            }
            @if let Mode::Further(case) = v.mode {
                p.body { a href={ "/cases/" (case.reference) } { "Back to " (case.reference) } }
            }
        },
    )
}

/// Why the form came back without an error: a case to add to, or people to confirm
/// (offers are only made before saving, so without errors one of these is the reason).
fn notice(v: &FormView) -> Markup {
    let (title, text) = match (v.errors.is_empty(), v.attach.is_empty(), v.offers.is_empty()) {
        (true, false, _) => (
            "This victim has an open case",
            "Choose whether to add this report to it, then submit again.",
        ),
        (true, true, false) => (
            "Check the people on this report",
            "Some may already be known. For each one, choose whether to use the existing record, then submit again.",
        ),
        _ => return html! {},
    };
    // Each question the banner refers to, one tap away (the form is long on a phone).
    let questions: Vec<(String, String)> = if v.attach.is_empty() {
        v.offers
            .iter()
            .filter_map(|o| v.form.people.get(o.slot))
            .map(|p| {
                let who = match p.name.trim() {
                    "" => format!("Person {}", p.names.index + 1),
                    name => name.to_owned(),
                };
                (
                    p.names.matched.clone(),
                    format!("Is {who} someone already known?"),
                )
            })
            .collect()
    } else {
        vec![(
            "attach_to".to_owned(),
            "Add this report to the victim's open case?".to_owned(),
        )]
    };
    html! {
        div.banner.banner--important role="status" {
            p.banner__title { (title) }
            p.body { (text) }
            ul.list {
                @for (id, question) in &questions {
                    li { a href={ "#" (id) } { (question) } }
                }
            }
        }
    }
}

fn attach_offer(v: &FormView) -> Markup {
    let answer = v.form.attach_to.trim();
    // Offered now; or answered earlier and refused, so the error has its question to sit on.
    let references: Vec<&str> = if !v.attach.is_empty() {
        v.attach.iter().map(|c| c.reference.as_str()).collect()
    } else if v.errors.get("attach_to").is_some() {
        vec![answer]
    } else {
        // An earlier answer is kept until the offer is made again.
        return html! {
            @if !answer.is_empty() { input type="hidden" name="attach_to" value=(answer); }
        };
    };
    let chosen = match answer {
        "" => references.first().copied().unwrap_or(NEW_CASE),
        answer => answer,
    };
    let labels: Vec<String> = references.iter().map(|r| format!("Yes, add it to {r}")).collect();
    let mut choices: Vec<Choice> = references
        .iter()
        .zip(&labels)
        .map(|(r, label)| Choice {
            value: (*r).to_owned(),
            label,
            selected: chosen == *r,
        })
        .collect();
    choices.push(Choice {
        value: NEW_CASE.to_owned(),
        label: "No, open a new case",
        selected: chosen == NEW_CASE,
    });
    html! {
        div.inset-text {
            (radios(
                "attach_to",
                "Add this report to the victim's open case?",
                Some("A further report about the same harassment belongs on the open case. If you add it there, the hate, area and priority answers below are not used."),
                &choices,
                v.errors,
            ))
        }
    }
}

fn existing_case(f: &ReportForm, errors: &FormErrors) -> Markup {
    disclosure(
        "Is this about a case that is already open?",
        &[&f.case_reference],
        &["case_reference"],
        errors,
        Input::text("case_reference", "Case reference", &f.case_reference)
            .hint(
                "For example HC-2026-000123. The report is added to that case instead of opening a new one.",
            )
            .autocomplete("off")
            .render(errors),
    )
}

/// Optional questions behind a "show more" link (no script needed). Open when anything
/// in it was typed or is wrong, so nothing typed or refused is hidden.
fn disclosure(summary: &str, values: &[&str], fields: &[&str], errors: &FormErrors, body: Markup) -> Markup {
    let open = values.iter().any(|v| !v.trim().is_empty()) || fields.iter().any(|f| errors.get(f).is_some());
    html! {
        details.details open[open] {
            summary.details__summary { (summary) }
            div.details__text { (body) }
        }
    }
}

/// A date and a time typed side by side, under one question.
fn date_time(legend: &str, hint: Option<&str>, date: Input, time: Input, errors: &FormErrors) -> Markup {
    html! {
        div.form-group {
            fieldset.fieldset {
                legend.fieldset__legend { (legend) }
                @if let Some(hint) = hint { div.hint { (hint) } }
                div.date-time {
                    (date.kind("date").render(errors))
                    (time.kind("time").render(errors))
                }
            }
        }
    }
}

fn received(f: &IncidentForm, errors: &FormErrors) -> Markup {
    html! {
        h2.heading-m { "The report" }
        (date_time(
            "When was the report received?",
            Some("Now is filled in. Change it if you are logging an earlier call or visit."),
            Input::text("received_date", "Date", &f.received_date),
            Input::text("received_time", "Time", &f.received_time),
            errors,
        ))
        (select("received_how", "How was it received?", &code_choices(&codes::RECEIVED_HOW, &[f.received_how.as_str()]), errors))
        (select("reporter_type", "Who reported it?", &code_choices(&codes::REPORTER_TYPES, &[f.reporter_type.as_str()]), errors))
        (Input::text("reporter_name", "Reporter's name (optional)", &f.reporter_name)
            .hint("If someone other than the victim reported it.")
            .autocomplete("off")
            .render(errors))
    }
}

fn incident(f: &IncidentForm, errors: &FormErrors) -> Markup {
    let types: Vec<&str> = f.types.iter().map(String::as_str).collect();
    html! {
        h2.heading-m { "What happened" }
        (radios("occurred_kind", "When did it happen?", None, &code_choices(&codes::OCCURRED_KINDS, &[f.occurred_kind.as_str()]), errors))
        (date_time(
            "Date and time it happened",
            Some("Only if it happened on a date. Give your best estimate of the time."),
            Input::text("occurred_date", "Date", &f.occurred_date),
            Input::text("occurred_time", "Time", &f.occurred_time),
            errors,
        ))
        (select("location_kind", "Where did it happen?", &with_blank("Select a place", &codes::LOCATIONS, &f.location_kind), errors))
        (Input::text("location_address", "Address or place", &f.location_address)
            .hint("Needed if it happened somewhere else.")
            .autocomplete("off")
            .render(errors))
        (checkboxes("types", "What happened?", Some("Select all that apply."), &code_choices(&codes::INCIDENT_TYPES, &types), errors))
        (Input::text("other_type", "If other, what was it?", &f.other_type).autocomplete("off").render(errors))
        (textarea("description", "Describe what happened", Some("Who did what, where, and what was said – in the reporter's words where you can."), &f.description, errors))
        (radios("police_involved", "Are the police involved?", None, &code_choices(&codes::POLICE, &[&f.police_involved]), errors))
        (Input::text("crime_reference", "Police crime reference (optional)", &f.crime_reference).autocomplete("off").render(errors))
    }
}

fn hate(f: &ReportForm, choices: &Choices, errors: &FormErrors) -> Markup {
    let strands: Vec<Choice> = choices
        .strands
        .iter()
        .map(|s| Choice {
            value: s.code.clone(),
            label: &s.label,
            selected: f.case.strands.contains(&s.code),
        })
        .collect();
    html! {
        h2.heading-m { "Hate" }
        (radios(
            "hate_perceived",
            "Does the victim or anyone else perceive it as hate?",
            Some("Perception is enough: nobody has to prove it."),
            &yes_no(&f.case.hate_perceived),
            errors,
        ))
        (select("perceived_by", "Who perceives it as hate?", &code_choices(&codes::PERCEIVED_BY, &[f.case.perceived_by.as_str()]), errors))
        (checkboxes("strands", "What is the hate perceived to be about?", Some("Select all that apply."), &strands, errors))
    }
}

fn people(v: &FormView) -> Markup {
    let f = v.form;
    html! {
        h2.heading-m { "People" }
        div id="people" {
            p.body.hint { "Leave a person blank to leave them out. Only an alleged perpetrator can be unknown or a group of people." }
            @for (i, p) in f.people.iter().enumerate() {
                (person_slot(p, v.offers.iter().find(|o| o.slot == i), v.errors))
            }
            @if f.can_add_person() {
                button.button.button--secondary type="submit" name="action" value=(ADD_PERSON) {
                    @if f.people.is_empty() { "Add a person" } @else { "Add another person" }
                }
            }
        }
    }
}

/// One person: the same component on every intake form.
pub fn person_slot(p: &PersonForm, offer: Option<&SlotOffer>, errors: &FormErrors) -> Markup {
    let n = p.names;
    html! {
        fieldset.fieldset.person {
            legend.fieldset__legend.heading-s { "Person " (n.index + 1) }
            @match offer {
                Some(offer) => (reuse_question(p, &offer.candidates, errors)),
                None => @if !p.matched.is_empty() { input type="hidden" name=(n.matched) value=(p.matched); },
            }
            (select(&n.role, "Their part in this", &code_choices(&codes::PARTY_ROLES, &[p.role.as_str()]), errors))
            (select(&n.kind, "Who is it?", &code_choices(&codes::PERSON_KINDS, &[p.kind.as_str()]), errors))
            (person_fields(p, errors))
        }
    }
}

/// A person's own details (not their part in a case): on every intake form and the form
/// that corrects them.
pub fn person_fields(p: &PersonForm, errors: &FormErrors) -> Markup {
    let n = p.names;
    html! {
            (Input::text(&n.name, "Full name", &p.name).autocomplete("off").render(errors))
            (ethnicity(p, errors))
            // The rest is optional: folded away (open once answered or refused), so one
            // person is one screen on a phone.
            (disclosure(
                "Description of someone not known, or a group",
                &[&p.description],
                &[&n.description],
                errors,
                html! { (textarea(&n.description, "Description", Some("What they look like, how many, anything known."), &p.description, errors)) },
            ))
            (home(p, errors))
            (contact(p, errors))
            (more_about(p, errors))
            (monitoring(p, errors))
    }
}

fn home(p: &PersonForm, errors: &FormErrors) -> Markup {
    let n = p.names;
    disclosure(
        "Address, postcode and tenancy",
        &[&p.address, &p.postcode, &p.tenancy_ref, &p.tenant],
        &[&n.address, &n.postcode, &n.tenancy_ref, &n.tenant],
        errors,
        html! {
            p.body.hint { "A tenancy reference, or a name and postcode, finds the person's earlier cases." }
            (Input::text(&n.address, "Address", &p.address).autocomplete("off").render(errors))
            (Input::text(&n.postcode, "Postcode", &p.postcode).autocomplete("off").narrow().render(errors))
            (Input::text(&n.tenancy_ref, "Tenancy reference", &p.tenancy_ref).autocomplete("off").narrow().render(errors))
            (select(&n.tenant, "Are they a tenant?", &tenant_choices(&p.tenant), errors))
        },
    )
}

fn contact(p: &PersonForm, errors: &FormErrors) -> Markup {
    let n = p.names;
    disclosure(
        "Phone, email and preferred contact",
        &[&p.phone, &p.email, &p.contact],
        &[&n.phone, &n.email, &n.contact],
        errors,
        html! {
            (Input::text(&n.phone, "Phone", &p.phone).kind("tel").autocomplete("off").render(errors))
            (Input::text(&n.email, "Email", &p.email).kind("email").autocomplete("off").render(errors))
            (select(&n.contact, "Preferred way to contact them", &with_blank("Not given", &codes::CONTACT_METHODS, &p.contact), errors))
        },
    )
}

fn more_about(p: &PersonForm, errors: &FormErrors) -> Markup {
    let n = p.names;
    let interpreter = [Choice {
        value: "yes".to_owned(),
        label: "Needs an interpreter",
        selected: p.interpreter,
    }];
    disclosure(
        "Household, language and vulnerabilities",
        &[
            &p.household,
            &p.language,
            &p.vulnerabilities,
            if p.interpreter { "yes" } else { "" },
        ],
        &[&n.household, &n.language, &n.interpreter, &n.vulnerabilities],
        errors,
        html! {
            (textarea(&n.household, "Household members", None, &p.household, errors))
            (Input::text(&n.language, "Preferred language", &p.language).autocomplete("off").render(errors))
            (checkboxes(&n.interpreter, "Interpreter", None, &interpreter, errors))
            (textarea(&n.vulnerabilities, "Vulnerabilities", Some("Health, disability, age, or anything that affects risk or how to contact them."), &p.vulnerabilities, errors))
        },
    )
}

fn ethnicity(p: &PersonForm, errors: &FormErrors) -> Markup {
    let groups: Vec<(&str, Vec<Choice>)> = codes::ETHNICITY_GROUPS
        .iter()
        .map(|(group, list)| (*group, code_choices(list, &[p.ethnicity.as_str()])))
        .collect();
    grouped_select(
        &p.names.ethnicity,
        "Ethnic group",
        Some(
            "As the person describes it. Choose Not known only if you could not ask, or Prefer not to say if they declined.",
        ),
        Some("Choose an answer"),
        &groups,
        errors,
    )
}

fn monitoring(p: &PersonForm, errors: &FormErrors) -> Markup {
    let n = p.names;
    let values: Vec<&str> = p.monitoring.iter().map(String::as_str).collect();
    let fields: Vec<&str> = n.monitoring.iter().map(String::as_str).collect();
    let questions = codes::CHARACTERISTICS
        .iter()
        .zip(&n.monitoring)
        .zip(&p.monitoring);
    disclosure(
        "More equality monitoring (optional)",
        &values,
        &fields,
        errors,
        html! {
            p.body.hint { "Only if the person is willing to answer. Leave a question as Not asked otherwise." }
            @for ((q, field), value) in questions {
                (select(field, q.question, &with_blank("Not asked", q.answers, value), errors))
            }
        },
    )
}

/// "Is this someone already known?" for one slot, listing only cases the viewer may see.
fn reuse_question(p: &PersonForm, candidates: &[Candidate], errors: &FormErrors) -> Markup {
    let labels: Vec<String> = candidates.iter().map(candidate_label).collect();
    let mut choices: Vec<Choice> = candidates
        .iter()
        .zip(&labels)
        .map(|(c, label)| Choice {
            value: c.person.id.to_string(),
            label,
            selected: p.matched.trim() == c.person.id.to_string(),
        })
        .collect();
    choices.push(Choice {
        value: NEW_PERSON.to_owned(),
        label: "No, this is someone new",
        selected: p.matched.trim() == NEW_PERSON,
    });
    let who = if p.name.trim().is_empty() {
        "this person"
    } else {
        p.name.trim()
    };
    html! {
        div.inset-text {
            input type="hidden" name=(p.names.asked) value="yes";
            (radios(
                &p.names.matched,
                &format!("Is {who} someone already known?"),
                Some("Same tenancy reference, or same name and postcode. Using the existing record links their cases together; details it is missing are filled in from this form, details it holds are kept."),
                &choices,
                errors,
            ))
        }
    }
}

/// Who the known person is (name, address, tenancy) and their visible cases: never their
/// monitoring answers, which the officer may not be allowed to read (`cases::monitoring`).
fn candidate_label(c: &Candidate) -> String {
    let p = &c.person;
    let mut parts: Vec<String> = [p.name.as_deref(), p.address.as_deref(), p.postcode.as_deref()]
        .into_iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    if let Some(t) = &p.tenancy_ref {
        parts.push(format!("tenancy {t}"));
    }
    let mut label = format!("Yes: {}", parts.join(", "));
    if !c.cases.is_empty() {
        let cases: Vec<String> = c
            .cases
            .iter()
            .map(|l| {
                format!(
                    "{} ({}, {})",
                    l.reference,
                    codes::label(&codes::PARTY_ROLES, &l.role).to_lowercase(),
                    codes::label(&codes::STATUSES, &l.status).to_lowercase()
                )
            })
            .collect();
        label.push_str(&format!(" – on {}", cases.join(", ")));
    }
    label
}

fn case_details(f: &ReportForm, choices: &Choices, errors: &FormErrors) -> Markup {
    let (suggested, why) = super::check::suggestion(f, choices.settings.hate_is_priority_1);
    let suggested_label = format!(
        "Use the suggested priority ({})",
        codes::label(&codes::PRIORITIES, suggested)
    );
    let mut priorities = vec![Choice {
        value: SUGGESTED.to_owned(),
        label: &suggested_label,
        selected: f.case.priority == SUGGESTED,
    }];
    priorities.extend(code_choices(&codes::PRIORITIES, &[f.case.priority.as_str()]));
    let hint = format!(
        "{}. From the answers so far: {why}. It is worked out again from your answers when you submit.",
        crate::cases::priority::rule(choices.settings.hate_is_priority_1)
    );
    html! {
        h2.heading-m { "The case" }
        (area_select(f, choices, errors))
        (radios("priority", "Priority", Some(&hint), &priorities, errors))
        (textarea("priority_reason", "Reason for a different priority", Some("Only needed if you choose a priority other than the suggested one."), &f.case.priority_reason, errors))
    }
}

fn area_select(f: &ReportForm, choices: &Choices, errors: &FormErrors) -> Markup {
    let groups: Vec<(&str, Vec<Choice>)> = [
        ("Your areas", area_choices(&choices.my_areas, &f.case.area)),
        ("Other areas", area_choices(&choices.other_areas, &f.case.area)),
    ]
    .into_iter()
    .filter(|(_, list)| !list.is_empty())
    .collect();
    let blank = choices.my_areas.is_empty().then_some("Select an area");
    grouped_select("area", "Area", None, blank, &groups, errors)
}

fn area_choices<'a>(list: &'a [areas::Model], selected: &str) -> Vec<Choice<'a>> {
    list.iter()
        .map(|a| Choice {
            value: a.id.to_string(),
            label: &a.name,
            selected: selected.trim() == a.id.to_string(),
        })
        .collect()
}

/// A select whose options are in labelled groups; `blank` adds an empty first option.
fn grouped_select(
    name: &'static str,
    label: &str,
    hint: Option<&str>,
    blank: Option<&str>,
    groups: &[(&str, Vec<Choice>)],
    errors: &FormErrors,
) -> Markup {
    let error = errors.get(name);
    let described_by = [
        hint.map(|_| format!("{name}-hint")),
        error.map(|_| format!("{name}-error")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    html! {
        div.form-group.form-group--error[error.is_some()] {
            label.label for=(name) { (label) }
            @if let Some(hint) = hint { div.hint id={ (name) "-hint" } { (hint) } }
            @if let Some(message) = error {
                p.error-message id={ (name) "-error" } { span.visually-hidden { "Error: " } (message) }
            }
            select.select id=(name) name=(name)
                aria-describedby=[(!described_by.is_empty()).then_some(described_by.as_str())] {
                @if let Some(blank) = blank { option value="" { (blank) } }
                @for (group, choices) in groups {
                    optgroup label=(group) {
                        @for c in choices {
                            option value=(c.value) selected[c.selected] { (c.label) }
                        }
                    }
                }
            }
        }
    }
}

/// A code list with an empty first choice (for optional or not-yet-answered questions).
fn with_blank<'a>(blank: &'a str, list: &'a [Code], selected: &str) -> Vec<Choice<'a>> {
    let mut choices = vec![Choice {
        value: String::new(),
        label: blank,
        selected: selected.trim().is_empty(),
    }];
    choices.extend(code_choices(list, &[selected.trim()]));
    choices
}

static YES_NO: [Code; 2] = [("yes", "Yes"), ("no", "No")];

fn yes_no(selected: &str) -> Vec<Choice<'static>> {
    code_choices(&YES_NO, &[selected])
}

fn tenant_choices(selected: &str) -> Vec<Choice<'static>> {
    with_blank("Not known", &YES_NO, selected)
}

/// Shown instead of the form when the case is closed.
pub fn closed_page(ctx: &Ctx, case: &cases::Model) -> Markup {
    let title = format!("{} is closed", case.reference);
    layout::page(
        ctx,
        &title,
        false,
        html! {
            h1.heading-xl { (title) }
            p.body { "A further report cannot be added to a closed case. A manager can reopen it; until then, log the report as a new case." }
            p.body {
                a href="/cases/new" { "Log a new report" }
                " · "
                a href={ "/cases/" (case.reference) } { "Back to " (case.reference) }
            }
        },
    )
}
