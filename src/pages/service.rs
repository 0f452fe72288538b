//! `/services/:code`: a service's start page: what it is, who handles it, the fee, how
//! long it takes, the documents to have ready and the questions that will be asked.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use nafitha_domain::{format_fee, Locale, ServiceDetail};

use crate::api::{self, ApiError};
use crate::components::{contact_view, LoadError, PageHeading};
use crate::i18n::tr;
use crate::state::use_locale;

fn details_view(service: &ServiceDetail, locale: Locale) -> impl IntoView {
    let t = crate::i18n::texts(locale);
    let s = &service.summary;
    let inactive = (!service.active).then(
        || view! { <div class="notice notice-warning"><p>{t.citizen.not_accepting}</p></div> },
    );
    let documents = if service.documents.is_empty() {
        Either::Left(view! { <p>{t.citizen.no_documents}</p> })
    } else {
        Either::Right(view! {
            <ul class="bullets">
                {service.documents.iter().map(|d| view! { <li>{d.get(locale).to_owned()}</li> }).collect_view()}
            </ul>
        })
    };
    let questions = service
        .form
        .fields
        .iter()
        .map(|f| {
            let optional = (!f.required).then(|| format!(" {}", t.form.optional));
            view! { <li>{f.label.get(locale).to_owned()}{optional}</li> }
        })
        .collect_view();
    let start = crate::pages::can_file_online(service).then(|| {
        let href = format!("/services/{}/apply", s.code);
        view! { <p><a href=href class="button button-start">{t.citizen.start_now}</a></p> }
    });
    view! {
        <p class="lead">{s.summary.get(locale).to_owned()}</p>
        {inactive}
        <dl class="facts">
            <div><dt>{t.track.agency}</dt><dd>{s.agency.name.get(locale).to_owned()}</dd></div>
            <div><dt>{t.track.department}</dt><dd>{service.department.name.get(locale).to_owned()}</dd></div>
            <div><dt>{t.citizen.kind}</dt><dd>{s.kind.label(locale)}</dd></div>
            <div><dt>{t.citizen.fee}</dt><dd>{format_fee(s.fee_halalas, locale)}</dd></div>
            <div><dt>{t.citizen.time_to_complete}</dt><dd>{(t.citizen.working_days)(s.sla_working_days)}</dd></div>
        </dl>
        <h2>{t.citizen.about_service}</h2>
        <p>{service.description.get(locale).to_owned()}</p>
        <h2>{t.citizen.documents_title}</h2>
        {documents}
        <h2>{t.citizen.questions_title}</h2>
        <ul class="bullets">{questions}</ul>
        {start}
        <h2>{t.citizen.contact_title}</h2>
        {contact_view(&service.contact, None)}
    }
}

#[component]
pub fn ServicePage(
    /// The service's code from the address.
    code: String,
) -> AnyView {
    let locale = use_locale();
    let code = Memo::new(move |_| code.clone());
    let service = api::get_service(code);
    let heading = Signal::derive(move || {
        let t = locale.texts();
        match service.get() {
            None => t.loading.to_owned(),
            Some(Ok(s)) => s.summary.name.get(locale.locale.get()).to_owned(),
            Some(Err(ApiError::NotFound)) => t.citizen.service_not_found.to_owned(),
            Some(Err(_)) => t.load_failed.to_owned(),
        }
    });
    view! {
        <nav class="breadcrumbs" aria-label=tr(|t| t.citizen.breadcrumb)>
            <a href="/" class="back-link">{tr(|t| t.citizen.all_services)}</a>
        </nav>
        <PageHeading text=heading loading=Signal::derive(move || service.get().is_none())/>
        {move || match service.get() {
            None => Either::Left(view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }),
            Some(result) => Either::Right(match result {
                    Ok(detail) => EitherOf3::A(move || details_view(&detail, locale.locale.get())),
                    Err(ApiError::NotFound) => EitherOf3::B({
                        #[cfg(server)]
                        crate::ssr::not_found();
                        view! {
                            <p>{tr(|t| t.not_found_body)}</p>
                            <p><a href="/">{tr(|t| t.citizen.go_home)}</a></p>
                        }
                    }),
                    Err(error) => EitherOf3::C(view! {
                        <LoadError error on_retry=Callback::new(move |()| service.refetch())/>
                    }),
            }),
        }}
    }
    .into_any()
}
