//! Choosing an appointment time: the service's free times a week at a time, earliest
//! first, each day a group of radio buttons named by its date (Gregorian and Hijri). No
//! calendar widget or dragging: arrow keys move within a day, Tab to the next.

use leptos::either::Either;
use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::appointment::Slot;
use nafitha_domain::calendar::Date;

use crate::api;
use crate::dates::format_day;
use crate::i18n::tr;
use crate::state::use_locale;

/// Days shown at once.
const WEEK: i64 = 7;

#[component]
pub fn SlotPicker(
    /// The service whose times are shown.
    code: String,
    /// The chosen start (RFC 3339, Riyadh time), if any.
    chosen: RwSignal<Option<String>>,
    /// The problem with the choice, if any (`appointment.start`).
    #[prop(into)]
    error: Signal<Option<InvalidAnswer>>,
) -> impl IntoView {
    let locale = use_locale();
    let today = crate::dates::today();
    let from = RwSignal::new(today);
    let slots = api::list_slots(code, from);
    let error_text = move || {
        error
            .get()
            .map(|e| view! { <p class="field-error" id="field-appointment-start-error"><span class="visually-hidden">{tr(|t| t.error_prefix)}</span>{e.message.get(locale.locale.get()).to_owned()}</p> })
    };
    let days = move || {
        let l = locale.locale.get();
        match slots.get() {
            None => Either::Left(
                view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any(),
            ),
            Some(Err(e)) => Either::Left(
                view! { <p class="notice notice-warning" role="alert">{e.message(l)}</p> }
                    .into_any(),
            ),
            Some(Ok(list)) => {
                let mut by_day: Vec<(Date, Vec<Slot>)> = Vec::new();
                for slot in list.into_iter().filter(|s| s.free > 0) {
                    let Some(day) = Date::parse(&slot.start[..10.min(slot.start.len())]) else {
                        continue;
                    };
                    match by_day.last_mut() {
                        Some((d, slots)) if *d == day => slots.push(slot),
                        _ => by_day.push((day, vec![slot])),
                    }
                }
                if by_day.is_empty() {
                    return Either::Left(
                        view! { <p class="notice">{tr(|t| t.slots.no_times)}</p> }.into_any(),
                    );
                }
                Either::Right(
                    by_day
                        .into_iter()
                        .map(|(day, slots)| {
                            let legend = format_day(day, l);
                            let options = slots
                                .into_iter()
                                .map(|slot| {
                                    let id = format!("slot-{}", slot.start.replace([':', '+'], "-"));
                                    let start = slot.start.clone();
                                    let time = slot.start.get(11..16).unwrap_or_default().to_owned();
                                    let checked = {
                                        let start = start.clone();
                                        move || chosen.with(|c| c.as_deref() == Some(start.as_str()))
                                    };
                                    view! {
                                        <div class="choice">
                                            <input type="radio" name="appointment-start" id=id.clone() value=start.clone()
                                                prop:checked=checked
                                                on:change=move |_| chosen.set(Some(start.clone()))/>
                                            <label for=id><bdi dir="ltr">{time}</bdi></label>
                                        </div>
                                    }
                                })
                                .collect_view();
                            view! {
                                <fieldset class="slot-day">
                                    <legend>{legend}</legend>
                                    <div class="choices choices-inline">{options}</div>
                                </fieldset>
                            }
                        })
                        .collect_view()
                        .into_any(),
                )
            }
        }
    };
    let earlier = move |_| from.update(|d| *d = d.add_days(-WEEK).max(today));
    let later = move |_| from.update(|d| *d = d.add_days(WEEK));
    view! {
        <div class="form-group slot-picker" class:form-group-error=move || error.get().is_some() id="field-appointment-start">
            <p class="hint">{tr(|t| t.slots.times_hint)}</p>
            {error_text}
            <div aria-live="polite">{days}</div>
            <div class="slot-weeks">
                <button type="button" class="button button-secondary" disabled=move || from.get() <= today on:click=earlier>
                    {tr(|t| t.slots.earlier_times)}
                </button>
                <button type="button" class="button button-secondary" on:click=later>
                    {tr(|t| t.slots.later_times)}
                </button>
            </div>
        </div>
    }
}
