//! The performance figures on a small known data set, at fixed dates: counts, working days
//! to resolve (median, 90th percentile), the SLA share, the "not enough ratings" rule,
//! periods read from day and month buckets, the 12-week trend, referral moving a request
//! to another agency, reopening taking a resolution back; the supervisors' view with
//! comments and its CSV; and the kept counts equal to a rebuild from the data.

use nafitha_domain::calendar::Date;
use nafitha_domain::stats::Period;
use nafitha_server::clock::Clock;
use serde_json::{json, Value};

use crate::helpers::{spawn_apps_with, Options, TestApp};

/// Unix milliseconds at `hour`:00 in Riyadh (UTC+3) on `date`.
fn at(date: &str, hour: i64) -> i64 {
    let day = Date::parse(date).unwrap().days_since_epoch();
    day * 86_400_000 + (hour - 3) * 3_600_000
}

async fn stats(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/stats{query}")).await;
    assert_eq!(response.status(), 200, "{}: {query}", app.engine);
    response.json().await.unwrap()
}

fn agency<'a>(stats: &'a Value, code: &str) -> &'a Value {
    stats["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == code)
        .unwrap_or_else(|| panic!("no agency {code}"))
}

fn service<'a>(agency: &'a Value, code: &str) -> &'a Value {
    agency["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("no service {code}"))
}

/// The counts of a figures object, in a fixed order, for compact comparisons:
/// received, in progress, resolved, rejected, within SLA, online, median, p90.
fn counts(figures: &Value) -> [Value; 8] {
    [
        "received",
        "in_progress",
        "resolved",
        "rejected",
        "resolved_within_sla",
        "online",
        "median_days",
        "p90_days",
    ]
    .map(|k| figures[k].clone())
}

async fn staff_acts(app: &TestApp, cookie: &str, reference: &str, action: Value) {
    let response = app
        .post_as(
            cookie,
            &format!("/api/v1/staff/requests/{reference}/actions"),
            &action,
        )
        .await;
    assert_eq!(response.status(), 204, "{}: {action}", app.engine);
}

async fn rate(app: &TestApp, cookie: &str, reference: &str, body: Value) {
    let response = app
        .post_as(
            cookie,
            &format!("/api/v1/requests/{reference}/rating"),
            &body,
        )
        .await;
    assert_eq!(response.status(), 200, "{}: {body}", app.engine);
}

