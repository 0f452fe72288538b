//! The public pages rendered on the host, in Arabic and English, from the seeded
//! catalogue (`crates/server/seed/catalogue.json`, turned into the API's answers through
//! the domain's wire types) and from figures made here.

use nafitha_domain::calendar::Date;
use nafitha_domain::filing::{Channel, ServiceName, TimelineEntry, TrackedRequest};
use nafitha_domain::lifecycle::RequestStatus;
use nafitha_domain::stats::{
    AgencyFigures, Figures, Period, Satisfaction, ScopeFigures, Stats, WeekFigures,
};
use nafitha_domain::{
    AgencyRef, Contact, DepartmentRef, Locale, Localized, ReferenceNumber, ServiceDetail,
    ServiceSummary,
};
use serde_json::Value;

use super::{render, Rendered};
use crate::api::Preload;
use crate::Boot;

const SEED: &str = include_str!("../../crates/server/seed/catalogue.json");

/// A seeded permit: its code, and texts of its start page in both languages.
const PERMIT: &str = "epm-construction-permit";

fn seed() -> Value {
    serde_json::from_str(SEED).expect("the seed catalogue is JSON")
}

fn localized(value: &Value) -> Localized {
    serde_json::from_value(value.clone()).expect("a text in both languages")
}

/// The seeded agency `code`: its reference and contact.
fn agency(seed: &Value, code: &str) -> (AgencyRef, Contact) {
    let agency = seed["agencies"]
        .as_array()
        .and_then(|all| all.iter().find(|a| a["code"] == code))
        .expect("the service's agency is seeded");
    let reference = AgencyRef {
        code: code.to_owned(),
        name: localized(&agency["name"]),
    };
    let contact = Contact {
        phone: agency["phone"].as_str().unwrap_or_default().to_owned(),
        email: agency["email"].as_str().unwrap_or_default().to_owned(),
    };
    (reference, contact)
}

fn summary(seed: &Value, service: &Value) -> ServiceSummary {
    ServiceSummary {
        code: service["code"].as_str().unwrap_or_default().to_owned(),
        kind: serde_json::from_value(service["kind"].clone()).expect("a service kind"),
        name: localized(&service["name"]),
        summary: localized(&service["summary"]),
        agency: agency(seed, service["agency"].as_str().unwrap_or_default()).0,
        fee_halalas: service["fee_halalas"].as_u64().unwrap_or(0) as u32,
        sla_working_days: service["sla_working_days"].as_u64().unwrap_or(0) as u16,
    }
}

/// `GET /api/v1/services` on a freshly seeded portal.
fn catalogue_answer() -> Preload {
    let seed = seed();
    let list: Vec<ServiceSummary> = seed["services"]
        .as_array()
        .expect("seeded services")
        .iter()
        .map(|s| summary(&seed, s))
        .collect();
    ok("/api/v1/services", serde_json::to_string(&list).unwrap())
}

/// `GET /api/v1/services/{code}` for the seeded service `code`.
fn service_answer(code: &str) -> Preload {
    let seed = seed();
    let service = seed["services"]
        .as_array()
        .and_then(|all| all.iter().find(|s| s["code"] == code))
        .expect("a seeded service");
    let department = service["department"].as_str().unwrap_or_default();
    let department_name = seed["agencies"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|a| a["departments"].as_array().into_iter().flatten())
        .find(|d| d["code"] == department)
        .map(|d| localized(&d["name"]))
        .expect("the service's department is seeded");
    let detail = ServiceDetail {
        summary: summary(&seed, service),
        department: DepartmentRef {
            code: department.to_owned(),
            name: department_name,
        },
        description: localized(&service["description"]),
        documents: serde_json::from_value(service["documents"].clone()).unwrap(),
        form: serde_json::from_value(service["form"].clone()).expect("a form definition"),
        active: true,
        contact: agency(&seed, service["agency"].as_str().unwrap_or_default()).1,
        booking: None,
        issues: None,
    };
    ok(
        &format!("/api/v1/services/{code}"),
        serde_json::to_string(&detail).unwrap(),
    )
}

