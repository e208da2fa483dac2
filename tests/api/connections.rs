//! Every list the API serves at the root is a connection (`first`/`after` cursors, `totalCount`),
//! checked two ways: by introspection over the whole schema, and by paging real records.

use serde_json::{Value, json};

use crate::fixtures::create_system;
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(lists_page_with_cursors_and_count_every_item);

/// The named type under any NON_NULL wrappers, and whether a LIST sits among them.
fn is_list(mut ty: &Value) -> bool {
    loop {
        match ty["kind"].as_str() {
            Some("LIST") => return true,
            Some("NON_NULL") => ty = &ty["ofType"],
            _ => return false,
        }
    }
}

#[tokio::test]
async fn no_root_field_returns_a_plain_list() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.admin("acme").await;
    let data = app
        .ok(
            &token,
            "{ __schema { queryType { fields { name type { kind ofType { kind ofType { kind } } } } } } }",
            json!({}),
        )
        .await;
    let fields = data["__schema"]["queryType"]["fields"]
        .as_array()
        .expect("fields");
    assert!(fields.len() > 30, "the whole query type: {}", fields.len());
    let plain: Vec<&str> = fields
        .iter()
        .filter(|f| is_list(&f["type"]))
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(
        plain.is_empty(),
        "root fields returning plain lists: {plain:?}"
    );
    app.stop().await;
}

async fn lists_page_with_cursors_and_count_every_item(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    for name in ["Alpha", "Bravo", "Charlie"] {
        create_system(&app, &token, name, "design", "minimal").await;
    }
    let page = r#"query($after: String) { aiSystems(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage } edges { cursor node { name } } } }"#;
    let first = app.ok(&token, page, json!({ "after": null })).await;
    let connection = &first["aiSystems"];
    assert_eq!(connection["totalCount"], 3);
    assert_eq!(connection["pageInfo"]["hasNextPage"], true);
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], false);
    let names: Vec<&str> = connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["node"]["name"].as_str())
        .collect();
    assert_eq!(names, ["Alpha", "Bravo"]);
    let cursor = connection["edges"][1]["cursor"].as_str().expect("cursor");
    let second = app.ok(&token, page, json!({ "after": cursor })).await;
    assert_eq!(second["aiSystems"]["totalCount"], 3);
    assert_eq!(second["aiSystems"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(second["aiSystems"]["edges"][0]["node"]["name"], "Charlie");

    // The audit log pages by sequence number: a cursor stays valid while the log grows.
    let log = r#"query($after: String) { auditLog(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage } edges { cursor node { seq } } } }"#;
    let head = app.ok(&token, log, json!({ "after": null })).await;
    let total = head["auditLog"]["totalCount"].as_i64().expect("total");
    assert!(total >= 3, "three systems were created: {total}");
    let cursor = head["auditLog"]["edges"][1]["cursor"]
        .as_str()
        .expect("cursor")
        .to_string();
    let last_seq = head["auditLog"]["edges"][1]["node"]["seq"]
        .as_i64()
        .expect("seq");
    create_system(&app, &token, "Delta", "design", "minimal").await;
    let next = app.ok(&token, log, json!({ "after": cursor })).await;
    assert_eq!(next["auditLog"]["totalCount"].as_i64(), Some(total + 1));
    assert_eq!(
        next["auditLog"]["edges"][0]["node"]["seq"].as_i64(),
        Some(last_seq + 1)
    );

    // Bad paging input is the caller's error, with the field named.
    let (_, refused) = app
        .graphql_as(&token, "{ risks(first: 0) { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&refused), "VALIDATION", "{refused}");
    let (_, forged) = app
        .graphql_as(
            &token,
            r#"{ policies(after: "not-a-cursor") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&forged), "VALIDATION", "{forged}");
    app.stop().await;
}
