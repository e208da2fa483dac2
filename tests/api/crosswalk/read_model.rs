//! The crosswalk read model: its answers equal those computed from the database on every call
//! (on the demo data, every framework pair and both kinds of answer), and with two servers on one
//! database a change through one is seen by the next read through the other.

use std::collections::HashSet;

use accord::domain::crosswalk::coverage::{assess, assess_from_database};
use accord::domain::crosswalk::{CrosswalkRequest, Via, crosswalk, crosswalk_from_database};
use accord::domain::kernel::viewer::Viewer;
use serde_json::json;

use crate::helpers::{Backend, TestApp};

backend_tests!(read_model_answers_equal_fresh_computation_on_demo_data);

async fn read_model_answers_equal_fresh_computation_on_demo_data(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (code, output) = app.cli(&["demo", "seed", "--org", "acme", "--size", "small"]);
    assert_eq!(code, 0, "{output}");
    let services = app.services();
    let organization_id = accord::domain::account::organizations::by_slug(services, "acme")
        .await
        .expect("acme")
        .id;
    let viewer = Viewer::System { organization_id };
    let frameworks: Vec<i32> = services.catalog.frameworks().iter().map(|f| f.id).collect();
    let mut compared = 0;
    // Twice: the first pass builds the model, the second reads it from memory.
    for _ in 0..2 {
        for &from in &frameworks {
            for &to in &frameworks {
                if from == to {
                    continue;
                }
                let request = CrosswalkRequest {
                    from_framework_id: from,
                    to_framework_id: to,
                    sources: None,
                    via: vec![Via::Direct, Via::Controls],
                };
                let cached = crosswalk(services, &viewer, &request)
                    .await
                    .expect("cached");
                let fresh = crosswalk_from_database(services, &viewer, &request)
                    .await
                    .expect("fresh");
                assert!(!fresh.is_empty());
                assert_eq!(
                    format!("{cached:?}"),
                    format!("{fresh:?}"),
                    "{from} -> {to}"
                );
                compared += fresh.len();
            }
            let cached = assess(services, &viewer, from).await.expect("cached");
            let fresh = assess_from_database(services, &viewer, from)
                .await
                .expect("fresh");
            assert_eq!(format!("{:?}", cached.as_ref()), format!("{fresh:?}"));
        }
    }
    assert!(compared > 1000, "{compared} answers compared");
    app.stop().await;
}

const COVERAGE: &str = r#"{ coverage(framework: "iso-iec-42001") { totals { satisfied } requirements { requirement { refId } status } } }"#;

fn status_of(data: &serde_json::Value, reference: &str) -> String {
    data["coverage"]["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["requirement"]["refId"] == reference)
        .map(|r| r["status"].as_str().unwrap_or_default().to_string())
        .expect("assessed")
}

/// Two instances on one PostgreSQL: coverage read (and cached) on the second changes at once
/// when a control is implemented through the first.
const CROSSWALK_A22: &str = r#"{ crosswalk(from: "iso-iec-42001", to: "nist-csf", requirement: "A.2.2") { edges { node { path { control { code } } } } } }"#;

fn control_codes(answers: &serde_json::Value) -> HashSet<String> {
    answers["crosswalk"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| {
            e["node"]["path"][1]["control"]["code"]
                .as_str()
                .map(str::to_string)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_instance_is_seen_by_the_next_read_on_another() {
    if !crate::helpers::postgres_configured() {
        return;
    }
    let first = TestApp::spawn(Backend::Postgres).await;
    let shared_url = first.config.database_url.clone();
    let shared_dir = first.config.data_dir.clone();
    let second = TestApp::spawn_with(Backend::Postgres, |config| {
        config.database_url = shared_url;
        // Same secrets, as instances behind one load balancer share them.
        config.data_dir = shared_dir;
    })
    .await;
    let token = first.admin("acme").await;
    // Read the crosswalk twice on the second instance so its response is kept there.
    let crosswalk_before = second.ok(&token, CROSSWALK_A22, json!({})).await;
    assert_eq!(
        second.ok(&token, CROSSWALK_A22, json!({})).await,
        crosswalk_before
    );
    assert!(!control_codes(&crosswalk_before).contains("POL-1"));
    let before = second.ok(&token, COVERAGE, json!({})).await;
    assert_eq!(status_of(&before, "A.2.2"), "NOT_COVERED");
    // Read twice so the second instance certainly serves from its read model.
    second.ok(&token, COVERAGE, json!({})).await;

    let control = first
        .ok(
            &token,
            r#"mutation { createControl(input: { code: "POL-1", domain: "governance", title: "AI policy", status: IMPLEMENTED }) { id } }"#,
            json!({}),
        )
        .await["createControl"]["id"]
        .clone();
    first
        .ok(
            &token,
            r#"mutation($c: ID!) { addControlMapping(controlId: $c, requirement: "urn:accord:iso-iec-42001:2023:A.2.2",
                input: { relationship: EQUAL, justification: "the AI policy itself" }) { id } }"#,
            json!({ "c": control }),
        )
        .await;
    first
        .ok(
            &token,
            r#"mutation($c: ID!) { addControlMapping(controlId: $c, requirement: "urn:accord:nist-csf:2.0:GV.PO-01",
                input: { relationship: INTERSECTS_WITH, justification: "policy is set" }) { id } }"#,
            json!({ "c": control }),
        )
        .await;
    let collected = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    first
        .ok(
            &token,
            r#"mutation($c: ID!, $at: DateTime!) { addEvidence(controlId: $c,
                input: { title: "Signed policy", kind: "policy", collectedAt: $at }) { id } }"#,
            json!({ "c": control, "at": collected }),
        )
        .await;

    let after = second.ok(&token, COVERAGE, json!({})).await;
    assert_eq!(status_of(&after, "A.2.2"), "SATISFIED");
    assert_eq!(
        after["coverage"]["totals"]["satisfied"].as_i64(),
        before["coverage"]["totals"]["satisfied"]
            .as_i64()
            .map(|n| n + 1)
    );
    // And the crosswalk through the new control is answered by the second instance too: its kept
    // response went with the old audit sequence.
    let answers = second.ok(&token, CROSSWALK_A22, json!({})).await;
    let codes = control_codes(&answers);
    assert!(codes.contains("POL-1"), "{codes:?}");
    second.stop().await;
    first.stop().await;
}