fn ok(path: &str, body: String) -> Preload {
    Preload {
        path: path.to_owned(),
        status: 200,
        body,
    }
}

/// The API's 404 (its error body).
fn not_found(path: &str) -> Preload {
    Preload {
        path: path.to_owned(),
        status: 404,
        body: r#"{"code":"not_found","message":"Not found","fields":[]}"#.to_owned(),
    }
}

fn figures(received: u64, resolved: u64, on_time: u64) -> Figures {
    Figures {
        received,
        in_progress: received - resolved,
        resolved,
        rejected: 0,
        resolved_within_sla: on_time,
        online: received / 2,
        channels: [(Channel::Web, received / 2), (Channel::Phone, received / 2)]
            .into_iter()
            .collect(),
        median_days: Some(3),
        p90_days: Some(8),
        satisfaction: Satisfaction {
            count: 10,
            distribution: [1, 0, 1, 3, 5],
        },
    }
}

/// `GET /api/v1/stats?period=12m`: one agency with one service, 12 weeks of trend.
fn stats_answer() -> Preload {
    let seed = seed();
    let (epm, _) = agency(&seed, "epm");
    let first_week = Date::from_ymd(2026, 9, 6).unwrap();
    let stats = Stats {
        period: Period::Months12,
        from: Date::from_ymd(2025, 12, 2),
        to: Date::from_ymd(2026, 12, 1).unwrap(),
        portal: figures(120, 80, 60),
        trend: (0..12)
            .map(|i| WeekFigures {
                week: first_week.add_days(7 * i),
                received: 10,
                resolved: 7,
            })
            .collect(),
        agencies: vec![AgencyFigures {
            code: epm.code.clone(),
            name: epm.name.clone(),
            figures: figures(120, 80, 60),
            services: vec![ScopeFigures {
                code: PERMIT.into(),
                name: Localized::new("رخصة بناء", "Construction permit"),
                figures: figures(40, 20, 19),
            }],
        }],
    };
    ok(
        "/api/v1/stats?period=12m",
        serde_json::to_string(&stats).unwrap(),
    )
}

fn page(address: &str, locale: Locale, answers: Vec<Preload>) -> Rendered {
    let (path, search) = match address.find('?') {
        Some(at) => (&address[..at], &address[at..]),
        None => (address, ""),
    };
    render(
        Boot {
            path: path.to_owned(),
            search: search.to_owned(),
            locale,
            asked: false,
        },
        answers,
    )
}

/// The text inside every `<tag …>…</tag>` of `html`, tags and Leptos' `<!>` markers
/// removed.
fn texts_of(html: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&open) {
        rest = &rest[at + open.len()..];
        // `<h1` must not match `<h10`, `<a` must not match `<abbr`.
        if !rest.starts_with([' ', '>']) {
            continue;
        }
        let Some(start) = rest.find('>') else { break };
        let Some(end) = rest.find(&close) else { break };
        found.push(plain(&rest[start + 1..end]));
        rest = &rest[end + close.len()..];
    }
    found
}

/// `html` without its tags and comments, as a reader sees it.
fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn heading(page: &Rendered) -> String {
    let h1 = texts_of(&page.body, "h1");
    assert_eq!(h1.len(), 1, "one heading: {h1:?}");
    h1[0].clone()
}

/// Each service link of the catalogue: (href, name).
fn service_links(page: &Rendered) -> Vec<String> {
    page.body
        .match_indices("class=\"service-link\"")
        .map(|(at, _)| {
            let rest = &page.body[at..];
            plain(&rest[rest.find('>').unwrap() + 1..rest.find("</a>").unwrap()])
        })
        .collect()
}

