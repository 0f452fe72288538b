//! The staff API as it stands: sign-in (Argon2id; its throttle is in `limits.rs`), sign-out, and actions on a
//! request checked against agency, role and the life cycle.

use serde_json::{json, Value};

use crate::helpers::{e164, session_cookie_of, spawn_apps, TestApp};

async fn add_staff(app: &TestApp, username: &str, role: &str, agency: &str) {
    use nafitha_server::store::staff::{StaffAccount, StaffAdded};
    let account = StaffAccount {
        username: username.into(),
        password_hash: nafitha_server::auth::password::hash_password("correct horse battery")
            .unwrap(),
        role: role.into(),
        agency: agency.into(),
        department: None,
        disabled: false,
    };
    let added = app.store().await.add_staff(&account, 0).await.unwrap();
    assert_eq!(added, StaffAdded::Added);
}

async fn staff_sign_in(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/staff/session"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn act(app: &TestApp, cookie: &str, reference: &str, body: Value) -> reqwest::Response {
    app.post_as(
        cookie,
        &format!("/api/v1/staff/requests/{reference}/actions"),
        &body,
    )
    .await
}

#[tokio::test]
async fn passwords_are_argon2id_and_a_right_password_signs_in() {
    let hash = nafitha_server::auth::password::hash_password("correct horse battery").unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    for app in spawn_apps().await {
        add_staff(&app, "agent.one", "agent", "epm").await;
        let ok = staff_sign_in(&app, "agent.one", "correct horse battery").await;
        assert_eq!(ok.status(), 200, "{}", app.engine);
        assert!(ok.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("__Host-nafitha_staff="));
    }
}

#[tokio::test]
async fn staff_actions_follow_scope_role_and_life_cycle_and_notify_the_applicant() {
    for app in spawn_apps().await {
        add_staff(&app, "agent.epm", "agent", "epm").await;
        add_staff(&app, "super.epm", "supervisor", "epm").await;
        add_staff(&app, "agent.mof", "agent", "mof").await;
        let agent =
            session_cookie_of(&staff_sign_in(&app, "agent.epm", "correct horse battery").await);
        let supervisor =
            session_cookie_of(&staff_sign_in(&app, "super.epm", "correct horse battery").await);
        let outsider =
            session_cookie_of(&staff_sign_in(&app, "agent.mof", "correct horse battery").await);
        let citizen = app.sign_in("0505555555").await;
        let reference = app.file_for("0505555555").await;
        let events = app.count("request_events").await;

        // Refused, and nothing changes: no session, a citizen's session, another agency,
        // an unknown department, a move the life cycle forbids, a supervisor's action.
        let none = app
            .client
            .post(app.url(&format!("/api/v1/staff/requests/{reference}/actions")))
            .json(&json!({ "action": "acknowledge" }))
            .send()
            .await
            .unwrap();
        assert_eq!(none.status(), 401);
        assert_eq!(
            act(
                &app,
                &citizen,
                &reference,
                json!({ "action": "acknowledge" })
            )
            .await
            .status(),
            401
        );
        assert_eq!(
            act(
                &app,
                &outsider,
                &reference,
                json!({ "action": "acknowledge" })
            )
            .await
            .status(),
            404
        );
        assert_eq!(
            act(
                &app,
                &agent,
                &reference,
                json!({ "action": "refer", "department": "nowhere" })
            )
            .await
            .status(),
            422
        );
        assert_eq!(
            act(&app, &agent, &reference, json!({ "action": "close" }))
                .await
                .status(),
            403
        );
        assert_eq!(
            act(
                &app,
                &agent,
                &reference,
                json!({ "action": "answer", "message": "x" })
            )
            .await
            .status(),
            403
        );
        assert_eq!(
            act(&app, &supervisor, &reference, json!({ "action": "close" }))
                .await
                .status(),
            409
        );
        assert_eq!(app.count("request_events").await, events, "{}", app.engine);

        // Allowed moves, each an event with its actor, the applicant told of public ones.
        assert_eq!(
            act(
                &app,
                &agent,
                &reference,
                json!({ "action": "request_info", "message": "Photo please" })
            )
            .await
            .status(),
            204
        );
        app.wait_for_message(&e164("0505555555"), "needs information")
            .await;
        assert_eq!(
            act(&app, &agent, &reference, json!({ "action": "resolve" }))
                .await
                .status(),
            204
        );
        assert_eq!(
            act(&app, &supervisor, &reference, json!({ "action": "close" }))
                .await
                .status(),
            204
        );
        let tracked: Value = app
            .get(&format!("/api/v1/track/{reference}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(tracked["status"], "closed");

        // Signed out on the server.
        let out = app
            .client
            .delete(app.url("/api/v1/staff/session"))
            .header("Cookie", &agent)
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), 204);
        assert_eq!(
            act(
                &app,
                &agent,
                &reference,
                json!({ "action": "note", "message": "x" })
            )
            .await
            .status(),
            401
        );
    }
}
