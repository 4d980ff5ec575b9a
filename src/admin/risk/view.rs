//! Pages of `/admin/risk`: functions of plain view models, no queries.

use super::form::{
    MAX_LABEL_CHARS, MAX_NOTE_CHARS, MAX_REVIEW_DAYS, MAX_SCORE, QUESTIONS_ID, SetForm, answers_id, help_id,
    text_id,
};
use crate::{
    risk::score::QuestionSet,
    web::{
        Ctx,
        forms::{FormErrors, Input, csrf_field, error_summary, textarea},
        layout,
        table::{self, Col},
        time_fmt,
    },
};
use maud::{Markup, html};
use time::OffsetDateTime;

/// A version as listed: number, when, by whom, why.
pub struct VersionSummary {
    pub number: i32,
    pub created_at: OffsetDateTime,
    pub author: String,
    pub note: String,
}

/// A version shown read-only.
pub struct VersionView {
    pub summary: VersionSummary,
    pub set: QuestionSet,
}

/// `/admin/risk`: the current version in full, and every version.
pub fn overview_page(ctx: &Ctx, current: &VersionView, versions: &[VersionSummary]) -> Markup {
    layout::page(
        ctx,
        "Risk assessment questions",
        false,
        html! {
            a.back-link href="/admin/settings" { "Back to settings" }
            h1.heading-xl { "Risk assessment questions" }
            p.body {
                "Officers answer these questions when they assess a victim's risk. Each answer carries a score; "
                "the total maps to standard, medium or high risk. A change is saved as a new version: "
                "assessments already made keep the version they were made under."
            }
            p.body { a.button href="/admin/risk/new" { "Change the questions" } }
            h2.heading-l { "Current version" }
            (set_details(current))
            h2.heading-l { "All versions" }
            (versions_table(versions))
        },
    )
}

/// The edit page; `theirs` is the version someone else saved meanwhile (after a stale
/// submission).
pub fn edit_page(
    ctx: &Ctx,
    current: &VersionSummary,
    form: &SetForm,
    errors: &FormErrors,
    theirs: Option<&VersionView>,
) -> Markup {
    let next = current.number + 1;
    let title = "Change the risk assessment questions";
    layout::page(
        ctx,
        title,
        !errors.is_empty(),
        html! {
            a.back-link href="/admin/risk" { "Back to risk assessment questions" }
            (error_summary(errors))
            h1.heading-xl { (title) }
            p.body {
                "The form starts from version " (current.number) ". Saving creates version " (next)
                ": assessments from then on use it, and earlier assessments keep their own version."
            }
            form method="post" action="/admin/risk" novalidate {
                (csrf_field(&ctx.csrf))
                input type="hidden" name="based_on" value=(form.based_on);
                div id=(QUESTIONS_ID) tabindex="-1" {
                    h2.heading-l { "Questions" }
                    p.body {
                        "Write each answer on its own line as a label, an equals sign and its score, for example “Yes = 2”. "
                        "Labels are up to " (MAX_LABEL_CHARS) " characters; scores are whole numbers from 0 to " (MAX_SCORE) ". "
                        "Each question needs at least two answers. Clear a question's text to remove it; fill in a blank row to add one."
                    }
                    @if let Some(message) = errors.get(QUESTIONS_ID) {
                        p.error-message { span.visually-hidden { "Error: " } (message) }
                    }
                    @for (i, row) in form.rows.iter().enumerate() {
                        @let n = i + 1;
                        @let (text, help, answers) = (text_id(n), help_id(n), answers_id(n));
                        fieldset.fieldset {
                            legend.fieldset__legend { "Question " (n) }
                            (Input::text(&text, "Question", &row.text).render(errors))
                            (Input::text(&help, "Help for officers (optional)", &row.help).render(errors))
                            (textarea(&answers, "Answers and scores", Some("One per line, like “Yes = 2”."), &row.answers, errors))
                        }
                    }
                }
                h2.heading-l { "Levels" }
                (Input::text("medium_from", "Medium risk from a total of", &form.medium_from).narrow().render(errors))
                (Input::text("high_from", "High risk from a total of", &form.high_from).narrow().hint("More than the medium-risk total.").render(errors))
                (Input::text("high_review_days", "On a high-risk case, a manager reviews it every (days)", &form.high_review_days)
                    .narrow()
                    .hint(&format!("Calendar days, 1 to {MAX_REVIEW_DAYS}. Used when shorter than the procedure's manager-review timescale."))
                    .render(errors))
                (textarea(
                    "note",
                    "What changed, and why?",
                    Some(&format!("Up to {MAX_NOTE_CHARS} characters; shown with the version.")),
                    &form.note,
                    errors,
                ))
                button.button type="submit" { "Save as version " (next) }
            }
            @if let Some(theirs) = theirs {
                h2.heading-l { "Version " (theirs.summary.number) " as saved by " (theirs.summary.author) }
                (set_details(theirs))
            }
        },
    )
}

