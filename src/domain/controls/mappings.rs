//! Typed mappings from a control to requirements ("control <relationship> requirement").

use entity::control_mapping;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::find_model;
use super::types::{ControlMapping, MappingInput, validate_mapping};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

/// Mappings of one control, in catalog order.
pub async fn mappings_of(
    services: &Services,
    viewer: &Viewer,
    control_id: i32,
) -> AppResult<Vec<ControlMapping>> {
    viewer.require(Permission::ReadCrosswalk)?;
    let organization_id = viewer.organization_id()?;
    find_model(&services.db, organization_id, control_id).await?;
    let mut mappings: Vec<ControlMapping> = control_mapping::Entity::find()
        .filter(control_mapping::Column::OrganizationId.eq(organization_id))
        .filter(control_mapping::Column::ControlId.eq(control_id))
        .all(&services.db)
        .await?
        .into_iter()
        .map(ControlMapping::try_from)
        .collect::<AppResult<_>>()?;
    let catalog = &services.catalog;
    mappings.sort_by_key(|m| {
        catalog
            .requirement(m.requirement_id)
            .map(|r| (r.framework_id, r.ord))
            .unwrap_or_default()
    });
    Ok(mappings)
}

/// Every mapping of the viewer's organization, for listings that show many controls at once.
pub async fn organization_mappings(
    services: &Services,
    viewer: &Viewer,
) -> AppResult<Vec<ControlMapping>> {
    viewer.require(Permission::ReadCrosswalk)?;
    all_mappings(&services.db, viewer.organization_id()?).await
}

/// Every active mapping of the organization (for the crosswalk and coverage).
pub async fn all_mappings<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
) -> AppResult<Vec<ControlMapping>> {
    control_mapping::Entity::find()
        .filter(control_mapping::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(ControlMapping::try_from)
        .collect()
}

/// Maps a control to a requirement; both must exist, and the pair must be new.
pub async fn add_mapping(
    services: &Services,
    viewer: &Viewer,
    control_id: i32,
    requirement_id: i32,
    input: MappingInput,
) -> AppResult<ControlMapping> {
    viewer.require(Permission::WriteControls)?;
    validate_mapping(&input)?;
    services.catalog.requirement(requirement_id)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let control = find_model(&*txn, organization_id, control_id).await?;
    if control.retired_at.is_some() {
        return Err(AppError::Conflict(format!(
            "control {} is retired",
            control.code
        )));
    }
    let duplicate = control_mapping::Entity::find()
        .filter(control_mapping::Column::ControlId.eq(control_id))
        .filter(control_mapping::Column::RequirementId.eq(requirement_id))
        .one(&*txn)
        .await?;
    if duplicate.is_some() {
        return Err(AppError::Conflict(format!(
            "control {} is already mapped to this requirement",
            control.code
        )));
    }
    let created = control_mapping::ActiveModel {
        organization_id: Set(organization_id),
        control_id: Set(control_id),
        requirement_id: Set(requirement_id),
        relationship: Set(input.relationship.as_str().to_string()),
        rationale: Set(input.rationale.as_str().to_string()),
        strength: Set(input.strength),
        confidence: Set(input.confidence),
        justification: Set(input.justification.trim().to_string()),
        provenance: Set(format!("user:{}", viewer.describe())),
        created_by: Set(viewer.describe()),
        created_at: Set(txn.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let mapping: ControlMapping = created.try_into()?;
    txn.created(Entity::ControlMapping, mapping.id, &mapping)
        .await?;
    txn.commit().await?;
    Ok(mapping)
}

async fn find_mapping<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<control_mapping::Model> {
    control_mapping::Entity::find_by_id(id)
        .filter(control_mapping::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("mapping {id}")))
}

/// Changes a mapping's relationship, rationale, strength, confidence or justification.
pub async fn update_mapping(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    input: MappingInput,
) -> AppResult<ControlMapping> {
    viewer.require(Permission::WriteControls)?;
    validate_mapping(&input)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let current = find_mapping(&*txn, organization_id, id).await?;
    let before: ControlMapping = current.clone().try_into()?;
    let mut active: control_mapping::ActiveModel = current.into();
    active.relationship = Set(input.relationship.as_str().to_string());
    active.rationale = Set(input.rationale.as_str().to_string());
    active.strength = Set(input.strength);
    active.confidence = Set(input.confidence);
    active.justification = Set(input.justification.trim().to_string());
    active.provenance = Set(format!("user:{}", viewer.describe()));
    let updated: ControlMapping = active.update(&*txn).await?.try_into()?;
    txn.record(
        Action::Update,
        Entity::ControlMapping,
        id,
        Some(snapshot(&before)?),
        Some(snapshot(&updated)?),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Removes a mapping; returns what was removed.
pub async fn remove_mapping(
    services: &Services,
    viewer: &Viewer,
    id: i32,
) -> AppResult<ControlMapping> {
    viewer.require(Permission::WriteControls)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let current = find_mapping(&*txn, organization_id, id).await?;
    control_mapping::Entity::delete_by_id(current.id)
        .exec(&*txn)
        .await?;
    let removed: ControlMapping = current.try_into()?;
    txn.record(
        Action::Delete,
        Entity::ControlMapping,
        id,
        Some(snapshot(&removed)?),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(removed)
}
