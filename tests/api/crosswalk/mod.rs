//! The crosswalk over HTTP: answers through controls with paths, honest composition, inverse
//! consistency, and the shipped library's coverage of every framework.

use std::collections::HashMap;

use serde_json::{Value, json};

mod coverage;
mod read_model;

use crate::fixtures::{create_control, map_control as map};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    shipped_direct_crosswalks_answer_directly_beside_controls,
    rmf_govern_1_1_to_iso_answers_through_controls,
    csf_to_iso_answers_and_inverse_is_consistent,
    composition_through_a_control_is_honest,
    library_maps_every_assessed_requirement,
    answers_are_ranked_by_score_and_filtered_by_min_score,
);

const CROSSWALK: &str = r#"query($from: String!, $to: String!, $req: String, $via: [Via!], $first: Int) {
  crosswalk(from: $from, to: $to, requirement: $req, via: $via, first: $first) {
    totalCount
    edges { node {
      source { refId } target { refId } relationship rationale inferred derivedInverse via strength
      path { kind requirement { refId } control { code } } provenance justification
    } }
  } }"#;

fn answers(data: &Value) -> Vec<Value> {
    data["crosswalk"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

async fn rmf_govern_1_1_to_iso_answers_through_controls(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let data = app
        .ok(
            &token,
            CROSSWALK,
            json!({ "from": "nist-ai-rmf", "to": "iso-iec-42001", "req": "GOVERN 1.1", "via": ["CONTROLS"] }),
        )
        .await;
    let list = answers(&data);
    assert!(
        !list.is_empty(),
        "GOVERN 1.1 reaches ISO/IEC 42001 through controls"
    );
    for answer in &list {
        assert_eq!(answer["source"]["refId"], "GOVERN 1.1");
        assert_eq!(
            answer["inferred"], true,
            "answers through controls are inferred"
        );
        assert_eq!(answer["via"], "CONTROLS");
        let path = answer["path"].as_array().expect("path");
        assert_eq!(path.len(), 3);
        assert_eq!(path[0]["requirement"]["refId"], "GOVERN 1.1");
        assert_eq!(path[1]["kind"], "control");
        assert!(
            path[1]["control"]["code"]
                .as_str()
                .is_some_and(|c| !c.is_empty())
        );
        assert_eq!(path[2]["requirement"]["refId"], answer["target"]["refId"]);
        assert_eq!(
            answer["provenance"].as_array().expect("provenance").len(),
            2
        );
        assert!(
            answer["provenance"][0]
                .as_str()
                .is_some_and(|p| p.starts_with("accord-library@"))
        );
    }
    app.stop().await;
}

/// (source, target, control) -> relationship
fn keyed(list: &[Value]) -> HashMap<(String, String, String), String> {
    list.iter()
        .map(|a| {
            (
                (
                    a["source"]["refId"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    a["target"]["refId"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    a["path"][1]["control"]["code"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                ),
                a["relationship"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Every answer, fetched page by page through the cursors.
async fn all_pages(app: &TestApp, token: &str, from: &str, to: &str) -> Vec<Value> {
    let query = r#"query($from: String!, $to: String!, $after: String) {
      crosswalk(from: $from, to: $to, first: 100, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { source { refId } target { refId } relationship path { control { code } } } } } }"#;
    let mut all = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .ok(
                token,
                query,
                json!({ "from": from, "to": to, "after": after }),
            )
            .await;
        all.extend(answers(&data));
        let page = &data["crosswalk"]["pageInfo"];
        if page["hasNextPage"] != true {
            assert_eq!(
                data["crosswalk"]["totalCount"].as_u64(),
                Some(all.len() as u64)
            );
            return all;
        }
        after = page["endCursor"].clone();
    }
}

fn inverse(relationship: &str) -> &str {
    match relationship {
        "SUBSET_OF" => "SUPERSET_OF",
        "SUPERSET_OF" => "SUBSET_OF",
        other => other,
    }
}

async fn csf_to_iso_answers_and_inverse_is_consistent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let forward_list = all_pages(&app, &token, "nist-csf", "iso-iec-42001").await;
    let backward_list = all_pages(&app, &token, "iso-iec-42001", "nist-csf").await;
    assert!(
        forward_list.len() > 50,
        "CSF reaches ISO through many controls"
    );
    assert_eq!(forward_list.len(), backward_list.len());
    let backward_map = keyed(&backward_list);
    for ((source, target, control), relationship) in keyed(&forward_list) {
        let reverse = backward_map
            .get(&(target.clone(), source.clone(), control.clone()))
            .unwrap_or_else(|| panic!("{source} -> {target} via {control} has no reverse answer"));
        assert_eq!(
            reverse,
            inverse(&relationship),
            "{source} -> {target} via {control}"
        );
    }
    app.stop().await;
}

async fn composition_through_a_control_is_honest(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    // A fresh pair of requirements that no library control links, to see only our controls.
    let csf = "urn:accord:nist-csf:2.0:PR.IR-02";
    let iso = "urn:accord:iso-iec-42001:2023:A.10.3";
    let cases = [
        // (control -> csf, control -> iso, expected csf -> iso)
        ("SUPERSET_OF", "EQUAL", "SUBSET_OF"),
        ("EQUAL", "SUPERSET_OF", "SUPERSET_OF"),
        ("SUPERSET_OF", "SUBSET_OF", "SUBSET_OF"),
        ("SUBSET_OF", "SUPERSET_OF", "SUPERSET_OF"),
        ("SUPERSET_OF", "SUPERSET_OF", "RELATED"),
        ("INTERSECTS_WITH", "EQUAL", "INTERSECTS_WITH"),
        ("INTERSECTS_WITH", "SUPERSET_OF", "RELATED"),
    ];
    for (i, (to_csf, to_iso, _)) in cases.iter().enumerate() {
        let control = create_control(&app, &token, &format!("CMP-{i}")).await;
        assert!(
            map(&app, &token, &control, csf, to_csf)
                .await
                .get("errors")
                .is_none()
        );
        assert!(
            map(&app, &token, &control, iso, to_iso)
                .await
                .get("errors")
                .is_none()
        );
    }
    let data = app
        .ok(&token, CROSSWALK, json!({ "from": "nist-csf", "to": "iso-iec-42001", "req": "PR.IR-02", "via": ["CONTROLS"] }))
        .await;
    let by_control: HashMap<String, Value> = answers(&data)
        .into_iter()
        .filter(|a| a["target"]["refId"] == "A.10.3")
        .map(|a| {
            (
                a["path"][1]["control"]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                a,
            )
        })
        .collect();
    for (i, (_, _, expected)) in cases.iter().enumerate() {
        let answer = &by_control[&format!("CMP-{i}")];
        assert_eq!(answer["relationship"], *expected, "case {i}: {answer}");
        assert_eq!(answer["inferred"], true);
    }
    app.stop().await;
}

async fn library_maps_every_assessed_requirement(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let query = r#"query($f: String!) { gaps(framework: $f, first: 1000) { totalCount nodes { requirement { refId } controls { code } } } }"#;
    for (framework, expected) in [
        ("nist-csf", 106),
        ("nist-ai-rmf", 72),
        ("iso-iec-42001", 38 + 36 - 4),
    ] {
        let data = app.ok(&token, query, json!({ "f": framework })).await;
        let gaps = data["gaps"]["nodes"].as_array().expect("gaps");
        assert_eq!(
            data["gaps"]["totalCount"], expected,
            "{framework} totalCount"
        );
        assert_eq!(gaps.len(), expected, "{framework} assessed requirements");
        for gap in gaps {
            assert!(
                !gap["controls"].as_array().expect("controls").is_empty(),
                "{framework} {} is mapped by at least one library control",
                gap["requirement"]["refId"]
            );
        }
    }
    let controls = app
        .ok(
            &token,
            "{ controls(first: 1000) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(controls["controls"]["totalCount"].as_i64().unwrap_or(0) >= 60);
    app.stop().await;
}

/// A new organization gets Accord's own AI RMF -> ISO/IEC 42001 and CSF -> ISO/IEC 42001
/// crosswalks as direct mappings: answered as direct (not inferred), from either side (the
/// inverse derived), beside the answers through controls.
async fn shipped_direct_crosswalks_answer_directly_beside_controls(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let direct = app
        .ok(
            &token,
            CROSSWALK,
            json!({ "from": "nist-ai-rmf", "to": "iso-iec-42001", "req": "MANAGE 1.3", "via": ["DIRECT"] }),
        )
        .await;
    let answers = direct["crosswalk"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    assert!(!answers.is_empty(), "{direct}");
    for answer in &answers {
        let node = &answer["node"];
        assert_eq!(node["inferred"], false, "{node}");
        assert!(
            node["provenance"][0]
                .as_str()
                .is_some_and(|p| p.starts_with("accord-crosswalk@")),
            "{node}"
        );
    }
    let targets: Vec<&str> = answers
        .iter()
        .filter_map(|a| a["node"]["target"]["refId"].as_str())
        .collect();
    assert!(targets.contains(&"6.1.3"), "{targets:?}");
    // Asked from the ISO side, the same mapping answers with the inverse relationship.
    let inverse = app
        .ok(
            &token,
            CROSSWALK,
            json!({ "from": "iso-iec-42001", "to": "nist-ai-rmf", "req": "6.1.3", "via": ["DIRECT"] }),
        )
        .await;
    let back = inverse["crosswalk"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|a| a["node"]["target"]["refId"] == "MANAGE 1.3")
        .expect("the inverse answer")
        .clone();
    assert_eq!(back["node"]["relationship"], "SUPERSET_OF", "{back}");
    // Both kinds together: direct answers first for each target, then those through controls.
    let both = app
        .ok(
            &token,
            CROSSWALK,
            json!({ "from": "nist-ai-rmf", "to": "iso-iec-42001", "req": "MANAGE 1.3" }),
        )
        .await;
    let kinds: Vec<bool> = both["crosswalk"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|a| a["node"]["inferred"].as_bool().unwrap_or(false))
        .collect();
    assert!(kinds.contains(&false) && kinds.contains(&true), "{both}");
    app.stop().await;
}

const RANKED: &str = r#"query($min: Int) { crosswalk(from: "nist-csf", to: "iso-iec-42001", minScore: $min, first: 1000) {
    totalCount edges { node { source { refId } target { refId } relationship strength score inferred } } } }"#;

async fn answers_are_ranked_by_score_and_filtered_by_min_score(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let all = app.ok(&token, RANKED, json!({ "min": null })).await;
    let list = answers(&all);
    assert!(list.len() > 100, "{}", list.len());
    for pair in list.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            (0..=100).contains(&a["score"].as_i64().expect("score")),
            "{a}"
        );
        if a["source"]["refId"] == b["source"]["refId"] {
            assert!(
                a["score"].as_i64() >= b["score"].as_i64(),
                "strongest first for each source: {a} then {b}"
            );
        }
    }
    // A direct equal mapping at strength 10 would score 100; through a control, two legs.
    let through_control = list
        .iter()
        .find(|a| a["inferred"] == true && a["relationship"] == "INTERSECTS_WITH")
        .expect("an inferred intersecting answer");
    assert!(
        through_control["score"].as_i64() <= Some(60),
        "{through_control}"
    );
    // The strongest answers only: minScore at the highest score keeps exactly those.
    let top = list
        .iter()
        .filter_map(|a| a["score"].as_i64())
        .max()
        .expect("scores");
    let strong = app.ok(&token, RANKED, json!({ "min": top })).await;
    let kept = answers(&strong);
    assert!(!kept.is_empty() && kept.len() < list.len(), "top {top}");
    assert!(kept.iter().all(|a| a["score"].as_i64() == Some(top)));
    assert_eq!(
        kept.len(),
        list.iter()
            .filter(|a| a["score"].as_i64() == Some(top))
            .count()
    );
    let (_, refused) = app.graphql_as(&token, RANKED, json!({ "min": 101 })).await;
    assert_eq!(error_code(&refused), "VALIDATION", "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "minScore");
    assert_eq!(refused["errors"][0]["extensions"]["rule"], "score_range");
    app.stop().await;
}
