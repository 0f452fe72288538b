//! The health check, the SPA fallback, precompressed assets, caching, API 404s.

use serde_json::Value;

use crate::helpers::{spawn_apps, INDEX_HTML, STAFF_INDEX_HTML};

#[tokio::test]
async fn the_health_check_answers_ok_when_the_database_does() {
    for app in spawn_apps().await {
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 200, "{}", app.engine);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }
}

#[tokio::test]
async fn deep_links_get_the_app_with_200_and_are_never_cached() {
    for app in spawn_apps().await {
        for path in ["/", "/services/epm-road-damage", "/track/123"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
            assert_eq!(response.text().await.unwrap(), INDEX_HTML, "{path}");
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
        assert_eq!(app.get("/staffing").await.text().await.unwrap(), INDEX_HTML);
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
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.headers()["x-frame-options"], "DENY");
    }
}
