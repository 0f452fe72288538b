//! `/services/:code/apply?step=…`: filing, one step per page (GOV.UK): the service's
//! questions, the applicant's details, then "check your answers" and send.
//!
//! Every keystroke is saved on the device (see [`crate::drafts`]); each step is checked
//! with the same domain rule the server runs again; a send that meets no network waits in
//! the on-device queue and goes out when the connection returns, with the draft's one
//! idempotency key, so it is filed once.

use crate::router::{navigate, use_location};
use leptos::either::{Either, EitherOf3, EitherOf4};
use leptos::prelude::*;
use leptos::task::spawn_local;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::appointment::{time_missing, BookingMode};
use nafitha_domain::filing::{Applicant, NewRequest};
use nafitha_domain::{Field, FieldKind, Locale, Localized, ServiceDetail, ServiceKind};
use serde_json::Value;

use crate::api::{self, ApiError};
use crate::components::attachment_question::FilingContext;
use crate::components::{
    answer_text, draft_question, ErrorSummary, LoadError, PageHeading, Question, SlotPicker,
};
use crate::dates::today;
use crate::drafts::{self, Draft};
use crate::i18n::tr;
use crate::state::use_locale;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Questions,
    /// The appointment's time, for a service that books one while filing.
    Time,
    Details,
    Check,
}

impl Step {
    fn query(self) -> &'static str {
        match self {
            Step::Questions => "questions",
            Step::Time => "time",
            Step::Details => "details",
            Step::Check => "check",
        }
    }
}

/// True when the service's applicants choose a time as a step of filing.
fn books_while_filing(service: &ServiceDetail) -> bool {
    service.booking == Some(BookingMode::WhileFiling)
}

/// True when the service accepts filings.
pub fn can_file_online(service: &ServiceDetail) -> bool {
    service.active
}

#[component]
pub fn FilingPage(
    /// The service's code from the address.
    code: String,
) -> AnyView {
    let locale = use_locale();
    let code = Memo::new(move |_| code.clone());
    let service = api::get_service(code);
    view! {
        {move || match service.get() {
            None => Either::Left(view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }),
            Some(result) => Either::Right(match result {
                    Ok(detail) if can_file_online(&detail) => EitherOf3::A(view! { <FilingSteps service=detail/> }),
                    Ok(detail) => {
                        let href = format!("/services/{}", detail.summary.code);
                        EitherOf3::B(view! {
                            <PageHeading text=Signal::derive(move || detail.summary.name.get(locale.locale.get()).to_owned())/>
                            <p class="notice">{tr(|t| t.citizen.not_accepting)}</p>
                            <p><a href=href>{tr(|t| t.citizen.back)}</a></p>
                        })
                    }
                    Err(error) => EitherOf3::C(view! {
                        <PageHeading text=Signal::derive(move || locale.texts().citizen.service_not_found.to_owned())/>
                        <LoadError error on_retry=Callback::new(move |()| service.refetch())/>
                    }),
            }),
        }}
    }
    .into_any()
}

