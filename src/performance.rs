//! The performance figures as views, shared by the public page (`/performance`, citizens'
//! app) and the supervisors' screen (`/staff/performance`, back office). Each chart is an
//! SVG drawn here from integers, followed by a table with the same numbers; in Arabic the
//! charts run right to left (bars grow from the right, oldest week rightmost).
//!
//! Every function renders for one language, with no reactive attribute inside: the page
//! calls it again when the language changes (static subtrees cost the WASM least).

use leptos::prelude::*;
use nafitha_domain::filing::Channel;
use nafitha_domain::rating::satisfaction_label;
use nafitha_domain::stats::{percent, Figures, Satisfaction, ScopeFigures, WeekFigures};
use nafitha_domain::Locale;

use crate::i18n::texts;

/// Chart width in SVG units (drawn to the width of the screen).
const W: i64 = 320;

/// `x` of a shape `width` wide at `pos` from the start side (the right in Arabic).
fn x(pos: i64, width: i64, l: Locale) -> i64 {
    match l {
        Locale::Ar => W - pos - width,
        Locale::En => pos,
    }
}

fn tenths(t: u64) -> String {
    format!("{}.{}", t / 10, t % 10)
}

pub fn share(p: Option<u64>) -> String {
    p.map(|p| format!("{p}%")).unwrap_or_else(|| "–".into())
}

fn days(d: Option<u32>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "–".into())
}

/// The average out of 5, or "not enough ratings".
pub fn average(s: &Satisfaction, l: Locale) -> String {
    match s.average_tenths() {
        Some(t) => format!("{} / 5", tenths(t)),
        None => texts(l).perf.not_enough_ratings.into(),
    }
}

/// Labelled horizontal bars: each row a label above its bar, the value after it. A full
/// bar is `full` (100 for percentages), or the largest value when `full` is 0.
fn bars(label: &str, rows: &[(String, u64, String)], full: u64, l: Locale) -> impl IntoView {
    let max = if full > 0 {
        full
    } else {
        rows.iter().map(|r| r.1).max().unwrap_or(0).max(1)
    };
    let h = rows.len() as i64 * 40 + 4;
    let shapes = rows
        .iter()
        .enumerate()
        .map(|(i, (name, value, shown))| {
            let y = i as i64 * 40;
            let len = (*value as i64 * (W - 60) / max as i64).max(1);
            view! {
                <text x=x(2, 0, l) y=y + 14>{name.clone()}</text>
                <rect class="bar-a" x=x(2, len, l) y=y + 20 width=len height="14"></rect>
                <text x=x(len + 8, 0, l) y=y + 32>{shown.clone()}</text>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" role="img" aria-label=label.to_owned() viewBox=format!("0 0 {W} {h}")>
            {shapes}
        </svg>
    }
}

/// The key figures of one scope; each value is named by its term (ids start `scope`), so
/// it can be found by name.
pub fn summary(f: &Figures, scope: &str, l: Locale) -> impl IntoView {
    let t = &texts(l).perf;
    let in_days = |d: Option<u32>| format!("{} {}", days(d), t.working_days);
    let rows = [
        (t.received, f.received.to_string()),
        (t.in_progress, f.in_progress.to_string()),
        (t.resolved, f.resolved.to_string()),
        (t.within_sla, share(f.within_sla_percent())),
        (t.median, in_days(f.median_days)),
        (t.p90, in_days(f.p90_days)),
        (t.average_satisfaction, average(&f.satisfaction, l)),
        (t.filed_online, share(f.online_percent())),
    ];
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, (term, value))| {
            let id = format!("{scope}-figure-{i}");
            view! { <div><dt id=id.clone()>{term}</dt><dd aria-labelledby=id>{value}</dd></div> }
        })
        .collect_view();
    view! { <dl class="figures">{rows}</dl> }
}

/// The five answers' counts as bars and as a table.
pub fn satisfaction(s: &Satisfaction, id: &str, l: Locale) -> impl IntoView {
    let t = &texts(l).perf;
    let rows: Vec<(String, u64, String)> = (1..=5u8)
        .rev()
        .map(|score| {
            let n = s.distribution[usize::from(score) - 1];
            (satisfaction_label(score, l).to_owned(), n, n.to_string())
        })
        .collect();
    view! {
        <h3>{format!("{} ({} {})", t.satisfaction_caption, s.count, t.ratings_counted)}</h3>
        {bars(t.satisfaction_caption, &rows, 0, l)}
        {table(id, t.satisfaction_caption, &[t.answer, t.ratings], rows.into_iter().map(|r| vec![r.0, r.2]).collect())}
    }
}

