//! A request's answers as the applicant saw them: each under its question's label, a
//! choice by its label (not its stored code), yes/no as words, a date as a date (with its
//! Hijri date), a location by its address. Shared by the applicant's request page and the
//! back office's.

use leptos::prelude::*;
use nafitha_domain::answers::format_coordinate;
use nafitha_domain::calendar::Date;
use nafitha_domain::{Field, FieldKind, FormDefinition, Locale};
use serde_json::{Map, Value};

use crate::dates::format_day;
use crate::i18n::texts;

/// An answer as text, for `field` (or, for an answer the form no longer asks, as stored):
/// what the check-answers page, the applicant's request page and the back office show.
pub fn answer_text(field: Option<&Field>, value: &Value, l: Locale) -> String {
    let t = texts(l);
    let choice = |options: &[nafitha_domain::Choice], code: &str| {
        options
            .iter()
            .find(|o| o.value == code)
            .map_or_else(|| code.to_owned(), |o| o.label.get(l).to_owned())
    };
    match (field.map(|f| &f.kind), value) {
        (Some(FieldKind::Choice { options }), Value::String(code)) => choice(options, code),
        (Some(FieldKind::MultiChoice { options, .. }), Value::Array(codes)) => codes
            .iter()
            .filter_map(Value::as_str)
            .map(|code| choice(options, code))
            .collect::<Vec<_>>()
            .join(t.list_separator),
        (Some(FieldKind::YesNo), Value::String(answer)) => match answer.as_str() {
            "yes" => t.yes.to_owned(),
            "no" => t.no.to_owned(),
            other => other.to_owned(),
        },
        (Some(FieldKind::Date { .. }), Value::String(day)) => {
            Date::parse(day).map_or_else(|| day.clone(), |d| format_day(d, l))
        }
        (_, Value::String(s)) => s.clone(),
        (_, Value::Array(items)) => items
            .iter()
            .map(|v| answer_text(None, v, l))
            .collect::<Vec<_>>()
            .join(t.list_separator),
        // A location: its address, and its point when the device gave one.
        (_, Value::Object(map)) => {
            let mut parts = Vec::new();
            if let Some(address) = map.get("address").and_then(Value::as_str) {
                parts.push(address.to_owned());
            }
            if let (Some(lat), Some(lng)) = (
                map.get("lat").and_then(Value::as_f64),
                map.get("lng").and_then(Value::as_f64),
            ) {
                parts.push(format!(
                    "{}, {}",
                    format_coordinate(lat),
                    format_coordinate(lng)
                ));
            }
            parts.join(" · ")
        }
        (_, Value::Bool(true)) => t.yes.to_owned(),
        (_, Value::Bool(false)) => t.no.to_owned(),
        (_, other) => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// Whether an answer of this kind reads left to right in any language (numbers, IDs).
fn left_to_right(field: Option<&Field>) -> bool {
    matches!(
        field.map(|f| &f.kind),
        Some(
            FieldKind::Phone
                | FieldKind::NationalId
                | FieldKind::CrNumber
                | FieldKind::Number { .. }
        )
    )
}

/// The rows of a facts list (`<dl class="facts">`): the form's questions in order, then
/// any answer the form no longer asks (under its id). Each answer is named by its
/// question, so it can be found by it.
pub fn answer_rows(
    answers: &Map<String, Value>,
    form: &FormDefinition,
    l: Locale,
) -> impl IntoView {
    let asked = form
        .fields
        .iter()
        .filter_map(|f| Some((f.label.get(l).to_owned(), Some(f), answers.get(&f.id)?)));
    let other = answers
        .iter()
        .filter(|(id, _)| form.field(id).is_none())
        .map(|(id, v)| (id.clone(), None, v));
    asked
        .chain(other)
        .enumerate()
        .map(|(i, (label, field, value))| {
            let dir = left_to_right(field).then_some("ltr");
            let id = format!("answer-{i}");
            view! {
                <div>
                    <dt id=id.clone()>{label}</dt>
                    <dd dir=dir aria-labelledby=id>{answer_text(field, value, l)}</dd>
                </div>
            }
        })
        .collect_view()
}
