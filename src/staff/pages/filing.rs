//! Filing for a citizen (`/staff/file`, intake): the service (those this staff member may
//! file for), how the request came in, the service's questions (the citizens' own
//! components), the appointment's time for a service that books one while filing (the
//! citizens' time picker) with what the visitor needs, the citizen's details and the
//! language of their messages; then a check of it all and "Send request"; then the
//! receipt, to print or read out.
//!
//! The browser runs the domain's check of an assisted filing before sending, and the server
//! again. One idempotency key per filing, made when the form starts and renewed only once
//! it is filed (or a new one is started), so a retry or a double click files it once. What
//! is typed stays in the page only: a desk serves many citizens.

use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::appointment::{time_missing, BookingMode, TimeChoice};
use nafitha_domain::backoffice::files_for;
use nafitha_domain::filing::{Applicant, Channel, FiledRequest, NewRequest};
use nafitha_domain::intake::AssistedFiling;
use nafitha_domain::{
    FieldKind, FormDefinition, Locale, ServiceDetail, ServiceKind, ServiceSummary,
};
use serde_json::{Map, Value};

use super::super::components::{Loading, Radios, SelectField, TextField};
use super::super::{api, focus_heading, use_staff};
use super::problem;
use crate::api::{ApiError, Loaded};
use crate::components::attachment_question::FilingContext;
use crate::components::{
    answer_rows, contact_view, draft_question, ErrorSummary, LoadError, PageHeading, SlotPicker,
};
use crate::dates::{format_day, format_moment, today};
use crate::drafts::{new_key, Draft};
use crate::i18n::{texts, tr, Texts};
use crate::state::{use_announcer, use_locale};

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Form,
    Check,
    Filed,
}

/// What the form holds: the draft (answers, files uploaded, idempotency key) and the
/// choices and details around it, each bound to its field.
#[derive(Clone, Copy)]
struct Form {
    draft: RwSignal<Draft>,
    service: RwSignal<String>,
    channel: RwSignal<String>,
    language: RwSignal<String>,
    name: RwSignal<String>,
    phone: RwSignal<String>,
    email: RwSignal<String>,
    national_id: RwSignal<String>,
    cr_number: RwSignal<String>,
    /// The appointment's start chosen, and what the visitor needs on the day.
    time: RwSignal<Option<String>>,
    needs: RwSignal<String>,
}

/// True when the service's applicants choose a time as a step of filing.
fn books_while_filing(service: &ServiceDetail) -> bool {
    service.booking == Some(BookingMode::WhileFiling)
}

fn fresh_draft() -> Draft {
    Draft {
        idempotency_key: new_key(),
        ..Draft::default()
    }
}

fn optional(value: RwSignal<String>) -> Option<String> {
    Some(value.get_untracked()).filter(|v| !v.trim().is_empty())
}

impl Form {
    fn new() -> Form {
        let text = || RwSignal::new(String::new());
        Form {
            draft: RwSignal::new(fresh_draft()),
            service: text(),
            channel: text(),
            language: RwSignal::new(Locale::Ar.tag().to_owned()),
            name: text(),
            phone: text(),
            email: text(),
            national_id: text(),
            cr_number: text(),
            time: RwSignal::new(None),
            needs: text(),
        }
    }

    /// The filing as sent, for the service `code` with the questions `form` (and a time,
    /// when it `books` one while filing): the answers of questions it does not ask are
    /// left out.
    fn filing(&self, code: &str, form: &FormDefinition, books: bool) -> AssistedFiling {
        let answers = self.draft.with_untracked(|d| {
            d.answers
                .iter()
                .filter(|(id, _)| form.field(id).is_some())
                .map(|(id, v)| (id.clone(), v.clone()))
                .collect()
        });
        AssistedFiling {
            channel: self.channel.get_untracked(),
            request: NewRequest {
                service_code: code.to_owned(),
                locale: Locale::from_tag(&self.language.get_untracked()).unwrap_or_default(),
                applicant: Applicant {
                    name: self.name.get_untracked(),
                    phone: self.phone.get_untracked(),
                    email: optional(self.email),
                    national_id: optional(self.national_id),
                    cr_number: optional(self.cr_number),
                },
                answers,
                location: None,
                attachments: Vec::new(),
                appointment: books.then(|| TimeChoice {
                    start: self.time.get_untracked().unwrap_or_default(),
                    needs: optional(self.needs),
                }),
            },
        }
    }

