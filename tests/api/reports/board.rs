//! The governance-board report over HTTP, GraphQL and the CLI: figures that follow the records,
//! the heatmap, pending approvals and overdue reviews, and the signed audit checkpoint it carries,
//! which `accord audit verify --checkpoint` uses to catch a truncated log after the checkpoint
//! files are gone.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::fixtures::{board, create_risk, create_system, risk_input, system_input};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    board_report_follows_the_records,
    board_report_renders_html_and_text_with_the_checkpoint,
    board_report_refuses_bad_requests_and_other_roles,
    a_kept_report_checkpoint_catches_a_truncated_log,
);

/// Records the report should summarize; returns the admin token.
async fn governed_org(app: &TestApp) -> String {
    let token = app.admin("acme").await;
    let scorer = create_system(app, &token, "Credit scorer", "operate", "high").await;
    create_system(app, &token, "Chat assistant", "develop", "limited").await;
    let mut excluded = system_input("Sandbox", "design", "minimal");
    excluded["inScope"] = json!(false);
    excluded["exclusionJustification"] = json!("Research sandbox without production data");
    app.ok(
        &token,
        "mutation($i: AiSystemInput!) { createAiSystem(input: $i) { id } }",
        json!({ "i": excluded }),
    )
    .await;
    let mut critical = risk_input("Scores drift after rate changes", 5, 4);
    critical["aiSystemId"] = json!(scorer);
    critical["threat"] = json!("model_drift");
    critical["reviewDue"] = json!("2020-03-01");
    create_risk(app, &token, critical).await;
    create_risk(app, &token, risk_input("Chat gives wrong advice", 2, 3)).await;
    let mut closed = risk_input("Old issue", 5, 5);
    closed["status"] = json!("closed");
    create_risk(app, &token, closed).await;
    let body = board(app, &token, &["ceo", "cro"]).await;
    let policy = app
        .ok(
            &token,
            r#"mutation($b: ID!) { createPolicy(input: { kind: "ai_risk_management", title: "AI Risk Policy", content: "How we manage AI risk.", bodyId: $b, quorum: 2, reviewDue: "2027-06-30" }) { id } }"#,
            json!({ "b": body }),
        )
        .await;
    app.ok(
        &token,
        "mutation($p: ID!) { submitPolicy(id: $p) { id } }",
        json!({ "p": policy["createPolicy"]["id"] }),
    )
    .await;
    token
}

async fn report_json(app: &TestApp, token: &str) -> Value {
    let (status, body) = app
        .get_as(token, "/reports/governance-board?format=json")
        .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("JSON report")
}

