//! The agency's performance and ratings (`/staff/performance`, supervisors): the figures
//! the public sees, narrowed by period, department and service (kept in the address), the
//! applicants' comments without their identity, and both as CSV.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::rating::satisfaction_label;
use nafitha_domain::stats::{AgencyStats, Period, StatsQuery};
use nafitha_domain::{Locale, ServiceSummary};

use super::super::api::{self, query_string};
use super::super::components::{loaded, SelectField};
use crate::components::{ErrorSummary, PageHeading};
use crate::i18n::{texts, tr};
use crate::performance::{channels, satisfaction, scope_table, summary, table, trend};
use crate::state::use_locale;

/// The filter's inputs.
#[derive(Clone, Copy)]
struct Filters {
    period: RwSignal<String>,
    department: RwSignal<String>,
    service: RwSignal<String>,
}

fn nonempty(value: RwSignal<String>) -> Option<String> {
    Some(value.get_untracked()).filter(|v| !v.is_empty())
}

fn options(first: &str, rest: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), first.to_owned()))
        .chain(rest)
        .collect()
}

#[component]
fn FilterForm(
    filters: Filters,
    stats: Signal<Option<AgencyStats>>,
    services: Signal<Vec<ServiceSummary>>,
    errors: RwSignal<Vec<InvalidAnswer>>,
) -> impl IntoView {
    let locale = use_locale();
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = StatsQuery {
            period: nonempty(filters.period),
            department: nonempty(filters.department),
            service: nonempty(filters.service),
        };
        if let Err(problems) = query.validate() {
            return errors.set(problems);
        }
        errors.set(Vec::new());
        let to = format!("/staff/performance?{}", query_string(query.pairs()));
        navigate(
            &to,
            NavigateOptions {
                resolve: false,
                ..Default::default()
            },
        );
    };
    let l = move || locale.locale.get();
    let periods = Signal::derive(move || {
        Period::ALL
            .iter()
            .map(|p| (p.code().to_owned(), p.label(l()).to_owned()))
            .collect::<Vec<_>>()
    });
    let departments = Signal::derive(move || {
        let all = stats.with(|s| {
            s.as_ref()
                .map(|s| s.departments.clone())
                .unwrap_or_default()
        });
        options(
            texts(l()).staff.every_department,
            all.into_iter()
                .map(|d| (d.code, d.name.get(l()).to_owned())),
        )
    });
    let services = Signal::derive(move || {
        options(
            texts(l()).staff.every_service,
            services
                .get()
                .into_iter()
                .map(|s| (s.code, s.name.get(l()).to_owned())),
        )
    });
    view! {
        <form class="filters" novalidate on:submit=submit>
            <SelectField name="period" label=|t| t.perf.period value=filters.period options=periods errors/>
            <SelectField name="department" label=|t| t.staff.department value=filters.department options=departments errors/>
            <SelectField name="service" label=|t| t.staff.service value=filters.service options=services errors/>
            <div class="button-row"><button type="submit" class="button">{tr(|t| t.staff.show)}</button></div>
        </form>
    }
}

/// The comments, newest first, without who gave them.
fn comments(s: &AgencyStats, services: &[ServiceSummary], l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    if s.comments.is_empty() {
        return view! { <p>{t.no_comments}</p> }.into_any();
    }
    let service = |code: &str| {
        services
            .iter()
            .find(|s| s.code == code)
            .map_or_else(|| code.to_owned(), |s| s.name.get(l).to_owned())
    };
    let department = |code: &str| {
        s.departments
            .iter()
            .find(|d| d.code == code)
            .map_or_else(|| code.to_owned(), |d| d.name.get(l).to_owned())
    };
    let rows = s
        .comments
        .iter()
        .map(|c| {
            vec![
                crate::dates::format_date(c.rated_on, l),
                service(&c.service),
                department(&c.department),
                satisfaction_label(c.score, l).to_owned(),
                c.resolved.map(|r| r.label(l)).unwrap_or("–").to_owned(),
                c.comment.clone(),
            ]
        })
        .collect();
    let head = [
        t.date,
        t.service,
        t.department,
        t.satisfaction,
        t.resolved,
        t.comment,
    ];
    view! {
        {table("comments-caption", t.comments_caption, &head, rows)}
        {s.more_comments.then(|| view! { <p>{t.more_comments}</p> })}
    }
    .into_any()
}

fn figures(
    s: &AgencyStats,
    services: &[ServiceSummary],
    query: &StatsQuery,
    l: Locale,
) -> impl IntoView {
    let t = &texts(l).staff;
    let csv = |file: &str| {
        format!(
            "/api/v1/staff/stats/{file}.csv?{}",
            query_string(query.pairs())
        )
    };
    view! {
        <h2>{t.figures}</h2>
        {summary(&s.agency.figures, "agency", l)}
        {channels(&s.agency.figures, "agency-channels", l)}
        {satisfaction(&s.agency.figures.satisfaction, "agency-satisfaction", l)}
        {trend(&s.trend, l)}
        {scope_table("agency-services", t.services, &s.agency.services, l)}
        <h2>{t.comments_title}</h2>
        {comments(s, services, l)}
        <ul class="downloads">
            <li><a href=csv("comments") download="">{t.download_comments}</a></li>
            <li><a href=csv("services") download="">{t.download_services}</a></li>
        </ul>
    }
}

#[component]
pub fn PerformancePage() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let query = Memo::new(move |_| {
        location.query.with(|q| StatsQuery {
            period: q.get("period"),
            department: q.get("department"),
            service: q.get("service"),
        })
    });
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let filters = Filters {
        period: RwSignal::new(String::new()),
        department: RwSignal::new(String::new()),
        service: RwSignal::new(String::new()),
    };
    let stats = api::get_agency_stats(Signal::derive(move || Some(query.get())));
    let all_services = api::list_services();
    let ours = Signal::derive(move || {
        let agency = stats.with(|s| match s {
            Some(Ok(s)) => s.agency.code.clone(),
            _ => String::new(),
        });
        all_services.with(|s| match s {
            Some(Ok(s)) => s
                .iter()
                .filter(|s| s.agency.code == agency)
                .cloned()
                .collect(),
            _ => Vec::new(),
        })
    });
    // The form shows what the figures are for.
    Effect::new(move |_| {
        stats.with(|s| {
            if let Some(Ok(s)) = s {
                filters.period.set(s.period.code().to_owned());
                filters
                    .department
                    .set(s.department.clone().unwrap_or_default());
                filters.service.set(s.service.clone().unwrap_or_default());
            }
        })
    });
    let heading = Signal::derive(move || {
        let l = locale.locale.get();
        let t = &texts(l).staff;
        stats.with(|s| match s {
            Some(Ok(s)) => (t.performance_of)(s.agency.name.get(l)),
            _ => t.performance_title.to_owned(),
        })
    });
    let loaded_stats = Signal::derive(move || stats.with(|s| s.clone().and_then(Result::ok)));
    view! {
        <PageHeading text=heading loading=Signal::derive(move || stats.with(Option::is_none)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        <FilterForm filters stats=loaded_stats services=ours errors/>
        {loaded(stats, |t| t.staff.not_allowed, move |s: &AgencyStats, l| figures(s, &ours.get(), &query.get(), l))}
    }
}
