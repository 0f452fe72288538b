//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of every `/api/v1` route.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::spawn_apps;

/// Every operation the API serves, as `METHOD /path`. A route added without its
/// description (or a description without its route) changes the document and fails here.
const OPERATIONS: &[&str] = &[
    "GET /api/v1/openapi.json",
    "GET /api/v1/services",
    "GET /api/v1/services/{code}",
    "GET /api/v1/services/{code}/slots",
    "PUT /api/v1/requests/{reference}/appointment",
    "DELETE /api/v1/requests/{reference}/appointment",
    "GET /api/v1/requests/{reference}/appointment.ics",
    "POST /api/v1/requests",
    "POST /api/v1/uploads",
    "GET /api/v1/track/{reference}",
    "POST /api/v1/auth/otp",
    "POST /api/v1/auth/verify",
    "DELETE /api/v1/auth/session",
    "GET /api/v1/me",
    "GET /api/v1/me/requests",
    "GET /api/v1/requests/{reference}",
    "POST /api/v1/requests/{reference}/actions",
    "POST /api/v1/requests/{reference}/rating",
    "GET /api/v1/requests/{reference}/attachments/{id}",
    "GET /api/v1/stats",
    "GET /api/v1/licences/{number}",
    "GET /api/v1/licences/{number}/qr.svg",
    "GET /api/v1/account/licences",
    "GET /api/v1/account/licences/{number}",
    "POST /api/v1/account/licences/{number}/renew",
    "GET /api/v1/staff/licences",
    "GET /api/v1/staff/licences.csv",
    "GET /api/v1/staff/licences/{number}",
    "POST /api/v1/staff/licences/{number}/suspend",
    "POST /api/v1/staff/licences/{number}/revoke",
    "GET /api/v1/account/bills",
    "POST /api/v1/account/bills/{number}/pay",
    "POST /api/v1/payments/callback",
    "POST /api/v1/staff/session",
    "DELETE /api/v1/staff/session",
    "GET /api/v1/staff/me",
    "GET /api/v1/staff/requests",
    "GET /api/v1/staff/requests.csv",
    "GET /api/v1/staff/requests/{reference}",
    "POST /api/v1/staff/requests/{reference}/actions",
    "POST /api/v1/staff/requests/{reference}/assignee",
    "GET /api/v1/staff/requests/{reference}/attachments/{id}",
    "GET /api/v1/staff/overdue",
    "GET /api/v1/staff/team",
    "GET /api/v1/staff/templates",
    "POST /api/v1/staff/templates",
    "DELETE /api/v1/staff/templates/{id}",
    "GET /api/v1/staff/services",
    "PUT /api/v1/staff/services/{code}",
    "POST /api/v1/staff/filings",
    "GET /api/v1/staff/lookup",
    "POST /api/v1/staff/lookup/{reference}/enquiry",
    "GET /api/v1/staff/lookups",
    "GET /api/v1/staff/lookups.csv",
    "GET /api/v1/staff/accounts",
    "POST /api/v1/staff/accounts",
    "POST /api/v1/staff/accounts/{username}/{change}",
    "GET /api/v1/staff/api-keys",
    "POST /api/v1/staff/api-keys",
    "POST /api/v1/staff/api-keys/{id}/rotate",
    "POST /api/v1/staff/api-keys/{id}/revoke",
    "GET /api/v1/staff/appointments",
    "PUT /api/v1/staff/requests/{reference}/appointment",
    "POST /api/v1/staff/requests/{reference}/appointment/mark",
    "GET /api/v1/staff/services/{code}/availability",
    "PUT /api/v1/staff/services/{code}/availability",
    "GET /api/v1/staff/appointments/figures",
    "GET /api/v1/staff/stats",
    "GET /api/v1/staff/stats/comments.csv",
    "GET /api/v1/staff/stats/services.csv",
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every `$ref` in `value`.
fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target);
            }
            map.values().for_each(|v| refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_as_openapi_3_1() {
    for app in spawn_apps().await {
        // Act
        let response = app.get("/api/v1/openapi.json").await;

        // Assert
        assert_eq!(response.status(), 200, "{}", app.engine);
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{}",
            app.engine
        );
        let document: Value = response.json().await.unwrap();
        let version = document["openapi"].as_str().unwrap_or_default();
        assert!(version.starts_with("3.1"), "{}: {version}", app.engine);

        let paths = document["paths"].as_object().expect("paths");
        let described: BTreeSet<String> = paths
            .iter()
            .flat_map(|(path, item)| {
                METHODS
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .map(move |m| format!("{} {path}", m.to_uppercase()))
            })
            .collect();
        let served: BTreeSet<String> = OPERATIONS.iter().map(|o| (*o).to_owned()).collect();
        assert_eq!(described, served, "{}", app.engine);

        let schemes = &document["components"]["securitySchemes"];
        for (name, cookie) in [
            ("staff_session", "nafitha_staff"),
            ("citizen_session", "nafitha_session"),
        ] {
            assert_eq!(schemes[name]["in"], "cookie", "{name}");
            assert_eq!(schemes[name]["name"], cookie, "{name}");
        }
        assert_eq!(schemes["partner_key"]["scheme"], "bearer");

        for operation in &served {
            let (method, path) = operation.split_once(' ').unwrap();
            let described = &paths[path][method.to_lowercase()];
            // Every operation but this document's answers an error with the error body.
            let responses = described["responses"].as_object().unwrap();
            if path != "/api/v1/openapi.json" {
                let errors: Vec<_> = responses
                    .iter()
                    .filter(|(status, _)| status.starts_with('4'))
                    .collect();
                assert!(!errors.is_empty(), "{operation}: no error described");
                for (status, response) in errors {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{operation} {status}"
                    );
                }
            }
            // A path's parameters are all described.
            for name in path
                .split('{')
                .skip(1)
                .map(|s| s.split('}').next().unwrap())
            {
                let params = described["parameters"].as_array().unwrap();
                assert!(
                    params
                        .iter()
                        .any(|p| p["name"] == name && p["in"] == "path"),
                    "{operation}: {name}"
                );
            }
            // Whatever a staff route needs, it says which session.
            if path.starts_with("/api/v1/staff/") && path != "/api/v1/staff/session" {
                assert_eq!(
                    described["security"],
                    serde_json::json!([{ "staff_session": [] }]),
                    "{operation}"
                );
                assert!(responses.contains_key("401"), "{operation}");
            }
            for requirement in described["security"].as_array().into_iter().flatten() {
                for scheme in requirement.as_object().unwrap().keys() {
                    assert!(schemes.get(scheme).is_some(), "{operation}: {scheme}");
                }
            }
        }

        let mut ids: Vec<&str> = served
            .iter()
            .map(|operation| {
                let (method, path) = operation.split_once(' ').unwrap();
                paths[path][method.to_lowercase()]["operationId"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), served.len(), "operation ids are unique");

        let mut targets = Vec::new();
        refs(&document, &mut targets);
        for target in targets {
            let name = target
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{target}"));
            assert!(
                document["components"]["schemas"].get(name).is_some(),
                "{target} is not in the document"
            );
        }
    }
}
