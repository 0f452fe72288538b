//! Open311 GeoReport v2, driven as a partner's software would: over HTTP, in JSON and in
//! XML, with a key an agency's admin made. Services and their definitions come from the
//! catalogue; a filing goes through the portal's one track (the key's channel, the SMS, the
//! figures, the applicant's own list); a partner follows only its own filings; bad input of
//! every kind gets the standard's error shape and stores nothing; a revoked key is refused
//! by every instance.

use serde_json::{json, Value};

use crate::helpers::{e164, spawn_apps, Options, TestApp};

/// Makes a key as `admin` and returns it.
async fn make_key(app: &TestApp, admin: &str, body: Value) -> (String, i64) {
    let made = app.post_as(admin, "/api/v1/staff/api-keys", &body).await;
    assert_eq!(made.status(), 201, "{}", app.engine);
    let made: Value = made.json().await.unwrap();
    (
        made["key"].as_str().unwrap().to_owned(),
        made["id"].as_i64().unwrap(),
    )
}

async fn get(app: &TestApp, path: &str, language: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("Accept-Language", language)
        .send()
        .await
        .unwrap()
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("Accept-Language", "en")
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn json_of(response: reqwest::Response) -> Value {
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "{}",
        response.status()
    );
    response.json().await.unwrap()
}

async fn xml_of(response: reqwest::Response) -> String {
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml"),
        "{}",
        response.status()
    );
    response.text().await.unwrap()
}

