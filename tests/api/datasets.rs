//! Data governance over HTTP: every rights rule refuses with its code and stores nothing, an
//! approved exception lets a dataset with a rights problem through, special-category data makes
//! a system critical; the lineage graph answers upstream and downstream over a branched graph of
//! depth >= 5 node by node, refuses cycles, and a compromised source opens exactly one incident
//! per affected AI system.

use serde_json::{Value, json};

use crate::fixtures::{board, create_system};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    every_rights_rule_refuses_and_stores_nothing,
    lineage_walks_a_branched_graph_and_a_compromise_opens_one_incident_per_system,
);

const CREATE: &str = "mutation($i: DatasetInput!) { createDataset(input: $i) { id } }";
const LINK: &str = "mutation($m: ID!, $d: ID!, $r: DataRole!, $p: String!) { linkModelDataset(modelVersionId: $m, datasetId: $d, role: $r, purpose: $p) { id } }";

fn dataset(name: &str) -> Value {
    json!({ "name": name, "version": "1.0", "source": "Core banking exports", "supplier": "Internal",
        "collectionMethod": "Nightly export", "legalBasis": "Contract", "copyrightStatus": "owned",
        "allowedPurposes": ["credit scoring"], "retention": "7 years", "owner": "data-office" })
}

async fn create(app: &TestApp, token: &str, input: Value) -> String {
    app.ok(token, CREATE, json!({ "i": input })).await["createDataset"]["id"]
        .as_str()
        .expect("id")
        .to_string()
}

