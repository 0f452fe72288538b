//! The back office's screens as HTML (`maud` escapes every spliced value). Pure functions
//! of what is loaded and the language; forms carry `data-form` for the one submit listener,
//! and every input an id `field-<name>` so the error summary can link to it.

use maud::{html, Markup};
use nafitha_domain::account::{AttachmentInfo, EventEntry};
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::backoffice::{
    DepartmentLoad, QueueItem, QueuePage, ResponseTemplate, Role, StaffMe, StaffRequest, TeamMember,
};
use nafitha_domain::lifecycle::{Action, RequestStatus};
use nafitha_domain::{Locale, Localized, ReferenceNumber, ServiceDetail, ServiceSummary};

use super::Screen;
use crate::dates::{format_day, format_moment};
use crate::performance;
use nafitha_domain::rating::satisfaction_label;
use nafitha_domain::stats::{AgencyStats, Period};

pub use crate::i18n::say;

/// A problem with one field, in both languages.
pub fn problem(field: &str, ar: &str, en: &str) -> InvalidAnswer {
    InvalidAnswer {
        field: field.to_owned(),
        message: Localized::new(ar, en),
    }
}

/// The `<h1>` of a screen.
pub fn heading(screen: &Screen, l: Locale) -> String {
    match screen {
        Screen::Loading => say(l, "جارٍ التحميل…", "Loading…").into(),
        Screen::SignIn => say(l, "دخول الموظفين", "Staff sign-in").into(),
        Screen::Queue { .. } => say(l, "الطلبات", "Requests").into(),
        Screen::Request(r, _) => format!(
            "{} {}",
            r.detail.request.service.name.get(l),
            r.detail.request.reference.grouped()
        ),
        Screen::Loads(_) => say(l, "العمل المفتوح حسب الإدارة", "Open work by department").into(),
        Screen::Performance(s, _, _) => format!(
            "{} {}",
            say(l, "أداء", "Performance of"),
            s.agency.name.get(l)
        ),
        Screen::Services(_) => say(l, "خدمات الجهة", "Your agency's services").into(),
        Screen::Service { service, .. } => service.summary.name.get(l).to_owned(),
        Screen::NotFound => say(l, "الطلب غير موجود", "Request not found").into(),
        Screen::Failed(_) => say(l, "تعذر التحميل", "Could not load").into(),
    }
}

fn role_label(role: Role, l: Locale) -> &'static str {
    match role {
        Role::Agent => say(l, "موظف", "agent"),
        Role::Supervisor => say(l, "مشرف", "supervisor"),
        Role::Admin => say(l, "مسؤول النظام", "admin"),
    }
}

/// Everything below the heading.
pub fn render(screen: &Screen, me: Option<&StaffMe>, l: Locale) -> Markup {
    html! {
        @if let Some(me) = me.filter(|_| !matches!(screen, Screen::SignIn)) {
            (staff_bar(me, l))
        }
        @match screen {
            Screen::Loading => p.loading role="status" { (say(l, "جارٍ التحميل…", "Loading…")) },
            Screen::SignIn => (sign_in(l)),
            Screen::Queue { page, services, query } => (queue(page, services, query, l)),
            Screen::Request(request, team) => (request_view(request, team, me, l)),
            Screen::Loads(loads) => (loads_view(loads, l)),
            Screen::Performance(stats, services, query) => (performance_view(stats, services, query, l)),
            Screen::Services(services) => (services_view(services, l)),
            Screen::Service { service, templates, form } => (service_view(service, templates, form, l)),
            Screen::NotFound => p.notice role="alert" {
                (say(l, "لا يوجد طلب بهذا الرقم ضمن عملك.", "There is no request with this number in your work."))
                " " a href="/staff" { (say(l, "العودة إلى الطلبات", "Back to the requests")) }
            },
            Screen::Failed(error) => p.notice role="alert" { (error.message(l)) },
        }
    }
}