#[test]
fn the_catalogue_in_arabic_lists_every_seeded_service_under_its_agency() {
    // Arrange
    let answers = vec![catalogue_answer()];

    // Act
    let page = page("/", Locale::Ar, answers);

    // Assert
    assert_eq!(page.status, 200);
    assert_eq!(heading(&page), "الخدمات الحكومية");
    assert_eq!(page.title, "الخدمات الحكومية - نافذة");
    assert!(
        page.wanted.is_empty(),
        "nothing left to load: {:?}",
        page.wanted
    );
    let agencies = texts_of(&page.body, "h2");
    assert_eq!(agencies.len(), 8, "{agencies:?}");
    assert_eq!(agencies[0], "أمانة المنطقة الشرقية");
    let links = service_links(&page);
    assert_eq!(links.len(), 33);
    assert!(links.contains(&"رخصة بناء".to_owned()), "{links:?}");
    assert!(page.body.contains(&format!(
        "href=\"/services/{PERMIT}\" class=\"service-link\""
    )));
    assert!(!page.body.contains("جارٍ التحميل"), "no loading text");
    assert!(!page.body.contains("Construction permit"), "no English");
}

#[test]
fn the_catalogue_in_english_names_agencies_and_services_in_english() {
    let page = page("/", Locale::En, vec![catalogue_answer()]);

    assert_eq!(page.status, 200);
    assert_eq!(heading(&page), "Government services");
    assert_eq!(page.title, "Government services - Nafitha");
    assert_eq!(
        texts_of(&page.body, "h2").first().map(String::as_str),
        Some("Eastern Province Municipality")
    );
    assert!(service_links(&page).contains(&"Construction permit".to_owned()));
    assert!(!page.body.contains("رخصة بناء"), "no Arabic service name");
    // The frame is the app's: the language switch names the other language.
    assert!(page.body.contains("العربية"), "the switch offers Arabic");
}

#[test]
fn a_search_in_the_address_is_decoded_and_narrows_the_catalogue() {
    let page = page(
        "/?q=construction%20permit",
        Locale::En,
        vec![catalogue_answer()],
    );

    assert_eq!(service_links(&page), ["Construction permit"]);
    assert_eq!(
        texts_of(&page.body, "h2"),
        ["Eastern Province Municipality"]
    );
    assert!(page.body.contains("1 service"), "the count is shown");
}

#[test]
fn without_its_answer_the_catalogue_asks_for_it_and_shows_it_is_loading() {
    let page = page("/", Locale::En, Vec::new());

    assert_eq!(page.wanted, ["/api/v1/services"]);
    assert!(page.body.contains("Loading…"));
    assert!(service_links(&page).is_empty());
}

#[test]
fn a_seeded_service_shows_its_start_page_in_english() {
    let page = page(
        &format!("/services/{PERMIT}"),
        Locale::En,
        vec![service_answer(PERMIT)],
    );

    assert_eq!(page.status, 200);
    assert!(page.wanted.is_empty(), "{:?}", page.wanted);
    assert_eq!(heading(&page), "Construction permit");
    assert_eq!(page.title, "Construction permit - Nafitha");
    let body = plain(&page.body);
    for text in [
        "Eastern Province Municipality",
        "Building Permits",
        "SAR 500",
        "10 working days",
        "Title deed",
        "Soil test report",
        "Number of floors",
        "940",
    ] {
        assert!(body.contains(text), "{text:?} is on the page");
    }
    assert!(page
        .body
        .contains(&format!("href=\"/services/{PERMIT}/apply\"")));
    assert_eq!(
        texts_of(&page.body, "h2"),
        [
            "About this service",
            "What you need",
            "What we will ask you",
            "Contact"
        ]
    );
}

#[test]
fn a_seeded_service_shows_its_start_page_in_arabic() {
    let page = page(
        &format!("/services/{PERMIT}"),
        Locale::Ar,
        vec![service_answer(PERMIT)],
    );

    assert_eq!(page.status, 200);
    assert_eq!(heading(&page), "رخصة بناء");
    assert_eq!(page.title, "رخصة بناء - نافذة");
    let body = plain(&page.body);
    for text in [
        "أمانة المنطقة الشرقية",
        "إدارة رخص البناء",
        "500 ريال",
        "صك الملكية",
    ] {
        assert!(body.contains(text), "{text:?} is on the page");
    }
    assert!(!body.contains("Title deed"), "no English");
}

