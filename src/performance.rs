//! The performance figures as HTML and SVG, shared by the public page (`/performance`) and
//! the supervisors' view (`/staff/performance`). Written with `maud` (every value escaped)
//! into one element, like the back office (docs/decisions/0003), to keep the WASM small.
//! Each chart is an SVG drawn here from integers, followed by a table with the same numbers;
//! in Arabic the charts run right to left (bars grow from the right, oldest week rightmost).

use leptos::prelude::*;
use maud::{html, Markup};
use nafitha_domain::rating::satisfaction_label;
use nafitha_domain::stats::{
    AgencyFigures, Figures, Period, Satisfaction, ScopeFigures, Stats, WeekFigures,
};
use nafitha_domain::Locale;

use crate::api;
use crate::components::PageHeading;
use crate::i18n::say;
use crate::router::use_location;
use crate::state::use_locale;

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

fn share(p: Option<u64>) -> String {
    p.map(|p| format!("{p}%")).unwrap_or_else(|| "–".into())
}

fn days(d: Option<u32>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "–".into())
}

/// The average out of 5, or "not enough ratings".
pub fn average(s: &Satisfaction, l: Locale) -> String {
    match s.average_tenths() {
        Some(t) => format!("{} / 5", tenths(t)),
        None => say(l, "لا توجد تقييمات كافية", "Not enough ratings").into(),
    }
}

/// Labelled horizontal bars: each row a label above its bar, the value after it. A full
/// bar is `full` (100 for percentages), or the largest value when `full` is 0.
fn bars(label: &str, rows: &[(String, u64, String)], full: u64, l: Locale) -> Markup {
    let max = if full > 0 {
        full
    } else {
        rows.iter().map(|r| r.1).max().unwrap_or(0).max(1)
    };
    let h = rows.len() as i64 * 40 + 4;
    html! {
        svg.chart role="img" aria-label=(label) viewBox={ "0 0 " (W) " " (h) } {
            @for (i, (name, value, shown)) in rows.iter().enumerate() {
                @let y = i as i64 * 40;
                @let len = (*value as i64 * (W - 60) / max as i64).max(1);
                text x=(x(2, 0, l)) y=(y + 14) { (name) }
                rect.bar-a x=(x(2, len, l)) y=(y + 20) width=(len) height="14" {}
                text x=(x(len + 8, 0, l)) y=(y + 32) { (shown) }
            }
        }
    }
}

/// The key figures of one scope.
pub fn summary(f: &Figures, l: Locale) -> Markup {
    html! {
        dl.figures {
            div { dt { (say(l, "الطلبات المستلمة", "Requests received")) } dd { (f.received) } }
            div { dt { (say(l, "قيد المعالجة", "In progress")) } dd { (f.in_progress) } }
            div { dt { (say(l, "المعالجة", "Resolved")) } dd { (f.resolved) } }
            div { dt { (say(l, "المعالجة في موعدها", "Resolved within the promised time")) } dd { (share(f.within_sla_percent())) } }
            div { dt { (say(l, "مدة المعالجة (الوسيط)", "Time to resolve (median)")) } dd { (days(f.median_days)) " " (say(l, "يوم عمل", "working days")) } }
            div { dt { (say(l, "مدة المعالجة لـ 90٪ من الطلبات", "Time to resolve 90% of requests")) } dd { (days(f.p90_days)) " " (say(l, "يوم عمل", "working days")) } }
            div { dt { (say(l, "متوسط الرضا", "Average satisfaction")) } dd { (average(&f.satisfaction, l)) } }
            div { dt { (say(l, "المقدمة إلكترونيًا", "Filed online")) } dd { (share(f.online_percent())) } }
        }
    }
}

