//! Approval workflows over HTTP: policy approval by the quorum of a body's approvers, deployment
//! approvals and approvals of changes to AI systems in operation, with their refusals.

use serde_json::json;

use crate::fixtures::{board, create_system, system_input};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(deployment_and_operating_changes_need_approval,);

async fn deployment_and_operating_changes_need_approval(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let body = board(&app, &token, &["cro"]).await;
    let system = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let version = app
        .ok(
            &token,
            r#"mutation($s: ID!) { addModelVersion(aiSystemId: $s, input: { version: "2.1.0", intendedUse: "Consumer credit decisions", limitations: "Not for business loans", trainingData: ["loans-2025"], evaluationResults: { auc: 0.81 } }) { id status evaluationResults } }"#,
            json!({ "s": system }),
        )
        .await;
    let mv = version["addModelVersion"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(version["addModelVersion"]["evaluationResults"]["auc"], 0.81);
    let deploy =
        r#"mutation($m: ID!) { setModelVersionStatus(id: $m, status: "deployed") { status } }"#;
    let refused = app.graphql_as(&token, deploy, json!({ "m": mv })).await.1;
    assert_eq!(
        error_code(&refused),
        "CONFLICT",
        "deployment without approval is refused"
    );
    let cro = app.token("cro", "acme", &["executive"]);
    let request = app
        .ok(&token, r#"mutation($m: ID!, $b: ID!) { requestApproval(subjectType: "deployment", subjectId: $m, bodyId: $b, summary: "Deploy 2.1.0") { id } }"#, json!({ "m": mv, "b": body }))
        .await;
    let request_id = request["requestApproval"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    app.ok(
        &cro,
        r#"mutation($r: ID!) { decideApproval(requestId: $r, decision: "approve") { status } }"#,
        json!({ "r": request_id }),
    )
    .await;
    let deployed = app.ok(&token, deploy, json!({ "m": mv })).await;
    assert_eq!(deployed["setModelVersionStatus"]["status"], "deployed");

    // A change to a system in operation needs an approved system_change, usable once.
    let update = r#"mutation($s: ID!, $i: AiSystemInput!, $a: ID) { updateAiSystem(id: $s, input: $i, approvalRequestId: $a) { riskTier } }"#;
    let change = system_input("Credit scorer", "operate", "limited");
    let refused = app
        .graphql_as(
            &token,
            update,
            json!({ "s": system, "i": change, "a": null }),
        )
        .await
        .1;
    assert_eq!(error_code(&refused), "CONFLICT");
    let change_request = app
        .ok(&token, r#"mutation($s: ID!, $b: ID!) { requestApproval(subjectType: "system_change", subjectId: $s, bodyId: $b) { id } }"#, json!({ "s": system, "b": body }))
        .await;
    let change_id = change_request["requestApproval"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let pending = app
        .graphql_as(
            &token,
            update,
            json!({ "s": system, "i": change, "a": change_id }),
        )
        .await
        .1;
    assert_eq!(
        error_code(&pending),
        "CONFLICT",
        "a pending request is not an approval"
    );
    app.ok(
        &cro,
        r#"mutation($r: ID!) { decideApproval(requestId: $r, decision: "approve") { status } }"#,
        json!({ "r": change_id }),
    )
    .await;
    let changed = app
        .ok(
            &token,
            update,
            json!({ "s": system, "i": change, "a": change_id }),
        )
        .await;
    assert_eq!(changed["updateAiSystem"]["riskTier"], "limited");
    let reused = app
        .graphql_as(
            &token,
            update,
            json!({ "s": system, "i": change, "a": change_id }),
        )
        .await
        .1;
    assert_eq!(error_code(&reused), "CONFLICT", "one approval, one change");
    app.stop().await;
}