#[test]
fn a_service_that_does_not_exist_is_a_404_page_in_either_language() {
    for (locale, title) in [
        (Locale::Ar, "الخدمة غير موجودة"),
        (Locale::En, "Service not found"),
    ] {
        let page = page(
            "/services/no-such-service",
            locale,
            vec![not_found("/api/v1/services/no-such-service")],
        );

        assert_eq!(page.status, 404);
        assert_eq!(heading(&page), title);
        assert!(page.wanted.is_empty());
        assert!(
            page.body.contains("href=\"/\""),
            "a way back to the services"
        );
    }
}

#[test]
fn a_service_code_in_the_address_is_percent_encoded_in_the_api_path() {
    let page = page("/services/رخصة ب", Locale::En, Vec::new());

    assert_eq!(
        page.wanted,
        ["/api/v1/services/%D8%B1%D8%AE%D8%B5%D8%A9%20%D8%A8"]
    );
}

#[test]
fn the_performance_page_shows_the_figures_in_english() {
    let page = page("/performance?period=12m", Locale::En, vec![stats_answer()]);

    assert_eq!(page.status, 200);
    assert!(page.wanted.is_empty(), "{:?}", page.wanted);
    assert_eq!(heading(&page), "How agencies perform");
    assert_eq!(page.title, "How agencies perform - Nafitha");
    let h2 = texts_of(&page.body, "h2");
    assert_eq!(
        h2,
        ["The portal", "Agencies", "Eastern Province Municipality"]
    );
    // The current period is marked, and the portal's on-time share is 60 of 80.
    assert!(page
        .body
        .contains("href=\"/performance?period=12m\" aria-current=\"page\""));
    let cells = texts_of(&page.body, "dd");
    assert!(cells.contains(&"75%".to_owned()), "{cells:?}");
    assert!(texts_of(&page.body, "th").contains(&"Construction permit".to_owned()));
    assert_eq!(texts_of(&page.body, "svg").len(), 3, "three charts");
    // Dates as the browser's `Intl` writes them (the domain's calendars).
    assert!(texts_of(&page.body, "th").contains(&"6 September 2026".to_owned()));
}

#[test]
fn the_performance_page_shows_the_figures_in_arabic() {
    let page = page("/performance?period=12m", Locale::Ar, vec![stats_answer()]);

    assert_eq!(page.status, 200);
    assert_eq!(heading(&page), "أداء الجهات");
    assert_eq!(
        texts_of(&page.body, "h2"),
        ["البوابة", "الجهات", "أمانة المنطقة الشرقية"]
    );
    assert!(texts_of(&page.body, "th").contains(&"رخصة بناء".to_owned()));
    assert!(!plain(&page.body).contains("The portal"), "no English");
}

#[test]
fn the_performance_page_asks_for_the_period_in_its_address() {
    assert_eq!(
        page("/performance", Locale::Ar, Vec::new()).wanted,
        ["/api/v1/stats?period="]
    );
    assert_eq!(
        page("/performance?period=all", Locale::Ar, Vec::new()).wanted,
        ["/api/v1/stats?period=all"]
    );
}

#[test]
fn an_address_no_page_shows_is_a_404_page_in_either_language() {
    for (address, locale, title) in [
        ("/nope", Locale::En, "Page not found"),
        ("/nope", Locale::Ar, "الصفحة غير موجودة"),
        ("/services", Locale::En, "Page not found"),
        // The records app's own fallback.
        ("/performance/nope", Locale::En, "Page not found"),
    ] {
        let page = page(address, locale, Vec::new());

        assert_eq!(page.status, 404, "{address}");
        assert_eq!(heading(&page), title, "{address}");
        assert_eq!(
            page.title,
            format!(
                "{title} - {}",
                match locale {
                    Locale::Ar => "نافذة",
                    Locale::En => "Nafitha",
                }
            )
        );
        assert!(page.wanted.is_empty());
    }
}

