//! English texts.

use super::Texts;

fn counted(n: u64, zero: &str, one: &str, many: &str) -> String {
    match n {
        0 => zero.to_owned(),
        1 => format!("1 {one}"),
        _ => format!("{n} {many}"),
    }
}

pub static TEXTS: Texts = Texts {
    app_name: "Nafitha",
    tagline: "Your window to government services",
    skip_to_content: "Skip to main content",
    other_language_name: "العربية",
    other_language_tag: "ar",
    switch_language_label: "Language",
    loading: "Loading…",
    load_failed: "We could not load this.",
    offline: "You seem to be offline. Check your connection and try again.",
    try_again: "Try again",
    home_title: "Government services",
    home_intro: "Apply for a service, a permit or a licence, or report a problem to a government agency, then track it by its reference number.",
    search_label: "Search for a service",
    search_hint: "Type a service or agency name, for example: licence or report",
    services_found: |n| counted(n as u64, "No services match", "service", "services"),
    no_results: "No service matches your search. Try another word or browse all services.",
    breadcrumb: "Breadcrumb",
    all_services: "All services",
    fee: "Fee",
    time_to_complete: "Time to complete",
    working_days: |n| counted(u64::from(n), "", "working day", "working days"),
    agency: "Agency",
    department: "Department",
    kind: "Type of service",
    about_service: "About this service",
    documents_title: "What you need",
    no_documents: "You do not need any documents for this service.",
    questions_title: "What we will ask you",
    optional: "(optional)",
    not_accepting: "This service is not accepting new applications at the moment. Applications already made continue.",
    contact_title: "Contact",
    service_not_found: "Service not found",
    not_found_title: "Page not found",
    not_found_body: "If you typed the web address, check it is correct. The page may also have moved.",
    go_home: "Go back to all services",
    footer_note: "Working days are Sunday to Thursday.",
};
