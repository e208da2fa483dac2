//! Management reviews (ISO/IEC 42001 9.3) over HTTP: the inputs are collected from live records
//! and match figures this test computes from what it created; concluding needs decisions, freezes
//! the inputs and stores the record as a `management_review` artefact whose content and SHA-256
//! can be fetched; a concluded review is final.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::fixtures::{create_control, create_risk, create_system, risk_input};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(management_review_inputs_match_the_records_and_conclude_into_an_artefact);

const CREATE: &str =
    "mutation($i: ManagementReviewInput!) { createManagementReview(input: $i) { id status } }";
const ADD_ACTION: &str = "mutation($r: ID!, $d: String!) { addReviewAction(reviewId: $r, description: \"Retrain reviewers\", owner: \"cro\", dueOn: $d) { id status } }";

fn review(title: &str, start: &str, end: &str) -> Value {
    json!({ "i": { "title": title, "heldOn": end, "periodStart": start, "periodEnd": end,
        "chair": "ceo", "attendees": ["ceo", "cro"],
        "stakeholderFeedback": "Regulator asked for our bias testing method." } })
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("id").to_string()
}

async fn incident(
    app: &TestApp,
    token: &str,
    system: &str,
    severity: &str,
    category: &str,
) -> String {
    let data = app
        .ok(
            token,
            "mutation($i: IncidentInput!) { reportIncident(input: $i) { id } }",
            json!({ "i": { "aiSystemId": system, "title": "Drifted scores", "description": "Scores moved",
                "severity": severity, "category": category,
                "occurredAt": (Utc::now() - Duration::minutes(30)).to_rfc3339() } }),
        )
        .await;
    id(&data["reportIncident"])
}