#[component]
fn FilingSteps(service: ServiceDetail) -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let books = books_while_filing(&service);
    let code = service.summary.code.clone();
    let draft = RwSignal::new(drafts::load(&code));
    // A request sent and waiting in the queue goes as it was sent: its page stays on the
    // check step, without "Change" links, until the server has it.
    let step = Memo::new(move |_| match location.query("step").as_deref() {
        _ if draft.with(|d| d.pending) => Step::Check,
        Some("time") if books => Step::Time,
        Some("details") => Step::Details,
        Some("check") => Step::Check,
        _ => Step::Questions,
    });
    let restored = {
        let d = draft.get_untracked();
        !d.answers.is_empty() || !d.applicant.name.is_empty()
    };
    {
        let code = code.clone();
        Effect::new(move |_| draft.with(|d| drafts::save(&code, d)));
    }
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let sending = RwSignal::new(false);
    let offline = RwSignal::new(false);
    let service_code = StoredValue::new(service.summary.code.clone());
    provide_context(FilingContext {
        draft,
        service_code,
    });
    let service = StoredValue::new(service);
    let go = {
        let code = code.clone();
        move |to: Step| {
            navigate(
                &format!("/services/{code}/apply?step={}", to.query()),
                false,
            );
        }
    };
    // A step starts without the previous step's errors.
    Effect::new(move |_| {
        step.track();
        errors.set(Vec::new());
    });

    let send = {
        let code = code.clone();
        let go = go.clone();
        move || {
            if sending.get_untracked() {
                return;
            }
            sending.set(true);
            // A request already in the queue goes again exactly as it first went (the
            // server knows its key with that body); a new one is built from the draft and
            // put in the queue before it goes, so any page can send it if no answer comes.
            let queued = draft.with_untracked(|d| d.sending.clone().filter(|_| d.pending));
            let json = match queued {
                Some(json) => json,
                None => {
                    let body = service.with_value(|s| NewRequest {
                        service_code: s.summary.code.clone(),
                        locale: locale.locale.get_untracked(),
                        applicant: draft.get_untracked().applicant,
                        answers: draft
                            .get_untracked()
                            .answers
                            .into_iter()
                            .filter(|(k, _)| s.form.field(k).is_some())
                            .collect(),
                        location: None,
                        attachments: Vec::new(),
                        appointment: books.then(|| draft.get_untracked().appointment),
                    });
                    let Ok(json) = api::to_json(&body) else {
                        sending.set(false);
                        return;
                    };
                    draft.update(|d| {
                        d.pending = true;
                        d.sending = Some(json.clone());
                    });
                    json
                }
            };
            let key = draft.get_untracked().idempotency_key;
            let lang = locale.locale.get_untracked();
            let (code, go) = (code.clone(), go.clone());
            spawn_local(async move {
                let result = api::create_request(json, &key, lang).await;
                sending.set(false);
                match result {
                    Ok(filed) => {
                        offline.set(false);
                        drafts::clear(&code);
                        navigate(&format!("/confirmation/{}", filed.reference), false);
                    }
                    Err(ApiError::Network) => offline.set(true),
                    Err(e @ ApiError::Server { status: 422, .. }) if e.has_fields() => {
                        draft.update(Draft::unqueue);
                        let problems = e.problems("send");
                        let to = if problems.iter().any(|p| p.field.starts_with("applicant.")) {
                            Step::Details
                        } else if problems.iter().any(|p| p.field.starts_with("appointment")) {
                            Step::Time
                        } else {
                            Step::Questions
                        };
                        go(to);
                        errors.set(problems);
                    }
                    // The time was taken meanwhile: choose another, told which are next.
                    Err(e @ ApiError::Server { status: 409, .. }) if books => {
                        draft.update(Draft::unqueue);
                        go(Step::Time);
                        errors.set(e.problems("appointment.start"));
                    }
                    Err(other) => {
                        draft.update(Draft::unqueue);
                        errors.set(other.problems("send"));
                    }
                }
            });
        }
    };
    // The on-device queue: a pending draft is sent when the connection comes back, and
    // retried every 10 s meanwhile (some browsers miss the `online` event). In the
    // browser only: the server renders without the device's drafts (decision 0018).
    #[cfg(target_family = "wasm")]
    {
        let send = send.clone();
        let retry = move || {
            if draft.get_untracked().pending && !sending.get_untracked() {
                send();
            }
        };
        let on_online = window_event_listener(leptos::ev::online, {
            let retry = retry.clone();
            move |_| retry()
        });
        let interval =
            set_interval_with_handle(retry.clone(), std::time::Duration::from_secs(10)).ok();
        on_cleanup(move || {
            on_online.remove();
            if let Some(handle) = interval {
                handle.clear();
            }
        });
        if draft.get_untracked().pending {
            offline.set(true);
            retry();
        }
    }

    let caption =
        move || service.with_value(|s| s.summary.name.get(locale.locale.get()).to_owned());
    let has_errors = Signal::derive(move || !errors.read().is_empty());
    let restored_notice = restored
        .then(|| view! { <p class="notice" role="status">{tr(|t| t.citizen.draft_restored)}</p> });
    let offline_notice = move || {
        offline.get().then(|| view! { <div class="notice notice-warning" role="alert"><p>{locale.texts().citizen.offline_queued}</p></div> })
    };

    let step_view = move || {
        let go = go.clone();
        let send = send.clone();
        match step.get() {
            Step::Questions => EitherOf4::A(view! {
                <p class="caption">{caption}</p>
                <PageHeading text=Signal::derive(move || locale.texts().citizen.about_request_title.to_owned()) error=has_errors/>
                <ErrorSummary errors=errors/>
                <QuestionsForm service draft errors on_continue=Callback::new(move |()| go(if books { Step::Time } else { Step::Details }))/>
            }),
            Step::Time => EitherOf4::D(view! {
                <p class="caption">{caption}</p>
                <PageHeading text=Signal::derive(move || locale.texts().citizen.time_title.to_owned()) error=has_errors/>
                <ErrorSummary errors=errors/>
                <TimeForm service draft errors on_continue=Callback::new(move |()| go(Step::Details))/>
            }),
            Step::Details => EitherOf4::B(view! {
                <p class="caption">{caption}</p>
                <PageHeading text=Signal::derive(move || locale.texts().citizen.details_title.to_owned()) error=has_errors/>
                <ErrorSummary errors=errors/>
                <DetailsForm service draft errors on_continue=Callback::new(move |()| go(Step::Check))/>
            }),
            Step::Check => EitherOf4::C(view! {
                <p class="caption">{caption}</p>
                <PageHeading text=Signal::derive(move || locale.texts().citizen.check_title.to_owned()) error=has_errors/>
                <ErrorSummary errors=errors/>
                {offline_notice}
                <CheckAnswers service draft/>
                <button type="button" class="button" disabled=move || sending.get() on:click=move |_| send()>
                    {move || if sending.get() { locale.texts().citizen.sending } else { locale.texts().citizen.send }}
                </button>
            }),
        }
    };
    view! {
        {restored_notice}
        {step_view}
    }
}

