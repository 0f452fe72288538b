//! Where a request stands, as anyone holding its reference sees it: its facts (stage,
//! service, agency, department, dates, overdue) and its public history. The citizens'
//! tracking, confirmation and request pages and the back office's look-up show it alike.
//! Offline, the citizens' pages show the answer this device kept, and say since when.

use leptos::prelude::*;
use nafitha_domain::filing::{TimelineEntry, TrackedRequest};
use nafitha_domain::Locale;

use crate::dates::{format_day, format_moment};
use crate::i18n::texts;

/// The facts of a tracked request.
pub fn request_facts(request: &TrackedRequest, locale: Locale) -> impl IntoView {
    let t = &texts(locale).track;
    let overdue = request
        .overdue
        .then(|| view! { " " <strong class="tag tag-warning">{t.overdue}</strong> });
    view! {
        <dl class="facts">
            <div><dt>{t.reference_label}</dt><dd dir="ltr" class="reference">{request.reference.grouped()}</dd></div>
            <div><dt>{t.status_label}</dt><dd><strong class="tag">{request.status.label(locale)}</strong></dd></div>
            <div><dt>{t.service_label}</dt><dd>{request.service.name.get(locale).to_owned()}</dd></div>
            <div><dt>{t.agency}</dt><dd>{request.agency.name.get(locale).to_owned()}</dd></div>
            <div><dt>{t.department}</dt><dd>{request.department.name.get(locale).to_owned()}</dd></div>
            <div><dt>{t.submitted_on}</dt><dd>{format_moment(&request.submitted_at, locale)}</dd></div>
            <div><dt>{t.expected_by}</dt><dd>{format_day(request.due_on, locale)}{overdue}</dd></div>
        </dl>
    }
}

/// The public history, newest first, each step by its title ("Received by phone", "The
/// citizen called", or the stage it moved to), for an `<ol class="timeline">`.
pub fn timeline_entries(timeline: &[TimelineEntry], locale: Locale) -> impl IntoView {
    timeline
        .iter()
        .rev()
        .map(|e| {
            view! {
                <li>
                    <strong>{e.title(locale)}</strong>
                    <span class="timeline-meta">{e.department.name.get(locale).to_owned()} " · " {format_moment(&e.at, locale)}</span>
                </li>
            }
        })
        .collect_view()
}

/// Above a tracked request shown from the device while offline (`since`: when it arrived,
/// [`crate::api::load_kept`]): what it is and from when, and a way to try again. Nothing
/// while the request shown is fresh.
#[cfg(not(feature = "backoffice"))]
pub fn kept_notice(since: ReadSignal<Option<u64>>, on_retry: Callback<()>) -> impl IntoView {
    let locale = crate::state::use_locale();
    move || {
        since.get().map(|at| {
            let l = locale.locale.get();
            let t = texts(l);
            view! {
                <div class="notice notice-warning" role="status">
                    <p>{t.citizen.tracked_kept} " " {crate::dates::format_epoch_ms(at, l)} "."</p>
                    <button type="button" class="button button-secondary" on:click=move |_| on_retry.run(())>
                        {t.try_again}
                    </button>
                </div>
            }
        })
    }
}
