//! Which datasets a model version was trained, validated and tested on, with the purpose of use.
//! Linking applies the rules of [`super::rights`]: the purpose must be allowed; training data must
//! be fit for training; and a model that is deployed or moving to deploy (validated, or with a
//! deployment approval requested) may not be trained on data with a rights problem unless an
//! approved `data_use_exception` for the dataset exists. Deploying checks its training data the
//! same way. Each link also puts the edge dataset -> model version on the lineage graph.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{approval_request, model_dataset, model_version};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::register::find_row;
use super::rights::{self, Problem};
use super::{DataRole, Dataset, lineage};
use crate::domain::Services;
use crate::domain::approvals::{self, ApprovalSubject};
use crate::domain::inventory::ModelStatus;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Entity, Write};
use crate::error::{AppError, AppResult};

/// A dataset's use by a model version.
#[derive(Debug, Clone, Serialize)]
pub struct Usage {
    pub id: i32,
    pub model_version_id: i32,
    pub dataset_id: i32,
    pub role: DataRole,
    pub purpose: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<model_dataset::Model> for Usage {
    type Error = AppError;
    fn try_from(m: model_dataset::Model) -> AppResult<Self> {
        Ok(Usage {
            id: m.id,
            model_version_id: m.model_version_id,
            dataset_id: m.dataset_id,
            role: DataRole::stored(&m.role)?,
            purpose: m.purpose,
            created_by: m.created_by,
            created_at: m.created_at,
        })
    }
}

fn refuse(problem: Problem) -> AppError {
    AppError::rule("datasetId", problem.rule, problem.message)
}

/// Whether a model version is deployed or moving to deploy.
async fn deploying<C: ConnectionTrait>(db: &C, version: &model_version::Model) -> AppResult<bool> {
    if version.status == ModelStatus::Deployed.as_str()
        || version.status == ModelStatus::Validated.as_str()
    {
        return Ok(true);
    }
    let requested = approval_request::Entity::find()
        .filter(approval_request::Column::OrganizationId.eq(version.organization_id))
        .filter(approval_request::Column::SubjectType.eq(ApprovalSubject::Deployment.as_str()))
        .filter(approval_request::Column::SubjectId.eq(version.id))
        .filter(approval_request::Column::Status.is_in(["pending", "approved"]))
        .count(db)
        .await?;
    Ok(requested > 0)
}

/// The rights problem, if any, that keeps `dataset` from training a deploying model: none when an
/// approved exception exists.
async fn rights_refusal<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    dataset: &Dataset,
    today: NaiveDate,
) -> AppResult<Option<Problem>> {
    let Some(first) = rights::rights_problems(dataset, today).into_iter().next() else {
        return Ok(None);
    };
    let excepted = approvals::is_approved(
        db,
        organization_id,
        ApprovalSubject::DataUseException,
        dataset.id,
    )
    .await?;
    Ok((!excepted).then_some(first))
}

/// Records that a model version used a dataset for `role` and `purpose`.
pub async fn link(
    services: &Services,
    viewer: &Viewer,
    model_version_id: i32,
    dataset_id: i32,
    role: DataRole,
    purpose: &str,
) -> AppResult<Usage> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let purpose = validate::line("purpose", purpose, 300)?;
    let write = Write::begin(services, viewer).await?;
    let version = model_version::Entity::find_by_id(model_version_id)
        .filter(model_version::Column::OrganizationId.eq(organization_id))
        .one(&*write)
        .await?
        .ok_or_else(|| AppError::not_found(format!("model version {model_version_id}")))?;
    let dataset: Dataset = find_row(&*write, organization_id, dataset_id)
        .await?
        .try_into()?;
    if !rights::purpose_allowed(&dataset, &purpose) {
        return Err(AppError::rule(
            "purpose",
            "purpose_not_allowed",
            format!(
                "'{purpose}' is not among the allowed purposes of {} {} ({})",
                dataset.name,
                dataset.version,
                dataset.allowed_purposes.join(", ")
            ),
        ));
    }
    if role == DataRole::Training {
        if let Some(problem) = rights::training_problems(&dataset).into_iter().next() {
            return Err(refuse(problem));
        }
        if deploying(&*write, &version).await?
            && let Some(problem) =
                rights_refusal(&*write, organization_id, &dataset, write.now().date_naive()).await?
        {
            return Err(refuse(problem));
        }
    }
    let taken = model_dataset::Entity::find()
        .filter(model_dataset::Column::ModelVersionId.eq(model_version_id))
        .filter(model_dataset::Column::DatasetId.eq(dataset_id))
        .filter(model_dataset::Column::Role.eq(role.as_str()))
        .count(&*write)
        .await?;
    if taken > 0 {
        return Err(AppError::rule(
            "datasetId",
            "unique",
            format!("the model version already uses this dataset for {role}"),
        ));
    }
    let created: Usage = model_dataset::ActiveModel {
        organization_id: Set(organization_id),
        model_version_id: Set(model_version_id),
        dataset_id: Set(dataset_id),
        role: Set(role.as_str().into()),
        purpose: Set(purpose),
        created_by: Set(write.actor().to_string()),
        created_at: Set(write.now()),
        ..Default::default()
    }
    .insert(&*write)
    .await?
    .try_into()?;
    lineage::connect_usage(&write, organization_id, &dataset, &version, role).await?;
    write
        .created(Entity::ModelDataset, created.id, &created)
        .await?;
    write.commit().await?;
    Ok(created)
}

