//! The queue (`/staff`): counts by status, the filters, the requests by due date, the next
//! page and the CSV of the same rows. The filters live in the address (`?status=…`), so a
//! filtered queue can be bookmarked, shared and reloaded; the form only writes them there.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::backoffice::{QueueItem, QueuePage as Page, QueueQuery};
use nafitha_domain::lifecycle::RequestStatus;
use nafitha_domain::{Locale, ServiceSummary};

use super::super::api::{self, query_string};
use super::super::components::{deadline_tags, Checkbox, Loading, SelectField, TextField};
use super::super::use_staff;
use super::heading;
use crate::components::{ErrorSummary, PageHeading};
use crate::dates::{format_day, format_moment};
use crate::i18n::{texts, tr};
use crate::state::use_locale;

/// The filter form's inputs, one signal each.
#[derive(Clone, Copy)]
struct Filters {
    status: RwSignal<String>,
    service: RwSignal<String>,
    assignee: RwSignal<String>,
    overdue: RwSignal<bool>,
    due_soon: RwSignal<bool>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    q: RwSignal<String>,
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn flag(on: bool) -> Option<String> {
    on.then(|| "true".to_owned())
}

fn some(value: RwSignal<String>) -> Option<String> {
    Some(value.get_untracked()).filter(|v| !v.trim().is_empty())
}

impl Filters {
    fn new() -> Filters {
        Filters {
            status: RwSignal::new("open".into()),
            service: RwSignal::new(String::new()),
            assignee: RwSignal::new(String::new()),
            overdue: RwSignal::new(false),
            due_soon: RwSignal::new(false),
            from: RwSignal::new(String::new()),
            to: RwSignal::new(String::new()),
            q: RwSignal::new(String::new()),
        }
    }

    /// Shows the filters of the address.
    fn show(&self, query: &QueueQuery) {
        self.status
            .set(query.status.clone().unwrap_or_else(|| "open".into()));
        self.service.set(text(&query.service));
        self.assignee.set(text(&query.assignee));
        self.overdue.set(query.overdue.as_deref() == Some("true"));
        self.due_soon.set(query.due_soon.as_deref() == Some("true"));
        self.from.set(text(&query.from));
        self.to.set(text(&query.to));
        self.q.set(text(&query.q));
    }

    /// The query the form asks for (a department chosen elsewhere is kept; the page
    /// starts again at the first).
    fn query(&self, current: &QueueQuery) -> QueueQuery {
        QueueQuery {
            status: some(self.status).filter(|s| s != "open"),
            service: some(self.service),
            department: current.department.clone(),
            assignee: some(self.assignee),
            overdue: flag(self.overdue.get_untracked()),
            due_soon: flag(self.due_soon.get_untracked()),
            from: some(self.from),
            to: some(self.to),
            q: some(self.q),
            after: None,
            limit: None,
        }
    }
}

/// The address of the queue for `query`.
fn address(query: &QueueQuery) -> String {
    let pairs = query.pairs();
    if pairs.is_empty() {
        "/staff".into()
    } else {
        format!("/staff?{}", query_string(pairs))
    }
}

fn status_options(l: Locale) -> Vec<(String, String)> {
    let t = &texts(l).staff;
    let mut options = vec![
        ("open".to_owned(), t.status_open.to_owned()),
        ("all".to_owned(), t.status_all.to_owned()),
    ];
    options.extend(
        RequestStatus::ALL
            .iter()
            .map(|s| (s.code().to_owned(), s.label(l).to_owned())),
    );
    options
}

fn service_options(services: &[ServiceSummary], l: Locale) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), texts(l).staff.every_service.to_owned())];
    options.extend(
        services
            .iter()
            .map(|s| (s.code.clone(), s.name.get(l).to_owned())),
    );
    options
}

fn assignee_options(l: Locale) -> Vec<(String, String)> {
    let t = &texts(l).staff;
    vec![
        (String::new(), t.anyone.to_owned()),
        ("me".to_owned(), t.me.to_owned()),
        ("none".to_owned(), t.nobody_yet.to_owned()),
    ]
}

