//! Scope and inventory: AI systems (in scope, or excluded with a justification), their model
//! versions with model-card fields, and the organization's scope statement. A model version
//! becomes `deployed` only with an approved deployment approval; an AI system in the `operate`
//! stage changes only with an approved system-change approval.

use chrono::{DateTime, Utc};
use entity::{ai_system, model_version, scope_statement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use super::Services;
use super::approvals;
use super::audit::{self, snapshot};
use super::validate;
use super::viewer::{READERS, Viewer, WRITERS};
use crate::db::begin_write;
use crate::error::{AppError, AppResult};

pub const STAGES: &[&str] = &[
    "design", "develop", "validate", "deploy", "operate", "retire",
];
pub const RISK_TIERS: &[&str] = &["minimal", "limited", "high", "prohibited"];
pub const MODEL_STATUSES: &[&str] = &["development", "validated", "deployed", "retired"];

/// An AI system of the inventory.
#[derive(Debug, Clone, Serialize)]
pub struct AiSystem {
    pub id: i32,
    pub name: String,
    pub purpose: String,
    pub owner: String,
    pub business_unit: String,
    pub lifecycle_stage: String,
    pub risk_tier: String,
    pub in_scope: bool,
    pub exclusion_justification: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ai_system::Model> for AiSystem {
    fn from(m: ai_system::Model) -> Self {
        AiSystem {
            id: m.id,
            name: m.name,
            purpose: m.purpose,
            owner: m.owner,
            business_unit: m.business_unit,
            lifecycle_stage: m.lifecycle_stage,
            risk_tier: m.risk_tier,
            in_scope: m.in_scope,
            exclusion_justification: m.exclusion_justification,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// Fields of an AI system (all required on create; the whole record on update).
#[derive(Debug, Clone)]
pub struct AiSystemInput {
    pub name: String,
    pub purpose: String,
    pub owner: String,
    pub business_unit: String,
    pub lifecycle_stage: String,
    pub risk_tier: String,
    pub in_scope: bool,
    pub exclusion_justification: Option<String>,
}

struct Checked {
    name: String,
    purpose: String,
    owner: String,
    business_unit: String,
    stage: &'static str,
    tier: &'static str,
    in_scope: bool,
    justification: Option<String>,
}

fn check(input: &AiSystemInput) -> AppResult<Checked> {
    Ok(Checked {
        name: validate::text("name", &input.name, 200)?,
        purpose: validate::text("purpose", &input.purpose, 4000)?,
        owner: validate::text("owner", &input.owner, 200)?,
        business_unit: validate::text("businessUnit", &input.business_unit, 200)?,
        stage: validate::one_of("lifecycleStage", &input.lifecycle_stage, STAGES)?,
        tier: validate::one_of("riskTier", &input.risk_tier, RISK_TIERS)?,
        in_scope: input.in_scope,
        // An exclusion from the management system's scope must say why (ISO/IEC 42001 4.3).
        justification: if input.in_scope {
            None
        } else {
            Some(validate::justification(
                "exclusionJustification",
                input.exclusion_justification.as_deref(),
            )?)
        },
    })
}

/// Filters and order of the inventory listing.
#[derive(Debug, Clone, Default)]
pub struct InventoryQuery {
    pub stage: Option<String>,
    pub risk_tier: Option<String>,
    pub in_scope: Option<bool>,
    pub search: Option<String>,
    /// name | risk_tier | lifecycle_stage | updated_at
    pub sort: Option<String>,
    pub descending: bool,
}

async fn find<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<ai_system::Model> {
    ai_system::Entity::find_by_id(id)
        .filter(ai_system::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("AI system {id}")))
}

/// Adds an AI system to the inventory.
pub async fn create(
    services: &Services,
    viewer: &Viewer,
    input: AiSystemInput,
) -> AppResult<AiSystem> {
    viewer.require_any(WRITERS)?;
    let organization_id = viewer.organization_id()?;
    let c = check(&input)?;
    let txn = begin_write(&services.db).await?;
    let duplicate = ai_system::Entity::find()
        .filter(ai_system::Column::OrganizationId.eq(organization_id))
        .filter(ai_system::Column::Name.eq(c.name.as_str()))
        .one(&txn)
        .await?;
    if duplicate.is_some() {
        return Err(AppError::Conflict(format!(
            "an AI system named '{}' exists",
            c.name
        )));
    }
    let now = Utc::now();
    let created: AiSystem = ai_system::ActiveModel {
        organization_id: Set(organization_id),
        name: Set(c.name),
        purpose: Set(c.purpose),
        owner: Set(c.owner),
        business_unit: Set(c.business_unit),
        lifecycle_stage: Set(c.stage.to_string()),
        risk_tier: Set(c.tier.to_string()),
        in_scope: Set(c.in_scope),
        exclusion_justification: Set(c.justification),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?
    .into();
    audit::record(
        &txn,
        organization_id,
        &viewer.describe(),
        "create",
        "ai_system",
        created.id,
        None,
        Some(snapshot(&created)?),
    )
    .await?;
    audit::commit(services, txn, organization_id).await?;
    Ok(created)
}

/// Replaces an AI system's fields. A system in the `operate` stage needs an approved, unused
/// system-change approval (`approval_request_id`), which this consumes.
pub async fn update(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    input: AiSystemInput,
    approval_request_id: Option<i32>,
) -> AppResult<AiSystem> {
    viewer.require_any(WRITERS)?;
    let organization_id = viewer.organization_id()?;
    let c = check(&input)?;
    let txn = begin_write(&services.db).await?;
    let current = find(&txn, organization_id, id).await?;
    if current.lifecycle_stage == "operate" {
        let request = approval_request_id.ok_or_else(|| {
            AppError::Conflict("this AI system is in operation: changes need an approved system_change approval (approvalRequestId)".into())
        })?;
        approvals::consume(&txn, organization_id, request, "system_change", id).await?;
    }
    let before: AiSystem = current.clone().into();
    let mut active: ai_system::ActiveModel = current.into();
    active.name = Set(c.name);
    active.purpose = Set(c.purpose);
    active.owner = Set(c.owner);
    active.business_unit = Set(c.business_unit);
    active.lifecycle_stage = Set(c.stage.to_string());
    active.risk_tier = Set(c.tier.to_string());
    active.in_scope = Set(c.in_scope);
    active.exclusion_justification = Set(c.justification);
    active.updated_at = Set(Utc::now());
    let updated: AiSystem = active.update(&txn).await?.into();
    audit::record(
        &txn,
        organization_id,
        &viewer.describe(),
        "update",
        "ai_system",
        id,
        Some(snapshot(&before)?),
        Some(snapshot(&updated)?),
    )
    .await?;
    audit::commit(services, txn, organization_id).await?;
    Ok(updated)
}

/// One AI system of the organization.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<AiSystem> {
    viewer.require_any(READERS)?;
    Ok(find(&services.db, viewer.organization_id()?, id)
        .await?
        .into())
}

/// The inventory, filtered and sorted.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    query: &InventoryQuery,
) -> AppResult<Vec<AiSystem>> {
    viewer.require_any(READERS)?;
    let mut select = ai_system::Entity::find()
        .filter(ai_system::Column::OrganizationId.eq(viewer.organization_id()?));
    if let Some(stage) = &query.stage {
        select = select.filter(
            ai_system::Column::LifecycleStage.eq(validate::one_of("stage", stage, STAGES)?),
        );
    }
    if let Some(tier) = &query.risk_tier {
        select = select.filter(
            ai_system::Column::RiskTier.eq(validate::one_of("riskTier", tier, RISK_TIERS)?),
        );
    }
    if let Some(in_scope) = query.in_scope {
        select = select.filter(ai_system::Column::InScope.eq(in_scope));
    }
    let needle = query.search.as_ref().map(|s| s.to_lowercase());
    let mut systems: Vec<AiSystem> = select
        .order_by_asc(ai_system::Column::Name)
        .all(&services.db)
        .await?
        .into_iter()
        .map(AiSystem::from)
        .filter(|s| {
            needle.as_ref().is_none_or(|n| {
                s.name.to_lowercase().contains(n)
                    || s.purpose.to_lowercase().contains(n)
                    || s.owner.to_lowercase().contains(n)
            })
        })
        .collect();
    let rank =
        |list: &[&str], value: &str| list.iter().position(|v| *v == value).unwrap_or(usize::MAX);
    match query.sort.as_deref().unwrap_or("name") {
        "name" => {}
        // Tiers and stages sort in their natural order, not alphabetically.
        "risk_tier" => systems.sort_by_key(|s| rank(RISK_TIERS, &s.risk_tier)),
        "lifecycle_stage" => systems.sort_by_key(|s| rank(STAGES, &s.lifecycle_stage)),
        "updated_at" => systems.sort_by_key(|s| s.updated_at),
        other => return Err(AppError::validation(format!("cannot sort by '{other}'"))),
    }
    if query.descending {
        systems.reverse();
    }
    Ok(systems)
}

/// A model version with its model card.
#[derive(Debug, Clone, Serialize)]
pub struct ModelVersion {
    pub id: i32,
    pub ai_system_id: i32,
    pub version: String,
    pub status: String,
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
            status: m.status,
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
    viewer.require_any(WRITERS)?;
    let organization_id = viewer.organization_id()?;
    let version = validate::text("version", &input.version, 64)?;
    let intended_use = validate::text("intendedUse", &input.intended_use, 4000)?;
    let txn = begin_write(&services.db).await?;
    find(&txn, organization_id, ai_system_id).await?;
    let exists = model_version::Entity::find()
        .filter(model_version::Column::AiSystemId.eq(ai_system_id))
        .filter(model_version::Column::Version.eq(version.as_str()))
        .one(&txn)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(format!(
            "version {version} already exists for this AI system"
        )));
    }
    let now = Utc::now();
    let created: ModelVersion =
        model_version::ActiveModel {
            organization_id: Set(organization_id),
            ai_system_id: Set(ai_system_id),
            version: Set(version),
            status: Set("development".into()),
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
        .insert(&txn)
        .await?
        .try_into()?;
    audit::record(
        &txn,
        organization_id,
        &viewer.describe(),
        "create",
        "model_version",
        created.id,
        None,
        Some(snapshot(&created)?),
    )
    .await?;
    audit::commit(services, txn, organization_id).await?;
    Ok(created)
}

/// Moves a model version to a status. `deployed` needs an approved deployment approval of this
/// version; without one the move is refused and nothing changes.
pub async fn set_model_status(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    status: &str,
) -> AppResult<ModelVersion> {
    viewer.require_any(WRITERS)?;
    let organization_id = viewer.organization_id()?;
    let status = validate::one_of("status", status, MODEL_STATUSES)?;
    let txn = begin_write(&services.db).await?;
    let current = model_version::Entity::find_by_id(id)
        .filter(model_version::Column::OrganizationId.eq(organization_id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("model version {id}")))?;
    if status == "deployed"
        && !approvals::is_approved(&txn, organization_id, "deployment", id).await?
    {
        return Err(AppError::Conflict(
            "deploying a model version needs an approved deployment approval".into(),
        ));
    }
    let before: ModelVersion = current.clone().try_into()?;
    let mut active: model_version::ActiveModel = current.into();
    active.status = Set(status.to_string());
    active.updated_at = Set(Utc::now());
    let updated: ModelVersion = active.update(&txn).await?.try_into()?;
    audit::record(
        &txn,
        organization_id,
        &viewer.describe(),
        "set_status",
        "model_version",
        id,
        Some(snapshot(&before)?),
        Some(snapshot(&updated)?),
    )
    .await?;
    audit::commit(services, txn, organization_id).await?;
    Ok(updated)
}

/// Model versions of an AI system, newest first.
pub async fn model_versions(
    services: &Services,
    viewer: &Viewer,
    ai_system_id: i32,
) -> AppResult<Vec<ModelVersion>> {
    viewer.require_any(READERS)?;
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

/// An exclusion from scope with its reason.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ScopeExclusion {
    pub subject: String,
    pub reason: String,
}

/// The organization's scope statement.
#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub statement: String,
    pub teams: Vec<String>,
    pub processes: Vec<String>,
    pub exclusions: Vec<ScopeExclusion>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// The scope statement, if one was written.
pub async fn scope(services: &Services, viewer: &Viewer) -> AppResult<Option<Scope>> {
    viewer.require_any(READERS)?;
    let Some(row) = scope_statement::Entity::find_by_id(viewer.organization_id()?)
        .one(&services.db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Scope {
        statement: row.statement,
        teams: serde_json::from_str(&row.teams).map_err(AppError::internal)?,
        processes: serde_json::from_str(&row.processes).map_err(AppError::internal)?,
        exclusions: serde_json::from_str(&row.exclusions).map_err(AppError::internal)?,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
    }))
}

/// Writes the scope statement; every exclusion needs a reason.
pub async fn set_scope(
    services: &Services,
    viewer: &Viewer,
    statement: &str,
    teams: Vec<String>,
    processes: Vec<String>,
    exclusions: Vec<ScopeExclusion>,
) -> AppResult<Scope> {
    viewer.require_any(WRITERS)?;
    let organization_id = viewer.organization_id()?;
    let statement = validate::text("statement", statement, 20_000)?;
    for exclusion in &exclusions {
        validate::text("exclusion subject", &exclusion.subject, 300)?;
        validate::justification(
            &format!("reason for excluding '{}'", exclusion.subject),
            Some(&exclusion.reason),
        )?;
    }
    let txn = begin_write(&services.db).await?;
    let current = scope_statement::Entity::find_by_id(organization_id)
        .one(&txn)
        .await?;
    let before = current
        .as_ref()
        .map(|row| serde_json::json!({ "statement": row.statement, "exclusions": row.exclusions }));
    let scope = Scope {
        statement,
        teams,
        processes,
        exclusions,
        updated_by: viewer.describe(),
        updated_at: Utc::now(),
    };
    // The row's key is the organization id, so insert and update are told apart here, not by
    // `save` (which treats a set key as an update).
    let exists = current.is_some();
    let mut active: scope_statement::ActiveModel = match current {
        Some(row) => row.into(),
        None => scope_statement::ActiveModel {
            organization_id: Set(organization_id),
            ..Default::default()
        },
    };
    active.statement = Set(scope.statement.clone());
    active.teams = Set(json_text(&scope.teams)?);
    active.processes = Set(json_text(&scope.processes)?);
    active.exclusions = Set(json_text(&scope.exclusions)?);
    active.updated_by = Set(scope.updated_by.clone());
    active.updated_at = Set(scope.updated_at);
    if exists {
        active.update(&txn).await?;
    } else {
        active.insert(&txn).await?;
    }
    audit::record(
        &txn,
        organization_id,
        &viewer.describe(),
        "update",
        "scope_statement",
        organization_id,
        before,
        Some(snapshot(&scope)?),
    )
    .await?;
    audit::commit(services, txn, organization_id).await?;
    Ok(scope)
}

fn json_text<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(AppError::internal)
}
