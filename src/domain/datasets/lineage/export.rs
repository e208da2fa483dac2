//! Lineage for auditors: a dataset's graph both ways (everything it came from and everything
//! derived from it) as W3C PROV-JSON and as an SVG picture laid out in columns by distance from
//! the dataset (sources left, derived data and models right).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::graph::Direction;
use super::{Edge, MAX_DEPTH, MAX_NODES, Node, NodeKind, NodeRef, trace};
use crate::domain::Services;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::error::AppResult;

/// A dataset's lineage both ways: each node with its signed distance (negative upstream).
#[derive(Debug, Clone)]
pub struct Around {
    pub nodes: Vec<(Node, i64)>,
    pub edges: Vec<Edge>,
    pub truncated: bool,
}

/// Everything upstream and downstream of a dataset.
pub async fn around(services: &Services, viewer: &Viewer, dataset_id: i32) -> AppResult<Around> {
    let root = NodeRef::Dataset(dataset_id);
    let up = trace(
        services,
        viewer,
        root,
        Direction::Upstream,
        MAX_DEPTH,
        MAX_NODES,
    )
    .await?;
    let down = trace(
        services,
        viewer,
        root,
        Direction::Downstream,
        MAX_DEPTH,
        MAX_NODES,
    )
    .await?;
    let mut nodes: Vec<(Node, i64)> = Vec::new();
    for (node, depth) in up.nodes {
        nodes.push((node, -(depth as i64)));
    }
    for (node, depth) in down.nodes {
        if depth > 0 {
            nodes.push((node, depth as i64));
        }
    }
    let mut edges = up.edges;
    edges.extend(down.edges);
    edges.sort_by_key(|e| e.id);
    edges.dedup_by_key(|e| e.id);
    Ok(Around {
        nodes,
        edges,
        truncated: up.truncated || down.truncated,
    })
}

fn prov_id(node: &Node) -> String {
    format!("accord:{}/{}", node.kind.as_str(), node.id)
}

