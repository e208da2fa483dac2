//! Integrator exports and imports over HTTP: CSV and OSCAL 1.2 (validated against NIST's
//! published schema), round trips, and all-or-nothing imports that name every bad row.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    exports_are_valid_oscal_and_csv,
    csv_round_trip_gives_the_same_mappings,
    oscal_round_trip_gives_the_same_mappings,
    an_import_with_one_bad_row_imports_nothing,
);

fn oscal_validator() -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/oscal/oscal_complete_schema-1.2.3.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("schema JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, document: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not valid OSCAL 1.2.3: {errors:#?}"
    );
}

async fn exports_are_valid_oscal_and_csv(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let validator = oscal_validator();
    for slug in ["nist-csf", "nist-ai-rmf", "iso-iec-42001"] {
        let (status, body) = app
            .get_as(&token, &format!("/exports/oscal/catalog/{slug}.json"))
            .await;
        assert_eq!(status, 200);
        assert_valid(
            &validator,
            &serde_json::from_str(&body).expect("json"),
            &format!("{slug} catalog"),
        );
    }
    for (from, to) in [
        ("nist-ai-rmf", "iso-iec-42001"),
        ("nist-csf", "iso-iec-42001"),
        ("nist-csf", "nist-ai-rmf"),
    ] {
        let (status, body) = app
            .get_as(
                &token,
                &format!("/exports/oscal/mapping.json?from={from}&to={to}"),
            )
            .await;
        assert_eq!(status, 200);
        let document: Value = serde_json::from_str(&body).expect("json");
        assert_valid(
            &validator,
            &document,
            &format!("{from} -> {to} mapping collection"),
        );
        let maps = document["mapping-collection"]["mappings"][0]["maps"]
            .as_array()
            .expect("maps");
        assert!(maps.len() > 50);
    }
    let (status, csv) = app
        .get_as(
            &token,
            "/exports/crosswalk.csv?from=nist-ai-rmf&to=iso-iec-42001",
        )
        .await;
    assert_eq!(status, 200);
    assert!(csv.starts_with("source_id,source_framework,target_id,target_framework,relationship,rationale,strength,score,confidence,inferred,path,provenance"));
    assert!(csv.lines().count() > 50);

    let url = app
        .ok(
            &token,
            r#"{ crosswalkExportUrl(from: "nist-csf", to: "nist-ai-rmf", format: CSV) }"#,
            json!({}),
        )
        .await;
    let (status, _) = app
        .get_as(&token, url["crosswalkExportUrl"].as_str().expect("url"))
        .await;
    assert_eq!(status, 200, "the URL GraphQL hands out downloads");
    let (status, _) = app
        .get_as(
            "not-a-token",
            "/exports/crosswalk.csv?from=nist-csf&to=nist-ai-rmf",
        )
        .await;
    assert_eq!(status, 401);
    let (status, _) = app
        .get_as(&token, "/exports/crosswalk.csv?from=nist-csf&to=nope")
        .await;
    assert_eq!(status, 404);
    app.stop().await;
}

const SAMPLE: &str = "source_id,source_framework,target_id,target_framework,relationship,rationale,strength,justification
GOVERN 1.1,nist-ai-rmf,A.2.2,iso-iec-42001,intersects_with,semantic,6,both concern AI policy and legal duties
GOVERN 1.2,nist-ai-rmf:1.0,A.2.4,iso-iec-42001:2023,subset_of,semantic,7,principles feed policy alignment
MAP 1.1,nist-ai-rmf,6.1.2,iso-iec-42001,superset_of,functional,8,context of use drives the impact assessment
";

type DirectRow = (String, String, String, String, String);

/// The direct mappings an organization exports, as comparable tuples, leaving out Accord's own
/// shipped crosswalk that every organization starts with (provenance `accord-crosswalk@...`).
async fn imported_set(app: &TestApp, token: &str) -> BTreeSet<DirectRow> {
    direct_rows(app, token, false).await
}

/// Every direct mapping an organization exports (shipped and imported), as comparable tuples.
async fn direct_set(app: &TestApp, token: &str) -> BTreeSet<DirectRow> {
    direct_rows(app, token, true).await
}

async fn direct_rows(app: &TestApp, token: &str, with_shipped: bool) -> BTreeSet<DirectRow> {
    let (status, csv) = app
        .get_as(
            token,
            "/exports/crosswalk.csv?from=nist-ai-rmf&to=iso-iec-42001&via=direct",
        )
        .await;
    assert_eq!(status, 200);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let provenance = reader
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == "provenance")
        .expect("provenance column");
    reader
        .records()
        .map(|r| r.expect("record"))
        .filter(|r| with_shipped || !r[provenance].starts_with("accord-crosswalk@"))
        .map(|r| {
            (
                r[0].to_string(),
                r[2].to_string(),
                r[4].to_string(),
                r[5].to_string(),
                r[6].to_string(),
            )
        })
        .collect()
}