#[component]
fn QuestionsForm(
    service: StoredValue<ServiceDetail>,
    draft: RwSignal<Draft>,
    errors: RwSignal<Vec<InvalidAnswer>>,
    on_continue: Callback<()>,
) -> impl IntoView {
    let visible = move || {
        let answers = draft.with(|d| d.answers.clone());
        service.with_value(|s| s.form.visible_fields(&answers).cloned().collect::<Vec<_>>())
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let answers = draft.with_untracked(|d| d.answers.clone());
        let result = service.with_value(|s| s.form.validate_answers(&answers, today()));
        match result {
            Ok(_) => on_continue.run(()),
            Err(problems) => errors.set(problems),
        }
    };
    view! {
        <form novalidate on:submit=submit>
            <For
                each=visible
                key=|field| field.id.clone()
                children=move |field| draft_question(field, draft, errors).into_any()
            />
            <button type="submit" class="button">{tr(|t| t.citizen.continue_label)}</button>
        </form>
    }
}

#[component]
fn TimeForm(
    service: StoredValue<ServiceDetail>,
    draft: RwSignal<Draft>,
    errors: RwSignal<Vec<InvalidAnswer>>,
    on_continue: Callback<()>,
) -> impl IntoView {
    let chosen = RwSignal::new(
        draft.with_untracked(|d| Some(d.appointment.start.clone()).filter(|s| !s.is_empty())),
    );
    Effect::new(move |_| {
        let start = chosen.get().unwrap_or_default();
        draft.update(|d| d.appointment.start = start);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if chosen.with_untracked(Option::is_some) {
            on_continue.run(());
        } else {
            errors.set(vec![time_missing()]);
        }
    };
    let needs_field = {
        let (ar, en) = (
            crate::i18n::texts(Locale::Ar),
            crate::i18n::texts(Locale::En),
        );
        Field {
            id: "appointment.needs".into(),
            label: Localized::new(ar.citizen.needs_label, en.citizen.needs_label),
            hint: Some(Localized::new(ar.citizen.needs_hint, en.citizen.needs_hint)),
            required: false,
            show_if: None,
            kind: FieldKind::LongText {
                max_length: nafitha_domain::appointment::MAX_NEEDS_LENGTH as u32,
            },
        }
    };
    let code = service.with_value(|s| s.summary.code.clone());
    let problem = move |field: &'static str| {
        Signal::derive(move || errors.with(|e| e.iter().find(|p| p.field == field).cloned()))
    };
    view! {
        <form novalidate on:submit=submit>
            <SlotPicker code chosen error=problem("appointment.start")/>
            <Question
                field=needs_field
                value=Signal::derive(move || draft.with(|d| d.appointment.needs.clone().map(Value::String)))
                on_change=Callback::new(move |value: Value| {
                    draft.update(|d| d.appointment.needs = value.as_str().map(str::to_owned).filter(|v| !v.is_empty()))
                })
                error=problem("appointment.needs")
            />
            <button type="submit" class="button">{tr(|t| t.citizen.continue_label)}</button>
        </form>
    }
}

