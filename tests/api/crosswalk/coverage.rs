//! Live coverage over HTTP: implementing a control with current evidence moves every requirement
//! it maps to, in every framework, in the same request cycle ("test once, comply many").

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    implementing_a_control_with_evidence_satisfies_every_framework,
    a_declared_control_set_satisfies_when_every_member_qualifies,
    expired_evidence_and_exclusions_are_honoured,
);

const STATUS: &str = r#"query($f: String!) { coverage(framework: $f, groupBy: CATEGORY) {
    totals { satisfied partial notCovered notApplicable total percentSatisfied }
    groups { group { refId } counts { satisfied total } }
    requirements { requirement { refId } status controls { code blockers } } } }"#;

async fn status_of(
    app: &TestApp,
    token: &str,
    framework: &str,
    reference: &str,
) -> (String, Value) {
    let data = app.ok(token, STATUS, json!({ "f": framework })).await;
    let row = data["coverage"]["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["requirement"]["refId"] == reference)
        .unwrap_or_else(|| panic!("{reference} assessed"))
        .clone();
    (
        row["status"].as_str().unwrap_or_default().to_string(),
        data["coverage"]["totals"].clone(),
    )
}

async fn new_control(app: &TestApp, token: &str, code: &str, maps: &[(&str, &str)]) -> String {
    let data = app
        .ok(
            token,
            r#"mutation($code: String!) { createControl(input: { code: $code, domain: "test", title: "Unified control" }) { id } }"#,
            json!({ "code": code }),
        )
        .await;
    let id = data["createControl"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    for (urn, relationship) in maps {
        app.ok(
            token,
            r#"mutation($c: ID!, $r: String!, $rel: Relationship!) {
                addControlMapping(controlId: $c, requirement: $r, input: { relationship: $rel, justification: "test" }) { id } }"#,
            json!({ "c": id, "r": urn, "rel": relationship }),
        )
        .await;
    }
    id
}

async fn implement(
    app: &TestApp,
    token: &str,
    id: &str,
    valid_until: Option<&str>,
    collected_at: &str,
) {
    app.ok(
        token,
        r#"mutation($id: ID!) { updateControl(id: $id, input: { status: IMPLEMENTED, effectiveness: EFFECTIVE }) { status } }"#,
        json!({ "id": id }),
    )
    .await;
    app.ok(
        token,
        r#"mutation($id: ID!, $at: DateTime!, $until: DateTime) {
            addEvidence(controlId: $id, input: { title: "Quarterly test", kind: "test_result", collectedAt: $at, validUntil: $until }) { current } }"#,
        json!({ "id": id, "at": collected_at, "until": valid_until }),
    )
    .await;
}