/// The texts of every `name` element in an XML document, in document order.
fn texts(xml: &str, name: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(xml).expect("well-formed XML");
    document
        .descendants()
        .filter(|n| n.has_tag_name(name))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

fn root(xml: &str) -> String {
    let document = roxmltree::Document::parse(xml).expect("well-formed XML");
    document.root_element().tag_name().name().to_owned()
}

/// A form body's fields, in order.
type Form<'a> = Vec<(&'a str, &'a str)>;

/// A road-damage report as a partner sends it, for `phone`.
fn road_damage<'a>(key: &'a str, phone: &'a str) -> Form<'a> {
    vec![
        ("api_key", key),
        ("service_code", "epm-road-damage"),
        ("attribute[damage]", "pothole"),
        ("attribute[danger]", "true"),
        ("lat", "26.4207"),
        ("long", "50.0888"),
        ("address_string", "King Fahd Road, Dammam"),
        ("first_name", "Sara"),
        ("last_name", "Ahmed"),
        ("phone", phone),
        ("description", "A deep hole in the right lane"),
        ("media_url", "https://partner.example/p/1.jpg"),
    ]
}

#[tokio::test]
async fn services_and_their_definitions_read_in_json_and_xml_in_either_language() {
    for app in spawn_apps().await {
        let discovery = json_of(get(&app, "/open311/v2/discovery.json", "en").await).await;
        assert_eq!(
            discovery["endpoints"][0]["url"],
            "https://nafitha.test/open311/v2"
        );
        let xml = xml_of(get(&app, "/open311/v2/discovery.xml", "en").await).await;
        assert_eq!(root(&xml), "discovery");
        assert_eq!(texts(&xml, "format"), ["application/json", "text/xml"]);

        // Services that need documents uploaded are not offered.
        let services = json_of(get(&app, "/open311/v2/services.json", "en").await).await;
        let codes: Vec<&str> = services
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["service_code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"epm-road-damage"), "{codes:?}");
        assert!(codes.contains(&"mof-general-inquiry"), "{codes:?}");
        assert!(!codes.contains(&"epm-professional-licence"), "{codes:?}");
        let road = services
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["service_code"] == "epm-road-damage")
            .unwrap();
        assert_eq!(road["type"], "realtime");
        assert_eq!(road["metadata"], true);
        assert!(
            road["group"].as_str().unwrap().contains("Municipality"),
            "{road}"
        );
        let arabic = json_of(get(&app, "/open311/v2/services.json", "ar").await).await;
        assert_eq!(arabic.as_array().unwrap().len(), codes.len());
        assert!(arabic.to_string().contains("أمانة"), "{arabic}");
        let xml = xml_of(get(&app, "/open311/v2/services.xml", "en").await).await;
        assert_eq!(root(&xml), "services");
        assert_eq!(texts(&xml, "service_code"), codes);

        // A definition: the form's questions but the location and the files.
        let definition =
            json_of(get(&app, "/open311/v2/services/epm-road-damage.json", "en").await).await;
        let attributes = definition["attributes"].as_array().unwrap();
        let attribute_codes: Vec<&str> = attributes
            .iter()
            .map(|a| a["code"].as_str().unwrap())
            .collect();
        assert_eq!(attribute_codes, ["damage", "danger", "details"]);
        assert_eq!(attributes[0]["datatype"], "singlevaluelist");
        assert_eq!(attributes[0]["required"], true);
        assert_eq!(attributes[0]["values"][0]["key"], "pothole");
        assert_eq!(attributes[2]["datatype"], "text");
        assert_eq!(attributes[2]["required"], false);
        let xml = xml_of(get(&app, "/open311/v2/services/epm-road-damage.xml", "ar").await).await;
        assert_eq!(root(&xml), "service_definition");
        assert_eq!(texts(&xml, "code"), attribute_codes);
        assert!(texts(&xml, "name").contains(&"نعم".to_owned()), "{xml}");

        // Unknown, or needing documents: the standard's 404, in either format.
        for path in [
            "/open311/v2/services/no-such-service.json",
            "/open311/v2/services/epm-professional-licence.json",
            "/open311/v2/nothing.json",
        ] {
            let missing = get(&app, path, "en").await;
            assert_eq!(missing.status(), 404, "{path}");
            assert_eq!(json_of(missing).await[0]["code"], 404, "{path}");
        }
        let missing = get(&app, "/open311/v2/services/no-such-service.xml", "en").await;
        assert_eq!(missing.status(), 404);
        let xml = xml_of(missing).await;
        assert_eq!(root(&xml), "errors");
        assert_eq!(texts(&xml, "code"), ["404"]);
        assert_eq!(
            get(&app, "/open311/v2/services.html", "en").await.status(),
            404
        );
    }
}

#[tokio::test]
async fn a_partner_files_through_open311_and_follows_its_own_requests() {
    for app in spawn_apps().await {
        let admin = app.staff("admin.epm", "admin", "epm", None).await;
        let (key, _) = make_key(
            &app,
            &admin,
            json!({ "partner": "EPM WhatsApp", "channel": "whatsapp" }),
        )
        .await;
        let (other_key, _) = make_key(&app, &admin, json!({ "partner": "EPM app" })).await;

        // Filed in JSON: the reference, and the applicant's SMS.
        let form = road_damage(&key, "0507770001");
        let filed = post_form(&app, "/open311/v2/requests.json", &form).await;
        assert_eq!(
            filed.status(),
            201,
            "{}: {}",
            app.engine,
            filed.text().await.unwrap()
        );
        let filed = json_of(filed).await;
        let first = filed[0]["service_request_id"].as_str().unwrap().to_owned();
        assert!(filed[0]["service_notice"]
            .as_str()
            .unwrap()
            .contains("Due by"));
        app.wait_for_message(&e164("0507770001"), &first).await;
        // The same body again is the same filing, not a second one.
        let again = post_form(&app, "/open311/v2/requests.json", &form).await;
        assert_eq!(again.status(), 200);
        assert_eq!(json_of(again).await[0]["service_request_id"], first);
        let stored = app
            .scalar(&format!(
                "select r.channel || ' ' || r.answers as v from requests r where r.reference = '{first}'"
            ))
            .await;
        assert!(stored.starts_with("whatsapp "), "{stored}");
        assert!(
            stored.contains("A deep hole in the right lane\\nhttps://partner.example/p/1.jpg"),
            "{stored}"
        );

        // Filed in XML, for a service without a location question.
        let inquiry = [
            ("api_key", key.as_str()),
            ("service_code", "epm-suggestion"),
            ("attribute[area]", "parks"),
            ("attribute[wants_reply]", "no"),
            ("description", "More shade in the park, please"),
            ("address_string", "Dammam Corniche"),
            ("first_name", "Sara"),
            ("phone", "0507770001"),
        ];
        let filed = post_form(&app, "/open311/v2/requests.xml", &inquiry).await;
        assert_eq!(filed.status(), 201, "{}", app.engine);
        let xml = xml_of(filed).await;
        assert_eq!(root(&xml), "service_requests");
        let second = texts(&xml, "service_request_id").remove(0);

        // One request: what a partner may see, never the applicant's details or answers.
        let one = get(
            &app,
            &format!("/open311/v2/requests/{first}.json?api_key={key}"),
            "en",
        )
        .await;
        assert_eq!(one.status(), 200);
        let one = json_of(one).await;
        let request = &one[0];
        assert_eq!(request["service_request_id"], first.as_str());
        assert_eq!(request["status"], "open");
        assert_eq!(request["status_notes"], "Received");
        assert_eq!(request["service_code"], "epm-road-damage");
        assert_eq!(request["address"], "King Fahd Road, Dammam");
        assert_eq!(request["lat"], 26.4207);
        assert!(request["expected_datetime"]
            .as_str()
            .unwrap()
            .ends_with("T23:59:59+03:00"));
        assert!(request["agency_responsible"].is_string());
        for private in [
            "Sara",
            "0507770001",
            "+966507770001",
            "deep hole",
            "pothole",
        ] {
            assert!(!one.to_string().contains(private), "{private}: {one}");
        }
        let xml = xml_of(
            get(
                &app,
                &format!("/open311/v2/requests/{first}.xml?api_key={key}"),
                "ar",
            )
            .await,
        )
        .await;
        assert_eq!(texts(&xml, "status_notes"), ["تم الاستلام"]);

        // Lists: by window (both), by status, by service, by ids; another partner sees none.
        let yesterday = nafitha_domain::calendar::format_rfc3339(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as i64
                - nafitha_domain::calendar::DAY_MS,
        );
        let list = |query: String| {
            let app = &app;
            async move {
                let response = get(app, &format!("/open311/v2/requests.json?{query}"), "en").await;
                assert_eq!(response.status(), 200, "{query}");
                let listed = json_of(response).await;
                listed
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            list(format!("api_key={key}")).await,
            [first.as_str(), second.as_str()]
        );
        assert_eq!(
            list(format!("api_key={key}&service_code=epm-suggestion")).await,
            [second.as_str()]
        );
        assert!(list(format!("api_key={key}&status=closed"))
            .await
            .is_empty());
        assert_eq!(
            list(format!("api_key={key}&status=open&start_date={yesterday}")).await,
            [first.as_str(), second.as_str()]
        );
        assert_eq!(
            list(format!(
                "api_key={key}&service_request_id={second},NF-0000-0000-0000"
            ))
            .await,
            [second.as_str()]
        );
        assert!(list(format!("api_key={other_key}")).await.is_empty());
        let theirs = get(
            &app,
            &format!("/open311/v2/requests/{first}.json?api_key={other_key}"),
            "en",
        )
        .await;
        assert_eq!(theirs.status(), 404);
        let xml = xml_of(
            get(
                &app,
                &format!("/open311/v2/requests.xml?api_key={key}"),
                "en",
            )
            .await,
        )
        .await;
        assert_eq!(
            texts(&xml, "service_request_id"),
            [first.as_str(), second.as_str()]
        );

        // The agency works it: the partner reads what changed, in both formats.
        app.agency_acts(&first, json!({ "action": "acknowledge" }))
            .await;
        app.agency_acts(&first, json!({ "action": "resolve", "message": "Filled." }))
            .await;
        let updates = json_of(
            get(
                &app,
                &format!("/open311/v2/servicerequestupdates.json?api_key={key}"),
                "en",
            )
            .await,
        )
        .await;
        let steps: Vec<(String, String)> = updates
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["service_request_id"] == first.as_str())
            .map(|u| {
                (
                    u["status"].as_str().unwrap().to_owned(),
                    u["description"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let steps: Vec<(&str, &str)> = steps
            .iter()
            .map(|(s, d)| (s.as_str(), d.as_str()))
            .collect();
        assert_eq!(
            steps,
            [
                ("open", "Received on WhatsApp"),
                ("open", "Being reviewed"),
                ("closed", "Resolved")
            ],
            "{updates}"
        );
        assert!(!updates.to_string().contains("Filled."), "{updates}");
        assert!(updates[0]["update_id"].is_string());
        let xml = xml_of(
            get(
                &app,
                &format!("/open311/v2/servicerequestupdates.xml?api_key={key}"),
                "en",
            )
            .await,
        )
        .await;
        assert_eq!(root(&xml), "service_request_updates");
        assert_eq!(
            texts(&xml, "request_update").len(),
            updates.as_array().unwrap().len()
        );
        assert_eq!(
            list(format!("api_key={key}&status=closed")).await,
            [first.as_str()]
        );

        // The figures count both under WhatsApp; the applicant finds both as theirs.
        let stats: Value = app.get("/api/v1/stats").await.json().await.unwrap();
        assert_eq!(stats["portal"]["channels"]["whatsapp"], 2, "{}", app.engine);
        let citizen = app.sign_in("0507770001").await;
        let mine = app.get_as(&citizen, "/api/v1/me/requests").await;
        let mine = mine.text().await.unwrap();
        assert!(mine.contains(&first) && mine.contains(&second), "{mine}");
    }
}

#[tokio::test]
async fn bad_input_gets_the_standards_errors_and_stores_nothing() {
    for app in spawn_apps().await {
        let admin = app.staff("admin.epm", "admin", "epm", None).await;
        let (key, _) = make_key(
            &app,
            &admin,
            json!({ "partner": "EPM bot", "services": ["epm-road-damage", "epm-bill-inquiry",
                                                      "epm-professional-licence", "epm-suggestion"] }),
        )
        .await;
        let good = road_damage(&key, "0507770002");
        let with = |changes: &[(&'static str, Option<&'static str>)]| {
            let mut form: Vec<(&str, &str)> = good.clone();
            for (name, value) in changes {
                form.retain(|(k, _)| k != name);
                if let Some(value) = value {
                    form.push((name, value));
                }
            }
            form
        };
        let cases: Vec<(Form, u16, &str)> = vec![
            (with(&[("api_key", None)]), 403, "api_key"),
            (
                with(&[(
                    "api_key",
                    Some("nfk_0000000000000000000000000000000000000000"),
                )]),
                403,
                "api_key",
            ),
            (
                with(&[("service_code", Some("mof-general-inquiry"))]),
                403,
                "scope",
            ),
            (
                with(&[("service_code", None)]),
                400,
                "service_code is required",
            ),
            (
                with(&[("service_code", Some("no-such-service"))]),
                400,
                "service_code:",
            ),
            (
                with(&[("service_code", Some("epm-professional-licence"))]),
                400,
                "documents",
            ),
            (
                with(&[("attribute[damage]", None)]),
                400,
                "attribute[damage]:",
            ),
            (
                with(&[("attribute[damage]", Some("crater"))]),
                400,
                "attribute[damage]:",
            ),
            (
                with(&[("attribute[photos]", Some("x.jpg"))]),
                400,
                "attribute[photos]:",
            ),
            (
                with(&[("attribute[unknown]", Some("1"))]),
                400,
                "attribute[unknown]:",
            ),
            (
                with(&[("lat", None), ("long", None), ("address_string", None)]),
                400,
                "lat, long, address_string:",
            ),
            (
                with(&[("long", None), ("address_string", None)]),
                400,
                "lat, long, address_string:",
            ),
            (
                with(&[("lat", Some("north"))]),
                400,
                "lat, long, address_string:",
            ),
            (with(&[("phone", Some("12345"))]), 400, "phone:"),
            (
                with(&[("first_name", None), ("last_name", None)]),
                400,
                "first_name:",
            ),
            (
                with(&[("media_url", Some("file:///etc/passwd"))]),
                400,
                "media_url:",
            ),
        ];
        for (form, status, needle) in &cases {
            let refused = post_form(&app, "/open311/v2/requests.json", form).await;
            assert_eq!(
                refused.status().as_u16(),
                *status,
                "{needle} ({})",
                app.engine
            );
            let errors = json_of(refused).await;
            assert_eq!(errors[0]["code"], *status, "{errors}");
            assert!(errors.to_string().contains(needle), "{needle}: {errors}");
        }
        // Every required attribute missing is named, in XML too.
        let suggestion = [
            ("api_key", key.as_str()),
            ("service_code", "epm-suggestion"),
            ("attribute[area]", "parks"),
            ("address_string", "Dammam"),
            ("first_name", "Sara"),
            ("phone", "0507770002"),
        ];
        let refused = post_form(&app, "/open311/v2/requests.xml", &suggestion).await;
        assert_eq!(refused.status(), 400);
        let xml = xml_of(refused).await;
        assert_eq!(root(&xml), "errors");
        let descriptions = texts(&xml, "description");
        assert!(
            descriptions
                .iter()
                .any(|d| d.starts_with("attribute[details]:")),
            "{xml}"
        );
        assert!(
            descriptions
                .iter()
                .any(|d| d.starts_with("attribute[wants_reply]:")),
            "{xml}"
        );

        // A number that is no number (another agency's service, its admin's key).
        let moc = app.staff("admin.moc", "admin", "moc", None).await;
        let (moc_key, _) = make_key(&app, &moc, json!({ "partner": "MoC app" })).await;
        let price = [
            ("api_key", moc_key.as_str()),
            ("service_code", "moc-price-rise-complaint"),
            ("attribute[shop_name]", "Corner shop"),
            ("attribute[product]", "Rice"),
            ("attribute[price_now]", "a lot"),
            ("address_string", "Jeddah"),
            ("first_name", "Sara"),
            ("phone", "0507770002"),
        ];
        let refused = post_form(&app, "/open311/v2/requests.json", &price).await;
        assert_eq!(refused.status(), 400);
        let errors = json_of(refused).await;
        assert_eq!(errors.as_array().unwrap().len(), 1, "{errors}");
        assert!(errors[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("attribute[price_now]:"));

        // Not a form, or too large.
        let json_body = app
            .client
            .post(app.url("/open311/v2/requests.json"))
            .json(&json!({ "api_key": key }))
            .send()
            .await
            .unwrap();
        assert_eq!(json_body.status(), 400);
        let huge = "x".repeat(100 * 1024);
        let too_large = post_form(
            &app,
            "/open311/v2/requests.json",
            &with(&[("description", Some(huge.leak()))]),
        )
        .await;
        assert_eq!(too_large.status(), 413);

        // Lists: a key, a window of at most 90 days, dates that read, a known status.
        for (query, status) in [
            (String::new(), 403),
            ("api_key=nfk_x".to_owned(), 403),
            (
                format!(
                    "api_key={key}&start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"
                ),
                400,
            ),
            (format!("api_key={key}&start_date=yesterday"), 400),
            (format!("api_key={key}&start_date=2026-01-01"), 400),
            (format!("api_key={key}&status=pending"), 400),
        ] {
            for list in ["requests", "servicerequestupdates"] {
                if list == "servicerequestupdates" && query.contains("status") {
                    continue;
                }
                let refused = get(&app, &format!("/open311/v2/{list}.json?{query}"), "ar").await;
                assert_eq!(refused.status().as_u16(), status, "{list}?{query}");
                let errors = json_of(refused).await;
                assert_eq!(errors[0]["code"], status);
            }
        }
        let arabic = json_of(get(&app, "/open311/v2/requests.json", "ar").await).await;
        assert!(
            arabic[0]["description"]
                .as_str()
                .unwrap()
                .contains("غير صحيح"),
            "{arabic}"
        );
        assert_eq!(app.count("requests").await, 0, "{}", app.engine);
    }
}

#[tokio::test]
async fn a_revoked_key_is_refused_at_once_by_every_instance() {
    let options = Options::default();
    for app in crate::helpers::spawn_apps_with(options.clone()).await {
        let admin = app.staff("admin.epm", "admin", "epm", None).await;
        let (key, id) = make_key(&app, &admin, json!({ "partner": "EPM bot" })).await;
        let twin = app.twin(&options).await;
        let filed = post_form(
            &twin,
            "/open311/v2/requests.json",
            &road_damage(&key, "0507770003"),
        )
        .await;
        assert_eq!(filed.status(), 201, "{}", app.engine);
        let revoke = format!("/api/v1/staff/api-keys/{id}/revoke");
        assert_eq!(app.post_as(&admin, &revoke, &json!({})).await.status(), 204);
        for instance in [&app, &twin] {
            let refused = post_form(
                instance,
                "/open311/v2/requests.json",
                &road_damage(&key, "0507770004"),
            )
            .await;
            assert_eq!(refused.status(), 403, "{}", app.engine);
            let listed = get(
                instance,
                &format!("/open311/v2/requests.json?api_key={key}"),
                "en",
            )
            .await;
            assert_eq!(listed.status(), 403, "{}", app.engine);
        }
        assert_eq!(app.count("requests").await, 1);
    }
}
