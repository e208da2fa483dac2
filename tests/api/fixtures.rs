//! Records that several features' tests start from (an AI system, a governance board, a risk, a
//! control with mappings), made through the public API like any client would. Fixtures that one
//! feature alone needs stay beside that feature's tests.

use serde_json::{Value, json};

use crate::helpers::TestApp;

pub const RISK_FIELDS: &str = "id title category threat treatment status decision reviewDue reviewOverdue \
    inherent { likelihood impact score level } residual { score level } current { score level } \
    controls { code status effectiveness }";

pub const CREATE_SYSTEM: &str = r#"mutation($i: AiSystemInput!) { createAiSystem(input: $i) { id name lifecycleStage riskTier inScope } }"#;

pub fn system_input(name: &str, stage: &str, tier: &str) -> Value {
    json!({ "name": name, "purpose": "Scores things", "owner": "dana", "businessUnit": "Risk",
            "lifecycleStage": stage, "riskTier": tier })
}

pub async fn create_system(
    app: &TestApp,
    token: &str,
    name: &str,
    stage: &str,
    tier: &str,
) -> String {
    let data = app
        .ok(
            token,
            CREATE_SYSTEM,
            json!({ "i": system_input(name, stage, tier) }),
        )
        .await;
    data["createAiSystem"]["id"]
        .as_str()
        .expect("id")
        .to_string()
}

/// A board with the given approvers (subjects) and an admin token.
pub async fn board(app: &TestApp, token: &str, approvers: &[&str]) -> String {
    let data = app
        .ok(token, r#"mutation { createGovernanceBody(name: "AI Governance Board", kind: "board", mandate: "Approves AI policies") { id } }"#, json!({}))
        .await;
    let id = data["createGovernanceBody"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    for person in approvers {
        app.ok(
            token,
            r#"mutation($b: ID!, $p: String!) { setBodyMember(bodyId: $b, person: $p, role: "member", canApprove: true) { id } }"#,
            json!({ "b": id, "p": person }),
        )
        .await;
    }
    id
}

pub fn risk_input(title: &str, likelihood: i64, impact: i64) -> Value {
    json!({ "title": title, "description": "What could go wrong", "category": "safety",
            "inherentLikelihood": likelihood, "inherentImpact": impact, "owner": "cro" })
}

pub async fn create_risk(app: &TestApp, token: &str, input: Value) -> Value {
    let query = format!("mutation($i: RiskInput!) {{ createRisk(input: $i) {{ {RISK_FIELDS} }} }}");
    app.ok(token, &query, json!({ "i": input })).await["createRisk"].clone()
}

pub async fn create_control(app: &TestApp, token: &str, code: &str) -> String {
    let data = app
        .ok(
            token,
            r#"mutation($code: String!) { createControl(input: { code: $code, domain: "test", title: "Test control" }) { id } }"#,
            json!({ "code": code }),
        )
        .await;
    data["createControl"]["id"]
        .as_str()
        .expect("id")
        .to_string()
}

pub async fn map_control(
    app: &TestApp,
    token: &str,
    control: &str,
    urn: &str,
    relationship: &str,
) -> Value {
    app.graphql_as(
        token,
        r#"mutation($c: ID!, $r: String!, $rel: Relationship!) {
            addControlMapping(controlId: $c, requirement: $r, input: { relationship: $rel, justification: "test" }) { id relationship } }"#,
        json!({ "c": control, "r": urn, "rel": relationship }),
    )
    .await
    .1
}
