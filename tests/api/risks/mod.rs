//! The risk register over GraphQL: threat-library controls, ratings and their rules, filters,
//! the heatmap, RACI on risks, organization scoping, and failed writes leaving nothing behind.

use serde_json::{Value, json};

use crate::fixtures::{create_risk, create_system, risk_input};
use crate::helpers::{Backend, TestApp, error_code};

mod acceptance;
mod critical;
mod matrix;
mod rules;

backend_tests!(
    a_risk_from_a_threat_gets_the_recommended_controls,
    register_filters_sorts_and_heatmap_count_open_risks,
    raci_on_risks_allows_one_accountable,
    risks_are_scoped_and_guarded,
);

pub async fn create_risk_error(app: &TestApp, token: &str, input: Value) -> Value {
    let (_, body) = app
        .graphql_as(
            token,
            "mutation($i: RiskInput!) { createRisk(input: $i) { id } }",
            json!({ "i": input }),
        )
        .await;
    body
}

async fn a_risk_from_a_threat_gets_the_recommended_controls(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Support assistant", "operate", "limited").await;
    let threats = app
        .ok(
            &token,
            "{ threats { nodes { key category references controlCodes rationale } } }",
            json!({}),
        )
        .await;
    let injection = threats["threats"]["nodes"]
        .as_array()
        .expect("threats")
        .iter()
        .find(|t| t["key"] == "prompt_injection")
        .expect("prompt injection is in the library")
        .clone();
    let mut expected: Vec<String> = injection["controlCodes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_string())
        .collect();
    expected.sort();
    assert!(expected.contains(&"SEC-12".to_string()), "{injection}");
    // Every OWASP Top 10 for LLM Applications (2025) entry is in the library.
    let references: Vec<String> = threats["threats"]["nodes"]
        .as_array()
        .expect("threats")
        .iter()
        .flat_map(|t| t["references"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    for n in 1..=10 {
        let owasp = format!("OWASP-LLM{n:02}:2025");
        assert!(references.contains(&owasp), "{owasp} missing");
    }

    let risk = create_risk(
        &app,
        &token,
        json!({ "aiSystemId": system, "title": "Assistant leaks data through injected prompts",
                "description": "Hidden instructions in customer emails", "threat": "prompt_injection",
                "inherentLikelihood": 4, "inherentImpact": 4, "owner": "ciso" }),
    )
    .await;
    assert_eq!(
        risk["category"], "security",
        "the threat's category is the default"
    );
    assert_eq!(risk["inherent"]["score"], 16);
    assert_eq!(risk["inherent"]["level"], "critical");
    assert_eq!(
        risk["current"]["score"], 16,
        "before assessment the inherent rating stands"
    );
    assert_eq!(risk["status"], "identified");
    let mut linked: Vec<String> = risk["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .map(|c| c["code"].as_str().expect("code").to_string())
        .collect();
    linked.sort();
    assert_eq!(
        linked, expected,
        "the organization's copies of the recommended controls"
    );

    let counted = app
        .ok(&token, "{ threats { nodes { key openRisks } } }", json!({}))
        .await;
    let open_of = |key: &str| {
        counted["threats"]["nodes"]
            .as_array()
            .expect("threats")
            .iter()
            .find(|t| t["key"] == key)
            .map(|t| t["openRisks"].clone())
    };
    assert_eq!(open_of("prompt_injection"), Some(json!(1)));
    assert_eq!(open_of("bias"), Some(json!(0)));

    // Explicit controls win over the recommendation, and can be replaced later.
    let controls = app
        .ok(
            &token,
            r#"{ controls(search: "GOV-01") { nodes { id code } } }"#,
            json!({}),
        )
        .await;
    let gov = controls["controls"]["nodes"][0]["id"].clone();
    let query = "mutation($id: ID!, $c: [ID!]!) { setRiskControls(id: $id, controlIds: $c) { controls { code } } }";
    let set = app
        .ok(&token, query, json!({ "id": risk["id"], "c": [gov] }))
        .await;
    assert_eq!(
        set["setRiskControls"]["controls"],
        json!([{ "code": "GOV-01" }])
    );
    let (_, body) = app
        .graphql_as(&token, query, json!({ "id": risk["id"], "c": ["999999"] }))
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND", "{body}");
    let after = app
        .ok(
            &token,
            "query($id: ID!) { risk(id: $id) { controls { code } } }",
            json!({ "id": risk["id"] }),
        )
        .await;
    assert_eq!(
        after["risk"]["controls"],
        json!([{ "code": "GOV-01" }]),
        "a refused change keeps the links"
    );

    let log = app
        .ok(
            &token,
            r#"query($id: String) { auditLog(entity: "risk", entityId: $id) { nodes { action } } }"#,
            json!({ "id": risk["id"] }),
        )
        .await;
    let actions: Vec<&str> = log["auditLog"]["nodes"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions.len(),
        2,
        "create and set_controls are logged: {log}"
    );
    assert!(actions.contains(&"create") && actions.contains(&"set_controls"));
    app.stop().await;
}

async fn register_filters_sorts_and_heatmap_count_open_risks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let mut low = risk_input("Low risk", 1, 2);
    low["aiSystemId"] = json!(system);
    create_risk(&app, &token, low).await;
    let mut overdue = risk_input("Overdue critical", 5, 4);
    overdue["reviewDue"] = json!("2020-01-31");
    create_risk(&app, &token, overdue).await;
    let mut medium = risk_input("Medium risk", 3, 2);
    medium["aiSystemId"] = json!(system);
    create_risk(&app, &token, medium).await;
    let mut closed = risk_input("Closed risk", 5, 5);
    closed["status"] = json!("closed");
    closed["reviewDue"] = json!("2020-01-31");
    create_risk(&app, &token, closed).await;

    let titles = |data: &Value| -> Vec<String> {
        data["risks"]["nodes"]
            .as_array()
            .expect("risks")
            .iter()
            .map(|r| r["title"].as_str().expect("title").to_string())
            .collect()
    };
    let all = app
        .ok(&token, "{ risks { nodes { title } } }", json!({}))
        .await;
    assert_eq!(
        titles(&all),
        ["Closed risk", "Overdue critical", "Medium risk", "Low risk"],
        "highest current score first"
    );
    let open = app
        .ok(
            &token,
            "{ risks(openOnly: true, sort: \"title\") { nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        titles(&open),
        ["Low risk", "Medium risk", "Overdue critical"]
    );
    let of_system = app
        .ok(
            &token,
            "query($s: ID) { risks(aiSystemId: $s) { nodes { title } } }",
            json!({ "s": system }),
        )
        .await;
    assert_eq!(titles(&of_system), ["Medium risk", "Low risk"]);
    let critical = app
        .ok(
            &token,
            "{ risks(level: \"critical\", openOnly: true) { nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(titles(&critical), ["Overdue critical"]);
    let late = app
        .ok(
            &token,
            "{ risks(reviewOverdue: true) { nodes { title reviewOverdue } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        titles(&late),
        ["Overdue critical"],
        "closed risks are not overdue"
    );
    let (_, body) = app
        .graphql_as(
            &token,
            "{ risks(sort: \"colour\") { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "VALIDATION");

    let heatmap = app
        .ok(
            &token,
            "{ riskHeatmap { nodes { likelihood impact level count } } }",
            json!({}),
        )
        .await;
    let cells = heatmap["riskHeatmap"]["nodes"].as_array().expect("cells");
    assert_eq!(cells.len(), 25);
    assert_eq!(cells[0]["likelihood"], 5, "most likely row first");
    let count = |l: i64, i: i64| {
        cells
            .iter()
            .find(|c| c["likelihood"] == l && c["impact"] == i)
            .map(|c| c["count"].as_i64().expect("count"))
    };
    assert_eq!(count(5, 4), Some(1));
    assert_eq!(count(3, 2), Some(1));
    assert_eq!(count(1, 2), Some(1));
    assert_eq!(count(5, 5), Some(0), "closed risks are off the heatmap");
    let total: i64 = cells
        .iter()
        .map(|c| c["count"].as_i64().expect("count"))
        .sum();
    assert_eq!(total, 3);
    app.stop().await;
}

async fn raci_on_risks_allows_one_accountable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let risk = create_risk(&app, &token, risk_input("Model drift on scores", 3, 4)).await;
    let assign = r#"mutation($id: ID!, $p: String!, $r: RaciRole!) { assignRaci(subjectType: "risk", subjectId: $id, party: $p, role: $r) { id role } }"#;
    app.ok(
        &token,
        assign,
        json!({ "id": risk["id"], "p": "cro", "r": "accountable" }),
    )
    .await;
    app.ok(
        &token,
        assign,
        json!({ "id": risk["id"], "p": "ml-team", "r": "responsible" }),
    )
    .await;
    let (_, body) = app
        .graphql_as(
            &token,
            assign,
            json!({ "id": risk["id"], "p": "cto", "r": "accountable" }),
        )
        .await;
    assert_eq!(error_code(&body), "CONFLICT", "{body}");
    let who = app
        .ok(
            &token,
            r#"query($id: ID!) { accountableFor(subjectType: "risk", subjectId: $id) { party } }"#,
            json!({ "id": risk["id"] }),
        )
        .await;
    assert_eq!(who["accountableFor"]["party"], "cro");
    let what = app
        .ok(&token, r#"{ responsibilitiesOf(party: "cro", role: "accountable") { nodes { subjectType subjectId } } }"#, json!({}))
        .await;
    assert_eq!(
        what["responsibilitiesOf"]["nodes"],
        json!([{ "subjectType": "risk", "subjectId": risk["id"] }])
    );
    let (_, body) = app
        .graphql_as(
            &token,
            assign,
            json!({ "id": "987654", "p": "cro", "r": "informed" }),
        )
        .await;
    assert_eq!(
        error_code(&body),
        "NOT_FOUND",
        "a risk that does not exist: {body}"
    );
    app.stop().await;
}

async fn risks_are_scoped_and_guarded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let acme = app.admin("acme").await;
    let globex = app.admin("globex").await;
    let risk = create_risk(&app, &acme, risk_input("Acme only", 2, 2)).await;
    let (_, body) = app
        .graphql_as(
            &globex,
            "query($id: ID!) { risk(id: $id) { title } }",
            json!({ "id": risk["id"] }),
        )
        .await;
    assert_eq!(
        error_code(&body),
        "NOT_FOUND",
        "another organization's risk: {body}"
    );
    let theirs = app
        .ok(&globex, "{ risks { nodes { id } } }", json!({}))
        .await;
    assert_eq!(theirs["risks"]["nodes"], json!([]));
    let (_, body) = app
        .graphql_as(
            &globex,
            "mutation($id: ID!) { setRiskControls(id: $id, controlIds: []) { id } }",
            json!({ "id": risk["id"] }),
        )
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND", "{body}");

    let executive = app.token("erin", "acme", &["executive"]);
    let read = app
        .ok(
            &executive,
            "{ risks { nodes { title } } riskHeatmap { nodes { count } } }",
            json!({}),
        )
        .await;
    assert_eq!(read["risks"]["nodes"][0]["title"], "Acme only");
    let body = create_risk_error(&app, &executive, risk_input("Not allowed", 1, 1)).await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let integrator = app.token("ivan", "acme", &["integrator"]);
    let (_, body) = app
        .graphql_as(&integrator, "{ risks { nodes { id } } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let (_, body) = app
        .graphql_as(&integrator, "{ threats { nodes { key } } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    app.stop().await;
}
