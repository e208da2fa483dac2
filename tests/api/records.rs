//! AI management records over HTTP: each workflow and its refusals.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    inventory_filters_sorts_and_requires_exclusion_reasons,
    raci_allows_one_accountable_and_answers_both_questions,
    artefacts_are_versioned_hashed_and_downloadable,
    governance_routes_and_evidence_gaps,
);

pub const CREATE_SYSTEM: &str = r#"mutation($i: AiSystemInput!) { createAiSystem(input: $i) { id name lifecycleStage riskTier inScope } }"#;

pub fn system_input(name: &str, stage: &str, tier: &str) -> Value {
    json!({ "name": name, "purpose": "Scores things", "owner": "dana", "businessUnit": "Risk",
            "lifecycleStage": stage, "riskTier": tier })
}

pub async fn create_system(
    app: &TestApp,
    token: &str,
    name: &str,
    stage: &str,
    tier: &str,
) -> String {
    let data = app
        .ok(
            token,
            CREATE_SYSTEM,
            json!({ "i": system_input(name, stage, tier) }),
        )
        .await;
    data["createAiSystem"]["id"]
        .as_str()
        .expect("id")
        .to_string()
}

/// A board with the given approvers (subjects) and an admin token.
pub async fn board(app: &TestApp, token: &str, approvers: &[&str]) -> String {
    let data = app
        .ok(token, r#"mutation { createGovernanceBody(name: "AI Governance Board", kind: "board", mandate: "Approves AI policies") { id } }"#, json!({}))
        .await;
    let id = data["createGovernanceBody"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    for person in approvers {
        app.ok(
            token,
            r#"mutation($b: ID!, $p: String!) { setBodyMember(bodyId: $b, person: $p, role: "member", canApprove: true) { id } }"#,
            json!({ "b": id, "p": person }),
        )
        .await;
    }
    id
}

async fn inventory_filters_sorts_and_requires_exclusion_reasons(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    create_system(&app, &token, "Credit scorer", "operate", "high").await;
    create_system(&app, &token, "Chat assistant", "develop", "limited").await;
    create_system(&app, &token, "Spam filter", "operate", "minimal").await;
    let mut excluded = system_input("Research sandbox", "design", "minimal");
    excluded["inScope"] = json!(false);
    let refused = app
        .graphql_as(&token, CREATE_SYSTEM, json!({ "i": excluded.clone() }))
        .await
        .1;
    assert_eq!(
        error_code(&refused),
        "VALIDATION",
        "an exclusion needs a justification"
    );
    excluded["exclusionJustification"] =
        json!("Isolated research environment with synthetic data only.");
    app.ok(&token, CREATE_SYSTEM, json!({ "i": excluded }))
        .await;

    let operating = app
        .ok(&token, r#"{ aiSystems(stage: "operate", sort: "risk_tier", descending: true) { name riskTier } }"#, json!({}))
        .await;
    let names: Vec<&str> = operating["aiSystems"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["Credit scorer", "Spam filter"],
        "filtered, then ordered high to minimal"
    );
    let out_of_scope = app
        .ok(
            &token,
            "{ aiSystems(inScope: false) { name exclusionJustification } }",
            json!({}),
        )
        .await;
    assert_eq!(out_of_scope["aiSystems"][0]["name"], "Research sandbox");
    let bad_stage = app
        .graphql_as(
            &token,
            r#"{ aiSystems(stage: "flying") { name } }"#,
            json!({}),
        )
        .await
        .1;
    assert_eq!(error_code(&bad_stage), "VALIDATION");

    let scope = app
        .graphql_as(
            &token,
            r#"mutation { setScopeStatement(statement: "All customer-facing AI", exclusions: [{ subject: "Research sandbox", reason: "" }]) { statement } }"#,
            json!({}),
        )
        .await
        .1;
    assert_eq!(
        error_code(&scope),
        "VALIDATION",
        "scope exclusions need reasons"
    );
    app.ok(
        &token,
        r#"mutation { setScopeStatement(statement: "All customer-facing AI", teams: ["Risk"], exclusions: [{ subject: "Research sandbox", reason: "No production data or users." }]) { statement } }"#,
        json!({}),
    )
    .await;
    let read = app
        .ok(
            &token,
            "{ scopeStatement { statement teams exclusions { subject reason } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        read["scopeStatement"]["exclusions"][0]["subject"],
        "Research sandbox"
    );

    // Another organization cannot read these systems.
    let other = app.admin("globex").await;
    let list = app.ok(&other, "{ aiSystems { name } }", json!({})).await;
    assert_eq!(list["aiSystems"], json!([]));
    app.stop().await;
}

async fn raci_allows_one_accountable_and_answers_both_questions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let id = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let assign = r#"mutation($id: ID!, $p: String!, $r: String!) { assignRaci(subjectType: "ai_system", subjectId: $id, party: $p, role: $r) { id role } }"#;
    app.ok(
        &token,
        assign,
        json!({ "id": id, "p": "dana", "r": "accountable" }),
    )
    .await;
    app.ok(
        &token,
        assign,
        json!({ "id": id, "p": "ml-platform", "r": "responsible" }),
    )
    .await;
    let second = app
        .graphql_as(
            &token,
            assign,
            json!({ "id": id, "p": "erin", "r": "accountable" }),
        )
        .await
        .1;
    assert_eq!(
        error_code(&second),
        "CONFLICT",
        "exactly one Accountable per subject"
    );
    let who = app
        .ok(&token, r#"query($id: ID!) { accountableFor(subjectType: "ai_system", subjectId: $id) { party } }"#, json!({ "id": id }))
        .await;
    assert_eq!(who["accountableFor"]["party"], "dana");
    let what = app
        .ok(&token, r#"{ responsibilitiesOf(party: "dana", role: "accountable") { subjectType subjectId } }"#, json!({}))
        .await;
    assert_eq!(what["responsibilitiesOf"][0]["subjectId"], id.as_str());
    let missing = app
        .graphql_as(
            &token,
            assign,
            json!({ "id": "99999", "p": "x", "r": "informed" }),
        )
        .await
        .1;
    assert_eq!(error_code(&missing), "NOT_FOUND");
    app.stop().await;
}

async fn artefacts_are_versioned_hashed_and_downloadable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let upload = |body: &'static str| {
        app.client
            .post(app.url(&format!(
                "/uploads/artifact?kind=model_card&title=Credit%20scorer%20card&aiSystemId={system}"
            )))
            .bearer_auth(&token)
            .header("Content-Type", "application/pdf")
            .body(body)
            .send()
    };
    let first: Value = upload("%PDF card v1")
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let second: Value = upload("%PDF card v2")
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(first["version"], 1);
    assert_eq!(second["version"], 2);
    let expected = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b"%PDF card v2"))
    };
    assert_eq!(second["sha256"], expected.as_str());
    let (status, body) = app
        .get_as(&token, &format!("/artifacts/{}/content", second["id"]))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body, "%PDF card v2");

    let by_uri = app
        .graphql_as(&token, r#"mutation($s: ID!) { addArtifact(input: { kind: "validation_report", title: "Q3 validation", aiSystemId: $s, uri: "https://docs.example.com/q3.pdf" }) { id } }"#, json!({ "s": system }))
        .await
        .1;
    assert_eq!(
        error_code(&by_uri),
        "VALIDATION",
        "a URI artefact needs its sha256"
    );
    let listed = app
        .ok(
            &token,
            r#"query($s: ID) { artifacts(aiSystemId: $s) { version sha256 downloadUrl addedBy } }"#,
            json!({ "s": system }),
        )
        .await;
    assert_eq!(listed["artifacts"].as_array().expect("list").len(), 2);
    assert_eq!(listed["artifacts"][0]["addedBy"], "alice@acme");
    let other = app.admin("globex").await;
    let (status, _) = app
        .get_as(&other, &format!("/artifacts/{}/content", second["id"]))
        .await;
    assert_eq!(
        status, 404,
        "another organization's artefact does not exist for them"
    );
    app.stop().await;
}

