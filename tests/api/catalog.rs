//! Catalog queries over HTTP: frameworks, requirements, hierarchy, pagination, idempotent loading.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    frameworks_report_every_catalog_row,
    restart_keeps_one_copy_of_each_catalog,
    requirement_by_urn_and_id_with_hierarchy,
    requirements_filter_and_paginate,
    framework_requirements_and_top_level,
);

fn counts(body: &Value) -> Vec<(String, i64)> {
    let mut counts: Vec<(String, i64)> = body["data"]["frameworks"]["nodes"]
        .as_array()
        .expect("frameworks list")
        .iter()
        .map(|fw| {
            (
                fw["slug"].as_str().expect("slug").to_string(),
                fw["requirementCount"].as_i64().expect("count"),
            )
        })
        .collect();
    counts.sort();
    counts
}

async fn frameworks_report_every_catalog_row(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let body = app
        .graphql(
            "{ frameworks { nodes { slug requirementCount version } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        counts(&body),
        vec![
            ("iso-iec-42001".to_string(), 95),
            ("nist-ai-rmf".to_string(), 95),
            ("nist-csf".to_string(), 134),
        ]
    );
    let body = app
        .graphql(
            "{ framework(slug: \"nist-csf\") { name version shortName } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["framework"]["version"], "2.0");
    assert_eq!(body["data"]["framework"]["shortName"], "CSF 2.0");
    app.stop().await;
}

async fn restart_keeps_one_copy_of_each_catalog(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    let before = counts(
        &app.graphql(
            "{ frameworks { nodes { slug requirementCount } } }",
            json!({}),
        )
        .await,
    );
    app.restart().await;
    app.restart().await;
    let after = counts(
        &app.graphql(
            "{ frameworks { nodes { slug requirementCount } } }",
            json!({}),
        )
        .await,
    );
    assert_eq!(before, after);
    assert_eq!(after.len(), 3, "one copy of each framework version");
    app.stop().await;
}

async fn requirement_by_urn_and_id_with_hierarchy(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let query = r#"query($urn: String) { requirement(urn: $urn) {
        id refId kind text urn framework { slug }
        parent { refId } ancestors { refId } children { refId } } }"#;
    let body = app
        .graphql(query, json!({ "urn": "urn:accord:nist-csf:2.0:GV.OC-01" }))
        .await;
    let req = &body["data"]["requirement"];
    assert_eq!(req["refId"], "GV.OC-01");
    assert_eq!(req["kind"], "subcategory");
    assert_eq!(req["framework"]["slug"], "nist-csf");
    assert_eq!(req["parent"]["refId"], "GV.OC");
    assert_eq!(
        req["ancestors"],
        json!([{ "refId": "GV" }, { "refId": "GV.OC" }])
    );
    assert!(req["text"].as_str().expect("text").contains("mission"));

    // The same row by id; spaces in AI RMF ids are percent-encoded in the URN.
    let id = req["id"].as_str().expect("id").to_string();
    let by_id = app
        .graphql(
            "query($id: ID) { requirement(id: $id) { urn } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        by_id["data"]["requirement"]["urn"],
        "urn:accord:nist-csf:2.0:GV.OC-01"
    );
    let rmf = app
        .graphql(
            query,
            json!({ "urn": "urn:accord:nist-ai-rmf:1.0:GOVERN%201" }),
        )
        .await;
    let children = rmf["data"]["requirement"]["children"]
        .as_array()
        .expect("children");
    assert_eq!(children.len(), 7, "GOVERN 1 has subcategories 1.1 to 1.7");
    assert_eq!(children[0]["refId"], "GOVERN 1.1");

    // ISO/IEC 42001 ships headings only.
    let iso = app
        .graphql(
            query,
            json!({ "urn": "urn:accord:iso-iec-42001:2023:A.6.2.3" }),
        )
        .await;
    assert_eq!(iso["data"]["requirement"]["text"], "");
    assert_eq!(iso["data"]["requirement"]["parent"]["refId"], "A.6.2");
    app.stop().await;
}

