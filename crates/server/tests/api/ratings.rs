//! Rating a decided request: once, by its applicant, changeable for seven days; every bad
//! rating refused with nothing stored.

use serde_json::{json, Value};

use crate::helpers::{e164, spawn_apps};

#[tokio::test]
async fn an_applicant_rates_a_decided_request_once_and_may_change_it_for_a_week() {
    for app in spawn_apps().await {
        let mine = app.sign_in("0504545450").await;
        let other = app.sign_in("0504545451").await;
        let reference = app.file_for("0504545450").await;
        let path = format!("/api/v1/requests/{reference}/rating");
        let good =
            json!({ "score": 4, "resolved": "partly", "comment": "Quick, but it came back" });

        // Not decided yet: refused.
        let early = app.post_as(&mine, &path, &good).await;
        assert_eq!(early.status(), 409, "{}", app.engine);
        assert_eq!(
            early.json::<Value>().await.unwrap()["code"],
            "not_decided_yet"
        );
        app.agency_acts(
            &reference,
            json!({ "action": "resolve", "message": "Filled in" }),
        )
        .await;
        let sms = app.wait_for_message(&e164("0504545450"), "resolved").await;
        assert!(sms.contains("rate the service"), "{sms}");

        // Bad ratings name each problem; someone else's request is not found; nothing stored.
        for (body, fields) in [
            (json!({ "score": 6 }), vec!["score"]),
            (json!({ "score": "5" }), vec!["score"]),
            (json!({}), vec!["score"]),
            (json!({ "score": 3, "resolved": "maybe" }), vec!["resolved"]),
            (
                json!({ "score": 3, "comment": "x".repeat(1251) }),
                vec!["comment"],
            ),
        ] {
            let refused = app.post_as(&mine, &path, &body).await;
            assert_eq!(refused.status(), 422, "{}: {body}", app.engine);
            let problems: Value = refused.json().await.unwrap();
            let named: Vec<&str> = problems["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["field"].as_str().unwrap())
                .collect();
            assert_eq!(named, fields, "{body}");
        }
        assert_eq!(app.post_as(&other, &path, &good).await.status(), 404);
        assert_eq!(app.count("ratings").await, 0);

        // Rated, shown on the request page, changed within the week.
        let rated = app.post_as(&mine, &path, &good).await;
        assert_eq!(rated.status(), 200);
        let page: Value = app
            .get_as(&mine, &format!("/api/v1/requests/{reference}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["rating"]["score"], 4);
        assert_eq!(page["rating"]["resolved"], "partly");
        let changed = app
            .post_as(&mine, &path, &json!({ "score": 5, "resolved": "yes" }))
            .await;
        assert_eq!(changed.status(), 200);
        assert_eq!(app.count("ratings").await, 1, "one rating per request");
        let view: Value = changed.json().await.unwrap();
        assert_eq!(view["score"], 5);
        assert!(view.get("comment").is_none(), "the comment was taken out");

        // After the week: final.
        app.execute("update ratings set created_at = created_at - 8 * 86400000")
            .await;
        let late = app.post_as(&mine, &path, &json!({ "score": 1 })).await;
        assert_eq!(late.status(), 409);
        assert_eq!(late.json::<Value>().await.unwrap()["code"], "rating_final");
        let page: Value = app
            .get_as(&mine, &format!("/api/v1/requests/{reference}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["rating"]["score"], 5, "unchanged");

        // Not signed in: refused.
        let anonymous = app
            .client
            .post(app.url(&path))
            .json(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401);
    }
}