    /// Ready for the next citizen: a new key, nothing of the last one kept (the service
    /// and channel stay, as a desk often takes the same again).
    fn clear(&self) {
        self.draft.try_set(fresh_draft());
        self.time.try_set(None);
        for field in [
            self.name,
            self.phone,
            self.email,
            self.national_id,
            self.cr_number,
            self.needs,
        ] {
            field.try_set(String::new());
        }
        self.language.try_set(Locale::Ar.tag().to_owned());
    }
}

/// The problems in the order of the fields on the screen.
fn in_page_order(mut problems: Vec<InvalidAnswer>) -> Vec<InvalidAnswer> {
    problems.sort_by_key(|p| match p.field.as_str() {
        "service_code" => 0,
        "channel" => 1,
        f if f.starts_with("appointment.") => 3,
        f if f.starts_with("applicant.") => 4,
        _ => 2,
    });
    problems
}

/// What the receipt shows.
#[derive(Clone)]
struct Receipt {
    filed: FiledRequest,
    service: ServiceDetail,
    channel: Channel,
    /// The citizen's mobile number, normalised.
    phone: String,
    /// The portal's public address (tracking links point there).
    portal_url: String,
    /// The appointment's start, when one was booked with the filing.
    time: Option<String>,
}

/// The reference as a screen reader should say it: digit by digit, group by group.
fn spelled(grouped: &str, l: Locale) -> String {
    grouped
        .split(char::is_whitespace)
        .map(|group| {
            group
                .chars()
                .map(String::from)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(texts(l).list_separator)
}

fn receipt_view(r: &Receipt, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let grouped = r.filed.reference.grouped();
    let track = format!("{}/track?ref={}", r.portal_url, r.filed.reference);
    let href = track.clone();
    let agency = r.service.summary.agency.name.get(l).to_owned();
    view! {
        <div class="panel">
            <p class="panel-label">{t.desk.reference_number}</p>
            <p class="panel-reference" dir="ltr">
                <span aria-hidden="true">{grouped.clone()}</span>
                <span class="visually-hidden">{spelled(&grouped, l)}</span>
            </p>
        </div>
        <dl class="facts">
            <div><dt>{t.service}</dt><dd>{r.service.summary.name.get(l).to_owned()}</dd></div>
            <div><dt>{t.desk.agency}</dt><dd>{agency.clone()}</dd></div>
            <div><dt>{t.department}</dt><dd>{r.service.department.name.get(l).to_owned()}</dd></div>
            <div><dt>{t.channel}</dt><dd>{r.channel.label(l)}</dd></div>
            <div><dt>{t.filed}</dt><dd>{format_moment(&r.filed.submitted_at, l)}</dd></div>
            <div><dt>{t.desk.expected_by}</dt><dd>{format_day(r.filed.due_on, l)}</dd></div>
            {r.time.as_deref().map(|start| view! {
                <div><dt>{t.desk.time_label}</dt><dd>{format_moment(start, l)}</dd></div>
            })}
        </dl>
        <h2>{t.desk.tracking_title}</h2>
        <p>{t.desk.sms_to} " " <strong dir="ltr">{r.phone.clone()}</strong></p>
        <p>{t.desk.track_at} " " <a href=href dir="ltr">{track}</a></p>
        <p>{t.desk.sign_in_note}</p>
        <h2>{t.desk.contact_title}</h2>
        {contact_view(&r.service.contact, Some(agency))}
    }
}

/// The check of what will be sent: the service, the channel, each answer under its
/// question (files by their names), the citizen and their language.
fn check_view(form: Form, service: &ServiceDetail, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let shown: Map<String, Value> = form.draft.with(|d| {
        service
            .form
            .visible_fields(&d.answers)
            .filter_map(|f| {
                let value = d.answers.get(&f.id)?;
                let value = match (&f.kind, value) {
                    (FieldKind::Attachment { .. }, Value::Array(ids)) => ids
                        .iter()
                        .filter_map(|id| d.files.get(id.as_str()?))
                        .map(|file| Value::String(file.name.clone()))
                        .collect(),
                    _ => value.clone(),
                };
                Some((f.id.clone(), value))
            })
            .collect()
    });
    let channel = Channel::from_code(&form.channel.get()).map(|c| c.label(l));
    let language = match Locale::from_tag(&form.language.get()) {
        Some(Locale::En) => t.desk.english,
        _ => t.desk.arabic,
    };
    let optional = |term: &'static str, value: RwSignal<String>| {
        let value = value.get();
        (!value.trim().is_empty())
            .then(|| view! { <div><dt>{term}</dt><dd dir="ltr">{value}</dd></div> })
    };
    view! {
        <dl class="facts">
            <div><dt>{t.service}</dt><dd>{service.summary.name.get(l).to_owned()}</dd></div>
            <div><dt>{t.channel}</dt><dd>{channel}</dd></div>
            {answer_rows(&shown, &service.form, l)}
            {form.time.get().filter(|_| books_while_filing(service)).map(|start| view! {
                <div><dt>{t.desk.time_label}</dt><dd>{format_moment(&start, l)}</dd></div>
            })}
            {(!form.needs.get().trim().is_empty()).then(|| view! {
                <div><dt>{t.desk.needs_optional}</dt><dd>{form.needs.get()}</dd></div>
            })}
            <div><dt>{t.desk.citizen_name}</dt><dd>{form.name.get()}</dd></div>
            <div><dt>{t.desk.citizen_mobile}</dt><dd dir="ltr">{form.phone.get()}</dd></div>
            {optional(t.email, form.email)}
            {optional(t.national_id, form.national_id)}
            {optional(t.cr_number, form.cr_number)}
            <div><dt>{t.desk.language}</dt><dd>{language}</dd></div>
        </dl>
    }
}

/// The service's questions, as the citizens' form asks them.
fn questions(
    form: Form,
    detail: Loaded<ServiceDetail>,
    errors: RwSignal<Vec<InvalidAnswer>>,
) -> impl IntoView {
    let draft = form.draft;
    let visible = move || {
        detail.with(|d| match d {
            Some(Ok(s)) if s.active => draft.with(|d| {
                s.form
                    .visible_fields(&d.answers)
                    .map(|f| (s.summary.code.clone(), f.clone()))
                    .collect::<Vec<_>>()
            }),
            _ => Vec::new(),
        })
    };
    view! {
        <For
            each=visible
            // Two services may both ask a question of one id, of different kinds.
            key=|(code, field)| (code.clone(), field.id.clone())
            children=move |(_, field)| draft_question(field, draft, errors)
        />
    }
}

/// The appointment's time and what the visitor needs, for a service that books one while
/// filing (nothing otherwise).
fn time_part(form: Form, service: &ServiceDetail, errors: RwSignal<Vec<InvalidAnswer>>) -> AnyView {
    if !(service.active && books_while_filing(service)) {
        return ().into_any();
    }
    let error = Signal::derive(move || {
        errors.with(|e| e.iter().find(|p| p.field == "appointment.start").cloned())
    });
    view! {
        <h2>{tr(|t| t.staff.desk.time_part)}</h2>
        <SlotPicker code=service.summary.code.clone() chosen=form.time error/>
        <TextField name="appointment.needs" label=|t| t.staff.desk.needs_optional value=form.needs errors/>
    }
    .into_any()
}

/// The chosen service's part of the screen: nothing before a service is chosen, then
/// "loading", a retry, or what `show` makes of it.
fn with_service(
    (detail, none_chosen): (Loaded<ServiceDetail>, bool),
    show: impl FnOnce(&ServiceDetail) -> AnyView,
) -> AnyView {
    detail.with(|d| match d {
        None if none_chosen => ().into_any(),
        None => view! { <Loading/> }.into_any(),
        Some(Ok(s)) => show(s),
        Some(Err(e)) => {
            let error = e.clone();
            view! { <LoadError error on_retry=Callback::new(move |()| detail.refetch())/> }
                .into_any()
        }
    })
}

#[component]
pub fn FilingPage() -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let staff = use_staff();
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let busy = RwSignal::new(false);
    let step = RwSignal::new(Step::Form);
    let receipt = RwSignal::new(None::<Receipt>);
    let form = Form::new();
    let services = api::list_services();
    let code = Memo::new(move |_| form.service.get());
    let detail = api::get_service(code);
    let service_code = StoredValue::new(String::new());
    provide_context(FilingContext {
        draft: form.draft,
        service_code,
    });
    // Another service asks other questions: the answers given belong to the last one.
    Effect::new(move |previous: Option<String>| {
        let code = code.get();
        if previous.is_some_and(|p| p != code) {
            form.draft.update(|d| {
                d.answers.clear();
                d.files.clear();
            });
            form.time.set(None);
        }
        service_code.set_value(code.clone());
        code
    });
    let agency = staff.me().map(|me| me.agency.code).unwrap_or_default();
    let portal = agency == nafitha_domain::backoffice::PORTAL_AGENCY;
    let ours = move |all: &[ServiceSummary], l: Locale| {
        let mut options = vec![(String::new(), texts(l).staff.desk.choose_service.to_owned())];
        options.extend(
            all.iter()
                .filter(|s| files_for(&agency, &s.agency.code))
                .map(|s| {
                    let name = s.name.get(l);
                    // The portal's contact centre files for every agency: say whose.
                    let text = if portal {
                        format!("{name} ({})", s.agency.name.get(l))
                    } else {
                        name.to_owned()
                    };
                    (s.code.clone(), text)
                }),
        );
        options
    };
    let service_options = Signal::derive(move || {
        let l = locale.locale.get();
        services.with(|s| match s {
            Some(Ok(all)) => ours(all, l),
            _ => ours(&[], l),
        })
    });
    let l = move || locale.locale.get();
    let channel_options = Signal::derive(move || {
        Channel::ASSISTED
            .iter()
            .map(|c| (c.code().to_owned(), c.label(l()).to_owned()))
            .collect()
    });
    let language_options = Signal::derive(move || {
        let t = &texts(l()).staff;
        vec![
            (Locale::Ar.tag().to_owned(), t.desk.arabic.to_owned()),
            (Locale::En.tag().to_owned(), t.desk.english.to_owned()),
        ]
    });
    let move_to = move |to: Step, heading: fn(&Texts) -> &'static str| {
        step.set(to);
        focus_heading();
        announcer.announce(heading(locale.texts()).to_owned());
    };
    // The whole check, before the check page and again before sending.
    let check = move || -> Result<(AssistedFiling, ServiceDetail, Channel, String), ()> {
        let chosen = detail.get_untracked().and_then(Result::ok);
        let empty = FormDefinition::default();
        let questions = chosen.as_ref().map_or(&empty, |s| &s.form);
        let books = chosen.as_ref().is_some_and(books_while_filing);
        let filing = form.filing(&form.service.get_untracked(), questions, books);
        let mut problems = match chosen.as_ref() {
            None => vec![problem("service_code", |t| {
                t.staff.desk.choose_service.to_owned()
            })],
            Some(s) if !s.active => vec![problem("service_code", |t| {
                t.staff.desk.service_closed.to_owned()
            })],
            Some(_) => Vec::new(),
        };
        if books && form.time.with_untracked(Option::is_none) {
            problems.push(time_missing());
        }
        match (filing.validate(questions, today()), chosen) {
            (Ok((channel, valid)), Some(service)) if problems.is_empty() => {
                Ok((filing, service, channel, valid.applicant.phone))
            }
            (result, _) => {
                problems.extend(result.err().unwrap_or_default());
                errors.set(in_page_order(problems));
                Err(())
            }
        }
    };
    let to_check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if check().is_ok() {
            errors.set(Vec::new());
            move_to(Step::Check, |t| t.staff.desk.check_title);
        }
    };
    let send = move |_| {
        let Ok((filing, service, channel, phone)) = check() else {
            return move_to(Step::Form, |t| t.staff.desk.file_title);
        };
        let key = form.draft.with_untracked(|d| d.idempotency_key.clone());
        let time = filing.request.appointment.as_ref().map(|a| a.start.clone());
        let lang = locale.locale.get_untracked();
        let portal_url = staff
            .me_untracked()
            .map(|me| me.portal_url)
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| window().location().origin().unwrap_or_default());
        let change = async move {
            match api::create_assisted_filing(&filing, &key, lang).await {
                Ok(filed) => {
                    receipt.try_set(Some(Receipt {
                        filed,
                        service,
                        channel,
                        phone,
                        portal_url,
                        time,
                    }));
                    Ok(())
                }
                // The fields at fault are on the form: back to it.
                Err(e @ ApiError::Server { status: 422, .. }) if e.has_fields() => {
                    step.try_set(Step::Form);
                    Err(e)
                }
                Err(e) => Err(e),
            }
        };
        staff.submit(busy, errors, "send", change, move || {
            form.clear();
            step.try_set(Step::Filed);
            announcer.announce(texts(lang).staff.desk.filed_title.to_owned());
        });
    };
    let another = move |_| {
        receipt.set(None);
        form.clear();
        move_to(Step::Form, |t| t.staff.desk.file_title);
    };
    let print = |_| {
        let _ = window().print();
    };
    let heading = Signal::derive(move || {
        let t = &locale.texts().staff;
        match step.get() {
            Step::Form => t.desk.file_title,
            Step::Check => t.desk.check_title,
            Step::Filed => t.desk.filed_title,
        }
        .to_owned()
    });
    let chosen = move || (detail, code.with(String::is_empty));
    // The list of services could not be had, or holds nothing this staff member may file
    // for (only the "choose" line).
    let no_services = move || {
        services.with(|s| match s {
            Some(Err(e)) => {
                let error = e.clone();
                view! { <LoadError error on_retry=Callback::new(move |()| services.refetch())/> }
                    .into_any()
            }
            Some(Ok(_)) if service_options.with(|o| o.len() < 2) => {
                view! { <p class="notice" role="alert">{tr(|t| t.staff.desk.no_services)}</p> }
                    .into_any()
            }
            _ => ().into_any(),
        })
    };
    let fill = move || {
        view! {
            {no_services}
            <form novalidate on:submit=to_check>
                <SelectField name="service_code" label=|t| t.staff.service value=form.service options=service_options errors/>
                <Radios name="channel" label=|t| t.staff.desk.channel_legend value=form.channel options=channel_options errors/>
                {move || with_service(chosen(), |s| {
                    if s.active {
                        view! { <h2>{tr(|t| t.staff.desk.request_part)}</h2> }.into_any()
                    } else {
                        view! { <p class="notice" role="alert">{tr(|t| t.staff.desk.service_closed)}</p> }.into_any()
                    }
                })}
                {questions(form, detail, errors)}
                {move || with_service(chosen(), |s| time_part(form, s, errors))}
                <h2>{tr(|t| t.staff.desk.citizen_part)}</h2>
                <TextField name="applicant.name" label=|t| t.staff.desk.citizen_name value=form.name errors/>
                <TextField name="applicant.phone" label=|t| t.staff.desk.citizen_mobile hint=|t| t.staff.desk.citizen_mobile_hint value=form.phone errors kind="tel" dir="ltr"/>
                <TextField name="applicant.email" label=|t| t.staff.desk.email_optional value=form.email errors kind="email" dir="ltr"/>
                <TextField name="applicant.national_id" label=|t| t.staff.desk.national_id_optional value=form.national_id errors dir="ltr"/>
                {move || with_service(chosen(), |s| {
                    (s.summary.kind == ServiceKind::Permit).then(|| view! {
                        <TextField name="applicant.cr_number" label=|t| t.staff.desk.cr_optional value=form.cr_number errors dir="ltr"/>
                    })
                    .into_any()
                })}
                <Radios name="locale" label=|t| t.staff.desk.language_legend value=form.language options=language_options errors/>
                <button type="submit" class="button">{tr(|t| t.staff.desk.continue_label)}</button>
            </form>
        }
    };
    let body = move || {
        match step.get() {
        Step::Form => fill().into_any(),
        Step::Check => view! {
            {move || with_service(chosen(), |s| check_view(form, s, locale.locale.get()).into_any())}
            <div class="button-group">
                <button type="button" class="button" id="field-send" disabled=busy on:click=send>
                    {move || if busy.get() { locale.texts().staff.desk.sending } else { locale.texts().staff.desk.send }}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| move_to(Step::Form, |t| t.staff.desk.file_title)>
                    {tr(|t| t.staff.desk.change)}
                </button>
            </div>
        }
        .into_any(),
        Step::Filed => view! {
            <div class="receipt">
                {move || receipt.with(|r| r.as_ref().map(|r| receipt_view(r, locale.locale.get())))}
            </div>
            <div class="button-group">
                <button type="button" class="button button-secondary" on:click=print>{tr(|t| t.staff.desk.print_receipt)}</button>
                <button type="button" class="button" on:click=another>{tr(|t| t.staff.desk.file_another)}</button>
            </div>
        }
        .into_any(),
    }
    };
    view! {
        <div class="intake">
            <PageHeading text=heading error=Signal::derive(move || !errors.read().is_empty())/>
            <ErrorSummary errors/>
            {body}
        </div>
    }
}
