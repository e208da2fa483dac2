//! Monitoring metrics over HTTP: all-or-nothing ingest with line numbers, rollups checked against
//! figures computed here, breach episodes that open exactly one incident (no storm from a
//! flapping series, recovery closes), warnings emailed to the accountable person, and continuous
//! control monitoring (a stale metric takes a control from satisfied to partial).

mod thresholds;
mod validation;

use std::io::Write;

use chrono::{DateTime, Duration, DurationRound, Utc};
use serde_json::{Value, json};

use crate::fixtures::create_system;
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    a_bad_line_rejects_the_whole_request_and_stores_nothing,
    aggregates_match_figures_computed_independently,
    a_stale_metric_takes_a_control_from_satisfied_to_partial,
);

pub const DEFINE: &str = r#"mutation($i: MetricDefinitionInput!) { createMetricDefinition(input: $i) { id key window statistic warningThreshold breachThreshold staleAfterHours controlIds } }"#;

/// A drift metric: hourly mean, warning 0.1, breach 0.2, opens after 2 windows, closes after 3.
pub fn drift(key: &str) -> Value {
    json!({ "key": key, "name": "Input drift", "kind": "data_drift", "unit": "psi",
            "direction": "higher_is_worse", "window": "hour", "statistic": "mean",
            "warningThreshold": 0.1, "breachThreshold": 0.2, "openAfter": 2, "closeAfter": 3,
            "incidentSeverity": "high" })
}

pub async fn define(app: &TestApp, token: &str, input: Value) -> String {
    app.ok(token, DEFINE, json!({ "i": input })).await["createMetricDefinition"]["id"]
        .as_str()
        .expect("id")
        .to_string()
}

/// The start of the current hour: windows before it are closed.
pub fn this_hour() -> DateTime<Utc> {
    Utc::now().duration_trunc(Duration::hours(1)).expect("hour")
}

