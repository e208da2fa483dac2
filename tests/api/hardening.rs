//! Hostile and careless input over HTTP: nesting bombs that once aborted the process, values out of
//! range that once answered INTERNAL, methods and paths Accord does not serve, control characters in
//! names, and the role matrix README publishes, checked operation by operation as every role.
//!
//! The transport-level cases do not touch the database, so they run on SQLite only.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    out_of_range_and_unparsable_values_are_validation_errors,
    control_characters_are_refused_in_single_line_fields,
    every_role_gets_exactly_what_the_readme_matrix_grants,
);

/// The server still answers after whatever came before.
async fn assert_alive(app: &TestApp) {
    let response = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("the server still accepts connections");
    assert_eq!(response.status(), StatusCode::OK);
}

async fn post_query(app: &TestApp, body: &Value) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(body)
        .send()
        .await
        .expect("answered, not dropped");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nesting_bombs_are_refused_and_the_server_keeps_answering() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let limit = app.config.graphql.max_body_bytes;
    // The largest list literal that still fits the body limit, with the JSON envelope around it.
    let fill = (limit - 200) / 2;
    for depth in [2_000, 10_000, fill] {
        let lists = format!(
            "{{ requirements(search: {}\"x\"{}) {{ totalCount }} }}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let objects = format!(
            "{{ requirements(search: {}1{}) {{ totalCount }} }}",
            "{a:".repeat(depth / 3),
            "}".repeat(depth / 3)
        );
        let selections = format!(
            "{{ {}__typename{} }}",
            "a {".repeat(depth / 3),
            "}".repeat(depth / 3)
        );
        let directive = format!(
            "{{ __typename @include(if: {}true{}) }}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let variable_default = format!(
            "query($v: [String] = {}\"x\"{}) {{ __typename }}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        for document in [lists, objects, selections, directive, variable_default] {
            let (status, body) = post_query(&app, &json!({ "query": document })).await;
            assert_eq!(status, StatusCode::OK, "depth {depth}: {body}");
            assert_eq!(error_code(&body), "QUERY_TOO_DEEP", "depth {depth}");
        }
        assert_alive(&app).await;
    }

    // Over GET: the mutation sniffing parses too, so it must be guarded as well.
    let document = format!(
        "{{ requirements(search: {}\"x\"{}) {{ totalCount }} }}",
        "[".repeat(2_000),
        "]".repeat(2_000)
    );
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", document.as_str())])
        .send()
        .await
        .expect("answered");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(error_code(&body), "QUERY_TOO_DEEP");

    // JSON variables nested deep are refused by the JSON reader's own depth limit (400).
    let deep_json = format!("{}\"x\"{}", "[".repeat(10_000), "]".repeat(10_000));
    let raw = format!(
        r#"{{"query":"query($v: [String]) {{ __typename }}","variables":{{"v":{deep_json}}}}}"#
    );
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("Content-Type", "application/json")
        .body(raw)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(error_code(&body), "BAD_REQUEST");
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            ("query", "query($v: [String]) { __typename }"),
            ("variables", &format!("{{\"v\":{deep_json}}}")),
        ])
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // An OSCAL import nested deep: refused as bad input, nothing imported.
    let token = app.admin("acme").await;
    let oscal = format!("{{\"mapping-collection\":{deep_json}}}");
    let (status, _) = app
        .post_file(&token, "/imports/crosswalk", "application/json", oscal)
        .await;
    assert!((400..500).contains(&status), "status {status}");

    // Legitimate nesting just under the guard still reaches the parser and validation.
    let near = format!(
        "{{ requirements(search: {}\"x\"{}) {{ totalCount }} }}",
        "[".repeat(60),
        "]".repeat(60)
    );
    let (_, body) = post_query(&app, &json!({ "query": near })).await;
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED");
    assert_alive(&app).await;
    app.stop().await;
}

