//! Incidents over HTTP, with the clock moved rather than dates faked: a reported incident is
//! emailed along its severity's route through a real SMTP server on loopback, escalates once to
//! the next level when nobody acknowledges in time, and stops when someone does; response times
//! are configurable and `pastSla` lists what is overdue; steps out of order are refused; the
//! timeline records every step.

use std::time::Duration as Wait;

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::fixtures::create_system;
use crate::helpers::{Backend, TestApp, error_code};
use crate::smtp::{SmtpServer, smtp_to};

backend_tests!(
    an_unacknowledged_incident_escalates_once_per_level_until_acknowledged,
    response_times_are_configurable_and_steps_keep_their_order,
);

const FIELDS: &str = "id status severity acknowledgedAt pastSla acknowledgeDueAt timeToAcknowledgeMinutes \
    timeToResolveMinutes resolution notices { level severity bodyName recipients notifiedAt acknowledgeBy acknowledgedAt acknowledgedBy } \
    timeline { kind note actor }";

fn report(severity: &str, system: &str) -> Value {
    json!({ "i": { "aiSystemId": system, "title": "Loan decisions reversed for one group",
        "description": "Approval rates for applicants over 60 dropped by half overnight.",
        "severity": severity, "category": "fairness",
        "occurredAt": (Utc::now() - Duration::hours(2)).to_rfc3339() } })
}

