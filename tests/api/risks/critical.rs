//! Critical AI systems show the rule that made them critical, get the stricter response times for
//! their incidents, and `unmitigatedThreats` lists the threats they face with no implemented
//! control until one is implemented.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::fixtures::{create_risk, create_system, risk_input};
use crate::helpers::{Backend, TestApp};

backend_tests!(critical_systems_name_their_rule_and_answer_faster);

const CRITICAL: &str = "{ criticalAiSystems { nodes { aiSystem { name } because } } }";

async fn critical_systems_name_their_rule_and_answer_faster(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let assistant = create_system(&app, &token, "Support assistant", "operate", "limited").await;
    create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let before = app.ok(&token, CRITICAL, json!({})).await;
    assert_eq!(
        before["criticalAiSystems"]["nodes"],
        json!([{ "aiSystem": { "name": "Credit scorer" }, "because": ["risk tier is high"] }])
    );

    // A critical risk (5 x 5) from prompt injection makes the assistant critical too.
    let mut input = risk_input("Prompt injection exfiltrates customer data", 5, 5);
    input["aiSystemId"] = json!(assistant);
    input["threat"] = json!("prompt_injection");
    let risk = create_risk(&app, &token, input).await;
    let risk_id = risk["id"].as_str().expect("id").to_string();
    let after = app.ok(&token, CRITICAL, json!({})).await;
    let nodes = after["criticalAiSystems"]["nodes"]
        .as_array()
        .expect("nodes");
    let assistant_row = nodes
        .iter()
        .find(|n| n["aiSystem"]["name"] == "Support assistant")
        .expect("assistant is critical");
    assert_eq!(
        assistant_row["because"],
        json!([format!(
            "open critical risk #{risk_id}: Prompt injection exfiltrates customer data"
        )])
    );

    // None of the risk's controls is implemented: the threat is unmitigated.
    let unmitigated = "query($s: ID!) { unmitigatedThreats(aiSystemId: $s) { nodes { threat { key controlCodes } risks { id } } } }";
    let open = app.ok(&token, unmitigated, json!({ "s": assistant })).await;
    let rows = open["unmitigatedThreats"]["nodes"]
        .as_array()
        .expect("rows");
    assert_eq!(rows.len(), 1, "{open}");
    assert_eq!(rows[0]["threat"]["key"], "prompt_injection");
    assert_eq!(rows[0]["risks"], json!([{ "id": risk_id }]));
    let control = risk["controls"][0]["code"]
        .as_str()
        .expect("a recommended control");
    let id = app
        .ok(
            &token,
            "query($c: String!) { controls(search: $c) { nodes { id code } } }",
            json!({ "c": control }),
        )
        .await["controls"]["nodes"]
        .as_array()
        .and_then(|n| n.iter().find(|c| c["code"] == control).cloned())
        .expect("control")["id"]
        .as_str()
        .expect("id")
        .to_string();
    app.ok(
        &token,
        "mutation($id: ID!) { updateControl(id: $id, input: { status: IMPLEMENTED }) { status } }",
        json!({ "id": id }),
    )
    .await;
    let mitigated = app.ok(&token, unmitigated, json!({ "s": assistant })).await;
    assert_eq!(mitigated["unmitigatedThreats"]["nodes"], json!([]));

    // A medium incident on the critical assistant is held to the high times (1 hour, not 4).
    let reported = app
        .ok(
            &token,
            "mutation($i: IncidentInput!) { reportIncident(input: $i) { detectedAt acknowledgeDueAt } }",
            json!({ "i": { "aiSystemId": assistant, "title": "Leaked prompt", "description": "A user extracted the system prompt.",
                "severity": "medium", "category": "security", "occurredAt": Utc::now().to_rfc3339() } }),
        )
        .await;
    let at = |field: &str| {
        DateTime::parse_from_rfc3339(reported["reportIncident"][field].as_str().expect("time"))
            .expect("RFC 3339")
    };
    assert_eq!(
        (at("acknowledgeDueAt") - at("detectedAt")).num_minutes(),
        60
    );
    app.stop().await;
}
