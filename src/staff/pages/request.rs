//! A request (`/staff/requests/{reference}`): its facts, who has it (take, give back, or
//! for supervisors assign), the actions the life cycle allows now (with ready answers to
//! start the message from), the whole timeline with internal notes, and everything the
//! applicant gave, shown as they saw it.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;
use nafitha_domain::account::EventEntry;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::backoffice::{Assignment, StaffRequest, TeamMember};
use nafitha_domain::intake::ENQUIRY_KIND;
use nafitha_domain::lifecycle::{Action, ActionRequest};
use nafitha_domain::{Locale, ReferenceNumber};

use super::super::api;
use super::super::components::{deadline_tags, loaded, Notice, Radios, SelectField, TextArea};
use super::super::use_staff;
use super::appointments::RequestAppointment;
use crate::api::ApiError;
use crate::components::{answer_rows, file_list, ErrorSummary, PageHeading};
use crate::dates::{format_day, format_moment};
use crate::i18n::{texts, tr};
use crate::state::{use_announcer, use_locale};

/// The facts at the top: reference, status, department, dates, assignee.
fn facts(r: &StaffRequest, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let d = &r.detail.request;
    view! {
        <dl class="facts">
            <div><dt>{t.reference}</dt><dd dir="ltr">{d.reference.grouped()}</dd></div>
            <div><dt>{t.status}</dt><dd><strong class="tag">{d.status.label(l)}</strong></dd></div>
            <div><dt>{t.department}</dt><dd>{d.department.name.get(l).to_owned()}</dd></div>
            <div><dt>{t.filed}</dt><dd>{format_moment(&d.submitted_at, l)}</dd></div>
            <div><dt>{t.due}</dt><dd>{format_day(d.due_on, l)}{deadline_tags(r.overdue, r.due_soon, l)}</dd></div>
            <div><dt>{t.assigned_to}</dt><dd>{r.assignee.clone().unwrap_or_else(|| t.nobody_yet.to_owned())}</dd></div>
        </dl>
    }
}

/// Who works on it: supervisors choose anyone on the team who can see it; others take a
/// free request or give back their own.
#[component]
fn AssignForm(
    request: StaffRequest,
    team: Vec<TeamMember>,
    draft: Draft,
    errors: RwSignal<Vec<InvalidAnswer>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let staff = use_staff();
    let Some(me) = staff.me() else {
        return ().into_any();
    };
    let reference = request.detail.request.reference.clone();
    let current = request.assignee.clone();
    let (chosen, busy) = (draft.assignee, draft.busy);
    let send = move |assignee: Option<String>| {
        let lang = locale.locale.get_untracked();
        let reference = reference.clone();
        let change =
            async move { api::assign_request(&reference, &Assignment { assignee }, lang).await };
        staff.submit(busy, errors, "assignee", change, move || {
            announcer.announce(texts(lang).staff.assignment_updated.to_owned());
            on_done.try_run(());
        });
    };
    if me.role.supervises() {
        let d = &request.detail.request;
        let people: Vec<String> = team
            .iter()
            .filter(|m| m.can_see(&d.agency.code, &me.agency.code, &d.department.code))
            .map(|m| m.username.clone())
            .collect();
        let options = Signal::derive(move || {
            let mut options = vec![(
                String::new(),
                texts(locale.locale.get()).staff.nobody.to_owned(),
            )];
            options.extend(people.iter().map(|p| (p.clone(), p.clone())));
            options
        });
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            send(Some(chosen.get_untracked()).filter(|c| !c.is_empty()));
        };
        return view! {
            <form class="assign" novalidate on:submit=submit>
                <SelectField name="assignee" label=|t| t.staff.assign_to value=chosen options errors/>
                <button type="submit" class="button button-secondary" disabled=busy>{tr(|t| t.staff.assign)}</button>
            </form>
        }
        .into_any();
    }
    let (next, label): (
        Option<String>,
        fn(&'static crate::i18n::Texts) -> &'static str,
    ) = match current.as_deref() {
        None => (Some(me.username.clone()), |t| t.staff.take),
        Some(mine) if mine == me.username => (None, |t| t.staff.give_back),
        Some(_) => return ().into_any(),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(next.clone());
    };
    view! {
        <form class="assign" on:submit=submit>
            <button type="submit" class="button button-secondary" disabled=busy>{tr(label)}</button>
        </form>
    }
    .into_any()
}

/// What the page's forms hold, kept by the page so that nothing typed or chosen is lost
/// when the forms are drawn again (another language, the team's list arriving); `busy`
/// while a change is on its way.
#[derive(Clone, Copy)]
struct Draft {
    action: RwSignal<String>,
    template: RwSignal<String>,
    message: RwSignal<String>,
    department: RwSignal<String>,
    assignee: RwSignal<String>,
    busy: RwSignal<bool>,
}

