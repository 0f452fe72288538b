//! A service's editor (`/staff/services/{code}`, admins): names, summaries and
//! descriptions in both languages, fee, time to complete, documents, the form definition
//! (JSON) and whether it takes new requests. Checked by `ServiceEdit::validate` here and
//! again by the server.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::backoffice::ServiceEdit;
use nafitha_domain::{FormDefinition, Localized, ServiceDetail};

use super::super::api;
use super::super::components::{loaded, Checkbox, Notice, TextArea, TextField};
use super::super::use_staff;
use super::problem;
use crate::api::ApiError;
use crate::components::{ErrorSummary, PageHeading};
use crate::i18n::{texts, tr};
use crate::state::{use_announcer, use_locale};

/// The editor's inputs, one signal each.
#[derive(Clone, Copy)]
struct Draft {
    name_ar: RwSignal<String>,
    name_en: RwSignal<String>,
    summary_ar: RwSignal<String>,
    summary_en: RwSignal<String>,
    description_ar: RwSignal<String>,
    description_en: RwSignal<String>,
    fee_halalas: RwSignal<String>,
    sla_working_days: RwSignal<String>,
    /// One document a line: `Arabic | English`.
    documents: RwSignal<String>,
    /// The form definition as indented JSON.
    form: RwSignal<String>,
    active: RwSignal<bool>,
    /// While a save is on its way.
    busy: RwSignal<bool>,
}

impl Draft {
    /// Empty inputs, made by the page (so they outlive any redraw of the form).
    fn new() -> Draft {
        let text = || RwSignal::new(String::new());
        Draft {
            name_ar: text(),
            name_en: text(),
            summary_ar: text(),
            summary_en: text(),
            description_ar: text(),
            description_en: text(),
            fee_halalas: text(),
            sla_working_days: text(),
            documents: text(),
            form: text(),
            active: RwSignal::new(false),
            busy: RwSignal::new(false),
        }
    }

    /// Shows the service as stored.
    fn fill(&self, s: &ServiceDetail) {
        let documents: Vec<String> = s
            .documents
            .iter()
            .map(|d| format!("{} | {}", d.ar, d.en))
            .collect();
        self.name_ar.set(s.summary.name.ar.clone());
        self.name_en.set(s.summary.name.en.clone());
        self.summary_ar.set(s.summary.summary.ar.clone());
        self.summary_en.set(s.summary.summary.en.clone());
        self.description_ar.set(s.description.ar.clone());
        self.description_en.set(s.description.en.clone());
        self.fee_halalas.set(s.summary.fee_halalas.to_string());
        self.sla_working_days
            .set(s.summary.sla_working_days.to_string());
        self.documents.set(documents.join("\n"));
        self.form
            .set(serde_json::to_string_pretty(&s.form).unwrap_or_default());
        self.active.set(s.active);
    }

    /// The edit, or the problems with the inputs that are not even of the right shape
    /// (a number that is not one, JSON that does not parse); `ServiceEdit::validate`
    /// checks the rest.
    fn edit(&self) -> Result<ServiceEdit, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let mut number = |field: &str, value: RwSignal<String>| {
            value
                .get_untracked()
                .trim()
                .parse::<u32>()
                .unwrap_or_else(|_| {
                    problems.push(problem(field, |t| t.staff.whole_number.to_owned()));
                    0
                })
        };
        let fee_halalas = number("fee_halalas", self.fee_halalas);
        let sla_working_days = number("sla_working_days", self.sla_working_days);
        let form = serde_json::from_str::<FormDefinition>(&self.form.get_untracked())
            .unwrap_or_else(|e| {
                problems.push(problem("form", |t| {
                    (t.staff.form_not_json)(e.line(), e.column())
                }));
                FormDefinition::default()
            });
        let documents = self
            .documents
            .get_untracked()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| match line.split_once('|') {
                Some((ar, en)) => Localized::new(ar.trim(), en.trim()),
                None => Localized::new(line.trim(), ""),
            })
            .collect();
        let both = |ar: RwSignal<String>, en: RwSignal<String>| {
            Localized::new(ar.get_untracked(), en.get_untracked())
        };
        let edit = ServiceEdit {
            name: both(self.name_ar, self.name_en),
            summary: both(self.summary_ar, self.summary_en),
            description: both(self.description_ar, self.description_en),
            fee_halalas,
            sla_working_days: u16::try_from(sla_working_days).unwrap_or(0),
            documents,
            form,
            active: self.active.get_untracked(),
        };
        if let Err(found) = edit.validate() {
            problems.extend(found);
        }
        if problems.is_empty() {
            Ok(edit)
        } else {
            Err(problems)
        }
    }
}

