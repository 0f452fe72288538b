//! When an appointment service receives (`/staff/appointments/{code}/availability`,
//! supervisors and admins): how the applicant gets a time, in person (where) or by video
//! call, the hours of each working day, the slot length and capacity, how far ahead and
//! how late one may book, and the closed days. Checked by `Availability::validate` here
//! and again by the server; booked appointments stay as they are.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::appointment::{
    format_clock, parse_clock, Availability, BookingMode, Hours, WORKING_DAYS,
};
use nafitha_domain::calendar::Date;
use nafitha_domain::Localized;

use super::super::api;
use super::super::components::{loaded, Checkbox, Radios, TextArea, TextField};
use super::super::use_staff;
use super::{heading, problem};
use crate::components::{ErrorSummary, PageHeading};
use crate::i18n::{texts, tr};
use crate::state::{use_announcer, use_locale};

/// The inputs' names of each working day's hours (the domain names a day's problem
/// `week.{i}`, so the opening time carries it).
const OPENS: [&str; WORKING_DAYS] = ["week.0", "week.1", "week.2", "week.3", "week.4"];
const CLOSES: [&str; WORKING_DAYS] = [
    "week.0.closes",
    "week.1.closes",
    "week.2.closes",
    "week.3.closes",
    "week.4.closes",
];

/// The editor's inputs, one signal each.
#[derive(Clone, Copy)]
struct Draft {
    mode: RwSignal<String>,
    video: RwSignal<bool>,
    place_ar: RwSignal<String>,
    place_en: RwSignal<String>,
    opens: [RwSignal<String>; WORKING_DAYS],
    closes: [RwSignal<String>; WORKING_DAYS],
    slot_minutes: RwSignal<String>,
    capacity: RwSignal<String>,
    horizon_days: RwSignal<String>,
    lead_hours: RwSignal<String>,
    /// One date a line.
    closures: RwSignal<String>,
    busy: RwSignal<bool>,
}

impl Draft {
    fn new() -> Draft {
        let text = || RwSignal::new(String::new());
        Draft {
            mode: text(),
            video: RwSignal::new(false),
            place_ar: text(),
            place_en: text(),
            opens: std::array::from_fn(|_| text()),
            closes: std::array::from_fn(|_| text()),
            slot_minutes: text(),
            capacity: text(),
            horizon_days: text(),
            lead_hours: text(),
            closures: text(),
            busy: RwSignal::new(false),
        }
    }

    /// Shows the availability as stored.
    fn fill(&self, a: &Availability) {
        let mode = match a.mode {
            BookingMode::WhileFiling => "while_filing",
            BookingMode::AfterReview => "after_review",
        };
        self.mode.set(mode.to_owned());
        self.video.set(a.video);
        let place = a.place.clone().unwrap_or_default();
        self.place_ar.set(place.ar);
        self.place_en.set(place.en);
        for (i, hours) in a.week.iter().enumerate() {
            self.opens[i].set(hours.map(|h| format_clock(h.opens)).unwrap_or_default());
            self.closes[i].set(hours.map(|h| format_clock(h.closes)).unwrap_or_default());
        }
        self.slot_minutes.set(a.slot_minutes.to_string());
        self.capacity.set(a.capacity.to_string());
        self.horizon_days.set(a.horizon_days.to_string());
        self.lead_hours.set(a.lead_hours.to_string());
        let closures: Vec<String> = a.closures.iter().map(Date::to_string).collect();
        self.closures.set(closures.join("\n"));
    }

    /// The availability, or the problems with inputs that are not even of the right shape
    /// (a number or a time that is not one); `Availability::validate` checks the rest.
    fn availability(&self) -> Result<Availability, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let mut number = |field: &str, value: RwSignal<String>| {
            value
                .get_untracked()
                .trim()
                .parse::<u16>()
                .unwrap_or_else(|_| {
                    problems.push(problem(field, |t| t.staff.whole_number.to_owned()));
                    0
                })
        };
        let slot_minutes = number("slot_minutes", self.slot_minutes);
        let capacity = number("capacity", self.capacity);
        let horizon_days = number("horizon_days", self.horizon_days);
        let lead_hours = number("lead_hours", self.lead_hours);
        let mut week = [None; WORKING_DAYS];
        for (i, day) in week.iter_mut().enumerate() {
            let (opens, closes) = (
                self.opens[i].get_untracked(),
                self.closes[i].get_untracked(),
            );
            match (opens.trim(), closes.trim()) {
                ("", "") => {}
                (o, c) if o.is_empty() || c.is_empty() => {
                    problems.push(problem(OPENS[i], |t| t.staff.visits.both_times.to_owned()))
                }
                (o, c) => match (parse_clock(o), parse_clock(c)) {
                    (Some(opens), Some(closes)) => *day = Some(Hours { opens, closes }),
                    _ => problems.push(problem(OPENS[i], |t| t.staff.visits.not_a_time.to_owned())),
                },
            }
        }
        let mut closures = Vec::new();
        for line in self.closures.get_untracked().lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match Date::parse(line) {
                Some(day) => closures.push(day),
                None => problems.push(problem("closures", |t| {
                    format!("{} {line}", t.staff.visits.not_a_date)
                })),
            }
        }
        let video = self.video.get_untracked();
        let place = Localized::new(
            self.place_ar.get_untracked().trim(),
            self.place_en.get_untracked().trim(),
        );
        let place_given = !place.ar.is_empty() || !place.en.is_empty();
        let mut availability = Availability {
            mode: if self.mode.get_untracked() == "after_review" {
                BookingMode::AfterReview
            } else {
                BookingMode::WhileFiling
            },
            week,
            slot_minutes,
            capacity,
            horizon_days,
            lead_hours,
            closures,
            video,
            place: (place_given && !video).then_some(place),
        };
        availability.tidy_closures();
        if problems.is_empty() {
            availability.validate().map(|()| availability)
        } else {
            Err(problems)
        }
    }
}