fn staff_bar(me: &StaffMe, l: Locale) -> Markup {
    html! {
        nav.staff-bar aria-label=(say(l, "المكتب الخلفي", "Back office")) {
            p {
                (say(l, "أنت: ", "Signed in as ")) strong { (me.username) }
                " (" (role_label(me.role, l)) ", " (me.agency.name.get(l))
                @if let Some(d) = &me.department { ", " (d.name.get(l)) }
                ")"
            }
            ul {
                li { a href="/staff" { (say(l, "الطلبات", "Requests")) } }
                li { a href="/staff?assignee=me" { (say(l, "طلباتي", "My work")) } }
                @if me.role.supervises() {
                    li { a href="/staff/overdue" { (say(l, "العمل المفتوح حسب الإدارة", "Open work by department")) } }
                    li { a href="/staff/performance" { (say(l, "الأداء والتقييمات", "Performance and ratings")) } }
                }
                @if me.role == Role::Admin {
                    li { a href="/staff/services" { (say(l, "خدمات الجهة", "Services")) } }
                }
                li {
                    form data-form="sign-out" {
                        button.link-button type="submit" { (say(l, "تسجيل الخروج", "Sign out")) }
                    }
                }
            }
        }
    }
}

fn text_input(name: &str, label: &str, kind: &str, value: &str, autocomplete: &str) -> Markup {
    let id = format!("field-{name}");
    html! {
        div.field {
            label.label for=(id) { (label) }
            input.input #(id) name=(name) type=(kind) value=(value) autocomplete=(autocomplete);
        }
    }
}

fn sign_in(l: Locale) -> Markup {
    html! {
        form data-form="sign-in" novalidate {
            (text_input("username", say(l, "اسم المستخدم", "Username"), "text", "", "username"))
            (text_input("password", say(l, "كلمة المرور", "Password"), "password", "", "current-password"))
            button.button type="submit" { (say(l, "دخول", "Sign in")) }
        }
    }
}

/// The query's `key=value` pairs, decoded.
fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            let decode = |s: &str| {
                js_sys::decode_uri_component(&s.replace('+', " "))
                    .map(String::from)
                    .unwrap_or_default()
            };
            (decode(k), decode(v))
        })
        .collect()
}

fn query_without(pairs: &[(String, String)], drop: &str) -> String {
    let kept: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != drop).cloned().collect();
    super::query_string(&kept)
}

fn select(name: &str, label: &str, options: &[(String, String)], chosen: &str) -> Markup {
    let id = format!("field-{name}");
    html! {
        div.field {
            label.label for=(id) { (label) }
            select.input #(id) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[value == chosen] { (text) }
                }
            }
        }
    }
}

fn deadline_tags(overdue: bool, due_soon: bool, l: Locale) -> Markup {
    html! {
        @if overdue { " " strong.tag.tag-warning { (say(l, "متأخر", "Overdue")) } }
        @if due_soon { " " strong.tag { (say(l, "يستحق قريبًا", "Due soon")) } }
    }
}

fn queue_row(item: &QueueItem, l: Locale) -> Markup {
    html! {
        tr {
            td dir="ltr" { a href={ "/staff/requests/" (item.reference) } { (item.reference.grouped()) } }
            td { (item.service.name.get(l)) }
            td { (item.department.name.get(l)) }
            td { (item.status.label(l)) }
            td { (format_moment(&item.submitted_at, l)) }
            td { (format_day(item.due_on, l)) (deadline_tags(item.overdue, item.due_soon, l)) }
            td { (item.assignee.as_deref().unwrap_or("—")) }
        }
    }
}

