//! Metric definitions and pushes are validated (rule codes on fields), bounded, scoped to their
//! organization, and the CLI imports a file all or nothing with line numbers.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::{DEFINE, define, drift, this_hour};
use crate::fixtures::create_system;
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(definitions_and_pushes_are_validated_and_guarded);

async fn definitions_and_pushes_are_validated_and_guarded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let mut inverted = drift("drift.psi");
    inverted["warningThreshold"] = json!(0.3);
    let (_, body) = app
        .graphql_as(&token, DEFINE, json!({ "i": inverted }))
        .await;
    assert_eq!(error_code(&body), "VALIDATION");
    assert_eq!(body["errors"][0]["extensions"]["field"], "warningThreshold");
    assert_eq!(
        body["errors"][0]["extensions"]["rule"],
        "warning_before_breach"
    );
    let mut bad_key = drift("Drift PSI");
    bad_key["key"] = json!("Drift PSI");
    let (_, body) = app
        .graphql_as(&token, DEFINE, json!({ "i": bad_key }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["rule"], "key_format");
    define(&app, &token, drift("drift.psi")).await;
    let (_, body) = app
        .graphql_as(&token, DEFINE, json!({ "i": drift("drift.psi") }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["rule"], "unique");

    let at = (this_hour() - Duration::hours(1)).to_rfc3339();
    let many: Vec<Value> = (0..1001)
        .map(|_| json!({ "metric": "drift.psi", "aiSystem": system, "time": at, "value": 0.1 }))
        .collect();
    let push = "mutation($p: [MetricPointInput!]!) { recordMetricPoints(points: $p) { points } }";
    let (_, body) = app.graphql_as(&token, push, json!({ "p": many })).await;
    assert_eq!(body["errors"][0]["extensions"]["rule"], "too_many");
    let future = (Utc::now() + Duration::days(1)).to_rfc3339();
    let (_, body) = app
        .graphql_as(&token, push, json!({ "p": [{ "metric": "drift.psi", "aiSystem": system, "time": future, "value": 0.1 }] }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["rule"], "bad_points");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("point 1: time is in the future")
    );

    // Another organization sees none of it and cannot push to this system, even under a metric
    // key of its own.
    let other = app.admin("globex").await;
    let listed = app
        .ok(&other, "{ metricDefinitions { totalCount } }", json!({}))
        .await;
    assert_eq!(listed["metricDefinitions"]["totalCount"], 0);
    define(&app, &other, drift("drift.psi")).await;
    let (_, body) = app
        .graphql_as(&other, push, json!({ "p": [{ "metric": "drift.psi", "aiSystem": system, "time": at, "value": 0.1 }] }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["rule"], "bad_points",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("unknown AI system '{system}'")),
        "{body}"
    );
    assert_eq!(app.count_rows("metric_chunk").await, 0);

    // The CLI imports a file all or nothing, with line numbers.
    let dir = tempfile::tempdir().expect("dir");
    let good = dir.path().join("points.csv");
    let earlier = (this_hour() - Duration::hours(2)).to_rfc3339();
    std::fs::write(
        &good,
        format!("metric,ai_system,time,value\ndrift.psi,Credit scorer,{at},0.05\ndrift.psi,{system},{earlier},0.06\n"),
    )
    .expect("file");
    let (code, out) = app.cli(&[
        "metrics",
        "import",
        "--org",
        "acme",
        good.to_str().expect("path"),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("imported 2 points into 1 series"), "{out}");
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("metric,ai_system,time,value\ndrift.psi,Nobody,{at},0.05\n"),
    )
    .expect("file");
    let (code, out) = app.cli(&[
        "metrics",
        "import",
        "--org",
        "acme",
        bad.to_str().expect("path"),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("line 2: unknown AI system 'Nobody'"), "{out}");
    app.stop().await;
}
