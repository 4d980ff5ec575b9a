//! Form components in the GOV.UK pattern: an error summary linking to each field, and
//! fields that show their own error and keep what the user typed.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use maud::{Markup, html};
use std::borrow::Cow;

/// Errors of one form submission, in field order.
#[derive(Default, Debug)]
pub struct FormErrors(Vec<(Cow<'static, str>, String)>);

impl FormErrors {
    /// `field` is the id of the input the summary links to (fixed for most forms; built
    /// for repeated rows such as one choice per deadline).
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    /// Each field with its message, in the order recorded.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_ref(), m.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every message, in field order.
    pub fn messages(&self) -> Vec<&str> {
        self.0.iter().map(|(_, m)| m.as_str()).collect()
    }

    /// Adds `other`'s errors after these, in their order (a part of a form checked on
    /// its own, such as one row of several).
    pub fn append(&mut self, other: FormErrors) {
        self.0.extend(other.0);
    }
}

/// A form sent back to be put right: 422 with the page showing what was typed and,
/// above it, what to fix.
pub fn invalid(page: impl IntoResponse) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// A form that lost a race with someone else's save: 409 with the page showing their
/// saved version and what this person typed, to check both and save again.
pub fn stale(page: impl IntoResponse) -> Response {
    (StatusCode::CONFLICT, page).into_response()
}

/// Whether an edit form's hidden `version` field (as typed) is the record's saved
/// `version`: a form filled in against an older version is stale (see `stale`).
pub fn same_version(typed: &str, saved: i32) -> bool {
    typed.trim().parse::<i32>().ok() == Some(saved)
}

/// "There is a problem" box at the top of the form; each message links to its field.
pub fn error_summary(errors: &FormErrors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary aria-labelledby="error-summary-title" role="alert" tabindex="-1" {
                h2.error-summary__title id="error-summary-title" { "There is a problem" }
                ul.error-summary__list {
                    @for (field, message) in &errors.0 {
                        li { a href={ "#" (field) } { (message) } }
                    }
                }
            }
        }
    }
}

/// The hidden per-session form token every state-changing form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(token); }
}

/// A single-line input.
pub struct Input<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub kind: &'static str,
    pub hint: Option<&'a str>,
    pub autocomplete: Option<&'static str>,
    pub narrow: bool,
}

impl<'a> Input<'a> {
    pub fn text(name: &'a str, label: &'a str, value: &'a str) -> Self {
        Input {
            name,
            label,
            value,
            kind: "text",
            hint: None,
            autocomplete: None,
            narrow: false,
        }
    }

    /// Password fields never echo a value back.
    pub fn password(name: &'a str, label: &'a str, autocomplete: &'static str) -> Self {
        Input {
            kind: "password",
            autocomplete: Some(autocomplete),
            ..Input::text(name, label, "")
        }
    }

    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn autocomplete(mut self, autocomplete: &'static str) -> Self {
        self.autocomplete = Some(autocomplete);
        self
    }

    pub fn narrow(mut self) -> Self {
        self.narrow = true;
        self
    }

