//! The back office's form fields, each bound to one signal: a text input, a text area, a
//! list to choose from, a checkbox, and radios. Labels, hints and errors follow the same
//! GOV.UK pattern (and classes) as the citizens' `Question`; every control has the id
//! `field-<name>`, which the error summary links to, and shows the first problem the
//! page's `errors` hold for `name`.

use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;

use crate::components::error_summary::{error_for, input_id};
use crate::i18n::{tr, Texts};
use crate::state::use_locale;

/// A text of the app's tables, picked the way `tr` picks.
pub type Text = fn(&'static Texts) -> &'static str;

/// A field's error message, when it has one (`id` for `aria-describedby`).
fn error_line(error: Signal<Option<InvalidAnswer>>, id: String) -> impl IntoView {
    let locale = use_locale();
    move || {
        error.get().map(|InvalidAnswer { message, .. }| {
            view! {
                <p class="field-error" id=id.clone()>
                    <span class="visually-hidden">{locale.texts().error_prefix}</span>
                    {move || message.get(locale.locale.get()).to_owned()}
                </p>
            }
        })
    }
}

/// The label, hint and error of one field, around its control.
#[component]
fn Frame(
    name: &'static str,
    label: Text,
    hint: Option<Text>,
    errors: RwSignal<Vec<InvalidAnswer>>,
    /// A group of controls (radios) gets a fieldset and legend; one control a label.
    #[prop(optional)]
    grouped: bool,
    children: Children,
) -> impl IntoView {
    let id = input_id(name);
    let error = error_for(errors, name);
    let hint = hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{tr(h)}</p> });
    let error_view = error_line(error, format!("{id}-error"));
    let class = move || {
        if error.with(Option::is_some) {
            "form-group form-group-error"
        } else {
            "form-group"
        }
    };
    if grouped {
        let by = move || error.with(Option::is_some).then(|| format!("{id}-error"));
        view! {
            <div class=class>
                <fieldset class="fieldset" aria-describedby=by>
                    <legend class="label">{tr(label)}</legend>
                    {hint}
                    {error_view}
                    {children()}
                </fieldset>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class=class>
                <label class="label" for=id>{tr(label)}</label>
                {hint}
                {error_view}
                {children()}
            </div>
        }
        .into_any()
    }
}

/// `aria-describedby` and `aria-invalid` of a control: its hint, then its error.
fn described(
    name: &'static str,
    has_hint: bool,
    errors: RwSignal<Vec<InvalidAnswer>>,
) -> (Signal<Option<String>>, Signal<Option<&'static str>>) {
    let error = error_for(errors, name);
    let invalid = Memo::new(move |_| error.with(Option::is_some));
    let id = input_id(name);
    let by = Signal::derive(move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(format!("{id}-hint"));
        }
        if invalid.get() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    });
    (by, Signal::derive(move || invalid.get().then_some("true")))
}

/// A one-line text input (`kind`: `text`, `password`, `search`, `date`, `number`).
#[component]
pub fn TextField(
    name: &'static str,
    label: Text,
    value: RwSignal<String>,
    errors: RwSignal<Vec<InvalidAnswer>>,
    #[prop(optional)] hint: Option<Text>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    /// Text direction when it does not follow the page (`ltr` for a reference number).
    #[prop(optional)]
    dir: Option<&'static str>,
) -> impl IntoView {
    let (by, invalid) = described(name, hint.is_some(), errors);
    view! {
        <Frame name label hint errors>
            <input id=input_id(name) class="input" type=kind name=name autocomplete=autocomplete dir=dir
                aria-describedby=by aria-invalid=invalid
                prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
        </Frame>
    }
}

/// A text area of `rows` lines.
#[component]
pub fn TextArea(
    name: &'static str,
    label: Text,
    value: RwSignal<String>,
    errors: RwSignal<Vec<InvalidAnswer>>,
    #[prop(optional)] hint: Option<Text>,
    #[prop(default = 3)] rows: u8,
    /// `rtl` for Arabic text, `ltr` for English or code, `auto` for either.
    #[prop(default = "auto")]
    dir: &'static str,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    let (by, invalid) = described(name, hint.is_some(), errors);
    view! {
        <Frame name label hint errors>
            <textarea id=input_id(name) class="textarea" name=name rows=rows dir=dir maxlength=maxlength
                aria-describedby=by aria-invalid=invalid
                prop:value=value on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        </Frame>
    }
}

/// A list to choose one of `options` (value, text) from.
#[component]
pub fn SelectField(
    name: &'static str,
    label: Text,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    errors: RwSignal<Vec<InvalidAnswer>>,
    #[prop(optional)] hint: Option<Text>,
) -> impl IntoView {
    let (by, invalid) = described(name, hint.is_some(), errors);
    let choices = move || {
        options
            .get()
            .into_iter()
            .map(|(code, text)| {
                let selected = {
                    let code = code.clone();
                    move || value.with(|v| *v == code)
                };
                view! { <option value=code selected=selected>{text}</option> }
            })
            .collect_view()
    };
    view! {
        <Frame name label hint errors>
            <select id=input_id(name) class="input" name=name aria-describedby=by aria-invalid=invalid
                prop:value=value on:change=move |ev| value.set(event_target_value(&ev))>
                {choices}
            </select>
        </Frame>
    }
}

/// One checkbox, its label beside it, and its error above it.
#[component]
pub fn Checkbox(
    name: &'static str,
    label: Text,
    checked: RwSignal<bool>,
    errors: RwSignal<Vec<InvalidAnswer>>,
) -> impl IntoView {
    let (by, invalid) = described(name, false, errors);
    let error_view = error_line(error_for(errors, name), format!("{}-error", input_id(name)));
    view! {
        {error_view}
        <div class="choice">
            <input id=input_id(name) type="checkbox" name=name prop:checked=checked
                aria-describedby=by aria-invalid=invalid
                on:change=move |ev| checked.set(event_target_checked(&ev))/>
            <label for=input_id(name)>{tr(label)}</label>
        </div>
    }
}

/// Radios: one of `options` (value, text), the legend `label`.
#[component]
pub fn Radios(
    name: &'static str,
    label: Text,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    errors: RwSignal<Vec<InvalidAnswer>>,
) -> impl IntoView {
    let radios = move || {
        options
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, (code, text))| {
                // The first radio carries the field's id, so the error summary reaches it.
                let id = if i == 0 {
                    input_id(name)
                } else {
                    format!("{}-{i}", input_id(name))
                };
                let checked = {
                    let code = code.clone();
                    move || value.with(|v| *v == code)
                };
                let chosen = code.clone();
                view! {
                    <div class="choice">
                        <input id=id.clone() type="radio" name=name value=code prop:checked=checked
                            on:change=move |_| value.set(chosen.clone())/>
                        <label for=id>{text}</label>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <Frame name label hint=None errors grouped=true>
            {radios}
        </Frame>
    }
}
