//! `/requests/:reference`: the request page, for its applicant only. Where it stands, what
//! the agency asked or replied, the whole public history with documents, what was filed,
//! and what the applicant can do now (answer an information request, withdraw, reopen) —
//! the moves offered are the life cycle's, from `nafitha_domain`. What the applicant types
//! is kept on the device until it is sent.

use leptos::prelude::*;
use nafitha_domain::account::{EventEntry, RequestDetail};
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::appointment::{time_missing, AppointmentState, AppointmentStatus, TimeChoice};
use nafitha_domain::lifecycle::{
    reply_attachment, Action, ActionRequest, RequestStatus, REPLY_UPLOAD_FIELD,
};
use nafitha_domain::rating::{
    may_rate, satisfaction_label, RatingInput, Resolution, MAX_RATING_COMMENT,
};
use nafitha_domain::{Field, FieldKind, Locale, Localized, ReferenceNumber};
use serde_json::Value;

use crate::api::{self, ApiError};
use crate::components::attachment_question::FilingContext;
use crate::components::request_facts;
use crate::components::{
    answer_rows, file_list, ErrorSummary, LoadError, PageHeading, Question, SlotPicker,
};
use crate::dates::format_moment;
use crate::drafts;
use crate::i18n::{text_question, texts, tr};
use crate::pages::my_requests::sign_in_prompt;
use crate::state::{use_announcer, use_locale};

fn event_view(reference: &ReferenceNumber, e: &EventEntry, locale: Locale) -> impl IntoView {
    let t = texts(locale);
    let who = if e.by_applicant {
        t.citizen.by_you.to_owned()
    } else {
        e.department.name.get(locale).to_owned()
    };
    let message = e
        .message
        .clone()
        .map(|m| view! { <p class="message">{m}</p> });
    let files = (!e.attachments.is_empty()).then(|| {
        file_list(
            &format!("/api/v1/requests/{reference}"),
            &e.attachments,
            locale,
        )
    });
    view! {
        <li>
            <strong>{e.title(locale)}</strong>
            <span class="timeline-meta">{who} " · " {format_moment(&e.at, locale)}</span>
            {message}
            {files}
        </li>
    }
}

/// The page's forms keep what is typed in the page's draft (so it survives a reload) and
/// show the problems found with each question.
#[derive(Clone, Copy)]
struct DraftForm {
    draft: RwSignal<drafts::Draft>,
    errors: RwSignal<Vec<InvalidAnswer>>,
}

impl DraftForm {
    /// The question `field`, its value kept in the draft under its id.
    fn question(self, field: Field) -> impl IntoView {
        let DraftForm { draft, errors } = self;
        let key = field.id.clone();
        let value = {
            let key = key.clone();
            Signal::derive(move || draft.with(|d| d.answers.get(&key).cloned()))
        };
        let on_change = {
            let key = key.clone();
            Callback::new(move |v: Value| {
                draft.update(|d| {
                    d.answers.insert(key.clone(), v);
                })
            })
        };
        let error =
            Signal::derive(move || errors.with(|e| e.iter().find(|p| p.field == key).cloned()));
        view! { <Question field value on_change error/> }
    }
}