#[component]
fn Editor(
    code: String,
    draft: Draft,
    errors: RwSignal<Vec<InvalidAnswer>>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let staff = use_staff();
    let day_view = format!("/staff/appointments?service={code}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let availability = match draft.availability() {
            Ok(a) => a,
            Err(problems) => return errors.set(problems),
        };
        let (lang, code) = (locale.locale.get_untracked(), code.clone());
        let change = async move { api::put_availability(&code, &availability, lang).await };
        staff.submit(draft.busy, errors, "slot_minutes", change, move || {
            announcer.announce(texts(lang).staff.visits.saved.to_owned());
            on_saved.try_run(());
        });
    };
    let modes = Signal::derive(move || {
        let t = &texts(locale.locale.get()).staff.visits;
        vec![
            ("while_filing".to_owned(), t.while_filing.to_owned()),
            ("after_review".to_owned(), t.after_review.to_owned()),
        ]
    });
    let days = (0..WORKING_DAYS)
        .map(|i| {
            let name = move || texts(locale.locale.get()).staff.visits.weekdays[i];
            view! {
                <fieldset class="form-group">
                    <legend class="label">{name}</legend>
                    <TextField name=OPENS[i] label=|t| t.staff.visits.opens value=draft.opens[i] errors kind="time"/>
                    <TextField name=CLOSES[i] label=|t| t.staff.visits.closes value=draft.closes[i] errors kind="time"/>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <p><a href=day_view>{tr(|t| t.staff.visits.title)}</a></p>
        <p>{tr(|t| t.staff.visits.kept_bookings)}</p>
        <form novalidate on:submit=submit>
            <Radios name="mode" label=|t| t.staff.visits.mode value=draft.mode options=modes errors/>
            <div class="field checkboxes">
                <Checkbox name="video" label=|t| t.staff.visits.video checked=draft.video errors/>
            </div>
            <TextField name="place" label=|t| t.staff.visits.place_ar value=draft.place_ar errors/>
            <TextField name="place_en" label=|t| t.staff.visits.place_en value=draft.place_en errors dir="ltr"/>
            <p class="hint" id="hours-hint">{tr(|t| t.staff.visits.hours_hint)}</p>
            {days}
            <TextField name="slot_minutes" label=|t| t.staff.visits.slot_minutes value=draft.slot_minutes errors kind="number"/>
            <TextField name="capacity" label=|t| t.staff.visits.capacity value=draft.capacity errors kind="number"/>
            <TextField name="horizon_days" label=|t| t.staff.visits.horizon_days value=draft.horizon_days errors kind="number"/>
            <TextField name="lead_hours" label=|t| t.staff.visits.lead_hours value=draft.lead_hours errors kind="number"/>
            <TextArea name="closures" label=|t| t.staff.visits.closures value=draft.closures errors rows=4 dir="ltr" hint=|t| t.staff.visits.closures_hint/>
            <button type="submit" class="button" disabled=draft.busy>{tr(|t| t.staff.visits.save)}</button>
        </form>
    }
}

#[component]
pub fn AvailabilityPage() -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    let params = use_params_map();
    let code = Memo::new(move |_| params.with(|p| p.get("code").unwrap_or_default()));
    let availability = api::get_availability(code);
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let draft = Draft::new();
    Effect::new(move |_| {
        availability.with(|a| {
            if let Some(Ok(a)) = a {
                draft.fill(a);
            }
        })
    });
    // The heading names the service (from the staff member's appointment services).
    let heading_text = heading(|t| t.staff.visits.availability_title);
    let title = Signal::derive(move || {
        let l = locale.locale.get();
        let name = staff.me().and_then(|me| {
            code.with(|c| {
                me.appointment_services
                    .iter()
                    .find(|s| s.code == *c)
                    .map(|s| s.name.get(l).to_owned())
            })
        });
        match name {
            Some(name) => format!("{}: {name}", heading_text.get()),
            None => heading_text.get(),
        }
    });
    let saved = Callback::new(move |()| availability.refetch());
    view! {
        <PageHeading text=title loading=Signal::derive(move || availability.with(Option::is_none)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        {loaded(availability, |t| t.staff.visits.none, move |_: &Availability, _| {
            view! { <Editor code=code.get_untracked() draft errors on_saved=saved/> }
        })}
    }
}