fn tracked(reference: &ReferenceNumber) -> TrackedRequest {
    let epm = agency(&seed(), "epm").0;
    let roads = DepartmentRef {
        code: "epm-roads".into(),
        name: Localized::new("إدارة الطرق والصيانة", "Roads and Maintenance"),
    };
    TrackedRequest {
        reference: reference.clone(),
        status: RequestStatus::InReview,
        service: ServiceName {
            code: "epm-road-damage".into(),
            name: Localized::new("بلاغ تلف طريق", "Road damage report"),
        },
        agency: epm,
        department: roads.clone(),
        submitted_at: "2026-11-30T21:30:00Z".into(),
        due_on: Date::from_ymd(2026, 12, 8).unwrap(),
        overdue: false,
        timeline: vec![TimelineEntry {
            kind: "submitted".into(),
            status: RequestStatus::Submitted,
            department: roads,
            at: "2026-11-30T21:30:00Z".into(),
            channel: Some(Channel::Web),
        }],
        contact: Contact {
            phone: "940".into(),
            email: "care@epm.example.sa".into(),
        },
    }
}

#[test]
fn pages_with_dates_render_them_in_riyadh_with_the_hijri_date() {
    // Arrange: a tracked request (dates on the tracking and confirmation pages).
    let reference = ReferenceNumber::from_body(12_345_678_901);
    let answer = || {
        ok(
            &format!("/api/v1/track/{reference}"),
            serde_json::to_string(&tracked(&reference)).unwrap(),
        )
    };

    for address in [
        format!("/track?ref={reference}"),
        format!("/confirmation/{reference}"),
    ] {
        // Act
        let page = page(&address, Locale::En, vec![answer()]);

        // Assert: the facts, with the moment's day in Riyadh (21:30 UTC is the next day).
        assert_eq!(page.status, 200, "{address}");
        assert!(page.wanted.is_empty(), "{address}: {:?}", page.wanted);
        let body = plain(&page.body);
        assert!(body.contains("Road damage report"), "{address}");
        assert!(
            body.contains("1 December 2026 at 00:30 (21 Jumada II 1448 AH)"),
            "{address}: submitted: {body}"
        );
        assert!(body.contains("8 December 2026"), "{address}: due");
    }
}

#[test]
fn every_address_of_both_apps_renders_on_the_host_in_both_languages() {
    // Session pages and pages whose answers are not given must still build on the server
    // (they are what phases 3 to 5 fill in): no panic from a browser API.
    let reference = ReferenceNumber::from_body(12_345_678_901);
    let addresses = [
        "/".to_owned(),
        "/?q=%".to_owned(),
        format!("/services/{PERMIT}"),
        format!("/services/{PERMIT}/apply"),
        format!("/confirmation/{reference}"),
        "/confirmation/123".to_owned(),
        "/track".to_owned(),
        format!("/track?ref={reference}"),
        "/track?ref=12".to_owned(),
        "/sign-in".to_owned(),
        "/sign-in?next=%2Frequests".to_owned(),
        "/requests".to_owned(),
        format!("/requests/{reference}"),
        "/licences".to_owned(),
        "/licences/123".to_owned(),
        "/licences/123/certificate".to_owned(),
        "/licences/123/renew".to_owned(),
        "/performance".to_owned(),
        "/performance?period=%ZZ".to_owned(),
        "/verify".to_owned(),
        "/verify/123".to_owned(),
    ];
    for address in &addresses {
        for locale in Locale::ALL {
            let page = page(address, locale, Vec::new());

            assert!(page.body.contains("<main"), "{address}: the frame");
            assert!(
                page.body.contains("href=\"/performance\""),
                "{address}: the footer"
            );
        }
    }
}

