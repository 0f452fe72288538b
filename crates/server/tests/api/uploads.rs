//! `POST /api/v1/uploads` and attachments in filings. The tests that store and read
//! files run with the files in a local directory and, when an S3 stand-in runs
//! (scripts/with-s3.sh), in a bucket too.

use nafitha_server::attachments::samples::{jpeg_with_exif, png_with_text};
use serde_json::{json, Value};

use crate::helpers::{
    spawn_apps, spawn_apps_and_stores, spawn_apps_with, spawn_apps_with_stores, Options, TestApp,
};

async fn upload(
    app: &TestApp,
    service: &str,
    field: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/uploads?service={service}&field={field}")))
        .header("Content-Type", content_type)
        .header("Accept-Language", "en")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Uploads a photo for the road damage report.
async fn upload_photo(app: &TestApp) -> reqwest::Response {
    upload(
        app,
        "epm-road-damage",
        "photos",
        "image/jpeg",
        jpeg_with_exif(),
    )
    .await
}

/// Uploads a photo for the road damage report and returns its id.
async fn upload_road_photo(app: &TestApp) -> String {
    let response = upload_photo(app).await;
    assert_eq!(response.status(), 201, "{}", app.engine);
    let uploaded: Value = response.json().await.unwrap();
    uploaded["id"].as_str().unwrap().to_owned()
}

fn road_damage_with_photos(photos: Value) -> Value {
    json!({
        "service_code": "epm-road-damage", "locale": "en",
        "applicant": { "name": "Sara Otaibi", "phone": "0501234567" },
        "answers": { "damage": "crack", "danger": "no", "location": { "address": "King Fahd Road" }, "photos": photos }
    })
}

async fn file(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/requests"))
        .header("Idempotency-Key", key)
        .header("Accept-Language", "en")
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn error_message(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap();
    body["fields"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_photo_is_stored_without_its_metadata_and_attached_to_the_filing() {
    for app in spawn_apps_and_stores().await {
        let response = upload_photo(&app).await;
        assert_eq!(response.status(), 201, "{}", app.label());
        let uploaded: Value = response.json().await.unwrap();
        let id = uploaded["id"].as_str().unwrap().to_owned();
        assert_eq!(uploaded["kind"], "jpeg");

        let stored = app.stored(&id).await.expect("the file is stored");
        let text = String::from_utf8_lossy(&stored);
        assert!(
            !text.contains("GPS") && !text.contains("Exif"),
            "{}: metadata left in {text}",
            app.label()
        );
        assert!(stored.starts_with(&[0xFF, 0xD8]) && stored.ends_with(&[0xFF, 0xD9]));

        let png = upload(
            &app,
            "epm-road-damage",
            "photos",
            "image/png",
            png_with_text(),
        )
        .await;
        let png_id = png.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();

        let response = file(
            &app,
            "key-photo-00001",
            &road_damage_with_photos(json!([id, png_id])),
        )
        .await;
        assert_eq!(response.status(), 201, "{}", app.engine);
        assert_eq!(
            app.count("uploads where request_id is not null").await,
            2,
            "{}",
            app.engine
        );
    }
}

#[tokio::test]
async fn files_of_the_wrong_type_or_that_pretend_to_be_images_are_refused() {
    for app in spawn_apps().await {
        let response = upload(
            &app,
            "epm-road-damage",
            "photos",
            "image/jpeg",
            b"<html><script>alert(1)</script>".to_vec(),
        )
        .await;
        assert_eq!(response.status(), 422, "{}", app.engine);
        assert_eq!(
            error_message(response).await,
            "The file is not a real image. Choose a JPG or PNG photo"
        );

        let response = upload(
            &app,
            "epm-road-damage",
            "photos",
            "application/octet-stream",
            b"GIF89a....".to_vec(),
        )
        .await;
        assert_eq!(
            error_message(response).await,
            "The file must be a JPG or PNG image, or a PDF"
        );

        // A PDF where only photos are taken.
        let response = upload(
            &app,
            "epm-road-damage",
            "photos",
            "application/pdf",
            b"%PDF-1.7\n%%EOF".to_vec(),
        )
        .await;
        assert_eq!(
            error_message(response).await,
            "The file must be a JPG or PNG image"
        );

        // Starts like a JPEG, is not one.
        let response = upload(
            &app,
            "epm-road-damage",
            "photos",
            "image/jpeg",
            b"\xFF\xD8\xFFnot really".to_vec(),
        )
        .await;
        assert_eq!(
            error_message(response).await,
            "The file is damaged or is not really an image"
        );

        let response = upload(&app, "epm-road-damage", "photos", "image/jpeg", Vec::new()).await;
        assert_eq!(response.status(), 422);
        assert_eq!(app.count("uploads").await, 0, "{}", app.engine);
    }
}

#[tokio::test]
async fn a_file_over_the_questions_limit_or_the_servers_is_refused() {
    for app in spawn_apps().await {
        // Road damage photos allow 10 MB each.
        let mut big = jpeg_with_exif();
        big.resize(10 * 1024 * 1024 + 1, 0);
        let response = upload(&app, "epm-road-damage", "photos", "image/jpeg", big).await;
        assert_eq!(response.status(), 422, "{}", app.engine);
        assert_eq!(
            error_message(response).await,
            "The file must be smaller than 10 MB"
        );

        let huge = vec![0u8; nafitha_server::routes::uploads::UPLOAD_BODY_LIMIT + 1];
        let response = upload(&app, "epm-road-damage", "photos", "image/jpeg", huge).await;
        assert_eq!(response.status(), 413, "{}", app.engine);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "payload_too_large", "the error body");
        assert_eq!(app.count("uploads").await, 0, "{}", app.engine);
    }
}

#[tokio::test]
async fn uploads_are_only_for_attachment_questions_of_open_services() {
    for app in spawn_apps().await {
        let response = upload(
            &app,
            "epm-road-damage",
            "details",
            "image/jpeg",
            jpeg_with_exif(),
        )
        .await;
        assert_eq!(response.status(), 422);
        let response = upload(
            &app,
            "no-such-service",
            "photos",
            "image/jpeg",
            jpeg_with_exif(),
        )
        .await;
        assert_eq!(response.status(), 422);
        assert_eq!(app.count("uploads").await, 0, "{}", app.engine);
    }
}

#[tokio::test]
async fn an_upload_cannot_be_used_by_another_question_service_or_request() {
    for app in spawn_apps().await {
        let id = &upload_road_photo(&app).await;

        // Another service's question.
        let street = json!({
            "service_code": "epm-street-cleanliness", "locale": "en",
            "applicant": { "name": "Sara Otaibi", "phone": "0501234567" },
            "answers": { "problem": "rubbish", "location": { "address": "Corniche" }, "photos": [id] }
        });
        let response = file(&app, "key-foreign-0001", &street).await;
        assert_eq!(response.status(), 422, "{}", app.engine);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["fields"][0]["field"], "photos");
        assert_eq!(
            app.count("requests").await,
            0,
            "{}: nothing stored",
            app.engine
        );

        // Its own request takes it once; a second request cannot.
        assert_eq!(
            file(
                &app,
                "key-first-00001",
                &road_damage_with_photos(json!([id]))
            )
            .await
            .status(),
            201
        );
        let response = file(
            &app,
            "key-second-0001",
            &road_damage_with_photos(json!([id])),
        )
        .await;
        assert_eq!(response.status(), 422, "{}", app.engine);
        assert_eq!(app.count("requests").await, 1, "{}", app.engine);
    }
}

#[tokio::test]
async fn uploads_never_attached_are_removed_after_a_day_and_attached_ones_kept() {
    for app in spawn_apps_and_stores().await {
        let mut ids = Vec::new();
        for _ in 0..2 {
            ids.push(upload_road_photo(&app).await);
        }
        assert_eq!(
            file(
                &app,
                "key-keep-000001",
                &road_damage_with_photos(json!([ids[0]]))
            )
            .await
            .status(),
            201
        );
        // Both uploads are two days old now.
        let two_days_ago = nafitha_server::clock::Clock::system().now_ms() - 2 * 86_400_000;
        app.execute(&format!("update uploads set created_at = {two_days_ago}"))
            .await;

        let store = app.store().await;
        let removed = nafitha_server::attachments::remove_expired(
            &store,
            &app.objects,
            nafitha_server::clock::Clock::system().now_ms(),
        )
        .await
        .unwrap();
        assert_eq!(removed, 1, "{}", app.label());
        assert_eq!(app.count("uploads").await, 1, "{}", app.label());
        assert!(
            app.stored(&ids[0]).await.is_some(),
            "{}: the attached file stays",
            app.label()
        );
        assert!(
            app.stored(&ids[1]).await.is_none(),
            "{}: the orphan file goes",
            app.label()
        );
    }
}

#[tokio::test]
async fn the_clean_up_removes_unattached_uploads_by_the_apps_clock() {
    let start = nafitha_server::clock::Clock::system().now_ms() + 365 * 86_400_000;
    let clock = nafitha_server::clock::Clock::fixed(start);
    let at = |clock: nafitha_server::clock::Clock| Options {
        clock,
        ..Options::default()
    };
    for app in spawn_apps_with_stores(at(clock.clone())).await {
        // Arrange: an upload made a year ahead of the system's time, never attached.
        clock.set(start);
        let id = upload_road_photo(&app).await;
        assert_eq!(app.count("uploads").await, 1, "{}", app.engine);

        // Act: instances whose clocks read an hour, then a day and a minute, later clean
        // up as they start.
        let hour_later = app
            .twin(&at(nafitha_server::clock::Clock::fixed(start + 3_600_000)))
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let kept = app.count("uploads").await;
        let day_later = nafitha_server::attachments::UNATTACHED_TTL_MS + 60_000;
        let _later = app
            .twin(&at(nafitha_server::clock::Clock::fixed(start + day_later)))
            .await;
        for _ in 0..100 {
            if app.count("uploads").await == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }

        // Assert
        assert_eq!(kept, 1, "{}: an hour old is not expired", app.label());
        assert_eq!(app.count("uploads").await, 0, "{}", app.label());
        assert!(
            app.stored(&id).await.is_none(),
            "{}: its file goes too",
            app.label()
        );
        hour_later.stop();
    }
}

/// Sends an upload over a raw connection, `pieces` at a time with a pause before each,
/// declaring `length` bytes; returns the status and the JSON body (the connection closes).
async fn slow_upload(
    app: &TestApp,
    length: usize,
    pieces: Vec<(std::time::Duration, Vec<u8>)>,
) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/v1/uploads?service=epm-road-damage&field=photos HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: image/jpeg\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for (pause, piece) in pieces {
        tokio::time::sleep(pause).await;
        if stream.write_all(&piece).await.is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer[9..12].parse().unwrap();
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn quick_timeouts() -> Options {
    Options {
        request_timeout_ms: 300,
        upload_idle_timeout_ms: 700,
        ..Options::default()
    }
}

#[tokio::test]
async fn a_slow_upload_succeeds_as_long_as_it_keeps_arriving() {
    for app in spawn_apps_with_stores(quick_timeouts()).await {
        // Five pieces 250 ms apart: four times the time any other call may take.
        let photo = jpeg_with_exif();
        let pieces: Vec<_> = photo
            .chunks(photo.len().div_ceil(5))
            .map(|c| (std::time::Duration::from_millis(250), c.to_vec()))
            .collect();
        let (status, body) = slow_upload(&app, photo.len(), pieces).await;
        assert_eq!(status, 201, "{}: {body}", app.label());
        assert_eq!(app.count("uploads").await, 1);
        let id = body["id"].as_str().unwrap();
        assert!(app.stored(id).await.is_some(), "{}", app.label());
    }
}

#[tokio::test]
async fn an_upload_that_stops_arriving_gets_408_with_the_error_body_and_leaves_nothing() {
    for app in spawn_apps_with(quick_timeouts()).await {
        let photo = jpeg_with_exif();
        let pieces = vec![
            (std::time::Duration::ZERO, photo[..10].to_vec()),
            (
                std::time::Duration::from_millis(1_500),
                photo[10..].to_vec(),
            ),
        ];
        let (status, body) = slow_upload(&app, photo.len(), pieces).await;
        assert_eq!(status, 408, "{}: {body}", app.engine);
        assert_eq!(body["code"], "request_timeout");
        assert_eq!(app.count("uploads").await, 0);
        let incoming = std::fs::read_dir(app.dir.path().join("data/incoming")).unwrap();
        assert_eq!(incoming.count(), 0, "no working file is left behind");
    }
}

#[tokio::test]
async fn uploads_are_limited_per_client_by_count_by_bytes_and_at_once() {
    let mut options = Options::default();
    options.limits.uploads_per_client_hour = 2;
    for app in spawn_apps_with(options).await {
        for _ in 0..2 {
            upload_road_photo(&app).await;
        }
        let refused = upload_photo(&app).await;
        assert_eq!(refused.status(), 429, "{}", app.engine);
        assert!(refused.headers().contains_key("retry-after"));
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["code"], "too_many_requests");
        assert!(
            body["message"].as_str().unwrap().contains("uploaded"),
            "{body}"
        );
        // A reception desk on the same address scans for citizens: counted per staff
        // member, so the address's count does not hold the desk up (and the desk's
        // own count still applies).
        let desk = app.staff("desk.uploads", "intake", "epm", None).await;
        let as_desk = || {
            app.client
                .post(app.url("/api/v1/uploads?service=epm-road-damage&field=photos"))
                .header("Content-Type", "image/jpeg")
                .header("Cookie", &desk)
                .body(jpeg_with_exif())
                .send()
        };
        for _ in 0..2 {
            assert_eq!(as_desk().await.unwrap().status(), 201, "{}", app.engine);
        }
        assert_eq!(as_desk().await.unwrap().status(), 429, "{}", app.engine);
    }

    let mut options = Options::default();
    options.limits.upload_mb_per_client_hour = 1;
    for app in spawn_apps_with(options).await {
        let mut half = jpeg_with_exif();
        half.resize(600 * 1024, 0);
        let first = upload(
            &app,
            "epm-road-damage",
            "photos",
            "image/jpeg",
            half.clone(),
        )
        .await;
        assert_eq!(first.status(), 201, "{}", app.engine);
        let second = upload(&app, "epm-road-damage", "photos", "image/jpeg", half).await;
        assert_eq!(second.status(), 429, "{}: 1.2 MB in an hour", app.engine);
    }

    let mut options = quick_timeouts();
    options.limits.uploads_in_flight_per_client = 1;
    options.upload_idle_timeout_ms = 2_000;
    for app in spawn_apps_with(options).await {
        let photo = jpeg_with_exif();
        // One upload that takes its time...
        let slow = slow_upload(
            &app,
            photo.len(),
            vec![
                (std::time::Duration::ZERO, photo[..10].to_vec()),
                (std::time::Duration::from_millis(600), photo[10..].to_vec()),
            ],
        );
        // ...while a second one from the same client, sent once the first is being
        // received (its working file is there), is refused.
        let incoming = app.dir.path().join("data/incoming");
        let second = async {
            for _ in 0..200 {
                if std::fs::read_dir(&incoming).unwrap().next().is_some() {
                    let response = upload_photo(&app).await;
                    assert_eq!(response.status(), 429, "{}", app.engine);
                    let body: Value = response.json().await.unwrap();
                    return body["message"].as_str().unwrap().to_owned();
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            panic!("the first upload never started");
        };
        let ((status, _), refused) = tokio::join!(slow, second);
        assert_eq!(status, 201, "{}", app.engine);
        assert!(refused.contains("at the same time"), "{refused}");
    }
}

#[tokio::test]
async fn an_image_declaring_a_huge_picture_is_refused_before_decoding() {
    use nafitha_server::attachments::samples::png_chunk;
    for app in spawn_apps().await {
        let mut bomb = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = 40_000u32.to_be_bytes().to_vec();
        ihdr.extend(40_000u32.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        bomb.extend(png_chunk(b"IHDR", &ihdr));
        bomb.extend(png_chunk(b"IDAT", &[0; 64]));
        bomb.extend(png_chunk(b"IEND", &[]));
        let response = upload(&app, "epm-road-damage", "photos", "image/png", bomb).await;
        assert_eq!(response.status(), 422, "{}", app.engine);
        assert!(error_message(response).await.contains("megapixels"));
        assert_eq!(app.count("uploads").await, 0);
    }
}

#[tokio::test]
async fn a_document_larger_than_a_stored_part_is_kept_whole_and_downloaded_as_it_was() {
    for app in spawn_apps_and_stores().await {
        // Arrange: a request awaiting the applicant, and a 9 MiB PDF (several parts on
        // a directory and on S3, whose parts are 1 and 5 MiB).
        let phone = "0502929290";
        let reference = app.file_for(phone).await;
        app.agency_acts(
            &reference,
            json!({ "action": "request_info", "message": "The survey, please" }),
        )
        .await;
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend((0..9 * 1024 * 1024).map(|i: u32| (i % 251) as u8));
        let response = upload(
            &app,
            "epm-road-damage",
            "reply",
            "application/pdf",
            pdf.clone(),
        )
        .await;
        assert_eq!(response.status(), 201, "{}", app.label());
        let uploaded: Value = response.json().await.unwrap();
        let id = uploaded["id"].as_str().unwrap().to_owned();
        assert_eq!(uploaded["size"], pdf.len());
        let cookie = app.sign_in(phone).await;
        let answered = app
            .post_as(
                &cookie,
                &format!("/api/v1/requests/{reference}/actions"),
                &json!({ "action": "answer", "message": "Here", "attachments": [id] }),
            )
            .await;
        assert_eq!(answered.status(), 200, "{}", app.label());

        // Act
        let file = app
            .get_as(
                &cookie,
                &format!("/api/v1/requests/{reference}/attachments/{id}"),
            )
            .await;

        // Assert: the headers of a download, and every byte.
        assert_eq!(file.status(), 200, "{}", app.label());
        let headers = file.headers().clone();
        assert_eq!(headers["content-type"], "application/pdf");
        assert_eq!(
            headers["content-disposition"],
            format!("attachment; filename=\"{id}.pdf\"").as_str()
        );
        assert_eq!(headers["content-length"], pdf.len().to_string().as_str());
        assert!(
            headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("no-store"),
            "{headers:?}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let body = file.bytes().await.unwrap();
        assert!(body == pdf, "{}: the same bytes", app.label());
        assert!(app.stored(&id).await.unwrap() == pdf, "{}", app.label());
    }
}
