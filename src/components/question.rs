//! One question of a service's form, rendered for its kind: text, long text, number,
//! date, choice (radios), multiple choice (checkboxes), yes/no, phone, ID numbers, and
//! location (a typed address, or the device's position; no map needed). Labels, hints,
//! "(optional)" and the field's error follow the GOV.UK patterns.

use leptos::prelude::*;
#[cfg(not(feature = "backoffice"))]
use nafitha_domain::answers::format_coordinate;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::{Choice, Field, FieldKind, Locale, Localized};
#[cfg(not(feature = "backoffice"))]
use serde_json::json;
use serde_json::{Map, Value};
#[cfg(not(feature = "backoffice"))]
use wasm_bindgen::prelude::*;

use crate::components::attachment_question::AttachmentControl;
use crate::components::error_summary::input_id;
use crate::drafts::Draft;
use crate::i18n::tr;
use crate::state::use_locale;

fn as_text(value: &Option<Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(number @ Value::Number(_)) => serde_json::to_string(number).unwrap_or_default(),
        _ => String::new(),
    }
}

/// The label with "(optional)" when the question is optional.
fn label_text(field: &Field, locale: Locale) -> String {
    let label = field.label.get(locale);
    if field.required {
        label.to_owned()
    } else {
        format!("{label} {}", crate::i18n::texts(locale).form.optional)
    }
}

