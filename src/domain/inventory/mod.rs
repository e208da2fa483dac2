//! Scope and inventory: AI systems (in scope, or excluded with a justification), their model
//! versions with model-card fields, and the organization's scope statement. A model version
//! becomes `deployed` only with an approved deployment approval; an AI system in the `operate`
//! stage changes only with an approved system-change approval.

pub mod critical;
mod model_versions;
mod scope;

pub use model_versions::{
    ModelVersion, ModelVersionInput, add_model_version, model_versions, set_model_status,
};
pub use scope::{Scope, ScopeExclusion, scope, set_scope};

use crate::domain::approvals;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use chrono::{DateTime, Utc};
use entity::ai_system;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// Where an AI system is in its life cycle (ISO/IEC 22989 stages, in order).
    pub enum Stage {
        Design => "design",
        Develop => "develop",
        Validate => "validate",
        Deploy => "deploy",
        Operate => "operate",
        Retire => "retire",
    }
}

vocabulary! {
    /// An AI system's risk tier (EU AI Act style), least to most severe.
    pub enum RiskTier {
        Minimal => "minimal",
        Limited => "limited",
        High => "high",
        Prohibited => "prohibited",
    }
}

vocabulary! {
    /// A model version's status; `deployed` needs an approved deployment approval.
    pub enum ModelStatus {
        Development => "development",
        Validated => "validated",
        Deployed => "deployed",
        Retired => "retired",
    }
}

