//! Incidents over HTTP, with the clock moved rather than dates faked: a reported incident is
//! emailed along its severity's route through a real SMTP server on loopback, escalates once to
//! the next level when nobody acknowledges in time, and stops when someone does; response times
//! are configurable and `pastSla` lists what is overdue; steps out of order are refused; the
//! timeline records every step.

use std::time::Duration as Wait;

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::fixtures::{create_control, create_risk, create_system, risk_input};
use crate::helpers::{Backend, TestApp, error_code};
use crate::smtp::{SmtpServer, smtp_to};

backend_tests!(
    an_unacknowledged_incident_escalates_once_per_level_until_acknowledged,
    a_critical_incident_climbs_its_route_level_by_level,
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
    route_level(app, token, severity, 1, body, to).await;
}

async fn route_level(app: &TestApp, token: &str, severity: &str, level: i32, body: &str, to: &str) {
    app.ok(
        token,
        "mutation($s: Severity!, $l: Int!, $b: ID!, $r: [String!]!) { setEscalationRoute(severity: $s, level: $l, bodyId: $b, recipients: $r) { id } }",
        json!({ "s": severity, "l": level, "b": body, "r": [to] }),
    )
    .await;
}

/// Polls until the incident has `count` notices (the job runner escalates in the background).
async fn with_notices(app: &TestApp, token: &str, id: &str, count: usize) -> Value {
    let mut found = Value::Null;
    for _ in 0..100 {
        found = incident(app, token, id).await;
        if found["notices"].as_array().map(Vec::len) == Some(count) {
            break;
        }
        tokio::time::sleep(Wait::from_millis(50)).await;
    }
    found
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
    let escalated = with_notices(&app, &token, &id, 2).await;
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

    // Linked to the risk it realized and the control that failed; another organization's risk
    // is not found.
    let risk = create_risk(&app, &token, risk_input("Churn model drifts", 3, 3)).await["id"]
        .as_str()
        .expect("risk")
        .to_string();
    let control = create_control(&app, &token, "INC-1").await;
    let link = "mutation($id: ID!, $r: [ID!]!, $c: [ID!]!) { setIncidentLinks(id: $id, riskIds: $r, controlIds: $c) { linkedRisks { id title } linkedControls { code } } }";
    let linked = app
        .ok(
            &editor,
            link,
            json!({ "id": id, "r": [risk], "c": [control] }),
        )
        .await;
    assert_eq!(
        linked["setIncidentLinks"],
        json!({ "linkedRisks": [{ "id": risk, "title": "Churn model drifts" }], "linkedControls": [{ "code": "INC-1" }] })
    );
    let other = app.admin("globex").await;
    let foreign = create_risk(&app, &other, risk_input("Theirs", 2, 2)).await["id"].clone();
    let (_, missing) = app
        .graphql_as(&editor, link, json!({ "id": id, "r": [foreign], "c": [] }))
        .await;
    assert_eq!(error_code(&missing), "NOT_FOUND");
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
        vec!["opened", "escalated", "note", "note", "resolved", "closed"]
    );
    app.stop().await;
}

async fn a_critical_incident_climbs_its_route_level_by_level(backend: Backend) {
    let Some(smtp) = SmtpServer::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, smtp_to(smtp.port)).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Support assistant", "operate", "limited").await;
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
    // Critical incidents go to the committee first, then to the board.
    route_level(&app, &token, "critical", 1, &committee, "risk@acme.test").await;
    route_level(&app, &token, "critical", 2, &board, "oncall@acme.test").await;
    let editor = app.token("erin", "acme", &["editor"]);
    let (_, refused) = app
        .graphql_as(
            &editor,
            r#"mutation($b: ID!) { setEscalationRoute(severity: critical, level: 3, bodyId: $b, recipients: ["x@acme.test"]) { id } }"#,
            json!({ "b": board }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    let routes = app
        .ok(
            &token,
            "{ escalationRoutes { nodes { severity level bodyId } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        routes["escalationRoutes"]["nodes"],
        json!([{ "severity": "critical", "level": 1, "bodyId": committee },
               { "severity": "critical", "level": 2, "bodyId": board }])
    );

    let query =
        format!("mutation($i: IncidentInput!) {{ reportIncident(input: $i) {{ {FIELDS} }} }}");
    let reported =
        app.ok(&editor, &query, report("critical", &system)).await["reportIncident"].clone();
    let id = reported["id"].as_str().expect("id").to_string();
    assert_eq!(
        smtp.wait_for(2).await.len(),
        2,
        "the committee's member and recipient"
    );
    assert_eq!(reported["notices"][0]["bodyName"], "AI Risk Committee");

    // Past the 15 minutes to acknowledge, the board (level 2 of the same route) is told, once.
    app.services().clock.advance(Duration::minutes(16));
    assert_eq!(smtp.wait_for(5).await.len(), 5);
    let escalated = with_notices(&app, &token, &id, 2).await;
    let level2 = &escalated["notices"][1];
    assert_eq!(
        (
            level2["level"].as_i64(),
            level2["severity"].as_str(),
            level2["bodyName"].as_str()
        ),
        (Some(2), Some("critical"), Some("AI Governance Board"))
    );
    assert_eq!(
        recipients(level2),
        vec!["ceo@acme.test", "cro@acme.test", "oncall@acme.test"]
    );
    // The board is the top of the route: later deadlines email nobody more.
    app.services().clock.advance(Duration::minutes(16));
    tokio::time::sleep(Wait::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 5);
    assert_eq!(
        incident(&app, &token, &id).await["notices"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // Acknowledged in time, an incident stays at its first level.
    let second = app.ok(&editor, &query, report("critical", &system)).await["reportIncident"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(smtp.wait_for(7).await.len(), 7);
    app.ok(
        &editor,
        "mutation($id: ID!) { acknowledgeIncident(id: $id) { status } }",
        json!({ "id": second }),
    )
    .await;
    app.services().clock.advance(Duration::minutes(20));
    tokio::time::sleep(Wait::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 7);
    let quiet = incident(&app, &token, &second).await;
    assert_eq!(quiet["notices"].as_array().map(Vec::len), Some(1));
    assert_eq!(quiet["notices"][0]["acknowledgedBy"], "erin@acme");
    app.stop().await;
}