/// The box a problem belongs to: one with a document line or a question of the form
/// belongs to the whole box it was typed in (`documents.2` → `documents`).
fn onto_input(field: &str) -> &str {
    match field.split_once('.') {
        Some((field @ ("documents" | "form"), _)) => field,
        _ => field,
    }
}

fn onto_inputs(mut problems: Vec<InvalidAnswer>) -> Vec<InvalidAnswer> {
    for p in &mut problems {
        p.field = onto_input(&p.field).to_owned();
    }
    problems
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
    let answers = format!("/staff/services/{code}/answers");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let edit = match draft.edit() {
            Ok(edit) => edit,
            Err(problems) => return errors.set(onto_inputs(problems)),
        };
        let (lang, code) = (locale.locale.get_untracked(), code.clone());
        let change = async move {
            let answer = api::edit_service(&code, &edit, lang).await;
            // A refusal naming a document line or a question points at its whole box.
            answer.map_err(|e| match e {
                ApiError::Server { status, mut body } => {
                    for f in &mut body.fields {
                        f.field = onto_input(&f.field).to_owned();
                    }
                    ApiError::Server { status, body }
                }
                other => other,
            })
        };
        staff.submit(draft.busy, errors, "name_ar", change, move || {
            announcer.announce(texts(lang).staff.service_saved.to_owned());
            on_saved.try_run(());
        });
    };
    view! {
        <p>
            <a href="/staff/services">{tr(|t| t.staff.all_services)}</a> " · "
            <a href=answers>{tr(|t| t.staff.ready_answers)}</a>
        </p>
        <form novalidate on:submit=submit>
            <TextField name="name_ar" label=|t| t.staff.name_ar value=draft.name_ar errors/>
            <TextField name="name_en" label=|t| t.staff.name_en value=draft.name_en errors dir="ltr"/>
            <TextArea name="summary_ar" label=|t| t.staff.summary_ar value=draft.summary_ar errors rows=2 dir="rtl"/>
            <TextArea name="summary_en" label=|t| t.staff.summary_en value=draft.summary_en errors rows=2 dir="ltr"/>
            <TextArea name="description_ar" label=|t| t.staff.description_ar value=draft.description_ar errors rows=4 dir="rtl"/>
            <TextArea name="description_en" label=|t| t.staff.description_en value=draft.description_en errors rows=4 dir="ltr"/>
            <TextField name="fee_halalas" label=|t| t.staff.fee_halalas value=draft.fee_halalas errors kind="number"/>
            <TextField name="sla_working_days" label=|t| t.staff.sla_days value=draft.sla_working_days errors kind="number"/>
            <TextArea name="documents" label=|t| t.staff.documents_lines value=draft.documents errors rows=4/>
            <TextArea name="form" label=|t| t.staff.form_json value=draft.form errors rows=12 dir="ltr"/>
            <div class="field checkboxes">
                <Checkbox name="active" label=|t| t.staff.accepts_requests checked=draft.active errors/>
            </div>
            <button type="submit" class="button" disabled=draft.busy>{tr(|t| t.staff.save)}</button>
        </form>
    }
}

#[component]
pub fn ServicePage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let code = Memo::new(move |_| params.with(|p| p.get("code").unwrap_or_default()));
    let services = api::list_agency_services();
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let find = move |all: &[ServiceDetail]| {
        code.with(|c| all.iter().find(|s| s.summary.code == *c).cloned())
    };
    let heading = Signal::derive(move || {
        let l = locale.locale.get();
        services.with(|s| match s {
            Some(Ok(all)) => find(all).map_or_else(
                || texts(l).staff.service_not_found.to_owned(),
                |s| s.summary.name.get(l).to_owned(),
            ),
            Some(Err(_)) => texts(l).staff.service_not_found.to_owned(),
            None => texts(l).loading.to_owned(),
        })
    });
    // The inputs show the service as stored when it loads, and again after a save.
    let draft = Draft::new();
    Effect::new(move |_| {
        services.with(|s| {
            if let Some(service) = s
                .as_ref()
                .and_then(|s| s.as_ref().ok())
                .and_then(|all| find(all))
            {
                draft.fill(&service);
            }
        })
    });
    let saved = Callback::new(move |()| services.refetch());
    view! {
        <PageHeading text=heading loading=Signal::derive(move || services.with(Option::is_none)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        {loaded(services, |t| t.staff.not_allowed, move |all: &Vec<ServiceDetail>, _| match find(all) {
            Some(s) => view! { <Editor code=s.summary.code draft errors on_saved=saved/> }.into_any(),
            None => view! { <Notice text=|t| t.staff.service_not_found/> }.into_any(),
        })}
    }
}
