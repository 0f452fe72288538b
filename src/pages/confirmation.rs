//! `/confirmation/:reference`: the end of filing. The reference number, what happens
//! next and by when, how to reach the agency, and a way to keep a record (print).

use leptos::either::Either;
use leptos::prelude::*;
use nafitha_domain::ReferenceNumber;

use crate::api;
use crate::components::request_facts;
use crate::components::{contact_view, kept_notice, LoadError, PageHeading};
use crate::dates::format_day;
use crate::i18n::tr;
use crate::state::use_locale;

#[component]
pub fn ConfirmationPage(
    /// The reference number from the address.
    reference: String,
) -> AnyView {
    let locale = use_locale();
    let reference = Memo::new(move |_| ReferenceNumber::parse(&reference).ok());
    let (found, since) = api::track_request(reference);
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
            <PageHeading text=Signal::derive(move || locale.texts().citizen.confirmation_title.to_owned())/>
            <p class="panel-label">{tr(|t| t.citizen.your_reference)}</p>
            <p class="panel-reference" dir="ltr">{grouped}</p>
        </div>
        <p>{tr(|t| t.citizen.sms_sent)}</p>
        {kept_notice(since, Callback::new(move |()| found.refetch()))}
        {move || match found.get() {
            None if reference.with(Option::is_some) => Either::Left(view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }),
            result => Either::Right(match result.unwrap_or(Err(api::ApiError::NotFound)) {
                    Ok(request) => Either::Left(move || {
                        let l = locale.locale.get();
                        let t = locale.texts();
                        view! {
                            <h2>{t.citizen.what_next_title}</h2>
                            <p>{t.citizen.what_next_body} " " <strong>{format_day(request.due_on, l)}</strong></p>
                            {request_facts(&request, l)}
                            <h2>{t.citizen.contact_title}</h2>
                            {contact_view(&request.contact, Some(request.agency.name.get(l).to_owned()))}
                        }
                    }),
                    Err(error) => Either::Right(view! { <LoadError error on_retry=Callback::new(move |()| found.refetch())/> }),
            }),
        }}
        <div class="button-group">
            <button type="button" class="button button-secondary" on:click=print>{tr(|t| t.citizen.print)}</button>
            <a href=track_href>{tr(|t| t.citizen.track_this)}</a>
        </div>
    }
    .into_any()
}