async fn out_of_range_and_unparsable_values_are_validation_errors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let body_id = app
        .ok(
            &token,
            r#"mutation { createGovernanceBody(name: "AI board", kind: "board") { id } }"#,
            json!({}),
        )
        .await["createGovernanceBody"]["id"]
        .clone();
    let system_id = app
        .ok(
            &token,
            r#"mutation { createAiSystem(input: {name: "Scorer", purpose: "Scores loan applications",
                owner: "dana", businessUnit: "Lending", lifecycleStage: "develop", riskTier: "high"}) { id } }"#,
            json!({}),
        )
        .await["createAiSystem"]["id"]
        .clone();
    let control_id = app
        .ok(
            &token,
            "{ controls(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await["controls"]["edges"][0]["node"]["id"]
        .clone();

    let logged_before = app
        .ok(&token, "{ auditLog { nodes { seq } } }", json!({}))
        .await["auditLog"]["nodes"]
        .as_array()
        .map(Vec::len);
    // (document, variables, expected field)
    let cases = [
        (
            format!(
                r#"mutation {{ requestApproval(subjectType: "deployment", subjectId: {system_id}, bodyId: {body_id}, quorum: 44250430041) {{ id }} }}"#
            ),
            json!({}),
            "quorum",
        ),
        (
            r#"mutation($q: Int!, $s: ID!, $b: ID!) { requestApproval(subjectType: "deployment", subjectId: $s, bodyId: $b, quorum: $q) { id } }"#.to_string(),
            json!({ "q": 44_250_430_041_i64, "s": system_id, "b": body_id }),
            "quorum",
        ),
        (
            r#"mutation { createRisk(input: {title: "t", description: "d", inherentLikelihood: 99999999999, inherentImpact: 3, treatment: "mitigate", owner: "o"}) { id } }"#.to_string(),
            json!({}),
            "input.inherentLikelihood",
        ),
        (
            r#"mutation { createControl(input: {code: "X-1", domain: "d", title: "t", reviewFrequencyDays: 99999999999}) { id } }"#.to_string(),
            json!({}),
            "input.reviewFrequencyDays",
        ),
        (
            format!(
                r#"mutation {{ addControlMapping(controlId: {control_id}, requirement: "GV.OC-01", input: {{relationship: INTERSECTS_WITH, strength: 99999999999, justification: "because"}}) {{ id }} }}"#
            ),
            json!({}),
            "input.strength",
        ),
        (
            r#"{ auditLog(since: "yesterday") { nodes { seq } } }"#.to_string(),
            json!({}),
            "since",
        ),
        (
            "{ auditLog(afterSeq: 2166281241684340) { nodes { seq } } }".to_string(),
            json!({}),
            "afterSeq",
        ),
    ];
    for (document, variables, field) in cases {
        let (status, body) = app.graphql_as(&token, &document, variables).await;
        assert_eq!(status, 200, "{document}: {body}");
        let error = &body["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "VALIDATION",
            "{document}: {body}"
        );
        assert_eq!(error["extensions"]["field"], field, "{document}: {body}");
        assert_eq!(error["extensions"]["rule"], "invalid_value", "{body}");
    }
    // Nothing was written by the refused calls.
    let log = app
        .ok(&token, "{ auditLog { nodes { seq } } }", json!({}))
        .await;
    assert_eq!(
        log["auditLog"]["nodes"].as_array().map(Vec::len),
        logged_before,
        "{log}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unserved_methods_and_paths_answer_in_the_json_error_shape() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.cors_allowed_origins = vec!["https://dash.example".into()];
    })
    .await;
    for method in ["PUT", "DELETE", "PATCH"] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let response = app
            .client
            .request(method.clone(), app.url("/graphql"))
            .send()
            .await
            .expect("answered");
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
        assert_eq!(
            response.headers()["allow"].to_str().ok(),
            Some("GET, POST, OPTIONS")
        );
        let body: Value = response.json().await.expect("JSON body");
        assert_eq!(error_code(&body), "METHOD_NOT_ALLOWED");
    }
    // A plain OPTIONS describes the path; a CORS preflight from an allowed origin is answered as one.
    let response = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        response.headers()["allow"].to_str().ok(),
        Some("GET, POST, OPTIONS")
    );
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("Origin", "https://dash.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .expect("answered");
    assert_eq!(preflight.status(), StatusCode::OK);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"]
            .to_str()
            .ok(),
        Some("https://dash.example")
    );
    // Other paths: a GET-only path refuses POST; an unknown path is a JSON 404.
    let response = app
        .client
        .post(app.url("/healthz"))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let response = app
        .client
        .get(app.url("/no/such/path"))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.expect("JSON body");
    assert_eq!(error_code(&body), "NOT_FOUND");
    app.stop().await;
}

async fn control_characters_are_refused_in_single_line_fields(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let create =
        r#"mutation($input: AiSystemInput!) { createAiSystem(input: $input) { id name purpose } }"#;
    let input = |name: &str, purpose: &str| {
        json!({ "input": { "name": name, "purpose": purpose, "owner": "dana", "businessUnit": "Risk",
                           "lifecycleStage": "design", "riskTier": "limited" } })
    };
    for bad in [
        "Scorer\u{0}",
        "Score\nr",
        "Sc\u{1b}[31morer",
        "Scorer\u{7f}",
    ] {
        let (_, body) = app.graphql_as(&token, create, input(bad, "ok")).await;
        assert_eq!(error_code(&body), "VALIDATION", "{bad:?}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "name");
        assert_eq!(body["errors"][0]["extensions"]["rule"], "control_character");
    }
    // Multi-line fields keep their line breaks and tabs but refuse NUL.
    let (_, body) = app
        .graphql_as(&token, create, input("Scorer", "Scores\u{0} loans"))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "purpose",
        "{body}"
    );
    let created = app
        .ok(
            &token,
            create,
            input("Scorer", "Scores loans.\n\tSecond line."),
        )
        .await;
    assert_eq!(
        created["createAiSystem"]["purpose"],
        "Scores loans.\n\tSecond line."
    );
    let systems = app
        .ok(&token, "{ aiSystems { nodes { name } } }", json!({}))
        .await;
    assert_eq!(
        systems["aiSystems"]["nodes"].as_array().map(Vec::len),
        Some(1)
    );
    app.stop().await;
}

