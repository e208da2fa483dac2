//! The escalation report on a known history: a critical incident acknowledged after 30 minutes
//! and resolved after 120, a high incident nobody acknowledged that re-escalated to the critical
//! route, and a low incident that stays out. Times are moved with the injected clock.

use std::time::Duration as Wait;

use chrono::Duration;
use serde_json::{Value, json};

use super::{download, report};
use crate::fixtures::{board, create_system};
use crate::helpers::{Backend, TestApp};

backend_tests!(the_escalation_report_times_each_response_and_names_who_was_told);

async fn route(app: &TestApp, token: &str, severity: &str, body: &str, to: &str) {
    app.ok(
        token,
        "mutation($s: Severity!, $b: ID!, $r: [String!]!) { setEscalationRoute(severity: $s, level: 1, bodyId: $b, recipients: $r) { id } }",
        json!({ "s": severity, "b": body, "r": [to] }),
    )
    .await;
}

async fn reported(app: &TestApp, token: &str, system: &str, severity: &str, title: &str) -> String {
    let occurred = app.services().clock.now() - Duration::minutes(30);
    app.ok(
        token,
        "mutation($i: IncidentInput!) { reportIncident(input: $i) { id } }",
        json!({ "i": { "aiSystemId": system, "title": title, "description": "Seen in production.",
            "severity": severity, "category": "fairness", "occurredAt": occurred.to_rfc3339() } }),
    )
    .await["reportIncident"]["id"]
        .as_str()
        .expect("id")
        .to_string()
}

fn by_severity<'a>(report: &'a Value, severity: &str) -> &'a Value {
    report["by_severity"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["severity"] == severity)
        .expect("severity row")
}

async fn the_escalation_report_times_each_response_and_names_who_was_told(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let body = board(&app, &token, &["ceo"]).await;
    route(&app, &token, "high", &body, "risk@acme.test").await;
    route(&app, &token, "critical", &body, "oncall@acme.test").await;
    let system = create_system(&app, &token, "Chat assistant", "develop", "limited").await;
    let clock = &app.services().clock;
    let first_day = clock.now().date_naive();

    let critical = reported(&app, &token, &system, "critical", "Harmful answers").await;
    clock.advance(Duration::minutes(30));
    app.ok(
        &token,
        "mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }",
        json!({ "id": critical }),
    )
    .await;
    clock.advance(Duration::minutes(90));
    app.ok(
        &token,
        "mutation($id: ID!) { resolveIncident(id: $id, resolution: \"Filter deployed\") { id } }",
        json!({ "id": critical }),
    )
    .await;

    let high = reported(&app, &token, &system, "high", "Unfair refusals").await;
    reported(&app, &token, &system, "low", "Typo in a disclaimer").await;
    clock.advance(Duration::hours(2));
    // The runner re-escalates the unacknowledged high incident to the critical route.
    let mut notices = 0;
    for _ in 0..200 {
        let found = app
            .ok(
                &token,
                "query($id: ID!) { incident(id: $id) { notices { level } } }",
                json!({ "id": high }),
            )
            .await;
        notices = found["incident"]["notices"].as_array().map_or(0, Vec::len);
        if notices == 2 {
            break;
        }
        tokio::time::sleep(Wait::from_millis(50)).await;
    }
    assert_eq!(notices, 2, "the high incident re-escalated once");

    let period = format!(
        "{}..{}",
        first_day.pred_opt().expect("day"),
        clock.now().date_naive().succ_opt().expect("day")
    );
    let escalation = report(&app, &token, "escalation", Some(&period), json!(null)).await;
    let incidents = escalation["incidents"].as_array().expect("incidents");
    assert_eq!(incidents.len(), 2, "high and critical only: {incidents:?}");
    let critical_row = incidents
        .iter()
        .find(|i| i["title"] == "Harmful answers")
        .expect("critical");
    assert_eq!(critical_row["minutes_to_detect"], 30);
    assert_eq!(critical_row["minutes_to_acknowledge"], 30);
    assert_eq!(critical_row["minutes_to_resolve"], 120);
    assert_eq!(
        critical_row["acknowledged_late"], true,
        "critical: 15 minutes to acknowledge"
    );
    assert_eq!(
        critical_row["resolved_late"], false,
        "critical: 4 hours to resolve"
    );
    let told = &critical_row["notices"][0];
    assert_eq!(told["body_name"], "AI Governance Board");
    assert!(
        told["recipients"]
            .as_array()
            .expect("recipients")
            .contains(&json!("oncall@acme.test"))
    );
    assert_eq!(critical_row["re_escalations"], 0);
    let high_row = incidents
        .iter()
        .find(|i| i["title"] == "Unfair refusals")
        .expect("high");
    assert_eq!(high_row["acknowledged_at"], Value::Null);
    assert_eq!(high_row["acknowledged_late"], true);
    assert_eq!(high_row["re_escalations"], 1);
    assert_eq!(high_row["notices"][1]["severity"], "critical");
    assert_eq!(escalation["past_sla"], 2);
    assert_eq!(escalation["re_escalations"], 1);

    let crit = by_severity(&escalation, "critical");
    assert_eq!(
        (
            crit["count"].as_i64(),
            crit["resolved"].as_i64(),
            crit["past_sla"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(crit["median_acknowledge_minutes"], 30.0);
    assert_eq!(crit["median_resolve_minutes"], 120.0);
    assert_eq!(crit["mean_detect_minutes"], 30.0);
    let high_figures = by_severity(&escalation, "high");
    assert_eq!(
        (
            high_figures["count"].as_i64(),
            high_figures["acknowledged"].as_i64()
        ),
        (Some(1), Some(0))
    );
    assert_eq!(high_figures["median_acknowledge_minutes"], Value::Null);

    // A period before any of it holds nothing.
    let before = report(&app, &token, "escalation", Some("2020-01"), json!(null)).await;
    assert_eq!(before["incidents"], json!([]));

    let (status, _, html) = download(
        &app,
        &token,
        &format!("/reports/escalation?format=html&period={period}"),
    )
    .await;
    assert_eq!(status, 200);
    let html = String::from_utf8(html).expect("utf-8");
    assert!(html.contains("Escalation report"));
    assert!(html.contains("oncall@acme.test"));
    assert!(html.contains("Unfair refusals"));
    assert!(!html.contains("Typo in a disclaimer"));
    app.stop().await;
}