/// Requests received by each channel (the portal, partners' apps, and each channel staff
/// take requests through): how many, and their share of all received.
pub fn channels(f: &Figures, id: &str, l: Locale) -> impl IntoView {
    let t = &texts(l).perf;
    let rows = Channel::ALL
        .iter()
        .map(|c| {
            let n = f.channels.get(c).copied().unwrap_or(0);
            vec![
                c.label(l).to_owned(),
                n.to_string(),
                share(percent(n, f.received)),
            ]
        })
        .collect();
    view! {
        <h3>{t.by_channel}</h3>
        {table(id, t.by_channel, &[t.channel, t.received_short, t.share], rows)}
    }
}

/// A table with a caption, in a region that scrolls sideways on narrow screens; the first
/// cell of each row is its header.
pub fn table(
    id: &str,
    caption: &str,
    head: &[&'static str],
    rows: Vec<Vec<String>>,
) -> impl IntoView {
    let head = head
        .iter()
        .map(|h| view! { <th scope="col">{*h}</th> })
        .collect_view();
    let rows = rows
        .into_iter()
        .map(|row| {
            let cells = row
                .into_iter()
                .enumerate()
                .map(|(i, cell)| {
                    if i == 0 {
                        view! { <th scope="row">{cell}</th> }.into_any()
                    } else {
                        view! { <td>{cell}</td> }.into_any()
                    }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-labelledby=id.to_owned() tabindex="0">
            <table>
                <caption id=id.to_owned()>{caption.to_owned()}</caption>
                <thead><tr>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The last 12 weeks: received and resolved side by side, then the table.
pub fn trend(weeks: &[WeekFigures], l: Locale) -> impl IntoView {
    let t = &texts(l).perf;
    let max = weeks
        .iter()
        .map(|w| w.received.max(w.resolved))
        .max()
        .unwrap_or(0)
        .max(1) as i64;
    let bar = move |v: u64| (v as i64 * 150 / max).max(1);
    let shapes = weeks
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let at = i as i64 * 26 + 4;
            let (a, b) = (bar(w.received), bar(w.resolved));
            view! {
                <rect class="bar-a" x=x(at, 10, l) y=158 - a width="10" height=a></rect>
                <rect class="bar-b" x=x(at + 11, 10, l) y=158 - b width="10" height=b></rect>
            }
        })
        .collect_view();
    let rows = weeks
        .iter()
        .map(|w| {
            vec![
                crate::dates::format_date(w.week, l),
                w.received.to_string(),
                w.resolved.to_string(),
            ]
        })
        .collect();
    view! {
        <h3>{t.trend_caption}</h3>
        <svg class="chart" role="img" aria-label=t.trend_caption viewBox=format!("0 0 {W} 160")>
            {shapes}
        </svg>
        <p class="legend" aria-hidden="true">
            <span class="key-a"></span>{t.received_short}" "
            <span class="key-b"></span>{t.resolved_short}
        </p>
        {table("trend-table", t.trend_caption, &[t.week_starting, t.received_short, t.resolved_short], rows)}
    }
}

/// Every figure per service (or agency), one row each.
pub fn scope_table(id: &str, caption: &str, rows: &[ScopeFigures], l: Locale) -> impl IntoView {
    let t = &texts(l).perf;
    table(
        id,
        caption,
        &[
            t.name,
            t.received_short,
            t.in_progress,
            t.resolved_short,
            t.within_time,
            t.median_column,
            t.p90_column,
            t.average_satisfaction,
            t.ratings,
            t.online,
        ],
        rows.iter()
            .map(|r| {
                let f = &r.figures;
                vec![
                    r.name.get(l).to_owned(),
                    f.received.to_string(),
                    f.in_progress.to_string(),
                    f.resolved.to_string(),
                    share(f.within_sla_percent()),
                    days(f.median_days),
                    days(f.p90_days),
                    average(&f.satisfaction, l),
                    f.satisfaction.count.to_string(),
                    share(f.online_percent()),
                ]
            })
            .collect(),
    )
}

/// `/performance`: the public figures for a period (`?period=30d|12m|all`). Citizens' app.
#[cfg(not(feature = "backoffice"))]
pub use public::PerformancePage;

#[cfg(not(feature = "backoffice"))]
mod public {
    use leptos::prelude::*;
    use nafitha_domain::stats::{AgencyFigures, Period, ScopeFigures, Stats};
    use nafitha_domain::Locale;

    use super::{bars, channels, satisfaction, scope_table, share, summary, trend};
    use crate::api;
    use crate::components::PageHeading;
    use crate::i18n::{texts, tr};
    use crate::router::use_location;
    use crate::state::use_locale;

    /// Links to the three periods, the current one marked.
    fn periods(current: Period, l: Locale) -> impl IntoView {
        let links = Period::ALL
            .into_iter()
            .map(|p| {
                let href = format!("/performance?period={}", p.code());
                let current = (p == current).then_some("page");
                view! { <li><a href=href aria-current=current>{p.label(l)}</a></li> }
            })
            .collect_view();
        view! {
            <nav class="periods" aria-label=texts(l).perf.period>
                <ul>{links}</ul>
            </nav>
        }
    }

    fn agency_section(a: &AgencyFigures, l: Locale) -> impl IntoView {
        let heading = format!("agency-{}", a.code);
        let labelled_by = heading.clone();
        let figures = summary(&a.figures, &heading, l);
        let caption = (texts(l).citizen.perf_services_of)(a.name.get(l));
        view! {
            <section class="agency" aria-labelledby=labelled_by>
                <h2 id=heading>{a.name.get(l).to_owned()}</h2>
                {figures}
                {scope_table(&format!("services-{}", a.code), &caption, &a.services, l)}
            </section>
        }
    }

    fn public_view(s: &Stats, l: Locale) -> impl IntoView {
        let t = &texts(l).citizen;
        let agencies: Vec<ScopeFigures> = s
            .agencies
            .iter()
            .map(|a| ScopeFigures {
                code: a.code.clone(),
                name: a.name.clone(),
                figures: a.figures.clone(),
            })
            .collect();
        let rows: Vec<(String, u64, String)> = agencies
            .iter()
            .map(|a| {
                let p = a.figures.within_sla_percent();
                (a.name.get(l).to_owned(), p.unwrap_or(0), share(p))
            })
            .collect();
        let sections = s
            .agencies
            .iter()
            .map(|a| agency_section(a, l))
            .collect_view();
        view! {
            {periods(s.period, l)}
            <p class="hint">{t.perf_hint}</p>
            <section aria-labelledby="portal-heading">
                <h2 id="portal-heading">{t.perf_portal}</h2>
                {summary(&s.portal, "portal", l)}
                {channels(&s.portal, "portal-channels", l)}
                {satisfaction(&s.portal.satisfaction, "portal-satisfaction", l)}
                {trend(&s.trend, l)}
            </section>
            <section aria-labelledby="agencies-heading">
                <h2 id="agencies-heading">{t.perf_agencies}</h2>
                <h3>{t.perf_on_time_by_agency}</h3>
                {bars(t.perf_on_time_by_agency, &rows, 100, l)}
                {scope_table("agencies-table", t.perf_each_agency, &agencies, l)}
            </section>
            {sections}
        }
    }

    #[component]
    pub fn PerformancePage() -> AnyView {
        let locale = use_locale();
        let location = use_location();
        let stats = api::load::<Stats>(move || {
            let period =
                crate::router::query_value(&location.search.get(), "period").unwrap_or_default();
            Some(format!(
                "/api/v1/stats?period={}",
                crate::url::encode_component(&period)
            ))
        });
        let body = move || {
            let l = locale.locale.get();
            stats.with(|s| match s {
                None => {
                    view! { <p class="loading" role="status">{texts(l).loading}</p> }.into_any()
                }
                Some(Ok(s)) => public_view(s, l).into_any(),
                Some(Err(e)) => view! {
                    {periods(Period::default(), l)}
                    <p class="notice" role="alert">{e.message(l)}</p>
                }
                .into_any(),
            })
        };
        let title = tr(|t| t.citizen.perf_title);
        view! {
            <div class="performance">
                <PageHeading text=Signal::derive(move || title().to_owned()) loading=Signal::derive(move || stats.with(Option::is_none))/>
                {body}
            </div>
        }
        .into_any()
    }
}
