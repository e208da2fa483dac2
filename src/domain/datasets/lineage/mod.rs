//! The lineage graph: datasets, processing steps (transformation, code or tool version,
//! parameters), storage locations and model versions as nodes; edges carry the transformation,
//! the actor and the time. Cycles are refused. Upstream of a model version lists every source,
//! transitively, with each step; downstream of a dataset lists every derived dataset, model version
//! and AI system, within depth and fan-out bounds. Walks read the graph level by level
//! ([`graph`]), so their cost follows what they reach, not the size of the graph.

pub mod export;
pub mod graph;
mod nodes;

pub(crate) use nodes::connect_usage;
use nodes::{edge_exists, insert_edge, insert_node, node_where, resolve};

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{ai_system, lineage_edge, lineage_node, model_version};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::Value;

use super::register::find_row;
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Entity, Write};
use crate::error::{AppError, AppResult};
use graph::Direction;

vocabulary! {
    /// What a lineage node stands for.
    pub enum NodeKind {
        Dataset => "dataset",
        ProcessingStep => "processing_step",
        Storage => "storage",
        ModelVersion => "model_version",
    }
}

/// Deepest walk a query may ask for.
pub const MAX_DEPTH: usize = 50;
/// Most nodes a walk returns.
pub const MAX_NODES: usize = 10_000;

/// A node of the graph.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub id: i32,
    pub kind: NodeKind,
    pub dataset_id: Option<i32>,
    pub model_version_id: Option<i32>,
    pub label: String,
    pub details: Value,
}

impl TryFrom<lineage_node::Model> for Node {
    type Error = AppError;
    fn try_from(m: lineage_node::Model) -> AppResult<Self> {
        Ok(Node {
            id: m.id,
            kind: NodeKind::stored(&m.kind)?,
            dataset_id: m.dataset_id,
            model_version_id: m.model_version_id,
            label: m.label,
            details: serde_json::from_str(&m.details).map_err(AppError::internal)?,
        })
    }
}

/// An edge of the graph.
#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    pub id: i32,
    pub from: i32,
    pub to: i32,
    pub transformation: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

impl From<lineage_edge::Model> for Edge {
    fn from(m: lineage_edge::Model) -> Self {
        Edge {
            id: m.id,
            from: m.from_node,
            to: m.to_node,
            transformation: m.transformation,
            actor: m.actor,
            at: m.at,
        }
    }
}

/// A node named by its own id, or by the dataset or model version it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRef {
    Node(i32),
    Dataset(i32),
    ModelVersion(i32),
}

/// What a walk found: nodes with their distance, the edges followed, and the AI systems the
/// model versions among them belong to.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub root: i32,
    pub nodes: Vec<(Node, usize)>,
    pub edges: Vec<Edge>,
    pub ai_systems: Vec<(i32, String)>,
    pub truncated: bool,
}

/// Adds a processing step (transformation, code or tool version, parameters) or a storage
/// location (with its URI) to the graph.
pub async fn add_node(
    services: &Services,
    viewer: &Viewer,
    kind: NodeKind,
    label: &str,
    details: Value,
) -> AppResult<Node> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    if !matches!(kind, NodeKind::ProcessingStep | NodeKind::Storage) {
        return Err(AppError::rule(
            "kind",
            "lineage_node_kind",
            "dataset and model version nodes come from the register; add steps and storage here",
        ));
    }
    let label = validate::line("label", label, 300)?;
    if !details.is_object() || details.to_string().len() > 20_000 {
        return Err(AppError::rule(
            "details",
            "lineage_details",
            "details is a JSON object of at most 20,000 characters",
        ));
    }
    let write = Write::begin(services, viewer).await?;
    let created: Node = insert_node(&write, organization_id, kind, (None, None), label, details)
        .await?
        .try_into()?;
    write
        .created(Entity::LineageNode, created.id, &created)
        .await?;
    write.commit().await?;
    Ok(created)
}

/// Adds an edge: data flowed from `from` to `to` through `transformation`. Refused when it would
/// close a cycle.
pub async fn add_edge(
    services: &Services,
    viewer: &Viewer,
    from: NodeRef,
    to: NodeRef,
    transformation: &str,
) -> AppResult<Edge> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let transformation = validate::line("transformation", transformation, 500)?;
    let write = Write::begin(services, viewer).await?;
    let from = resolve(&write, organization_id, from).await?;
    let to = resolve(&write, organization_id, to).await?;
    if from == to || graph::reaches(&*write, organization_id, to, from).await? {
        return Err(AppError::rule(
            "to",
            "lineage_cycle",
            "data cannot flow back into what it came from: this edge would close a cycle",
        ));
    }
    if edge_exists(&*write, from, to).await? {
        return Err(AppError::rule(
            "to",
            "unique",
            "these nodes are already connected",
        ));
    }
    let created = insert_edge(&write, organization_id, from, to, &transformation).await?;
    write
        .created(Entity::LineageEdge, created.id, &created)
        .await?;
    write.commit().await?;
    Ok(created)
}