async fn body(app: &TestApp, token: &str, name: &str, kind: &str, members: &[&str]) -> String {
    let created = app
        .ok(
            token,
            "mutation($n: String!, $k: GovernanceBodyKind!) { createGovernanceBody(name: $n, kind: $k) { id } }",
            json!({ "n": name, "k": kind }),
        )
        .await;
    let id = created["createGovernanceBody"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    for member in members {
        app.ok(
            token,
            r#"mutation($b: ID!, $p: String!) { setBodyMember(bodyId: $b, person: $p, role: member, canApprove: true) { id } }"#,
            json!({ "b": id, "p": member }),
        )
        .await;
        app.ok(
            token,
            "mutation($i: PersonInput!) { upsertPerson(input: $i) { id } }",
            json!({ "i": { "subject": member, "displayName": member, "email": format!("{member}@acme.test"), "roles": ["executive"] } }),
        )
        .await;
    }
    id
}

async fn route(app: &TestApp, token: &str, severity: &str, body: &str, to: &str) {
    app.ok(
        token,
        "mutation($s: Severity!, $b: ID!, $r: [String!]!) { setEscalationRoute(severity: $s, bodyId: $b, recipients: $r) { id } }",
        json!({ "s": severity, "b": body, "r": [to] }),
    )
    .await;
}

async fn incident(app: &TestApp, token: &str, id: &str) -> Value {
    let query = format!("query($id: ID!) {{ incident(id: $id) {{ {FIELDS} }} }}");
    app.ok(token, &query, json!({ "id": id })).await["incident"].clone()
}

fn recipients(notice: &Value) -> Vec<String> {
    notice["recipients"]
        .as_array()
        .expect("recipients")
        .iter()
        .filter_map(|r| r.as_str().map(String::from))
        .collect()
}

async fn an_unacknowledged_incident_escalates_once_per_level_until_acknowledged(backend: Backend) {
    let Some(smtp) = SmtpServer::start().await else {
        return;
    };
    let port = smtp.port;
    let app = TestApp::spawn_with(backend, smtp_to(port)).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let committee = body(
        &app,
        &token,
        "AI Risk Committee",
        "risk_committee",
        &["dpo"],
    )
    .await;
    let board = body(
        &app,
        &token,
        "AI Governance Board",
        "board",
        &["ceo", "cro"],
    )
    .await;
    route(&app, &token, "high", &committee, "risk@acme.test").await;
    route(&app, &token, "critical", &board, "oncall@acme.test").await;

    let query =
        format!("mutation($i: IncidentInput!) {{ reportIncident(input: $i) {{ {FIELDS} }} }}");
    let reported = app.ok(&token, &query, report("high", &system)).await["reportIncident"].clone();
    let id = reported["id"].as_str().expect("id").to_string();
    assert_eq!(reported["status"], "open");
    let first = smtp.wait_for(2).await;
    assert_eq!(
        first.len(),
        2,
        "the route's member and its listed recipient"
    );
    let level1 = &reported["notices"][0];
    assert_eq!(level1["bodyName"], "AI Risk Committee");
    assert_eq!(recipients(level1), vec!["dpo@acme.test", "risk@acme.test"]);
    let text = String::from_utf8_lossy(&first[0]).to_string();
    assert!(text.contains("[HIGH] AI incident #"), "{text}");

    // The credit scorer is critical (high tier): a high incident on it is held to the critical
    // times, 15 minutes to acknowledge.
    let due = |v: &Value, field: &str| {
        chrono::DateTime::parse_from_rfc3339(v[field].as_str().expect("time")).expect("RFC 3339")
    };
    assert_eq!(
        (due(level1, "acknowledgeBy") - due(level1, "notifiedAt")).num_minutes(),
        15
    );
    // Sixteen minutes pass without an acknowledgement: the next level is told, once.
    app.services().clock.advance(Duration::minutes(16));
    let all = smtp.wait_for(5).await;
    assert_eq!(all.len(), 5, "the board's two members and its recipient");
    let mut escalated = Value::Null;
    for _ in 0..100 {
        escalated = incident(&app, &token, &id).await;
        if escalated["notices"].as_array().map(Vec::len) == Some(2) {
            break;
        }
        tokio::time::sleep(Wait::from_millis(50)).await;
    }
    let level2 = &escalated["notices"][1];
    assert_eq!(
        (level2["level"].as_i64(), level2["severity"].as_str()),
        (Some(2), Some("critical"))
    );
    assert_eq!(
        recipients(level2),
        vec!["ceo@acme.test", "cro@acme.test", "oncall@acme.test"]
    );
    assert_eq!(escalated["pastSla"], true);
    let overdue = app
        .ok(
            &token,
            "{ incidents(pastSla: true) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(overdue["incidents"]["totalCount"], 1);

    // Past the next deadline too: the board is the top of the route, nobody more is emailed.
    app.services().clock.advance(Duration::minutes(61));
    tokio::time::sleep(Wait::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 5);
    assert_eq!(
        incident(&app, &token, &id).await["notices"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // Executives read incidents but do not handle them; an editor acknowledges.
    let executive = app.token("ceo", "acme", &["executive"]);
    let ack = "mutation($id: ID!) { acknowledgeIncident(id: $id, note: \"On it\") { status timeToAcknowledgeMinutes } }";
    let (_, refused) = app.graphql_as(&executive, ack, json!({ "id": id })).await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    let editor = app.token("erin", "acme", &["editor"]);
    let acknowledged = app.ok(&editor, ack, json!({ "id": id })).await;
    assert_eq!(
        acknowledged["acknowledgeIncident"]["status"],
        "acknowledged"
    );
    assert!(acknowledged["acknowledgeIncident"]["timeToAcknowledgeMinutes"].as_i64() >= Some(77));
    let after = incident(&app, &token, &id).await;
    for notice in after["notices"].as_array().expect("notices") {
        assert_eq!(notice["acknowledgedBy"], "erin@acme");
    }
    let kinds: Vec<&str> = after["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        vec!["opened", "escalated", "escalated", "acknowledged"]
    );

    // Another organization cannot see it.
    let other = app.admin("globex").await;
    let (_, body) = app
        .graphql_as(
            &other,
            "query($id: ID!) { incident(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND");
    app.stop().await;
}

async fn response_times_are_configurable_and_steps_keep_their_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    // A limited-tier system is not critical: the medium times apply as set.
    let system = create_system(&app, &token, "Churn predictor", "operate", "limited").await;
    let set = "mutation { setIncidentSla(severity: medium, acknowledgeMinutes: 30, resolveMinutes: 120) { severity acknowledgeMinutes resolveMinutes } }";
    let editor = app.token("erin", "acme", &["editor"]);
    let (_, refused) = app.graphql_as(&editor, set, json!({})).await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    app.ok(&token, set, json!({})).await;
    let (_, bad) = app
        .graphql_as(&token, "mutation { setIncidentSla(severity: low, acknowledgeMinutes: 60, resolveMinutes: 30) { severity } }", json!({}))
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["rule"], "range");

    let query =
        format!("mutation($i: IncidentInput!) {{ reportIncident(input: $i) {{ {FIELDS} }} }}");
    let reported =
        app.ok(&editor, &query, report("medium", &system)).await["reportIncident"].clone();
    let id = reported["id"].as_str().expect("id").to_string();
    // No route for medium incidents: the timeline says nobody was emailed.
    assert_eq!(reported["timeline"][1]["kind"], "escalated", "{reported}");
    assert!(
        reported["timeline"][1]["note"]
            .as_str()
            .unwrap_or_default()
            .contains("no escalation route")
    );
    assert_eq!(reported["pastSla"], false);

    // Closing an unresolved incident is refused.
    let (_, refused) = app
        .graphql_as(
            &editor,
            "mutation($id: ID!) { closeIncident(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["rule"],
        "invalid_transition"
    );

    app.services().clock.advance(Duration::minutes(31));
    let overdue = app
        .ok(
            &token,
            "{ incidents(pastSla: true) { nodes { id pastSla } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        overdue["incidents"]["nodes"],
        json!([{ "id": id, "pastSla": true }])
    );

    app.ok(&editor, "mutation($id: ID!) { addIncidentNote(id: $id, note: \"Model rolled back to 1.0\") { id } }", json!({ "id": id })).await;
    let resolved = app
        .ok(&editor, "mutation($id: ID!) { resolveIncident(id: $id, resolution: \"Rolled back; retrained with balanced data\") { status resolution timeToResolveMinutes acknowledgedAt } }", json!({ "id": id }))
        .await;
    assert_eq!(resolved["resolveIncident"]["status"], "resolved");
    assert!(resolved["resolveIncident"]["timeToResolveMinutes"].as_i64() >= Some(31));
    assert!(
        resolved["resolveIncident"]["acknowledgedAt"].is_string(),
        "resolving acknowledges"
    );
    let overdue = app
        .ok(
            &token,
            "{ incidents(pastSla: true) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(overdue["incidents"]["totalCount"], 0);
    app.ok(
        &editor,
        "mutation($id: ID!) { closeIncident(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    let closed = incident(&app, &token, &id).await;
    assert_eq!(closed["status"], "closed");
    let kinds: Vec<&str> = closed["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        vec!["opened", "escalated", "note", "resolved", "closed"]
    );
    app.stop().await;
}