/// The rating form, once the request is decided (prefilled with a rating already given).
fn rating_view(
    detail: &RequestDetail,
    rate: Callback<()>,
    form: DraftForm,
    locale: Locale,
) -> impl IntoView {
    let t = texts(locale);
    let choices = |options: Vec<(String, Localized)>| FieldKind::Choice {
        options: options
            .into_iter()
            .map(|(value, label)| nafitha_domain::Choice { value, label })
            .collect(),
    };
    let scores = (1..=5u8).rev().map(|s| {
        let label = Localized::new(
            satisfaction_label(s, Locale::Ar),
            satisfaction_label(s, Locale::En),
        );
        (s.to_string(), label)
    });
    let resolutions = Resolution::ALL.into_iter().map(|r| {
        let label = Localized::new(r.label(Locale::Ar), r.label(Locale::En));
        (r.code().to_owned(), label)
    });
    let score = text_question(
        "score",
        |t| t.citizen.rate_question,
        None,
        true,
        choices(scores.collect()),
    );
    let resolved = text_question(
        "resolved",
        |t| t.citizen.resolved_question,
        None,
        false,
        choices(resolutions.collect()),
    );
    let comment = text_question(
        "comment",
        |t| t.citizen.rating_comment,
        Some(|t| t.citizen.rating_comment_hint),
        false,
        FieldKind::LongText {
            max_length: MAX_RATING_COMMENT as u32,
        },
    );
    let given = detail.rating.as_ref().map(|r| {
        view! {
            <p>
                <strong>{satisfaction_label(r.score, locale)}</strong>
                " · " {t.citizen.rating_change_until} " " {format_moment(&r.changeable_until, locale)}
            </p>
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        rate.run(());
    };
    view! {
        <section aria-labelledby="rate-title">
            <h2 id="rate-title">{t.citizen.rate_title}</h2>
            {given}
            <form novalidate on:submit=submit>
                {form.question(score)}
                {form.question(resolved)}
                {form.question(comment)}
                <button type="submit" class="button">{t.citizen.rate_button}</button>
            </form>
        </section>
    }
}

/// The forms for what the applicant may do now.
fn actions_view(
    detail: &RequestDetail,
    act: Callback<(ActionRequest, &'static str)>,
    form: DraftForm,
    locale: Locale,
) -> impl IntoView {
    let t = texts(locale);
    let allowed = detail.applicant_actions();
    let draft = form.draft;
    let message = move || {
        draft.with_untracked(|d| {
            d.answers
                .get("message")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        })
    };
    let answer = allowed.contains(&Action::Answer).then(|| {
        let asked = detail
            .events
            .iter()
            .rev()
            .find(|e| e.kind == Action::RequestInfo.code())
            .and_then(|e| e.message.clone());
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let attachments = draft.with_untracked(|d| match d.answers.get(REPLY_UPLOAD_FIELD) {
                Some(Value::Array(ids)) => ids.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
                _ => Vec::new(),
            });
            act.run((ActionRequest { action: "answer".into(), message: message(), department: None, attachments }, t.citizen.answer_sent));
        };
        view! {
            <section class="panel panel-action" aria-labelledby="info-needed">
                <h2 id="info-needed">{t.citizen.info_needed_title}</h2>
                <blockquote class="message">{asked}</blockquote>
                <form novalidate on:submit=submit>
                    {form.question(text_question("message", |t| t.citizen.your_answer, None, false, FieldKind::LongText { max_length: 2000 }))}
                    {form.question(text_question(REPLY_UPLOAD_FIELD, |t| t.citizen.documents_optional_label, None, false, reply_attachment()))}
                    <button type="submit" class="button">{t.citizen.send_answer}</button>
                </form>
            </section>
        }
    });
    let withdraw = allowed.contains(&Action::Withdraw).then(|| {
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            act.run((
                ActionRequest {
                    action: "withdraw".into(),
                    ..ActionRequest::default()
                },
                t.citizen.withdrawn_done,
            ));
        };
        view! {
            <details class="disclosure">
                <summary>{t.citizen.withdraw_title}</summary>
                <form on:submit=submit>
                    <p>{t.citizen.withdraw_body}</p>
                    <button type="submit" class="button button-warning">{t.citizen.withdraw_button}</button>
                </form>
            </details>
        }
    });
    let reopen = allowed.contains(&Action::Reopen).then(|| {
        let until = detail.reopen_until.as_deref().map(|u| format_moment(u, locale)).unwrap_or_default();
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            act.run((ActionRequest { action: "reopen".into(), message: message(), ..ActionRequest::default() }, t.citizen.reopened_done));
        };
        view! {
            <details class="disclosure">
                <summary>{t.citizen.reopen_title}</summary>
                <form novalidate on:submit=submit>
                    <p>{t.citizen.reopen_until} " " {until}</p>
                    {form.question(text_question("message", |t| t.citizen.reopen_reason, None, true, FieldKind::LongText { max_length: 2000 }))}
                    <button type="submit" class="button">{t.citizen.reopen_button}</button>
                </form>
            </details>
        }
    });
    view! { {answer}{withdraw}{reopen} }
}