fn days_from_now(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

async fn implementing_a_control_with_evidence_satisfies_every_framework(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let control = new_control(
        &app,
        &token,
        "UNI-01",
        &[
            ("urn:accord:iso-iec-42001:2023:A.2.2", "EQUAL"),
            ("urn:accord:nist-csf:2.0:GV.PO-01", "SUPERSET_OF"),
            (
                "urn:accord:nist-ai-rmf:1.0:GOVERN 1.2"
                    .replace(' ', "%20")
                    .as_str(),
                "INTERSECTS_WITH",
            ),
        ],
    )
    .await;
    let (iso_before, iso_totals_before) = status_of(&app, &token, "iso-iec-42001", "A.2.2").await;
    let (csf_before, _) = status_of(&app, &token, "nist-csf", "GV.PO-01").await;
    let (rmf_before, _) = status_of(&app, &token, "nist-ai-rmf", "GOVERN 1.2").await;
    assert_eq!(
        (
            iso_before.as_str(),
            csf_before.as_str(),
            rmf_before.as_str()
        ),
        ("NOT_COVERED", "NOT_COVERED", "NOT_COVERED")
    );

    implement(
        &app,
        &token,
        &control,
        Some(&days_from_now(90)),
        &days_from_now(-1),
    )
    .await;

    let (iso_after, iso_totals_after) = status_of(&app, &token, "iso-iec-42001", "A.2.2").await;
    let (csf_after, _) = status_of(&app, &token, "nist-csf", "GV.PO-01").await;
    let (rmf_after, _) = status_of(&app, &token, "nist-ai-rmf", "GOVERN 1.2").await;
    assert_eq!(iso_after, "SATISFIED");
    assert_eq!(csf_after, "SATISFIED");
    assert_eq!(
        rmf_after, "PARTIAL",
        "an intersects_with mapping gives partial coverage"
    );
    assert_eq!(
        iso_totals_after["satisfied"].as_i64().unwrap_or(0),
        iso_totals_before["satisfied"].as_i64().unwrap_or(0) + 1
    );
    assert!(iso_totals_after["percentSatisfied"].as_f64().unwrap_or(0.0) > 0.0);

    // The closed gap no longer appears among the gaps.
    let gaps = app
        .ok(
            &token,
            r#"{ gaps(framework: "iso-iec-42001") { nodes { requirement { refId } } } }"#,
            json!({}),
        )
        .await;
    assert!(
        !gaps["gaps"]["nodes"]
            .as_array()
            .expect("gaps")
            .iter()
            .any(|g| g["requirement"]["refId"] == "A.2.2")
    );

    // Retiring the control takes the coverage away again.
    app.ok(
        &token,
        "mutation($id: ID!) { retireControl(id: $id) { retiredAt } }",
        json!({ "id": control }),
    )
    .await;
    assert_eq!(
        status_of(&app, &token, "iso-iec-42001", "A.2.2").await.0,
        "NOT_COVERED"
    );
    app.stop().await;
}

async fn expired_evidence_and_exclusions_are_honoured(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let control = new_control(
        &app,
        &token,
        "EXP-01",
        &[("urn:accord:nist-csf:2.0:PR.AT-01", "EQUAL")],
    )
    .await;
    // Evidence that expired yesterday does not count.
    implement(
        &app,
        &token,
        &control,
        Some(&days_from_now(-1)),
        &days_from_now(-400),
    )
    .await;
    let data = app.ok(&token, STATUS, json!({ "f": "nist-csf" })).await;
    let row = data["coverage"]["requirements"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["requirement"]["refId"] == "PR.AT-01")
        .expect("PR.AT-01")
        .clone();
    assert_eq!(row["status"], "NOT_COVERED");
    let ours = row["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|c| c["code"] == "EXP-01")
        .expect("EXP-01")
        .clone();
    assert!(
        ours["blockers"]
            .as_array()
            .expect("blockers")
            .iter()
            .any(|b| b == "no current evidence")
    );

    // Exclusion needs a justification, then the requirement is not applicable.
    let refused = app
        .graphql_as(&token, r#"mutation { setRequirementApplicability(requirement: "urn:accord:nist-csf:2.0:PR.IR-02", applicable: false) }"#, json!({}))
        .await
        .1;
    assert_eq!(error_code(&refused), "VALIDATION");
    app.ok(
        &token,
        r#"mutation { setRequirementApplicability(requirement: "urn:accord:nist-csf:2.0:PR.IR-02", applicable: false, justification: "No company-operated facilities: fully cloud hosted.") }"#,
        json!({}),
    )
    .await;
    let data = app.ok(&token, STATUS, json!({ "f": "nist-csf" })).await;
    assert_eq!(data["coverage"]["totals"]["notApplicable"], 1);
    assert_eq!(data["coverage"]["totals"]["total"], 106);
    app.stop().await;
}

/// The library's id for a control code of the organization's copy.
async fn library_control_id(app: &TestApp, token: &str, code: &str) -> String {
    let data = app
        .ok(
            token,
            "query($s: String!) { controls(search: $s, first: 5) { edges { node { id code } } } }",
            json!({ "s": code }),
        )
        .await;
    data["controls"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["code"] == code)
        .unwrap_or_else(|| panic!("{code} in the organization's library"))["node"]["id"]
        .as_str()
        .expect("id")
        .to_string()
}

/// CSF GV.RR-02 has no single full-cover control in the library; ROL-02 and ROL-03 are declared
/// as a set that covers every element together. One member alone is partial; both satisfy it.
async fn a_declared_control_set_satisfies_when_every_member_qualifies(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let (before, _) = status_of(&app, &token, "nist-csf", "GV.RR-02").await;
    assert_eq!(before, "NOT_COVERED");
    let first = library_control_id(&app, &token, "ROL-02").await;
    implement(
        &app,
        &token,
        &first,
        Some(&days_from_now(90)),
        &days_from_now(-1),
    )
    .await;
    let (one, _) = status_of(&app, &token, "nist-csf", "GV.RR-02").await;
    assert_eq!(one, "PARTIAL", "one member of the set covers only part");
    let second = library_control_id(&app, &token, "ROL-03").await;
    implement(
        &app,
        &token,
        &second,
        Some(&days_from_now(90)),
        &days_from_now(-1),
    )
    .await;
    let (both, _) = status_of(&app, &token, "nist-csf", "GV.RR-02").await;
    assert_eq!(
        both, "SATISFIED",
        "the declared set covers every element together"
    );
    app.stop().await;
}