    pub fn render(&self, errors: &FormErrors) -> Markup {
        let error = errors.get(self.name);
        let hint_id = format!("{}-hint", self.name);
        let error_id = format!("{}-error", self.name);
        let described_by = [
            self.hint.map(|_| hint_id.as_str()),
            error.map(|_| error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        html! {
            div.form-group.form-group--error[error.is_some()] {
                label.label for=(self.name) { (self.label) }
                @if let Some(hint) = self.hint {
                    div.hint id=(hint_id) { (hint) }
                }
                @if let Some(message) = error {
                    p.error-message id=(error_id) { span.visually-hidden { "Error: " } (message) }
                }
                input.input.input--error[error.is_some()].input--width-10[self.narrow]
                    id=(self.name) name=(self.name) type=(self.kind)
                    value=(self.value)
                    autocomplete=[self.autocomplete]
                    spellcheck=[(self.kind != "text").then_some("false")]
                    aria-describedby=[(!described_by.is_empty()).then_some(described_by.as_str())];
            }
        }
    }
}

/// One choice of a select, radios or checkboxes.
pub struct Choice<'a> {
    pub value: String,
    pub label: &'a str,
    pub selected: bool,
}

pub fn select(name: &str, label: &str, choices: &[Choice], errors: &FormErrors) -> Markup {
    let error = errors.get(name);
    html! {
        div.form-group.form-group--error[error.is_some()] {
            label.label for=(name) { (label) }
            @if let Some(message) = error {
                p.error-message id={ (name) "-error" } { span.visually-hidden { "Error: " } (message) }
            }
            select.select id=(name) name=(name)
                aria-describedby=[error.map(|_| format!("{name}-error"))] {
                @for c in choices {
                    option value=(c.value) selected[c.selected] { (c.label) }
                }
            }
        }
    }
}

/// A group of checkboxes sharing one name (submitted as repeated fields).
pub fn checkboxes(
    name: &str,
    legend: &str,
    hint: Option<&str>,
    choices: &[Choice],
    errors: &FormErrors,
) -> Markup {
    choice_group("checkbox", name, legend, hint, choices, errors)
}

/// A group of radios sharing one name; the group's id is `name` (for the error summary).
pub fn radios(
    name: &str,
    legend: &str,
    hint: Option<&str>,
    choices: &[Choice],
    errors: &FormErrors,
) -> Markup {
    choice_group("radio", name, legend, hint, choices, errors)
}

/// A fieldset of `kind` ("checkbox" or "radio") inputs; classes follow the kind
/// (`checkboxes__item`, `radios__item`, …).
fn choice_group(
    kind: &str,
    name: &str,
    legend: &str,
    hint: Option<&str>,
    choices: &[Choice],
    errors: &FormErrors,
) -> Markup {
    let error = errors.get(name);
    let block = if kind == "radio" { "radios" } else { "checkboxes" };
    html! {
        div.form-group.form-group--error[error.is_some()] {
            fieldset.fieldset id=(name) {
                legend.fieldset__legend { (legend) }
                @if let Some(hint) = hint { div.hint { (hint) } }
                @if let Some(message) = error {
                    p.error-message { span.visually-hidden { "Error: " } (message) }
                }
                div class=(block) {
                    @for (i, c) in choices.iter().enumerate() {
                        div class={ (block) "__item" } {
                            input class={ (block) "__input" } type=(kind) id={ (name) "-" (i) }
                                name=(name) value=(c.value) checked[c.selected];
                            label class={ (block) "__label" } for={ (name) "-" (i) } { (c.label) }
                        }
                    }
                }
            }
        }
    }
}

/// A multi-line text field that keeps what was typed.
pub fn textarea(name: &str, label: &str, hint: Option<&str>, value: &str, errors: &FormErrors) -> Markup {
    textarea_with_id(name, name, label, hint, value, errors)
}

/// [`textarea`] whose id (and error key) differs from its field name: one of several
/// forms on a page posting the same field.
pub fn textarea_with_id(
    id: &str,
    name: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    errors: &FormErrors,
) -> Markup {
    let error = errors.get(id);
    let described_by = [
        hint.map(|_| format!("{id}-hint")),
        error.map(|_| format!("{id}-error")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    html! {
        div.form-group.form-group--error[error.is_some()] {
            label.label for=(id) { (label) }
            @if let Some(hint) = hint { div.hint id={ (id) "-hint" } { (hint) } }
            @if let Some(message) = error {
                p.error-message id={ (id) "-error" } { span.visually-hidden { "Error: " } (message) }
            }
            textarea.textarea.input--error[error.is_some()] id=(id) name=(name) rows="4"
                aria-describedby=[(!described_by.is_empty()).then_some(described_by.as_str())] { (value) }
        }
    }
}

/// Choices from a code list, with `selected` checked.
pub fn code_choices<'a>(list: &'a [(&'static str, &'static str)], selected: &[&str]) -> Vec<Choice<'a>> {
    list.iter()
        .map(|(code, label)| Choice {
            value: (*code).to_owned(),
            label,
            selected: selected.contains(code),
        })
        .collect()
}
