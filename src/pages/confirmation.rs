//! `/confirmation/:reference`: the end of filing. The reference number, what happens
//! next and by when, how to reach the agency, and a way to keep a record (print).

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use nafitha_domain::ReferenceNumber;

use crate::api;
use crate::components::{LoadError, PageHeading};
use crate::dates::format_day;
use crate::pages::track::request_facts;
use crate::state::use_locale;

#[component]
pub fn ConfirmationPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let reference = Memo::new(move |_| {
        params
            .read()
            .get("reference")
            .and_then(|r| ReferenceNumber::parse(&r).ok())
    });
    let found = LocalResource::new(move || {
        let reference = reference.get();
        let lang = locale.locale.get_untracked();
        async move {
            match reference {
                Some(r) => api::track_request(&r, lang).await,
                None => Err(api::ApiError::NotFound),
            }
        }
    });
    let grouped = move || reference.get().map(|r| r.grouped()).unwrap_or_default();
    let track_href = move || {
        reference
            .get()
            .map(|r| format!("/track?ref={r}"))
            .unwrap_or_else(|| "/track".into())
    };
    let print = |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <div class="panel">
            <PageHeading text=Signal::derive(move || locale.texts().confirmation_title.to_owned())/>
            <p class="panel-label">{move || locale.texts().your_reference}</p>
            <p class="panel-reference" dir="ltr">{grouped}</p>
        </div>
        <p>{move || locale.texts().sms_sent}</p>
        <Suspense fallback=move || view! { <p class="loading" role="status">{locale.texts().loading}</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(request) => Either::Left(move || {
                        let l = locale.locale.get();
                        let t = locale.texts();
                        let phone_href = format!("tel:{}", request.contact.phone);
                        let email_href = format!("mailto:{}", request.contact.email);
                        view! {
                            <h2>{t.what_next_title}</h2>
                            <p>{t.what_next_body} " " <strong>{format_day(request.due_on, l)}</strong></p>
                            {request_facts(&request, l)}
                            <h2>{t.contact_title}</h2>
                            <p class="contact">
                                {request.agency.name.get(l).to_owned()} ": "
                                <a href=phone_href dir="ltr">{request.contact.phone.clone()}</a>
                                " · "
                                <a href=email_href dir="ltr">{request.contact.email.clone()}</a>
                            </p>
                        }
                    }),
                    Err(error) => Either::Right(view! { <LoadError error on_retry=Callback::new(move |()| found.refetch())/> }),
                }
            })}
        </Suspense>
        <div class="button-group">
            <button type="button" class="button button-secondary" on:click=print>{move || locale.texts().print}</button>
            <A href=track_href>{move || locale.texts().track_this}</A>
        </div>
    }
}
