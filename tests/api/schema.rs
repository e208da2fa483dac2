//! `schema.graphql` at the repository root is the contract with the frontend and integrators:
//! this test fails when it differs from the schema the server serves. Regenerate it with
//! `UPDATE_SCHEMA=1 cargo test --test api schema`.

use crate::helpers::{Backend, TestApp};

#[tokio::test]
async fn committed_schema_matches_served_schema() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let served = accord::graphql::build_schema(app.services().clone(), &app.config.graphql).sdl();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &served).expect("write schema.graphql");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    app.stop().await;
    assert!(
        committed == served,
        "schema.graphql is stale: run `UPDATE_SCHEMA=1 cargo test --test api schema` and commit it"
    );
}
