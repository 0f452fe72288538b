//! The health check, the SPA fallback, precompressed assets, caching, API 404s, and the
//! security headers.

use serde_json::Value;

use crate::helpers::{
    spawn_apps, spawn_apps_with, Options, DESK_INDEX_HTML, LICENSING_INDEX_HTML, STAFF_INDEX_HTML,
};

/// SHA-256 (base64) of the inline scripts of the fake pages in helpers.rs, computed apart
/// from the server (`printf %s '<script text>' | openssl dgst -sha256 -binary | base64`).
const LOCALE_SCRIPT: &str = "'sha256-CJrgk1w7gpMqbi9C2gW8dXCZmiQuPfc1nnTFbrHICyA='";
const CITIZENS_LOADER: &str = "'sha256-ByjXrH3isZ2aMtNFN8e9PgkOQ/65pCsAy7AJtMl0GnM='";
const STAFF_LOADER: &str = "'sha256-rrKERCURvOVv62USxVHihGxd9/MnPbuhd2TVYEfz/y4='";

/// The policy every page is sent with, but for its scripts' hashes.
fn policy_with(hashes: &[&str]) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self'; \
         img-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'",
        hashes.join(" ")
    )
}

/// The headers every response carries, whatever it is.
const EVERY_RESPONSE: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    (
        "permissions-policy",
        "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), \
         microphone=(), payment=(), usb=()",
    ),
];

const HSTS: (&str, &str) = (
    "strict-transport-security",
    "max-age=31536000; includeSubDomains",
);

#[tokio::test]
async fn the_health_check_answers_ok_when_the_database_does() {
    for app in spawn_apps().await {
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 200, "{}", app.engine);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }
}

/// Checks that `html` is an app's page (its `loader`) as the server sends it in Arabic for
/// an address that needs the app: the language set on `<html>` (`pages::Template`), and
/// the frame with a notice for a browser without JavaScript, inside `<noscript>` only.
fn assert_app_page(html: &str, loader: &str, path: &str) {
    assert!(
        html.starts_with("<!doctype html><html dir=rtl lang=ar>"),
        "{path}: {html}"
    );
    assert!(html.contains(loader), "{path}");
    let (before, rest) = html.split_once("<noscript>").expect("a notice");
    let (notice, after) = rest.split_once("</noscript>").expect("a notice, closed");
    assert!(
        notice.contains("<main") && notice.contains("تحتاج هذه الصفحة إلى JavaScript"),
        "{path}"
    );
    assert!(
        !before.contains("<main") && !after.contains("<main"),
        "{path}"
    );
}

/// The loaders of the citizens' and records apps' fake pages (helpers.rs).
const CITIZENS_APP: &str = "import init from '/nafitha-web-0123456789abcdef.js'";
const RECORDS_APP: &str = "import init from '/records/nafitha-web-1a2b3c4d5e6f7a8b.js'";

#[tokio::test]
async fn deep_links_get_the_app_with_200_and_are_never_cached() {
    for app in spawn_apps().await {
        for path in [
            "/sign-in",
            "/requests/123",
            "/services/epm-road-damage/apply",
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
            let vary: Vec<_> = response.headers().get_all("vary").iter().collect();
            assert!(
                vary.iter()
                    .any(|v| v.to_str().unwrap().contains("accept-encoding")),
                "{path}: {vary:?}"
            );
            assert_app_page(&response.text().await.unwrap(), CITIZENS_APP, path);
        }
        // The public pages come rendered, with the app to take them over.
        for (path, status) in [
            ("/", 200),
            ("/services/epm-road-damage", 200),
            ("/track/123", 404),
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), status, "{path}");
            assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
            let html = response.text().await.unwrap();
            assert!(html.contains("<main"), "{path}");
            assert!(html.contains(CITIZENS_APP), "{path}");
        }
    }
}

#[tokio::test]
async fn the_back_office_is_its_own_app_under_staff() {
    for app in spawn_apps().await {
        for path in [
            "/staff",
            "/staff/",
            "/staff/requests/123",
            "/staff/performance?period=12m",
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
            assert_eq!(response.text().await.unwrap(), STAFF_INDEX_HTML, "{path}");
        }
        let script = app.get("/staff/nafitha-web-fedcba9876543210.js").await;
        assert_eq!(script.status(), 200);
        assert_eq!(
            script.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            app.get("/staff/nafitha-web-ffffffffffffffff.js")
                .await
                .status(),
            404
        );
        // Citizens' addresses that merely start with "staff" are the citizens' app.
        let staffing = app.get("/staffing").await;
        assert_eq!(staffing.status(), 404);
        assert!(staffing.text().await.unwrap().contains(CITIZENS_APP));
    }
}

