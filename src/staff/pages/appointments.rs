//! A service's appointments day by day (`/staff/appointments?service=&date=`), for the
//! staff who work its requests: each slot of the day with its free places, who is coming
//! (linked to their request) and what they need, the day's counts, and the visit marked
//! kept or missed once its time has begun. Supervisors reach the service's hours from
//! here. A time is moved from its request's page.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::appointment::{
    parse_start, time_missing, AppointmentFigures, AppointmentStatus, DayView, TimeChoice,
    VisitMark,
};
use nafitha_domain::backoffice::StaffRequest;
use nafitha_domain::calendar::Date;
use nafitha_domain::{Locale, ReferenceNumber};

use super::super::api::{self, query_string};
use super::super::components::{desk_table, loaded, SelectField, TextField};
use super::super::use_staff;
use super::{heading, problem};
use crate::components::{ErrorSummary, PageHeading, SlotPicker};
use crate::dates::{format_day, format_moment};
use crate::i18n::{texts, tr};
use crate::state::{use_announcer, use_locale};

/// An appointment's status as staff read it.
pub fn status_label(status: AppointmentStatus, l: Locale) -> &'static str {
    let t = &texts(l).staff.visits;
    match status {
        AppointmentStatus::Booked => t.booked,
        AppointmentStatus::Kept => t.kept,
        AppointmentStatus::Cancelled => t.cancelled,
        AppointmentStatus::NoShow => t.no_show,
    }
}

/// Whether a time (RFC 3339) has begun: only then may its visit be marked.
pub fn has_begun(start: &str) -> bool {
    parse_start(start).is_some_and(|s| s <= js_sys::Date::now() as i64)
}

/// The day's address on this screen.
fn day_href(service: &str, date: Date) -> String {
    let date = date.to_string();
    format!(
        "/staff/appointments?{}",
        query_string([("service", service), ("date", date.as_str())])
    )
}

/// "Came" and "Did not come" for a booked visit whose time has begun; the day (or the
/// request) is loaded again once marked.
#[component]
pub fn MarkButtons(
    reference: ReferenceNumber,
    errors: RwSignal<Vec<InvalidAnswer>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let staff = use_staff();
    let locale = use_locale();
    let announcer = use_announcer();
    let busy = RwSignal::new(false);
    let mark = move |status: AppointmentStatus| {
        let reference = reference.clone();
        let lang = locale.locale.get_untracked();
        staff.submit(
            busy,
            errors,
            "status",
            async move { api::mark_visit(&reference, &VisitMark { status }, lang).await },
            move || {
                announcer.announce(texts(lang).staff.visits.marked.to_owned());
                on_done.run(());
            },
        );
    };
    let mark_kept = mark.clone();
    view! {
        <div class="slot-weeks">
            <button type="button" class="button button-secondary" disabled=move || busy.get()
                on:click=move |_| mark_kept(AppointmentStatus::Kept)>{tr(|t| t.staff.visits.came)}</button>
            <button type="button" class="button button-secondary" disabled=move || busy.get()
                on:click=move |_| mark(AppointmentStatus::NoShow)>{tr(|t| t.staff.visits.missed)}</button>
        </div>
    }
}

/// The day's counts, as a list of terms.
fn counts(day: &DayView, l: Locale) -> impl IntoView {
    let t = &texts(l).staff.visits;
    let c = day.counts;
    view! {
        <dl class="facts" aria-label=t.counts_caption>
            <div><dt>{t.booked}</dt><dd>{c.booked}</dd></div>
            <div><dt>{t.kept}</dt><dd>{c.kept}</dd></div>
            <div><dt>{t.no_show}</dt><dd>{c.no_show}</dd></div>
            <div><dt>{t.cancelled}</dt><dd>{c.cancelled}</dd></div>
        </dl>
    }
}