impl Draft {
    fn new() -> Draft {
        Draft {
            action: RwSignal::new(String::new()),
            template: RwSignal::new(String::new()),
            message: RwSignal::new(String::new()),
            department: RwSignal::new(String::new()),
            assignee: RwSignal::new(String::new()),
            busy: RwSignal::new(false),
        }
    }

    /// Forgets the action typed (after it was recorded).
    fn clear(&self) {
        for field in [self.action, self.template, self.message, self.department] {
            field.set(String::new());
        }
    }
}

/// The action form: what to do, a ready answer to start from, the message, and where to
/// refer it.
#[component]
fn ActionForm(
    request: StaffRequest,
    draft: Draft,
    errors: RwSignal<Vec<InvalidAnswer>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let staff = use_staff();
    let navigate = use_navigate();
    let Draft {
        action,
        template,
        message,
        department,
        busy,
        ..
    } = draft;
    let actions = request.actions.clone();
    let templates = StoredValue::new(request.templates.clone());
    let targets = request.departments.clone();
    // A ready answer fills the message box (the staff member can still edit it).
    Effect::new(move |previous: Option<String>| {
        let chosen = template.get();
        if previous.is_some_and(|p| p != chosen) {
            let l = locale.locale.get_untracked();
            templates.with_value(|all| {
                if let Some(t) = all.iter().find(|t| t.id.to_string() == chosen) {
                    message.set(t.body.get(l).to_owned());
                }
            });
        }
        chosen
    });
    let reference = request.detail.request.reference.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ActionRequest {
            action: action.get_untracked(),
            message: Some(message.get_untracked()).filter(|m| !m.trim().is_empty()),
            department: Some(department.get_untracked()).filter(|d| !d.is_empty()),
            attachments: Vec::new(),
        };
        if let Err(problems) = body.validate() {
            return errors.set(problems);
        }
        let (lang, reference, navigate) = (
            locale.locale.get_untracked(),
            reference.clone(),
            navigate.clone(),
        );
        let action_code = body.action.clone();
        let change = async move { api::act_as_staff(&reference, &body, lang).await };
        staff.submit(busy, errors, "message", change, move || {
            draft.clear();
            let t = &texts(lang).staff;
            // Referred away: it has left this staff member's work; back to the queue.
            if action_code == Action::Refer.code() {
                announcer.announce(t.referred.to_owned());
                let to_queue = NavigateOptions {
                    resolve: false,
                    ..Default::default()
                };
                navigate("/staff", to_queue);
            } else {
                announcer.announce(t.action_recorded.to_owned());
                on_done.try_run(());
            }
        });
    };
    let l = move || locale.locale.get();
    let action_options = Signal::derive(move || {
        actions
            .iter()
            .map(|a| (a.code().to_owned(), a.label(l()).to_owned()))
            .collect()
    });
    let template_options = Signal::derive(move || {
        let mut options = vec![(String::new(), texts(l()).staff.no_template.to_owned())];
        templates.with_value(|all| {
            options.extend(
                all.iter()
                    .map(|t| (t.id.to_string(), t.title.get(l()).to_owned())),
            );
        });
        options
    });
    let department_options = Signal::derive(move || {
        let mut options = vec![(String::new(), texts(l()).staff.refer_choose.to_owned())];
        options.extend(targets.iter().map(|t| {
            let name = format!(
                "{} — {}",
                t.agency.name.get(l()),
                t.department.name.get(l())
            );
            (t.department.code.clone(), name)
        }));
        options
    });
    let has_templates = templates.with_value(|t| !t.is_empty());
    view! {
        <section class="panel-action staff-action" aria-labelledby="act-title">
            <h2 id="act-title">{tr(|t| t.staff.act_title)}</h2>
            <form novalidate on:submit=submit>
                <Radios name="action" label=|t| t.staff.what_to_do value=action options=action_options errors/>
                {has_templates.then(|| view! {
                    <SelectField name="template" label=|t| t.staff.ready_answer value=template options=template_options errors/>
                })}
                <TextArea name="message" label=|t| t.staff.message hint=|t| t.staff.message_hint value=message errors rows=5 maxlength=2000/>
                <SelectField name="department" label=|t| t.staff.refer_to value=department options=department_options errors/>
                <button type="submit" class="button" disabled=busy>{tr(|t| t.staff.record_action)}</button>
            </form>
        </section>
    }
}

