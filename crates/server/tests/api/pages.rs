//! The public pages as the server renders them (decision 0018): their content, status,
//! language (`?lang=`, the cookie, `Accept-Language`), the API answers they carry, and
//! what they never carry.

use crate::helpers::{spawn_apps, spawn_apps_with, Options, TestApp};

async fn page(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String, reqwest::header::HeaderMap) {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.text().await.unwrap(), headers)
}

#[tokio::test]
async fn the_catalogue_comes_rendered_with_its_answer_in_the_page() {
    for app in spawn_apps().await {
        let (status, html, headers) = page(&app, "/", &[]).await;
        assert_eq!(status, 200, "{}", app.engine);
        assert!(
            html.starts_with("<!doctype html><html dir=rtl lang=ar>"),
            "{html}"
        );
        assert!(html.contains("<title>الخدمات الحكومية - نافذة</title>"));
        assert!(html.contains("<h1 tabindex=\"-1\">الخدمات الحكومية</h1>"));
        assert!(html.contains("href=\"/services/epm-road-damage\""));
        assert!(!html.contains("جارٍ التحميل"), "nothing left loading");
        // The answer the page was rendered from, as the API gives it.
        let island = html
            .split(
                "<script type=application/json data-preload=\"/api/v1/services\" data-status=200>",
            )
            .nth(1)
            .and_then(|rest| rest.split("</script>").next())
            .expect("the catalogue's answer in the page");
        let services: serde_json::Value = serde_json::from_str(island).unwrap();
        let direct: serde_json::Value = app.get("/api/v1/services").await.json().await.unwrap();
        assert_eq!(services, direct);
        let vary: Vec<_> = headers
            .get_all("vary")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert!(
            vary.iter()
                .any(|v| v.contains("cookie") && v.contains("accept-language")),
            "{vary:?}"
        );
        assert!(headers.get("set-cookie").is_none());
    }
}

#[tokio::test]
async fn the_language_is_the_links_then_the_remembered_then_the_browsers() {
    for app in spawn_apps().await {
        let english = [("accept-language", "en-GB,en;q=0.9")];
        let (_, html, _) = page(&app, "/", &english).await;
        assert!(html.contains("<html dir=ltr lang=en>"), "Accept-Language");
        assert!(html.contains("<h1 tabindex=\"-1\">Government services</h1>"));

        let (_, html, _) = page(&app, "/", &[("accept-language", "fr-FR,fr")]).await;
        assert!(
            html.contains("<html dir=rtl lang=ar>"),
            "Arabic unless English"
        );

        let (_, html, _) = page(
            &app,
            "/",
            &[
                ("accept-language", "en"),
                ("cookie", "a=1; nafitha_lang=ar"),
            ],
        )
        .await;
        assert!(
            html.contains("<html dir=rtl lang=ar>"),
            "the cookie over the browser"
        );

        let (_, html, headers) = page(
            &app,
            "/performance?lang=en",
            &[("cookie", "nafitha_lang=ar")],
        )
        .await;
        assert!(
            html.contains("<html dir=ltr lang=en>"),
            "the link over the cookie"
        );
        assert_eq!(
            headers["set-cookie"],
            "nafitha_lang=en; Path=/; Max-Age=31536000; SameSite=Lax; Secure"
        );
        let (_, _, headers) = page(&app, "/?lang=de", &[]).await;
        assert!(
            headers.get("set-cookie").is_none(),
            "only the portal's languages"
        );
    }
}

#[tokio::test]
async fn missing_things_are_404_and_a_malformed_reference_is_explained() {
    for app in spawn_apps().await {
        let en = [("accept-language", "en")];
        let (status, html, _) = page(&app, "/services/no-such-service", &en).await;
        assert_eq!(status, 404);
        assert!(html.contains("Service not found"));
        let (status, html, _) = page(&app, "/nowhere/at/all", &en).await;
        assert_eq!(status, 404);
        assert!(html.contains("Page not found"));

        // Not a reference: said as the form says it, with nothing asked of the API.
        let (status, html, _) = page(&app, "/track?ref=123", &en).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("<title>Error: Track a request - Nafitha</title>"),
            "{html}"
        );
        assert!(
            html.contains("href=\"#field-ref\""),
            "the error summary links the field"
        );
        assert!(
            html.contains("value=\"123\""),
            "what was typed stays in the box"
        );
        assert!(!html.contains("data-preload"));

        // A well-formed reference that does not exist.
        let (status, html, _) = page(&app, "/track?ref=123456789018", &en).await;
        assert_eq!(status, 200);
        assert!(html.contains("There is no request with this number"));
        assert!(html.contains("data-preload=\"/api/v1/track/123456789018\" data-status=404"));
    }
}