async fn requirements_filter_and_paginate(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let query = r#"query($after: String) {
        requirements(framework: "nist-ai-rmf", kind: "subcategory", first: 50, after: $after) {
          totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { refId } } } }"#;
    let first = app.graphql(query, json!({ "after": null })).await;
    let page = &first["data"]["requirements"];
    assert_eq!(page["totalCount"], 72);
    assert_eq!(page["edges"].as_array().expect("edges").len(), 50);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["edges"][0]["node"]["refId"], "GOVERN 1.1");
    let cursor = page["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_string();
    let second = app.graphql(query, json!({ "after": cursor })).await;
    let page = &second["data"]["requirements"];
    assert_eq!(page["edges"].as_array().expect("edges").len(), 22);
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true);

    let by_parent = app
        .graphql(
            r#"{ requirements(framework: "nist-csf", parent: "GV.OC") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(by_parent["data"]["requirements"]["totalCount"], 5);

    let search = app
        .graphql(
            r#"{ requirements(framework: "nist-ai-rmf", search: "PRIVACY") { edges { node { refId text } } } }"#,
            json!({}),
        )
        .await;
    let hits = search["data"]["requirements"]["edges"]
        .as_array()
        .expect("edges");
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|e| {
        e["node"]["text"]
            .as_str()
            .is_some_and(|t| t.to_lowercase().contains("privacy"))
    }));

    let bad_cursor = app.graphql(query, json!({ "after": "not-a-cursor" })).await;
    assert_eq!(error_code(&bad_cursor), "VALIDATION");
    let too_many = app
        .graphql("{ requirements(first: 100000) { totalCount } }", json!({}))
        .await;
    assert!(
        too_many["errors"].is_array(),
        "an oversized page is refused: {too_many}"
    );
    app.stop().await;
}

async fn framework_requirements_and_top_level(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let body = app
        .graphql(
            r#"{ framework(slug: "iso-iec-42001") {
                topLevel { refId }
                requirements(kind: "annex_a_control", first: 100) { totalCount } } }"#,
            json!({}),
        )
        .await;
    let fw = &body["data"]["framework"];
    assert_eq!(
        fw["topLevel"].as_array().expect("top level").len(),
        10 + 9,
        "clauses 1-10 and nine Annex A domains"
    );
    assert_eq!(fw["requirements"]["totalCount"], 38);
    app.stop().await;
}

/// A new version of a framework loads beside the old one; `framework(slug)` then answers with the
/// newest, and the older version stays addressable.
#[tokio::test]
async fn a_new_catalog_version_loads_beside_the_old() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let next = r#"{"slug":"nist-csf","name":"NIST Cybersecurity Framework","short_name":"CSF 2.1","version":"2.1",
        "publisher":"NIST","published":"2027-01-01","licence":"public domain","source":"test",
        "requirements":[{"ref":"GV","kind":"function","parent":null,"title":"GOVERN","text":"t"},
                        {"ref":"GV.OC","kind":"category","parent":"GV","title":"Context","text":"t"}]}"#;
    let db = &app.services().db;
    let first = accord::domain::catalog::loader::load(db, &[("next.json", next)])
        .await
        .expect("loads");
    assert_eq!(
        first[0].2,
        accord::domain::catalog::loader::LoadOutcome::Inserted
    );
    let again = accord::domain::catalog::loader::load(db, &[("next.json", next)])
        .await
        .expect("loads");
    assert_eq!(
        again[0].2,
        accord::domain::catalog::loader::LoadOutcome::Unchanged,
        "idempotent"
    );
    let snapshot = accord::domain::catalog::CatalogSnapshot::load(db)
        .await
        .expect("snapshot");
    assert_eq!(
        snapshot
            .framework("nist-csf", None)
            .expect("newest")
            .version,
        "2.1"
    );
    assert_eq!(
        snapshot
            .framework("nist-csf", Some("2.0"))
            .expect("old")
            .requirement_count,
        134
    );
    assert!(
        snapshot
            .requirement_by_urn("urn:accord:nist-csf:2.1:GV.OC")
            .is_ok()
    );
    app.stop().await;
}
