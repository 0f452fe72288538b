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
use nafitha_domain::lifecycle::{Action, ActionRequest};
use nafitha_domain::{Locale, ReferenceNumber};

use super::super::api;
use super::super::components::{deadline_tags, file_list, loaded, Radios, SelectField, TextArea};
use super::super::use_staff;
use crate::components::{answer_rows, ErrorSummary, PageHeading};
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
    let chosen = RwSignal::new(current.clone().unwrap_or_default());
    let send = move |assignee: Option<String>| {
        let lang = locale.locale.get_untracked();
        let reference = reference.clone();
        leptos::task::spawn_local(async move {
            let answer = api::assign_request(&reference, &Assignment { assignee }, lang).await;
            if staff.settle(answer, errors, "assignee") {
                announcer.announce(texts(lang).staff.assignment_updated.to_owned());
                on_done.run(());
            }
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
                <button type="submit" class="button button-secondary">{tr(|t| t.staff.assign)}</button>
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
            <button type="submit" class="button button-secondary">{tr(label)}</button>
        </form>
    }
    .into_any()
}

/// What the action form holds, kept by the page so that nothing typed is lost when the
/// form is drawn again (another language, the team's list arriving).
#[derive(Clone, Copy)]
struct ActionDraft {
    action: RwSignal<String>,
    template: RwSignal<String>,
    message: RwSignal<String>,
    department: RwSignal<String>,
}

impl ActionDraft {
    fn new() -> ActionDraft {
        ActionDraft {
            action: RwSignal::new(String::new()),
            template: RwSignal::new(String::new()),
            message: RwSignal::new(String::new()),
            department: RwSignal::new(String::new()),
        }
    }

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
    draft: ActionDraft,
    errors: RwSignal<Vec<InvalidAnswer>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let staff = use_staff();
    let navigate = use_navigate();
    let ActionDraft {
        action,
        template,
        message,
        department,
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
        leptos::task::spawn_local(async move {
            if !staff.settle(
                api::act_as_staff(&reference, &body, lang).await,
                errors,
                "message",
            ) {
                return;
            }
            draft.clear();
            let t = &texts(lang).staff;
            // Referred away: it has left this staff member's work; back to the queue.
            if body.action == Action::Refer.code() {
                announcer.announce(t.referred.to_owned());
                navigate(
                    "/staff",
                    NavigateOptions {
                        resolve: false,
                        ..Default::default()
                    },
                );
            } else {
                announcer.announce(t.action_recorded.to_owned());
                on_done.run(());
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
                <button type="submit" class="button">{tr(|t| t.staff.record_action)}</button>
            </form>
        </section>
    }
}

fn event(reference: &ReferenceNumber, e: &EventEntry, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let what = match Action::from_code(&e.kind) {
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
            {(!e.attachments.is_empty()).then(|| file_list(reference, &e.attachments, l))}
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
        view! { <h2>{t.documents}</h2>{file_list(reference, &d.attachments, l)} }
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
    let draft = ActionDraft::new();
    let reload = Callback::new(move |()| request.refetch());
    let heading = Signal::derive(move || {
        let l = locale.locale.get();
        request.with(|r| match r {
            Some(Ok(r)) => format!(
                "{} {}",
                r.detail.request.service.name.get(l),
                r.detail.request.reference.grouped()
            ),
            Some(Err(_)) => texts(l).staff.request_not_found.to_owned(),
            None => texts(l).loading.to_owned(),
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
                <AssignForm request=r.clone() team=members errors on_done=reload/>
                {(!r.actions.is_empty()).then(|| view! { <ActionForm request=r.clone() draft errors on_done=reload/> })}
                {record(r, l)}
            }
        },
    );
    view! {
        <PageHeading text=heading loading=Signal::derive(move || request.with(Option::is_none)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        {move || reference.with(Option::is_none).then(|| view! { <super::super::components::Notice text=|t| t.staff.not_in_your_work/> })}
        {body}
    }
}