fn queue(page: &QueuePage, services: &[ServiceSummary], query: &str, l: Locale) -> Markup {
    let current = pairs(query);
    let get = |key: &str| {
        current
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let mut statuses = vec![
        (
            "open".to_owned(),
            say(l, "كل الطلبات المفتوحة", "All open requests").to_owned(),
        ),
        (
            "all".to_owned(),
            say(l, "كل الحالات", "Every status").to_owned(),
        ),
    ];
    statuses.extend(
        RequestStatus::ALL
            .iter()
            .map(|s| (s.code().to_owned(), s.label(l).to_owned())),
    );
    let mut service_options = vec![(
        String::new(),
        say(l, "كل الخدمات", "Every service").to_owned(),
    )];
    service_options.extend(
        services
            .iter()
            .map(|s| (s.code.clone(), s.name.get(l).to_owned())),
    );
    let assignees = [
        (String::new(), say(l, "الجميع", "Anyone").to_owned()),
        ("me".to_owned(), say(l, "أنا", "Me").to_owned()),
        (
            "none".to_owned(),
            say(l, "غير مسند", "Nobody yet").to_owned(),
        ),
    ];
    let without_after = query_without(&current, "after");
    html! {
        @if !page.counts.is_empty() {
            h2 { (say(l, "حسب الحالة", "By status")) }
            ul.counts {
                @for c in &page.counts {
                    li { a href={ "/staff?status=" (c.status.code()) } { (c.status.label(l)) ": " (c.count) } }
                }
            }
        }
        details.disclosure open[!query.is_empty()] {
            summary { (say(l, "تصفية الطلبات", "Filter the requests")) }
            form.filters data-form="filters" novalidate {
                (select("status", say(l, "الحالة", "Status"), &statuses, if get("status").is_empty() { "open" } else { get("status") }))
                (select("service", say(l, "الخدمة", "Service"), &service_options, get("service")))
                (select("assignee", say(l, "المسؤول", "Assigned to"), &assignees, get("assignee")))
                div.field.checkboxes {
                    label { input #field-overdue type="checkbox" name="overdue" value="true" checked[get("overdue") == "true"]; " " (say(l, "المتأخرة فقط", "Overdue only")) }
                    label { input #field-due_soon type="checkbox" name="due_soon" value="true" checked[get("due_soon") == "true"]; " " (say(l, "تستحق قريبًا فقط", "Due soon only")) }
                }
                (text_input("from", say(l, "قُدّم من تاريخ", "Filed from"), "date", get("from"), "off"))
                (text_input("to", say(l, "إلى تاريخ", "Filed until"), "date", get("to"), "off"))
                (text_input("q", say(l, "رقم الطلب أو أوله", "Reference number, or its first digits"), "search", get("q"), "off"))
                @if !get("department").is_empty() { input type="hidden" name="department" value=(get("department")); }
                div.button-row {
                    button.button type="submit" { (say(l, "تطبيق", "Apply filters")) }
                    a href="/staff" { (say(l, "إزالة التصفية", "Clear filters")) }
                }
            }
        }
        @if page.items.is_empty() {
            p { (say(l, "لا توجد طلبات تطابق التصفية.", "No requests match these filters.")) }
        } @else {
            div.table-scroll role="region" aria-labelledby="queue-caption" tabindex="0" {
                table.queue {
                    caption #queue-caption { (say(l, "الطلبات مرتبة حسب الموعد المتوقع", "Requests, by due date")) }
                    thead { tr {
                        th scope="col" { (say(l, "رقم الطلب", "Reference")) }
                        th scope="col" { (say(l, "الخدمة", "Service")) }
                        th scope="col" { (say(l, "الإدارة", "Department")) }
                        th scope="col" { (say(l, "الحالة", "Status")) }
                        th scope="col" { (say(l, "قُدّم في", "Filed")) }
                        th scope="col" { (say(l, "الموعد المتوقع", "Due")) }
                        th scope="col" { (say(l, "المسؤول", "Assigned to")) }
                    } }
                    tbody { @for item in &page.items { (queue_row(item, l)) } }
                }
            }
        }
        div.button-row {
            @if let Some(next) = &page.next {
                a href={ "/staff?" (without_after) @if !without_after.is_empty() { "&" } "after=" (next) } { (say(l, "الصفحة التالية", "Next page")) }
            }
            a href={ "/api/v1/staff/requests.csv?" (without_after) } download="" { (say(l, "تنزيل النتائج (CSV)", "Download these results (CSV)")) }
        }
    }
}

fn files(reference: &ReferenceNumber, files: &[AttachmentInfo], l: Locale) -> Markup {
    html! {
        ul.file-list {
            @for f in files {
                li { a href={ "/api/v1/staff/requests/" (reference) "/attachments/" (f.id) } download="" {
                    (say(l, "تنزيل", "Download")) " (" (f.kind.to_ascii_uppercase()) ", " (f.size.div_euclid(1024).max(1)) " KB)"
                } }
            }
        }
    }
}

fn event(reference: &ReferenceNumber, e: &EventEntry, l: Locale) -> Markup {
    let what = match Action::from_code(&e.kind) {
        Some(a) => a.label(l),
        None if e.kind == "assign" => say(l, "تغيير المسؤول عن الطلب", "Assignment changed"),
        None => say(l, "تقديم الطلب", "Filed"),
    };
    let who = if e.by_applicant {
        say(l, "مقدم الطلب", "the applicant").to_owned()
    } else {
        e.by.clone()
            .unwrap_or_else(|| e.department.name.get(l).to_owned())
    };
    html! {
        li.internal[e.internal] {
            strong { (what) }
            @if e.internal { " " span.tag { (say(l, "داخلي", "Internal")) } }
            span.timeline-meta { (e.status.label(l)) " · " (who) " · " (format_moment(&e.at, l)) }
            @if let Some(m) = &e.message { p.message { (m) } }
            @if !e.attachments.is_empty() { (files(reference, &e.attachments, l)) }
        }
    }
}

fn request_view(r: &StaffRequest, team: &[TeamMember], me: Option<&StaffMe>, l: Locale) -> Markup {
    let d = &r.detail;
    let reference = &d.request.reference;
    let label = |field: &str| {
        r.labels
            .iter()
            .find(|a| a.field == field)
            .map(|a| a.label.get(l).to_owned())
            .unwrap_or_else(|| field.to_owned())
    };
    let is_me = |name: &str| me.is_some_and(|m| m.username == name);
    let supervises = me.is_some_and(|m| m.role.supervises());
    let mut departments = vec![(
        String::new(),
        say(l, "اختر (للإحالة فقط)", "Choose (referral only)").to_owned(),
    )];
    departments.extend(r.departments.iter().map(|t| {
        (
            t.department.code.clone(),
            format!("{} — {}", t.agency.name.get(l), t.department.name.get(l)),
        )
    }));
    let mut people = vec![("-".to_owned(), say(l, "لا أحد", "Nobody").to_owned())];
    if let Some(me) = me {
        people.extend(
            team.iter()
                .filter(|m| {
                    m.can_see(
                        &d.request.agency.code,
                        &me.agency.code,
                        &d.request.department.code,
                    )
                })
                .map(|m| (m.username.clone(), m.username.clone())),
        );
    }
    let mut templates = vec![(String::new(), say(l, "بدون", "None").to_owned())];
    templates.extend(
        r.templates
            .iter()
            .map(|t| (t.id.to_string(), t.title.get(l).to_owned())),
    );
    html! {
        dl.facts {
            div { dt { (say(l, "رقم الطلب", "Reference")) } dd dir="ltr" { (reference.grouped()) } }
            div { dt { (say(l, "الحالة", "Status")) } dd { strong.tag { (d.request.status.label(l)) } } }
            div { dt { (say(l, "الإدارة", "Department")) } dd { (d.request.department.name.get(l)) } }
            div { dt { (say(l, "قُدّم في", "Filed")) } dd { (format_moment(&d.request.submitted_at, l)) } }
            div { dt { (say(l, "الموعد المتوقع", "Due")) } dd { (format_day(d.request.due_on, l)) (deadline_tags(r.overdue, r.due_soon, l)) } }
            div { dt { (say(l, "المسؤول", "Assigned to")) } dd { (r.assignee.as_deref().unwrap_or(say(l, "لا أحد بعد", "Nobody yet"))) } }
        }
        form.assign data-form="assign" novalidate {
            @if supervises {
                (select("assignee", say(l, "إسناد إلى", "Assign to"), &people, r.assignee.as_deref().unwrap_or("-")))
                button.button.button-secondary type="submit" { (say(l, "إسناد", "Assign")) }
            } @else if r.assignee.is_none() {
                input type="hidden" name="assignee" value=(me.map(|m| m.username.as_str()).unwrap_or_default());
                button.button.button-secondary type="submit" { (say(l, "استلم هذا الطلب", "Take this request")) }
            } @else if r.assignee.as_deref().is_some_and(is_me) {
                input type="hidden" name="assignee" value="-";
                button.button.button-secondary type="submit" { (say(l, "أعد الطلب دون مسؤول", "Give it back")) }
            }
        }
        @if !r.actions.is_empty() {
            section.panel-action.staff-action aria-labelledby="act-title" {
                h2 #act-title { (say(l, "الإجراء", "Act on this request")) }
                form data-form="action" novalidate {
                    fieldset.fieldset #field-action {
                        legend.label { (say(l, "ماذا تريد أن تفعل؟", "What do you want to do?")) }
                        @for a in &r.actions {
                            div.choice {
                                input #{ "action-" (a.code()) } type="radio" name="action" value=(a.code());
                                label for={ "action-" (a.code()) } { (a.label(l)) }
                            }
                        }
                    }
                    @if !r.templates.is_empty() {
                        (select("template", say(l, "رد جاهز (يملأ الرسالة)", "Ready answer (fills in the message)"), &templates, ""))
                    }
                    div.field {
                        label.label for="field-message" { (say(l, "الرسالة أو السبب", "Message or reason")) }
                        p.hint { (say(l, "يراها مقدم الطلب ما لم تكن ملاحظة داخلية.", "The applicant sees it, unless it is an internal note.")) }
                        textarea.textarea #field-message name="message" rows="5" maxlength="2000" {}
                    }
                    (select("department", say(l, "الإحالة إلى", "Refer to"), &departments, ""))
                    button.button type="submit" { (say(l, "تسجيل الإجراء", "Record the action")) }
                }
            }
        }
        h2 { (say(l, "السجل", "Timeline")) }
        ol.timeline { @for e in d.events.iter().rev() { (event(reference, e, l)) } }
        h2 { (say(l, "ما قدمه مقدم الطلب", "What the applicant gave")) }
        dl.facts {
            div { dt { (say(l, "الاسم", "Name")) } dd { (d.applicant.name) } }
            div { dt { (say(l, "الجوال", "Mobile")) } dd dir="ltr" { (d.applicant.phone) } }
            @if let Some(email) = &d.applicant.email { div { dt { (say(l, "البريد الإلكتروني", "Email")) } dd dir="ltr" { (email) } } }
            @if let Some(id) = &d.applicant.national_id { div { dt { (say(l, "رقم الهوية", "ID number")) } dd dir="ltr" { (id) } } }
            @if let Some(cr) = &d.applicant.cr_number { div { dt { (say(l, "السجل التجاري", "CR number")) } dd dir="ltr" { (cr) } } }
            @for (field, value) in &d.answers {
                div { dt { (label(field)) } dd { (crate::pages::answer_text(value)) } }
            }
        }
        @if !d.attachments.is_empty() {
            h2 { (say(l, "المرفقات", "Documents")) }
            (files(reference, &d.attachments, l))
        }
    }
}

fn performance_view(
    s: &AgencyStats,
    services: &[ServiceSummary],
    query: &str,
    l: Locale,
) -> Markup {
    let periods: Vec<(String, String)> = Period::ALL
        .iter()
        .map(|p| (p.code().to_owned(), p.label(l).to_owned()))
        .collect();
    let every = |text: &str| vec![(String::new(), text.to_owned())];
    let mut departments = every(say(l, "كل الإدارات", "Every department"));
    departments.extend(
        s.departments
            .iter()
            .map(|d| (d.code.clone(), d.name.get(l).to_owned())),
    );
    let mut service_options = every(say(l, "كل الخدمات", "Every service"));
    service_options.extend(
        services
            .iter()
            .map(|s| (s.code.clone(), s.name.get(l).to_owned())),
    );
    let name_of = |code: &str, list: &[(String, String)]| {
        list.iter()
            .find(|(c, _)| c == code)
            .map_or(code.to_owned(), |(_, n)| n.clone())
    };
    let csv = |file: &str| format!("/api/v1/staff/stats/{file}.csv?{query}");
    html! {
        form.filters data-form="stats-filters" novalidate {
            (select("period", say(l, "الفترة", "Period"), &periods, s.period.code()))
            (select("department", say(l, "الإدارة", "Department"), &departments, s.department.as_deref().unwrap_or_default()))
            (select("service", say(l, "الخدمة", "Service"), &service_options, s.service.as_deref().unwrap_or_default()))
            div.button-row { button.button type="submit" { (say(l, "عرض", "Show")) } }
        }
        h2 { (say(l, "الأرقام", "Figures")) }
        (performance::summary(&s.agency.figures, l))
        (performance::satisfaction(&s.agency.figures.satisfaction, "agency-satisfaction", l))
        (performance::trend(&s.trend, l))
        (performance::scope_table("agency-services", say(l, "الخدمات", "Services"), &s.agency.services, l))
        h2 { (say(l, "تعليقات المستفيدين", "Applicants' comments")) }
        @if s.comments.is_empty() {
            p { (say(l, "لا توجد تعليقات في هذه الفترة.", "No comments in this period.")) }
        } @else {
            (performance::table(
                "comments-caption",
                say(l, "التعليقات، الأحدث أولًا (دون هوية المستفيد)", "Comments, newest first (without the applicant's identity)"),
                &[
                    say(l, "التاريخ", "Date"),
                    say(l, "الخدمة", "Service"),
                    say(l, "الإدارة", "Department"),
                    say(l, "الرضا", "Satisfaction"),
                    say(l, "هل عولج الطلب", "Resolved"),
                    say(l, "التعليق", "Comment"),
                ],
                s.comments.iter().map(|c| vec![
                    crate::dates::format_date(c.rated_on, l),
                    name_of(&c.service, &service_options),
                    name_of(&c.department, &departments),
                    satisfaction_label(c.score, l).to_owned(),
                    c.resolved.map(|r| r.label(l)).unwrap_or("–").to_owned(),
                    c.comment.clone(),
                ]),
            ))
            @if s.more_comments {
                p { (say(l, "تظهر أحدث 100 تعليق؛ الملف يحويها كلها.", "The newest 100 comments are shown; the file has them all.")) }
            }
        }
        ul.downloads {
            li { a href=(csv("comments")) download="" { (say(l, "تنزيل التعليقات (CSV)", "Download the comments (CSV)")) } }
            li { a href=(csv("services")) download="" { (say(l, "تنزيل أرقام الخدمات (CSV)", "Download the services' figures (CSV)")) } }
        }
    }
}

fn loads_view(loads: &[DepartmentLoad], l: Locale) -> Markup {
    html! {
        div.table-scroll role="region" aria-labelledby="loads-caption" tabindex="0" {
            table {
                caption #loads-caption { (say(l, "الطلبات المفتوحة في كل إدارة، الأكثر تأخرًا أولًا", "Open requests in each department, most overdue first")) }
                thead { tr {
                    th scope="col" { (say(l, "الإدارة", "Department")) }
                    th scope="col" { (say(l, "مفتوحة", "Open")) }
                    th scope="col" { (say(l, "متأخرة", "Overdue")) }
                    th scope="col" { (say(l, "تستحق قريبًا", "Due soon")) }
                } }
                tbody {
                    @for d in loads {
                        tr {
                            th scope="row" { a href={ "/staff?department=" (d.department.code) } { (d.department.name.get(l)) } }
                            td { (d.open) }
                            td { (d.overdue) }
                            td { (d.due_soon) }
                        }
                    }
                }
            }
        }
    }
}

fn services_view(services: &[ServiceDetail], l: Locale) -> Markup {
    html! {
        div.table-scroll role="region" aria-labelledby="services-caption" tabindex="0" {
            table {
                caption #services-caption { (say(l, "خدمات جهتك، المفعّلة وغير المفعّلة", "Your agency's services, active or not")) }
                thead { tr {
                    th scope="col" { (say(l, "الخدمة", "Service")) }
                    th scope="col" { (say(l, "مدة الإنجاز (أيام عمل)", "Time to complete (working days)")) }
                    th scope="col" { (say(l, "الحالة", "State")) }
                } }
                tbody {
                    @for s in services {
                        tr {
                            th scope="row" { a href={ "/staff/services/" (s.summary.code) } { (s.summary.name.get(l)) } }
                            td { (s.summary.sla_working_days) }
                            td { @if s.active { (say(l, "مفعّلة", "Active")) } @else { strong.tag { (say(l, "موقوفة", "Deactivated")) } } }
                        }
                    }
                }
            }
        }
    }
}

fn textarea(name: &str, label: &str, value: &str, rows: u8, dir: &str) -> Markup {
    let id = format!("field-{name}");
    html! {
        div.field {
            label.label for=(id) { (label) }
            textarea.textarea #(id) name=(name) rows=(rows) dir=(dir) { (value) }
        }
    }
}

fn service_view(
    s: &ServiceDetail,
    templates: &[ResponseTemplate],
    form: &str,
    l: Locale,
) -> Markup {
    let documents: Vec<String> = s
        .documents
        .iter()
        .map(|d| format!("{} | {}", d.ar, d.en))
        .collect();
    html! {
        p { a href="/staff/services" { (say(l, "كل الخدمات", "All services")) } }
        form data-form="service" novalidate {
            (text_input("name_ar", say(l, "الاسم بالعربية", "Name in Arabic"), "text", &s.summary.name.ar, "off"))
            (text_input("name_en", say(l, "الاسم بالإنجليزية", "Name in English"), "text", &s.summary.name.en, "off"))
            (textarea("summary_ar", say(l, "الملخص بالعربية", "Summary in Arabic"), &s.summary.summary.ar, 2, "rtl"))
            (textarea("summary_en", say(l, "الملخص بالإنجليزية", "Summary in English"), &s.summary.summary.en, 2, "ltr"))
            (textarea("description_ar", say(l, "الوصف بالعربية", "Description in Arabic"), &s.description.ar, 4, "rtl"))
            (textarea("description_en", say(l, "الوصف بالإنجليزية", "Description in English"), &s.description.en, 4, "ltr"))
            (text_input("fee_halalas", say(l, "الرسوم بالهللة (100 هللة = 1 ريال)", "Fee in halalas (100 halalas = 1 riyal)"), "number", &s.summary.fee_halalas.to_string(), "off"))
            (text_input("sla_working_days", say(l, "مدة الإنجاز بأيام العمل", "Time to complete, in working days"), "number", &s.summary.sla_working_days.to_string(), "off"))
            (textarea("documents", say(l, "المستندات المطلوبة: سطر لكل مستند، العربية | الإنجليزية", "Documents needed: one a line, Arabic | English"), &documents.join("\n"), 4, "auto"))
            (textarea("form", say(l, "تعريف النموذج (JSON)", "Form definition (JSON)"), form, 12, "ltr"))
            div.field.checkboxes {
                label { input #field-active type="checkbox" name="active" value="true" checked[s.active]; " " (say(l, "الخدمة تستقبل طلبات جديدة", "The service accepts new requests")) }
            }
            button.button type="submit" { (say(l, "حفظ", "Save")) }
        }
        h2 { (say(l, "الردود الجاهزة", "Ready answers")) }
        @if templates.is_empty() { p { (say(l, "لا توجد ردود جاهزة لهذه الخدمة.", "This service has no ready answers yet.")) } }
        ul.file-list {
            @for t in templates {
                li {
                    strong { (t.title.get(l)) } ": " (t.body.get(l))
                    form data-form="template-delete" {
                        input type="hidden" name="id" value=(t.id);
                        button.link-button type="submit" { (say(l, "حذف ", "Delete ")) (t.title.get(l)) }
                    }
                }
            }
        }
        form data-form="template-add" novalidate {
            h3 { (say(l, "إضافة رد جاهز", "Add a ready answer")) }
            (text_input("title_ar", say(l, "العنوان بالعربية", "Title in Arabic"), "text", "", "off"))
            (text_input("title_en", say(l, "العنوان بالإنجليزية", "Title in English"), "text", "", "off"))
            (textarea("body_ar", say(l, "النص بالعربية", "Text in Arabic"), "", 3, "rtl"))
            (textarea("body_en", say(l, "النص بالإنجليزية", "Text in English"), "", 3, "ltr"))
            button.button.button-secondary type="submit" { (say(l, "إضافة", "Add")) }
        }
    }
}
