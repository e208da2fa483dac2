//! The lineage graph over HTTP: upstream and downstream over a branched graph of depth >= 5
//! checked node by node, bounds that say when they cut a walk short, cycles refused, the SVG
//! picture (parsed, naming every node), PROV-JSON over HTTP and the CLI, a failed check opening its
//! risk, the dataset sheet, and a compromised source opening one incident per affected AI system,
//! once.

use serde_json::{Value, json};

use super::{LINK, create, dataset, model_version, rule};
use crate::fixtures::create_system;
use crate::helpers::{Backend, TestApp};

backend_tests!(lineage_walks_a_branched_graph_and_a_compromise_opens_one_incident_per_system);

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