/// The five answers' counts as bars and as a table.
pub fn satisfaction(s: &Satisfaction, id: &str, l: Locale) -> Markup {
    let caption = say(
        l,
        "إجابات سؤال الرضا",
        "Answers to the satisfaction question",
    );
    let rows: Vec<(String, u64, String)> = (1..=5u8)
        .rev()
        .map(|score| {
            let n = s.distribution[usize::from(score) - 1];
            (satisfaction_label(score, l).to_owned(), n, n.to_string())
        })
        .collect();
    html! {
        h3 { (caption) " (" (s.count) " " (say(l, "تقييم", "ratings")) ")" }
        (bars(caption, &rows, 0, l))
        (table(id, caption, &[say(l, "الإجابة", "Answer"), say(l, "عدد التقييمات", "Ratings")], rows.iter().map(|r| vec![r.0.clone(), r.2.clone()])))
    }
}

/// A table with a caption, in a region that scrolls sideways on narrow screens.
pub fn table(
    id: &str,
    caption: &str,
    head: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Markup {
    html! {
        div.table-scroll role="region" aria-labelledby=(id) tabindex="0" {
            table {
                caption id=(id) { (caption) }
                thead { tr { @for h in head { th scope="col" { (h) } } } }
                tbody {
                    @for row in rows {
                        tr {
                            @for (i, cell) in row.iter().enumerate() {
                                @if i == 0 { th scope="row" { (cell) } } @else { td { (cell) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The last 12 weeks: received and resolved side by side, then the table.
pub fn trend(weeks: &[WeekFigures], l: Locale) -> Markup {
    let caption = say(l, "آخر 12 أسبوعًا", "The last 12 weeks");
    let max = weeks
        .iter()
        .map(|w| w.received.max(w.resolved))
        .max()
        .unwrap_or(0)
        .max(1) as i64;
    let bar = |v: u64| (v as i64 * 150 / max).max(1);
    html! {
        h3 { (caption) }
        svg.chart role="img" aria-label=(caption) viewBox={ "0 0 " (W) " 160" } {
            @for (i, w) in weeks.iter().enumerate() {
                @let at = i as i64 * 26 + 4;
                rect.bar-a x=(x(at, 10, l)) y=(158 - bar(w.received)) width="10" height=(bar(w.received)) {}
                rect.bar-b x=(x(at + 11, 10, l)) y=(158 - bar(w.resolved)) width="10" height=(bar(w.resolved)) {}
            }
        }
        p.legend aria-hidden="true" {
            span.key-a {} (say(l, "المستلمة", "Received")) " "
            span.key-b {} (say(l, "المعالجة", "Resolved"))
        }
        (table("trend-table", caption,
            &[say(l, "الأسبوع الذي يبدأ", "Week starting"), say(l, "المستلمة", "Received"), say(l, "المعالجة", "Resolved")],
            weeks.iter().map(|w| vec![crate::dates::format_date(w.week, l), w.received.to_string(), w.resolved.to_string()])))
    }
}

/// Every figure per service (or agency), one row each.
pub fn scope_table(id: &str, caption: &str, rows: &[ScopeFigures], l: Locale) -> Markup {
    table(
        id,
        caption,
        &[
            say(l, "الاسم", "Name"),
            say(l, "المستلمة", "Received"),
            say(l, "قيد المعالجة", "In progress"),
            say(l, "المعالجة", "Resolved"),
            say(l, "في موعدها", "Within time"),
            say(l, "الوسيط (أيام عمل)", "Median (working days)"),
            say(l, "90٪ خلال (أيام عمل)", "90% within (working days)"),
            say(l, "متوسط الرضا", "Average satisfaction"),
            say(l, "التقييمات", "Ratings"),
            say(l, "إلكترونيًا", "Online"),
        ],
        rows.iter().map(|r| {
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
        }),
    )
}

/// Links to the three periods, the current one marked.
pub fn periods(current: Period, base: &str, l: Locale) -> Markup {
    html! {
        nav.periods aria-label=(say(l, "الفترة", "Period")) {
            ul {
                @for p in Period::ALL {
                    li {
                        a href={ (base) "period=" (p.code()) } aria-current=[(p == current).then_some("page")] { (p.label(l)) }
                    }
                }
            }
        }
    }
}

fn agency_section(a: &AgencyFigures, l: Locale) -> Markup {
    html! {
        section.agency aria-labelledby={ "agency-" (a.code) } {
            h2 id={ "agency-" (a.code) } { (a.name.get(l)) }
            (summary(&a.figures, l))
            (scope_table(&format!("services-{}", a.code), &format!("{} {}", say(l, "خدمات", "Services of"), a.name.get(l)), &a.services, l))
        }
    }
}

fn public_view(s: &Stats, l: Locale) -> Markup {
    let agencies: Vec<ScopeFigures> = s
        .agencies
        .iter()
        .map(|a| ScopeFigures {
            code: a.code.clone(),
            name: a.name.clone(),
            figures: a.figures.clone(),
        })
        .collect();
    let on_time = say(
        l,
        "المعالجة في موعدها حسب الجهة",
        "Resolved within the promised time, by agency",
    );
    let rows: Vec<(String, u64, String)> = agencies
        .iter()
        .map(|a| {
            let p = a.figures.within_sla_percent();
            (a.name.get(l).to_owned(), p.unwrap_or(0), share(p))
        })
        .collect();
    html! {
        (periods(s.period, "/performance?", l))
        p.hint { (say(l,
            "أرقام البوابة كلها. المستلمة: الطلبات المقدمة في الفترة، وقيد المعالجة منها ما زال مفتوحًا. المعالجة ومددها: ما عولج في الفترة، بأيام العمل (من الأحد إلى الخميس). الرضا: التقييمات المقدمة في الفترة، ولا يظهر المتوسط قبل 5 تقييمات.",
            "For the whole portal. Received: requests filed in the period; in progress: those still open. Resolved and times: requests resolved in the period, in working days (Sunday to Thursday). Satisfaction: ratings given in the period; no average is shown below 5 ratings.")) }
        section aria-labelledby="portal-heading" {
            h2 #portal-heading { (say(l, "البوابة", "The portal")) }
            (summary(&s.portal, l))
            (satisfaction(&s.portal.satisfaction, "portal-satisfaction", l))
            (trend(&s.trend, l))
        }
        section aria-labelledby="agencies-heading" {
            h2 #agencies-heading { (say(l, "الجهات", "Agencies")) }
            h3 { (on_time) }
            (bars(on_time, &rows, 100, l))
            (scope_table("agencies-table", say(l, "أرقام كل جهة", "Each agency's figures"), &agencies, l))
        }
        @for a in &s.agencies { (agency_section(a, l)) }
    }
}

/// `/performance`: the public figures for a period (`?period=30d|12m|all`).
#[component]
pub fn PerformancePage() -> AnyView {
    let locale = use_locale();
    let location = use_location();
    let stats = api::load::<Stats>(move || {
        let period =
            crate::router::query_value(&location.search.get(), "period").unwrap_or_default();
        Some(format!(
            "/api/v1/stats?period={}",
            String::from(js_sys::encode_uri_component(&period))
        ))
    });
    let body = Memo::new(move |_| {
        let l = locale.locale.get();
        stats
            .with(|s| match s {
                None => html! { p.loading role="status" { (say(l, "جارٍ التحميل…", "Loading…")) } },
                Some(Ok(s)) => public_view(s, l),
                Some(Err(e)) => html! {
                    (periods(Period::default(), "/performance?", l))
                    p.notice role="alert" { (e.message(l)) }
                },
            })
            .into_string()
    });
    let heading = Signal::derive(move || {
        say(locale.locale.get(), "أداء الجهات", "How agencies perform").to_owned()
    });
    view! {
        <div class="performance">
            <PageHeading text=heading loading=Signal::derive(move || stats.with(Option::is_none))/>
            <div inner_html=body></div>
        </div>
    }
    .into_any()
}
