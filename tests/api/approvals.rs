//! Approval workflows over HTTP: policy approval by the quorum of a body's approvers, deployment
//! approvals and approvals of changes to AI systems in operation, with their refusals.

use serde_json::json;

use crate::helpers::{Backend, TestApp, error_code};
use crate::records::{board, create_system, system_input};

backend_tests!(
    policy_approval_needs_the_quorum_of_approvers,
    deployment_and_operating_changes_need_approval,
);

async fn policy_approval_needs_the_quorum_of_approvers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let body = board(&app, &token, &["ceo", "cro"]).await;
    let created = app
        .ok(
            &token,
            r#"mutation($b: ID!) { createPolicy(input: { kind: "ai_governance", title: "AI Policy", content: "We use AI responsibly.", bodyId: $b, quorum: 2, reviewDue: "2020-01-01" }) { id status version } }"#,
            json!({ "b": body }),
        )
        .await;
    let policy = created["createPolicy"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let request = app
        .ok(
            &token,
            "mutation($p: ID!) { submitPolicy(id: $p) { id status } }",
            json!({ "p": policy }),
        )
        .await;
    let request_id = request["submitPolicy"]["id"]
        .as_str()
        .expect("request")
        .to_string();
    let decide = "mutation($r: ID!, $d: String!) { decideApproval(requestId: $r, decision: $d, comment: \"ok\") { status decisions { approver } } }";

    // alice (an admin) is not an approver of the board.
    let refused = app
        .graphql_as(&token, decide, json!({ "r": request_id, "d": "approve" }))
        .await
        .1;
    assert_eq!(
        error_code(&refused),
        "FORBIDDEN",
        "approval by a non-approver is refused"
    );
    let ceo = app.token("ceo", "acme", &["executive"]);
    let cro = app.token("cro", "acme", &["executive"]);
    let first = app
        .ok(&ceo, decide, json!({ "r": request_id, "d": "approve" }))
        .await;
    assert_eq!(
        first["decideApproval"]["status"], "pending",
        "one of two approvals"
    );
    let twice = app
        .graphql_as(&ceo, decide, json!({ "r": request_id, "d": "approve" }))
        .await
        .1;
    assert_eq!(error_code(&twice), "CONFLICT");
    let second = app
        .ok(&cro, decide, json!({ "r": request_id, "d": "approve" }))
        .await;
    assert_eq!(second["decideApproval"]["status"], "approved");
    let read = app
        .ok(
            &token,
            "query($p: ID!) { policy(id: $p) { status approvedAt } }",
            json!({ "p": policy }),
        )
        .await;
    assert_eq!(read["policy"]["status"], "approved");

    // The review date has passed; editing the approved version makes a new draft.
    let overdue = app
        .ok(&token, "{ overduePolicies { id } }", json!({}))
        .await;
    assert_eq!(overdue["overduePolicies"][0]["id"], policy.as_str());
    let edited = app
        .ok(&token, r#"mutation($p: ID!) { editPolicy(id: $p, input: { content: "Version two.", reviewDue: "2030-01-01" }) { id version status } }"#, json!({ "p": policy }))
        .await;
    assert_eq!(edited["editPolicy"]["version"], 2);
    assert_eq!(edited["editPolicy"]["status"], "draft");
    assert_ne!(edited["editPolicy"]["id"], policy.as_str());
    let all = app
        .ok(&token, "{ policies { version status } }", json!({}))
        .await;
    assert_eq!(
        all["policies"].as_array().expect("list").len(),
        2,
        "the approved version stays as it was"
    );
    app.stop().await;
}

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
