//! Internal audits (ISO/IEC 42001 9.2, 10.2) over HTTP: impartiality refuses an auditor who owns
//! or answers for a control in scope; a started audit's checklist comes from its scope with an
//! evidence snapshot; findings stay within scope; a nonconformity closes only after its
//! corrective actions were verified by someone other than their owner; overdue actions follow
//! the clock; roles and organizations are kept apart.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::fixtures::{create_control, map_control};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    an_auditor_cannot_audit_their_own_controls_and_the_checklist_follows_the_scope,
    a_nonconformity_closes_only_after_verification_by_another_person,
);

const CREATE: &str = "mutation($i: AuditInput!) { createInternalAudit(input: $i) { id status leadAuditor team scope { controlIds frameworks } } }";
const RAISE: &str = "mutation($a: ID!, $k: FindingKind!, $c: ID, $r: String) { raiseAuditFinding(auditId: $a, kind: $k, controlId: $c, requirement: $r, title: \"Evidence gaps\", description: \"Two of five samples lacked evidence\") { id kind status } }";

fn rule(body: &Value) -> (&str, &str) {
    let ext = &body["errors"][0]["extensions"];
    (
        ext["rule"].as_str().unwrap_or_default(),
        ext["field"].as_str().unwrap_or_default(),
    )
}

fn audit(lead: &str, team: &[&str], controls: &[&str], requirements: &[&str]) -> Value {
    json!({ "i": {
        "title": "Q4 AI controls audit", "criteria": "ISO/IEC 42001 Annex A",
        "periodStart": "2026-10-01", "periodEnd": "2026-12-31",
        "leadAuditor": lead, "team": team,
        "scope": { "controlIds": controls, "requirements": requirements }
    } })
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("id").to_string()
}

