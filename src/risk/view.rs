//! Case pages of risk assessment: the assessment form and one assessment read back.
//! Functions of plain view models; no queries.

use super::{
    LEVELS, OCCASIONS,
    form::{AssessForm, QUESTIONS_ID, USE_SCORE, question_field},
    level_tag,
    score::{Answer, QuestionSet, Scored},
};
use crate::web::layout::summary_row as row;
use crate::{
    cases::{codes, parts::case_form},
    web::{
        Ctx,
        forms::{Choice, FormErrors, Input, code_choices, radios, textarea},
        layout,
        table::{self, Col},
        time_fmt,
    },
};
use entity::{cases, risk_assessments};
use maud::{Markup, html};
use std::collections::HashMap;

/// "Standard", "Medium", "High" (unknown codes as stored).
pub fn level_label(code: &str) -> &str {
    codes::label(&LEVELS, code)
}

/// "at triage", "at a case review", "(change in circumstances)": how a sentence about an
/// assessment says when it was made.
pub fn occasion_phrase(code: &str) -> &'static str {
    match code {
        "triage" => "at triage",
        "review" => "at a case review",
        _ => "after a change in circumstances",
    }
}

fn thresholds(set: &QuestionSet) -> Markup {
    html! {
        "A total of " (set.medium_from) " or more is medium risk; " (set.high_from) " or more is high risk."
    }
}

/// The assessment form; `scored` is what complete answers score (shown after a refused
/// submission: without scripts the page cannot total them as they are chosen).
pub fn form_page(
    ctx: &Ctx,
    case: &cases::Model,
    set: &QuestionSet,
    f: &AssessForm,
    errors: &FormErrors,
    scored: Option<&Scored>,
) -> Markup {
    let question_labels: Vec<(String, Vec<(String, String)>)> = set
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            (
                format!("{}. {}", i + 1, q.text),
                q.options
                    .iter()
                    .map(|o| (o.id.to_string(), o.label.clone()))
                    .collect(),
            )
        })
        .collect();
    let level_choices: Vec<Choice> = std::iter::once(Choice {
        value: USE_SCORE.to_owned(),
        label: "Use the score's level",
        selected: f.level.trim().is_empty() || f.level == USE_SCORE,
    })
    .chain(LEVELS.iter().map(|(code, label)| Choice {
        value: (*code).to_owned(),
        label,
        selected: f.level == *code,
    }))
    .collect();
    case_form(
        ctx,
        case,
        "Assess risk",
        "risk",
        errors,
        html! {
            p.body {
                "Question set version " (set.number) ". Each answer carries a score and the total sets the level. "
                (thresholds(set))
                " If your professional judgement differs, choose another level and say why."
            }
            @if let Some(s) = scored {
                div.inset-text {
                    p.body { strong { "These answers score " (s.total) ": " (level_label(s.level)) "." } }
                }
            }
        },
        html! {
            input type="hidden" name="set_id" value=(f.set_id);
            (radios("occasion", "When was this assessment made?", None, &code_choices(&OCCASIONS, &[f.occasion.as_str()]), errors))
            div.date-time {
                (Input::text("date", "Date assessed", &f.date).kind("date").narrow().render(errors))
                (Input::text("time", "Time", &f.time).kind("time").narrow().render(errors))
            }
            div id=(QUESTIONS_ID) tabindex="-1" {
                h2.heading-m { "Questions" }
                @if let Some(message) = errors.get(QUESTIONS_ID) {
                    p.error-message { span.visually-hidden { "Error: " } (message) }
                }
                @for (q, (legend, options)) in set.questions.iter().zip(&question_labels) {
                    @let name = question_field(q.id);
                    @let typed = f.answers.get(&q.id).map(|s| s.trim()).unwrap_or("");
                    @let choices: Vec<Choice> = options.iter().map(|(value, label)| Choice {
                        value: value.clone(),
                        label,
                        selected: typed == value,
                    }).collect();
                    (radios(&name, legend, (!q.help.is_empty()).then_some(q.help.as_str()), &choices, errors))
                }
            }
            (textarea("notes", "Notes (optional)", Some("What the victim told you that the answers do not show."), &f.notes, errors))
            (radios("level", "Risk level", Some("The score's level stands unless you choose another."), &level_choices, errors))
            (textarea("reason", "Reason for a different level", Some("Required when the level you choose differs from the score's."), &f.reason, errors))
            button.button type="submit" { "Save assessment" }
        },
    )
}

/// One assessment as recorded, with its own question set version.
pub struct AssessmentView {
    pub assessment: risk_assessments::Model,
    pub set: QuestionSet,
    pub answers: HashMap<i32, Answer>,
    pub by: String,
}

pub fn assessment_page(ctx: &Ctx, case: &cases::Model, v: &AssessmentView) -> Markup {
    let a = &v.assessment;
    let overridden = a.level != a.computed_level;
    layout::page(
        ctx,
        "Risk assessment",
        false,
        html! {
            a.back-link href={ "/cases/" (case.reference) "#risk" } { "Back to " (case.reference) }
            span.caption { (case.reference) }
            h1.heading-xl { "Risk assessment" }
            dl.summary-list {
                (row("Level", html! {
                    (level_tag(&a.level))
                    @if overridden { " " strong.tag.tag--blue { "Overridden" } }
                }))
                (row("Score", html! { (a.score) }))
                (row("Level from the score", html! { (level_label(&a.computed_level)) }))
                @if let Some(reason) = &a.override_reason {
                    (row("Reason for a different level", html! { span.preserve-lines { (reason) } }))
                }
                (row("When", html! { (codes::label(&OCCASIONS, &a.occasion)) }))
                (row("Assessed", time_fmt::datetime(a.assessed_at)))
                (row("By", html! { (v.by) }))
                (row("Recorded", time_fmt::datetime(a.created_at)))
                (row("Question set", html! { "Version " (v.set.number) ". " (thresholds(&v.set)) }))
                @if let Some(notes) = &a.notes {
                    (row("Notes", html! { span.preserve-lines { (notes) } }))
                }
            }
            h2.heading-l { "Answers" }
            (table::table(
                "Answers and their scores",
                &[Col::Text("Question"), Col::Text("Answer"), Col::Numeric("Score")],
                html! {
                    @for (i, q) in v.set.questions.iter().enumerate() {
                        @let answer = v.answers.get(&q.id);
                        @let label = answer.and_then(|ans| q.options.iter().find(|o| o.id == ans.option_id)).map(|o| o.label.as_str());
                        tr {
                            td.table__cell { (i + 1) ". " (q.text) }
                            td.table__cell { @match label { Some(l) => (l), None => span.hint { "Not answered" } } }
                            td.table__cell.table__cell--numeric { @if let Some(ans) = answer { (ans.score) } }
                        }
                    }
                    tr {
                        th.table__header scope="row" colspan="2" { "Total" }
                        td.table__cell.table__cell--numeric { strong { (a.score) } }
                    }
                },
            ))
        },
    )
}
