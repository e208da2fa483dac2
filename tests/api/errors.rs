//! Bad requests get a clear error with a stable code, never a panic or internals.

use reqwest::header::CONTENT_TYPE;
use serde_json::json;

use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    graphql_errors_carry_stable_codes,
    http_level_refusals_carry_codes,
);

async fn graphql_errors_carry_stable_codes(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let malformed = app.graphql("{ frameworks { nodes { slug ", json!({})).await;
    assert_eq!(error_code(&malformed), "GRAPHQL_PARSE_FAILED");

    let unknown_field = app.graphql("{ frameworks { nope } }", json!({})).await;
    assert_eq!(error_code(&unknown_field), "GRAPHQL_VALIDATION_FAILED");
    assert!(unknown_field["data"].is_null());

    let unknown_slug = app
        .graphql(r#"{ framework(slug: "nist-nope") { name } }"#, json!({}))
        .await;
    assert_eq!(error_code(&unknown_slug), "NOT_FOUND");
    assert!(
        unknown_slug["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("nist-nope"))
    );

    let unknown_urn = app
        .graphql(
            r#"{ requirement(urn: "urn:accord:x:1:y") { refId } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&unknown_urn), "NOT_FOUND");

    let both_keys = app
        .graphql(
            r#"{ requirement(id: "1", urn: "urn:x") { refId } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&both_keys), "VALIDATION");

    let bad_id = app
        .graphql(r#"{ requirement(id: "abc") { refId } }"#, json!({}))
        .await;
    assert_eq!(error_code(&bad_id), "VALIDATION");
    app.stop().await;
}

async fn http_level_refusals_carry_codes(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let not_json = app
        .client
        .post(app.url("/graphql"))
        .header(CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(not_json.status(), 400);
    let body: serde_json::Value = not_json.json().await.expect("json");
    assert_eq!(error_code(&body), "BAD_REQUEST");

    let plain = app
        .client
        .post(app.url("/graphql"))
        .header(CONTENT_TYPE, "text/plain")
        .body(r#"{"query":"{ frameworks { nodes { slug } } }"}"#)
        .send()
        .await
        .expect("sent");
    assert_eq!(plain.status(), 415);

    let get_mutation = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { anything }")])
        .send()
        .await
        .expect("sent");
    assert_eq!(get_mutation.status(), 405);

    let get_query = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ frameworks { nodes { slug } } }")])
        .send()
        .await
        .expect("sent");
    assert_eq!(get_query.status(), 200);
    let body: serde_json::Value = get_query.json().await.expect("json");
    assert_eq!(
        body["data"]["frameworks"]["nodes"]
            .as_array()
            .expect("list")
            .len(),
        3
    );
    app.stop().await;
}