/// The node a reference names, without creating one (reads).
async fn existing<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    reference: NodeRef,
) -> AppResult<lineage_node::Model> {
    let found = match reference {
        NodeRef::Node(id) => {
            lineage_node::Entity::find_by_id(id)
                .filter(lineage_node::Column::OrganizationId.eq(organization_id))
                .one(db)
                .await?
        }
        NodeRef::Dataset(id) => {
            find_row(db, organization_id, id).await?;
            node_where(
                db,
                organization_id,
                NodeKind::Dataset,
                lineage_node::Column::DatasetId,
                id,
            )
            .await?
        }
        NodeRef::ModelVersion(id) => {
            model_version::Entity::find_by_id(id)
                .filter(model_version::Column::OrganizationId.eq(organization_id))
                .one(db)
                .await?
                .ok_or_else(|| AppError::not_found(format!("model version {id}")))?;
            node_where(
                db,
                organization_id,
                NodeKind::ModelVersion,
                lineage_node::Column::ModelVersionId,
                id,
            )
            .await?
        }
    };
    found.ok_or_else(|| AppError::not_found("that record on the lineage graph"))
}

/// Walks from `root` upstream or downstream within `max_depth` and `max_nodes`.
pub async fn trace(
    services: &Services,
    viewer: &Viewer,
    root: NodeRef,
    direction: Direction,
    max_depth: usize,
    max_nodes: usize,
) -> AppResult<Trace> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    trace_in(
        &services.db,
        organization_id,
        root,
        direction,
        max_depth,
        max_nodes,
    )
    .await
}

/// [`trace`] inside a transaction or for a known organization.
pub(crate) async fn trace_in<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    root: NodeRef,
    direction: Direction,
    max_depth: usize,
    max_nodes: usize,
) -> AppResult<Trace> {
    if max_depth > MAX_DEPTH || max_nodes == 0 || max_nodes > MAX_NODES {
        return Err(AppError::rule(
            "maxDepth",
            "lineage_bounds",
            format!("maxDepth is at most {MAX_DEPTH}, maxNodes 1-{MAX_NODES}"),
        ));
    }
    let root = match existing(db, organization_id, root).await {
        Ok(node) => node,
        // A registered dataset or model version nobody connected yet: nothing up or down.
        Err(AppError::NotFound(_)) if !matches!(root, NodeRef::Node(_)) => {
            return Ok(Trace {
                root: 0,
                nodes: Vec::new(),
                edges: Vec::new(),
                ai_systems: Vec::new(),
                truncated: false,
            });
        }
        Err(err) => return Err(err),
    };
    let walk = graph::walk(
        db,
        organization_id,
        root.id,
        direction,
        max_depth,
        max_nodes,
        None,
    )
    .await?;
    let ids: Vec<i32> = walk.nodes.iter().map(|(id, _)| *id).collect();
    let mut nodes: HashMap<i32, lineage_node::Model> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        for node in lineage_node::Entity::find()
            .filter(lineage_node::Column::OrganizationId.eq(organization_id))
            .filter(lineage_node::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            nodes.insert(node.id, node);
        }
    }
    let mut reached = Vec::with_capacity(walk.nodes.len());
    for (id, depth) in &walk.nodes {
        if let Some(node) = nodes.get(id) {
            reached.push((Node::try_from(node.clone())?, *depth));
        }
    }
    let versions: Vec<i32> = reached
        .iter()
        .filter_map(|(n, _)| n.model_version_id)
        .collect();
    let ai_systems = affected_systems(db, organization_id, &versions).await?;
    Ok(Trace {
        root: root.id,
        nodes: reached,
        edges: walk.edges.into_iter().map(Edge::from).collect(),
        ai_systems,
        truncated: walk.truncated,
    })
}

/// The AI systems the given model versions belong to, by id.
async fn affected_systems<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    versions: &[i32],
) -> AppResult<Vec<(i32, String)>> {
    let mut owners = std::collections::BTreeSet::new();
    for chunk in versions.chunks(500) {
        for version in model_version::Entity::find()
            .filter(model_version::Column::OrganizationId.eq(organization_id))
            .filter(model_version::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            owners.insert(version.ai_system_id);
        }
    }
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    Ok(ai_system::Entity::find()
        .filter(ai_system::Column::OrganizationId.eq(organization_id))
        .filter(ai_system::Column::Id.is_in(owners.iter().copied()))
        .order_by_asc(ai_system::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}
