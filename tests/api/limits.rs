//! GraphQL and HTTP limits: depth, complexity, field and alias floods, batches, body size,
//! rate limits, CSRF-safe transport, security headers and CORS.

use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    query_shape_limits_are_enforced,
    standard_introspection_passes_at_default_limits,
    record_lists_weigh_as_many_rows,
    batches_are_off_by_default_and_capped_when_on,
    oversized_bodies_get_413,
    rate_limit_is_exceeded_then_recovers,
    responses_carry_security_headers_and_cors_allow_list,
);

async fn query_shape_limits_are_enforced(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut deep = String::from("parent { refId }");
    for _ in 0..20 {
        deep = format!("parent {{ {deep} }}");
    }
    let bomb =
        format!(r#"{{ requirement(urn: "urn:accord:nist-csf:2.0:GV.OC-01") {{ {deep} }} }}"#);
    assert_eq!(
        error_code(&app.graphql(&bomb, json!({})).await),
        "QUERY_TOO_DEEP"
    );

    let aliases: String = (0..1000).map(|i| format!("a{i}: __typename ")).collect();
    let flood = app.graphql(&format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(error_code(&flood), "QUERY_TOO_LARGE");

    let expensive = r#"{ requirements(first: 500) { edges { node { children { children { refId title text } } } } } }"#;
    assert_eq!(
        error_code(&app.graphql(expensive, json!({})).await),
        "QUERY_TOO_COMPLEX"
    );
    app.stop().await;
}

/// List fields of records count as 20 rows (risks, AI systems...) so a wide selection of a list
/// costs what it may return, not one row.
async fn record_lists_weigh_as_many_rows(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.graphql.max_complexity = 150).await;
    let token = app.admin("acme").await;
    app.ok(
        &token,
        "{ aiSystems { nodes { id name } } risks { nodes { id title } } }",
        json!({}),
    )
    .await;
    for wide in [
        "{ aiSystems { nodes { id name purpose owner businessUnit lifecycleStage riskTier inScope } } }",
        "{ risks { nodes { id title category treatment owner status reviewDue reviewOverdue } } }",
        "{ policies { nodes { id title kind version status reviewDue quorum content } } }",
    ] {
        let (_, body) = app.graphql_as(&token, wide, json!({})).await;
        assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{wide}: {body}");
    }
    app.stop().await;
}

async fn post_json(app: &TestApp, body: String) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn batches_are_off_by_default_and_capped_when_on(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let batch = |n: usize| {
        json!(vec![
            json!({ "query": "{ frameworks { nodes { slug } } }" });
            n
        ])
        .to_string()
    };
    let (status, body) = post_json(&app, batch(50)).await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "BATCH_NOT_ALLOWED");
    app.stop().await;

    let app = TestApp::spawn_with(backend, |config| config.graphql.max_batch = 3).await;
    let (status, body) = post_json(&app, batch(4)).await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "BATCH_TOO_LARGE");
    let (status, body) = post_json(&app, batch(3)).await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().expect("batch response").len(), 3);
    app.stop().await;
}

async fn oversized_bodies_get_413(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let padding = " ".repeat(app.config.graphql.max_body_bytes + 1);
    let (status, body) = post_json(
        &app,
        format!(r#"{{"query":"{{ frameworks {{ nodes {{ slug }} }} }}"{padding}}}"#),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(error_code(&body), "PAYLOAD_TOO_LARGE");
    // The same request under the limit still works.
    let (status, _) = post_json(
        &app,
        r#"{"query":"{ frameworks { nodes { slug } } }"}"#.into(),
    )
    .await;
    assert_eq!(status, 200);
    app.stop().await;
}

async fn rate_limit_is_exceeded_then_recovers(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.rate_limit.burst = 3;
        config.rate_limit.per_minute = 600; // one request back every 100 ms
    })
    .await;
    app.create_org("acme").await;
    let token = app.token("alice", "acme", &["admin"]);
    for _ in 0..3 {
        let (status, _) = app
            .graphql_as(&token, "{ me { subject } }", json!({}))
            .await;
        assert_eq!(status, 200);
    }
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ me { subject } }" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), "RATE_LIMITED");

    // Another subject is not affected.
    let other = app.token("bob", "acme", &["editor"]);
    let (status, _) = app
        .graphql_as(&other, "{ me { subject } }", json!({}))
        .await;
    assert_eq!(status, 200);

    tokio::time::sleep(std::time::Duration::from_millis(350)).await;
    let (status, _) = app
        .graphql_as(&token, "{ me { subject } }", json!({}))
        .await;
    assert_eq!(status, 200, "the bucket refilled");
    app.stop().await;
}

async fn responses_carry_security_headers_and_cors_allow_list(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.cors_allowed_origins = vec!["https://dashboard.example.com".into()];
    })
    .await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("sent");
    for header in [
        "x-content-type-options",
        "x-frame-options",
        "content-security-policy",
        "referrer-policy",
    ] {
        assert!(response.headers().contains_key(header), "{header} is set");
    }
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
    };
    let allowed = preflight("https://dashboard.example.com")
        .await
        .expect("sent");
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://dashboard.example.com")
    );
    let refused = preflight("https://evil.example.com").await.expect("sent");
    assert!(
        !refused
            .headers()
            .contains_key("access-control-allow-origin")
    );
    app.stop().await;
}

/// Introspection can be turned off by configuration.
#[tokio::test]
async fn introspection_can_be_disabled() {
    let on = TestApp::spawn(Backend::Sqlite).await;
    let body = on
        .graphql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "QueryRoot");
    on.stop().await;
    let off = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.graphql.introspection = false
    })
    .await;
    let body = off
        .graphql(
            r#"{ __schema { queryType { name } } __type(name: "Control") { name } }"#,
            json!({}),
        )
        .await;
    assert!(
        body["data"]["__schema"].is_null(),
        "no schema is revealed: {body}"
    );
    assert!(
        body["data"]["__type"].is_null(),
        "no type is revealed: {body}"
    );
    off.stop().await;
}

/// graphql-js's `getIntrospectionQuery()` nests `ofType` nine deep; it must pass at the default
/// `max_depth`, while introspection that nests list fields inside each other is still refused.
async fn standard_introspection_passes_at_default_limits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(
        app.config.graphql.max_depth, 12,
        "this test is about the defaults"
    );
    let query = include_str!("../fixtures/graphql-js-introspection-query.graphql");
    let body = app.graphql(query, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    let types = body["data"]["__schema"]["types"].as_array().expect("types");
    assert!(
        types.iter().any(|t| t["name"] == "Requirement"),
        "the schema's own types are listed"
    );
    let bomb = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    assert_eq!(
        error_code(&app.graphql(bomb, json!({})).await),
        "QUERY_TOO_DEEP"
    );
    let fan_out: String = (0..30)
        .map(|i| format!(" fragment F{i} on Query {{ ...F{n} ...F{n} }}", n = i + 1))
        .collect();
    let fan_out = format!("{{ ...F0 }}{fan_out} fragment F30 on Query {{ __typename }}");
    assert_eq!(
        error_code(&app.graphql(&fan_out, json!({})).await),
        "QUERY_TOO_LARGE"
    );
    // A fragment that spreads itself twice would double at every level of async-graphql's own
    // recursion check; it is refused before that runs.
    let cycle = "{ ...A } fragment A on Query { ...A ...A __typename }";
    assert_eq!(
        error_code(&app.graphql(cycle, json!({})).await),
        "GRAPHQL_VALIDATION_FAILED"
    );
    app.stop().await;
}