#[tokio::test]
async fn figures_are_exact_on_a_known_data_set() {
    let clock = Clock::fixed(at("2026-11-01", 9));
    let options = Options {
        clock: clock.clone(),
        ..Options::default()
    };
    for app in spawn_apps_with(options.clone()).await {
        clock.set(at("2026-11-01", 9)); // a Sunday
        let empty = stats(&app, "").await;
        assert_eq!(empty["portal"]["received"], 0);
        assert_eq!(empty["period"], "30d");
        assert_eq!(empty["from"], "2026-10-03");
        assert_eq!(empty["to"], "2026-11-01");

        // Seven applicants (one phone each), a supervisor of the municipality (epm), all
        // signed in now; sessions are kept alive across the simulated weeks.
        let phones: Vec<String> = (0..7).map(|i| format!("050777000{i}")).collect();
        let staff = app
            .staff("supervisor.stats", "supervisor", "epm", None)
            .await;
        let mut citizens = Vec::new();
        for phone in &phones {
            citizens.push(app.sign_in(phone).await);
        }
        app.execute("update sessions set expires_at = 4102444800000")
            .await;

        // Sunday 1 November: A, B, C, D filed (road damage: 5 working days, due Sunday 8).
        let mut refs = Vec::new();
        for phone in &phones[..4] {
            refs.push(app.file_for(phone).await);
        }
        // Monday 2: C rejected; D referred to another agency's department.
        clock.set(at("2026-11-02", 10));
        staff_acts(
            &app,
            &staff,
            &refs[2],
            json!({ "action": "reject", "message": "Private road" }),
        )
        .await;
        staff_acts(
            &app,
            &staff,
            &refs[3],
            json!({ "action": "refer", "department": "mim-care", "message": "Theirs" }),
        )
        .await;
        // Thursday 5: A resolved (4 working days); E filed (due Thursday 12).
        clock.set(at("2026-11-05", 11));
        staff_acts(
            &app,
            &staff,
            &refs[0],
            json!({ "action": "resolve", "message": "Filled" }),
        )
        .await;
        refs.push(app.file_for(&phones[4]).await);
        // Sunday 8: B resolved (5 working days, on its due date); E resolved (1 working day:
        // Friday and Saturday do not count); F and G filed.
        clock.set(at("2026-11-08", 9));
        staff_acts(
            &app,
            &staff,
            &refs[1],
            json!({ "action": "resolve", "message": "Filled" }),
        )
        .await;
        staff_acts(
            &app,
            &staff,
            &refs[4],
            json!({ "action": "resolve", "message": "Filled" }),
        )
        .await;
        refs.push(app.file_for(&phones[5]).await);
        refs.push(app.file_for(&phones[6]).await);
        // Monday 9: G withdrawn by its applicant.
        clock.set(at("2026-11-09", 9));
        let withdrawn = app
            .post_as(
                &citizens[6],
                &format!("/api/v1/requests/{}/actions", refs[6]),
                &json!({ "action": "withdraw" }),
            )
            .await;
        assert_eq!(withdrawn.status(), 200, "{}", app.engine);
        // Tuesday 10: F resolved (2 working days); A reopened by its applicant.
        clock.set(at("2026-11-10", 9));
        staff_acts(
            &app,
            &staff,
            &refs[5],
            json!({ "action": "resolve", "message": "Filled" }),
        )
        .await;
        let before_reopen = stats(&app, "").await;
        assert_eq!(before_reopen["portal"]["resolved"], 4);
        let reopened = app
            .post_as(
                &citizens[0],
                &format!("/api/v1/requests/{}/actions", refs[0]),
                &json!({ "action": "reopen", "message": "It is back" }),
            )
            .await;
        assert_eq!(reopened.status(), 200, "{}", app.engine);
        let after_reopen = stats(&app, "").await;
        assert_eq!(after_reopen["portal"]["resolved"], 3, "{}", app.engine);
        assert_eq!(
            after_reopen["portal"]["in_progress"], 2,
            "{}: A and D",
            app.engine
        );
        // Wednesday 11: A resolved again (8 working days, after its due date).
        clock.set(at("2026-11-11", 8));
        staff_acts(
            &app,
            &staff,
            &refs[0],
            json!({ "action": "resolve", "message": "Filled again" }),
        )
        .await;

        let now = stats(&app, "?period=30d").await;
        let epm = agency(&now, "epm");
        let road = service(epm, "epm-road-damage");
        // Received 6 (D went to mim with its filing), none in progress, 4 resolved taking
        // 1, 2, 5, 8 working days: median (2nd of 4) 2, 90th percentile (4th) 8; within the
        // SLA: B, E, F (A was late): 3 of 4. All filed online.
        let expected = [
            json!(6),
            json!(0),
            json!(4),
            json!(1),
            json!(3),
            json!(6),
            json!(2),
            json!(8),
        ];
        assert_eq!(counts(&road["figures"]), expected, "{}", app.engine);
        assert_eq!(counts(&epm["figures"]), expected, "{}", app.engine);
        let mim = agency(&now, "mim");
        assert_eq!(
            counts(&mim["figures"]),
            [
                json!(1),
                json!(1),
                json!(0),
                json!(0),
                json!(0),
                json!(1),
                Value::Null,
                Value::Null
            ],
            "{}: D is mim's now",
            app.engine
        );
        assert_eq!(service(mim, "epm-road-damage")["figures"]["received"], 1);
        assert_eq!(
            counts(&now["portal"]),
            [
                json!(7),
                json!(1),
                json!(4),
                json!(1),
                json!(3),
                json!(7),
                json!(2),
                json!(8)
            ],
            "{}",
            app.engine
        );
        // Other agencies are listed, with nothing yet.
        assert_eq!(agency(&now, "mof")["figures"]["received"], 0);
        // The trend: 12 weeks ending with this one (weeks start on Sunday).
        let trend = now["trend"].as_array().unwrap();
        assert_eq!(trend.len(), 12);
        assert_eq!(trend[11]["week"], "2026-11-08");
        assert_eq!(trend[10]["week"], "2026-11-01");
        assert_eq!(
            (&trend[10]["received"], &trend[10]["resolved"]),
            (&json!(5), &json!(0))
        );
        assert_eq!(
            (&trend[11]["received"], &trend[11]["resolved"]),
            (&json!(2), &json!(4))
        );
        assert!(trend[..10]
            .iter()
            .all(|w| w["received"] == 0 && w["resolved"] == 0));

        // Ratings: four are not enough for an average...
        clock.set(at("2026-11-11", 12));
        for (i, score, comment) in [
            (0, 5, Some("Fixed in the end")),
            (1, 4, None),
            (2, 1, Some("=Not fair")),
            (4, 4, Some("Quick")),
        ] {
            let mut body = json!({ "score": score, "resolved": "yes" });
            if let Some(text) = comment {
                body["comment"] = json!(text);
            }
            rate(&app, &citizens[i], &refs[i], body).await;
        }
        let four = stats(&app, "").await;
        let satisfaction =
            &service(agency(&four, "epm"), "epm-road-damage")["figures"]["satisfaction"];
        assert_eq!(satisfaction["count"], 4);
        assert_eq!(
            satisfaction["average"],
            Value::Null,
            "{}: not enough ratings",
            app.engine
        );
        assert_eq!(satisfaction["distribution"], json!([1, 0, 0, 2, 1]));
        // ...five are: (5 + 4 + 1 + 4 + 2) / 5 = 3.2; B changing 4 → 5 makes it 3.4.
        rate(
            &app,
            &citizens[5],
            &refs[5],
            json!({ "score": 2, "resolved": "partly" }),
        )
        .await;
        let five = stats(&app, "").await;
        assert_eq!(
            agency(&five, "epm")["figures"]["satisfaction"]["average"],
            3.2
        );
        rate(&app, &citizens[1], &refs[1], json!({ "score": 5 })).await;
        let changed = stats(&app, "").await;
        let satisfaction = &agency(&changed, "epm")["figures"]["satisfaction"];
        assert_eq!(satisfaction["average"], 3.4, "{}", app.engine);
        assert_eq!(satisfaction["distribution"], json!([1, 1, 0, 1, 2]));
        assert_eq!(changed["portal"]["satisfaction"]["count"], 5);
        // No personal data anywhere in the public figures.
        let text = changed.to_string();
        for phone in &phones {
            assert!(!text.contains(&phone[1..]), "{phone}");
        }
        assert!(
            !text.contains("Fixed in the end"),
            "comments are not public"
        );

        // The supervisors' view: the agency with its comments (newest first, no identity),
        // narrowed by department; its CSV files.
        let view: Value = app
            .get_as(&staff, "/api/v1/staff/stats?period=12m")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            counts(&view["agency"]["figures"]),
            expected,
            "{}",
            app.engine
        );
        let comments: Vec<&str> = view["comments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["comment"].as_str().unwrap())
            .collect();
        assert_eq!(
            comments,
            ["Quick", "=Not fair", "Fixed in the end"],
            "{}",
            app.engine
        );
        assert_eq!(view["comments"][0]["score"], 4);
        assert_eq!(view["comments"][0]["rated_on"], "2026-11-11");
        assert!(!view.to_string().contains(&phones[4][1..]));
        let other_department: Value = app
            .get_as(&staff, "/api/v1/staff/stats?department=epm-licensing")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(other_department["agency"]["figures"]["received"], 0);
        assert_eq!(other_department["comments"], json!([]));
        let roads: Value = app
            .get_as(
                &staff,
                "/api/v1/staff/stats?department=epm-roads&service=epm-road-damage",
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(counts(&roads["agency"]["figures"]), expected);
        assert_eq!(roads["agency"]["services"].as_array().unwrap().len(), 1);
        let csv = app
            .client
            .get(app.url("/api/v1/staff/stats/comments.csv"))
            .header("Cookie", &staff)
            .header("Accept-Language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), 200);
        let body = csv.text().await.unwrap();
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(
            lines[0],
            "\u{feff}Rated on,Service,Department,Score,Satisfaction,Resolved,Comment"
        );
        assert_eq!(
            lines[1],
            "2026-11-11,epm-road-damage,epm-roads,4,Satisfied,Yes,Quick"
        );
        assert_eq!(
            lines[2],
            "2026-11-11,epm-road-damage,epm-roads,1,Very dissatisfied,Yes,'=Not fair"
        );
        assert_eq!(lines.len(), 4);
        let figures_csv = app
            .client
            .get(app.url("/api/v1/staff/stats/services.csv?service=epm-road-damage"))
            .header("Cookie", &staff)
            .header("Accept-Language", "en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let rows: Vec<&str> = figures_csv.lines().collect();
        assert_eq!(
            rows[2], "Road damage report,6,0,4,1,75,2,8,3.4,5,100,6,0,0,0,0,0,0",
            "{figures_csv}"
        );

        // Bad filters are refused, naming each; agents and citizens are refused the view.
        let bad = app.get("/api/v1/stats?period=week").await;
        assert_eq!(bad.status(), 422);
        let problem: Value = bad.json().await.unwrap();
        assert_eq!(problem["fields"][0]["field"], "period");
        assert_eq!(
            app.get("/api/v1/stats?department=epm-roads").await.status(),
            422
        );
        let foreign = app
            .get_as(&staff, "/api/v1/staff/stats?department=mim-care")
            .await;
        assert_eq!(foreign.status(), 422);
        assert_eq!(app.get("/api/v1/staff/stats").await.status(), 401);
        assert_eq!(
            app.get_as(&citizens[0], "/api/v1/staff/stats")
                .await
                .status(),
            401
        );
        let agent = app
            .staff("agent.stats", "agent", "epm", Some("epm-roads"))
            .await;
        assert_eq!(
            app.get_as(&agent, "/api/v1/staff/stats").await.status(),
            403
        );

        // Later: the 30 days hold nothing, 12 months and all time everything (read from
        // month buckets now).
        clock.set(at("2027-01-20", 9));
        let later = stats(&app, "?period=30d").await;
        assert_eq!(
            counts(&later["portal"])[..6],
            [json!(0), json!(0), json!(0), json!(0), json!(0), json!(0)]
        );
        assert_eq!(later["portal"]["satisfaction"]["count"], 0);
        for period in ["12m", "all"] {
            let year = stats(&app, &format!("?period={period}")).await;
            assert_eq!(
                counts(&agency(&year, "epm")["figures"]),
                expected,
                "{}: {period}",
                app.engine
            );
            assert_eq!(
                agency(&year, "epm")["figures"]["satisfaction"]["average"],
                3.4
            );
        }
        let year = stats(&app, "?period=12m").await;
        assert_eq!(year["from"], "2026-01-21");
        assert_eq!(stats(&app, "?period=all").await["from"], Value::Null);

        // Another instance on the same database: its filing shows here within the cache's
        // second (this instance's own changes show at once, as every step above checked).
        let twin = app.twin(&options).await;
        let before = stats(&app, "?period=all").await["portal"]["received"].clone();
        assert_eq!(before, 7);
        twin.file_for("0507770099").await;
        assert_eq!(stats(&twin, "?period=all").await["portal"]["received"], 8);
        assert_eq!(
            stats(&app, "?period=all").await["portal"]["received"],
            7,
            "{}: cached",
            app.engine
        );
        clock.set(at("2027-01-20", 9) + 1_000);
        assert_eq!(
            stats(&app, "?period=all").await["portal"]["received"],
            8,
            "{}",
            app.engine
        );

        // What was kept as things happened equals a rebuild from the stored data.
        let store = app.store().await;
        let kept = store.kept_stats().await.unwrap();
        assert!(kept.len() > 10, "{kept:?}");
        store.rebuild_stats().await.unwrap();
        assert_eq!(store.kept_stats().await.unwrap(), kept, "{}", app.engine);
    }
}

/// The version that keeps the time-to-resolve histogram 32 days to a row
/// (`20261201000017_stats_resolve_rows.sql`).
const DAYS_ROWS_MIGRATION: i64 = 20261201000017;

#[tokio::test]
async fn time_to_resolve_is_exact_across_rows_of_days_and_after_the_upgrade() {
    let filed_on = Date::parse("2026-01-04").unwrap(); // a Sunday
    let clock = Clock::fixed(at("2026-01-04", 9));
    let options = Options {
        clock: clock.clone(),
        ..Options::default()
    };
    for app in spawn_apps_with(options.clone()).await {
        clock.set(at("2026-01-04", 9));
        let staff = app
            .staff("supervisor.days", "supervisor", "epm", None)
            .await;
        app.execute("update sessions set expires_at = 4102444800000")
            .await;
        // Five requests filed the same day, resolved after 3, 31, 32, 33 and 70 working
        // days: the first row of the histogram counts 0 to 31 days, the next 32 to 63, the
        // third 64 to 95.
        let days = [3, 31, 32, 33, 70];
        let mut refs = Vec::new();
        for i in 0..days.len() {
            refs.push(app.file_for(&format!("050888000{i}")).await);
        }
        for (reference, n) in refs.iter().zip(days) {
            clock.set(at(&filed_on.add_working_days(n).to_string(), 10));
            staff_acts(
                &app,
                &staff,
                reference,
                json!({ "action": "resolve", "message": "Done" }),
            )
            .await;
        }
        let today = filed_on.add_working_days(70);
        // All five: the median is the 3rd (32 days), the 90th percentile the 5th (70).
        for period in ["12m", "all"] {
            let figures = &stats(&app, &format!("?period={period}")).await["portal"];
            assert_eq!(figures["resolved"], 5, "{}: {period}", app.engine);
            assert_eq!(
                (&figures["median_days"], &figures["p90_days"]),
                (&json!(32), &json!(70)),
                "{}: {period}",
                app.engine
            );
        }
        // The last 30 days hold the last one only.
        let month = &stats(&app, "?period=30d").await["portal"];
        assert_eq!(
            (
                &month["resolved"],
                &month["median_days"],
                &month["p90_days"]
            ),
            (&json!(1), &json!(70), &json!(70)),
            "{}",
            app.engine
        );

        // Kept as things happened equals a rebuild.
        let now_ms = at(&today.to_string(), 12);
        let store = app.store().await;
        let kept = store.kept_stats().await.unwrap();
        assert!(
            kept.iter()
                .any(|row| row
                    .starts_with("stats_resolve_days a all epm epm-roads epm-road-damage 64 ")),
            "{kept:?}"
        );
        store.rebuild_stats().await.unwrap();
        assert_eq!(store.kept_stats().await.unwrap(), kept, "{}", app.engine);
        let mut figures = Vec::new();
        for period in Period::ALL {
            figures.push(store.stats(period, now_ms).await.unwrap());
        }

        // A database from before the migration, with the histogram one row per number of
        // days: starting on it migrates the table and rebuilds every kept count from the
        // data, to the same rows and figures.
        app.execute("drop table stats_resolve_days").await;
        app.execute(
            "create table stats_resolve_days (grain text not null, bucket text not null, \
             agency_code text not null, department_code text not null, service_code text not null, \
             days bigint not null, n bigint not null, constraint stats_resolve_days_pk \
             primary key (grain, bucket, agency_code, department_code, service_code, days))",
        )
        .await;
        app.execute(
            "insert into stats_resolve_days values ('a', 'all', 'epm', 'epm-roads', 'epm-road-damage', 3, 1)",
        )
        .await;
        app.execute(&format!(
            "delete from _sqlx_migrations where version = {DAYS_ROWS_MIGRATION}"
        ))
        .await;
        let upgraded = app.store().await;
        assert_eq!(upgraded.kept_stats().await.unwrap(), kept, "{}", app.engine);
        for (period, before) in Period::ALL.into_iter().zip(&figures) {
            assert_eq!(
                &upgraded.stats(period, now_ms).await.unwrap(),
                before,
                "{}: {period:?}",
                app.engine
            );
        }
    }
}
