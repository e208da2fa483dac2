//! Stored runs and files: a run built on request keeps every output (CSV one per table) with its
//! sha256, and each downloads again byte for byte even after the records change; the CLI writes
//! any kind and format; readers without the right cannot build or fetch.

use serde_json::json;
use sha2::{Digest, Sha256};

use super::download;
use crate::fixtures::create_system;
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    a_stored_run_downloads_again_byte_for_byte,
    the_cli_builds_any_kind_and_refuses_bad_periods,
);

const BUILD: &str = r#"mutation($f: [ReportFormat!]!) { buildReport(kind: soa, period: "2026-Q3", formats: $f) {
    id kind period trigger checksum dataSha256 outputs { format mediaType fileName sha256 bytes url } } }"#;

async fn a_stored_run_downloads_again_byte_for_byte(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let run = app
        .ok(
            &token,
            BUILD,
            json!({ "f": ["pdf", "xlsx", "csv", "json"] }),
        )
        .await["buildReport"]
        .clone();
    assert_eq!(run["kind"], "soa");
    assert_eq!(run["period"], "2026-Q3");
    assert_eq!(run["trigger"], "manual");
    let outputs = run["outputs"].as_array().expect("outputs");
    let formats: Vec<&str> = outputs
        .iter()
        .map(|o| o["format"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        formats,
        vec![
            "pdf",
            "xlsx",
            "csv:statement_of_applicability",
            "csv:soa_evidence",
            "json"
        ],
        "CSV is stored one file per table"
    );
    let mut first: Vec<Vec<u8>> = Vec::new();
    for output in outputs {
        let (status, media, bytes) =
            download(&app, &token, output["url"].as_str().expect("url")).await;
        assert_eq!(status, 200, "{output}");
        assert_eq!(media, output["mediaType"].as_str().expect("media"));
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            output["sha256"],
            "{output}"
        );
        assert_eq!(bytes.len() as i64, output["bytes"].as_i64().expect("bytes"));
        first.push(bytes);
    }
    // The checksum covers every output's sha256 in order.
    let joined: Vec<&str> = outputs
        .iter()
        .map(|o| o["sha256"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        run["checksum"],
        hex::encode(Sha256::digest(joined.join("\n").as_bytes()))
    );

    // The records change; a new build differs, the stored run does not.
    app.ok(
        &token,
        r#"mutation { setRequirementApplicability(requirement: "urn:accord:iso-iec-42001:2023:A.10.4", applicable: false, justification: "No customers receive our AI systems.") }"#,
        json!({}),
    )
    .await;
    let again = app.ok(&token, BUILD, json!({ "f": ["pdf"] })).await["buildReport"].clone();
    assert_ne!(again["dataSha256"], run["dataSha256"]);
    for (output, bytes) in outputs.iter().zip(&first) {
        let (_, _, later) = download(&app, &token, output["url"].as_str().expect("url")).await;
        assert_eq!(&later, bytes, "{} is byte-identical", output["format"]);
    }
    let listed = app
        .ok(
            &token,
            "{ reportRuns(kind: soa) { totalCount nodes { id outputs { format } } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["reportRuns"]["totalCount"], 2);
    assert_eq!(listed["reportRuns"]["nodes"][1]["id"], run["id"]);

    // Other organizations and the integrator role see none of it.
    let other = app.admin("globex").await;
    let url = outputs[0]["url"].as_str().expect("url");
    let (status, _, _) = download(&app, &other, url).await;
    assert_eq!(status, 404);
    let integrator = app.token("ivan", "acme", &["integrator"]);
    let (status, _, _) = download(&app, &integrator, url).await;
    assert_eq!(status, 403);
    let (_, body) = app
        .graphql_as(&integrator, BUILD, json!({ "f": ["pdf"] }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    // Formats are checked before anything is built.
    let (_, body) = app.graphql_as(&token, BUILD, json!({ "f": [] })).await;
    assert_eq!(error_code(&body), "VALIDATION");
    assert_eq!(body["errors"][0]["extensions"]["field"], "formats");
    let (_, body) = app
        .graphql_as(
            &token,
            r#"mutation { buildReport(kind: soa, period: "2026-Q5", formats: [pdf]) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "period");
    assert_eq!(body["errors"][0]["extensions"]["rule"], "period_format");
    assert_eq!(
        app.count_rows("report_run").await,
        2,
        "refusals store nothing"
    );
    app.stop().await;
}

async fn the_cli_builds_any_kind_and_refuses_bad_periods(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let dir = tempfile::tempdir().expect("dir");
    for (kind, format, magic) in [
        ("soa", "pdf", &b"%PDF-"[..]),
        ("compliance", "xlsx", &b"PK"[..]),
        ("escalation", "csv", &b"severity,"[..]),
        ("metrics", "json", &b"{"[..]),
        ("board", "html", &b"<!DOCTYPE html>"[..]),
    ] {
        let out = dir.path().join(format!("{kind}.{format}"));
        let (code, text) = app.cli(&[
            "report",
            "build",
            "--org",
            "acme",
            "--kind",
            kind,
            "--period",
            "2026-Q3",
            "--format",
            format,
            "-o",
            out.to_str().expect("path"),
        ]);
        assert_eq!(code, 0, "{kind} {format}: {text}");
        assert!(
            text.contains("query") && text.contains("render"),
            "stage timings: {text}"
        );
        let bytes = std::fs::read(&out).expect("written");
        assert!(bytes.starts_with(magic), "{kind}.{format}");
    }
    let (code, text) = app.cli(&[
        "report", "build", "--org", "acme", "--kind", "soa", "--period", "Q3",
    ]);
    assert_ne!(code, 0);
    assert!(text.contains("period"), "{text}");
    let (code, text) = app.cli(&["report", "build", "--org", "acme", "--kind", "horoscope"]);
    assert_ne!(code, 0);
    assert!(text.contains("governance-board"), "{text}");
    app.stop().await;
}
