//! Common controls over HTTP: mappings validated, grouped by framework, scoped.

use std::collections::HashSet;

use serde_json::json;

use crate::fixtures::{create_control, map_control as map};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(control_mappings_are_validated_and_grouped_by_framework,);

async fn control_mappings_are_validated_and_grouped_by_framework(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let list = app
        .ok(
            &token,
            r#"{ controls(search: "GOV-01", first: 5) { edges { node { id code } } } }"#,
            json!({}),
        )
        .await;
    let gov01 = list["controls"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["code"] == "GOV-01")
        .expect("GOV-01 seeded")["node"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let detail = app
        .ok(
            &token,
            r#"query($id: ID!) { control(id: $id) { code mappingsByFramework { framework { slug } mappings { requirement { refId } relationship rationale provenance } } } }"#,
            json!({ "id": gov01 }),
        )
        .await;
    let frameworks: HashSet<String> = detail["control"]["mappingsByFramework"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            g["framework"]["slug"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(
        frameworks.len() >= 2,
        "GOV-01 maps to several frameworks: {frameworks:?}"
    );

    let control = create_control(&app, &token, "VAL-01").await;
    let urn = "urn:accord:nist-csf:2.0:GV.PO-01";
    assert!(
        map(&app, &token, &control, urn, "EQUAL")
            .await
            .get("errors")
            .is_none()
    );
    assert_eq!(
        error_code(&map(&app, &token, &control, urn, "SUBSET_OF").await),
        "CONFLICT"
    );
    assert_eq!(
        error_code(
            &map(
                &app,
                &token,
                &control,
                "urn:accord:nist-csf:2.0:NOPE",
                "EQUAL"
            )
            .await
        ),
        "NOT_FOUND"
    );
    assert_eq!(
        error_code(
            &map(
                &app,
                &token,
                &control,
                "urn:accord:nist-csf:2.0:GV.PO-02",
                "NOT_RELATED"
            )
            .await
        ),
        "VALIDATION"
    );
    let bad_strength = app
        .graphql_as(
            &token,
            r#"mutation($c: ID!) { addControlMapping(controlId: $c, requirement: "urn:accord:nist-csf:2.0:GV.PO-02", input: { relationship: EQUAL, strength: 11, justification: "x" }) { id } }"#,
            json!({ "c": control }),
        )
        .await
        .1;
    assert_eq!(error_code(&bad_strength), "VALIDATION");
    assert_eq!(error_code(&app.graphql_as(&token, r#"mutation { createControl(input: { code: "VAL-01", domain: "d", title: "t" }) { id } }"#, json!({})).await.1), "CONFLICT");

    // Another organization cannot see or map this control; an auditor cannot map at all.
    let other = app.admin("globex").await;
    assert_eq!(
        error_code(&map(&app, &other, &control, urn, "EQUAL").await),
        "NOT_FOUND"
    );
    let (_, body) = app
        .graphql_as(
            &other,
            "query($id: ID!) { control(id: $id) { code } }",
            json!({ "id": control }),
        )
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND");
    let auditor = app.token("audrey", "acme", &["auditor"]);
    assert_eq!(
        error_code(
            &map(
                &app,
                &auditor,
                &control,
                "urn:accord:nist-csf:2.0:GV.PO-02",
                "EQUAL"
            )
            .await
        ),
        "FORBIDDEN"
    );
    app.stop().await;
}