/// The last 30 days' counts of each appointment service (supervisors).
fn figures(all: &[AppointmentFigures], l: Locale) -> impl IntoView {
    let t = &texts(l).staff.visits;
    let rows = all
        .iter()
        .map(|f| {
            let c = f.counts;
            view! {
                <tr>
                    <th scope="row">{f.service_name.get(l).to_owned()}</th>
                    <td>{c.booked}</td>
                    <td>{c.kept}</td>
                    <td>{c.no_show}</td>
                    <td>{c.cancelled}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{t.figures_title}</h2>
        {desk_table(
            "figures-caption",
            t.figures_caption,
            &[t.service, t.booked, t.kept, t.no_show, t.cancelled],
            rows,
        )}
    }
}

/// Every slot of the day: a row per visitor (or one saying nobody booked).
fn visits(
    day: &DayView,
    errors: RwSignal<Vec<InvalidAnswer>>,
    reload: Callback<()>,
    l: Locale,
) -> impl IntoView {
    let t = &texts(l).staff.visits;
    let rows = day
        .slots
        .iter()
        .flat_map(|slot| {
            let time = format!(
                "{}–{}",
                slot.start.get(11..16).unwrap_or_default(),
                slot.end.get(11..16).unwrap_or_default()
            );
            let taken = u16::try_from(slot.visits.len()).unwrap_or(u16::MAX);
            let free = (t.free)(slot.capacity.saturating_sub(taken));
            // Each row is headed by its slot's time (a visitor's row read alone says when).
            let when = move || {
                let (time, free) = (time.clone(), free.clone());
                view! {
                    <th scope="row"><bdi dir="ltr">{time}</bdi><br/><span class="hint">{free}</span></th>
                }
            };
            if slot.visits.is_empty() {
                return vec![view! {
                    <tr>{when()}<td colspan="3">{t.no_visits}</td></tr>
                }
                .into_any()];
            }
            let begun = has_begun(&slot.start);
            slot.visits
                .iter()
                .map(|v| {
                    let href = format!("/staff/requests/{}", v.reference);
                    let marks = (v.status == AppointmentStatus::Booked && begun).then(|| {
                        view! { <MarkButtons reference=v.reference.clone() errors on_done=reload/> }
                    });
                    let state = if v.status == AppointmentStatus::Booked && !begun {
                        t.not_yet
                    } else {
                        status_label(v.status, l)
                    };
                    view! {
                        <tr>
                            {when()}
                            <td>{v.name.clone()}<br/><a href=href dir="ltr">{v.reference.grouped()}</a></td>
                            <td>{v.needs.clone().unwrap_or_default()}</td>
                            <td>{state}{marks}</td>
                        </tr>
                    }
                    .into_any()
                })
                .collect::<Vec<_>>()
        })
        .collect_view();
    desk_table(
        "visits-caption",
        t.visits_caption,
        &[t.time, t.visitor, t.needs, t.attendance],
        rows,
    )
}

#[component]
pub fn AppointmentsPage() -> impl IntoView {
    let staff = use_staff();
    let locale = use_locale();
    let location = use_location();
    let navigate = use_navigate();
    let me = staff.me_untracked();
    let services = me
        .as_ref()
        .map(|m| m.appointment_services.clone())
        .unwrap_or_default();
    let supervises = me.is_some_and(|m| m.role.supervises());
    let first = services.first().map(|s| s.code.clone());
    let today = crate::dates::today();
    let query = Memo::new(move |_| {
        location.query.with(|q| {
            let service = q
                .get("service")
                .filter(|s| !s.is_empty())
                .or_else(|| first.clone())?;
            let date = q.get("date").and_then(|d| Date::parse(&d)).unwrap_or(today);
            Some((service, date))
        })
    });
    let day = api::get_day(query);
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let service = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some((s, d)) = query.get() {
            service.set(s);
            date.set(d.to_string());
        }
    });
    let options = {
        let services = services.clone();
        Signal::derive(move || {
            let l = locale.locale.get();
            services
                .iter()
                .map(|s| (s.code.clone(), s.name.get(l).to_owned()))
                .collect::<Vec<_>>()
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(day) = Date::parse(date.get_untracked().trim()) else {
            return errors.set(vec![problem("date", |t| {
                t.staff.visits.date_hint.to_owned()
            })]);
        };
        errors.set(Vec::new());
        navigate(
            &day_href(&service.get_untracked(), day),
            NavigateOptions {
                resolve: false,
                ..Default::default()
            },
        );
    };
    let reload = Callback::new(move |()| day.refetch());
    let body = loaded(
        day,
        |t| t.staff.visits.none,
        move |d: &DayView, l| {
            let t = &texts(l).staff.visits;
            let availability = format!("/staff/appointments/{}/availability", d.service_code);
            view! {
                <h2 id="day-title">{format_day(d.date, l)}</h2>
                <ul class="downloads">
                    <li><a href=day_href(&d.service_code, d.date.add_days(-1))>{t.previous_day}</a></li>
                    <li><a href=day_href(&d.service_code, d.date.add_days(1))>{t.next_day}</a></li>
                    {supervises.then(|| view! { <li><a href=availability>{t.availability_link}</a></li> })}
                </ul>
                {counts(d, l)}
                {visits(d, errors, reload, l)}
            }
        },
    );
    let has_services = !services.is_empty();
    let period = api::get_appointment_figures(supervises && has_services);
    let period = move || {
        let l = locale.locale.get();
        period.with(|p| match p {
            Some(Ok(all)) => Some(figures(all, l)),
            _ => None,
        })
    };
    view! {
        <PageHeading text=heading(|t| t.staff.visits.title) loading=Signal::derive(move || has_services && day.with(Option::is_none)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        {if has_services {
            view! {
                <form class="filters" on:submit=submit novalidate>
                    <SelectField name="service" label=|t| t.staff.visits.service value=service options errors/>
                    <TextField name="date" label=|t| t.staff.visits.date value=date errors kind="date" hint=|t| t.staff.visits.date_hint/>
                    <button type="submit" class="button button-secondary">{tr(|t| t.staff.visits.show)}</button>
                </form>
                {body}
                {period}
            }
            .into_any()
        } else {
            view! { <p>{tr(|t| t.staff.visits.none)}</p> }.into_any()
        }}
    }
}

/// A request's appointment on its page: when, where, its status and the visitor's needs;
/// staff move it to another free time (the applicant is told by SMS) while it is booked
/// and the request open, and mark the visit once it has begun.
#[component]
pub fn RequestAppointment(
    request: StaffRequest,
    errors: RwSignal<Vec<InvalidAnswer>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let staff = use_staff();
    let locale = use_locale();
    let announcer = use_announcer();
    let l = locale.locale.get_untracked();
    let t = &texts(l).staff.visits;
    let detail = &request.detail.request;
    let Some(booked) = request
        .detail
        .appointment
        .as_ref()
        .and_then(|a| a.booked.clone())
    else {
        return ().into_any();
    };
    let reference = detail.reference.clone();
    let open = booked.status == AppointmentStatus::Booked;
    let begun = has_begun(&booked.start);
    let movable = open && !detail.status.is_finished();
    let chosen = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let move_to = {
        let reference = reference.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let lang = locale.locale.get_untracked();
            let Some(start) = chosen.get_untracked() else {
                return errors.set(vec![time_missing()]);
            };
            let reference = reference.clone();
            let choice = TimeChoice { start, needs: None };
            staff.submit(
                busy,
                errors,
                "appointment.start",
                async move { api::move_time(&reference, &choice, lang).await },
                move || {
                    announcer.announce(texts(lang).staff.visits.moved.to_owned());
                    on_done.run(());
                },
            );
        }
    };
    let error = Signal::derive(move || {
        errors.with(|e| e.iter().find(|e| e.field == "appointment.start").cloned())
    });
    let venue = match (&booked.video_link, &booked.place) {
        (Some(link), _) => Some(view! {
            <div><dt>{t.video_link}</dt><dd><a href=link.clone() dir="ltr">{link.clone()}</a></dd></div>
        }.into_any()),
        (None, Some(place)) => Some(view! {
            <div><dt>{t.place}</dt><dd>{place.get(l).to_owned()}</dd></div>
        }.into_any()),
        _ => None,
    };
    view! {
        <h2 id="appointment-title">{t.appointment}</h2>
        <dl class="facts" aria-labelledby="appointment-title">
            <div><dt>{t.when}</dt><dd>{format_moment(&booked.start, l)}</dd></div>
            <div><dt>{t.status}</dt><dd><strong class="tag">{status_label(booked.status, l)}</strong></dd></div>
            {venue}
            {booked.needs.clone().map(|n| view! { <div><dt>{t.needs}</dt><dd>{n}</dd></div> })}
        </dl>
        {(open && begun).then(|| view! { <MarkButtons reference=reference.clone() errors on_done/> })}
        {movable.then(|| view! {
            <form on:submit=move_to novalidate>
                <h3>{t.move_title}</h3>
                <SlotPicker code=detail.service.code.clone() chosen error/>
                <button type="submit" class="button" disabled=move || busy.get()>{t.move_button}</button>
            </form>
        })}
    }
    .into_any()
}