/// An AI system of the inventory.
#[derive(Debug, Clone, Serialize)]
pub struct AiSystem {
    pub id: i32,
    pub name: String,
    pub purpose: String,
    pub owner: String,
    pub business_unit: String,
    pub lifecycle_stage: Stage,
    pub risk_tier: RiskTier,
    pub in_scope: bool,
    pub exclusion_justification: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<ai_system::Model> for AiSystem {
    type Error = AppError;
    fn try_from(m: ai_system::Model) -> AppResult<Self> {
        Ok(AiSystem {
            id: m.id,
            name: m.name,
            purpose: m.purpose,
            owner: m.owner,
            business_unit: m.business_unit,
            lifecycle_stage: Stage::stored(&m.lifecycle_stage)?,
            risk_tier: RiskTier::stored(&m.risk_tier)?,
            in_scope: m.in_scope,
            exclusion_justification: m.exclusion_justification,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// Fields of an AI system (all required on create; the whole record on update).
#[derive(Debug, Clone)]
pub struct AiSystemInput {
    pub name: String,
    pub purpose: String,
    pub owner: String,
    pub business_unit: String,
    pub lifecycle_stage: Stage,
    pub risk_tier: RiskTier,
    pub in_scope: bool,
    pub exclusion_justification: Option<String>,
}

struct Checked {
    name: String,
    purpose: String,
    owner: String,
    business_unit: String,
    stage: Stage,
    tier: RiskTier,
    in_scope: bool,
    justification: Option<String>,
}

fn check(input: &AiSystemInput) -> AppResult<Checked> {
    Ok(Checked {
        name: validate::line("name", &input.name, 200)?,
        purpose: validate::text("purpose", &input.purpose, 4000)?,
        owner: validate::line("owner", &input.owner, 200)?,
        business_unit: validate::line("businessUnit", &input.business_unit, 200)?,
        stage: input.lifecycle_stage,
        tier: input.risk_tier,
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
    pub stage: Option<Stage>,
    pub risk_tier: Option<RiskTier>,
    pub in_scope: Option<bool>,
    pub search: Option<String>,
    /// name | risk_tier | lifecycle_stage | updated_at
    pub sort: Option<String>,
    pub descending: bool,
}

pub(crate) async fn find<C: ConnectionTrait>(
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
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let c = check(&input)?;
    let txn = Write::begin(services, viewer).await?;
    let duplicate = ai_system::Entity::find()
        .filter(ai_system::Column::OrganizationId.eq(organization_id))
        .filter(ai_system::Column::Name.eq(c.name.as_str()))
        .one(&*txn)
        .await?;
    if duplicate.is_some() {
        return Err(AppError::Conflict(format!(
            "an AI system named '{}' exists",
            c.name
        )));
    }
    let now = txn.now();
    let created: AiSystem = ai_system::ActiveModel {
        organization_id: Set(organization_id),
        name: Set(c.name),
        purpose: Set(c.purpose),
        owner: Set(c.owner),
        business_unit: Set(c.business_unit),
        lifecycle_stage: Set(c.stage.as_str().into()),
        risk_tier: Set(c.tier.as_str().into()),
        in_scope: Set(c.in_scope),
        exclusion_justification: Set(c.justification),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?
    .try_into()?;
    txn.created(Entity::AiSystem, created.id, &created).await?;
    txn.commit().await?;
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
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let c = check(&input)?;
    let txn = Write::begin(services, viewer).await?;
    let current = find(&*txn, organization_id, id).await?;
    if Stage::stored(&current.lifecycle_stage)? == Stage::Operate {
        let request = approval_request_id.ok_or_else(|| {
            AppError::Conflict("this AI system is in operation: changes need an approved system_change approval (approvalRequestId)".into())
        })?;
        approvals::consume(
            &*txn,
            organization_id,
            request,
            approvals::ApprovalSubject::SystemChange,
            id,
            txn.now(),
        )
        .await?;
    }
    let before: AiSystem = current.clone().try_into()?;
    let mut active: ai_system::ActiveModel = current.into();
    active.name = Set(c.name);
    active.purpose = Set(c.purpose);
    active.owner = Set(c.owner);
    active.business_unit = Set(c.business_unit);
    active.lifecycle_stage = Set(c.stage.as_str().into());
    active.risk_tier = Set(c.tier.as_str().into());
    active.in_scope = Set(c.in_scope);
    active.exclusion_justification = Set(c.justification);
    active.updated_at = Set(txn.now());
    let updated: AiSystem = active.update(&*txn).await?.try_into()?;
    txn.record(
        Action::Update,
        Entity::AiSystem,
        id,
        Some(snapshot(&before)?),
        Some(snapshot(&updated)?),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// One AI system of the organization.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<AiSystem> {
    viewer.require(Permission::ReadRecords)?;
    find(&services.db, viewer.organization_id()?, id)
        .await?
        .try_into()
}

/// The inventory, filtered and sorted.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    query: &InventoryQuery,
) -> AppResult<Vec<AiSystem>> {
    viewer.require(Permission::ReadRecords)?;
    let mut select = ai_system::Entity::find()
        .filter(ai_system::Column::OrganizationId.eq(viewer.organization_id()?));
    if let Some(stage) = query.stage {
        select = select.filter(ai_system::Column::LifecycleStage.eq(stage.as_str()));
    }
    if let Some(tier) = query.risk_tier {
        select = select.filter(ai_system::Column::RiskTier.eq(tier.as_str()));
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
        .map(AiSystem::try_from)
        .collect::<AppResult<Vec<_>>>()?
        .into_iter()
        .filter(|s| {
            needle.as_ref().is_none_or(|n| {
                s.name.to_lowercase().contains(n)
                    || s.purpose.to_lowercase().contains(n)
                    || s.owner.to_lowercase().contains(n)
            })
        })
        .collect();
    match query.sort.as_deref().unwrap_or("name") {
        "name" => {}
        // Tiers and stages sort in their natural order, not alphabetically.
        "risk_tier" => systems.sort_by_key(|s| s.risk_tier),
        "lifecycle_stage" => systems.sort_by_key(|s| s.lifecycle_stage),
        "updated_at" => systems.sort_by_key(|s| s.updated_at),
        other => {
            return Err(AppError::rule(
                "sort",
                "one_of",
                format!("cannot sort by '{other}': name, risk_tier, lifecycle_stage or updated_at"),
            ));
        }
    }
    if query.descending {
        systems.reverse();
    }
    Ok(systems)
}