/// The request's appointment: when and where (or the video link), until when it may be
/// changed; changing, cancelling, or choosing a time when one may be chosen now.
#[component]
fn AppointmentPanel(
    state: AppointmentState,
    reference: ReferenceNumber,
    code: String,
    /// Set to the updated request page after a change.
    on_updated: Callback<RequestDetail>,
    errors: RwSignal<Vec<InvalidAnswer>>,
) -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let l = locale.locale.get_untracked();
    let t = texts(l);
    let picking = RwSignal::new(state.may_book);
    let chosen = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let send = {
        let reference = reference.clone();
        move |cancel: bool| {
            if busy.get_untracked() {
                return;
            }
            let start = chosen.get_untracked();
            if !cancel && start.is_none() {
                errors.set(vec![time_missing()]);
                return;
            }
            busy.set(true);
            let (reference, lang) = (reference.clone(), locale.locale.get_untracked());
            leptos::task::spawn_local(async move {
                let result = match start {
                    Some(start) if !cancel => {
                        let choice = TimeChoice { start, needs: None };
                        api::book_time(&reference, &choice, lang).await
                    }
                    _ => api::cancel_time(&reference, lang).await,
                };
                busy.set(false);
                match result {
                    Ok(updated) => {
                        errors.set(Vec::new());
                        let said = if cancel {
                            texts(lang).citizen.appointment_cancelled
                        } else {
                            texts(lang).citizen.appointment_title
                        };
                        on_updated.run(updated);
                        announcer.announce(said.to_owned());
                    }
                    Err(error) => errors.set(error.problems("appointment.start")),
                }
            });
        }
    };
    let booked = state.booked.clone().map(|b| {
        let when = format_moment(&b.start, l);
        let status = match b.status {
            AppointmentStatus::Booked => None,
            AppointmentStatus::Cancelled => Some(t.citizen.appointment_cancelled),
            AppointmentStatus::Kept => Some(t.citizen.appointment_kept),
            AppointmentStatus::NoShow => Some(t.citizen.appointment_missed),
        };
        let venue = match (&b.video_link, &b.place) {
            (Some(link), _) => Some(view! { <p>{t.citizen.video_call} " " <a href=link.clone() dir="ltr">{link.clone()}</a></p> }.into_any()),
            (None, Some(place)) => Some(view! { <p>{place.get(l).to_owned()}</p> }.into_any()),
            _ => None,
        };
        let until = b.change_until.as_deref().map(|u| {
            view! { <p class="hint">{t.citizen.change_until} " " {format_moment(u, l)}</p> }
        });
        let may_change = b.change_until.is_some();
        let calendar = (b.status == AppointmentStatus::Booked).then(|| {
            let href = format!("/api/v1/requests/{reference}/appointment.ics");
            view! { <p><a href=href download="">{t.citizen.add_to_calendar}</a></p> }
        });
        let send = send.clone();
        view! {
            <p class="appointment-when"><strong>{when}</strong></p>
            {status.map(|s| view! { <p>{s}</p> })}
            {venue}
            {calendar}
            {until}
            {may_change.then(|| view! {
                <div class="slot-weeks">
                    <button type="button" class="button button-secondary" on:click=move |_| picking.update(|p| *p = !*p)>{t.citizen.change_time}</button>
                    <button type="button" class="button button-warning" disabled=move || busy.get() on:click=move |_| send(true)>{t.citizen.cancel_time}</button>
                </div>
            })}
        }
    });
    let picker = move || {
        let send = send.clone();
        let code = code.clone();
        picking.get().then(|| view! {
            {state.may_book.then(|| view! { <p>{t.citizen.choose_time_now}</p> })}
            <SlotPicker code chosen error=Signal::derive(move || errors.with(|e| e.iter().find(|p| p.field == "appointment.start").cloned()))/>
            <button type="button" class="button" disabled=move || busy.get() on:click=move |_| send(false)>{t.citizen.book_time}</button>
        })
    };
    view! {
        <section class="appointment-box" aria-labelledby="appointment-title">
            <h2 id="appointment-title">{t.citizen.appointment_title}</h2>
            {booked}
            {picker}
        </section>
    }
}

