//! The tamper-evident change log: entries for every mutation, nothing for failed ones, and
//! `accord audit verify` catching an edited row, a deleted row and a deleted tail.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    mutations_are_logged_with_before_and_after,
    failed_mutations_leave_no_rows_and_no_entries,
    verify_detects_an_edited_entry,
    verify_detects_a_deleted_entry,
    verify_detects_a_deleted_tail,
);

async fn exec(app: &TestApp, sql: &str) {
    let db = &app.services().db;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_string(),
    ))
    .await
    .expect("tampering statement");
}

/// Runs `accord audit verify` against the app's database and data directory.
fn verify_cli(app: &TestApp) -> (i32, String) {
    app.cli(&["audit", "verify"])
}

/// An organization with a few audited changes; returns the admin token.
async fn with_history(app: &TestApp) -> String {
    let token = app.admin("acme").await;
    for code in ["AUD-T1", "AUD-T2", "AUD-T3"] {
        app.ok(
            &token,
            r#"mutation($c: String!) { createControl(input: { code: $c, domain: "test", title: "Logged" }) { id } }"#,
            json!({ "c": code }),
        )
        .await;
    }
    let (code, text) = verify_cli(app);
    assert_eq!(code, 0, "an untouched chain verifies: {text}");
    token
}

async fn mutations_are_logged_with_before_and_after(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let created = app
        .ok(&token, r#"mutation { createControl(input: { code: "LOG-01", domain: "test", title: "Before" }) { id } }"#, json!({}))
        .await;
    let id = created["createControl"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    app.ok(
        &token,
        r#"mutation($id: ID!) { updateControl(id: $id, input: { title: "After" }) { title } }"#,
        json!({ "id": id }),
    )
    .await;
    let log = app
        .ok(&token, r#"query($id: String) { auditLog(entity: "control", entityId: $id) { nodes { seq actor action before after prevHash hash } } }"#, json!({ "id": id }))
        .await;
    let entries = log["auditLog"]["nodes"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["action"], "create");
    assert_eq!(entries[0]["before"], serde_json::Value::Null);
    assert_eq!(entries[1]["action"], "update");
    assert_eq!(entries[1]["before"]["title"], "Before");
    assert_eq!(entries[1]["after"]["title"], "After");
    assert_eq!(entries[1]["actor"], "alice@acme");
    let all = app
        .ok(
            &token,
            "{ auditLog(first: 1000) { nodes { seq action entity prevHash hash } } }",
            json!({}),
        )
        .await;
    let all = all["auditLog"]["nodes"].as_array().expect("all");
    assert_eq!(all[0]["entity"], "organization");
    assert_eq!(all[0]["seq"], 1);
    for pair in all.windows(2) {
        assert_eq!(
            pair[1]["prevHash"], pair[0]["hash"],
            "each entry links to the one before"
        );
    }
    let verification = app
        .ok(
            &token,
            "{ auditVerification { ok entries checkpointSeq } }",
            json!({}),
        )
        .await;
    assert_eq!(verification["auditVerification"]["ok"], true);
    assert_eq!(
        verification["auditVerification"]["checkpointSeq"].as_u64(),
        Some(all.len() as u64)
    );
    // Executives may not read the log.
    let executive = app.token("erin", "acme", &["executive"]);
    assert_eq!(
        error_code(
            &app.graphql_as(&executive, "{ auditLog { nodes { seq } } }", json!({}))
                .await
                .1
        ),
        "FORBIDDEN"
    );
    app.stop().await;
}

async fn failed_mutations_leave_no_rows_and_no_entries(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    app.ok(&token, r#"mutation { createControl(input: { code: "DUP-01", domain: "test", title: "One" }) { id } }"#, json!({}))
        .await;
    let (entries, controls) = (
        app.count_rows("audit_log").await,
        app.count_rows("control").await,
    );
    let duplicate = app
        .graphql_as(&token, r#"mutation { createControl(input: { code: "DUP-01", domain: "test", title: "Two" }) { id } }"#, json!({}))
        .await
        .1;
    assert_eq!(error_code(&duplicate), "CONFLICT");
    let bad_exclusion = app
        .graphql_as(&token, r#"mutation { setRequirementApplicability(requirement: "urn:accord:nist-csf:2.0:GV.PO-01", applicable: false, justification: "short") }"#, json!({}))
        .await
        .1;
    assert_eq!(error_code(&bad_exclusion), "VALIDATION");
    assert_eq!(
        app.count_rows("audit_log").await,
        entries,
        "no audit entry for failed mutations"
    );
    assert_eq!(app.count_rows("control").await, controls, "no partial rows");
    assert_eq!(app.count_rows("requirement_applicability").await, 0);
    app.stop().await;
}

async fn verify_detects_an_edited_entry(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = with_history(&app).await;
    exec(
        &app,
        "UPDATE audit_log SET actor = 'mallory@acme' WHERE seq = 3",
    )
    .await;
    let (code, text) = verify_cli(&app);
    assert_ne!(code, 0, "{text}");
    assert!(
        text.contains("entry 3") && text.contains("altered"),
        "{text}"
    );
    let verification = app
        .ok(
            &token,
            "{ auditVerification { ok brokenAtSeq problem } }",
            json!({}),
        )
        .await;
    assert_eq!(verification["auditVerification"]["ok"], false);
    assert_eq!(verification["auditVerification"]["brokenAtSeq"], 3);
    app.stop().await;
}

async fn verify_detects_a_deleted_entry(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_history(&app).await;
    exec(&app, "DELETE FROM audit_log WHERE seq = 2").await;
    let (code, text) = verify_cli(&app);
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("entry 2 is missing"), "{text}");
    app.stop().await;
}

async fn verify_detects_a_deleted_tail(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_history(&app).await;
    let entries = app.count_rows("audit_log").await;
    // Delete the two newest entries and make the head agree, as a careful attacker would:
    // the chain itself is then consistent, only the checkpoint outside the database disagrees.
    exec(
        &app,
        &format!("DELETE FROM audit_log WHERE seq > {}", entries - 2),
    )
    .await;
    exec(
        &app,
        &format!(
            "UPDATE audit_head SET seq = {0}, hash = (SELECT hash FROM audit_log WHERE seq = {0})",
            entries - 2
        ),
    )
    .await;
    let (code, text) = verify_cli(&app);
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("newest entries were deleted"), "{text}");
    app.stop().await;
}