async fn model_version(app: &TestApp, token: &str, system: &str, version: &str) -> String {
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

fn rule(body: &Value) -> &str {
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

fn node(dataset: &str) -> Value {
    json!({ "datasetId": dataset })
}

async fn step(app: &TestApp, token: &str, label: &str) -> Value {
    let created = app
        .ok(
            token,
            "mutation($l: String!, $d: JSON) { addLineageNode(kind: processing_step, label: $l, details: $d) { id } }",
            json!({ "l": label, "d": { "transformation": label, "toolVersion": "dbt 1.8", "parameters": { "seed": 7 } } }),
        )
        .await;
    json!({ "nodeId": created["addLineageNode"]["id"] })
}

async fn edge(app: &TestApp, token: &str, from: &Value, to: &Value) {
    app.ok(
        token,
        "mutation($f: LineageRef!, $t: LineageRef!) { addLineageEdge(from: $f, to: $t, transformation: \"derive\") { id } }",
        json!({ "f": from, "t": to }),
    )
    .await;
}

fn labels_with_depth(trace: &Value) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = trace["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            (
                n["node"]["label"].as_str().unwrap_or_default().to_string(),
                n["depth"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    out.sort();
    out
}

async fn lineage_walks_a_branched_graph_and_a_compromise_opens_one_incident_per_system(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let scorer = create_system(&app, &token, "Credit scorer", "develop", "limited").await;
    let fraud = create_system(&app, &token, "Fraud detector", "develop", "limited").await;
    let scorer_v1 = model_version(&app, &token, &scorer, "1.0.0").await;
    let fraud_v1 = model_version(&app, &token, &fraud, "1.0.0").await;
    let mut d = std::collections::HashMap::new();
    for name in [
        "A raw",
        "B raw",
        "C clean",
        "D features",
        "E joined",
        "F train",
        "G holdout",
    ] {
        d.insert(name, create(&app, &token, dataset(name)).await);
    }
    // A -> s1 -> C -> s2 -> D -> s3 -> E -> s4 -> F -> scorer 1.0.0 (training)
    //                      B -> s3;  E -> s5 -> G -> fraud 1.0.0 (testing)
    let s: Vec<Value> = steps(
        &app,
        &token,
        &[
            "s1 clean",
            "s2 featurize",
            "s3 join",
            "s4 split",
            "s5 holdout",
        ],
    )
    .await;
    edge(&app, &token, &node(&d["A raw"]), &s[0]).await;
    edge(&app, &token, &s[0], &node(&d["C clean"])).await;
    edge(&app, &token, &node(&d["C clean"]), &s[1]).await;
    edge(&app, &token, &s[1], &node(&d["D features"])).await;
    edge(&app, &token, &node(&d["D features"]), &s[2]).await;
    edge(&app, &token, &node(&d["B raw"]), &s[2]).await;
    edge(&app, &token, &s[2], &node(&d["E joined"])).await;
    edge(&app, &token, &node(&d["E joined"]), &s[3]).await;
    edge(&app, &token, &s[3], &node(&d["F train"])).await;
    edge(&app, &token, &node(&d["E joined"]), &s[4]).await;
    edge(&app, &token, &s[4], &node(&d["G holdout"])).await;
    app.ok(
        &token,
        LINK,
        json!({ "m": scorer_v1, "d": d["F train"], "r": "training", "p": "credit scoring" }),
    )
    .await;
    app.ok(
        &token,
        LINK,
        json!({ "m": fraud_v1, "d": d["G holdout"], "r": "testing", "p": "credit scoring" }),
    )
    .await;

    let walk = "query($o: LineageRef!, $d: Int) { up: lineageUpstream(of: $o, maxDepth: $d) { truncated nodes { depth node { label kind } } edges { transformation actor } aiSystems { name } } }";
    let up = app
        .ok(
            &token,
            walk,
            json!({ "o": { "modelVersionId": scorer_v1 }, "d": 20 }),
        )
        .await["up"]
        .clone();
    let expected: Vec<(String, i64)> = vec![
        ("A raw 1.0", 9),
        ("B raw 1.0", 5),
        ("C clean 1.0", 7),
        ("Credit scorer 1.0.0", 0),
        ("D features 1.0", 5),
        ("E joined 1.0", 3),
        ("F train 1.0", 1),
        ("s1 clean", 8),
        ("s2 featurize", 6),
        ("s3 join", 4),
        ("s4 split", 2),
    ]
    .into_iter()
    .map(|(l, d)| (l.to_string(), d))
    .collect();
    let mut expected = expected;
    expected.sort();
    assert_eq!(labels_with_depth(&up), expected, "{up}");
    assert_eq!(up["truncated"], false);
    assert_eq!(up["edges"].as_array().map(Vec::len), Some(10));
    assert!(
        up["edges"][0]["actor"]
            .as_str()
            .is_some_and(|a| !a.is_empty())
    );
    // A shallower walk says it was cut short.
    let shallow = app
        .ok(
            &token,
            walk,
            json!({ "o": { "modelVersionId": scorer_v1 }, "d": 3 }),
        )
        .await["up"]
        .clone();
    assert_eq!(shallow["truncated"], true);

    let down = app
        .ok(
            &token,
            "query($o: LineageRef!) { lineageDownstream(of: $o) { nodes { depth node { label } } aiSystems { name } } }",
            json!({ "o": node(&d["B raw"]) }),
        )
        .await["lineageDownstream"]
        .clone();
    let mut down_expected: Vec<(String, i64)> = vec![
        ("B raw 1.0", 0),
        ("s3 join", 1),
        ("E joined 1.0", 2),
        ("s4 split", 3),
        ("s5 holdout", 3),
        ("F train 1.0", 4),
        ("G holdout 1.0", 4),
        ("Credit scorer 1.0.0", 5),
        ("Fraud detector 1.0.0", 5),
    ]
    .into_iter()
    .map(|(l, d)| (l.to_string(), d))
    .collect();
    down_expected.sort();
    assert_eq!(labels_with_depth(&down), down_expected, "{down}");
    assert_eq!(
        down["aiSystems"],
        json!([{ "name": "Credit scorer" }, { "name": "Fraud detector" }])
    );

    // Data cannot flow back into its source.
    let (_, cycle) = app
        .graphql_as(
            &token,
            "mutation($f: LineageRef!, $t: LineageRef!) { addLineageEdge(from: $f, to: $t, transformation: \"loop\") { id } }",
            json!({ "f": node(&d["F train"]), "t": node(&d["A raw"]) }),
        )
        .await;
    assert_eq!(rule(&cycle), "lineage_cycle", "{cycle}");

    // For auditors: the picture parses and names every node around C; PROV-JSON has the same
    // graph, steps as activities.
    let (status, svg) = app
        .get_as(&token, &format!("/lineage/{}.svg", d["C clean"]))
        .await;
    assert_eq!(status, 200, "{svg}");
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let titles: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g"))
        .filter_map(|g| g.children().find(|c| c.has_tag_name("title")))
        .filter_map(|t| t.text().map(String::from))
        .collect();
    let mut want: Vec<String> = [
        "dataset: A raw 1.0",
        "processing_step: s1 clean",
        "dataset: C clean 1.0",
        "processing_step: s2 featurize",
        "dataset: D features 1.0",
        "processing_step: s3 join",
        "dataset: E joined 1.0",
        "processing_step: s4 split",
        "processing_step: s5 holdout",
        "dataset: F train 1.0",
        "dataset: G holdout 1.0",
        "model_version: Credit scorer 1.0.0",
        "model_version: Fraud detector 1.0.0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut got = titles.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    let (status, prov) = app
        .get_as(&token, &format!("/lineage/{}.json", d["C clean"]))
        .await;
    assert_eq!(status, 200);
    let prov: Value = serde_json::from_str(&prov).expect("PROV-JSON");
    assert_eq!(prov["entity"].as_object().map(|m| m.len()), Some(8));
    assert_eq!(prov["activity"].as_object().map(|m| m.len()), Some(5));
    assert_eq!(prov["used"].as_object().map(|m| m.len()), Some(5), "{prov}");
    let (status, _) = app.get_as(&token, "/lineage/nope.svg").await;
    assert_eq!(status, 404);
    // The CLI writes the same PROV-JSON.
    let dataset_id = d["C clean"].clone();
    let (code, out) = app.cli(&[
        "lineage",
        "export",
        "--org",
        "acme",
        "--dataset",
        &dataset_id,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}");
    let cli_prov: Value = serde_json::from_str(out.trim()).expect("PROV-JSON on stdout");
    assert_eq!(cli_prov["entity"], prov["entity"]);
    let (code, out) = app.cli(&[
        "lineage",
        "export",
        "--org",
        "acme",
        "--dataset",
        &dataset_id,
        "--format",
        "png",
    ]);
    assert_eq!(code, 2, "{out}");

    // A failed privacy check opens its risk in one step; the sheet shows both.
    let check = "mutation($d: ID!, $r: DatasetCheckResult!, $o: Boolean!) { recordDatasetCheck(datasetId: $d, kind: privacy, method: \"k-anonymity scan\", result: $r, checkedOn: \"2026-11-30\", openRisk: $o) { riskId } }";
    let (_, passed) = app
        .graphql_as(
            &token,
            check,
            json!({ "d": d["A raw"], "r": "passed", "o": true }),
        )
        .await;
    assert_eq!(rule(&passed), "risk_needs_failed_check");
    let failed = app
        .ok(
            &token,
            check,
            json!({ "d": d["A raw"], "r": "failed", "o": true }),
        )
        .await;
    let risk = failed["recordDatasetCheck"]["riskId"].clone();
    let opened = app
        .ok(
            &token,
            "query($r: ID!) { risk(id: $r) { title owner category } }",
            json!({ "r": risk }),
        )
        .await;
    assert_eq!(
        opened["risk"],
        json!({ "title": "privacy check failed on A raw 1.0", "owner": "data-office", "category": "privacy" })
    );
    let sheet = app
        .ok(
            &token,
            "query($d: ID!) { dataset(id: $d) { sheet } }",
            json!({ "d": d["F train"] }),
        )
        .await;
    let sheet = sheet["dataset"]["sheet"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(sheet.contains("# Dataset sheet: F train 1.0"), "{sheet}");
    assert!(sheet.contains("training for credit scoring"), "{sheet}");

    // A poisoned source opens one incident per affected AI system, once.
    let mark = "mutation($d: ID!) { markDatasetCompromised(id: $d, note: \"Poisoned rows found in the raw export\") { affected { aiSystem openedNow incidentId } } }";
    let first = app.ok(&token, mark, json!({ "d": d["A raw"] })).await;
    let affected = first["markDatasetCompromised"]["affected"]
        .as_array()
        .expect("affected")
        .clone();
    assert_eq!(affected.len(), 2, "{first}");
    assert!(affected.iter().all(|a| a["openedNow"] == true));
    let again = app.ok(&token, mark, json!({ "d": d["A raw"] })).await;
    assert!(
        again["markDatasetCompromised"]["affected"]
            .as_array()
            .expect("affected")
            .iter()
            .all(|a| a["openedNow"] == false)
    );
    let incidents = app
        .ok(
            &token,
            "{ incidents { totalCount nodes { title severity category } } }",
            json!({}),
        )
        .await;
    assert_eq!(incidents["incidents"]["totalCount"], 2);
    assert_eq!(incidents["incidents"]["nodes"][0]["category"], "security");
    app.stop().await;
}

/// Creates processing steps in order.
async fn steps(app: &TestApp, token: &str, labels: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    for label in labels {
        out.push(step(app, token, label).await);
    }
    out
}
