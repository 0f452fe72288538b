//! GOV.UK's error summary: "There is a problem", then one link per problem that moves
//! focus to the field. It takes focus itself when it appears.

use leptos::html::Div;
use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;

use crate::i18n::tr;
use crate::state::use_locale;

/// The id of the input (or first option) of a field, for labels and error links.
pub fn input_id(field: &str) -> String {
    format!("field-{}", field.replace('.', "-"))
}

/// The first problem with field `id`, for its question.
pub fn error_for(
    errors: RwSignal<Vec<InvalidAnswer>>,
    id: &'static str,
) -> Signal<Option<InvalidAnswer>> {
    Signal::derive(move || errors.with(|e| e.iter().find(|p| p.field == id).cloned()))
}

/// Moves focus to a field's input, scrolling it into view.
pub fn focus_field(field: &str) {
    if let Some(element) = document().get_element_by_id(&input_id(field)) {
        let element: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(element);
        let _ = element.focus();
    }
}

#[component]
pub fn ErrorSummary(
    /// The problems to list, in the order of the fields on the page.
    #[prop(into)]
    errors: Signal<Vec<InvalidAnswer>>,
) -> impl IntoView {
    let locale = use_locale();
    let summary = NodeRef::<Div>::new();
    Effect::new(move |_| {
        if !errors.get().is_empty() {
            if let Some(div) = summary.get() {
                let _ = div.focus();
            }
        }
    });
    view! {
        <Show when=move || !errors.get().is_empty()>
            <div class="error-summary" node_ref=summary tabindex="-1" role="alert" aria-labelledby="error-summary-title">
                <h2 id="error-summary-title">{tr(|t| t.error_summary_title)}</h2>
                <ul>
                    {move || {
                        errors
                            .get()
                            .into_iter()
                            .map(|e| {
                                let href = format!("#{}", input_id(&e.field));
                                let field = e.field.clone();
                                let message = e.message.clone();
                                view! {
                                    <li>
                                        <a href=href on:click=move |ev| {
                                            ev.prevent_default();
                                            focus_field(&field);
                                        }>{move || message.get(locale.locale.get()).to_owned()}</a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}