fn event(reference: &ReferenceNumber, e: &EventEntry, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    // How it came in and who got in touch read as the applicant reads them; every other
    // step by the action taken.
    let what = match Action::from_code(&e.kind) {
        _ if e.kind == "submitted" || e.kind == ENQUIRY_KIND => e.title(l),
        Some(a) => a.label(l),
        None if e.kind == "assign" => t.assignment_changed,
        None => t.filed_event,
    };
    let who = if e.by_applicant {
        t.the_applicant.to_owned()
    } else {
        e.by.clone()
            .unwrap_or_else(|| e.department.name.get(l).to_owned())
    };
    let meta = format!(
        "{} · {} · {}",
        e.status.label(l),
        who,
        format_moment(&e.at, l)
    );
    view! {
        <li class:internal=e.internal>
            <strong>{what}</strong>
            {e.internal.then(|| view! { " " <span class="tag">{t.internal}</span> })}
            <span class="timeline-meta">{meta}</span>
            {e.message.clone().map(|m| view! { <p class="message">{m}</p> })}
            {(!e.attachments.is_empty()).then(|| file_list(&format!("/api/v1/staff/requests/{reference}"), &e.attachments, l))}
        </li>
    }
}

/// The timeline (newest first) and what the applicant gave.
fn record(r: &StaffRequest, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let d = &r.detail;
    let reference = &d.request.reference;
    let events = d
        .events
        .iter()
        .rev()
        .map(|e| event(reference, e, l))
        .collect_view();
    let optional = |term: &'static str, value: &Option<String>| {
        value
            .clone()
            .map(|v| view! { <div><dt>{term}</dt><dd dir="ltr">{v}</dd></div> })
    };
    let files = (!d.attachments.is_empty()).then(|| {
        view! { <h2>{t.documents}</h2>{file_list(&format!("/api/v1/staff/requests/{reference}"), &d.attachments, l)} }
    });
    view! {
        <h2 id="timeline-title">{t.timeline}</h2>
        <ol class="timeline" aria-labelledby="timeline-title">{events}</ol>
        <h2>{t.applicant_gave}</h2>
        <dl class="facts">
            <div><dt>{t.name}</dt><dd>{d.applicant.name.clone()}</dd></div>
            <div><dt>{t.mobile}</dt><dd dir="ltr">{d.applicant.phone.clone()}</dd></div>
            {optional(t.email, &d.applicant.email)}
            {optional(t.national_id, &d.applicant.national_id)}
            {optional(t.cr_number, &d.applicant.cr_number)}
            {answer_rows(&d.answers, &r.form, l)}
        </dl>
        {files}
    }
}

#[component]
pub fn RequestPage() -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    let params = use_params_map();
    let reference = Memo::new(move |_| {
        params.with(|p| {
            p.get("reference")
                .and_then(|r| ReferenceNumber::parse(&r).ok())
        })
    });
    let request = api::get_staff_request(reference);
    let team = api::list_team(Signal::derive(move || staff.supervises()));
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let draft = Draft::new();
    // The assignee shown is the stored one, each time the request is (re)loaded.
    Effect::new(move |_| {
        request.with(|r| {
            if let Some(Ok(r)) = r {
                draft.assignee.set(r.assignee.clone().unwrap_or_default());
            }
        })
    });
    let reload = Callback::new(move |()| request.refetch());
    let heading = Signal::derive(move || {
        let t = texts(locale.locale.get());
        if reference.with(Option::is_none) {
            return t.staff.request_not_found.to_owned();
        }
        request.with(|r| match r {
            Some(Ok(r)) => format!(
                "{} {}",
                r.detail.request.service.name.get(locale.locale.get()),
                r.detail.request.reference.grouped()
            ),
            Some(Err(ApiError::NotFound)) => t.staff.request_not_found.to_owned(),
            Some(Err(_)) => t.load_failed.to_owned(),
            None => t.loading.to_owned(),
        })
    });
    let body = loaded(
        request,
        |t| t.staff.not_in_your_work,
        move |r: &StaffRequest, l| {
            let members = team.with(|t| match t {
                Some(Ok(t)) => t.clone(),
                _ => Vec::new(),
            });
            view! {
                {facts(r, l)}
                <AssignForm request=r.clone() team=members draft errors on_done=reload/>
                <RequestAppointment request=r.clone() errors on_done=reload/>
                {(!r.actions.is_empty()).then(|| view! { <ActionForm request=r.clone() draft errors on_done=reload/> })}
                {record(r, l)}
            }
        },
    );
    // An address that is not a reference is never asked for.
    let malformed = move || reference.with(Option::is_none);
    view! {
        <PageHeading text=heading loading=Signal::derive(move || !malformed() && request.with(Option::is_none)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        <Show when=malformed fallback=body>
            <Notice text=|t| t.staff.not_in_your_work/>
        </Show>
    }
}
