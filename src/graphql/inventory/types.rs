//! GraphQL shapes of AI systems, model versions and the scope statement.

use async_graphql::{ID, InputObject, Json, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::inventory::{
    AiSystem, ModelStatus, ModelVersion, RiskTier, Scope, ScopeExclusion, Stage,
};
use crate::graphql::util::id;
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// Where an AI system is in its life cycle, in order.
    StageValue, "LifecycleStage", Stage [Design, Develop, Validate, Deploy, Operate, Retire]
);
graphql_vocabulary!(
    /// An AI system's risk tier, least to most severe.
    RiskTierValue, "RiskTier", RiskTier [Minimal, Limited, High, Prohibited]
);
graphql_vocabulary!(
    /// A model version's status; `deployed` needs an approved deployment approval.
    ModelStatusValue, "ModelStatus", ModelStatus [Development, Validated, Deployed, Retired]
);

/// An AI system of the inventory.
#[derive(SimpleObject, Clone)]
#[graphql(name = "AiSystem")]
pub struct AiSystemNode {
    pub id: ID,
    pub name: String,
    pub purpose: String,
    pub owner: String,
    pub business_unit: String,
    pub lifecycle_stage: StageValue,
    pub risk_tier: RiskTierValue,
    pub in_scope: bool,
    pub exclusion_justification: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<AiSystem> for AiSystemNode {
    fn from(s: AiSystem) -> Self {
        AiSystemNode {
            id: id(s.id),
            name: s.name,
            purpose: s.purpose,
            owner: s.owner,
            business_unit: s.business_unit,
            lifecycle_stage: s.lifecycle_stage.into(),
            risk_tier: s.risk_tier.into(),
            in_scope: s.in_scope,
            exclusion_justification: s.exclusion_justification,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// Fields of an AI system.
#[derive(InputObject)]
pub struct AiSystemInput {
    pub name: String,
    pub purpose: String,
    pub owner: String,
    pub business_unit: String,
    pub lifecycle_stage: StageValue,
    pub risk_tier: RiskTierValue,
    #[graphql(default = true)]
    pub in_scope: bool,
    /// Required when inScope is false.
    pub exclusion_justification: Option<String>,
}

impl From<AiSystemInput> for crate::domain::inventory::AiSystemInput {
    fn from(i: AiSystemInput) -> Self {
        crate::domain::inventory::AiSystemInput {
            name: i.name,
            purpose: i.purpose,
            owner: i.owner,
            business_unit: i.business_unit,
            lifecycle_stage: i.lifecycle_stage.into(),
            risk_tier: i.risk_tier.into(),
            in_scope: i.in_scope,
            exclusion_justification: i.exclusion_justification,
        }
    }
}

/// A model version with its model card.
#[derive(SimpleObject)]
#[graphql(name = "ModelVersion")]
pub struct ModelVersionNode {
    pub id: ID,
    pub ai_system_id: ID,
    pub version: String,
    pub status: ModelStatusValue,
    pub intended_use: String,
    pub limitations: String,
    /// References to the datasets it was trained on.
    pub training_data: Vec<String>,
    pub evaluation_results: Json<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ModelVersion> for ModelVersionNode {
    fn from(m: ModelVersion) -> Self {
        ModelVersionNode {
            id: id(m.id),
            ai_system_id: id(m.ai_system_id),
            version: m.version,
            status: m.status.into(),
            intended_use: m.intended_use,
            limitations: m.limitations,
            training_data: m.training_data,
            evaluation_results: Json(m.evaluation_results),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// Model-card fields of a new model version.
#[derive(InputObject)]
pub struct ModelVersionInput {
    pub version: String,
    pub intended_use: String,
    #[graphql(default)]
    pub limitations: String,
    #[graphql(default)]
    pub training_data: Vec<String>,
    pub evaluation_results: Option<Json<serde_json::Value>>,
}

/// An exclusion from the management system's scope.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "ScopeExclusionInput")]
pub struct ScopeExclusionNode {
    pub subject: String,
    pub reason: String,
}

/// The organization's scope statement.
#[derive(SimpleObject)]
#[graphql(name = "ScopeStatement")]
pub struct ScopeNode {
    pub statement: String,
    pub teams: Vec<String>,
    pub processes: Vec<String>,
    pub exclusions: Vec<ScopeExclusionNode>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl From<Scope> for ScopeNode {
    fn from(s: Scope) -> Self {
        ScopeNode {
            statement: s.statement,
            teams: s.teams,
            processes: s.processes,
            exclusions: s
                .exclusions
                .into_iter()
                .map(|e| ScopeExclusionNode {
                    subject: e.subject,
                    reason: e.reason,
                })
                .collect(),
            updated_by: s.updated_by,
            updated_at: s.updated_at,
        }
    }
}

impl From<ScopeExclusionNode> for ScopeExclusion {
    fn from(e: ScopeExclusionNode) -> Self {
        ScopeExclusion {
            subject: e.subject,
            reason: e.reason,
        }
    }
}
