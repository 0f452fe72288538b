//! The back office under `/staff`: sign-in, the queue (filters, counts, pages, CSV), a
//! request with everything the applicant gave, its whole timeline and the actions the life
//! cycle allows, and open work per department for supervisors.
//!
//! Staff work on desktops, but the app is one WASM file for everyone, so these screens are
//! built to cost citizens as few bytes as possible (docs/decisions/0003): each screen is
//! HTML written by `maud` (which escapes every value) into one element, forms are plain
//! forms read with `FormData` when submitted, and one listener per event type serves them
//! all. The heading and the error summary are the same components the citizen pages use.

mod views;

use crate::router::{navigate, use_location};
use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::backoffice::{
    Assignment, DepartmentLoad, NewTemplate, QueuePage, QueueQuery, ResponseTemplate, ServiceEdit,
    StaffMe, StaffRequest, TeamMember,
};
use nafitha_domain::lifecycle::ActionRequest;
use nafitha_domain::stats::{AgencyStats, StatsQuery};
use nafitha_domain::{FormDefinition, Localized, ReferenceNumber, ServiceDetail, ServiceSummary};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::components::{ErrorSummary, PageHeading};
use crate::state::{use_announcer, use_locale};

/// What a staff screen shows.
#[derive(Clone, Debug)]
pub enum Screen {
    Loading,
    SignIn,
    Queue {
        page: QueuePage,
        services: Vec<ServiceSummary>,
        query: String,
    },
    /// A request, and (for supervisors) the colleagues it can be assigned to.
    Request(Box<StaffRequest>, Vec<TeamMember>),
    Loads(Vec<DepartmentLoad>),
    /// The agency's performance figures (supervisors), the agency's services and the query.
    Performance(Box<AgencyStats>, Vec<ServiceSummary>, String),
    Services(Vec<ServiceDetail>),
    Service {
        service: Box<ServiceDetail>,
        templates: Vec<ResponseTemplate>,
        /// The form definition as indented JSON, to edit.
        form: String,
    },
    NotFound,
    Failed(ApiError),
}

/// Which staff screen an address asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    Queue,
    Request(String),
    Loads,
    Performance,
    Services,
    Service(String),
}

/// Who is signed in to the back office, shared by every staff screen so it is asked once.
#[derive(Clone, Copy)]
pub struct StaffContext(pub RwSignal<Option<StaffMe>>);

/// The values of a submitted form, in order, empty ones left out.
fn form_values(form: &web_sys::HtmlFormElement) -> Vec<(String, String)> {
    let Ok(data) = web_sys::FormData::new_with_form(form) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    if let Ok(Some(entries)) = js_sys::try_iter(&data) {
        for entry in entries.flatten() {
            let pair: js_sys::Array = entry.unchecked_into();
            let (key, value) = (pair.get(0).as_string(), pair.get(1).as_string());
            if let (Some(key), Some(value)) = (key, value) {
                if !value.trim().is_empty() {
                    values.push((key, value));
                }
            }
        }
    }
    values
}

