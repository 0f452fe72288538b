//! "Where is my request?" (`/staff/lookup`, intake): a citizen's requests by their mobile
//! number or by a reference, with the reason for looking, which the server records for
//! supervisors. Each request found shows what public tracking shows (never an internal
//! note: the API does not send them), and a form to record that the citizen got in touch.
//!
//! Nothing of the look-up goes in the address: it names a citizen, and a reload would
//! look again.

use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::filing::{Channel, TrackedRequest};
use nafitha_domain::intake::{assisted_channel, Enquiry, Lookup, LookupQuery};
use nafitha_domain::{Locale, ReferenceNumber};

use super::super::components::TextField;
use super::super::{api, use_staff};
use super::heading;
use crate::components::{request_facts, timeline_entries, ErrorSummary, PageHeading};
use crate::i18n::{texts, tr};
use crate::state::{use_announcer, use_locale};

/// "Record this contact": how the citizen got in touch about `reference`; the request
/// comes back with the note on its history and replaces its copy in `found` (no second
/// look-up, which the audit would count).
#[component]
fn EnquiryForm(reference: ReferenceNumber, found: RwSignal<Option<Lookup>>) -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let staff = use_staff();
    let channel = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let busy = RwSignal::new(false);
    // Ids of their own: several requests (and forms) may be on the screen.
    let id = format!("contact-{reference}");
    let error_id = format!("{id}-error");
    let radios = Channel::ASSISTED
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let radio = format!("{id}-{i}");
            view! {
                <div class="choice">
                    <input id=radio.clone() type="radio" name=id.clone() value=c.code()
                        prop:checked=move || channel.with(|v| v == c.code())
                        on:change=move |_| channel.set(c.code().to_owned())/>
                    <label for=radio>{move || c.label(locale.locale.get())}</label>
                </div>
            }
        })
        .collect_view();
    let grouped = reference.grouped();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let code = channel.get_untracked();
        if let Err(problems) = assisted_channel(&code) {
            return errors.set(problems);
        }
        let (lang, reference) = (locale.locale.get_untracked(), reference.clone());
        let heading = format!("found-{reference}");
        let change = async move {
            let noted = api::record_enquiry(&reference, &Enquiry { channel: code }, lang).await?;
            found.try_update(|f| {
                let shown = f.as_mut().map(|f| f.requests.iter_mut());
                if let Some(r) = shown
                    .into_iter()
                    .flatten()
                    .find(|r| r.reference == noted.reference)
                {
                    *r = noted;
                }
            });
            Ok(())
        };
        staff.submit(busy, errors, "channel", change, move || {
            channel.try_set(String::new());
            announcer.announce(texts(lang).staff.desk.contact_recorded.to_owned());
            // Back to this request (not the page's top): several may be listed.
            if let Some(h3) = document().get_element_by_id(&heading) {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(h3).focus();
            }
        });
    };
    let problem = {
        let error_id = error_id.clone();
        move || {
            errors.with(|e| {
                e.first().map(|p| {
                    let message = p.message.get(locale.locale.get()).to_owned();
                    view! {
                        <p class="field-error" id=error_id.clone() role="alert">
                            <span class="visually-hidden">{locale.texts().error_prefix}</span>
                            {message}
                        </p>
                    }
                })
            })
        }
    };
    let described = move || errors.with(|e| !e.is_empty()).then(|| error_id.clone());
    view! {
        <form class="enquiry" novalidate on:submit=submit>
            <div class=move || if errors.with(Vec::is_empty) { "form-group" } else { "form-group form-group-error" }>
                <fieldset class="fieldset" aria-describedby=described>
                    <legend class="label">{tr(|t| t.staff.desk.record_contact)} ": " {tr(|t| t.staff.desk.contact_channel)}</legend>
                    {problem}
                    {radios}
                </fieldset>
            </div>
            <button type="submit" class="button button-secondary" disabled=busy>
                {tr(|t| t.staff.desk.record_button)}
                <span class="visually-hidden">" " {grouped}</span>
            </button>
        </form>
    }
}

/// One request found: its facts, its history, and the contact form.
fn found_view(r: &TrackedRequest, found: RwSignal<Option<Lookup>>, l: Locale) -> impl IntoView {
    let t = texts(l);
    let (title, labelled_by) = (
        format!("found-{}", r.reference),
        format!("found-{}", r.reference),
    );
    let (history, listed_by) = (
        format!("history-{}", r.reference),
        format!("history-{}", r.reference),
    );
    view! {
        <section class="found" aria-labelledby=labelled_by>
            <h3 id=title tabindex="-1">{r.service.name.get(l).to_owned()} " " <span dir="ltr">{r.reference.grouped()}</span></h3>
            {request_facts(r, l)}
            <h4 id=history>{t.track.timeline_title}</h4>
            <ol class="timeline" aria-labelledby=listed_by>{timeline_entries(&r.timeline, l)}</ol>
            <EnquiryForm reference=r.reference.clone() found/>
        </section>
    }
}

fn results_view(shown: &Lookup, found: RwSignal<Option<Lookup>>, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let count = if shown.requests.is_empty() {
        t.desk.no_requests_found.to_owned()
    } else {
        (t.desk.found_count)(shown.requests.len())
    };
    let items = shown
        .requests
        .iter()
        .map(|r| found_view(r, found, l))
        .collect_view();
    view! {
        <h2 id="results-title" tabindex="-1">{t.desk.results}</h2>
        <p class="results-count">{count}</p>
        {items}
    }
}

#[component]
pub fn LookupPage() -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let staff = use_staff();
    let [phone, reference, reason] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let busy = RwSignal::new(false);
    let found = RwSignal::new(None::<Lookup>);
    let run = move |query: LookupQuery| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let lang = locale.locale.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = api::look_up_requests(&query, lang).await;
            busy.try_set(false);
            match answer {
                Ok(lookup) => {
                    let t = &texts(lang).staff;
                    let n = lookup.requests.len();
                    let said = if n == 0 {
                        t.desk.no_requests_found.to_owned()
                    } else {
                        (t.desk.found_count)(n)
                    };
                    errors.try_set(Vec::new());
                    found.try_set(Some(lookup));
                    announcer.announce(said);
                    // Keyboard and screen-reader users land on what was found.
                    request_animation_frame(|| {
                        if let Some(h2) = document().get_element_by_id("results-title") {
                            let h2: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(h2);
                            let _ = h2.focus();
                        }
                    });
                }
                Err(e) => {
                    staff.settle(Err(e), errors, "phone");
                }
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = LookupQuery {
            phone: phone.get_untracked(),
            reference: reference.get_untracked(),
            reason: reason.get_untracked(),
        };
        if let Err(problems) = query.validate() {
            return errors.set(problems);
        }
        run(query);
    };
    let results = move || {
        let l = locale.locale.get();
        found.with(|f| f.as_ref().map(|f| results_view(f, found, l)))
    };
    view! {
        <PageHeading text=heading(|t| t.staff.desk.lookup_title) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        <form class="lookup" novalidate on:submit=submit>
            <p class="hint">{tr(|t| t.staff.desk.lookup_hint)}</p>
            <TextField name="phone" label=|t| t.staff.desk.citizen_mobile value=phone errors kind="tel" dir="ltr"/>
            <TextField name="reference" label=|t| t.staff.desk.reference_number value=reference errors dir="ltr"/>
            <TextField name="reason" label=|t| t.staff.desk.reason hint=|t| t.staff.desk.reason_hint value=reason errors/>
            <button type="submit" class="button" disabled=busy>{tr(|t| t.staff.desk.look_up)}</button>
        </form>
        {results}
    }
}