#[component]
pub fn Question(
    field: Field,
    /// The current answer.
    #[prop(into)]
    value: Signal<Option<Value>>,
    /// Called with the new answer (`Value::Null` to clear it).
    on_change: Callback<Value>,
    /// The problem with this answer, if any.
    #[prop(into)]
    error: Signal<Option<InvalidAnswer>>,
    /// For a text input: its type (`text`, `email`, or `numeric` for digits typed left to
    /// right) and what the browser may fill in (`name`, `email`, `off`), when the kind
    /// alone does not say (the applicant's name and email, a reference number).
    #[prop(optional_no_strip)]
    autofill: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let locale = use_locale();
    let id = input_id(&field.id);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let has_hint = field.hint.is_some();
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        Signal::derive(move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        })
    };
    let hint = field.hint.clone().map(|hint| {
        let hint_id = hint_id.clone();
        view! { <p class="hint" id=hint_id>{move || hint.get(locale.locale.get()).to_owned()}</p> }
    });
    let error_view = {
        let error_id = error_id.clone();
        move || {
            error.get().map(|e| {
                view! {
                    <p class="field-error" id=error_id.clone()>
                        <span class="visually-hidden">{locale.texts().error_prefix}</span>
                        {e.message.get(locale.locale.get()).to_owned()}
                    </p>
                }
            })
        }
    };
    let group_class = move || {
        if error.get().is_some() {
            "form-group form-group-error"
        } else {
            "form-group"
        }
    };
    let invalid = move || error.get().is_some().then_some("true");
    let text_change = move |ev| on_change.run(Value::String(event_target_value(&ev)));
    let label_field = field.clone();
    let label = move || label_text(&label_field, locale.locale.get());

    use Control::{Grouped, Single};
    let control = match field.kind.clone() {
        kind @ (FieldKind::Choice { .. } | FieldKind::MultiChoice { .. } | FieldKind::YesNo) => {
            let multi = matches!(kind, FieldKind::MultiChoice { .. });
            let inline = matches!(kind, FieldKind::YesNo);
            // Yes/no is a choice of two, stored as "yes" or "no".
            let options = match kind {
                FieldKind::Choice { options } | FieldKind::MultiChoice { options, .. } => options,
                _ => {
                    let (ar, en) = (
                        crate::i18n::texts(Locale::Ar),
                        crate::i18n::texts(Locale::En),
                    );
                    vec![
                        Choice {
                            value: "yes".into(),
                            label: Localized::new(ar.yes, en.yes),
                        },
                        Choice {
                            value: "no".into(),
                            label: Localized::new(ar.no, en.no),
                        },
                    ]
                }
            };
            let name = id.clone();
            let items = options
                .into_iter()
                .enumerate()
                .map(|(i, option)| {
                    let option_id = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                    let checked = {
                        let v = option.value.clone();
                        move || match value.get() {
                            Some(Value::String(s)) => s == v,
                            Some(Value::Array(items)) => items.iter().any(|x| x.as_str() == Some(v.as_str())),
                            _ => false,
                        }
                    };
                    let v = option.value.clone();
                    let change = move |ev| {
                        if multi {
                            let mut chosen: Vec<Value> = match value.get_untracked() {
                                Some(Value::Array(items)) => items,
                                _ => Vec::new(),
                            };
                            chosen.retain(|x| x.as_str() != Some(v.as_str()));
                            if event_target_checked(&ev) {
                                chosen.push(Value::String(v.clone()));
                            }
                            on_change.run(Value::Array(chosen));
                        } else {
                            on_change.run(Value::String(v.clone()));
                        }
                    };
                    let label = option.label.clone();
                    view! {
                        <div class="choice">
                            <input
                                type=if multi { "checkbox" } else { "radio" }
                                id=option_id.clone()
                                name=name.clone()
                                value=option.value.clone()
                                prop:checked=checked
                                on:change=change
                            />
                            <label for=option_id>{move || label.get(locale.locale.get()).to_owned()}</label>
                        </div>
                    }
                })
                .collect_view();
            Grouped(view! { <div class=if inline { "choices choices-inline" } else { "choices" }>{items}</div> }.into_any())
        }
        FieldKind::Location => {
            Grouped(view! { <LocationInput id=id.clone() value on_change/> }.into_any())
        }
        FieldKind::Attachment {
            max_files, accept, ..
        } => Single(
            view! {
                <AttachmentControl id=id.clone() field_id=field.id.clone() max_files accept
                    described_by/>
            }
            .into_any(),
        ),
        FieldKind::LongText { .. } => Single(
            view! {
                <textarea id=id.clone() class="textarea" rows="5" name=id.clone()
                    aria-describedby=described_by aria-invalid=invalid
                    prop:value=move || as_text(&value.get()) on:input=text_change></textarea>
            }
            .into_any(),
        ),
        kind => {
            let (input_type, input_mode, autocomplete, dir) = match kind {
                FieldKind::Number { .. } => ("text", Some("numeric"), None, None),
                FieldKind::Date { .. } => ("date", None, None, None),
                FieldKind::Phone => ("tel", Some("tel"), Some("tel"), Some("ltr")),
                FieldKind::NationalId | FieldKind::CrNumber => {
                    ("text", Some("numeric"), Some("off"), Some("ltr"))
                }
                _ => match autofill {
                    Some(("email", autocomplete)) => {
                        ("email", Some("email"), Some(autocomplete), Some("ltr"))
                    }
                    Some(("numeric", autocomplete)) => {
                        ("text", Some("numeric"), Some(autocomplete), Some("ltr"))
                    }
                    Some((input_type, autocomplete)) => {
                        (input_type, None, Some(autocomplete), None)
                    }
                    None => ("text", None, None, None),
                },
            };
            Single(
                view! {
                    // `name` and the first `value` as attributes too: a search or a lookup
                    // (`lookup_form`) is a plain GET form without JavaScript.
                    <input id=id.clone() class="input" type=input_type inputmode=input_mode autocomplete=autocomplete dir=dir
                        name=field.id.clone() value=as_text(&value.get_untracked()) aria-describedby=described_by aria-invalid=invalid
                        prop:value=move || as_text(&value.get()) on:input=text_change/>
                }
                .into_any(),
            )
        }
    };
    match control {
        // Radios, checkboxes and the location's parts: a fieldset whose legend is the label.
        Grouped(control) => view! {
            <div class=group_class>
                <fieldset class="fieldset" aria-describedby=described_by aria-invalid=invalid>
                    <legend class="label">{label}</legend>
                    {hint}
                    {error_view}
                    {control}
                </fieldset>
            </div>
        }
        .into_any(),
        Single(control) => view! {
            <div class=group_class>
                <label class="label" for=id>{label}</label>
                {hint}
                {error_view}
                {control}
            </div>
        }
        .into_any(),
    }
}

/// A question's input: one control with a label, or a group of them with a legend.
enum Control {
    Single(AnyView),
    Grouped(AnyView),
}

