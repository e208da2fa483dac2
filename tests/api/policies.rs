//! Policies over HTTP: versions and their approval by a governance body's quorum.

use serde_json::json;

use crate::fixtures::board;
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(policy_approval_needs_the_quorum_of_approvers,);

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
    let decide = "mutation($r: ID!, $d: ApprovalVerdict!) { decideApproval(requestId: $r, decision: $d, comment: \"ok\") { status decisions { approver } } }";

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
        .ok(&token, "{ overduePolicies { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        overdue["overduePolicies"]["nodes"][0]["id"],
        policy.as_str()
    );
    let edited = app
        .ok(&token, r#"mutation($p: ID!) { editPolicy(id: $p, input: { content: "Version two.", reviewDue: "2030-01-01" }) { id version status } }"#, json!({ "p": policy }))
        .await;
    assert_eq!(edited["editPolicy"]["version"], 2);
    assert_eq!(edited["editPolicy"]["status"], "draft");
    assert_ne!(edited["editPolicy"]["id"], policy.as_str());
    let all = app
        .ok(
            &token,
            "{ policies { nodes { version status } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        all["policies"]["nodes"].as_array().expect("list").len(),
        2,
        "the approved version stays as it was"
    );
    app.stop().await;
}