async fn management_review_inputs_match_the_records_and_conclude_into_an_artefact(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin("acme").await;
    let editor = app.token("erin", "acme", &["editor"]);
    let auditor = app.token("carol", "acme", &["auditor"]);
    let today = app.services().clock.today();
    let yesterday = (today - Duration::days(1)).to_string();

    // An earlier review with two actions, one done, the other overdue.
    let earlier = id(&app
        .ok(
            &editor,
            CREATE,
            review("Q2 review", "2026-04-01", "2026-06-30"),
        )
        .await["createManagementReview"]);
    let done = app
        .ok(&editor, ADD_ACTION, json!({ "r": earlier, "d": yesterday }))
        .await;
    app.ok(&editor, ADD_ACTION, json!({ "r": earlier, "d": yesterday }))
        .await;
    app.ok(
        &editor,
        "mutation($r: ID!) { concludeManagementReview(id: $r, decisions: [\"Keep going\"]) { status } }",
        json!({ "r": earlier }),
    )
    .await;
    // A draft's actions are not "previous" for another review.
    let draft = id(&app
        .ok(
            &editor,
            CREATE,
            review("Q3 draft", "2026-07-01", "2026-09-30"),
        )
        .await["createManagementReview"]);
    app.ok(&editor, ADD_ACTION, json!({ "r": draft, "d": yesterday }))
        .await;
    app.ok(
        &editor,
        "mutation($a: ID!) { completeReviewAction(id: $a) { status } }",
        json!({ "a": id(&done["addReviewAction"]) }),
    )
    .await;

    // Incidents: two medium fairness, one low safety (resolved).
    let system = create_system(&app, &admin, "Credit scorer", "operate", "limited").await;
    incident(&app, &editor, &system, "medium", "fairness").await;
    incident(&app, &editor, &system, "medium", "fairness").await;
    let low = incident(&app, &editor, &system, "low", "safety").await;
    app.ok(
        &editor,
        "mutation($id: ID!) { resolveIncident(id: $id, resolution: \"Recalibrated\") { status } }",
        json!({ "id": low }),
    )
    .await;

    // Risks: critical, medium and low.
    for (title, l, i) in [
        ("Agent moves funds", 5, 5),
        ("Stale data", 3, 3),
        ("Typos", 1, 2),
    ] {
        create_risk(&app, &editor, risk_input(title, l, i)).await;
    }

    // A completed audit with a minor nonconformity (its action overdue) and an observation.
    let control = create_control(&app, &admin, "REV-1").await;
    let audit = id(&app
        .ok(
            &auditor,
            "mutation($i: AuditInput!) { createInternalAudit(input: $i) { id } }",
            json!({ "i": { "title": "Audit", "criteria": "Annex A", "periodStart": "2026-01-01",
                "periodEnd": "2026-12-31", "leadAuditor": "carol", "scope": { "controlIds": [control] } } }),
        )
        .await["createInternalAudit"]);
    let lines = app
        .ok(
            &auditor,
            "mutation($a: ID!) { startInternalAudit(id: $a) { checklist { id } } }",
            json!({ "a": audit }),
        )
        .await;
    for line in lines["startInternalAudit"]["checklist"]
        .as_array()
        .expect("lines")
    {
        app.ok(
            &auditor,
            "mutation($l: ID!) { recordChecklistResult(lineId: $l, result: nonconforming, note: \"Two samples missing\") { id } }",
            json!({ "l": id(line) }),
        )
        .await;
    }
    let raise = "mutation($a: ID!, $c: ID!, $k: FindingKind!) { raiseAuditFinding(auditId: $a, controlId: $c, kind: $k, title: \"Gap\", description: \"One sample lacked evidence\") { id } }";
    let minor = app
        .ok(
            &auditor,
            raise,
            json!({ "a": audit, "c": control, "k": "minor_nonconformity" }),
        )
        .await;
    app.ok(
        &auditor,
        raise,
        json!({ "a": audit, "c": control, "k": "observation" }),
    )
    .await;
    app.ok(
        &editor,
        "mutation($f: ID!, $d: String!) { addCorrectiveAction(findingId: $f, owner: \"erin\", dueOn: $d, rootCause: \"r\", action: \"a\") { id } }",
        json!({ "f": id(&minor["raiseAuditFinding"]), "d": yesterday }),
    )
    .await;
    app.ok(
        &auditor,
        "mutation($a: ID!) { completeInternalAudit(id: $a) { status } }",
        json!({ "a": audit }),
    )
    .await;

    // Five hours on, both medium incidents are past their 4-hour acknowledgement time.
    app.services().clock.advance(Duration::hours(5));
    let today = app.services().clock.today();
    let start = (today - Duration::days(30)).to_string();
    let end = today.to_string();
    let current = id(&app
        .ok(&editor, CREATE, review("Q4 review", &start, &end))
        .await["createManagementReview"]);
    app.ok(
        &editor,
        ADD_ACTION,
        json!({ "r": current, "d": (today + Duration::days(30)).to_string() }),
    )
    .await;
    let read = "query($r: ID!) { managementReview(id: $r) { status artifactId inputs document } }";
    let inputs =
        app.ok(&admin, read, json!({ "r": current })).await["managementReview"]["inputs"].clone();

    assert_eq!(
        inputs["previous_actions"]["total"], 2,
        "only the earlier review's actions are previous: {inputs}"
    );
    assert_eq!(inputs["previous_actions"]["done"], 1);
    assert_eq!(inputs["previous_actions"]["open"], 1);
    assert_eq!(inputs["previous_actions"]["overdue"], 1);
    assert_eq!(
        inputs["incidents"],
        json!({ "in_period": 3, "previous_period": 0,
            "by_severity": [{ "key": "medium", "count": 2 }, { "key": "low", "count": 1 }],
            "by_category": [{ "key": "fairness", "count": 2 }, { "key": "safety", "count": 1 }],
            "unresolved_now": 2, "past_sla_now": 2 })
    );
    assert_eq!(
        inputs["risks"],
        json!({ "open": 3, "accepted": 0, "review_overdue": 0,
            "open_by_level": [{ "key": "critical", "count": 1 }, { "key": "medium", "count": 1 }, { "key": "low", "count": 1 }] })
    );
    assert_eq!(
        inputs["audits"],
        json!({ "completed_in_period": 1, "open_nonconformities": 1, "overdue_actions": 1,
            "findings_previous_period": 0,
            "findings_in_period": [{ "key": "minor_nonconformity", "count": 1 }, { "key": "observation", "count": 1 }] })
    );
    assert_eq!(inputs["metrics"]["breaches_in_period"], 0);
    assert_eq!(
        inputs["stakeholder_feedback"],
        "Regulator asked for our bias testing method."
    );
    assert_eq!(inputs["context_changes"], "");
    // Coverage per framework is what `coverage` answers for each.
    let frameworks = app
        .ok(&admin, "{ frameworks { nodes { slug } } }", json!({}))
        .await;
    let slugs: Vec<String> = frameworks["frameworks"]["nodes"]
        .as_array()
        .expect("frameworks")
        .iter()
        .filter_map(|f| f["slug"].as_str().map(String::from))
        .collect();
    assert_eq!(
        inputs["coverage"].as_array().map(Vec::len),
        Some(slugs.len())
    );
    for slug in &slugs {
        let coverage = app
            .ok(
                &admin,
                "query($f: String!) { coverage(framework: $f) { totals { satisfied partial notCovered notApplicable percentSatisfied } } }",
                json!({ "f": slug }),
            )
            .await;
        let totals = &coverage["coverage"]["totals"];
        let row = inputs["coverage"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["framework"] == slug.as_str()))
            .expect("framework row");
        assert_eq!(
            (
                &row["satisfied"],
                &row["partial"],
                &row["not_covered"],
                &row["not_applicable"]
            ),
            (
                &totals["satisfied"],
                &totals["partial"],
                &totals["notCovered"],
                &totals["notApplicable"]
            ),
            "{slug}"
        );
        assert_eq!(
            row["percent_satisfied"].as_f64(),
            totals["percentSatisfied"].as_f64()
        );
    }

    // Executives read reviews; they do not conclude them. A review concludes with decisions.
    let executive = app.token("ceo", "acme", &["executive"]);
    let conclude = "mutation($r: ID!, $d: [String!]!) { concludeManagementReview(id: $r, decisions: $d) { status artifactId concludedAt } }";
    let (_, forbidden) = app
        .graphql_as(&executive, conclude, json!({ "r": current, "d": ["x"] }))
        .await;
    assert_eq!(error_code(&forbidden), "FORBIDDEN");
    let (_, empty) = app
        .graphql_as(&editor, conclude, json!({ "r": current, "d": [] }))
        .await;
    assert_eq!(empty["errors"][0]["extensions"]["rule"], "required");
    let concluded = app
        .ok(
            &editor,
            conclude,
            json!({ "r": current, "d": ["Fund automated bias testing", "Keep the credit scorer in scope"] }),
        )
        .await["concludeManagementReview"]
        .clone();
    assert_eq!(concluded["status"], "concluded");
    let artifact = concluded["artifactId"]
        .as_str()
        .expect("artifact")
        .to_string();

    // The stored record downloads with the SHA-256 the register shows.
    let listed = app
        .ok(
            &executive,
            "{ artifacts(kind: management_review) { nodes { id sha256 version title } } }",
            json!({}),
        )
        .await;
    let entry = &listed["artifacts"]["nodes"][0];
    assert_eq!(entry["id"], artifact.as_str());
    let (status, content) = app
        .get_as(&executive, &format!("/artifacts/{artifact}/content"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        entry["sha256"].as_str(),
        Some(hex::encode(Sha256::digest(content.as_bytes())).as_str())
    );
    assert!(
        content.contains("Detected in the period: 3 (period before: 0)"),
        "{content}"
    );
    assert!(
        content.contains("1. Fund automated bias testing"),
        "{content}"
    );
    assert!(content.contains("Retrain reviewers"), "{content}");

    // Concluded, the inputs stay as they were while the records move on.
    incident(&app, &editor, &system, "high", "security").await;
    let frozen = app.ok(&admin, read, json!({ "r": current })).await["managementReview"].clone();
    assert_eq!(
        frozen["inputs"],
        inputs_with_time(&inputs, &frozen["inputs"])
    );
    assert_eq!(frozen["inputs"]["incidents"]["in_period"], 3);
    assert_eq!(frozen["document"].as_str(), Some(content.as_str()));
    let (_, final_) = app
        .graphql_as(
            &editor,
            "mutation($r: ID!, $i: ManagementReviewInput!) { updateManagementReview(id: $r, input: $i) { id } }",
            json!({ "r": current, "i": review("Changed", &start, &end)["i"] }),
        )
        .await;
    assert_eq!(
        final_["errors"][0]["extensions"]["rule"],
        "review_concluded"
    );
    let other = app.admin("globex").await;
    let (_, hidden) = app
        .graphql_as(
            &other,
            "query($r: ID!) { managementReview(id: $r) { id } }",
            json!({ "r": current }),
        )
        .await;
    assert_eq!(error_code(&hidden), "NOT_FOUND");
    app.stop().await;
}

/// The live inputs read before concluding, with the collection time of the frozen ones (they
/// were collected again at conclusion; every figure must be the same).
fn inputs_with_time(live: &Value, frozen: &Value) -> Value {
    let mut expected = live.clone();
    expected["collected_at"] = frozen["collected_at"].clone();
    expected
}