async fn governance_routes_and_evidence_gaps(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let body = board(&app, &token, &["cro"]).await;
    let bad = app
        .graphql_as(&token, r#"mutation($b: ID!) { setEscalationRoute(severity: "critical", bodyId: $b, recipients: ["not-an-email"]) { id } }"#, json!({ "b": body }))
        .await
        .1;
    assert_eq!(error_code(&bad), "VALIDATION");
    app.ok(&token, r#"mutation($b: ID!) { setEscalationRoute(severity: "critical", bodyId: $b, recipients: ["cro@acme.example"]) { id } }"#, json!({ "b": body }))
        .await;
    app.ok(&token, r#"mutation($b: ID!) { setEscalationRoute(severity: "low", bodyId: $b, recipients: ["ops@acme.example"]) { id } }"#, json!({ "b": body }))
        .await;
    let routes = app.ok(&token, "{ escalationRoutes { severity recipients } governanceBodies { name members { person canApprove } } }", json!({})).await;
    assert_eq!(routes["escalationRoutes"][0]["severity"], "low");
    assert_eq!(routes["escalationRoutes"][1]["severity"], "critical");
    assert_eq!(routes["governanceBodies"][0]["members"][0]["person"], "cro");

    // Every seeded control lacks evidence; expired evidence does not change that.
    let before = app
        .ok(
            &token,
            "{ controlsWithoutCurrentEvidence { code } }",
            json!({}),
        )
        .await;
    let count = before["controlsWithoutCurrentEvidence"]
        .as_array()
        .expect("list")
        .len();
    assert!(count >= 60);
    let controls = app
        .ok(
            &token,
            r#"{ controls(search: "GOV-01") { edges { node { id code } } } }"#,
            json!({}),
        )
        .await;
    let gov01 = controls["controls"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let add = r#"mutation($c: ID!, $at: DateTime!, $until: DateTime) { addEvidence(controlId: $c, input: { title: "Signed policy", kind: "approval", collectedAt: $at, validUntil: $until }) { current } }"#;
    let now = chrono::Utc::now();
    let expired = app
        .ok(&token, add, json!({ "c": gov01, "at": (now - chrono::Duration::days(400)).to_rfc3339(), "until": (now - chrono::Duration::days(35)).to_rfc3339() }))
        .await;
    assert_eq!(expired["addEvidence"]["current"], false);
    let after = app
        .ok(
            &token,
            "{ controlsWithoutCurrentEvidence { code } }",
            json!({}),
        )
        .await;
    assert_eq!(
        after["controlsWithoutCurrentEvidence"]
            .as_array()
            .expect("list")
            .len(),
        count,
        "expired evidence does not count"
    );
    app.ok(
        &token,
        add,
        json!({ "c": gov01, "at": (now - chrono::Duration::days(1)).to_rfc3339(), "until": null }),
    )
    .await;
    let fresh = app
        .ok(
            &token,
            "{ controlsWithoutCurrentEvidence { code } }",
            json!({}),
        )
        .await;
    assert_eq!(
        fresh["controlsWithoutCurrentEvidence"]
            .as_array()
            .expect("list")
            .len(),
        count - 1
    );
    let bad_kind = app
        .graphql_as(
            &token,
            add.replace("\"approval\"", "\"vibes\"").as_str(),
            json!({ "c": gov01, "at": now.to_rfc3339(), "until": null }),
        )
        .await
        .1;
    assert_eq!(error_code(&bad_kind), "VALIDATION");
    app.stop().await;
}