#[derive(Clone, Copy)]
enum ApplicantField {
    Name,
    Phone,
    Email,
    NationalId,
    CrNumber,
}

impl ApplicantField {
    fn key(self) -> &'static str {
        match self {
            ApplicantField::Name => "applicant.name",
            ApplicantField::Phone => "applicant.phone",
            ApplicantField::Email => "applicant.email",
            ApplicantField::NationalId => "applicant.national_id",
            ApplicantField::CrNumber => "applicant.cr_number",
        }
    }

    fn get(self, a: &Applicant) -> String {
        match self {
            ApplicantField::Name => a.name.clone(),
            ApplicantField::Phone => a.phone.clone(),
            ApplicantField::Email => a.email.clone().unwrap_or_default(),
            ApplicantField::NationalId => a.national_id.clone().unwrap_or_default(),
            ApplicantField::CrNumber => a.cr_number.clone().unwrap_or_default(),
        }
    }

    fn set(self, a: &mut Applicant, value: String) {
        let optional = (!value.trim().is_empty()).then(|| value.clone());
        match self {
            ApplicantField::Name => a.name = value,
            ApplicantField::Phone => a.phone = value,
            ApplicantField::Email => a.email = optional,
            ApplicantField::NationalId => a.national_id = optional,
            ApplicantField::CrNumber => a.cr_number = optional,
        }
    }

    /// The detail as a question, so the details page renders it like any other.
    fn as_field(self) -> Field {
        let (ar, en) = (
            crate::i18n::texts(Locale::Ar),
            crate::i18n::texts(Locale::En),
        );
        let text =
            |pick: fn(&crate::i18n::Texts) -> &'static str| Localized::new(pick(ar), pick(en));
        let (label, kind, required) = match self {
            ApplicantField::Name => (
                text(|t| t.citizen.full_name),
                FieldKind::Text { max_length: 100 },
                true,
            ),
            ApplicantField::Phone => (text(|t| t.citizen.mobile), FieldKind::Phone, true),
            ApplicantField::Email => (
                text(|t| t.citizen.email),
                FieldKind::Text { max_length: 254 },
                false,
            ),
            ApplicantField::NationalId => (
                text(|t| t.citizen.national_id),
                FieldKind::NationalId,
                false,
            ),
            ApplicantField::CrNumber => (text(|t| t.citizen.cr_number), FieldKind::CrNumber, false),
        };
        let hint = matches!(self, ApplicantField::Phone).then(|| text(|t| t.citizen.mobile_hint));
        Field {
            id: self.key().to_owned(),
            label,
            hint,
            required,
            show_if: None,
            kind,
        }
    }

    /// What the browser may fill in, and the input type, for the text details.
    fn autofill(self) -> Option<(&'static str, &'static str)> {
        match self {
            ApplicantField::Name => Some(("text", "name")),
            ApplicantField::Email => Some(("email", "email")),
            _ => None,
        }
    }
}