/// POSTs raw bytes to `/ingest/metrics`.
pub async fn ingest(
    app: &TestApp,
    token: &str,
    content_type: &str,
    gzip: bool,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url("/ingest/metrics"))
        .bearer_auth(token)
        .header("Content-Type", content_type);
    if gzip {
        request = request.header("Content-Encoding", "gzip");
    }
    let response = request.body(body).send().await.expect("request sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// CSV of `(system, hours before this hour, value)` points at the start of that hour plus
/// `minute` minutes.
pub fn csv(metric: &str, points: &[(String, i64, i64, f64)]) -> Vec<u8> {
    let mut text = String::from("metric,ai_system,time,value\n");
    for (system, hours_ago, minute, value) in points {
        let at = this_hour() - Duration::hours(*hours_ago) + Duration::minutes(*minute);
        text.push_str(&format!("{metric},{system},{},{value}\n", at.to_rfc3339()));
    }
    text.into_bytes()
}

async fn a_bad_line_rejects_the_whole_request_and_stores_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    define(&app, &token, drift("drift.psi")).await;
    let at = (this_hour() - Duration::hours(3)).to_rfc3339();
    let bad = format!(
        "metric,ai_system,time,value\n\
         drift.psi,{system},{at},0.1\n\
         drift.psi,{system},not-a-time,0.1\n\
         drift.psi,Credit scorer,{at},0.2\n\
         unknown.metric,{system},{at},0.3\n\
         drift.psi,{system},{at},inf\n"
    );
    let (status, body) = ingest(&app, &token, "text/csv", false, bad.into_bytes()).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_code(&body), "VALIDATION");
    let lines: Vec<i64> = body["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["line"].as_i64().expect("line"))
        .collect();
    assert_eq!(lines, vec![3, 5, 6], "{body}");
    assert_eq!(body["badLines"], 3);
    assert_eq!(app.count_rows("metric_chunk").await, 0, "nothing stored");
    assert_eq!(
        app.count_rows("metric_series").await,
        0,
        "no series created"
    );

    // The same points, good, as gzip NDJSON from an integrator's API key.
    let key = app
        .ok(
            &token,
            r#"mutation { createApiKey(name: "pipeline") { key } }"#,
            json!({}),
        )
        .await["createApiKey"]["key"]
        .as_str()
        .expect("key")
        .to_string();
    let mut ndjson = String::new();
    for (i, value) in [0.05, 0.07, 0.06].iter().enumerate() {
        let at = (this_hour() - Duration::hours(3) + Duration::minutes(i as i64 * 10)).to_rfc3339();
        ndjson.push_str(&format!(
            "{{\"metric\":\"drift.psi\",\"aiSystem\":{system},\"time\":\"{at}\",\"value\":{value}}}\n"
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(ndjson.as_bytes()).expect("gzip");
    let (status, body) = ingest(
        &app,
        &key,
        "application/x-ndjson",
        true,
        gz.finish().expect("gzip"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["points"].as_i64(), body["series"].as_i64()),
        (Some(3), Some(1))
    );

    // Re-sending the same file changes nothing: the last value per series and time wins.
    let mut again = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    again.write_all(ndjson.as_bytes()).expect("gzip");
    let (status, _) = ingest(
        &app,
        &key,
        "application/x-ndjson",
        true,
        again.finish().expect("gzip"),
    )
    .await;
    assert_eq!(status, 200);
    let summary = app
        .ok(
            &token,
            "{ metricSummary { nodes { count mean } } }",
            json!({}),
        )
        .await;
    assert_eq!(summary["metricSummary"]["nodes"][0]["count"], 3);

    // Refusals: an executive may not push; an unknown media type is 415.
    let executive = app.token("erin", "acme", &["executive"]);
    let (status, body) = ingest(
        &app,
        &executive,
        "text/csv",
        false,
        b"metric,ai_system,time,value\n".to_vec(),
    )
    .await;
    assert_eq!((status, error_code(&body)), (403, "FORBIDDEN"), "{body}");
    let (status, _) = ingest(&app, &token, "text/plain", false, b"x".to_vec()).await;
    assert_eq!(status, 415);
    // A line past 64 KiB is refused as too large, before it is buffered whole.
    let long = format!(
        "metric,ai_system,time,value\ndrift.psi,{system},{at},{}\n",
        "1".repeat(70_000)
    );
    let (status, body) = ingest(&app, &token, "text/csv", false, long.into_bytes()).await;
    assert_eq!(
        (status, error_code(&body)),
        (413, "PAYLOAD_TOO_LARGE"),
        "{body}"
    );
    app.stop().await;
}

/// Linear-interpolation quantile, as numpy computes it by default.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
}

async fn aggregates_match_figures_computed_independently(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let mut definition = drift("latency.ms");
    definition["window"] = json!("day");
    definition["warningThreshold"] = json!(60.0);
    definition["breachThreshold"] = json!(80.0);
    define(&app, &token, definition).await;
    // Three whole days ending yesterday, a point every 20 minutes, values from a fixed sequence.
    let today = Utc::now().duration_trunc(Duration::days(1)).expect("day");
    let mut days: Vec<Vec<f64>> = vec![Vec::new(); 3];
    let mut text = String::from("metric,ai_system,time,value\n");
    let mut state: u64 = 42;
    for day in 0..3 {
        for step in 0..72 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            let value = ((state >> 33) % 10_000) as f64 / 100.0;
            let at = today - Duration::days(3 - day) + Duration::minutes(step * 20);
            text.push_str(&format!(
                "latency.ms,{system},{},{value}\n",
                at.to_rfc3339()
            ));
            days[day as usize].push(value);
        }
    }
    let (status, body) = ingest(&app, &token, "text/csv", false, text.into_bytes()).await;
    assert_eq!(status, 200, "{body}");
    // A correction of the first point of day 0, pushed later, replaces it.
    let first = (today - Duration::days(3)).to_rfc3339();
    app.ok(
        &token,
        "mutation($p: [MetricPointInput!]!) { recordMetricPoints(points: $p) { points } }",
        json!({ "p": [{ "metric": "latency.ms", "aiSystem": "Credit scorer", "time": first, "value": 99.5 }] }),
    )
    .await;
    days[0][0] = 99.5;

    let series = app
        .ok(
            &token,
            "{ monitoredSeries { nodes { id points } } }",
            json!({}),
        )
        .await["monitoredSeries"]["nodes"][0]["id"]
        .as_str()
        .expect("series")
        .to_string();
    let data = app
        .ok(
            &token,
            r#"query($s: ID!, $from: DateTime!) { metricSeries(seriesId: $s, window: day, from: $from) {
                truncated windows { start count mean p95 max breaches warnings } } }"#,
            json!({ "s": series, "from": (today - Duration::days(10)).to_rfc3339() }),
        )
        .await;
    let windows = data["metricSeries"]["windows"].as_array().expect("windows");
    assert_eq!(windows.len(), 3);
    for (day, window) in days.iter().zip(windows) {
        let mut sorted = day.clone();
        sorted.sort_by(f64::total_cmp);
        let mean = day.iter().sum::<f64>() / day.len() as f64;
        let breaches = day.iter().filter(|v| **v >= 80.0).count() as i64;
        let warnings = day.iter().filter(|v| **v >= 60.0 && **v < 80.0).count() as i64;
        assert_eq!(window["count"], 72);
        assert!(
            (window["mean"].as_f64().expect("mean") - mean).abs() < 1e-9,
            "{window}"
        );
        assert!(
            (window["p95"].as_f64().expect("p95") - quantile(&sorted, 0.95)).abs() < 1e-9,
            "{window}"
        );
        assert_eq!(window["max"].as_f64(), sorted.last().copied());
        assert_eq!(
            (window["breaches"].as_i64(), window["warnings"].as_i64()),
            (Some(breaches), Some(warnings))
        );
    }

    // The period summary agrees with all 216 points together.
    let all: Vec<f64> = days.concat();
    let mut sorted = all.clone();
    sorted.sort_by(f64::total_cmp);
    let summary = app
        .ok(
            &token,
            r#"query($from: DateTime!) { metricSummary(from: $from) { nodes { count mean p95 max windows breaches series { metricKey aiSystemName } } } }"#,
            json!({ "from": (today - Duration::days(10)).to_rfc3339() }),
        )
        .await;
    let row = &summary["metricSummary"]["nodes"][0];
    assert_eq!(
        (row["count"].as_i64(), row["windows"].as_i64()),
        (Some(216), Some(3))
    );
    let mean = all.iter().sum::<f64>() / all.len() as f64;
    assert!((row["mean"].as_f64().expect("mean") - mean).abs() < 1e-9);
    assert!((row["p95"].as_f64().expect("p95") - quantile(&sorted, 0.95)).abs() < 1e-9);
    assert_eq!(row["series"]["aiSystemName"], "Credit scorer");

    // Compaction folds each month's chunks into one and keeps every value.
    let acme = accord::domain::account::organizations::by_slug(app.services(), "acme")
        .await
        .expect("acme");
    accord::domain::metrics::store::compact(app.services(), acme.id)
        .await
        .expect("compaction");
    let months: std::collections::BTreeSet<String> = (1..=3)
        .map(|d| (today - Duration::days(d)).format("%Y-%m").to_string())
        .collect();
    assert_eq!(
        app.count_rows("metric_chunk").await,
        months.len() as i64,
        "one chunk a month"
    );
    let again = app
        .ok(
            &token,
            r#"query($s: ID!, $from: DateTime!) { metricSeries(seriesId: $s, window: day, from: $from) { windows { count mean } } }"#,
            json!({ "s": series, "from": (today - Duration::days(10)).to_rfc3339() }),
        )
        .await;
    assert_eq!(
        again["metricSeries"]["windows"],
        json!(
            windows
                .iter()
                .map(|w| json!({ "count": w["count"], "mean": w["mean"] }))
                .collect::<Vec<_>>()
        )
    );
    app.stop().await;
}