/// One version, read-only.
pub fn version_page(ctx: &Ctx, v: &VersionView, current_number: i32) -> Markup {
    let title = format!("Risk questions version {}", v.summary.number);
    layout::page(
        ctx,
        &title,
        false,
        html! {
            a.back-link href="/admin/risk" { "Back to risk assessment questions" }
            span.caption { "Risk assessment questions" }
            h1.heading-xl { (title) }
            @if v.summary.number == current_number {
                p.body { "This is the current version: new assessments use it." }
            } @else {
                p.body { "This version has been replaced. Assessments made under it keep these questions and scores." }
            }
            (set_details(v))
        },
    )
}

fn set_details(v: &VersionView) -> Markup {
    let s = &v.summary;
    let set = &v.set;
    html! {
        dl.summary-list aria-label={ "Version " (s.number) } {
            div.summary-list__row {
                dt.summary-list__key { "Version" }
                dd.summary-list__value { (s.number) }
            }
            div.summary-list__row {
                dt.summary-list__key { "Saved" }
                dd.summary-list__value { (time_fmt::datetime(s.created_at)) " by " (s.author) }
            }
            div.summary-list__row {
                dt.summary-list__key { "Why" }
                dd.summary-list__value.preserve-lines { (s.note) }
            }
            div.summary-list__row {
                dt.summary-list__key { "Levels" }
                dd.summary-list__value {
                    "Standard below " (set.medium_from) "; medium from " (set.medium_from)
                    "; high from " (set.high_from) " (the highest possible total is " (set.max_score()) ")"
                }
            }
            div.summary-list__row {
                dt.summary-list__key { "High-risk manager reviews" }
                dd.summary-list__value { "Every " (set.high_review_days) " days" }
            }
        }
        (table::table(
            &format!("Questions of version {}", s.number),
            &[Col::Numeric("No."), Col::Text("Question"), Col::Text("Answers and scores")],
            html! {
                @for (i, q) in set.questions.iter().enumerate() {
                    tr {
                        td.table__cell.table__cell--numeric { (i + 1) }
                        td.table__cell {
                            (q.text)
                            @if !q.help.is_empty() { br; span.hint { (q.help) } }
                        }
                        td.table__cell {
                            @for (j, o) in q.options.iter().enumerate() {
                                @if j > 0 { br; }
                                (o.label) ": " (o.score)
                            }
                        }
                    }
                }
            },
        ))
    }
}

fn versions_table(versions: &[VersionSummary]) -> Markup {
    table::table(
        "Versions of the risk questions",
        &[
            Col::Numeric("Version"),
            Col::Text("Saved"),
            Col::Text("By"),
            Col::Text("Why"),
            Col::Actions,
        ],
        html! {
            @for v in versions {
                tr {
                    td.table__cell.table__cell--numeric { (v.number) }
                    td.table__cell { (time_fmt::datetime(v.created_at)) }
                    td.table__cell { (v.author) }
                    td.table__cell.preserve-lines { (v.note) }
                    td.table__cell {
                        a href={ "/admin/risk/" (v.number) } {
                            "View" span.visually-hidden { " version " (v.number) }
                        }
                    }
                }
            }
        },
    )
}