/// Checks a dataset's current uses against its record, after an edit inside the same write: a
/// dataset cannot be edited out from under the rules its uses were admitted by.
pub(crate) async fn recheck<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    dataset: &Dataset,
    today: NaiveDate,
) -> AppResult<()> {
    let uses = model_dataset::Entity::find()
        .filter(model_dataset::Column::OrganizationId.eq(organization_id))
        .filter(model_dataset::Column::DatasetId.eq(dataset.id))
        .all(db)
        .await?;
    for usage in uses {
        if !rights::purpose_allowed(dataset, &usage.purpose) {
            return Err(AppError::rule(
                "allowedPurposes",
                "purpose_not_allowed",
                format!(
                    "model version {} uses this dataset for '{}', which would no longer be allowed",
                    usage.model_version_id, usage.purpose
                ),
            ));
        }
        if usage.role != DataRole::Training.as_str() {
            continue;
        }
        if let Some(problem) = rights::training_problems(dataset).into_iter().next() {
            return Err(refuse(problem));
        }
        let version = model_version::Entity::find_by_id(usage.model_version_id)
            .one(db)
            .await?;
        if let Some(version) = version
            && deploying(db, &version).await?
            && let Some(problem) = rights_refusal(db, organization_id, dataset, today).await?
        {
            return Err(refuse(problem));
        }
    }
    Ok(())
}

/// The refusal, if any, of deploying a model version given its training data (checked inside
/// the status change's write).
pub async fn deployment_refusal<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    model_version_id: i32,
    today: NaiveDate,
) -> AppResult<Option<AppError>> {
    let uses = model_dataset::Entity::find()
        .filter(model_dataset::Column::OrganizationId.eq(organization_id))
        .filter(model_dataset::Column::ModelVersionId.eq(model_version_id))
        .filter(model_dataset::Column::Role.eq(DataRole::Training.as_str()))
        .all(db)
        .await?;
    for usage in uses {
        let dataset: Dataset = find_row(db, organization_id, usage.dataset_id)
            .await?
            .try_into()?;
        if let Some(problem) = rights_refusal(db, organization_id, &dataset, today).await? {
            return Ok(Some(refuse(problem)));
        }
    }
    Ok(None)
}

/// The datasets a model version used, or the model versions that used a dataset.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    model_version_id: Option<i32>,
    dataset_id: Option<i32>,
) -> AppResult<Vec<Usage>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    if let Some(id) = model_version_id {
        model_version::Entity::find_by_id(id)
            .filter(model_version::Column::OrganizationId.eq(organization_id))
            .one(&services.db)
            .await?
            .ok_or_else(|| AppError::not_found(format!("model version {id}")))?;
    }
    if let Some(id) = dataset_id {
        find_row(&services.db, organization_id, id).await?;
    }
    let mut query = model_dataset::Entity::find()
        .filter(model_dataset::Column::OrganizationId.eq(organization_id));
    if let Some(id) = model_version_id {
        query = query.filter(model_dataset::Column::ModelVersionId.eq(id));
    }
    if let Some(id) = dataset_id {
        query = query.filter(model_dataset::Column::DatasetId.eq(id));
    }
    query
        .order_by_asc(model_dataset::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}