const COVERAGE: &str = r#"{ coverage(framework: "iso-iec-42001") { requirements { requirement { refId } status controls { code blockers } } } }"#;

async fn coverage_of(app: &TestApp, token: &str, reference: &str) -> (String, Vec<String>) {
    let data = app.ok(token, COVERAGE, json!({})).await;
    let row = data["coverage"]["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["requirement"]["refId"] == reference)
        .expect("assessed")
        .clone();
    let mine = row["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|c| c["code"] == "TST-MON-9")
        .cloned()
        .unwrap_or_default();
    let blockers = mine["blockers"]
        .as_array()
        .map(|b| {
            b.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    (
        row["status"].as_str().unwrap_or_default().to_string(),
        blockers,
    )
}

async fn a_stale_metric_takes_a_control_from_satisfied_to_partial(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let control = crate::fixtures::create_control(&app, &token, "TST-MON-9").await;
    crate::fixtures::map_control(
        &app,
        &token,
        &control,
        "urn:accord:iso-iec-42001:2023:A.6.2.6",
        "EQUAL",
    )
    .await;
    app.ok(
        &token,
        r#"mutation($id: ID!) { updateControl(id: $id, input: { status: IMPLEMENTED, effectiveness: EFFECTIVE }) { status } }"#,
        json!({ "id": control }),
    )
    .await;
    // No uploaded evidence: the control is evidenced by its metric alone.
    let (status, blockers) = coverage_of(&app, &token, "A.6.2.6").await;
    assert_eq!(status, "NOT_COVERED", "{blockers:?}");
    let mut definition = drift("drift.psi");
    definition["staleAfterHours"] = json!(6);
    definition["controlIds"] = json!([control]);
    define(&app, &token, definition).await;
    let (status, blockers) = coverage_of(&app, &token, "A.6.2.6").await;
    assert_eq!(
        status, "NOT_COVERED",
        "a metric without data evidences nothing"
    );
    assert!(
        blockers.iter().any(|b| b == "no current evidence"),
        "{blockers:?}"
    );

    let now = Utc::now().to_rfc3339();
    app.ok(
        &token,
        "mutation($p: [MetricPointInput!]!) { recordMetricPoints(points: $p) { points } }",
        json!({ "p": [{ "metric": "drift.psi", "aiSystem": system, "time": now, "value": 0.03 }] }),
    )
    .await;
    let (status, blockers) = coverage_of(&app, &token, "A.6.2.6").await;
    assert_eq!(
        status, "SATISFIED",
        "fresh, healthy monitoring is current evidence: {blockers:?}"
    );

    // Seven hours later nothing new has arrived: the metric is stale, the control counts partly.
    app.services().clock.advance(Duration::hours(7));
    let (status, blockers) = coverage_of(&app, &token, "A.6.2.6").await;
    assert_eq!(status, "PARTIAL");
    assert!(
        blockers
            .iter()
            .any(|b| b.contains("drift.psi on Credit scorer is stale")),
        "{blockers:?}"
    );
    let series = app
        .ok(
            &token,
            "{ monitoredSeries { nodes { stale lastValue } } }",
            json!({}),
        )
        .await;
    assert_eq!(series["monitoredSeries"]["nodes"][0]["stale"], true);
    app.stop().await;
}
