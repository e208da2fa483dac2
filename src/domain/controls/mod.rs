//! Common controls of an organization and their typed mappings to requirements.
//! Every read and write is scoped to the viewer's organization; another organization's id is
//! `NOT_FOUND`. Catalog requirements stay global and read-only.

pub mod evidence;
mod mappings;
mod types;

pub use mappings::{
    add_mapping, all_mappings, mappings_of, organization_mappings, remove_mapping, update_mapping,
};
pub use types::{
    Control, ControlFilter, ControlMapping, ControlPatch, ControlStatus, Effectiveness,
    MappingInput, NewControl,
};

use entity::control;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

/// Loads a control of the viewer's organization.
pub async fn find_model<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<control::Model> {
    control::Entity::find_by_id(id)
        .filter(control::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("control {id}")))
}

/// The organization's controls, by code.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    filter: &ControlFilter,
) -> AppResult<Vec<Control>> {
    viewer.require(Permission::ReadCrosswalk)?;
    let mut query = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_asc(control::Column::Code);
    if !filter.include_retired {
        query = query.filter(control::Column::RetiredAt.is_null());
    }
    if let Some(status) = filter.status {
        query = query.filter(control::Column::Status.eq(status.as_str()));
    }
    if let Some(domain) = &filter.domain {
        query = query.filter(control::Column::Domain.eq(domain.as_str()));
    }
    let needle = filter.search.as_ref().map(|s| s.to_lowercase());
    query
        .all(&services.db)
        .await?
        .into_iter()
        .filter(|c| {
            needle.as_ref().is_none_or(|n| {
                c.code.to_lowercase().contains(n)
                    || c.title.to_lowercase().contains(n)
                    || c.description.to_lowercase().contains(n)
            })
        })
        .map(Control::try_from)
        .collect()
}

/// One control of the viewer's organization.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Control> {
    viewer.require(Permission::ReadCrosswalk)?;
    find_model(&services.db, viewer.organization_id()?, id)
        .await?
        .try_into()
}

/// Creates a control; its code must be new in the organization.
pub async fn create(services: &Services, viewer: &Viewer, input: NewControl) -> AppResult<Control> {
    viewer.require(Permission::WriteControls)?;
    let organization_id = viewer.organization_id()?;
    validate::line("code", &input.code, 32)?;
    validate::line("title", &input.title, 200)?;
    validate::line("domain", &input.domain, 64)?;
    if !(1..=3650).contains(&input.review_frequency_days) {
        return Err(AppError::rule(
            "reviewFrequencyDays",
            "review_frequency_range",
            "reviewFrequencyDays must be between 1 and 3650",
        ));
    }
    if input.status == ControlStatus::NotApplicable {
        return Err(AppError::rule(
            "status",
            "not_applicable_on_create",
            "create the control first, then mark it not_applicable with a reason",
        ));
    }
    let txn = Write::begin(services, viewer).await?;
    let exists = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .filter(control::Column::Code.eq(input.code.trim()))
        .one(&*txn)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(format!(
            "control code '{}' is already used",
            input.code.trim()
        )));
    }
    let now = txn.now();
    let created = control::ActiveModel {
        organization_id: Set(organization_id),
        code: Set(input.code.trim().to_string()),
        domain: Set(input.domain.trim().to_string()),
        title: Set(input.title.trim().to_string()),
        description: Set(input.description.trim().to_string()),
        owner: Set(input
            .owner
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty())),
        status: Set(input.status.as_str().to_string()),
        effectiveness: Set(Effectiveness::NotAssessed.as_str().to_string()),
        review_frequency_days: Set(input.review_frequency_days),
        not_applicable_reason: Set(None),
        library_code: Set(None),
        retired_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let control: Control = created.try_into()?;
    txn.created(Entity::Control, control.id, &control).await?;
    txn.commit().await?;
    Ok(control)
}

/// Changes a control. Marking it not_applicable needs a reason.
pub async fn update(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    patch: ControlPatch,
) -> AppResult<Control> {
    viewer.require(Permission::WriteControls)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let current = find_model(&*txn, organization_id, id).await?;
    let before: Control = current.clone().try_into()?;
    if current.retired_at.is_some() {
        return Err(AppError::Conflict(format!(
            "control {} is retired",
            current.code
        )));
    }
    let status = patch.status.map_or_else(|| current.status.parse(), Ok)?;
    let reason = patch
        .not_applicable_reason
        .clone()
        .or_else(|| current.not_applicable_reason.clone())
        .filter(|r| !r.trim().is_empty());
    if status == ControlStatus::NotApplicable && reason.is_none() {
        return Err(AppError::rule(
            "notApplicableReason",
            "not_applicable_needs_reason",
            "a not_applicable control needs notApplicableReason",
        ));
    }
    if let Some(title) = &patch.title {
        validate::line("title", title, 200)?;
    }
    if let Some(days) = patch.review_frequency_days
        && !(1..=3650).contains(&days)
    {
        return Err(AppError::rule(
            "reviewFrequencyDays",
            "review_frequency_range",
            "reviewFrequencyDays must be between 1 and 3650",
        ));
    }
    let mut active: control::ActiveModel = current.into();
    if let Some(title) = patch.title {
        active.title = Set(title.trim().to_string());
    }
    if let Some(description) = patch.description {
        active.description = Set(description.trim().to_string());
    }
    if let Some(owner) = patch.owner {
        active.owner = Set(Some(owner.trim().to_string()).filter(|o| !o.is_empty()));
    }
    if let Some(effectiveness) = patch.effectiveness {
        active.effectiveness = Set(effectiveness.as_str().to_string());
    }
    if let Some(days) = patch.review_frequency_days {
        active.review_frequency_days = Set(days);
    }
    active.status = Set(status.as_str().to_string());
    active.not_applicable_reason = Set(if status == ControlStatus::NotApplicable {
        reason
    } else {
        None
    });
    active.updated_at = Set(txn.now());
    let updated: Control = active.update(&*txn).await?.try_into()?;
    txn.record(
        Action::Update,
        Entity::Control,
        id,
        Some(snapshot(&before)?),
        Some(snapshot(&updated)?),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Retires a control: it stops counting anywhere but keeps its history.
pub async fn retire(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Control> {
    viewer.require(Permission::WriteControls)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let current = find_model(&*txn, organization_id, id).await?;
    if current.retired_at.is_some() {
        return current.try_into();
    }
    let before: Control = current.clone().try_into()?;
    let mut active: control::ActiveModel = current.into();
    let now = txn.now();
    active.retired_at = Set(Some(now));
    active.updated_at = Set(now);
    let retired: Control = active.update(&*txn).await?.try_into()?;
    txn.record(
        Action::Retire,
        Entity::Control,
        id,
        Some(snapshot(&before)?),
        Some(snapshot(&retired)?),
    )
    .await?;
    txn.commit().await?;
    Ok(retired)
}