#[component]
fn DetailsForm(
    service: StoredValue<ServiceDetail>,
    draft: RwSignal<Draft>,
    errors: RwSignal<Vec<InvalidAnswer>>,
    on_continue: Callback<()>,
) -> impl IntoView {
    let is_permit = service.with_value(|s| s.summary.kind == ServiceKind::Permit);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match draft.with_untracked(|d| d.applicant.validate()) {
            Ok(_) => on_continue.run(()),
            Err(problems) => errors.set(problems),
        }
    };
    let mut fields = vec![
        ApplicantField::Name,
        ApplicantField::Phone,
        ApplicantField::Email,
        ApplicantField::NationalId,
    ];
    if is_permit {
        fields.push(ApplicantField::CrNumber);
    }
    let questions = fields
        .into_iter()
        .map(|which| {
            view! {
                <Question
                    field=which.as_field()
                    value=Signal::derive(move || draft.with(|d| Some(Value::String(which.get(&d.applicant)))))
                    on_change=Callback::new(move |value: Value| {
                        draft.update(|d| which.set(&mut d.applicant, value.as_str().unwrap_or_default().to_owned()))
                    })
                    error=Signal::derive(move || errors.with(|e| e.iter().find(|p| p.field == which.key()).cloned()))
                    autofill=which.autofill()
                />
            }
        })
        .collect_view();
    view! {
        <form novalidate on:submit=submit>
            {questions}
            <button type="submit" class="button">{tr(|t| t.citizen.continue_label)}</button>
        </form>
    }
}

#[component]
fn CheckAnswers(service: StoredValue<ServiceDetail>, draft: RwSignal<Draft>) -> impl IntoView {
    let locale = use_locale();
    let code = service.with_value(|s| s.summary.code.clone());
    let rows = move || {
        let l = locale.locale.get();
        let t = locale.texts();
        let d = draft.get();
        let pending = d.pending;
        let questions_href = format!("/services/{code}/apply?step=questions");
        let details_href = format!("/services/{code}/apply?step=details");
        let mut rows: Vec<(String, String, String)> = service.with_value(|s| {
            s.form
                .visible_fields(&d.answers)
                .map(|f| {
                    let shown = match (&f.kind, d.answers.get(&f.id)) {
                        (FieldKind::Attachment { .. }, Some(Value::Array(ids))) => ids
                            .iter()
                            .filter_map(|id| id.as_str().and_then(|id| d.files.get(id)))
                            .map(|file| file.name.clone())
                            .collect::<Vec<_>>()
                            .join(t.list_separator),
                        (_, Some(v)) => answer_text(Some(f), v, l),
                        (_, None) => t.citizen.not_answered.to_owned(),
                    };
                    (f.label.get(l).to_owned(), shown, questions_href.clone())
                })
                .collect()
        });
        if service.with_value(books_while_filing) && !d.appointment.start.is_empty() {
            rows.push((
                t.citizen.appointment_label.to_owned(),
                crate::dates::format_moment(&d.appointment.start, l),
                format!("/services/{code}/apply?step=time"),
            ));
        }
        let a = &d.applicant;
        rows.push((
            t.citizen.full_name.to_owned(),
            a.name.clone(),
            details_href.clone(),
        ));
        rows.push((
            t.citizen.mobile.to_owned(),
            a.phone.clone(),
            details_href.clone(),
        ));
        for (label, value) in [
            (t.citizen.email, &a.email),
            (t.citizen.national_id, &a.national_id),
            (t.citizen.cr_number, &a.cr_number),
        ] {
            if let Some(value) = value {
                rows.push((label.to_owned(), value.clone(), details_href.clone()));
            }
        }
        rows.into_iter()
            .map(|(label, value, href)| {
                let hidden = label.clone();
                view! {
                    <div class="summary-row">
                        <dt>{label}</dt>
                        <dd>{value}</dd>
                        // Nothing to change once sent: a queued request goes as it was.
                        <dd class="summary-action" hidden=pending>
                            // A plain link: the router's <A> would mark it aria-current
                            // (same path, other step), which is not true.
                            <a href=href>{t.citizen.change}<span class="visually-hidden">" " {hidden}</span></a>
                        </dd>
                    </div>
                }
            })
            .collect_view()
    };
    view! { <dl class="summary-list">{rows}</dl> }
}
