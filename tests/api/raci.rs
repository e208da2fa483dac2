//! RACI assignments over HTTP: one Accountable, both directions of the question.

use serde_json::json;

use crate::fixtures::create_system;
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(raci_allows_one_accountable_and_answers_both_questions,);

async fn raci_allows_one_accountable_and_answers_both_questions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let id = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let assign = r#"mutation($id: ID!, $p: String!, $r: RaciRole!) { assignRaci(subjectType: "ai_system", subjectId: $id, party: $p, role: $r) { id role } }"#;
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
        .ok(&token, r#"{ responsibilitiesOf(party: "dana", role: "accountable") { nodes { subjectType subjectId } } }"#, json!({}))
        .await;
    assert_eq!(
        what["responsibilitiesOf"]["nodes"][0]["subjectId"],
        id.as_str()
    );
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
