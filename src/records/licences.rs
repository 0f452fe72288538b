//! `/licences`: the signed-in holder's fees to pay and licences; `/licences/{number}`:
//! one licence in full, with its certificate and renewal. Not signed in: a way to sign in
//! and come back.

use leptos::prelude::*;
use nafitha_domain::bill::{format_amount, BillNumber, BillStatus, BillView};
use nafitha_domain::licence::{may_renew, LicenceSummary};
use nafitha_domain::Locale;

use super::{fact, licence_facts, number_in_address, status_tag};
use crate::api::{self, ApiError};
use crate::components::{LoadError, PageHeading};
use crate::dates::format_day;
use crate::i18n::{texts, tr};
use crate::pages::sign_in_prompt;
use crate::state::{use_announcer, use_locale};

fn licence_row(licence: LicenceSummary, locale: Locale) -> impl IntoView {
    let t = &texts(locale).licences;
    view! {
        <li class="request-item">
            <a href=format!("/licences/{}", licence.number)>{licence.activity.get(locale).to_owned()}</a>
            " " {status_tag(licence.status, locale)}
            <dl class="facts facts-compact">
                {fact(t.licence_number, view! { <span dir="ltr" class="reference">{licence.number.grouped()}</span> })}
                {fact(t.agency, licence.agency.name.get(locale).to_owned())}
                {fact(t.expires_on, format_day(licence.expires_on, locale))}
            </dl>
        </li>
    }
}

/// A fee to pay (or whose time ran out), with its "Pay" button and that payment's error.
fn bill_row(
    bill: BillView,
    locale: Locale,
    paying: RwSignal<Option<BillNumber>>,
    failed: RwSignal<Option<(BillNumber, ApiError)>>,
    pay: Callback<BillNumber>,
) -> impl IntoView {
    let t = &texts(locale).licences;
    let number = bill.number.clone();
    let button_id = format!("pay-{number}");
    let error = {
        let number = number.clone();
        move || {
            failed.with(|f| match f {
                Some((n, e)) if *n == number => Some(view! {
                    <p class="field-error" role="alert">{e.message(locale)}</p>
                }),
                _ => None,
            })
        }
    };
    let button = (bill.status == BillStatus::Unpaid).then(|| {
        let busy = {
            let number = number.clone();
            Signal::derive(move || paying.with(|p| p.as_ref() == Some(&number)))
        };
        let number = number.clone();
        view! {
            <button type="button" class="button" id=button_id
                aria-describedby=format!("bill-{number}")
                disabled=busy
                on:click=move |_| pay.run(number.clone())>
                {move || if busy.get() { t.paying } else { t.pay }}
            </button>
        }
    });
    view! {
        <li class="request-item">
            <span id=format!("bill-{}", bill.number)>{bill.service.name.get(locale).to_owned()}</span>
            " " <strong class="tag tag-warning">{bill.status.label(locale)}</strong>
            <dl class="facts facts-compact">
                {fact(t.amount, format_amount(bill.amount_halalas, locale))}
                {fact(t.pay_by, format_day(bill.due_on, locale))}
                {fact(t.bill_number, view! { <span dir="ltr" class="reference">{bill.number.grouped()}</span> })}
                {fact(t.request, view! { <a href=format!("/requests/{}", bill.reference) dir="ltr">{bill.reference.grouped()}</a> })}
            </dl>
            {error}
            {button}
        </li>
    }
}

