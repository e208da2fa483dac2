//! A synthetic lineage graph for benchmarks (`accord demo lineage --edges N`): datasets in
//! layers of a fixed width, each node feeding two nodes of the next layer, written in bulk in one
//! audited write. Deterministic; the first node of the first layer reaches the whole graph
//! downstream and the last node of the last layer reaches every source upstream.

use entity::{lineage_edge, lineage_node};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::domain::Services;
use crate::domain::account::organizations;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::AppResult;

/// Nodes per layer.
const WIDTH: usize = 100;
/// Rows per insert statement.
const BATCH: usize = 1_000;

/// The ids of the first and last node written.
pub struct Synthetic {
    pub nodes: usize,
    pub edges: usize,
    pub first_node: i32,
    pub last_node: i32,
}

/// Writes a layered graph of about `edges` edges into organization `slug`.
pub async fn seed(services: &Services, slug: &str, edges: usize) -> AppResult<Synthetic> {
    let organization = organizations::by_slug(services, slug).await?;
    let system = Viewer::System {
        organization_id: organization.id,
    };
    let layers = (edges / (2 * WIDTH)).max(1) + 1;
    let write = Write::begin(services, &system).await?;
    let now = write.now();
    let nodes: Vec<lineage_node::ActiveModel> = (0..layers * WIDTH)
        .map(|i| lineage_node::ActiveModel {
            organization_id: Set(organization.id),
            kind: Set(if (i / WIDTH).is_multiple_of(2) {
                "dataset"
            } else {
                "processing_step"
            }
            .into()),
            dataset_id: Set(None),
            model_version_id: Set(None),
            label: Set(format!("synthetic {}/{}", i / WIDTH, i % WIDTH)),
            details: Set("{}".into()),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for batch in nodes.chunks(BATCH) {
        lineage_node::Entity::insert_many(batch.to_vec())
            .exec(&*write)
            .await?;
    }
    let ids: Vec<i32> = lineage_node::Entity::find()
        .filter(lineage_node::Column::OrganizationId.eq(organization.id))
        .order_by_asc(lineage_node::Column::Id)
        .all(&*write)
        .await?
        .into_iter()
        .map(|n| n.id)
        .rev()
        .take(layers * WIDTH)
        .rev()
        .collect();
    let mut rows = Vec::with_capacity(edges);
    for layer in 0..layers - 1 {
        for i in 0..WIDTH {
            for step in [0, 1 + (layer * 7 + i) % (WIDTH - 1)] {
                let from = ids[layer * WIDTH + i];
                let to = ids[(layer + 1) * WIDTH + (i + step) % WIDTH];
                rows.push(lineage_edge::ActiveModel {
                    organization_id: Set(organization.id),
                    from_node: Set(from),
                    to_node: Set(to),
                    transformation: Set("synthetic".into()),
                    actor: Set("demo".into()),
                    at: Set(now),
                    ..Default::default()
                });
            }
        }
    }
    let edge_count = rows.len();
    for batch in rows.chunks(BATCH) {
        lineage_edge::Entity::insert_many(batch.to_vec())
            .exec(&*write)
            .await?;
    }
    write
        .record(
            Action::Seed,
            Entity::LineageEdge,
            "synthetic",
            None,
            Some(json!({ "nodes": ids.len(), "edges": edge_count })),
        )
        .await?;
    write.commit().await?;
    Ok(Synthetic {
        nodes: ids.len(),
        edges: edge_count,
        first_node: ids.first().copied().unwrap_or_default(),
        last_node: ids.last().copied().unwrap_or_default(),
    })
}
