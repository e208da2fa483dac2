//! Documentation artefacts over HTTP: versions, hashes, downloads.

use serde_json::{Value, json};

use crate::fixtures::create_system;
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(artefacts_are_versioned_hashed_and_downloadable,);

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
            r#"query($s: ID) { artifacts(aiSystemId: $s) { nodes { version sha256 downloadUrl addedBy } } }"#,
            json!({ "s": system }),
        )
        .await;
    assert_eq!(
        listed["artifacts"]["nodes"].as_array().expect("list").len(),
        2
    );
    assert_eq!(listed["artifacts"]["nodes"][0]["addedBy"], "alice@acme");
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