fn value_of<'a>(values: &'a [(String, String)], key: &str) -> Option<&'a str> {
    values
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn query_string(values: &[(String, String)]) -> String {
    values
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                js_sys::encode_uri_component(k),
                js_sys::encode_uri_component(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
pub fn StaffPage(
    /// Which screen the address asks for.
    route: Route,
) -> AnyView {
    let locale = use_locale();
    let announcer = use_announcer();
    let location = use_location();
    let StaffContext(me) = expect_context::<StaffContext>();
    let screen = RwSignal::new(Screen::Loading);
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let route = StoredValue::new(route);

    // Loads what the screen shows (after making sure someone is signed in).
    let load = move || {
        let lang = locale.locale.get_untracked();
        let search = location.search.get_untracked();
        let route = route.get_value();
        leptos::task::spawn_local(async move {
            if me.get_untracked().is_none() {
                match api::get_staff_me(lang).await {
                    Ok(found) => me.set(Some(found)),
                    Err(e) if e.needs_sign_in() => return screen.set(Screen::SignIn),
                    Err(e) => return screen.set(Screen::Failed(e)),
                }
            }
            let next = match route {
                Route::Queue => {
                    let query = search.trim_start_matches('?').to_owned();
                    let page = api::list_queue(&query, lang).await;
                    let services = api::list_services_now(lang).await.unwrap_or_default();
                    match page {
                        Ok(page) => {
                            errors.set(Vec::new());
                            Screen::Queue {
                                page,
                                services,
                                query,
                            }
                        }
                        Err(e) => {
                            errors.set(e.problems("status", lang));
                            Screen::Queue {
                                page: QueuePage {
                                    items: Vec::new(),
                                    next: None,
                                    counts: Vec::new(),
                                },
                                services,
                                query,
                            }
                        }
                    }
                }
                Route::Request(reference) => match ReferenceNumber::parse(&reference) {
                    Err(_) => Screen::NotFound,
                    Ok(r) => match api::get_staff_request(&r, lang).await {
                        Ok(request) => {
                            let supervises = me.with_untracked(|m| {
                                m.as_ref().is_some_and(|m| m.role.supervises())
                            });
                            let team = if supervises {
                                api::list_team(lang).await.unwrap_or_default()
                            } else {
                                Vec::new()
                            };
                            Screen::Request(Box::new(request), team)
                        }
                        Err(ApiError::NotFound) => Screen::NotFound,
                        Err(e) => Screen::Failed(e),
                    },
                },
                Route::Performance => {
                    let query = search.trim_start_matches('?').to_owned();
                    match api::get_agency_stats(&query, lang).await {
                        Ok(stats) => {
                            errors.set(Vec::new());
                            let agency = stats.agency.code.clone();
                            let mut services =
                                api::list_services_now(lang).await.unwrap_or_default();
                            services.retain(|s| s.agency.code == agency);
                            Screen::Performance(Box::new(stats), services, query)
                        }
                        Err(e) => Screen::Failed(e),
                    }
                }
                Route::Loads => match api::list_department_loads(lang).await {
                    Ok(loads) => Screen::Loads(loads),
                    Err(e) => Screen::Failed(e),
                },
                Route::Services => match api::list_agency_services(lang).await {
                    Ok(services) => Screen::Services(services),
                    Err(e) => Screen::Failed(e),
                },
                Route::Service(code) => match api::list_agency_services(lang).await {
                    Ok(services) => match services.into_iter().find(|s| s.summary.code == code) {
                        None => Screen::NotFound,
                        Some(service) => Screen::Service {
                            templates: api::list_templates(&code, lang).await.unwrap_or_default(),
                            form: api::get_form_json(&code, lang).await.unwrap_or_default(),
                            service: Box::new(service),
                        },
                    },
                    Err(e) => Screen::Failed(e),
                },
            };
            if matches!(&next, Screen::Failed(e) if e.needs_sign_in()) {
                me.set(None);
                screen.set(Screen::SignIn);
            } else {
                screen.set(next);
            }
        });
    };
    // The queue follows its filters in the address.
    Effect::new(move |_| {
        location.search.track();
        load();
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        ev.prevent_default();
        let values = form_values(&form);
        let lang = locale.locale.get_untracked();
        let kind = form.get_attribute("data-form").unwrap_or_default();
        match kind.as_str() {
            "filters" => {
                // The same rule the server applies, before asking it.
                let get = |key: &str| value_of(&values, key).map(str::to_owned);
                let query = QueueQuery {
                    status: get("status"),
                    service: get("service"),
                    department: get("department"),
                    assignee: get("assignee"),
                    overdue: get("overdue"),
                    due_soon: get("due_soon"),
                    from: get("from"),
                    to: get("to"),
                    q: get("q"),
                    after: None,
                    limit: None,
                };
                let me_name = me.with_untracked(|m| m.as_ref().map(|m| m.username.clone()));
                if let Err(problems) = query.validate(&me_name.unwrap_or_default()) {
                    return errors.set(problems);
                }
                navigate(&format!("/staff?{}", query_string(&values)), false);
            }
            "stats-filters" => {
                let get = |key: &str| value_of(&values, key).map(str::to_owned);
                let query = StatsQuery {
                    period: get("period"),
                    department: get("department"),
                    service: get("service"),
                };
                if let Err(problems) = query.validate() {
                    return errors.set(problems);
                }
                navigate(
                    &format!("/staff/performance?{}", query_string(&values)),
                    false,
                );
            }
            "sign-in" => {
                let username = value_of(&values, "username").unwrap_or_default().to_owned();
                let password = value_of(&values, "password").unwrap_or_default().to_owned();
                let mut problems = Vec::new();
                if username.trim().is_empty() {
                    problems.push(views::problem(
                        "username",
                        "اكتب اسم المستخدم",
                        "Enter your username",
                    ));
                }
                if password.is_empty() {
                    problems.push(views::problem(
                        "password",
                        "اكتب كلمة المرور",
                        "Enter your password",
                    ));
                }
                if !problems.is_empty() {
                    return errors.set(problems);
                }
                leptos::task::spawn_local(async move {
                    match api::staff_sign_in(&username, &password, lang).await {
                        Ok(found) => {
                            errors.set(Vec::new());
                            me.set(Some(found));
                            load();
                        }
                        Err(e) => errors.set(e.problems("password", lang)),
                    }
                });
            }
            "sign-out" => {
                leptos::task::spawn_local(async move {
                    let _ = api::staff_sign_out(lang).await;
                    me.set(None);
                    screen.set(Screen::SignIn);
                });
            }
            "action" | "assign" => {
                let Screen::Request(request, _) = screen.get_untracked() else {
                    return;
                };
                let reference = request.detail.request.reference.clone();
                if kind == "assign" {
                    let assignee = value_of(&values, "assignee")
                        .filter(|a| *a != "-")
                        .map(str::to_owned);
                    leptos::task::spawn_local(async move {
                        match api::assign_request(&reference, &Assignment { assignee }, lang).await
                        {
                            Ok(()) => {
                                errors.set(Vec::new());
                                announcer.announce(
                                    views::say(
                                        lang,
                                        "تم تحديث المسؤول عن الطلب",
                                        "Assignment updated",
                                    )
                                    .to_owned(),
                                );
                                load();
                            }
                            Err(e) => errors.set(e.problems("assignee", lang)),
                        }
                    });
                    return;
                }
                let action = ActionRequest {
                    action: value_of(&values, "action").unwrap_or_default().to_owned(),
                    message: value_of(&values, "message").map(str::to_owned),
                    department: value_of(&values, "department").map(str::to_owned),
                    attachments: Vec::new(),
                };
                if let Err(problems) = action.validate() {
                    return errors.set(problems);
                }
                leptos::task::spawn_local(async move {
                    match api::act_as_staff(&reference, &action, lang).await {
                        // Referred away: it has left this staff member's work; back to the queue.
                        Ok(()) if action.action == "refer" => {
                            errors.set(Vec::new());
                            announcer.announce(
                                views::say(lang, "أحيل الطلب", "The request was referred")
                                    .to_owned(),
                            );
                            navigate("/staff", false);
                        }
                        Ok(()) => {
                            errors.set(Vec::new());
                            announcer.announce(
                                views::say(lang, "تم تسجيل الإجراء", "Action recorded").to_owned(),
                            );
                            load();
                        }
                        Err(e) => errors.set(e.problems("message", lang)),
                    }
                });
            }
            "service" => {
                let Screen::Service { service, .. } = screen.get_untracked() else {
                    return;
                };
                let text = |key: &str| value_of(&values, key).unwrap_or_default().to_owned();
                let both = |key: &str| {
                    Localized::new(text(&format!("{key}_ar")), text(&format!("{key}_en")))
                };
                let mut problems = Vec::new();
                let number = |key: &str, problems: &mut Vec<InvalidAnswer>| {
                    text(key).trim().parse::<u32>().unwrap_or_else(|_| {
                        problems.push(views::problem(
                            key,
                            "أدخل رقمًا صحيحًا",
                            "Enter a whole number",
                        ));
                        0
                    })
                };
                let fee_halalas = number("fee_halalas", &mut problems);
                let sla_working_days =
                    u16::try_from(number("sla_working_days", &mut problems)).unwrap_or(0);
                let documents = text("documents")
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|line| match line.split_once('|') {
                        Some((ar, en)) => Localized::new(ar.trim(), en.trim()),
                        None => Localized::new(line.trim(), ""),
                    })
                    .collect();
                let form_json =
                    serde_json::from_str::<serde_json::Value>(&text("form")).unwrap_or_default();
                let form =
                    serde_json::from_str::<FormDefinition>(&text("form")).unwrap_or_else(|e| {
                        let why = e.to_string();
                        problems.push(InvalidAnswer {
                            field: "form".into(),
                            message: Localized::new(
                                format!("تعريف النموذج ليس JSON صحيحًا: {why}"),
                                format!("The form definition is not valid JSON: {why}"),
                            ),
                        });
                        service.form.clone()
                    });
                let edit = ServiceEdit {
                    name: both("name"),
                    summary: both("summary"),
                    description: both("description"),
                    fee_halalas,
                    sla_working_days,
                    documents,
                    form,
                    active: value_of(&values, "active").is_some(),
                };
                if let Err(found) = edit.validate() {
                    problems.extend(found);
                }
                if !problems.is_empty() {
                    return errors.set(problems);
                }
                let code = service.summary.code.clone();
                let localized = |l: &Localized| serde_json::json!({ "ar": l.ar, "en": l.en });
                let body = serde_json::json!({
                    "name": localized(&edit.name),
                    "summary": localized(&edit.summary),
                    "description": localized(&edit.description),
                    "fee_halalas": edit.fee_halalas,
                    "sla_working_days": edit.sla_working_days,
                    "documents": edit.documents.iter().map(localized).collect::<Vec<_>>(),
                    "form": form_json,
                    "active": edit.active,
                });
                leptos::task::spawn_local(async move {
                    match api::edit_service(&code, &body, lang).await {
                        Ok(()) => {
                            errors.set(Vec::new());
                            announcer.announce(
                                views::say(lang, "تم حفظ الخدمة", "Service saved").to_owned(),
                            );
                            load();
                        }
                        Err(e) => errors.set(e.problems("name_ar", lang)),
                    }
                });
            }
            "template-add" | "template-delete" => {
                let Screen::Service { service, .. } = screen.get_untracked() else {
                    return;
                };
                let text = |key: &str| value_of(&values, key).unwrap_or_default().to_owned();
                let template = NewTemplate {
                    service: service.summary.code.clone(),
                    title: Localized::new(text("title_ar"), text("title_en")),
                    body: Localized::new(text("body_ar"), text("body_en")),
                };
                let adding = kind == "template-add";
                if adding {
                    if let Err(problems) = template.validate() {
                        return errors.set(problems);
                    }
                }
                let id = text("id");
                leptos::task::spawn_local(async move {
                    let done = if adding {
                        api::add_template(&template, lang).await
                    } else {
                        api::delete_template(&id, lang).await
                    };
                    match done {
                        Ok(()) => {
                            errors.set(Vec::new());
                            announcer.announce(
                                views::say(
                                    lang,
                                    "تم تحديث الردود الجاهزة",
                                    "Ready answers updated",
                                )
                                .to_owned(),
                            );
                            load();
                        }
                        Err(e) => errors.set(e.problems("title_ar", lang)),
                    }
                });
            }
            _ => {}
        }
    };

    // A template fills the message box (the staff member can still edit it).
    let on_change = move |ev: leptos::ev::Event| {
        let Some(select) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        else {
            return;
        };
        if select.name() != "template" {
            return;
        }
        let Screen::Request(request, _) = screen.get_untracked() else {
            return;
        };
        let lang = locale.locale.get_untracked();
        let chosen = request
            .templates
            .iter()
            .find(|t| t.id.to_string() == select.value());
        if let (Some(template), Some(message)) =
            (chosen, document().get_element_by_id("field-message"))
        {
            let message: web_sys::HtmlTextAreaElement = message.unchecked_into();
            message.set_value(template.body.get(lang));
        }
    };

    let heading = Signal::derive(move || {
        let l = locale.locale.get();
        views::heading(&screen.get(), l).to_owned()
    });
    let body = Memo::new(move |_| {
        let l = locale.locale.get();
        views::render(&screen.get(), me.get().as_ref(), l).into_string()
    });
    view! {
        <div class="staff">
            <PageHeading text=heading loading=Signal::derive(move || screen.with(|s| matches!(s, Screen::Loading))) error=Signal::derive(move || !errors.read().is_empty())/>
            <ErrorSummary errors/>
            <div inner_html=body on:submit=on_submit on:change=on_change></div>
        </div>
    }
    .into_any()
}