/// README's matrix, parsed: permission -> roles granted.
fn readme_matrix() -> BTreeMap<String, Vec<String>> {
    let readme = include_str!("../../README.md");
    let table = readme
        .split("<!-- role-matrix:start -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- role-matrix:end -->").next())
        .expect("README has the role matrix");
    let mut rows = table.lines().filter(|l| l.starts_with('|'));
    let header: Vec<String> = rows
        .next()
        .expect("header")
        .split('|')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let roles = &header[2..];
    rows.skip(1)
        .map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let permission = cells[1].trim_matches('`').to_string();
            let granted = roles
                .iter()
                .zip(&cells[3..])
                .filter(|(_, mark)| **mark == "yes")
                .map(|(role, _)| role.clone())
                .collect();
            (permission, granted)
        })
        .collect()
}

/// One call per permission as `token`; true when it was not refused for the role.
async fn allowed(app: &TestApp, token: &str, permission: &str, seq: usize) -> bool {
    let graphql = |query: String| async move {
        let (_, body) = app.graphql_as(token, &query, json!({})).await;
        let code = body["errors"][0]["extensions"]["code"]
            .as_str()
            .map(str::to_string);
        assert_ne!(code.as_deref(), Some("INTERNAL"), "{permission}: {body}");
        code.as_deref() != Some("FORBIDDEN")
    };
    match permission {
        "read_crosswalk" => graphql("{ controls(first: 1) { totalCount } }".into()).await,
        "read_records" => graphql("{ aiSystems { nodes { id } } }".into()).await,
        "read_audit_log" => graphql("{ auditLog(first: 1) { nodes { seq } } }".into()).await,
        "write_controls" => {
            graphql(format!(
                r#"mutation {{ createControl(input: {{code: "T-{seq}", domain: "test", title: "Probe {seq}"}}) {{ id }} }}"#
            ))
            .await
        }
        "import_crosswalk" => {
            let csv = "source_id,source_framework,target_id,target_framework,relationship,rationale,strength,justification\nGOVERN 1.1,nist-ai-rmf,A.2.2,iso-iec-42001,intersects_with,semantic,6,both concern AI policy\n";
            let (status, _) = app
                .post_file(token, "/imports/crosswalk", "text/csv", csv.into())
                .await;
            assert_ne!(status, 500);
            status != 403
        }
        "ingest_metrics" => {
            // An empty file: refused with 403 without the permission, a validation error with it.
            let (status, _) = app
                .post_file(token, "/ingest/metrics", "text/csv", "metric,ai_system,time,value\n".into())
                .await;
            assert_ne!(status, 500);
            status != 403
        }
        "write_records" => {
            graphql(format!(
                r#"mutation {{ createAiSystem(input: {{name: "Probe {seq}", purpose: "p", owner: "o", businessUnit: "b", lifecycleStage: "design", riskTier: "minimal"}}) {{ id }} }}"#
            ))
            .await
        }
        "decide_approval" => {
            graphql(r#"mutation { decideApproval(requestId: 999999, decision: "approve") { id } }"#.into()).await
        }
        "write_audits" => {
            graphql(format!(
                r#"mutation {{ createAuditProgramme(title: "Programme {seq}", periodStart: "2026-01-01", periodEnd: "2026-12-31") {{ id }} }}"#
            ))
            .await
        }
        "manage_governance" => {
            graphql(format!(
                r#"mutation {{ createGovernanceBody(name: "Body {seq}", kind: working_group) {{ id }} }}"#
            ))
            .await
        }
        "manage_access" => graphql("{ apiKeys { nodes { id } } }".into()).await,
        "verify_audit" => graphql("{ auditVerification { ok } }".into()).await,
        other => panic!("README names a permission this test does not exercise: {other}"),
    }
}

async fn every_role_gets_exactly_what_the_readme_matrix_grants(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_org("acme").await;
    let matrix = readme_matrix();
    assert_eq!(matrix.len(), 12, "{matrix:?}");
    let mut seq = 0;
    for role in ["admin", "editor", "auditor", "executive", "integrator"] {
        let token = app.token(&format!("{role}-user"), "acme", &[role]);
        for (permission, granted) in &matrix {
            seq += 1;
            let expected = granted.iter().any(|g| g == role);
            assert_eq!(
                allowed(&app, &token, permission, seq).await,
                expected,
                "{role} on {permission}"
            );
        }
    }
    app.stop().await;
}
