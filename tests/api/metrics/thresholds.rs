//! Thresholds over HTTP: a sustained breach opens exactly one incident and recovery closes its
//! episode; a flapping series keeps one episode; a dry run writes nothing; evaluation runs as a
//! job after a push; a warning emails the AI system's accountable person through a real SMTP
//! server on loopback, without an incident.

use std::time::Duration as Wait;

use accord::config::Config;
use chrono::Duration;
use serde_json::{Value, json};

use super::{csv, define, drift, ingest};
use crate::fixtures::create_system;
use crate::helpers::{Backend, TestApp};
use crate::smtp::{SmtpServer, smtp_to};

backend_tests!(
    a_sustained_breach_opens_one_incident_and_recovery_closes_it,
    a_warning_emails_the_accountable_person_without_an_incident,
);

const EVALUATE: &str = r#"mutation($dry: Boolean!) { evaluateThresholds(dryRun: $dry) { dryRun series windows
    transitions { kind metricKey segment at value episodeId incidentId notified } } }"#;
const INCIDENTS: &str = r#"{ incidents(first: 100) { totalCount nodes { id title severity category status aiSystemId
    metricEpisode { status breachingWindows peak closedAt } } } }"#;

/// Four points an hour with the given hourly values, the newest in the hour that ended an hour
/// ago (so it is past the evaluation grace period), the oldest `values.len() + 1` hours ago.
fn hourly(system: &str, values: &[f64]) -> Vec<(String, i64, i64, f64)> {
    let n = values.len() as i64;
    values
        .iter()
        .enumerate()
        .flat_map(|(i, v)| (0..4).map(move |q| (system.to_string(), n - i as i64 + 1, q * 15, *v)))
        .collect()
}

