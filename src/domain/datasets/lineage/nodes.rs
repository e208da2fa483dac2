//! Nodes and edges as stored: finding or creating the node of a dataset or model version,
//! inserting nodes and edges, and resolving a reference to its node.

use entity::{ai_system, lineage_edge, lineage_node, model_version};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use serde_json::{Value, json};

use super::{Edge, NodeKind, NodeRef, graph};
use crate::domain::datasets::register::find_row;
use crate::domain::datasets::{DataRole, Dataset};
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::Write;
use crate::error::{AppError, AppResult};

pub(super) async fn node_where<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    kind: NodeKind,
    column: lineage_node::Column,
    id: i32,
) -> AppResult<Option<lineage_node::Model>> {
    Ok(lineage_node::Entity::find()
        .filter(lineage_node::Column::OrganizationId.eq(organization_id))
        .filter(lineage_node::Column::Kind.eq(kind.as_str()))
        .filter(column.eq(id))
        .one(db)
        .await?)
}

pub(super) async fn insert_node(
    write: &Write<'_>,
    organization_id: i32,
    kind: NodeKind,
    refs: (Option<i32>, Option<i32>),
    label: String,
    details: Value,
) -> AppResult<lineage_node::Model> {
    Ok(lineage_node::ActiveModel {
        organization_id: Set(organization_id),
        kind: Set(kind.as_str().into()),
        dataset_id: Set(refs.0),
        model_version_id: Set(refs.1),
        label: Set(label),
        details: Set(details.to_string()),
        created_at: Set(write.now()),
        ..Default::default()
    }
    .insert(&**write)
    .await?)
}

/// The node of a dataset, created on first use.
pub(crate) async fn dataset_node(
    write: &Write<'_>,
    organization_id: i32,
    dataset: &Dataset,
) -> AppResult<i32> {
    let column = lineage_node::Column::DatasetId;
    if let Some(node) = node_where(
        &**write,
        organization_id,
        NodeKind::Dataset,
        column,
        dataset.id,
    )
    .await?
    {
        return Ok(node.id);
    }
    let label = format!("{} {}", dataset.name, dataset.version);
    let details = json!({ "source": dataset.source, "owner": dataset.owner });
    Ok(insert_node(
        write,
        organization_id,
        NodeKind::Dataset,
        (Some(dataset.id), None),
        label,
        details,
    )
    .await?
    .id)
}

/// The node of a model version, created on first use.
pub(super) async fn model_node(
    write: &Write<'_>,
    organization_id: i32,
    version: &model_version::Model,
) -> AppResult<i32> {
    let column = lineage_node::Column::ModelVersionId;
    if let Some(node) = node_where(
        &**write,
        organization_id,
        NodeKind::ModelVersion,
        column,
        version.id,
    )
    .await?
    {
        return Ok(node.id);
    }
    let system = ai_system::Entity::find_by_id(version.ai_system_id)
        .filter(ai_system::Column::OrganizationId.eq(organization_id))
        .one(&**write)
        .await?
        .map_or_else(String::new, |s| s.name);
    let label = format!("{system} {}", version.version);
    let details = json!({ "ai_system_id": version.ai_system_id });
    Ok(insert_node(
        write,
        organization_id,
        NodeKind::ModelVersion,
        (None, Some(version.id)),
        label,
        details,
    )
    .await?
    .id)
}

pub(super) async fn edge_exists<C: ConnectionTrait>(db: &C, from: i32, to: i32) -> AppResult<bool> {
    Ok(lineage_edge::Entity::find()
        .filter(lineage_edge::Column::FromNode.eq(from))
        .filter(lineage_edge::Column::ToNode.eq(to))
        .count(db)
        .await?
        > 0)
}

pub(super) async fn insert_edge(
    write: &Write<'_>,
    organization_id: i32,
    from: i32,
    to: i32,
    transformation: &str,
) -> AppResult<Edge> {
    Ok(lineage_edge::ActiveModel {
        organization_id: Set(organization_id),
        from_node: Set(from),
        to_node: Set(to),
        transformation: Set(transformation.to_string()),
        actor: Set(write.actor().to_string()),
        at: Set(write.now()),
        ..Default::default()
    }
    .insert(&**write)
    .await?
    .into())
}

/// Puts dataset -> model version on the graph when a model version uses a dataset.
pub(crate) async fn connect_usage(
    write: &Write<'_>,
    organization_id: i32,
    dataset: &Dataset,
    version: &model_version::Model,
    role: DataRole,
) -> AppResult<()> {
    let from = dataset_node(write, organization_id, dataset).await?;
    let to = model_node(write, organization_id, version).await?;
    if graph::reaches(&**write, organization_id, to, from).await? {
        return Err(AppError::rule(
            "datasetId",
            "lineage_cycle",
            "the lineage graph has this dataset derived from the model version already; using it would close a cycle",
        ));
    }
    if !edge_exists(&**write, from, to).await? {
        insert_edge(write, organization_id, from, to, role.as_str()).await?;
    }
    Ok(())
}

/// The node a reference names, created for a dataset or model version on first use.
pub(super) async fn resolve(
    write: &Write<'_>,
    organization_id: i32,
    reference: NodeRef,
) -> AppResult<i32> {
    match reference {
        NodeRef::Node(id) => Ok(lineage_node::Entity::find_by_id(id)
            .filter(lineage_node::Column::OrganizationId.eq(organization_id))
            .one(&**write)
            .await?
            .ok_or_else(|| AppError::not_found(format!("lineage node {id}")))?
            .id),
        NodeRef::Dataset(id) => {
            let dataset: Dataset = find_row(&**write, organization_id, id).await?.try_into()?;
            dataset_node(write, organization_id, &dataset).await
        }
        NodeRef::ModelVersion(id) => {
            let version = model_version::Entity::find_by_id(id)
                .filter(model_version::Column::OrganizationId.eq(organization_id))
                .one(&**write)
                .await?
                .ok_or_else(|| AppError::not_found(format!("model version {id}")))?;
            model_node(write, organization_id, &version).await
        }
    }
}