async fn an_auditor_cannot_audit_their_own_controls_and_the_checklist_follows_the_scope(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin("acme").await;
    let owned = create_control(&app, &admin, "AUD-1").await;
    let teamed = create_control(&app, &admin, "AUD-2").await;
    app.ok(
        &admin,
        r#"mutation($c: ID!) { updateControl(id: $c, input: { owner: "alice", status: IMPLEMENTED }) { id } }"#,
        json!({ "c": owned }),
    )
    .await;
    // Bob's team is Responsible for the second control.
    app.ok(
        &admin,
        r#"mutation { upsertPerson(input: { subject: "bob", displayName: "Bob", email: "bob@acme.test", roles: ["auditor"], teams: ["ml-ops"] }) { id } }"#,
        json!({}),
    )
    .await;
    app.ok(
        &admin,
        r#"mutation($c: ID!) { assignRaci(subjectType: control, subjectId: $c, party: "ml-ops", partyKind: team, role: responsible) { id } }"#,
        json!({ "c": teamed }),
    )
    .await;
    let urn = "urn:accord:iso-iec-42001:2023:A.6.2.6";
    map_control(&app, &admin, &teamed, urn, "INTERSECTS_WITH").await;

    let auditor = app.token("carol", "acme", &["auditor"]);
    let (_, refused) = app
        .graphql_as(&auditor, CREATE, audit("alice", &[], &[&owned], &[]))
        .await;
    assert_eq!(
        rule(&refused),
        ("auditor_independence", "leadAuditor"),
        "{refused}"
    );
    // Through a mapped requirement the second control is in scope, and Bob answers for it.
    let (_, refused) = app
        .graphql_as(&auditor, CREATE, audit("carol", &["bob"], &[], &[urn]))
        .await;
    assert_eq!(
        rule(&refused),
        ("auditor_independence", "team.0"),
        "{refused}"
    );
    // Editors handle actions, not audits.
    let editor = app.token("erin", "acme", &["editor"]);
    let (_, forbidden) = app
        .graphql_as(&editor, CREATE, audit("carol", &[], &[&owned], &[]))
        .await;
    assert_eq!(error_code(&forbidden), "FORBIDDEN");

    let created = app
        .ok(
            &auditor,
            CREATE,
            audit("carol", &["dave"], &[&owned], &[urn]),
        )
        .await["createInternalAudit"]
        .clone();
    assert_eq!(created["status"], "planned");
    let audit_id = id(&created);

    // Evidence collected before the audit starts is in the snapshot.
    app.ok(
        &admin,
        r#"mutation($c: ID!, $at: DateTime!) { addEvidence(controlId: $c, input: { title: "Access review", kind: "test_result", collectedAt: $at }) { id } }"#,
        json!({ "c": owned, "at": (Utc::now() - Duration::days(3)).to_rfc3339() }),
    )
    .await;
    let (_, early) = app
        .graphql_as(
            &auditor,
            RAISE,
            json!({ "a": audit_id, "k": "observation", "c": owned }),
        )
        .await;
    assert_eq!(rule(&early).0, "audit_status", "{early}");
    let started = app
        .ok(
            &auditor,
            "mutation($a: ID!) { startInternalAudit(id: $a) { status openedAt checklist { id requirementId controlId label evidence result requirement { urn } } } }",
            json!({ "a": audit_id }),
        )
        .await["startInternalAudit"]
        .clone();
    assert_eq!(started["status"], "in_progress");
    let lines = started["checklist"].as_array().expect("checklist").clone();
    // A line per control mapped to the requirement (the library's and AUD-2), then one for the
    // control named on its own.
    let (named, for_requirement) = lines.split_last().expect("lines");
    assert!(for_requirement.len() >= 2, "{lines:?}");
    for line in for_requirement {
        assert_eq!(line["requirement"]["urn"], urn);
    }
    let mapped = for_requirement
        .iter()
        .find(|l| l["controlId"] == teamed.as_str())
        .expect("the mapped control has a line");
    assert!(
        mapped["label"]
            .as_str()
            .unwrap_or_default()
            .contains("AUD-2")
    );
    assert_eq!(mapped["evidence"]["evidence_count"], 0);
    assert_eq!(named["controlId"], owned.as_str());
    assert_eq!(named["requirementId"], Value::Null);
    assert_eq!(named["evidence"]["evidence_count"], 1);
    assert_eq!(named["evidence"]["status"], "implemented");
    assert_eq!(named["evidence"]["evidence"][0]["title"], "Access review");

    // Completing needs a result on every line.
    let complete = "mutation($a: ID!) { completeInternalAudit(id: $a) { status } }";
    let (_, incomplete) = app
        .graphql_as(&auditor, complete, json!({ "a": audit_id }))
        .await;
    assert_eq!(rule(&incomplete).0, "checklist_incomplete", "{incomplete}");
    for line in &lines {
        let result = if line["controlId"] == owned.as_str() {
            "nonconforming"
        } else {
            "conforming"
        };
        app.ok(
            &auditor,
            "mutation($l: ID!, $r: CheckResult!) { recordChecklistResult(lineId: $l, result: $r, note: \"Sampled\") { result checkedBy } }",
            json!({ "l": id(line), "r": result }),
        )
        .await;
    }
    // A nonconforming line must become a finding before the audit completes.
    let (_, unreported) = app
        .graphql_as(&auditor, complete, json!({ "a": audit_id }))
        .await;
    assert_eq!(
        rule(&unreported).0,
        "nonconformity_without_finding",
        "{unreported}"
    );
    // Audit work is the audit team's.
    let outsider = app.token("zoe", "acme", &["auditor"]);
    let (_, not_team) = app
        .graphql_as(
            &outsider,
            RAISE,
            json!({ "a": audit_id, "k": "observation", "c": owned }),
        )
        .await;
    assert_eq!(rule(&not_team).0, "not_on_audit_team", "{not_team}");
    // A control outside the scope cannot carry a finding of this audit.
    let outside = create_control(&app, &admin, "AUD-3").await;
    let (_, out) = app
        .graphql_as(
            &auditor,
            RAISE,
            json!({ "a": audit_id, "k": "observation", "c": outside }),
        )
        .await;
    assert_eq!(rule(&out), ("out_of_scope", "controlId"), "{out}");
    let finding = app
        .ok(
            &auditor,
            RAISE,
            json!({ "a": audit_id, "k": "minor_nonconformity", "c": owned }),
        )
        .await;
    assert_eq!(finding["raiseAuditFinding"]["status"], "open");
    let done = app.ok(&auditor, complete, json!({ "a": audit_id })).await;
    assert_eq!(done["completeInternalAudit"]["status"], "completed");

    // Executives read audits; another organization does not see them.
    let executive = app.token("ceo", "acme", &["executive"]);
    let read = app
        .ok(
            &executive,
            "query($a: ID!) { internalAudit(id: $a) { status findings { kind } } }",
            json!({ "a": audit_id }),
        )
        .await;
    assert_eq!(
        read["internalAudit"]["findings"],
        json!([{ "kind": "minor_nonconformity" }])
    );
    let other = app.admin("globex").await;
    let (_, hidden) = app
        .graphql_as(
            &other,
            "query($a: ID!) { internalAudit(id: $a) { id } }",
            json!({ "a": audit_id }),
        )
        .await;
    assert_eq!(error_code(&hidden), "NOT_FOUND");
    let (_, foreign) = app
        .graphql_as(&other, CREATE, audit("zed", &[], &[&owned], &[]))
        .await;
    assert_eq!(error_code(&foreign), "NOT_FOUND", "{foreign}");
    app.stop().await;
}

