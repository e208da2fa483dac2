//! Time comes from the injected clock: moving it forward makes an approved policy's review
//! overdue, a risk's review overdue and evidence expire, with no dates written in the past.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};

backend_tests!(moving_the_clock_makes_reviews_overdue_and_evidence_expire);

fn in_days(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

async fn approved_policy(app: &TestApp, token: &str, review_due: &str) -> String {
    let body = app
        .ok(
            token,
            r#"mutation { createGovernanceBody(name: "AI board", kind: "board") { id } }"#,
            json!({}),
        )
        .await["createGovernanceBody"]["id"]
        .clone();
    app.ok(
        token,
        r#"mutation($b: ID!) { setBodyMember(bodyId: $b, person: "ceo", role: "chair", canApprove: true) { id } }"#,
        json!({ "b": body }),
    )
    .await;
    let policy = app
        .ok(
            token,
            r#"mutation($b: ID!, $due: String!) { createPolicy(input: { kind: "ai_governance", title: "AI Policy",
                content: "We use AI responsibly.", bodyId: $b, quorum: 1, reviewDue: $due }) { id } }"#,
            json!({ "b": body, "due": review_due }),
        )
        .await["createPolicy"]["id"]
        .as_str()
        .expect("policy id")
        .to_string();
    let request = app
        .ok(
            token,
            "mutation($p: ID!) { submitPolicy(id: $p) { id } }",
            json!({ "p": policy }),
        )
        .await["submitPolicy"]["id"]
        .clone();
    let ceo = app.token("ceo", "acme", &["executive"]);
    app.ok(
        &ceo,
        r#"mutation($r: ID!) { decideApproval(requestId: $r, decision: "approve") { status } }"#,
        json!({ "r": request }),
    )
    .await;
    policy
}

async fn coverage_of(app: &TestApp, token: &str, reference: &str) -> Value {
    let data = app
        .ok(
            token,
            r#"{ coverage(framework: "iso-iec-42001") { requirements { requirement { refId } status controls { code blockers } } } }"#,
            json!({}),
        )
        .await;
    data["coverage"]["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["requirement"]["refId"] == reference)
        .expect("assessed")
        .clone()
}

async fn moving_the_clock_makes_reviews_overdue_and_evidence_expire(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let policy = approved_policy(&app, &token, &in_days(10)).await;
    let risk = app
        .ok(
            &token,
            r#"mutation($due: String!) { createRisk(input: { title: "Drift", description: "Scores drift", threat: "model_drift",
                inherentLikelihood: 3, inherentImpact: 3, owner: "cro", reviewDue: $due }) { id reviewOverdue } }"#,
            json!({ "due": in_days(10) }),
        )
        .await["createRisk"]
        .clone();
    assert_eq!(risk["reviewOverdue"], false);

    // A control fully covering A.2.2, implemented, with evidence valid for 30 days.
    let control = app
        .ok(
            &token,
            r#"mutation { createControl(input: { code: "POL-X", domain: "test", title: "Policy", status: IMPLEMENTED }) { id } }"#,
            json!({}),
        )
        .await["createControl"]["id"]
        .clone();
    app.ok(
        &token,
        r#"mutation($c: ID!) { addControlMapping(controlId: $c, requirement: "urn:accord:iso-iec-42001:2023:A.2.2",
            input: { relationship: EQUAL, justification: "the policy control" }) { id } }"#,
        json!({ "c": control }),
    )
    .await;
    let collected = (Utc::now() - Duration::hours(1)).to_rfc3339();
    let until = (Utc::now() + Duration::days(30)).to_rfc3339();
    app.ok(
        &token,
        r#"mutation($c: ID!, $at: DateTime!, $until: DateTime) { addEvidence(controlId: $c,
            input: { title: "Approved policy", kind: "policy", collectedAt: $at, validUntil: $until }) { current } }"#,
        json!({ "c": control, "at": collected, "until": until }),
    )
    .await;

    let overdue = app
        .ok(&token, "{ overduePolicies { nodes { id } } }", json!({}))
        .await;
    assert_eq!(overdue["overduePolicies"]["nodes"], json!([]));
    assert_eq!(
        coverage_of(&app, &token, "A.2.2").await["status"],
        "SATISFIED"
    );

    app.services().clock.advance(Duration::days(31));

    let overdue = app
        .ok(&token, "{ overduePolicies { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        overdue["overduePolicies"]["nodes"][0]["id"],
        policy.as_str()
    );
    let risk = app
        .ok(
            &token,
            "query($id: ID!) { risk(id: $id) { reviewOverdue } }",
            json!({ "id": risk["id"] }),
        )
        .await;
    assert_eq!(risk["risk"]["reviewOverdue"], true);
    let after = coverage_of(&app, &token, "A.2.2").await;
    assert_ne!(after["status"], "SATISFIED", "{after}");
    assert!(
        after["controls"][0]["blockers"]
            .as_array()
            .expect("blockers")
            .iter()
            .any(|b| b == "no current evidence"),
        "{after}"
    );
    let evidence = app
        .ok(
            &token,
            "query($id: ID!) { control(id: $id) { hasCurrentEvidence evidence { current } } }",
            json!({ "id": control }),
        )
        .await;
    assert_eq!(
        evidence["control"]["hasCurrentEvidence"], false,
        "{evidence}"
    );
    assert_eq!(evidence["control"]["evidence"][0]["current"], false);
    app.stop().await;
}
