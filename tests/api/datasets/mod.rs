//! Data governance over HTTP: every rights rule refuses with its code and stores nothing, an
//! approved exception lets a dataset with a rights problem through, a dataset in use cannot be
//! edited out from under its rules, special-category data makes a system critical, and the board
//! report's data section lists what is unresolved. The lineage graph is in [`lineage`].

use serde_json::{Value, json};

use crate::fixtures::{board, create_system};
use crate::helpers::{Backend, TestApp, error_code};

mod lineage;

backend_tests!(every_rights_rule_refuses_and_stores_nothing);

pub const CREATE: &str = "mutation($i: DatasetInput!) { createDataset(input: $i) { id } }";
pub const LINK: &str = "mutation($m: ID!, $d: ID!, $r: DataRole!, $p: String!) { linkModelDataset(modelVersionId: $m, datasetId: $d, role: $r, purpose: $p) { id } }";

pub fn dataset(name: &str) -> Value {
    json!({ "name": name, "version": "1.0", "source": "Core banking exports", "supplier": "Internal",
        "collectionMethod": "Nightly export", "legalBasis": "Contract", "copyrightStatus": "owned",
        "allowedPurposes": ["credit scoring"], "retention": "7 years", "owner": "data-office" })
}

pub async fn create(app: &TestApp, token: &str, input: Value) -> String {
    app.ok(token, CREATE, json!({ "i": input })).await["createDataset"]["id"]
        .as_str()
        .expect("id")
        .to_string()
}

pub async fn model_version(app: &TestApp, token: &str, system: &str, version: &str) -> String {
    app.ok(
        token,
        "mutation($s: ID!, $v: String!) { addModelVersion(aiSystemId: $s, input: { version: $v, intendedUse: \"Scoring\" }) { id } }",
        json!({ "s": system, "v": version }),
    )
    .await["addModelVersion"]["id"]
        .as_str()
        .expect("id")
        .to_string()
}

pub fn rule(body: &Value) -> &str {
    body["errors"][0]["extensions"]["rule"]
        .as_str()
        .unwrap_or_default()
}

