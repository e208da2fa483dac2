//! The Statement of Applicability: all 38 Annex A controls, each exclusion with its
//! justification, implementation from live coverage, implementing controls and dated evidence;
//! the same statement as XLSX (checked cell by cell) and PDF (text extracted).

use chrono::Duration;
use serde_json::{Value, json};

use super::{download, read_office, report, sheet_rows};
use crate::helpers::{Backend, TestApp};

backend_tests!(the_soa_lists_every_annex_a_control_with_its_justification);

const ISO: &str = "urn:accord:iso-iec-42001:2023";

/// A.2.2 implemented by a control with evidence; A.10.4 excluded. Returns the admin token.
async fn statement_data(app: &TestApp) -> String {
    let token = app.admin("acme").await;
    let control = app
        .ok(
            &token,
            r#"mutation { createControl(input: { code: "POL-AI", domain: "governance", title: "AI policy", status: IMPLEMENTED }) { id } }"#,
            json!({}),
        )
        .await["createControl"]["id"]
        .clone();
    app.ok(
        &token,
        r#"mutation($c: ID!, $r: String!) { addControlMapping(controlId: $c, requirement: $r,
            input: { relationship: EQUAL, justification: "The board-approved AI policy is this control." }) { id } }"#,
        json!({ "c": control, "r": format!("{ISO}:A.2.2") }),
    )
    .await;
    let now = app.services().clock.now();
    app.ok(
        &token,
        r#"mutation($c: ID!, $at: DateTime!, $until: DateTime) { addEvidence(controlId: $c,
            input: { title: "Policy approval minutes", kind: "policy", collectedAt: $at, validUntil: $until }) { id } }"#,
        json!({ "c": control, "at": (now - Duration::days(2)).to_rfc3339(), "until": (now + Duration::days(200)).to_rfc3339() }),
    )
    .await;
    app.ok(
        &token,
        r#"mutation($r: String!) { setRequirementApplicability(requirement: $r, applicable: false,
            justification: "We supply no AI systems to customers; no customer-facing obligations arise.") }"#,
        json!({ "r": format!("{ISO}:A.10.4") }),
    )
    .await;
    token
}

fn line<'a>(soa: &'a Value, id: &str) -> &'a Value {
    soa["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|l| l["id"] == id)
        .unwrap_or_else(|| panic!("{id} in the statement"))
}

