//! A service's ready answers (`/staff/services/{code}/answers`, admins): the list, each
//! with its delete button, and the form to add one. Staff start a message from them.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::backoffice::{NewTemplate, ResponseTemplate};
use nafitha_domain::Localized;

use super::super::api;
use super::super::components::{loaded, TextArea, TextField};
use super::super::use_staff;
use super::heading;
use crate::components::{ErrorSummary, PageHeading};
use crate::i18n::{texts, tr};
use crate::state::{use_announcer, use_locale};

#[component]
fn AddForm(
    service: Memo<String>,
    errors: RwSignal<Vec<InvalidAnswer>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    let [title_ar, title_en, body_ar, body_en] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let template = NewTemplate {
            service: service.get_untracked(),
            title: Localized::new(title_ar.get_untracked(), title_en.get_untracked()),
            body: Localized::new(body_ar.get_untracked(), body_en.get_untracked()),
        };
        if let Err(problems) = template.validate() {
            return errors.set(problems);
        }
        let lang = locale.locale.get_untracked();
        let change = async move { api::add_template(&template, lang).await };
        staff.submit(busy, errors, "title_ar", change, move || {
            for field in [title_ar, title_en, body_ar, body_en] {
                field.set(String::new());
            }
            on_done.try_run(());
        });
    };
    view! {
        <form novalidate on:submit=submit>
            <h2>{tr(|t| t.staff.add_ready_answer)}</h2>
            <TextField name="title_ar" label=|t| t.staff.title_ar value=title_ar errors/>
            <TextField name="title_en" label=|t| t.staff.title_en value=title_en errors dir="ltr"/>
            <TextArea name="body_ar" label=|t| t.staff.body_ar value=body_ar errors dir="rtl"/>
            <TextArea name="body_en" label=|t| t.staff.body_en value=body_en errors dir="ltr"/>
            <button type="submit" class="button button-secondary" disabled=busy>{tr(|t| t.staff.add)}</button>
        </form>
    }
}

#[component]
pub fn AnswersPage() -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let staff = use_staff();
    let params = use_params_map();
    let service = Memo::new(move |_| params.with(|p| p.get("code").unwrap_or_default()));
    let templates = api::list_templates(service);
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let busy = RwSignal::new(false);
    let changed = Callback::new(move |()| {
        announcer.announce(
            texts(locale.locale.get_untracked())
                .staff
                .ready_answers_updated
                .to_owned(),
        );
        templates.refetch();
    });
    let list = move |all: &Vec<ResponseTemplate>, l| {
        let t = &texts(l).staff;
        if all.is_empty() {
            return view! { <p>{t.no_ready_answers}</p> }.into_any();
        }
        let items = all
            .iter()
            .map(|a| {
                let id = a.id;
                let delete = move |_| {
                    let lang = locale.locale.get_untracked();
                    let change = async move { api::delete_template(id, lang).await };
                    staff.submit(busy, errors, "title_ar", change, move || {
                        changed.try_run(());
                    });
                };
                view! {
                    <li>
                        <strong>{a.title.get(l).to_owned()}</strong> ": " {a.body.get(l).to_owned()} " "
                        <button type="button" class="link-button" on:click=delete disabled=busy>
                            {format!("{} {}", t.delete, a.title.get(l))}
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="file-list">{items}</ul> }.into_any()
    };
    view! {
        <PageHeading text=heading(|t| t.staff.ready_answers) loading=Signal::derive(move || templates.with(Option::is_none)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        <p><a href=move || format!("/staff/services/{}", service.get())>{tr(|t| t.staff.back_to_service)}</a></p>
        {loaded(templates, |t| t.staff.service_not_found, list)}
        <AddForm service errors on_done=changed/>
    }
}
