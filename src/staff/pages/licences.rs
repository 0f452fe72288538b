//! The agency's register of licences (`/staff/licences`): searched by licence number, CR
//! number or the holder's name, filtered by status and last day, newest first a page at a
//! time, and the same rows as CSV. The filters live in the address (`?q=&status=…`), so a
//! search can be bookmarked, shared and reloaded; the form only writes them there, after
//! `RegisterQuery::validate` (the server's own check) passes.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::licence::{LicencePage, LicenceStatus, LicenceSummary, RegisterQuery};
use nafitha_domain::Locale;

use super::super::api::{self, query_string};
use super::super::components::{desk_table, Loading, SelectField, TextField};
use super::super::use_staff;
use super::heading;
use crate::components::{ErrorSummary, PageHeading};
use crate::dates::format_day;
use crate::i18n::{texts, tr};
use crate::state::use_locale;

/// The query's filters that are given, as `key=value` pairs in the address's order.
fn pairs(query: &RegisterQuery) -> Vec<(&'static str, &str)> {
    [
        ("q", &query.q),
        ("status", &query.status),
        ("expires_before", &query.expires_before),
        ("after", &query.after),
        ("limit", &query.limit),
    ]
    .into_iter()
    .filter_map(|(key, value)| Some((key, value.as_deref().filter(|v| !v.is_empty())?)))
    .collect()
}

/// The register's address for `query`.
fn address(query: &RegisterQuery) -> String {
    let pairs = pairs(query);
    if pairs.is_empty() {
        "/staff/licences".into()
    } else {
        format!("/staff/licences?{}", query_string(pairs))
    }
}

/// What an input holds, unless blank.
fn given(value: RwSignal<String>) -> Option<String> {
    Some(value.get_untracked()).filter(|v| !v.trim().is_empty())
}

fn row(s: &LicenceSummary, l: Locale) -> impl IntoView {
    view! {
        <tr>
            <td dir="ltr"><a href=format!("/staff/licences/{}", s.number)>{s.number.grouped()}</a></td>
            <td>{s.holder.clone()}</td>
            <td dir="ltr">{s.cr_number.clone()}</td>
            <td>{s.activity.get(l).to_owned()}</td>
            <td>{format_day(s.issued_on, l)}</td>
            <td>{format_day(s.expires_on, l)}</td>
            <td><span class="tag">{s.status.label(l)}</span></td>
        </tr>
    }
}

/// The table (or that nothing matches), the next page and the CSV of the same filters.
fn results(page: &LicencePage, query: &RegisterQuery, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let tl = &t.licences;
    let table = if page.items.is_empty() {
        view! { <p>{tl.none_found}</p> }.into_any()
    } else {
        let rows = page.items.iter().map(|s| row(s, l)).collect_view();
        let heads = [
            tl.number,
            tl.holder,
            t.cr_number,
            tl.activity,
            tl.issued_on,
            tl.expires_on,
            t.status,
        ];
        desk_table("licences-caption", tl.caption, &heads, rows).into_any()
    };
    let mut first = query.clone();
    first.after = None;
    let next = page.next.clone().map(|after| {
        let next = RegisterQuery {
            after: Some(after),
            ..first.clone()
        };
        view! { <a href=address(&next)>{t.next_page}</a> }
    });
    let csv = format!("/api/v1/staff/licences.csv?{}", query_string(pairs(&first)));
    view! {
        {table}
        <div class="button-row">
            {next}
            <a href=csv download="">{t.download_csv}</a>
        </div>
    }
}

#[component]
pub fn LicencesPage() -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    let location = use_location();
    let navigate = use_navigate();
    let query = Memo::new(move |_| {
        location.query.with(|q| RegisterQuery {
            q: q.get("q"),
            status: q.get("status"),
            expires_before: q.get("expires_before"),
            after: q.get("after"),
            limit: q.get("limit"),
        })
    });
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let (search, status, expires) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    // A query the browser already knows is wrong is not sent; its problems are shown.
    let checked = Memo::new(move |_| query.with(|q| q.validate().map(|_| query_string(pairs(q)))));
    Effect::new(move |_| {
        query.with(|q| {
            search.set(q.q.clone().unwrap_or_default());
            status.set(q.status.clone().unwrap_or_default());
            expires.set(q.expires_before.clone().unwrap_or_default());
        });
        errors.set(checked.get().err().unwrap_or_default());
    });
    let page = api::list_licences(Memo::new(move |_| checked.get().ok()));
    Effect::new(move |_| {
        if let Some(Err(e)) = page.get() {
            if !staff.signed_out_by(&e) {
                errors.set(e.problems("q"));
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = RegisterQuery {
            q: given(search),
            status: given(status),
            expires_before: given(expires),
            ..RegisterQuery::default()
        };
        if let Err(problems) = wanted.validate() {
            return errors.set(problems);
        }
        errors.set(Vec::new());
        let options = NavigateOptions {
            resolve: false,
            ..Default::default()
        };
        navigate(&address(&wanted), options);
    };
    let statuses = Signal::derive(move || {
        let l = locale.locale.get();
        let mut options = vec![(String::new(), texts(l).staff.licences.any_status.to_owned())];
        options.extend(
            LicenceStatus::ALL
                .iter()
                .map(|s| (s.code().to_owned(), s.label(l).to_owned())),
        );
        options
    });
    view! {
        <PageHeading text=heading(|t| t.staff.licences.title) loading=Signal::derive(move || page.with(Option::is_none) && checked.with(Result::is_ok)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        <form class="filters" role="search" novalidate on:submit=submit>
            <TextField name="q" label=|t| t.staff.licences.search value=search errors kind="search"/>
            <SelectField name="status" label=|t| t.staff.status value=status errors options=statuses/>
            <TextField name="expires_before" label=|t| t.staff.licences.expires_before value=expires errors kind="date"/>
            <div class="button-row">
                <button type="submit" class="button">{tr(|t| t.staff.licences.search_button)}</button>
                <a href="/staff/licences">{tr(|t| t.staff.clear_filters)}</a>
            </div>
        </form>
        {move || {
            let l = locale.locale.get();
            page.with(|p| match p {
                Some(Ok(p)) => query.with(|q| results(p, q, l)).into_any(),
                None if checked.with(Result::is_ok) => view! { <Loading/> }.into_any(),
                _ => ().into_any(),
            })
        }}
    }
}