async fn the_soa_lists_every_annex_a_control_with_its_justification(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = statement_data(&app).await;
    let soa = report(&app, &token, "soa", Some("2026-Q3"), json!(null)).await;
    assert_eq!(soa["kind"], "soa");
    assert_eq!(soa["period"]["label"], "2026-Q3");
    let controls = soa["controls"].as_array().expect("controls");
    assert_eq!(controls.len(), 38, "every Annex A control");
    assert_eq!(controls[0]["id"], "A.2.2");
    for l in controls {
        assert!(
            !l["justification"]
                .as_str()
                .unwrap_or_default()
                .trim()
                .is_empty(),
            "{} carries a justification",
            l["id"]
        );
    }
    let excluded = line(&soa, "A.10.4");
    assert_eq!(excluded["applicable"], false);
    assert_eq!(excluded["implementation"], "excluded");
    assert!(
        excluded["justification"]
            .as_str()
            .expect("text")
            .starts_with("We supply no AI systems")
    );
    assert_eq!(excluded["excluded_by"], "alice@acme");
    let exclusions: Vec<&Value> = controls
        .iter()
        .filter(|l| l["applicable"] == false)
        .collect();
    assert_eq!(exclusions.len(), 1);
    assert_eq!(
        (soa["applicable"].as_i64(), soa["excluded"].as_i64()),
        (Some(37), Some(1))
    );

    let policy = line(&soa, "A.2.2");
    assert_eq!(policy["applicable"], true);
    assert_eq!(policy["implementation"], "implemented");
    assert_eq!(
        policy["justification"],
        "The board-approved AI policy is this control."
    );
    let implementing = policy["implementing_controls"]
        .as_array()
        .expect("controls");
    assert!(
        implementing
            .iter()
            .any(|c| c["code"] == "POL-AI" && c["relationship"] == "equal")
    );
    let evidence = policy["evidence"].as_array().expect("evidence");
    let minutes = evidence
        .iter()
        .find(|e| e["title"] == "Policy approval minutes")
        .expect("the dated evidence");
    assert_eq!(minutes["control"], "POL-AI");
    assert_eq!(minutes["freshness"], "current");
    let collected = (app.services().clock.now() - Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        minutes["collected_at"]
            .as_str()
            .expect("date")
            .starts_with(&collected)
    );
    assert_eq!(
        soa["implemented"].as_i64(),
        Some(
            controls
                .iter()
                .filter(|l| l["implementation"] == "implemented")
                .count() as i64
        )
    );

    // XLSX, as an auditor's spreadsheet reads it.
    let (status, media, bytes) =
        download(&app, &token, "/reports/soa?format=xlsx&period=2026-Q3").await;
    assert_eq!(status, 200);
    assert!(media.contains("spreadsheetml"), "{media}");
    if let Some(book) = read_office("xlsx", &bytes) {
        assert_eq!(
            book["order"],
            json!(["statement_of_applicability", "soa_evidence"])
        );
        let sheet = &book["sheets"]["statement_of_applicability"];
        assert_eq!(sheet["freeze"], "A2", "the header row is frozen");
        let rows = sheet_rows(&book, "statement_of_applicability");
        assert_eq!(rows.len(), 39, "a header and 38 controls");
        let header: Vec<&str> = rows[0]
            .as_array()
            .expect("header")
            .iter()
            .map(|c| c["v"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            header,
            vec![
                "control",
                "heading",
                "applicable",
                "justification",
                "implementation",
                "implementing controls",
                "evidence"
            ]
        );
        let row = rows
            .iter()
            .find(|r| r[0]["v"] == "A.10.4")
            .expect("A.10.4 row");
        assert_eq!(row[2], json!({ "t": "s", "v": "no" }));
        assert!(
            row[3]["v"]
                .as_str()
                .expect("text")
                .starts_with("We supply no AI systems")
        );
        assert_eq!(row[4]["v"], "excluded");
        let evidence = sheet_rows(&book, "soa_evidence");
        let dated = evidence
            .iter()
            .find(|r| r[2]["v"] == "Policy approval minutes")
            .expect("evidence row");
        assert_eq!(dated[0]["v"], "A.2.2");
        assert_eq!(dated[3]["t"], "d", "collection dates are typed dates");
        assert!(
            dated[3]["v"]
                .as_str()
                .expect("date")
                .starts_with(&collected)
        );
    }

    // PDF with real text: the header names organization, kind and period; pages are numbered.
    let (status, media, bytes) =
        download(&app, &token, "/reports/soa?format=pdf&period=2026-Q3").await;
    assert_eq!(status, 200);
    assert_eq!(media, "application/pdf");
    if let Some(pdf) = read_office("pdf", &bytes) {
        let pages = pdf["pages"].as_u64().expect("pages");
        assert!(pages >= 2, "38 controls with justifications take pages");
        let text: Vec<&str> = pdf["text"]
            .as_array()
            .expect("text")
            .iter()
            .map(|t| t.as_str().unwrap_or_default())
            .collect();
        for (n, page) in text.iter().enumerate() {
            assert!(
                page.contains(&format!("Page {} of {pages}", n + 1)),
                "page {} is numbered: {page}",
                n + 1
            );
            assert!(
                page.contains("acme"),
                "the running header names the organization"
            );
            assert!(page.contains("2026-Q3"), "and the period");
        }
        let all = text.join("\n");
        assert!(all.contains("Statement of Applicability"));
        assert!(all.contains("A.10.4"));
        assert!(all.contains("We supply no AI systems"));
        assert!(all.contains("POL-AI"));
        assert_eq!(
            pdf["title"],
            "Statement of Applicability (ISO/IEC 42001 Annex A)"
        );
    }
    app.stop().await;
}