/// An address box and (in the citizens' app) a "use my current location" button; either
/// one is enough. Staff filing for a citizen type the place: their own position is not it.
#[component]
fn LocationInput(
    id: String,
    value: Signal<Option<Value>>,
    on_change: Callback<Value>,
) -> impl IntoView {
    let current = move || match value.get() {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let address = move || {
        current()
            .get("address")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let set = move |key: &str, v: Value| {
        let mut map = current();
        if v.is_null() {
            map.remove(key);
        } else {
            map.insert(key.to_owned(), v);
        }
        on_change.run(Value::Object(map));
    };
    #[cfg(not(feature = "backoffice"))]
    let actions = locate_me(format!("{id}-address"), current, set, on_change);
    #[cfg(feature = "backoffice")]
    let actions = ();
    view! {
        <label class="label-secondary" for=id.clone()>{tr(|t| t.form.address)}</label>
        <textarea id=id class="textarea" rows="2" prop:value=address
            on:input=move |ev| set("address", Value::String(event_target_value(&ev)))></textarea>
        {actions}
    }
}

/// The "use my current location" button, the point found, and a way to remove it.
#[cfg(not(feature = "backoffice"))]
fn locate_me(
    id: String,
    current: impl Fn() -> Map<String, Value> + Copy + Send + Sync + 'static,
    set: impl Fn(&str, Value) + Copy + Send + Sync + 'static,
    on_change: Callback<Value>,
) -> impl IntoView {
    let locale = use_locale();
    let failed = RwSignal::new(false);
    let point = move || {
        let map = current();
        Some((map.get("lat")?.as_f64()?, map.get("lng")?.as_f64()?))
    };
    let locate = move |_| {
        failed.set(false);
        let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok())
        else {
            failed.set(true);
            return;
        };
        let found = Closure::once_into_js(move |position: JsValue| {
            let read = |object: &JsValue, key: &str| {
                js_sys::Reflect::get(object, &JsValue::from_str(key)).ok()
            };
            let coords = read(&position, "coords");
            let lat = coords
                .as_ref()
                .and_then(|c| read(c, "latitude"))
                .and_then(|v| v.as_f64());
            let lng = coords
                .as_ref()
                .and_then(|c| read(c, "longitude"))
                .and_then(|v| v.as_f64());
            match (lat, lng) {
                (Some(lat), Some(lng)) => {
                    let mut map = current();
                    map.insert("lat".into(), json!((lat * 1e5).round() / 1e5));
                    map.insert("lng".into(), json!((lng * 1e5).round() / 1e5));
                    on_change.run(Value::Object(map));
                }
                _ => failed.set(true),
            }
        });
        let lost = Closure::once_into_js(move |_: JsValue| failed.set(true));
        if geolocation
            .get_current_position_with_error_callback(
                found.unchecked_ref(),
                Some(lost.unchecked_ref()),
            )
            .is_err()
        {
            failed.set(true);
        }
    };
    view! {
        <div class="location-actions" id=id>
            <button type="button" class="button button-secondary" on:click=locate>
                {tr(|t| t.citizen.use_my_location)}
            </button>
            {move || point().map(|(lat, lng)| view! {
                <p class="location-found" role="status">
                    {locale.texts().citizen.location_found} " " <span dir="ltr">{format!("{}, {}", format_coordinate(lat), format_coordinate(lng))}</span> " "
                    <button type="button" class="link-button" on:click=move |_| { set("lat", Value::Null); set("lng", Value::Null); }>
                        {locale.texts().citizen.remove_location}
                    </button>
                </p>
            })}
            {move || failed.get().then(|| view! { <p class="field-error" role="alert">{locale.texts().citizen.location_failed}</p> })}
        </div>
    }
}

/// `field` asked with its answer kept in `draft` (under the question's id) and its problem
/// read from `errors`: how the citizens' form and the staff's assisted filing both ask it.
pub fn draft_question(
    field: Field,
    draft: RwSignal<Draft>,
    errors: RwSignal<Vec<InvalidAnswer>>,
) -> impl IntoView {
    let id = field.id.clone();
    let (value_id, change_id, error_id) = (id.clone(), id.clone(), id);
    view! {
        <Question
            field
            value=Signal::derive(move || draft.with(|d| d.answers.get(&value_id).cloned()))
            on_change=Callback::new(move |value: Value| draft.update(|d| {
                if value.is_null() { d.answers.remove(&change_id); } else { d.answers.insert(change_id.clone(), value); }
            }))
            error=Signal::derive(move || errors.with(|e| e.iter().find(|p| p.field == error_id).cloned()))
        />
    }
}