/// The graph as PROV-JSON: datasets, storage locations and model versions are entities,
/// processing steps are activities; an edge into a step is `used`, out of a step
/// `wasGeneratedBy`, between entities `wasDerivedFrom`, between steps `wasInformedBy`.
pub fn prov_json(around: &Around) -> Value {
    let by_id: HashMap<i32, &Node> = around.nodes.iter().map(|(n, _)| (n.id, n)).collect();
    let mut entities = Map::new();
    let mut activities = Map::new();
    for (node, _) in &around.nodes {
        let mut attributes = json!({
            "prov:label": node.label,
            "prov:type": format!("accord:{}", node.kind.as_str()),
        });
        if let (Some(extra), Some(target)) = (node.details.as_object(), attributes.as_object_mut())
        {
            for (key, value) in extra {
                target.insert(format!("accord:{key}"), value.clone());
            }
        }
        if node.kind == NodeKind::ProcessingStep {
            activities.insert(prov_id(node), attributes);
        } else {
            entities.insert(prov_id(node), attributes);
        }
    }
    let mut relations: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    for edge in &around.edges {
        let (Some(from), Some(to)) = (by_id.get(&edge.from), by_id.get(&edge.to)) else {
            continue;
        };
        let step = |n: &Node| n.kind == NodeKind::ProcessingStep;
        let (relation, body) = match (step(from), step(to)) {
            (false, true) => (
                "used",
                json!({ "prov:activity": prov_id(to), "prov:entity": prov_id(from) }),
            ),
            (true, false) => (
                "wasGeneratedBy",
                json!({ "prov:entity": prov_id(to), "prov:activity": prov_id(from) }),
            ),
            (true, true) => (
                "wasInformedBy",
                json!({ "prov:informed": prov_id(to), "prov:informant": prov_id(from) }),
            ),
            (false, false) => (
                "wasDerivedFrom",
                json!({ "prov:generatedEntity": prov_id(to), "prov:usedEntity": prov_id(from) }),
            ),
        };
        let mut body = body;
        if let Some(map) = body.as_object_mut() {
            map.insert("prov:time".into(), json!(edge.at.to_rfc3339()));
            map.insert("accord:transformation".into(), json!(edge.transformation));
            map.insert("accord:actor".into(), json!(edge.actor));
        }
        relations
            .entry(relation)
            .or_default()
            .insert(format!("accord:edge/{}", edge.id), body);
    }
    let mut doc = json!({
        "prefix": { "accord": "urn:accord:lineage:" },
        "entity": entities,
        "activity": activities,
    });
    if let Some(map) = doc.as_object_mut() {
        for (relation, items) in relations {
            map.insert(relation.to_string(), Value::Object(items));
        }
    }
    doc
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

const BOX_W: i64 = 200;
const BOX_H: i64 = 40;
const GAP_X: i64 = 80;
const GAP_Y: i64 = 20;
const MARGIN: i64 = 20;

/// The graph as an SVG picture: one column per distance from the dataset, a box per node
/// (shaped and coloured by kind) and an arrow per edge.
pub fn svg(around: &Around) -> String {
    let min = around.nodes.iter().map(|(_, d)| *d).min().unwrap_or(0);
    let mut columns: BTreeMap<i64, Vec<&Node>> = BTreeMap::new();
    for (node, depth) in &around.nodes {
        columns.entry(*depth).or_default().push(node);
    }
    let mut at: HashMap<i32, (i64, i64)> = HashMap::new();
    for (depth, nodes) in &columns {
        for (row, node) in nodes.iter().enumerate() {
            let x = MARGIN + (depth - min) * (BOX_W + GAP_X);
            let y = MARGIN + row as i64 * (BOX_H + GAP_Y);
            at.insert(node.id, (x, y));
        }
    }
    let width = MARGIN * 2 + columns.len() as i64 * (BOX_W + GAP_X) - GAP_X;
    let rows = columns.values().map(Vec::len).max().unwrap_or(0) as i64;
    let height = MARGIN * 2 + rows * (BOX_H + GAP_Y) - GAP_Y;
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">
<title>Data lineage</title>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>
"##,
        w = width.max(BOX_W + MARGIN * 2),
        h = height.max(BOX_H + MARGIN * 2)
    );
    for edge in &around.edges {
        if let (Some((x1, y1)), Some((x2, y2))) = (at.get(&edge.from), at.get(&edge.to)) {
            out.push_str(&format!(
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555\" marker-end=\"url(#arrow)\"><title>{}</title></line>\n",
                x1 + BOX_W,
                y1 + BOX_H / 2,
                x2,
                y2 + BOX_H / 2,
                escape(&format!("{} by {} at {}", edge.transformation, edge.actor, edge.at.to_rfc3339()))
            ));
        }
    }
    for (node, _) in &around.nodes {
        let Some((x, y)) = at.get(&node.id) else {
            continue;
        };
        let (fill, radius) = match node.kind {
            NodeKind::Dataset => ("#dbeafe", 4),
            NodeKind::ProcessingStep => ("#fef3c7", 18),
            NodeKind::Storage => ("#e5e7eb", 0),
            NodeKind::ModelVersion => ("#dcfce7", 10),
        };
        let label: String = node.label.chars().take(30).collect();
        out.push_str(&format!(
            "<g class=\"node {kind}\" data-node=\"{id}\"><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"{radius}\" fill=\"{fill}\" stroke=\"#333\"/><text x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\">{label}</text><title>{full}</title></g>\n",
            kind = node.kind.as_str(),
            id = node.id,
            tx = x + BOX_W / 2,
            ty = y + BOX_H / 2 + 4,
            label = escape(&label),
            full = escape(&format!("{}: {}", node.kind.as_str(), node.label)),
        ));
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn node(id: i32, kind: NodeKind, label: &str) -> Node {
        Node {
            id,
            kind,
            dataset_id: None,
            model_version_id: None,
            label: label.into(),
            details: json!({ "tool_version": "dbt 1.8" }),
        }
    }

    fn edge(id: i32, from: i32, to: i32) -> Edge {
        Edge {
            id,
            from,
            to,
            transformation: "clean".into(),
            actor: "erin".into(),
            at: Utc
                .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
                .single()
                .expect("time"),
        }
    }

    fn sample() -> Around {
        Around {
            nodes: vec![
                (node(1, NodeKind::Dataset, "Raw <export> & co"), -2),
                (node(2, NodeKind::ProcessingStep, "Clean"), -1),
                (node(3, NodeKind::Dataset, "Clean data"), 0),
                (node(4, NodeKind::ModelVersion, "Scorer 1.0"), 1),
            ],
            edges: vec![edge(10, 1, 2), edge(11, 2, 3), edge(12, 3, 4)],
            truncated: false,
        }
    }

    #[test]
    fn prov_maps_steps_to_activities_and_edges_to_relations() {
        let doc = prov_json(&sample());
        assert_eq!(doc["activity"].as_object().map(Map::len), Some(1));
        assert_eq!(doc["entity"].as_object().map(Map::len), Some(3));
        assert_eq!(
            doc["used"]["accord:edge/10"]["prov:entity"],
            "accord:dataset/1"
        );
        assert_eq!(
            doc["wasGeneratedBy"]["accord:edge/11"]["prov:activity"],
            "accord:processing_step/2"
        );
        assert_eq!(
            doc["wasDerivedFrom"]["accord:edge/12"]["prov:generatedEntity"],
            "accord:model_version/4"
        );
        assert_eq!(
            doc["entity"]["accord:dataset/1"]["accord:tool_version"],
            "dbt 1.8"
        );
    }

    #[test]
    fn the_picture_escapes_labels_and_draws_every_node_and_edge() {
        let picture = svg(&sample());
        assert!(picture.starts_with("<svg"));
        assert!(picture.contains("Raw &lt;export&gt; &amp; co"));
        assert_eq!(picture.matches("<rect").count(), 4);
        assert_eq!(picture.matches("<line").count(), 3);
    }
}
