//! `/`: every service, grouped by agency, with a search kept in the URL (`?q=`) so a
//! search can be bookmarked, shared, and survives a reload.

use leptos::either::Either;
use leptos::prelude::*;
use nafitha_domain::{AgencyRef, Field, FieldKind, Locale, Localized, ServiceSummary};
use serde_json::Value;

use crate::api;
use crate::components::{LoadError, PageHeading, Question};
use crate::i18n::tr;
use crate::state::{use_announcer, use_locale};

/// Groups services by agency, keeping the catalogue's order.
fn group_by_agency<'a>(
    services: impl Iterator<Item = &'a ServiceSummary>,
) -> Vec<(&'a AgencyRef, Vec<&'a ServiceSummary>)> {
    let mut groups: Vec<(&AgencyRef, Vec<&ServiceSummary>)> = Vec::new();
    for service in services {
        match groups
            .iter_mut()
            .find(|(agency, _)| agency.code == service.agency.code)
        {
            Some((_, list)) => list.push(service),
            None => groups.push((&service.agency, vec![service])),
        }
    }
    groups
}

fn catalogue_view(services: &[ServiceSummary], query: &str, locale: Locale) -> impl IntoView {
    let t = crate::i18n::texts(locale);
    let groups = group_by_agency(services.iter().filter(|s| s.matches(query)));
    let found: usize = groups.iter().map(|(_, list)| list.len()).sum();
    let count = (!query.trim().is_empty())
        .then(|| view! { <p class="results-count">{(t.citizen.services_found)(found)}</p> });
    if found == 0 {
        return Either::Left(view! { {count} <p class="notice">{t.citizen.no_results}</p> });
    }
    let groups = groups
        .into_iter()
        .map(|(agency, list)| {
            let heading_id = format!("agency-{}", agency.code);
            let items = list
                .into_iter()
                .map(|s| {
                    let name = s.name.get(locale).to_owned();
                    view! {
                        <li class="service-item">
                            <a href=format!("/services/{}", s.code) class="service-link">{name}</a>
                            <p class="service-summary">{s.summary.get(locale).to_owned()}</p>
                            <span class="tag">{s.kind.label(locale)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="agency" aria-labelledby=heading_id.clone()>
                    <h2 id=heading_id.clone()>{agency.name.get(locale).to_owned()}</h2>
                    <ul class="service-list">{items}</ul>
                </section>
            }
        })
        .collect_view();
    Either::Right(view! { {count} {groups} })
}

/// The search box, as a question (so it shares the form code of every other input).
fn search_field() -> Field {
    let (ar, en) = (
        crate::i18n::texts(Locale::Ar),
        crate::i18n::texts(Locale::En),
    );
    Field {
        id: "q".into(),
        label: Localized::new(ar.citizen.search_label, en.citizen.search_label),
        hint: Some(Localized::new(
            ar.citizen.search_hint,
            en.citizen.search_hint,
        )),
        required: true,
        show_if: None,
        kind: FieldKind::Text { max_length: 100 },
    }
}

#[component]
pub fn HomePage() -> AnyView {
    let locale = use_locale();
    let announcer = use_announcer();
    let location = crate::router::use_location();
    let query = Memo::new(move |_| location.query("q").unwrap_or_default());
    let services = api::list_services();

    let on_input = move |value: &str| {
        let path = if value.is_empty() {
            "/".to_owned()
        } else {
            format!("/?q={}", crate::url::encode_component(value))
        };
        crate::router::navigate(&path, true);
    };

    // Tell screen-reader users how many services match as they type (also when they
    // typed before the list arrived, or opened a link with a search in it).
    let matching = Memo::new(move |_| {
        let q = query.get();
        let count = services.with(|list| match list {
            Some(Ok(list)) => Some(list.iter().filter(|s| s.matches(&q)).count()),
            _ => None,
        });
        (q, count)
    });
    Effect::new(move |_| {
        if let (q, Some(n)) = matching.get() {
            if !q.trim().is_empty() {
                announcer.announce((locale.texts().citizen.services_found)(n));
            }
        }
    });

    let heading = Signal::derive(move || locale.texts().citizen.home_title.to_owned());
    view! {
        <PageHeading text=heading/>
        <p class="lead">{tr(|t| t.citizen.home_intro)}</p>
        <form class="search" role="search" action="/" method="get" on:submit=|ev| ev.prevent_default()>
            <Question
                field=search_field()
                value=Signal::derive(move || Some(Value::String(query.get())))
                on_change=Callback::new(move |value: Value| on_input(value.as_str().unwrap_or_default()))
                error=Signal::derive(|| None)
                autofill=Some(("search", "off"))
            />
        </form>
        {move || match services.get() {
            None => Either::Left(view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }),
            Some(result) => Either::Right(match result {
                    Ok(list) => Either::Left(move || catalogue_view(&list, &query.get(), locale.locale.get())),
                    Err(error) => Either::Right(view! {
                        <LoadError error on_retry=Callback::new(move |()| services.refetch())/>
                    }),
            }),
        }}
    }
    .into_any()
}
