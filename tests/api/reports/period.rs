//! The board report for a period: incidents of that period only, and the change against the
//! period before it computed from the records' own times (one incident before, three now: worse;
//! a corrective action verified in between: fewer overdue at the end).

use chrono::Duration;
use serde_json::{Value, json};

use super::{download, read_office, report, sheet_rows};
use crate::fixtures::create_system;
use crate::helpers::{Backend, TestApp};

backend_tests!(the_board_report_compares_its_period_with_the_one_before);

async fn incident(app: &TestApp, token: &str, system: &str, severity: &str) {
    let occurred = app.services().clock.now() - Duration::minutes(5);
    app.ok(
        token,
        "mutation($i: IncidentInput!) { reportIncident(input: $i) { id } }",
        json!({ "i": { "aiSystemId": system, "title": format!("{severity} issue"), "description": "Seen.",
            "severity": severity, "category": "safety", "occurredAt": occurred.to_rfc3339() } }),
    )
    .await;
}

fn change<'a>(board: &'a Value, measure: &str) -> &'a Value {
    board["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["measure"] == measure)
        .unwrap_or_else(|| panic!("{measure} in {}", board["changes"]))
}

async fn the_board_report_compares_its_period_with_the_one_before(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Chat assistant", "develop", "limited").await;
    let clock = &app.services().clock;
    let start = clock.now().date_naive();
    // Previous period: days 0-9; this period: days 10-19.
    incident(&app, &token, &system, "medium").await;
    clock.advance(Duration::days(12));
    incident(&app, &token, &system, "high").await;
    incident(&app, &token, &system, "low").await;
    incident(&app, &token, &system, "high").await;
    let period = format!(
        "{}..{}",
        start + Duration::days(10),
        start + Duration::days(19)
    );
    let board = report(&app, &token, "governance_board", Some(&period), json!(null)).await;
    assert_eq!(board["kind"], "governance-board");
    assert_eq!(board["incidents"]["detected"], 3);
    let high = board["incidents"]["by_severity"]
        .as_array()
        .expect("severities")
        .iter()
        .find(|f| f["severity"] == "high")
        .expect("high");
    assert_eq!(high["count"], 2);
    let detected = change(&board, "Incidents detected");
    assert_eq!(
        (detected["previous"].as_f64(), detected["current"].as_f64()),
        (Some(1.0), Some(3.0))
    );
    assert_eq!(detected["verdict"], "worse");
    let serious = change(&board, "High and critical incidents");
    assert_eq!(
        (serious["previous"].as_f64(), serious["current"].as_f64()),
        (Some(0.0), Some(2.0))
    );
    assert_eq!(serious["verdict"], "worse");
    assert!(
        board["previous_period"]
            .as_str()
            .expect("previous")
            .starts_with(&start.to_string())
    );
    // Both heatmaps are drawn, one row per likelihood.
    assert_eq!(
        board["risks"]["inherent_heatmap"].as_array().map(Vec::len),
        Some(5)
    );

    // The XLSX holds the change table as typed numbers.
    let (status, _, bytes) = download(
        &app,
        &token,
        &format!("/reports/board?format=xlsx&period={period}"),
    )
    .await;
    assert_eq!(status, 200);
    if let Some(book) = read_office("xlsx", &bytes) {
        let rows = sheet_rows(&book, "changes");
        let row = rows
            .iter()
            .find(|r| r[0]["v"] == "Incidents detected")
            .expect("row");
        assert_eq!(row[1], json!({ "t": "n", "v": 1.0 }));
        assert_eq!(row[2], json!({ "t": "n", "v": 3.0 }));
        assert_eq!(row[4]["v"], "worse");
    }
    // The HTML places both heatmaps as images.
    let (_, _, html) = download(
        &app,
        &token,
        &format!("/reports/governance-board?format=html&period={period}"),
    )
    .await;
    let html = String::from_utf8(html).expect("utf-8");
    assert!(
        html.contains(r#"id="inherent-heatmap""#),
        "inherent heatmap image"
    );
    assert!(html.contains("Change against"));
    app.stop().await;
}
