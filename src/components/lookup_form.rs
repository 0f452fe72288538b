//! A form that finds one thing by a number typed into it (tracking a request by its
//! reference, checking a licence by its number): the number is read by its domain rule
//! (Arabic-Indic digits, spaces, the check digit) before anything is asked of the server,
//! and a well-formed one opens its own address, so the result can be bookmarked and shared.

use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::{Field, Localized};
use serde_json::Value;

use crate::components::Question;
use crate::i18n::{tr, Texts};
use crate::router::navigate;

/// `read` turns what was typed into the address to open, or the problem to show on
/// `field`; `errors` holds that problem (the page's error summary shows it too). Without
/// JavaScript the form is sent to `action` as a GET, the field named by its id.
pub fn lookup_form(
    field: Field,
    typed: RwSignal<String>,
    errors: RwSignal<Vec<InvalidAnswer>>,
    read: impl Fn(&str) -> Result<String, Localized> + 'static,
    button: fn(&'static Texts) -> &'static str,
    action: &'static str,
) -> impl IntoView {
    let id = field.id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match read(&typed.get_untracked()) {
            Ok(address) => {
                errors.set(Vec::new());
                navigate(&address, false);
            }
            Err(message) => errors.set(vec![InvalidAnswer {
                field: id.clone(),
                message,
            }]),
        }
    };
    view! {
        <form class="track-form" novalidate action=action method="get" on:submit=submit>
            <Question
                field
                value=Signal::derive(move || Some(Value::String(typed.get())))
                on_change=Callback::new(move |value: Value| typed.set(value.as_str().unwrap_or_default().to_owned()))
                error=Signal::derive(move || errors.with(|e| e.first().cloned()))
                autofill=Some(("numeric", "off"))
            />
            <button type="submit" class="button">{tr(button)}</button>
        </form>
    }
}
