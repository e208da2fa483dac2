//! Governance bodies and escalation routes over HTTP.

use serde_json::json;

use crate::fixtures::board;
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(governance_routes_and_evidence_gaps,);

async fn governance_routes_and_evidence_gaps(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let body = board(&app, &token, &["cro"]).await;
    let bad = app
        .graphql_as(&token, r#"mutation($b: ID!) { setEscalationRoute(severity: "critical", bodyId: $b, recipients: ["not-an-email"]) { id } }"#, json!({ "b": body }))
        .await
        .1;
    assert_eq!(error_code(&bad), "VALIDATION");
    app.ok(&token, r#"mutation($b: ID!) { setEscalationRoute(severity: "critical", bodyId: $b, recipients: ["cro@acme.example"]) { id } }"#, json!({ "b": body }))
        .await;
    app.ok(&token, r#"mutation($b: ID!) { setEscalationRoute(severity: "low", bodyId: $b, recipients: ["ops@acme.example"]) { id } }"#, json!({ "b": body }))
        .await;
    let routes = app.ok(&token, "{ escalationRoutes { nodes { severity recipients } } governanceBodies { nodes { name members { person canApprove } } } }", json!({})).await;
    assert_eq!(routes["escalationRoutes"]["nodes"][0]["severity"], "low");
    assert_eq!(
        routes["escalationRoutes"]["nodes"][1]["severity"],
        "critical"
    );
    assert_eq!(
        routes["governanceBodies"]["nodes"][0]["members"][0]["person"],
        "cro"
    );

    // Every seeded control lacks evidence; expired evidence does not change that.
    let before = app
        .ok(
            &token,
            "{ controlsWithoutCurrentEvidence { nodes { code } } }",
            json!({}),
        )
        .await;
    let count = before["controlsWithoutCurrentEvidence"]["nodes"]
        .as_array()
        .expect("list")
        .len();
    assert!(count >= 60);
    let controls = app
        .ok(
            &token,
            r#"{ controls(search: "GOV-01") { edges { node { id code } } } }"#,
            json!({}),
        )
        .await;
    let gov01 = controls["controls"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let add = r#"mutation($c: ID!, $at: DateTime!, $until: DateTime) { addEvidence(controlId: $c, input: { title: "Signed policy", kind: "approval", collectedAt: $at, validUntil: $until }) { current } }"#;
    let now = chrono::Utc::now();
    let expired = app
        .ok(&token, add, json!({ "c": gov01, "at": (now - chrono::Duration::days(400)).to_rfc3339(), "until": (now - chrono::Duration::days(35)).to_rfc3339() }))
        .await;
    assert_eq!(expired["addEvidence"]["current"], false);
    let after = app
        .ok(
            &token,
            "{ controlsWithoutCurrentEvidence { nodes { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        after["controlsWithoutCurrentEvidence"]["nodes"]
            .as_array()
            .expect("list")
            .len(),
        count,
        "expired evidence does not count"
    );
    app.ok(
        &token,
        add,
        json!({ "c": gov01, "at": (now - chrono::Duration::days(1)).to_rfc3339(), "until": null }),
    )
    .await;
    let fresh = app
        .ok(
            &token,
            "{ controlsWithoutCurrentEvidence { nodes { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        fresh["controlsWithoutCurrentEvidence"]["nodes"]
            .as_array()
            .expect("list")
            .len(),
        count - 1
    );
    let bad_kind = app
        .graphql_as(
            &token,
            add.replace("\"approval\"", "\"vibes\"").as_str(),
            json!({ "c": gov01, "at": now.to_rfc3339(), "until": null }),
        )
        .await
        .1;
    assert_eq!(error_code(&bad_kind), "VALIDATION");
    app.stop().await;
}