#[component]
fn FilterForm(
    filters: Filters,
    query: Memo<QueueQuery>,
    errors: RwSignal<Vec<InvalidAnswer>>,
) -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    let navigate = use_navigate();
    let services = api::list_services();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = filters.query(&query.get_untracked());
        let me = staff.me().map(|m| m.username).unwrap_or_default();
        // The same rule the server applies, before asking it.
        if let Err(problems) = wanted.validate(&me) {
            return errors.set(problems);
        }
        errors.set(Vec::new());
        navigate(
            &address(&wanted),
            NavigateOptions {
                resolve: false,
                ..Default::default()
            },
        );
    };
    let l = move || locale.locale.get();
    let services = Signal::derive(move || {
        services.with(|s| match s {
            Some(Ok(s)) => service_options(s, l()),
            _ => service_options(&[], l()),
        })
    });
    let filtered = move || !query.with(|q| q.pairs().is_empty());
    view! {
        <details class="disclosure" open=filtered>
            <summary>{tr(|t| t.staff.filter_requests)}</summary>
            <form class="filters" novalidate on:submit=submit>
                <SelectField name="status" label=|t| t.staff.status value=filters.status errors options=Signal::derive(move || status_options(l()))/>
                <SelectField name="service" label=|t| t.staff.service value=filters.service errors options=services/>
                <SelectField name="assignee" label=|t| t.staff.assigned_to value=filters.assignee errors options=Signal::derive(move || assignee_options(l()))/>
                <div class="field checkboxes">
                    <Checkbox name="overdue" label=|t| t.staff.overdue_only checked=filters.overdue errors/>
                    <Checkbox name="due_soon" label=|t| t.staff.due_soon_only checked=filters.due_soon errors/>
                </div>
                <TextField name="from" label=|t| t.staff.filed_from value=filters.from errors kind="date"/>
                <TextField name="to" label=|t| t.staff.filed_until value=filters.to errors kind="date"/>
                <TextField name="q" label=|t| t.staff.reference_prefix value=filters.q errors kind="search" dir="ltr"/>
                <div class="button-row">
                    <button type="submit" class="button">{tr(|t| t.staff.apply_filters)}</button>
                    <a href="/staff">{tr(|t| t.staff.clear_filters)}</a>
                </div>
            </form>
        </details>
    }
}

fn row(item: &QueueItem, l: Locale) -> impl IntoView {
    view! {
        <tr>
            <td dir="ltr"><a href=format!("/staff/requests/{}", item.reference)>{item.reference.grouped()}</a></td>
            <td>{item.service.name.get(l).to_owned()}</td>
            <td>{item.department.name.get(l).to_owned()}</td>
            <td><span class="tag">{item.status.label(l)}</span></td>
            <td>{format_moment(&item.submitted_at, l)}</td>
            <td>{format_day(item.due_on, l)}{deadline_tags(item.overdue, item.due_soon, l)}</td>
            <td>{item.assignee.clone().unwrap_or_else(|| "—".into())}</td>
        </tr>
    }
}

/// The counts, the table, and the links to the next page and the CSV.
fn results(page: &Page, query: &QueueQuery, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let counts = (!page.counts.is_empty()).then(|| {
        let items = page
            .counts
            .iter()
            .map(|c| {
                let href = format!("/staff?status={}", c.status.code());
                view! { <li><a href=href>{format!("{}: {}", c.status.label(l), c.count)}</a></li> }
            })
            .collect_view();
        view! { <h2>{t.by_status}</h2><ul class="counts">{items}</ul> }
    });
    let table = if page.items.is_empty() {
        view! { <p>{t.no_matches}</p> }.into_any()
    } else {
        let rows = page.items.iter().map(|i| row(i, l)).collect_view();
        let head = [
            t.reference,
            t.service,
            t.department,
            t.status,
            t.filed,
            t.due,
            t.assigned_to,
        ]
        .into_iter()
        .map(|h| view! { <th scope="col">{h}</th> })
        .collect_view();
        view! {
            <div class="table-scroll" role="region" aria-labelledby="queue-caption" tabindex="0">
                <table class="queue">
                    <caption id="queue-caption">{t.queue_caption}</caption>
                    <thead><tr>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let mut first = query.clone();
    first.after = None;
    let next = page.next.clone().map(|after| {
        let mut next = first.clone();
        next.after = Some(after);
        view! { <a href=address(&next)>{t.next_page}</a> }
    });
    let csv = format!("/api/v1/staff/requests.csv?{}", query_string(first.pairs()));
    view! {
        {counts}
        {table}
        <div class="button-row">
            {next}
            <a href=csv download="">{t.download_csv}</a>
        </div>
    }
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    let location = use_location();
    let query = Memo::new(move |_| {
        location
            .query
            .with(|q| QueueQuery::from_query(|k| q.get(k)))
    });
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let filters = Filters::new();
    // A query the browser already knows is wrong is not sent; its problems are shown.
    let checked = Memo::new(move |_| {
        let me = staff.me().map(|m| m.username).unwrap_or_default();
        query.with(|q| q.validate(&me).map(|_| q.clone()))
    });
    Effect::new(move |_| {
        filters.show(&query.get());
        errors.set(checked.get().err().unwrap_or_default());
    });
    let page = api::list_queue(Signal::derive(move || checked.get().ok()));
    Effect::new(move |_| {
        if let Some(Err(e)) = page.get() {
            if !staff.signed_out_by(&e) {
                errors.set(e.problems("status"));
            }
        }
    });
    view! {
        <PageHeading text=heading(|t| t.staff.queue_title) loading=Signal::derive(move || page.with(Option::is_none) && checked.with(Result::is_ok)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        <FilterForm filters query errors/>
        {move || {
            let l = locale.locale.get();
            page.with(|p| match p {
                Some(Ok(p)) => results(p, &query.get(), l).into_any(),
                None if checked.with(Result::is_ok) => view! { <Loading/> }.into_any(),
                _ => results(&Page { items: Vec::new(), next: None, counts: Vec::new() }, &query.get(), l).into_any(),
            })
        }}
    }
}
