//! The crosswalk use case: "what in framework B corresponds to requirement X of framework A?",
//! answered from the organization's direct mappings and its common controls, live.

pub mod applicability;
pub mod coverage;
pub mod direct;
pub mod engine;
pub mod read_model;
pub mod relationship;

use std::collections::HashSet;
use std::sync::Arc;

use entity::control;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::Services;
use super::controls::all_mappings;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::error::AppResult;
pub use engine::{
    Answer, AnswerRelationship, ControlEdge, CrosswalkRequest, DirectMapping, Edge, PathStep, Via,
};

/// Resolves a requirement reference (URN, or ref id within a framework) and its descendants.
pub fn requirement_and_descendants(
    services: &Services,
    framework_id: i32,
    reference: &str,
) -> AppResult<HashSet<i32>> {
    let catalog = &services.catalog;
    let root = if reference.starts_with("urn:") {
        catalog.requirement_by_urn(reference)?
    } else {
        catalog.requirement_by_ref(framework_id, reference)?
    };
    let mut ids = HashSet::from([root.id]);
    let mut frontier = vec![root.id];
    while let Some(id) = frontier.pop() {
        for child in catalog.children(id) {
            if ids.insert(child.id) {
                frontier.push(child.id);
            }
        }
    }
    Ok(ids)
}

/// The organization's active control edges (retired controls do not count).
pub async fn control_edges(
    services: &Services,
    organization_id: i32,
) -> AppResult<Vec<ControlEdge>> {
    let controls: std::collections::HashMap<i32, String> = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .filter(control::Column::RetiredAt.is_null())
        .all(&services.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.code))
        .collect();
    Ok(all_mappings(&services.db, organization_id)
        .await?
        .into_iter()
        .filter_map(|m| {
            let code = controls.get(&m.control_id)?.clone();
            Some(ControlEdge {
                control_id: m.control_id,
                control_code: code,
                requirement_id: m.requirement_id,
                edge: Edge {
                    id: m.id,
                    relationship: m.relationship,
                    rationale: Some(m.rationale),
                    strength: m.strength,
                    confidence: m.confidence,
                    justification: m.justification,
                    provenance: m.provenance,
                },
            })
        })
        .collect())
}

/// Every answer for the request, from the organization's read model (current as of the latest
/// write on any instance; see [`crate::domain::crosswalk::read_model`]).
pub async fn crosswalk(
    services: &Services,
    viewer: &Viewer,
    request: &CrosswalkRequest,
) -> AppResult<Vec<Arc<Answer>>> {
    viewer.require(Permission::ReadCrosswalk)?;
    let organization_id = viewer.organization_id()?;
    let model = services
        .read_model
        .organization(services, organization_id)
        .await?;
    let (via_direct, via_controls) = (
        request.via.contains(&Via::Direct),
        request.via.contains(&Via::Controls),
    );
    let direct: &[DirectMapping] = if via_direct { &model.direct } else { &[] };
    let edges: &[ControlEdge] = if via_controls { &model.edges } else { &[] };
    if request.from_framework_id == request.to_framework_id {
        // Within one framework a mapping can answer in either direction depending on the
        // requested sources, so the pair's full answer list cannot be filtered afterwards.
        return Ok(engine::compute(&services.catalog, request, direct, edges)
            .into_iter()
            .map(Arc::new)
            .collect());
    }
    // Between two frameworks, the answers for some sources are exactly the pair's answers whose
    // source is among them, in the same order: compute the pair once per model and filter.
    let key = (
        request.from_framework_id,
        request.to_framework_id,
        via_direct,
        via_controls,
    );
    let whole = model.pair_answers(key, || {
        let whole_pair = CrosswalkRequest {
            sources: None,
            ..request.clone()
        };
        engine::compute(&services.catalog, &whole_pair, direct, edges)
    });
    Ok(match &request.sources {
        None => whole.as_ref().clone(),
        Some(sources) => whole
            .iter()
            .filter(|a| sources.contains(&a.source_id))
            .map(Arc::clone)
            .collect(),
    })
}

/// The same answers computed from the database on every call, bypassing the read model: the
/// reference the read model is tested against.
pub async fn crosswalk_from_database(
    services: &Services,
    viewer: &Viewer,
    request: &CrosswalkRequest,
) -> AppResult<Vec<Answer>> {
    viewer.require(Permission::ReadCrosswalk)?;
    let organization_id = viewer.organization_id()?;
    let direct = if request.via.contains(&Via::Direct) {
        direct::all(&services.db, organization_id).await?
    } else {
        Vec::new()
    };
    let edges = if request.via.contains(&Via::Controls) {
        control_edges(services, organization_id).await?
    } else {
        Vec::new()
    };
    Ok(engine::compute(&services.catalog, request, &direct, &edges))
}
