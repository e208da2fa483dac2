//! Model versions of an AI system, with model-card fields; deployment needs an approval.

use super::{ModelStatus, find};
use crate::domain::approvals;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use chrono::{DateTime, Utc};
use entity::model_version;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::error::{AppError, AppResult};

/// A model version with its model card.
#[derive(Debug, Clone, Serialize)]
pub struct ModelVersion {
    pub id: i32,
    pub ai_system_id: i32,
    pub version: String,
    pub status: ModelStatus,
    pub intended_use: String,
    pub limitations: String,
    pub training_data: Vec<String>,
    pub evaluation_results: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<model_version::Model> for ModelVersion {
    type Error = AppError;
    fn try_from(m: model_version::Model) -> AppResult<Self> {
        Ok(ModelVersion {
            training_data: serde_json::from_str(&m.training_data).map_err(AppError::internal)?,
            evaluation_results: serde_json::from_str(&m.evaluation_results)
                .map_err(AppError::internal)?,
            id: m.id,
            ai_system_id: m.ai_system_id,
            version: m.version,
            status: ModelStatus::stored(&m.status)?,
            intended_use: m.intended_use,
            limitations: m.limitations,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// Model-card fields of a new model version.
#[derive(Debug, Clone)]
pub struct ModelVersionInput {
    pub version: String,
    pub intended_use: String,
    pub limitations: String,
    pub training_data: Vec<String>,
    pub evaluation_results: serde_json::Value,
}

/// Registers a model version (status `development`).
pub async fn add_model_version(
    services: &Services,
    viewer: &Viewer,
    ai_system_id: i32,
    input: ModelVersionInput,
) -> AppResult<ModelVersion> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let version = validate::line("version", &input.version, 64)?;
    let intended_use = validate::text("intendedUse", &input.intended_use, 4000)?;
    let txn = Write::begin(services, viewer).await?;
    find(&*txn, organization_id, ai_system_id).await?;
    let exists = model_version::Entity::find()
        .filter(model_version::Column::AiSystemId.eq(ai_system_id))
        .filter(model_version::Column::Version.eq(version.as_str()))
        .one(&*txn)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(format!(
            "version {version} already exists for this AI system"
        )));
    }
    let now = txn.now();
    let created: ModelVersion =
        model_version::ActiveModel {
            organization_id: Set(organization_id),
            ai_system_id: Set(ai_system_id),
            version: Set(version),
            status: Set(ModelStatus::Development.as_str().into()),
            intended_use: Set(intended_use),
            limitations: Set(input.limitations.trim().to_string()),
            training_data: Set(
                serde_json::to_string(&input.training_data).map_err(AppError::internal)?
            ),
            evaluation_results: Set(input.evaluation_results.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*txn)
        .await?
        .try_into()?;
    txn.created(Entity::ModelVersion, created.id, &created)
        .await?;
    txn.commit().await?;
    Ok(created)
}

/// Moves a model version to a status. `deployed` needs an approved deployment approval of this
/// version; without one the move is refused and nothing changes.
pub async fn set_model_status(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    status: ModelStatus,
) -> AppResult<ModelVersion> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let current = model_version::Entity::find_by_id(id)
        .filter(model_version::Column::OrganizationId.eq(organization_id))
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("model version {id}")))?;
    if status == ModelStatus::Deployed
        && !approvals::is_approved(
            &*txn,
            organization_id,
            approvals::ApprovalSubject::Deployment,
            id,
        )
        .await?
    {
        return Err(AppError::Conflict(
            "deploying a model version needs an approved deployment approval".into(),
        ));
    }
    // Deployed or about to be, the training data's rights must hold (or be excepted).
    if matches!(status, ModelStatus::Deployed | ModelStatus::Validated)
        && let Some(refusal) = crate::domain::datasets::usage::deployment_refusal(
            &*txn,
            organization_id,
            id,
            txn.now().date_naive(),
        )
        .await?
    {
        return Err(refusal);
    }
    let before: ModelVersion = current.clone().try_into()?;
    let mut active: model_version::ActiveModel = current.into();
    active.status = Set(status.as_str().into());
    active.updated_at = Set(txn.now());
    let updated: ModelVersion = active.update(&*txn).await?.try_into()?;
    txn.record(
        Action::SetStatus,
        Entity::ModelVersion,
        id,
        Some(snapshot(&before)?),
        Some(snapshot(&updated)?),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Model versions of an AI system, newest first.
pub async fn model_versions(
    services: &Services,
    viewer: &Viewer,
    ai_system_id: i32,
) -> AppResult<Vec<ModelVersion>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    find(&services.db, organization_id, ai_system_id).await?;
    model_version::Entity::find()
        .filter(model_version::Column::OrganizationId.eq(organization_id))
        .filter(model_version::Column::AiSystemId.eq(ai_system_id))
        .order_by_desc(model_version::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(ModelVersion::try_from)
        .collect()
}