async fn a_nonconformity_closes_only_after_verification_by_another_person(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin("acme").await;
    let control = create_control(&app, &admin, "CA-1").await;
    let auditor = app.token("carol", "acme", &["auditor"]);
    let audit_id = id(&app
        .ok(&auditor, CREATE, audit("carol", &[], &[&control], &[]))
        .await["createInternalAudit"]);
    app.ok(
        &auditor,
        "mutation($a: ID!) { startInternalAudit(id: $a) { id } }",
        json!({ "a": audit_id }),
    )
    .await;
    let finding = id(&app
        .ok(
            &auditor,
            RAISE,
            json!({ "a": audit_id, "k": "major_nonconformity", "c": control }),
        )
        .await["raiseAuditFinding"]);
    let close = "mutation($f: ID!) { closeAuditFinding(id: $f) { status closedBy } }";
    let (_, refused) = app
        .graphql_as(&auditor, close, json!({ "f": finding }))
        .await;
    assert_eq!(rule(&refused).0, "corrective_action_required", "{refused}");

    // Editors plan and complete actions; auditors do not.
    let add = r#"mutation($f: ID!, $d: String!) { addCorrectiveAction(findingId: $f, owner: "erin", dueOn: $d,
        rootCause: "Reviews were manual", action: "Automate the quarterly access review") { id status overdue dueOn } }"#;
    let due = (app.services().clock.today() + Duration::days(7)).to_string();
    let (_, forbidden) = app
        .graphql_as(&auditor, add, json!({ "f": finding, "d": due }))
        .await;
    assert_eq!(error_code(&forbidden), "FORBIDDEN");
    let editor = app.token("erin", "acme", &["editor", "auditor"]);
    let action = app
        .ok(&editor, add, json!({ "f": finding, "d": due }))
        .await["addCorrectiveAction"]
        .clone();
    assert_eq!(action["overdue"], false);
    let action_id = id(&action);
    let overdue = "{ correctiveActions(overdue: true) { totalCount nodes { id overdue } } }";
    assert_eq!(
        app.ok(&admin, overdue, json!({})).await["correctiveActions"]["totalCount"],
        0
    );
    // Eight days later it is overdue.
    app.services().clock.advance(Duration::days(8));
    let late = app.ok(&admin, overdue, json!({})).await;
    assert_eq!(
        late["correctiveActions"]["nodes"],
        json!([{ "id": action_id, "overdue": true }])
    );

    let verify = "mutation($a: ID!, $e: Boolean!) { verifyCorrectiveAction(id: $a, effective: $e, note: \"Checked two cycles\") { status verifiedBy effective completedAt } }";
    let (_, not_done) = app
        .graphql_as(&auditor, verify, json!({ "a": action_id, "e": true }))
        .await;
    assert_eq!(rule(&not_done).0, "action_status", "{not_done}");
    let complete = "mutation($a: ID!) { completeCorrectiveAction(id: $a) { status completedAt } }";
    app.ok(&editor, complete, json!({ "a": action_id })).await;
    let (_, still_open) = app
        .graphql_as(&auditor, close, json!({ "f": finding }))
        .await;
    assert_eq!(rule(&still_open).0, "verification_required", "{still_open}");
    // The owner, though an auditor too, cannot verify their own action.
    let (_, own) = app
        .graphql_as(&editor, verify, json!({ "a": action_id, "e": true }))
        .await;
    assert_eq!(rule(&own).0, "verifier_is_owner", "{own}");
    // Found ineffective, it goes back to open.
    let ineffective = app
        .ok(&auditor, verify, json!({ "a": action_id, "e": false }))
        .await;
    assert_eq!(
        ineffective["verifyCorrectiveAction"]["status"], "open",
        "{ineffective}"
    );
    assert_eq!(
        ineffective["verifyCorrectiveAction"]["completedAt"],
        Value::Null
    );
    app.ok(&editor, complete, json!({ "a": action_id })).await;
    let verified = app
        .ok(&auditor, verify, json!({ "a": action_id, "e": true }))
        .await;
    assert_eq!(
        verified["verifyCorrectiveAction"],
        json!({ "status": "verified", "verifiedBy": "carol", "effective": true,
                "completedAt": verified["verifyCorrectiveAction"]["completedAt"] })
    );
    assert_eq!(
        app.ok(&admin, overdue, json!({})).await["correctiveActions"]["totalCount"],
        0
    );
    let closed = app.ok(&auditor, close, json!({ "f": finding })).await;
    assert_eq!(closed["closeAuditFinding"]["status"], "closed");
    assert_eq!(closed["closeAuditFinding"]["closedBy"], "carol@acme");

    // Every step is in the audit log.
    let log = app
        .ok(
            &admin,
            r#"{ auditLog(first: 100) { nodes { entity action } } }"#,
            json!({}),
        )
        .await;
    let entries: Vec<(String, String)> = log["auditLog"]["nodes"]
        .as_array()
        .expect("log")
        .iter()
        .map(|e| {
            (
                e["entity"].as_str().unwrap_or_default().to_string(),
                e["action"].as_str().unwrap_or_default().to_string(),
            )
        })
        .filter(|(entity, _)| entity == "corrective_action" || entity == "audit_finding")
        .collect();
    assert_eq!(entries.len(), 7, "{entries:?}");
    app.stop().await;
}
