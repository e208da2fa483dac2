//! The AI system inventory and the scope statement over HTTP.

use serde_json::json;

use crate::fixtures::{CREATE_SYSTEM, create_system, system_input};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(inventory_filters_sorts_and_requires_exclusion_reasons,);

async fn inventory_filters_sorts_and_requires_exclusion_reasons(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    create_system(&app, &token, "Credit scorer", "operate", "high").await;
    create_system(&app, &token, "Chat assistant", "develop", "limited").await;
    create_system(&app, &token, "Spam filter", "operate", "minimal").await;
    let mut excluded = system_input("Research sandbox", "design", "minimal");
    excluded["inScope"] = json!(false);
    let refused = app
        .graphql_as(&token, CREATE_SYSTEM, json!({ "i": excluded.clone() }))
        .await
        .1;
    assert_eq!(
        error_code(&refused),
        "VALIDATION",
        "an exclusion needs a justification"
    );
    excluded["exclusionJustification"] =
        json!("Isolated research environment with synthetic data only.");
    app.ok(&token, CREATE_SYSTEM, json!({ "i": excluded }))
        .await;

    let operating = app
        .ok(&token, r#"{ aiSystems(stage: "operate", sort: "risk_tier", descending: true) { nodes { name riskTier } } }"#, json!({}))
        .await;
    let names: Vec<&str> = operating["aiSystems"]["nodes"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["Credit scorer", "Spam filter"],
        "filtered, then ordered high to minimal"
    );
    let out_of_scope = app
        .ok(
            &token,
            "{ aiSystems(inScope: false) { nodes { name exclusionJustification } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        out_of_scope["aiSystems"]["nodes"][0]["name"],
        "Research sandbox"
    );
    let bad_stage = app
        .graphql_as(
            &token,
            r#"{ aiSystems(stage: "flying") { nodes { name } } }"#,
            json!({}),
        )
        .await
        .1;
    assert_eq!(error_code(&bad_stage), "VALIDATION");

    let scope = app
        .graphql_as(
            &token,
            r#"mutation { setScopeStatement(statement: "All customer-facing AI", exclusions: [{ subject: "Research sandbox", reason: "" }]) { statement } }"#,
            json!({}),
        )
        .await
        .1;
    assert_eq!(
        error_code(&scope),
        "VALIDATION",
        "scope exclusions need reasons"
    );
    app.ok(
        &token,
        r#"mutation { setScopeStatement(statement: "All customer-facing AI", teams: ["Risk"], exclusions: [{ subject: "Research sandbox", reason: "No production data or users." }]) { statement } }"#,
        json!({}),
    )
    .await;
    let read = app
        .ok(
            &token,
            "{ scopeStatement { statement teams exclusions { subject reason } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        read["scopeStatement"]["exclusions"][0]["subject"],
        "Research sandbox"
    );

    // Another organization cannot read these systems.
    let other = app.admin("globex").await;
    let list = app
        .ok(&other, "{ aiSystems { nodes { name } } }", json!({}))
        .await;
    assert_eq!(list["aiSystems"]["nodes"], json!([]));
    app.stop().await;
}