#[tokio::test]
async fn a_tracked_request_shows_its_public_facts_never_the_callers_or_applicants() {
    for app in spawn_apps().await {
        let reference = app.file_for("0551234567").await;
        let cookie = app.sign_in("0551234567").await;
        let en = [("accept-language", "en"), ("cookie", cookie.as_str())];
        let (status, html, _) = page(&app, &format!("/track?ref={reference}"), &en).await;
        assert_eq!(status, 200, "{}", app.engine);
        assert!(html.contains("Road damage report"), "{html}");
        assert!(html.contains("History"));
        assert!(
            !html.contains("Test Applicant"),
            "the applicant's name is never public"
        );
        assert!(!html.contains("0551234567") && !html.contains("551234567"));
        // The confirmation's public part alike.
        let (status, html, _) = page(&app, &format!("/confirmation/{reference}"), &en).await;
        assert_eq!(status, 200);
        assert!(!html.contains("Test Applicant"));
    }
}

#[tokio::test]
async fn pages_needing_the_app_are_its_page_and_only_gets_and_heads_are_pages() {
    for app in spawn_apps().await {
        let (status, html, _) = page(&app, "/sign-in", &[("accept-language", "en")]).await;
        assert_eq!(status, 200);
        assert!(html.contains("<html dir=ltr lang=en>"));
        // The app's page; without JavaScript, the frame and what needs it, English first.
        let notice = html
            .split_once("<noscript>")
            .and_then(|(_, rest)| rest.split_once("</noscript>"))
            .map(|(notice, _)| notice)
            .expect("a notice");
        assert!(
            notice.contains("<h1>This page needs JavaScript</h1>"),
            "{notice}"
        );
        assert!(notice.contains("<h2>تحتاج هذه الصفحة إلى JavaScript</h2>"));
        assert_eq!(html.matches("<main").count(), 1, "inside the notice only");
        // A filing page links its service's page, which says how to reach the agency.
        let (_, html, _) = page(&app, "/services/epm-road-damage/apply", &[]).await;
        assert!(
            html.contains("href=\"/services/epm-road-damage?lang=ar\""),
            "{html}"
        );
        assert!(html.contains("href=\"/services/epm-road-damage?lang=en\""));
        let post = app.client.post(app.url("/")).send().await.unwrap();
        assert_eq!(post.status(), 405);
        let head = app
            .client
            .head(app.url("/performance"))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 200);
    }
}

#[tokio::test]
async fn a_pages_lookups_count_against_its_caller_behind_a_proxy_not_the_server() {
    let mut options = Options {
        client_ip_header: Some("x-client-ip".into()),
        ..Options::default()
    };
    options.limits.track_per_minute = 2;
    for app in spawn_apps_with(options).await {
        let reference = app.file_for("0551234568").await;
        let path = format!("/track?ref={reference}");
        let en = |client: &'static str| [("accept-language", "en"), ("x-client-ip", client)];
        // Two callers, two lookups each: within each one's limit.
        for client in ["203.0.113.1", "203.0.113.2"] {
            for _ in 0..2 {
                let (status, html, _) = page(&app, &path, &en(client)).await;
                assert_eq!(status, 200, "{}", app.engine);
                assert!(html.contains("History"), "{client}: {html}");
            }
        }
        // The first caller's third lookup is over its limit: the page says so.
        let (_, html, _) = page(&app, &path, &en("203.0.113.1")).await;
        assert!(
            !html.contains("<h2 id=\"timeline-title\">History</h2>"),
            "{html}"
        );
        assert!(html.contains("data-status=429"), "{html}");
    }
}
