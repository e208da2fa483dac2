//! Risk decisions (ISO/IEC 42001 6.1.3): accepting a high or critical risk is refused until the
//! governance body of the escalation route for its level approves with a majority quorum; the
//! approval is used up by the acceptance.

use serde_json::{Value, json};

use crate::fixtures::{board, create_risk, risk_input};
use crate::helpers::{Backend, TestApp};

backend_tests!(accepting_a_critical_risk_waits_for_the_bodys_quorum);

const REQUEST: &str = r#"mutation($s: ID!, $b: ID!, $q: Int!) {
    requestApproval(subjectType: risk_acceptance, subjectId: $s, bodyId: $b, quorum: $q, summary: "Residual risk within appetite") { id status } }"#;
const DECIDE: &str =
    r#"mutation($r: ID!) { decideApproval(requestId: $r, decision: "approve") { status } }"#;
const UPDATE: &str =
    r#"mutation($id: ID!, $i: RiskInput!) { updateRisk(id: $id, input: $i) { status } }"#;

fn rule(body: &Value) -> &str {
    body["errors"][0]["extensions"]["rule"]
        .as_str()
        .unwrap_or_default()
}

async fn accepting_a_critical_risk_waits_for_the_bodys_quorum(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let board_id = board(&app, &token, &["ceo", "cro", "cto"]).await;
    let committee = app
        .ok(&token, r#"mutation { createGovernanceBody(name: "AI Risk Committee", kind: risk_committee) { id } }"#, json!({}))
        .await["createGovernanceBody"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    app.ok(
        &token,
        r#"mutation($b: ID!) { setBodyMember(bodyId: $b, person: "dpo", role: member, canApprove: true) { id } }"#,
        json!({ "b": committee }),
    )
    .await;
    app.ok(
        &token,
        r#"mutation($b: ID!) { setEscalationRoute(severity: critical, bodyId: $b, recipients: ["board@acme.test"]) { id } }"#,
        json!({ "b": board_id }),
    )
    .await;

    // Rated 5 x 5: critical.
    let mut input = risk_input("Unsupervised agent moves funds", 5, 5);
    input["treatment"] = json!("accept");
    input["decision"] =
        json!("Accepted by the board: business case outweighs the residual risk until Q3");
    let risk = create_risk(&app, &token, input.clone()).await;
    let id = risk["id"].as_str().expect("id").to_string();
    input["status"] = json!("accepted");
    let (_, refused) = app
        .graphql_as(&token, UPDATE, json!({ "id": id, "i": input }))
        .await;
    assert_eq!(rule(&refused), "acceptance_needs_approval", "{refused}");

    // The committee does not decide on critical risks, and one approver of three is no majority.
    let (_, wrong_body) = app
        .graphql_as(&token, REQUEST, json!({ "s": id, "b": committee, "q": 1 }))
        .await;
    assert_eq!(rule(&wrong_body), "risk_acceptance_body", "{wrong_body}");
    let (_, small) = app
        .graphql_as(&token, REQUEST, json!({ "s": id, "b": board_id, "q": 1 }))
        .await;
    assert_eq!(rule(&small), "quorum_below_majority", "{small}");

    let request = app
        .ok(&token, REQUEST, json!({ "s": id, "b": board_id, "q": 2 }))
        .await["requestApproval"]["id"]
        .as_str()
        .expect("request")
        .to_string();
    let ceo = app.token("ceo", "acme", &["executive"]);
    let first = app.ok(&ceo, DECIDE, json!({ "r": request })).await;
    assert_eq!(first["decideApproval"]["status"], "pending");
    let (_, still) = app
        .graphql_as(&token, UPDATE, json!({ "id": id, "i": input }))
        .await;
    assert_eq!(
        rule(&still),
        "acceptance_needs_approval",
        "one approval is not the quorum"
    );

    let cro = app.token("cro", "acme", &["executive"]);
    let second = app.ok(&cro, DECIDE, json!({ "r": request })).await;
    assert_eq!(second["decideApproval"]["status"], "approved");
    let accepted = app
        .ok(&token, UPDATE, json!({ "id": id, "i": input }))
        .await;
    assert_eq!(accepted["updateRisk"]["status"], "accepted");

    // The approval is used up: re-opening and accepting again needs a new one.
    let mut reopened = input.clone();
    reopened["status"] = json!("assessed");
    app.ok(&token, UPDATE, json!({ "id": id, "i": reopened }))
        .await;
    let (_, again) = app
        .graphql_as(&token, UPDATE, json!({ "id": id, "i": input }))
        .await;
    assert_eq!(rule(&again), "acceptance_needs_approval");

    // A risk accepted at medium (no approval needed) cannot be re-rated critical and stay
    // accepted: the critical body decides again.
    let mut medium = risk_input("Chatbot tone drifts", 2, 3);
    medium["treatment"] = json!("accept");
    medium["status"] = json!("accepted");
    medium["decision"] = json!("Accepted by the risk owner: cosmetic, reviewed monthly");
    let medium_risk = create_risk(&app, &token, medium.clone()).await;
    assert_eq!(medium_risk["status"], "accepted");
    let mut rerated = medium.clone();
    rerated["inherentLikelihood"] = json!(5);
    rerated["inherentImpact"] = json!(5);
    let (_, upward) = app
        .graphql_as(
            &token,
            UPDATE,
            json!({ "id": medium_risk["id"], "i": rerated }),
        )
        .await;
    assert_eq!(rule(&upward), "acceptance_needs_approval", "{upward}");
    app.stop().await;
}
