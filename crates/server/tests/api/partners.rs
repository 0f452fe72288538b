//! Channel partners' API keys: made by an agency's admin and shown once, stored only as a
//! hash, filing through the key's channel within its scope (the applicant still gets the
//! SMS and finds the request as theirs), tracking without the public's limit, rotated and
//! revoked with immediate effect on every instance, and refused in every bad shape.

use serde_json::{json, Value};

use crate::helpers::{e164, spawn_apps_with, Options, TestApp};

fn road_damage(phone: &str) -> Value {
    json!({
        "service_code": "epm-road-damage", "locale": "ar",
        "applicant": { "name": "سارة أحمد", "phone": phone },
        "answers": { "damage": "pothole", "danger": "no", "details": "حفرة",
                     "location": { "address": "طريق الملك فهد، الدمام" } }
    })
}

async fn file_with(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/requests"))
        .header("Authorization", format!("Bearer {key}"))
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn track_with(app: &TestApp, key: Option<&str>, reference: &str) -> u16 {
    let mut request = app
        .client
        .get(app.url(&format!("/api/v1/track/{reference}")));
    if let Some(key) = key {
        request = request.header("Authorization", format!("Bearer {key}"));
    }
    request.send().await.unwrap().status().as_u16()
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

#[tokio::test]
async fn a_partners_key_files_through_its_channel_within_its_scope_until_revoked() {
    let mut options = Options::default();
    options.limits.track_per_minute = 1;
    for app in spawn_apps_with(options.clone()).await {
        let admin = app.staff("admin.epm", "admin", "epm", None).await;
        let supervisor = app.staff("super.epm", "supervisor", "epm", None).await;
        let other_admin = app.staff("admin.mof", "admin", "mof", None).await;
        let new = json!({ "partner": "EPM WhatsApp", "channel": "whatsapp",
                          "services": ["epm-road-damage"] });
        assert_eq!(
            app.post_as(&supervisor, "/api/v1/staff/api-keys", &new)
                .await
                .status(),
            403
        );
        let bad = app
            .post_as(
                &admin,
                "/api/v1/staff/api-keys",
                &json!({ "partner": "X", "channel": "web", "services": ["mof-general-inquiry"] }),
            )
            .await;
        assert_eq!(bad.status(), 422);
        let foreign = app
            .post_as(
                &admin,
                "/api/v1/staff/api-keys",
                &json!({ "partner": "EPM bot", "services": ["mof-general-inquiry"] }),
            )
            .await;
        assert_eq!(foreign.status(), 422, "another agency's service");
        assert_eq!(app.count("api_keys").await, 0);

        // Made and shown once; only its hash is kept.
        let made = app.post_as(&admin, "/api/v1/staff/api-keys", &new).await;
        assert_eq!(made.status(), 201, "{}", app.engine);
        let made = json_of(made).await;
        let key = made["key"].as_str().unwrap().to_owned();
        assert!(key.starts_with("nfk_") && key.len() == 44, "{key}");
        let stored = app
            .scalar("select key_hash || ' ' || prefix as v from api_keys")
            .await;
        assert!(
            !stored.contains(&key) && stored.ends_with(&key[..12]),
            "{stored}"
        );
        let listed = json_of(app.get_as(&admin, "/api/v1/staff/api-keys").await).await;
        assert_eq!(listed[0]["partner"], "EPM WhatsApp");
        assert_eq!(listed[0]["channel"], "whatsapp");
        assert!(!listed.to_string().contains(&key));
        let theirs = json_of(app.get_as(&other_admin, "/api/v1/staff/api-keys").await).await;
        assert_eq!(theirs, json!([]), "another agency's admin");

        // Files through its channel; the applicant gets the SMS and finds it as theirs.
        let filed = file_with(&app, &key, &road_damage("0506660001")).await;
        assert_eq!(filed.status(), 201, "{}", app.engine);
        let reference = json_of(filed).await["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let record = app
            .scalar(&format!(
                "select r.channel || ' ' || e.actor as v from requests r join request_events e \
                 on e.request_id = r.id where r.reference = '{reference}'"
            ))
            .await;
        assert_eq!(record, format!("whatsapp partner:{}", made["id"]));
        app.wait_for_message(&e164("0506660001"), &reference).await;
        let citizen = app.sign_in("0506660001").await;
        let mine = json_of(app.get_as(&citizen, "/api/v1/me/requests").await).await;
        assert!(mine.to_string().contains(&reference), "{mine}");
        let stats = json_of(app.get("/api/v1/stats").await).await;
        assert_eq!(stats["portal"]["channels"]["whatsapp"], 1, "{}", app.engine);
        assert_eq!(stats["portal"]["online"], 0);
        let used = json_of(app.get_as(&admin, "/api/v1/staff/api-keys").await).await;
        assert!(used[0]["last_used_at"].is_string(), "{used}");

        // Outside its scope, or not a key: refused, nothing stored.
        let requests = app.count("requests").await;
        let mut suggestion = road_damage("0506660002");
        suggestion["service_code"] = json!("epm-suggestion");
        let outside = file_with(&app, &key, &suggestion).await;
        assert_eq!(outside.status(), 403);
        assert_eq!(json_of(outside).await["code"], "out_of_scope");
        for wrong in ["nfk_123", &format!("nfk_{}", "0".repeat(40)), "Basic abc"] {
            let refused = file_with(&app, wrong, &road_damage("0506660002")).await;
            assert_eq!(refused.status(), 401, "{wrong}");
            assert_eq!(json_of(refused).await["code"], "invalid_api_key");
        }
        assert_eq!(app.count("requests").await, requests);

        // Tracking: the public's limit (1 a minute here) does not hold a partner up.
        assert_eq!(track_with(&app, None, &reference).await, 200);
        assert_eq!(track_with(&app, None, &reference).await, 429);
        for _ in 0..3 {
            assert_eq!(track_with(&app, Some(&key), &reference).await, 200);
        }

        // Rotated: the new secret works, the old one no longer.
        let id = made["id"].as_i64().unwrap();
        let rotate = format!("/api/v1/staff/api-keys/{id}/rotate");
        assert_eq!(
            app.post_as(&other_admin, &rotate, &json!({}))
                .await
                .status(),
            404
        );
        let rotated = json_of(app.post_as(&admin, &rotate, &json!({})).await).await;
        let fresh = rotated["key"].as_str().unwrap().to_owned();
        assert_ne!(fresh, key);
        assert_eq!(track_with(&app, Some(&key), &reference).await, 401);
        assert_eq!(track_with(&app, Some(&fresh), &reference).await, 200);

        // Revoked: refused at once, here and on another instance on the same database.
        let twin = app.twin(&options).await;
        assert_eq!(track_with(&twin, Some(&fresh), &reference).await, 200);
        let revoke = format!("/api/v1/staff/api-keys/{id}/revoke");
        assert_eq!(app.post_as(&admin, &revoke, &json!({})).await.status(), 204);
        assert_eq!(track_with(&app, Some(&fresh), &reference).await, 401);
        assert_eq!(track_with(&twin, Some(&fresh), &reference).await, 401);
        let filed = file_with(&twin, &fresh, &road_damage("0506660003")).await;
        assert_eq!(filed.status(), 401, "{}", app.engine);
        assert_eq!(app.post_as(&admin, &revoke, &json!({})).await.status(), 404);
    }
}
