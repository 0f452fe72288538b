//! `/sign-in?next=…`: the citizen signs in with the mobile number they filed with. One
//! thing per step: the number, then the 6-digit code from the SMS. The number is checked
//! by the same rule as on the server before anything is sent.

use crate::router::{navigate, use_location};
use leptos::prelude::*;
use nafitha_domain::account::CodeVerification;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::identity::normalize_mobile;
use nafitha_domain::FieldKind;
use serde_json::Value;

use crate::api::{self, ApiError};
use crate::components::error_summary::error_for;
use crate::components::{ErrorSummary, PageHeading, Question};
use crate::i18n::{text_question, texts, tr};
use crate::state::{use_announcer, use_locale};

#[component]
pub fn SignInPage() -> AnyView {
    let locale = use_locale();
    let announcer = use_announcer();
    let location = use_location();
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let code_step = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let text_signal = |s: RwSignal<String>| Signal::derive(move || Some(Value::String(s.get())));
    let setter = |s: RwSignal<String>| {
        Callback::new(move |v: Value| s.set(v.as_str().unwrap_or_default().to_owned()))
    };
    let error_of = move |id: &'static str| error_for(errors, id);

    let ask = move |resend: bool| {
        let lang = locale.locale.get_untracked();
        let number = match normalize_mobile(&phone.get_untracked()) {
            Ok(number) => number,
            Err(message) => {
                errors.set(vec![InvalidAnswer {
                    field: "phone".into(),
                    message,
                }]);
                return;
            }
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::send_code(&number, lang).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    errors.set(Vec::new());
                    code_step.set(true);
                    if resend {
                        announcer.announce(texts(lang).citizen.code_resent.to_owned());
                    }
                }
                // A code went out a moment ago: it can be typed in now.
                Err(ApiError::Server { status: 429, .. }) if !resend => {
                    errors.set(Vec::new());
                    code_step.set(true);
                }
                Err(error) => errors.set(error.problems(if resend { "code" } else { "phone" })),
            }
        });
    };
    let verify = move || {
        let lang = locale.locale.get_untracked();
        let body = CodeVerification {
            phone: phone.get_untracked(),
            code: code.get_untracked(),
        };
        if let Err(problems) = body.validate() {
            errors.set(
                problems
                    .into_iter()
                    .map(|(f, message)| InvalidAnswer {
                        field: f.into(),
                        message,
                    })
                    .collect(),
            );
            return;
        }
        busy.set(true);
        let next = location
            .search
            .with_untracked(|s| crate::router::query_value(s, "next"))
            .filter(|n| n.starts_with('/') && !n.starts_with("//"))
            .unwrap_or_else(|| "/requests".into());
        leptos::task::spawn_local(async move {
            let result = api::verify_code(&body, lang).await;
            busy.set(false);
            match result {
                Ok(_) => navigate(&next, false),
                Err(error) => errors.set(error.problems("code")),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if code_step.get_untracked() {
            verify();
        } else {
            ask(false);
        }
    };
    let has_errors = Signal::derive(move || !errors.read().is_empty());
    let phone_field = text_question(
        "phone",
        |t| t.citizen.mobile,
        Some(|t| t.citizen.mobile_hint),
        true,
        FieldKind::Phone,
    );
    let code_field = text_question(
        "code",
        |t| t.citizen.code_label,
        Some(|t| t.citizen.code_hint),
        true,
        FieldKind::Text { max_length: 10 },
    );
    view! {
        <PageHeading text=Signal::derive(move || locale.texts().citizen.sign_in_title.to_owned()) error=has_errors/>
        <ErrorSummary errors=errors/>
        <form novalidate on:submit=submit>
            {move || if code_step.get() {
                view! {
                    <p>{tr(|t| t.citizen.code_sent_to)} " " <bdi dir="ltr">{move || phone.get()}</bdi></p>
                    <Question
                        field=code_field.clone()
                        value=text_signal(code)
                        on_change=setter(code)
                        error=error_of("code")
                        autofill=Some(("numeric", "one-time-code"))
                    />
                    <div class="button-row">
                        <button type="submit" class="button" disabled=move || busy.get()>{tr(|t| t.citizen.sign_in)}</button>
                        <button type="button" class="button button-secondary" on:click=move |_| ask(true)>{tr(|t| t.citizen.resend_code)}</button>
                        <button type="button" class="link-button" on:click=move |_| { code_step.set(false); errors.set(Vec::new()); }>{tr(|t| t.citizen.change_number)}</button>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <p>{tr(|t| t.citizen.sign_in_intro)}</p>
                    <Question field=phone_field.clone() value=text_signal(phone) on_change=setter(phone) error=error_of("phone")/>
                    <button type="submit" class="button" disabled=move || busy.get()>{tr(|t| t.citizen.send_code)}</button>
                }
                .into_any()
            }}
        </form>
    }
    .into_any()
}