#[component]
pub fn MyLicencesPage() -> AnyView {
    let locale = use_locale();
    let announcer = use_announcer();
    let licences = api::list_my_licences();
    let bills = api::list_my_bills();
    let paying = RwSignal::new(None::<BillNumber>);
    let failed = RwSignal::new(None::<(BillNumber, ApiError)>);
    let pay = Callback::new(move |number: BillNumber| {
        if paying.with_untracked(Option::is_some) {
            return;
        }
        paying.set(Some(number.clone()));
        failed.set(None);
        let lang = locale.locale.get_untracked();
        leptos::task::spawn_local(async move {
            let result = api::pay_bill(&number, lang).await;
            paying.set(None);
            match result {
                Ok(_) => {
                    announcer.announce(texts(lang).licences.paid.to_owned());
                    bills.refetch();
                    licences.refetch();
                    // The button is gone with the fee: focus goes back to the page's top
                    // rather than to nowhere.
                    if let Ok(Some(h1)) = document().query_selector("main h1") {
                        let _ = wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&h1)
                            .focus();
                    }
                }
                Err(error) => failed.set(Some((number, error))),
            }
        });
    });
    let to_pay = move || {
        let l = locale.locale.get();
        bills.get().and_then(Result::ok).and_then(|list| {
            let open: Vec<BillView> = list
                .into_iter()
                .filter(|b| b.status != BillStatus::Paid)
                .collect();
            (!open.is_empty()).then(|| {
                let rows = open
                    .into_iter()
                    .map(|b| bill_row(b, l, paying, failed, pay))
                    .collect_view();
                view! {
                    <section aria-labelledby="bills-title">
                        <h2 id="bills-title">{texts(l).licences.bills_title}</h2>
                        <ul class="request-list">{rows}</ul>
                    </section>
                }
            })
        })
    };
    view! {
        <PageHeading text=Signal::derive(move || locale.texts().licences.my_licences_title.to_owned())/>
        {to_pay}
        {move || match licences.get() {
            None => view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any(),
            Some(Err(error)) if error.needs_sign_in() => sign_in_prompt("/licences".into()),
            Some(Err(error)) => view! { <LoadError error on_retry=Callback::new(move |()| licences.refetch())/> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p>{tr(|t| t.licences.no_licences)}</p> }.into_any(),
            Some(Ok(list)) => {
                let l = locale.locale.get();
                let rows = list.into_iter().map(|r| licence_row(r, l)).collect_view();
                view! {
                    <h2>{tr(|t| t.licences.licences_title)}</h2>
                    <ul class="request-list">{rows}</ul>
                }
                .into_any()
            }
        }}
    }
    .into_any()
}

#[component]
pub fn LicencePage(number: String) -> AnyView {
    let locale = use_locale();
    let parsed = number_in_address(&number);
    let licence = api::get_my_licence(parsed);
    let heading = Signal::derive(move || {
        let l = locale.locale.get();
        licence.with(|v| match v {
            Some(Ok(licence)) => licence.activity.get(l).to_owned(),
            _ => texts(l).licences.licences_title.to_owned(),
        })
    });
    view! {
        <p><a class="back-link" href="/licences">{tr(|t| t.licences.my_licences_title)}</a></p>
        <PageHeading text=heading loading=Signal::derive(move || licence.with(Option::is_none))/>
        {move || match (parsed.get(), licence.get()) {
            (None, _) | (_, Some(Err(ApiError::NotFound))) => {
                view! { <p class="notice" role="alert">{tr(|t| t.licences.licence_not_found)}</p> }.into_any()
            }
            (_, None) => view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any(),
            (_, Some(Err(error))) if error.needs_sign_in() => sign_in_prompt(format!("/licences/{number}")),
            (_, Some(Err(error))) => view! { <LoadError error on_retry=Callback::new(move |()| licence.refetch())/> }.into_any(),
            (_, Some(Ok(licence))) => {
                let l = locale.locale.get();
                let t = &texts(l).licences;
                let number = licence.number.clone();
                let renewal = match &licence.renewal {
                    Some(reference) => view! {
                        <p class="notice">
                            {t.renewal_pending} ": "
                            <a href=format!("/requests/{reference}") dir="ltr">{reference.grouped()}</a>
                        </p>
                    }
                    .into_any(),
                    None if may_renew(licence.status) => view! {
                        <a class="button button-secondary" href=format!("/licences/{number}/renew")>{t.renew}</a>
                    }
                    .into_any(),
                    None => ().into_any(),
                };
                view! {
                    {licence_facts(&licence, l)}
                    <h2>{t.conditions}</h2>
                    <p>{licence.conditions.get(l).to_owned()}</p>
                    <div class="button-group">
                        <a class="button" href=format!("/licences/{number}/certificate")>{t.certificate}</a>
                        {renewal}
                    </div>
                }
                .into_any()
            }
        }}
    }
    .into_any()
}