fn kinds(evaluation: &Value) -> Vec<String> {
    evaluation["evaluateThresholds"]["transitions"]
        .as_array()
        .expect("transitions")
        .iter()
        .map(|t| t["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Without the job runner, so the test decides when evaluation runs.
fn no_runner(config: &mut Config) {
    config.jobs.enabled = false;
}

async fn a_sustained_breach_opens_one_incident_and_recovery_closes_it(backend: Backend) {
    let app = TestApp::spawn_with(backend, no_runner).await;
    let token = app.admin("acme").await;
    let steady = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let flapping = create_system(&app, &token, "Fraud detector", "operate", "high").await;
    define(&app, &token, drift("drift.psi")).await;
    // Healthy, then five breaching hours, then four healthy hours (closeAfter is 3).
    let steady_values = [
        0.02, 0.03, 0.02, 0.3, 0.35, 0.4, 0.32, 0.31, 0.05, 0.04, 0.03, 0.02,
    ];
    // Breach, breach (opens), then alternating: never three healthy hours in a row.
    let flapping_values = [
        0.3, 0.3, 0.02, 0.3, 0.02, 0.02, 0.3, 0.02, 0.3, 0.02, 0.02, 0.3,
    ];
    let mut points = hourly(&steady, &steady_values);
    points.extend(hourly(&flapping, &flapping_values));
    let (status, body) = ingest(&app, &token, "text/csv", false, csv("drift.psi", &points)).await;
    assert_eq!(status, 200, "{body}");

    // A dry run shows what would happen and writes nothing.
    let dry = app.ok(&token, EVALUATE, json!({ "dry": true })).await;
    assert_eq!(kinds(&dry), vec!["opened", "closed", "opened"], "{dry}");
    assert_eq!(dry["evaluateThresholds"]["windows"], 24);
    assert_eq!(app.count_rows("incident").await, 0);
    assert_eq!(app.count_rows("metric_episode").await, 0);

    let done = app.ok(&token, EVALUATE, json!({ "dry": false })).await;
    assert_eq!(kinds(&done), kinds(&dry));
    let incidents = app.ok(&token, INCIDENTS, json!({})).await;
    assert_eq!(
        incidents["incidents"]["totalCount"], 2,
        "one incident per episode: {incidents}"
    );
    let nodes = incidents["incidents"]["nodes"].as_array().expect("nodes");
    let steady_incident = nodes
        .iter()
        .find(|n| n["aiSystemId"] == steady.as_str())
        .expect("steady incident");
    assert_eq!(steady_incident["severity"], "high");
    assert_eq!(steady_incident["category"], "performance_or_drift");
    let episode = &steady_incident["metricEpisode"];
    assert_eq!(episode["status"], "closed", "recovery closed the episode");
    assert_eq!(episode["breachingWindows"], 5);
    assert_eq!(episode["peak"], 0.4);
    let flapping_incident = nodes
        .iter()
        .find(|n| n["aiSystemId"] == flapping.as_str())
        .expect("flapping incident");
    assert_eq!(
        flapping_incident["metricEpisode"]["status"], "open",
        "flapping keeps its one episode"
    );
    assert_eq!(flapping_incident["metricEpisode"]["breachingWindows"], 6);

    // Evaluating again finds no new closed window: nothing more happens.
    let again = app.ok(&token, EVALUATE, json!({ "dry": false })).await;
    assert!(kinds(&again).is_empty(), "{again}");
    assert_eq!(app.count_rows("incident").await, 2);

    // Hours later the flapping series has three healthy hours (from the current one on): its
    // episode closes, and no new incident opens.
    app.services().clock.advance(Duration::hours(4));
    let shifted: Vec<(String, i64, i64, f64)> = (0..3)
        .flat_map(|h| (0..4).map(move |q| (h, q)))
        .map(|(h, q)| (flapping.clone(), -h, q * 15, 0.01))
        .collect();
    let (status, body) = ingest(&app, &token, "text/csv", false, csv("drift.psi", &shifted)).await;
    assert_eq!(status, 200, "{body}");
    let closed = app.ok(&token, EVALUATE, json!({ "dry": false })).await;
    assert_eq!(kinds(&closed), vec!["closed"], "{closed}");
    assert_eq!(app.count_rows("incident").await, 2);
    let open = app
        .ok(
            &token,
            "{ metricEpisodes(openOnly: true) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(open["metricEpisodes"]["totalCount"], 0);
    app.stop().await;
}

async fn a_warning_emails_the_accountable_person_without_an_incident(backend: Backend) {
    let Some(smtp) = SmtpServer::start().await else {
        return;
    };
    let port = smtp.port;
    let app = TestApp::spawn_with(backend, smtp_to(port)).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    app.ok(
        &token,
        r#"mutation($id: ID!) { assignRaci(subjectType: "ai_system", subjectId: $id, party: "dana", role: "accountable") { id } }"#,
        json!({ "id": system }),
    )
    .await;
    app.ok(
        &token,
        r#"mutation { upsertPerson(input: { subject: "dana", displayName: "Dana", email: "dana@acme.test", roles: ["editor"] }) { id } }"#,
        json!({}),
    )
    .await;
    define(&app, &token, drift("drift.psi")).await;
    // Warning band (0.1-0.2) for three hours: one warning, no incident. The push queues the
    // evaluation job; the runner evaluates and sends.
    let points = hourly(&system, &[0.02, 0.15, 0.16, 0.15]);
    let (status, body) = ingest(&app, &token, "text/csv", false, csv("drift.psi", &points)).await;
    assert_eq!(status, 200, "{body}");
    let messages = smtp.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    let text = String::from_utf8_lossy(&messages[0]).to_string();
    assert!(text.contains("dana@acme.test"), "{text}");
    assert!(
        text.contains("Warning: Input drift on Credit scorer"),
        "{text}"
    );
    let mut sent = Value::Null;
    for _ in 0..100 {
        sent = app
            .ok(
                &token,
                "{ notifications { nodes { topic recipient status subjectType } } }",
                json!({}),
            )
            .await;
        if sent["notifications"]["nodes"][0]["status"] == "sent" {
            break;
        }
        tokio::time::sleep(Wait::from_millis(50)).await;
    }
    assert_eq!(
        sent["notifications"]["nodes"],
        json!([{ "topic": "metric_warning", "recipient": "dana@acme.test", "status": "sent", "subjectType": "metric_series" }])
    );
    assert_eq!(
        app.count_rows("incident").await,
        0,
        "a warning opens no incident"
    );
    let series = app
        .ok(&token, "{ monitoredSeries { nodes { level } } }", json!({}))
        .await;
    assert_eq!(series["monitoredSeries"]["nodes"][0]["level"], "warning");
    app.stop().await;
}