async fn every_rights_rule_refuses_and_stores_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Credit scorer", "develop", "limited").await;
    let draft = model_version(&app, &token, &system, "1.0.0").await;
    let release = model_version(&app, &token, &system, "2.0.0").await;
    // Validated: moving to deploy.
    app.ok(
        &token,
        "mutation($m: ID!) { setModelVersionStatus(id: $m, status: validated) { status } }",
        json!({ "m": release }),
    )
    .await;

    let mut unknown = dataset("Scraped reviews");
    unknown["copyrightStatus"] = json!("unknown");
    let mut unlicensed = dataset("Bureau data");
    unlicensed["copyrightStatus"] = json!("licensed");
    let mut expired = dataset("Partner data");
    expired["copyrightStatus"] = json!("licensed");
    expired["licence"] = json!("Partner agreement 2024");
    expired["licenceExpires"] = json!("2025-12-31");
    let mut unauthorized = dataset("Regulator extract");
    unauthorized["authorizationRef"] = json!("REG-17");
    unauthorized["authorizationExpires"] = json!("2026-01-31");
    let mut special = dataset("Health claims");
    special["personalDataCategories"] = json!(["contact"]);
    special["specialCategories"] = json!(["health"]);
    special["personalDataHandling"] = json!("raw");
    let mut synthetic = dataset("Synthetic applicants");
    synthetic["synthetic"] = json!(true);
    synthetic["syntheticGenerator"] = json!("CTGAN 0.9");
    synthetic["syntheticValidation"] = json!({ "quality": "0.71 fidelity", "bias": "not measured",
        "reidentificationRisk": "high", "passed": false, "validatedOn": "2026-11-01" });
    let mut consent = dataset("Survey answers");
    consent["legalBasis"] = json!("Consent (GDPR 6(1)(a))");
    consent["consentStatus"] = json!("obtained");
    consent["personalDataCategories"] = json!(["contact"]);
    consent["personalDataHandling"] = json!("pseudonymized");

    let mut bad_date = synthetic.clone();
    bad_date["name"] = json!("Bad date");
    bad_date["syntheticValidation"]["validatedOn"] = json!("last week");
    let (_, refused) = app
        .graphql_as(&token, CREATE, json!({ "i": bad_date }))
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["field"], "syntheticValidation.validatedOn",
        "{refused}"
    );
    let mut ids = std::collections::HashMap::new();
    for (key, input) in [
        ("unknown", unknown),
        ("unlicensed", unlicensed),
        ("expired", expired),
        ("unauthorized", unauthorized),
        ("special", special),
        ("synthetic", synthetic),
        ("consent", consent),
        ("clean", dataset("Loan book")),
    ] {
        ids.insert(key, create(&app, &token, input).await);
    }
    let link = |model: &str, key: &str, role: &str, purpose: &str| json!({ "m": model, "d": ids[key], "r": role, "p": purpose });

    // Rights problems refuse training a model that is moving to deploy.
    for (key, expected) in [
        ("unknown", "copyright_unknown"),
        ("unlicensed", "licence_missing"),
        ("expired", "licence_expired"),
        ("unauthorized", "authorization_expired"),
        ("special", "raw_special_category"),
    ] {
        let (_, refused) = app
            .graphql_as(
                &token,
                LINK,
                link(&release, key, "training", "credit scoring"),
            )
            .await;
        assert_eq!(error_code(&refused), "VALIDATION", "{key}: {refused}");
        assert_eq!(rule(&refused), expected, "{key}: {refused}");
    }
    // Fitness for training holds for any model; purposes for any use.
    for (model, key, role, purpose, expected) in [
        (
            &draft,
            "synthetic",
            "training",
            "credit scoring",
            "synthetic_not_validated",
        ),
        (
            &draft,
            "consent",
            "training",
            "credit scoring",
            "consent_evidence_missing",
        ),
        (
            &draft,
            "clean",
            "testing",
            "marketing",
            "purpose_not_allowed",
        ),
    ] {
        let (_, refused) = app
            .graphql_as(&token, LINK, link(model, key, role, purpose))
            .await;
        assert_eq!(rule(&refused), expected, "{key}: {refused}");
    }
    let usages = "{ datasetUsages { totalCount } }";
    assert_eq!(
        app.ok(&token, usages, json!({})).await["datasetUsages"]["totalCount"],
        0
    );

    // A model still in development may train on it; moving it to validated is then refused.
    app.ok(
        &token,
        LINK,
        link(&draft, "unknown", "training", "credit scoring"),
    )
    .await;
    let (_, blocked) = app
        .graphql_as(
            &token,
            "mutation($m: ID!) { setModelVersionStatus(id: $m, status: validated) { status } }",
            json!({ "m": draft }),
        )
        .await;
    assert_eq!(rule(&blocked), "copyright_unknown", "{blocked}");

    // An approved exception for the dataset lets it through.
    let body = board(&app, &token, &["ceo"]).await;
    let request = app
        .ok(
            &token,
            "mutation($d: ID!, $b: ID!) { requestApproval(subjectType: data_use_exception, subjectId: $d, bodyId: $b, quorum: 1, summary: \"Reviews used under fair use opinion\") { id } }",
            json!({ "d": ids["unknown"], "b": body }),
        )
        .await["requestApproval"]["id"]
        .clone();
    let ceo = app.token("ceo", "acme", &["executive"]);
    app.ok(
        &ceo,
        "mutation($r: ID!) { decideApproval(requestId: $r, decision: \"approve\") { status } }",
        json!({ "r": request }),
    )
    .await;
    app.ok(
        &token,
        LINK,
        link(&release, "unknown", "training", "credit scoring"),
    )
    .await;
    app.ok(
        &token,
        "mutation($m: ID!) { setModelVersionStatus(id: $m, status: validated) { status } }",
        json!({ "m": draft }),
    )
    .await;

    // A dataset in use cannot be edited out from under the rules its use was admitted by.
    app.ok(
        &token,
        LINK,
        link(&release, "clean", "training", "credit scoring"),
    )
    .await;
    let update =
        "mutation($id: ID!, $i: DatasetInput!) { updateDataset(id: $id, input: $i) { id } }";
    let mut unknown_now = dataset("Loan book");
    unknown_now["copyrightStatus"] = json!("unknown");
    let (_, refused) = app
        .graphql_as(
            &token,
            update,
            json!({ "id": ids["clean"], "i": unknown_now }),
        )
        .await;
    assert_eq!(rule(&refused), "copyright_unknown", "{refused}");
    let mut repurposed = dataset("Loan book");
    repurposed["allowedPurposes"] = json!(["marketing"]);
    let (_, refused) = app
        .graphql_as(
            &token,
            update,
            json!({ "id": ids["clean"], "i": repurposed }),
        )
        .await;
    assert_eq!(rule(&refused), "purpose_not_allowed", "{refused}");
    let stored = app
        .ok(
            &token,
            "query($id: ID!) { dataset(id: $id) { copyrightStatus allowedPurposes } }",
            json!({ "id": ids["clean"] }),
        )
        .await;
    assert_eq!(
        stored["dataset"],
        json!({ "copyrightStatus": "owned", "allowedPurposes": ["credit scoring"] })
    );

    // Special-category data (pseudonymized, used for testing) makes the system critical.
    let mut handled = dataset("Health claims");
    handled["version"] = json!("2.0");
    handled["personalDataCategories"] = json!(["contact"]);
    handled["specialCategories"] = json!(["health"]);
    handled["personalDataHandling"] = json!("pseudonymized");
    let handled = create(&app, &token, handled).await;
    app.ok(
        &token,
        LINK,
        json!({ "m": draft, "d": handled, "r": "testing", "p": "credit scoring" }),
    )
    .await;
    let critical = app
        .ok(
            &token,
            "{ criticalAiSystems { nodes { because } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        critical["criticalAiSystems"]["nodes"][0]["because"],
        json!(["uses special-category personal data (Health claims 2.0)"])
    );
    // The board report's data section names the unresolved rights problems and the raw
    // special-category data.
    let (status, report) = app
        .get_as(&token, "/reports/governance-board?format=json")
        .await;
    assert_eq!(status, 200);
    let report: Value = serde_json::from_str(&report).expect("report JSON");
    let data = &report["data"];
    assert_eq!(data["datasets"], 9);
    let flagged: Vec<&str> = data["unresolved_rights"]
        .as_array()
        .expect("rights")
        .iter()
        .filter_map(|d| d["dataset"].as_str())
        .collect();
    assert_eq!(
        flagged,
        vec![
            "Bureau data 1.0",
            "Health claims 1.0",
            "Partner data 1.0",
            "Regulator extract 1.0",
            // Scraped reviews' unknown copyright is settled by its approved exception.
            "Survey answers 1.0",
            "Synthetic applicants 1.0"
        ]
    );
    assert_eq!(data["raw_personal_data"], json!(["Health claims 1.0"]));
    // Another organization's dataset does not exist for this one.
    let other = app.admin("globex").await;
    let (_, hidden) = app
        .graphql_as(
            &other,
            "query($d: ID!) { dataset(id: $d) { id } }",
            json!({ "d": ids["clean"] }),
        )
        .await;
    assert_eq!(error_code(&hidden), "NOT_FOUND");
    app.stop().await;
}