async fn csv_round_trip_gives_the_same_mappings(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let acme = app.admin("acme").await;
    let (status, report) = app
        .post_file(&acme, "/imports/crosswalk", "text/csv", SAMPLE.into())
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 3);
    assert_eq!(imported_set(&app, &acme).await.len(), 3);
    let original = direct_set(&app, &acme).await;
    assert!(imported_set(&app, &acme).await.contains(&(
        "MAP 1.1".into(),
        "6.1.2".into(),
        "superset_of".into(),
        "functional".into(),
        "8".into()
    )));

    // The inverse direction is derived from the one stored row.
    let reverse = app
        .ok(&acme, r#"{ crosswalk(from: "iso-iec-42001", to: "nist-ai-rmf", via: [DIRECT]) { edges { node { source { refId } target { refId } relationship derivedInverse inferred } } } }"#, json!({}))
        .await;
    let edges = reverse["crosswalk"]["edges"].as_array().expect("edges");
    let row = edges
        .iter()
        .find(|e| {
            e["node"]["source"]["refId"] == "6.1.2" && e["node"]["target"]["refId"] == "MAP 1.1"
        })
        .expect("6.1.2 -> MAP 1.1")["node"]
        .clone();
    assert_eq!(row["relationship"], "SUBSET_OF");
    assert_eq!(row["derivedInverse"], true);
    assert_eq!(row["inferred"], false);

    // Export from acme, import into globex (and again, idempotently): the same mappings.
    let (_, exported) = app
        .get_as(
            &acme,
            "/exports/crosswalk.csv?from=nist-ai-rmf&to=iso-iec-42001&via=direct",
        )
        .await;
    let globex = app.admin("globex").await;
    let (status, first) = app
        .post_file(&globex, "/imports/crosswalk", "text/csv", exported.clone())
        .await;
    assert_eq!(status, 200, "{first}");
    let (_, second) = app
        .post_file(&globex, "/imports/crosswalk", "text/csv", exported)
        .await;
    // The export carries the shipped crosswalk too; every row is already there the second time.
    assert_eq!(second["created"], json!(0));
    assert_eq!(second["updated"].as_u64(), Some(original.len() as u64));
    assert_eq!(direct_set(&app, &globex).await, original);
    app.stop().await;
}

async fn oscal_round_trip_gives_the_same_mappings(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let acme = app.admin("acme").await;
    let (status, _) = app
        .post_file(&acme, "/imports/crosswalk", "text/csv", SAMPLE.into())
        .await;
    assert_eq!(status, 200);
    let (_, oscal) = app
        .get_as(
            &acme,
            "/exports/oscal/mapping.json?from=nist-ai-rmf&to=iso-iec-42001&via=direct",
        )
        .await;
    assert_valid(
        &oscal_validator(),
        &serde_json::from_str(&oscal).expect("json"),
        "direct mapping collection",
    );
    let globex = app.admin("globex").await;
    let (status, report) = app
        .post_file(&globex, "/imports/crosswalk", "application/json", oscal)
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 3);
    assert_eq!(
        direct_set(&app, &globex).await,
        direct_set(&app, &acme).await
    );

    // Inferred answers in a full export are derived data and are skipped on import.
    let (_, full) = app
        .get_as(
            &acme,
            "/exports/oscal/mapping.json?from=nist-ai-rmf&to=iso-iec-42001",
        )
        .await;
    let initech = app.admin("initech").await;
    let (status, report) = app
        .post_file(&initech, "/imports/crosswalk", "application/json", full)
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 3);
    assert!(report["skippedInferred"].as_i64().unwrap_or(0) > 50);
    app.stop().await;
}

async fn an_import_with_one_bad_row_imports_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let shipped = app.count_rows("requirement_mapping").await;
    let bad = format!(
        "{SAMPLE}GOVERN 9.9,nist-ai-rmf,A.2.2,iso-iec-42001,equal,semantic,5,no such subcategory\nMAP 1.2,nist-ai-rmf,A.5.2,iso-iec-42001,kinda,semantic,5,bad relationship\n"
    );
    let (status, body) = app
        .post_file(&token, "/imports/crosswalk", "text/csv", bad.clone())
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_code(&body), "VALIDATION");
    let rows = body["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{body}");
    assert_eq!(rows[0]["location"], "line 5");
    assert!(
        rows[0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("GOVERN 9.9")
    );
    assert_eq!(rows[1]["location"], "line 6");
    assert_eq!(
        app.count_rows("requirement_mapping").await,
        shipped,
        "nothing was imported"
    );

    // The same through GraphQL: a VALIDATION error listing the rows.
    let (_, body) = app
        .graphql_as(
            &token,
            "mutation($c: String!) { importCrosswalk(format: CSV, content: $c) { created } }",
            json!({ "c": bad }),
        )
        .await;
    assert_eq!(error_code(&body), "VALIDATION");
    assert_eq!(
        body["errors"][0]["extensions"]["rows"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // Writers only: an integrator key-holder cannot import.
    let integrator = app.token("ivan", "acme", &["integrator"]);
    let (status, _) = app
        .post_file(&integrator, "/imports/crosswalk", "text/csv", SAMPLE.into())
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .post_file(&token, "/imports/crosswalk", "text/plain", SAMPLE.into())
        .await;
    assert_eq!(status, 415);
    assert_eq!(app.count_rows("requirement_mapping").await, shipped);
    app.stop().await;
}
