//! The compliance report of one framework: coverage by function and category that agrees with
//! the live coverage query, gaps with the controls that would close them and their blockers,
//! evidence freshness, and a gaps table as CSV.

use chrono::Duration;
use serde_json::{Value, json};

use super::{download, report};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(the_compliance_report_agrees_with_live_coverage);

const CSF: &str = "urn:accord:nist-csf:2.0";

async fn the_compliance_report_agrees_with_live_coverage(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    // GV.PO-01 fully covered (implemented, effective, evidence expiring in 10 days); GV.PO-02
    // partly (intersects); PR.IR-02 excluded.
    let now = app.services().clock.now();
    let control = app
        .ok(
            &token,
            r#"mutation { createControl(input: { code: "GOV-1", domain: "governance", title: "Policy set", status: IMPLEMENTED }) { id } }"#,
            json!({}),
        )
        .await["createControl"]["id"]
        .clone();
    for (reference, relationship) in [("GV.PO-01", "EQUAL"), ("GV.PO-02", "INTERSECTS_WITH")] {
        app.ok(
            &token,
            r#"mutation($c: ID!, $r: String!, $rel: Relationship!) { addControlMapping(controlId: $c, requirement: $r,
                input: { relationship: $rel, justification: "policy set" }) { id } }"#,
            json!({ "c": control, "r": format!("{CSF}:{reference}"), "rel": relationship }),
        )
        .await;
    }
    app.ok(
        &token,
        r#"mutation($c: ID!, $at: DateTime!, $until: DateTime) { addEvidence(controlId: $c,
            input: { title: "Signed policy set", kind: "policy", collectedAt: $at, validUntil: $until }) { id } }"#,
        json!({ "c": control, "at": (now - Duration::days(40)).to_rfc3339(), "until": (now + Duration::days(10)).to_rfc3339() }),
    )
    .await;
    app.ok(
        &token,
        r#"mutation($r: String!) { setRequirementApplicability(requirement: $r, applicable: false,
            justification: "No company-operated facilities: fully cloud hosted.") }"#,
        json!({ "r": format!("{CSF}:PR.IR-02") }),
    )
    .await;

    let live = app
        .ok(
            &token,
            r#"{ coverage(framework: "nist-csf", groupBy: FUNCTION) {
                totals { satisfied partial notCovered notApplicable total }
                groups { group { refId } counts { satisfied total } } } }"#,
            json!({}),
        )
        .await["coverage"]
        .clone();
    let compliance = report(
        &app,
        &token,
        "compliance",
        None,
        json!({ "framework": "nist-csf" }),
    )
    .await;
    assert_eq!(compliance["scopeDescription"], "framework CSF 2.0");
    let frameworks = compliance["frameworks"].as_array().expect("frameworks");
    assert_eq!(frameworks.len(), 1, "the scope names one framework");
    let csf = &frameworks[0];
    let totals = &csf["totals"];
    assert_eq!(totals["satisfied"], live["totals"]["satisfied"]);
    assert_eq!(totals["partial"], live["totals"]["partial"]);
    assert_eq!(totals["not_covered"], live["totals"]["notCovered"]);
    assert_eq!(totals["not_applicable"], live["totals"]["notApplicable"]);
    assert!(totals["satisfied"].as_i64() >= Some(1));
    assert!(totals["not_applicable"].as_i64() >= Some(1));
    // Satisfied share of applicable requirements, to one decimal.
    let applicable = live["totals"]["total"].as_f64().expect("total")
        - live["totals"]["notApplicable"].as_f64().expect("na");
    let expected =
        (live["totals"]["satisfied"].as_f64().expect("s") * 1000.0 / applicable).round() / 10.0;
    assert_eq!(totals["satisfied_percent"].as_f64(), Some(expected));
    let functions = csf["functions"].as_array().expect("functions");
    assert_eq!(functions.len(), 6, "GV, ID, PR, DE, RS, RC");
    for (function, group) in functions
        .iter()
        .zip(live["groups"].as_array().expect("groups"))
    {
        assert_eq!(function["ref_id"], group["group"]["refId"]);
        assert_eq!(function["satisfied"], group["counts"]["satisfied"]);
    }
    assert!(csf["categories"].as_array().expect("categories").len() > functions.len());

    let gaps = csf["gaps"].as_array().expect("gaps");
    let expected_gaps = live["totals"]["partial"].as_i64().expect("p")
        + live["totals"]["notCovered"].as_i64().expect("n");
    assert_eq!(
        gaps.len() as i64,
        expected_gaps,
        "every partial or uncovered requirement"
    );
    let partial = gaps
        .iter()
        .find(|g| g["ref_id"] == "GV.PO-02")
        .expect("GV.PO-02 is a gap");
    assert_eq!(partial["status"], "partial");
    let blocking: &Value = partial["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|c| c["code"] == "GOV-1")
        .expect("the mapped control");
    assert_eq!(blocking["relationship"], "intersects_with");
    assert!(
        !blocking["blockers"]
            .as_array()
            .expect("blockers")
            .is_empty(),
        "{blocking}"
    );
    assert!(
        gaps.iter().all(|g| g["ref_id"] != "PR.IR-02"),
        "exclusions are not gaps"
    );

    let freshness = csf["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .find(|e| e["code"] == "GOV-1")
        .expect("freshness of the mapped control");
    assert_eq!(freshness["freshness"], "expiring");
    assert_eq!(freshness["age_days"], 40);
    assert_eq!(freshness["latest_evidence"], "Signed policy set");

    // The gaps table as CSV, one line per gap after the header.
    let (status, media, bytes) = download(
        &app,
        &token,
        "/reports/compliance?format=csv&framework=nist-csf&table=nist_csf_gaps",
    )
    .await;
    assert_eq!(status, 200);
    assert!(media.starts_with("text/csv"));
    let text = String::from_utf8(bytes).expect("utf-8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header[0], "ref");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), gaps.len());
    assert!(
        rows.iter()
            .any(|r| &r[0] == "GV.PO-02" && r[3].contains("GOV-1 (intersects_with)"))
    );

    // Unknown framework and table are refused with their field.
    let (status, body) = app
        .graphql_as(
            &token,
            r#"{ report(kind: compliance, scope: { framework: "nist-800-53" }) }"#,
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(error_code(&body), "VALIDATION");
    assert_eq!(body["errors"][0]["extensions"]["field"], "framework");
    let (status, _, bytes) =
        download(&app, &token, "/reports/compliance?format=csv&table=nope").await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&bytes).contains("nist_csf_gaps"));
    app.stop().await;
}