#[test]
fn the_filing_form_builds_on_the_host_with_its_service() {
    let page = page(
        &format!("/services/{PERMIT}/apply"),
        Locale::En,
        vec![service_answer(PERMIT)],
    );

    assert!(page.wanted.is_empty(), "{:?}", page.wanted);
    assert_eq!(heading(&page), "About your request");
    assert!(page.body.contains("Type of work"));
}

#[test]
fn texts_from_the_api_are_escaped_in_the_html() {
    // Arrange: an agency's admin may write any text into a service (decision 0006).
    let seed = seed();
    let mut service = summary(&seed, &seed["services"][0]);
    service.name = Localized::new(
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
    );
    let answer = ok(
        "/api/v1/services",
        serde_json::to_string(&vec![service]).unwrap(),
    );

    // Act
    let en = page("/", Locale::En, vec![answer.clone()]);
    let ar = page("/", Locale::Ar, vec![answer]);

    // Assert: shown as text, never as markup.
    assert!(!ar.body.contains("<script>"), "{}", ar.body);
    assert!(ar.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!en.body.contains("<img src=x"), "{}", en.body);
    assert_eq!(
        service_links(&en),
        ["\"><img src=x onerror=alert(1)>"
            .replace('<', "&lt;")
            .replace('>', "&gt;")]
    );
}

#[test]
fn odd_addresses_render_without_panicking() {
    let long = format!("/services/{}", "x".repeat(10_000));
    for address in [
        "",
        "//",
        "/services/%00",
        "/services/%",
        "/services/a/b/c/d",
        "/?q=%F0%9F",
        "/?q=%E0%A4%A",
        "/?q",
        "/?=&&q=&q=x",
        "/track?ref=%D9%A1%D9%A2",
        "/track?ref=١٢٣٤٥٦٧٨٩٠١٢",
        "/confirmation/%FF",
        "/performance?period=../../etc",
        "/verify/%20",
        "//evil.example/x",
        "/x?lang=en&a=%22%3E",
        long.as_str(),
    ] {
        for locale in Locale::ALL {
            let page = page(address, locale, Vec::new());
            assert!(page.body.contains("<main"), "{address:?}");
            // The language switch stays on this page, whatever the path says.
            let switch = page
                .body
                .split("class=\"language-switch\"")
                .next()
                .and_then(|before| before.rsplit("<a ").next())
                .unwrap_or_default();
            assert!(switch.starts_with("href=\"?"), "{address:?}: {switch}");
            assert!(!page.body.contains("evil.example"), "{address:?}");
        }
    }
}

#[test]
fn pages_needing_the_app_say_so_in_the_pages_language_first_with_the_frame() {
    for (locale, first, second) in [
        (Locale::En, "<h1>This page needs JavaScript</h1>", "<h2>تحتاج هذه الصفحة إلى JavaScript</h2>"),
        (Locale::Ar, "<h1>تحتاج هذه الصفحة إلى JavaScript</h1>", "<h2>This page needs JavaScript</h2>"),
    ] {
        let html = super::needs_script::render(Boot {
            path: "/services/epm-road-damage/apply".into(),
            search: String::new(),
            locale,
            asked: false,
        });
        assert!(html.contains("class=\"site-header\""), "the frame");
        let (at_first, at_second) = (html.find(first).unwrap(), html.find(second).unwrap());
        assert!(at_first < at_second, "{locale:?}: {html}");
        assert!(html.contains("href=\"/services/epm-road-damage?lang=ar\""));
        assert!(html.contains("href=\"/services/epm-road-damage?lang=en\""));
    }
    let html = super::needs_script::render(Boot {
        path: "/sign-in".into(),
        search: String::new(),
        locale: Locale::Ar,
        asked: false,
    });
    assert!(!html.contains("/services/sign-in"), "no service link off a filing page");
    assert!(html.contains("href=\"/track?lang=en\""));
}