#[tokio::test]
async fn the_intake_desk_is_a_third_app_at_its_own_screens() {
    for app in spawn_apps().await {
        for path in [
            "/staff/file",
            "/staff/file?service=x",
            "/staff/lookup",
            "/staff/lookup/",
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
            assert_eq!(response.text().await.unwrap(), DESK_INDEX_HTML, "{path}");
        }
        // Neighbouring addresses stay the back office's.
        for path in ["/staff/lookups", "/staff/filed", "/staff/requests/file"] {
            assert_eq!(
                app.get(path).await.text().await.unwrap(),
                STAFF_INDEX_HTML,
                "{path}"
            );
        }
        let script = app.get("/staff/desk/nafitha-web-0a1b2c3d4e5f6a7b.js").await;
        assert_eq!(script.status(), 200);
        assert_eq!(
            script.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        // The desk's page gets a policy made from its own inline script.
        let desk = app.get("/staff/file").await;
        let staff = app.get("/staff").await;
        assert_ne!(
            desk.headers()["content-security-policy"],
            staff.headers()["content-security-policy"]
        );
    }
}

#[tokio::test]
async fn the_register_of_licences_is_the_licensing_desk() {
    for app in spawn_apps().await {
        for path in [
            "/staff/licences",
            "/staff/licences/",
            "/staff/licences/1234567890",
            "/staff/licences?q=205&status=valid",
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(
                response.text().await.unwrap(),
                LICENSING_INDEX_HTML,
                "{path}"
            );
        }
        for path in ["/staff/licencesx", "/staff/requests/1"] {
            assert_eq!(
                app.get(path).await.text().await.unwrap(),
                STAFF_INDEX_HTML,
                "{path}"
            );
        }
        let script = app
            .get("/staff/licensing/nafitha-web-2b3c4d5e6f7a8b9c.js")
            .await;
        assert_eq!(script.status(), 200);
        assert_eq!(
            script.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_ne!(
            app.get("/staff/licences").await.headers()["content-security-policy"],
            app.get("/staff").await.headers()["content-security-policy"]
        );
    }
}

#[tokio::test]
async fn licences_their_verification_and_the_figures_are_the_records_app() {
    for app in spawn_apps().await {
        for path in [
            "/licences",
            "/licences/",
            "/licences/1234567890",
            "/licences/1234567890/certificate",
            "/verify",
            "/verify/1234567890",
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_app_page(&response.text().await.unwrap(), RECORDS_APP, path);
        }
        // The figures are rendered by the server, in the records app's page.
        for path in ["/performance", "/performance?period=12m"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            let html = response.text().await.unwrap();
            assert!(html.contains("<main"), "{path}");
            assert!(html.contains(RECORDS_APP), "{path}");
        }
        // Neighbouring addresses stay the citizens' app.
        for path in [
            "/licencesx",
            "/verifying",
            "/services/licences",
            "/performances",
        ] {
            let html = app.get(path).await.text().await.unwrap();
            assert!(html.contains(CITIZENS_APP), "{path}");
        }
        let script = app.get("/records/nafitha-web-1a2b3c4d5e6f7a8b.js").await;
        assert_eq!(script.status(), 200);
        assert_eq!(
            script.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            app.get("/records/missing-0123456789abcdef.js")
                .await
                .status(),
            404
        );
        // The app's page gets a policy made from its own inline script.
        assert_ne!(
            app.get("/verify").await.headers()["content-security-policy"],
            app.get("/").await.headers()["content-security-policy"]
        );
    }
}

#[tokio::test]
async fn unknown_api_paths_and_methods_get_a_json_error_not_the_app() {
    for app in spawn_apps().await {
        let response = app.get("/api/v1/no-such-thing").await;
        assert_eq!(response.status(), 404);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "not_found");

        let response = app
            .client
            .delete(app.url("/api/v1/services"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "method_not_allowed");
    }
}

#[tokio::test]
async fn a_missing_file_is_a_real_404_not_the_app() {
    for app in spawn_apps().await {
        let response = app.get("/nafitha-web-ffffffffffffffff.js").await;
        assert_eq!(response.status(), 404);
    }
}

#[tokio::test]
async fn hashed_assets_are_served_precompressed_and_cached_immutably() {
    for app in spawn_apps().await {
        let plain =
            std::fs::read(app.dir.path().join("dist/nafitha-web-0123456789abcdef.js")).unwrap();
        let br = std::fs::read(
            app.dir
                .path()
                .join("dist/nafitha-web-0123456789abcdef.js.br"),
        )
        .unwrap();
        let gz = std::fs::read(
            app.dir
                .path()
                .join("dist/nafitha-web-0123456789abcdef.js.gz"),
        )
        .unwrap();
        let cases: [(&str, Option<&str>, &[u8]); 3] = [
            ("br, gzip", Some("br"), &br),
            ("gzip", Some("gzip"), &gz),
            ("identity", None, &plain),
        ];
        for (accept, expected_encoding, expected_body) in cases {
            let client = reqwest::Client::builder()
                .no_gzip()
                .no_brotli()
                .build()
                .unwrap_or_default();
            let response = client
                .get(app.url("/nafitha-web-0123456789abcdef.js"))
                .header("Accept-Encoding", accept)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{accept}");
            let headers = response.headers().clone();
            assert_eq!(
                headers.get("content-encoding").map(|v| v.to_str().unwrap()),
                expected_encoding,
                "{accept}"
            );
            assert_eq!(
                headers["cache-control"],
                "public, max-age=31536000, immutable"
            );
            assert_eq!(headers["vary"], "accept-encoding", "{accept}");
            assert!(headers["content-type"]
                .to_str()
                .unwrap()
                .contains("javascript"));
            assert_eq!(
                response.bytes().await.unwrap().as_ref(),
                expected_body,
                "{accept}"
            );
        }
    }
}

#[tokio::test]
async fn api_responses_are_not_cached_and_carry_security_headers() {
    for app in spawn_apps().await {
        let response = app.get("/api/v1/services").await;
        assert_eq!(response.headers()["cache-control"], "no-store");
        for (name, value) in EVERY_RESPONSE.into_iter().chain([HSTS]) {
            assert_eq!(response.headers()[name], value, "{name}");
        }
    }
}

#[tokio::test]
async fn each_app_page_allows_exactly_its_own_inline_scripts_by_hash() {
    for app in spawn_apps().await {
        let citizens = policy_with(&[LOCALE_SCRIPT, CITIZENS_LOADER]);
        let staff = policy_with(&[LOCALE_SCRIPT, STAFF_LOADER]);
        let pages = [
            ("/", &citizens),
            ("/services/epm-road-damage", &citizens),
            ("/requests/123", &citizens),
            ("/staff", &staff),
            ("/staff/", &staff),
            ("/staff/requests/123", &staff),
        ];
        for (path, policy) in pages {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(
                response.headers()["content-security-policy"],
                policy.as_str(),
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn app_pages_and_files_carry_every_security_header_and_hsts_over_https() {
    for app in spawn_apps().await {
        for path in [
            "/",
            "/requests/123",
            "/staff",
            "/staff/requests/123",
            "/nafitha-web-0123456789abcdef.js",
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            for (name, value) in EVERY_RESPONSE.into_iter().chain([HSTS]) {
                assert_eq!(response.headers()[name], value, "{name} on {path}");
            }
        }
    }
}

#[tokio::test]
async fn over_plain_http_responses_carry_no_hsts_but_every_other_header() {
    let options = Options {
        public_url: "http://nafitha.test".into(),
        ..Options::default()
    };
    for app in spawn_apps_with(options).await {
        for path in ["/", "/staff/requests/123", "/api/v1/services"] {
            let response = app.get(path).await;
            assert!(
                response.headers().get(HSTS.0).is_none(),
                "{path}: {:?}",
                response.headers()
            );
            for (name, value) in EVERY_RESPONSE {
                assert_eq!(response.headers()[name], value, "{name} on {path}");
            }
        }
        let page = app.get("/").await;
        assert_eq!(
            page.headers()["content-security-policy"],
            policy_with(&[LOCALE_SCRIPT, CITIZENS_LOADER]).as_str()
        );
    }
}