#[component]
pub fn RequestPage(
    /// The reference number from the address, as typed.
    reference: String,
) -> AnyView {
    let locale = use_locale();
    let announcer = use_announcer();
    let raw = Memo::new(move |_| reference.clone());
    let reference = Memo::new(move |_| ReferenceNumber::parse(&raw.get()).ok());
    let detail = api::get_request(reference);
    let draft_key = move || format!("reply-{}", raw.get_untracked());
    let draft = RwSignal::new(drafts::load(&draft_key()));
    Effect::new(move |_| draft.with(|d| drafts::save(&draft_key(), d)));
    let service_code = StoredValue::new(String::new());
    provide_context(FilingContext {
        draft,
        service_code,
    });
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let form = DraftForm { draft, errors };
    let act = Callback::new(move |(action, done): (ActionRequest, &'static str)| {
        let Some(r) = reference.get_untracked() else {
            return;
        };
        // The rules name the files "attachments"; on this page they are the reply files'
        // question.
        let on_page = |problems: Vec<InvalidAnswer>| {
            problems
                .into_iter()
                .map(|p| InvalidAnswer {
                    field: if p.field == "attachments" {
                        REPLY_UPLOAD_FIELD.into()
                    } else {
                        p.field
                    },
                    ..p
                })
                .collect::<Vec<_>>()
        };
        if let Err(problems) = action.validate() {
            errors.set(on_page(problems));
            return;
        }
        let lang = locale.locale.get_untracked();
        leptos::task::spawn_local(async move {
            match api::act_on_request(&r, &action, lang).await {
                Ok(updated) => {
                    errors.set(Vec::new());
                    drafts::clear(&draft_key());
                    draft.set(drafts::load(&draft_key()));
                    detail.set(Ok(updated));
                    announcer.announce(done.to_owned());
                }
                Err(error) => errors.set(on_page(error.problems("message"))),
            }
        });
    });
    let rate = Callback::new(move |()| {
        let Some(r) = reference.get_untracked() else {
            return;
        };
        let input = draft.with_untracked(|d| {
            let text = |key: &str| {
                d.answers
                    .get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            RatingInput {
                score: text("score")
                    .and_then(|s| s.parse::<u64>().ok())
                    .map(Value::from),
                resolved: text("resolved"),
                comment: text("comment"),
            }
        });
        if let Err(problems) = input.validate() {
            errors.set(problems);
            return;
        }
        let lang = locale.locale.get_untracked();
        leptos::task::spawn_local(async move {
            match api::rate_request(&r, &input, lang).await {
                Ok(view) => {
                    errors.set(Vec::new());
                    if let Some(Ok(mut d)) = detail.get_untracked() {
                        d.rating = Some(view);
                        detail.set(Ok(d));
                    }
                    announcer.announce(texts(lang).citizen.rated_thanks.to_owned());
                }
                Err(error) => errors.set(error.problems("score")),
            }
        });
    });
    let has_errors = Signal::derive(move || !errors.read().is_empty());
    let heading = Signal::derive(move || match detail.get() {
        Some(Ok(d)) => d.request.service.name.get(locale.locale.get()).to_owned(),
        _ => locale.texts().citizen.request_title.to_owned(),
    });
    let loading =
        Signal::derive(move || detail.with(Option::is_none) && reference.with(Option::is_some));
    // The service's questions label the answers.
    let code = Memo::new(move |_| {
        detail.with(|d| match d {
            Some(Ok(d)) => d.request.service.code.clone(),
            _ => String::new(),
        })
    });
    let service = api::get_service(code);
    view! {
        <PageHeading text=heading loading error=has_errors/>
        <ErrorSummary errors/>
        {move || match detail.get() {
            None if reference.with(Option::is_none) => view! { <p class="notice" role="alert">{tr(|t| t.citizen.request_not_found)}</p> }.into_any(),
            None => view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any(),
            Some(Err(error)) if error.needs_sign_in() => sign_in_prompt(format!("/requests/{}", raw.get_untracked())),
            Some(Err(ApiError::NotFound)) => view! { <p class="notice" role="alert">{tr(|t| t.citizen.request_not_found)}</p> }.into_any(),
            Some(Err(error)) => view! { <LoadError error on_retry=Callback::new(move |()| detail.refetch())/> }.into_any(),
            Some(Ok(d)) => {
                let l = locale.locale.get();
                let t = texts(l);
                service_code.set_value(d.request.service.code.clone());
                let r = d.request.reference.clone();
                let events = d.events.iter().rev().map(|e| event_view(&r, e, l)).collect_view();
                let given = d.answers.clone();
                let answers = move || {
                    service.with(|s| {
                        let form = match s {
                            Some(Ok(s)) => s.form.clone(),
                            _ => Default::default(),
                        };
                        answer_rows(&given, &form, l)
                    })
                };
                let files = (!d.attachments.is_empty()).then(|| file_list(&format!("/api/v1/requests/{r}"), &d.attachments, l));
                let finished = d.request.status.is_finished() && d.request.status != RequestStatus::Resolved;
                let appointment = d.appointment.clone().filter(|a| a.booked.is_some() || a.may_book).map(|state| {
                    view! {
                        <AppointmentPanel state reference=r.clone() code=d.request.service.code.clone()
                            on_updated=Callback::new(move |updated| detail.set(Ok(updated))) errors/>
                    }
                });
                view! {
                    {request_facts(&d.request, l)}
                    {appointment}
                    {(!finished).then(|| actions_view(&d, act, form, l))}
                    {may_rate(d.request.status).then(|| rating_view(&d, rate, form, l))}
                    <h2 id="timeline-title">{t.track.timeline_title}</h2>
                    <ol class="timeline" aria-labelledby="timeline-title">{events}</ol>
                    <h2>{t.citizen.answers_title}</h2>
                    <dl class="facts">
                        <div><dt>{t.citizen.full_name}</dt><dd>{d.applicant.name.clone()}</dd></div>
                        <div><dt>{t.citizen.mobile}</dt><dd dir="ltr">{d.applicant.phone.clone()}</dd></div>
                        {answers}
                    </dl>
                    {files}
                }
                .into_any()
            }
        }}
    }
    .into_any()
}
