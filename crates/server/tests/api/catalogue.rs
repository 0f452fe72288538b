//! `GET /api/v1/services` and `GET /api/v1/services/{code}`.

use serde_json::Value;

use crate::helpers::spawn_apps;

#[tokio::test]
async fn the_catalogue_lists_at_least_25_services_of_6_agencies_in_both_languages() {
    for app in spawn_apps().await {
        let response = app.get("/api/v1/services").await;
        assert_eq!(response.status(), 200, "{}", app.engine);
        let services: Vec<Value> = response.json().await.unwrap();
        assert!(
            services.len() >= 25,
            "{}: {} services",
            app.engine,
            services.len()
        );
        let mut agencies: Vec<&str> = services
            .iter()
            .map(|s| s["agency"]["code"].as_str().unwrap())
            .collect();
        agencies.dedup();
        let mut distinct = agencies.clone();
        distinct.sort();
        distinct.dedup();
        assert!(
            distinct.len() >= 6,
            "{}: {} agencies",
            app.engine,
            distinct.len()
        );
        assert_eq!(
            agencies.len(),
            distinct.len(),
            "{}: services are grouped by agency",
            app.engine
        );
        for service in &services {
            for key in ["code", "kind"] {
                assert!(
                    service[key].as_str().is_some_and(|v| !v.is_empty()),
                    "{}: {key} in {service}",
                    app.engine
                );
            }
            for text in [&service["name"], &service["agency"]["name"]] {
                assert!(
                    text["ar"].as_str().is_some_and(|v| !v.is_empty()),
                    "{}: {service}",
                    app.engine
                );
                assert!(
                    text["en"].as_str().is_some_and(|v| !v.is_empty()),
                    "{}: {service}",
                    app.engine
                );
            }
        }
    }
}

#[tokio::test]
async fn one_service_comes_with_its_form_definition_department_and_documents() {
    for app in spawn_apps().await {
        let response = app.get("/api/v1/services/epm-road-damage").await;
        assert_eq!(response.status(), 200, "{}", app.engine);
        let service: Value = response.json().await.unwrap();
        assert_eq!(service["code"], "epm-road-damage");
        assert_eq!(service["kind"], "complaint");
        assert_eq!(service["agency"]["code"], "epm");
        assert_eq!(service["department"]["code"], "epm-roads");
        assert_eq!(service["active"], true);
        assert_eq!(service["sla_working_days"], 5);
        assert_eq!(service["contact"]["phone"], "940");
        let fields = service["form"]["fields"].as_array().unwrap();
        let kinds: Vec<&str> = fields.iter().map(|f| f["type"].as_str().unwrap()).collect();
        assert!(
            kinds.contains(&"location") && kinds.contains(&"attachment"),
            "{}: {kinds:?}",
            app.engine
        );

        let permit: Value = app
            .get("/api/v1/services/epm-construction-permit")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(permit["fee_halalas"], 50000);
        assert!(
            permit["documents"].as_array().unwrap().len() >= 3,
            "{}",
            app.engine
        );
    }
}

#[tokio::test]
async fn an_unknown_service_is_a_404_with_the_json_error_body_in_the_asked_language() {
    for app in spawn_apps().await {
        let response = app.get("/api/v1/services/no-such-service").await;
        assert_eq!(response.status(), 404, "{}", app.engine);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "not_found");
        assert!(
            body["message"].as_str().unwrap().contains("لم نجد"),
            "Arabic by default: {body}"
        );
        assert_eq!(body["fields"], serde_json::json!([]));

        let response = app
            .client
            .get(app.url("/api/v1/services/no-such-service"))
            .header("Accept-Language", "en-GB,en;q=0.9")
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["message"], "We could not find what you asked for");
    }
}

#[tokio::test]
async fn restarting_on_the_same_database_does_not_duplicate_the_catalogue() {
    use nafitha_server::config::DatabaseUrl;
    use nafitha_server::store::{seed::Catalogue, Store};
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::Sqlite(format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("db").display()
    ));
    let store = Store::connect(&url, 2).await.unwrap();
    let catalogue = Catalogue::embedded().unwrap();
    let first = store.seed_catalogue(&catalogue).await.unwrap();
    let second = store.seed_catalogue(&catalogue).await.unwrap();
    assert_eq!(first, catalogue.services.len() as u64);
    assert_eq!(second, 0);
    assert_eq!(
        store.list_services().await.unwrap().len(),
        catalogue.services.len()
    );
}
