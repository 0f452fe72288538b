//! `/licences/{number}/renew`: files a renewal. The licence's answers go into it as they
//! are (the server copies them); the service's documents are attached afresh, with the
//! same controls as filing, and kept on the device until sent. Sending it again after a
//! lost answer files it once (the draft's idempotency key).

use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::filing::FiledRequest;
use nafitha_domain::form::FormDefinition;
use nafitha_domain::licence::{Licence, RenewLicence};
use nafitha_domain::{FieldKind, ServiceDetail};

use super::{licence_facts, number_in_address};
use crate::api::{self, ApiError};
use crate::components::attachment_question::FilingContext;
use crate::components::error_summary::input_id;
use crate::components::{draft_question, ErrorSummary, LoadError, PageHeading};
use crate::dates::today;
use crate::drafts;
use crate::i18n::tr;
use crate::pages::sign_in_prompt;
use crate::state::use_locale;

/// The questions a renewal asks again: the service's documents.
fn documents(service: &ServiceDetail) -> FormDefinition {
    FormDefinition {
        fields: service
            .form
            .fields
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::Attachment { .. }))
            .cloned()
            .collect(),
    }
}

#[component]
fn RenewForm(licence: Licence, service: ServiceDetail) -> impl IntoView {
    let locale = use_locale();
    let key = format!("renew.{}", licence.number);
    let draft = RwSignal::new(drafts::load(&key));
    {
        let key = key.clone();
        Effect::new(move |_| draft.with(|d| drafts::save(&key, d)));
    }
    provide_context(FilingContext {
        draft,
        service_code: StoredValue::new(service.summary.code.clone()),
    });
    let form = StoredValue::new(documents(&service));
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let sending = RwSignal::new(false);
    let filed = RwSignal::new(None::<FiledRequest>);
    let number = licence.number.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        let (number, key) = (number.clone(), key.clone());
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        let answers = draft.with_untracked(|d| {
            form.with_value(|f| {
                d.answers
                    .iter()
                    .filter(|(id, _)| f.field(id).is_some())
                    .map(|(id, v)| (id.clone(), v.clone()))
                    .collect()
            })
        });
        let answers = match form.with_value(|f| f.validate_answers(&answers, today())) {
            Ok(clean) => clean,
            Err(problems) => {
                errors.set(problems);
                return;
            }
        };
        errors.set(Vec::new());
        sending.set(true);
        let body = RenewLicence {
            locale: locale.locale.get_untracked(),
            answers,
        };
        let idempotency_key = draft.with_untracked(|d| d.idempotency_key.clone());
        leptos::task::spawn_local(async move {
            let result = api::renew_licence(&number, &body, &idempotency_key).await;
            sending.set(false);
            match result {
                Ok(request) => {
                    drafts::clear(&key);
                    filed.set(Some(request));
                }
                Err(error) => errors.set(error.problems("send")),
            }
        });
    };
    let fields = form.with_value(|f| f.fields.clone());
    let licence = StoredValue::new(licence);
    move || match filed.get() {
        Some(request) => {
            let t = &locale.texts().licences;
            view! {
                <div class="notice" role="status">
                    <p>{t.renewal_filed} " " <span dir="ltr" class="reference">{request.reference.grouped()}</span></p>
                    <a class="button" href=format!("/requests/{}", request.reference)>{t.follow_request}</a>
                </div>
            }
            .into_any()
        }
        None => {
            let questions = fields
                .iter()
                .cloned()
                .map(|field| draft_question(field, draft, errors).into_any())
                .collect_view();
            view! {
                <ErrorSummary errors=errors/>
                <p>{tr(|t| t.licences.renew_intro)}</p>
                {licence.with_value(|licence| licence_facts(licence, locale.locale.get()))}
                <form novalidate on:submit=submit.clone()>
                    {questions}
                    <button type="submit" class="button" id=input_id("send") disabled=move || sending.get()>
                        {move || if sending.get() { locale.texts().citizen.sending } else { locale.texts().licences.renew_send }}
                    </button>
                </form>
            }
            .into_any()
        }
    }
}

#[component]
pub fn RenewPage(number: String) -> AnyView {
    let locale = use_locale();
    let parsed = number_in_address(&number);
    let licence = api::get_my_licence(parsed);
    let code = Memo::new(move |_| {
        licence.with(|l| match l {
            Some(Ok(l)) => l.service.code.clone(),
            _ => String::new(),
        })
    });
    let service = api::get_service(code);
    view! {
        <p><a class="back-link" href=format!("/licences/{number}")>{tr(|t| t.licences.back_to_licence)}</a></p>
        <PageHeading text=Signal::derive(move || locale.texts().licences.renew.to_owned())/>
        {move || match (parsed.get(), licence.get(), service.get()) {
            (None, ..) | (_, Some(Err(ApiError::NotFound)), _) => {
                view! { <p class="notice" role="alert">{tr(|t| t.licences.licence_not_found)}</p> }.into_any()
            }
            (_, Some(Err(error)), _) if error.needs_sign_in() => {
                sign_in_prompt(format!("/licences/{number}/renew"))
            }
            (_, Some(Err(error)), _) => view! { <LoadError error on_retry=Callback::new(move |()| licence.refetch())/> }.into_any(),
            (_, Some(Ok(_)), Some(Err(error))) => view! { <LoadError error on_retry=Callback::new(move |()| service.refetch())/> }.into_any(),
            (_, Some(Ok(licence)), Some(Ok(service))) => view! { <RenewForm licence service/> }.into_any(),
            _ => view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any(),
        }}
    }
    .into_any()
}