async fn latest_seq(app: &TestApp, token: &str) -> i64 {
    let log = app
        .ok(token, "{ auditLog { nodes { seq } } }", json!({}))
        .await;
    log["auditLog"]["nodes"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .max()
        .expect("an entry")
}

async fn board_report_follows_the_records(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = governed_org(&app).await;
    let report = report_json(&app, &token).await;
    assert_eq!(report["organization_slug"], "acme");
    assert_eq!(report["posture"]["systems"], 3);
    assert_eq!(report["posture"]["in_scope"], 2);
    assert_eq!(report["posture"]["excluded"], 1);
    let tier = |name: &str| {
        report["posture"]["by_tier"]
            .as_array()
            .expect("tiers")
            .iter()
            .find(|c| c["value"] == name)
            .map(|c| c["count"].clone())
    };
    assert_eq!(tier("high"), Some(json!(1)));
    assert_eq!(
        tier("minimal"),
        Some(json!(0)),
        "excluded systems are not counted, bands stay"
    );

    let risks = &report["risks"];
    assert_eq!(risks["open"], 2, "closed risks are not open");
    assert_eq!(risks["overdue_reviews"], 1);
    assert_eq!(risks["top"][0]["title"], "Scores drift after rate changes");
    assert_eq!(risks["top"][0]["ai_system"], "Credit scorer");
    assert_eq!(risks["top"][0]["score"], 20);
    assert_eq!(risks["top"][0]["level"], "critical");
    assert!(
        risks["top"][0]["controls_linked"].as_i64().expect("linked") >= 2,
        "drift controls linked"
    );
    let heat_total: i64 = risks["heatmap"]
        .as_array()
        .expect("rows")
        .iter()
        .flat_map(|row| row["cells"].as_array().expect("cells").clone())
        .map(|c| c["count"].as_i64().expect("count"))
        .sum();
    assert_eq!(heat_total, 2);
    assert_eq!(risks["heatmap"][0]["likelihood"], 5);
    assert_eq!(risks["heatmap"][0]["cells"][3]["count"], 1, "L5 x I4");

    let coverage = report["coverage"].as_array().expect("frameworks");
    assert_eq!(coverage.len(), 3, "every framework: {coverage:?}");
    assert!(
        coverage
            .iter()
            .all(|f| f["not_covered"].as_i64().expect("n") > 0)
    );
    let gaps = report["evidence_gaps"].as_array().expect("gaps");
    assert!(
        gaps.iter().any(|c| c["code"] == "RSK-02"),
        "no control has evidence yet: {gaps:?}"
    );
    let pending = report["pending_approvals"].as_array().expect("pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["quorum"], 2);
    assert_eq!(pending[0]["approvals"], 0);

    let audit = &report["audit"];
    assert_eq!(audit["verified"], true, "{audit}");
    assert_eq!(
        audit["checkpoint"]["seq"],
        latest_seq(&app, &token).await,
        "the report anchors the newest entry"
    );
    let kept: Value =
        serde_json::from_str(audit["checkpoint_json"].as_str().expect("json")).expect("checkpoint");
    assert_eq!(kept, audit["checkpoint"]);

    // The same data over GraphQL, and it follows a change live.
    create_risk(&app, &token, risk_input("A new one", 1, 1)).await;
    let data = app.ok(&token, "{ governanceBoardReport }", json!({})).await;
    assert_eq!(data["governanceBoardReport"]["risks"]["open"], 3);
    assert!(
        data["governanceBoardReport"]["audit"]["checkpoint"]["seq"].as_i64()
            > audit["checkpoint"]["seq"].as_i64()
    );
    app.stop().await;
}

async fn board_report_renders_html_and_text_with_the_checkpoint(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = governed_org(&app).await;
    // A title with markup must come out escaped in HTML.
    create_risk(
        &app,
        &token,
        risk_input("<script>alert(1)</script> in prompts", 1, 1),
    )
    .await;
    let report = report_json(&app, &token).await;
    let hash = report["audit"]["checkpoint"]["hash"]
        .as_str()
        .expect("hash")
        .to_string();
    let mac = report["audit"]["checkpoint"]["mac"]
        .as_str()
        .expect("mac")
        .to_string();

    let response = reqwest::Client::new()
        .get(app.url("/reports/governance-board?format=html"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    let csp = headers["content-security-policy"].to_str().expect("csp");
    assert!(
        csp.contains("style-src 'unsafe-inline'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("cd")
            .contains("governance-board-acme-")
    );
    let html = response.text().await.expect("body");
    assert!(html.contains("AI governance board report"));
    assert!(
        html.contains(r#"data-likelihood="5" data-impact="4" style="#),
        "heatmap cells"
    );
    assert!(html.contains("<strong>1</strong>"), "a counted cell");
    assert!(html.contains("Scores drift after rate changes"));
    assert!(html.contains("AI Risk Policy") || html.contains("Awaiting decision"));
    assert!(
        html.contains(&hash) && html.contains(&mac),
        "the signed checkpoint is in the report"
    );
    assert!(html.contains("verifies against its signed checkpoint"));
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "values are escaped"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)"),
        "escaped, not dropped"
    );

    let (status, text) = app
        .get_as(&token, "/reports/governance-board?format=text")
        .await;
    assert_eq!(status, 200);
    assert!(
        text.starts_with("AI GOVERNANCE BOARD REPORT: acme Inc."),
        "{text}"
    );
    assert!(
        text.contains("[20 critical] Scores drift after rate changes (Credit scorer)"),
        "{text}"
    );
    assert!(text.contains(&hash), "{text}");
    app.stop().await;
}

async fn board_report_refuses_bad_requests_and_other_roles(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let (status, body) = app
        .get_as(&token, "/reports/governance-board?format=docx")
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("VALIDATION") && body.contains("html, text, json, pdf, xlsx, csv"),
        "{body}"
    );
    let (status, body) = app.get_as(&token, "/reports/horoscope").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("governance-board"), "{body}");
    let (status, _) = app.get_as("not-a-token", "/reports/governance-board").await;
    assert_eq!(status, 401);
    let integrator = app.token("ivan", "acme", &["integrator"]);
    let (status, _) = app.get_as(&integrator, "/reports/governance-board").await;
    assert_eq!(status, 403);
    let (_, body) = app
        .graphql_as(&integrator, "{ governanceBoardReport }", json!({}))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    // An executive reads it; an empty organization still gets every section.
    let executive = app.token("erin", "acme", &["executive"]);
    let report = report_json(&app, &executive).await;
    assert_eq!(report["risks"]["open"], 0);
    assert_eq!(report["risks"]["heatmap"].as_array().map(Vec::len), Some(5));
    assert_eq!(report["audit"]["verified"], true);
    assert_eq!(
        report["audit"]["checkpoint"]["seq"],
        latest_seq(&app, &token).await,
        "seeding the organization's controls is already anchored"
    );
    app.stop().await;
}

async fn a_kept_report_checkpoint_catches_a_truncated_log(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    governed_org(&app).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("board.json");
    let out_text = out.to_str().expect("path");
    let (code, text) = app.cli(&[
        "report", "build", "--org", "acme", "--format", "json", "--out", out_text,
    ]);
    assert_eq!(code, 0, "{text}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("JSON");
    let kept = dir.path().join("checkpoint.json");
    std::fs::write(
        &kept,
        report["audit"]["checkpoint_json"]
            .as_str()
            .expect("checkpoint"),
    )
    .expect("kept");
    let kept_text = kept.to_str().expect("path");
    let verify_kept = || {
        app.cli(&[
            "audit",
            "verify",
            "--org",
            "acme",
            "--checkpoint",
            kept_text,
        ])
    };
    let (code, text) = verify_kept();
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("given checkpoint"), "{text}");

    // An intruder deletes the newest entries and the checkpoint files beside the database.
    let seq = report["audit"]["checkpoint"]["seq"].as_i64().expect("seq");
    let db = &app.services().db;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!("DELETE FROM audit_log WHERE seq > {}", seq - 3),
    ))
    .await
    .expect("truncate");
    std::fs::remove_dir_all(app.config.data_dir.join("audit-checkpoints"))
        .expect("checkpoints removed");
    let (code, text) = app.cli(&["audit", "verify", "--org", "acme"]);
    assert_eq!(
        code, 0,
        "without any checkpoint the shortened chain still links: {text}"
    );
    let (code, text) = verify_kept();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("newest entries were deleted"), "{text}");

    // A forged checkpoint is refused, and so is garbage.
    let mut forged: Value =
        serde_json::from_str(report["audit"]["checkpoint_json"].as_str().expect("json"))
            .expect("checkpoint");
    forged["seq"] = json!(seq - 3);
    std::fs::write(&kept, forged.to_string()).expect("forged");
    let (code, text) = verify_kept();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("signature is invalid"), "{text}");
    std::fs::write(&kept, "not json").expect("garbage");
    let (code, text) = verify_kept();
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("is not a checkpoint"), "{text}");
    app.stop().await;
}
