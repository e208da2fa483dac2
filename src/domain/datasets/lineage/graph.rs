//! Walking the lineage graph in the database, level by level: each breadth-first level is one
//! query for the edges leaving (or entering) the frontier, so a walk costs time linear in the
//! nodes and edges it reaches, whatever the size of the whole graph. Reachability (for refusing
//! cycles) is the same walk, stopped as soon as the target turns up.

use std::collections::HashSet;

use entity::lineage_edge;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppResult;

/// Which way a walk goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards sources (against the edges).
    Upstream,
    /// Towards what was derived (along the edges).
    Downstream,
}

/// Ids per `IN` list, well under the databases' bound-parameter limits.
const CHUNK: usize = 500;

/// What a walk reached: each node with its distance from the start (in the order reached), the
/// edges it followed, and whether a bound stopped it early.
#[derive(Debug, Default)]
pub struct Walk {
    pub nodes: Vec<(i32, usize)>,
    pub edges: Vec<lineage_edge::Model>,
    pub truncated: bool,
}

/// The edges leaving (downstream) or entering (upstream) any node of `frontier`, by id.
async fn next_edges<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    frontier: &[i32],
    direction: Direction,
) -> AppResult<Vec<lineage_edge::Model>> {
    let column = match direction {
        Direction::Downstream => lineage_edge::Column::FromNode,
        Direction::Upstream => lineage_edge::Column::ToNode,
    };
    let mut out = Vec::new();
    for chunk in frontier.chunks(CHUNK) {
        out.extend(
            lineage_edge::Entity::find()
                .filter(lineage_edge::Column::OrganizationId.eq(organization_id))
                .filter(column.is_in(chunk.iter().copied()))
                .order_by_asc(lineage_edge::Column::Id)
                .all(db)
                .await?,
        );
    }
    out.sort_by_key(|e| e.id);
    Ok(out)
}

/// Breadth-first from `start`, at most `max_depth` edges away and `max_nodes` nodes (the start
/// included); stops early when `stop_at` is reached.
pub async fn walk<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    start: i32,
    direction: Direction,
    max_depth: usize,
    max_nodes: usize,
    stop_at: Option<i32>,
) -> AppResult<Walk> {
    let mut walk = Walk {
        nodes: vec![(start, 0)],
        ..Walk::default()
    };
    let mut seen = HashSet::from([start]);
    let mut frontier = vec![start];
    let mut depth = 0;
    while !frontier.is_empty() {
        let edges = next_edges(db, organization_id, &frontier, direction).await?;
        if edges.is_empty() {
            break;
        }
        if depth >= max_depth {
            walk.truncated = true;
            break;
        }
        let mut next = Vec::new();
        for edge in edges {
            let other = match direction {
                Direction::Downstream => edge.to_node,
                Direction::Upstream => edge.from_node,
            };
            if seen.contains(&other) {
                walk.edges.push(edge);
                continue;
            }
            // An edge is returned only with both its ends.
            if walk.nodes.len() >= max_nodes {
                walk.truncated = true;
                return Ok(walk);
            }
            seen.insert(other);
            walk.edges.push(edge);
            walk.nodes.push((other, depth + 1));
            if stop_at == Some(other) {
                return Ok(walk);
            }
            next.push(other);
        }
        frontier = next;
        depth += 1;
    }
    Ok(walk)
}

/// Whether `to` can be reached from `from` along the edges.
pub async fn reaches<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    from: i32,
    to: i32,
) -> AppResult<bool> {
    let walk = walk(
        db,
        organization_id,
        from,
        Direction::Downstream,
        usize::MAX,
        usize::MAX,
        Some(to),
    )
    .await?;
    Ok(walk.nodes.iter().any(|(n, _)| *n == to))
}
