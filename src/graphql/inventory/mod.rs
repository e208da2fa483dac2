//! The AI system inventory, its model versions and the management system's scope.

mod types;

use async_graphql::{Context, ID, Object, Result};

use crate::domain::Services;
use crate::domain::inventory::{self, InventoryQuery as Filter};
use crate::domain::kernel::access::Permission;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::{opt_id, parse_id};
use types::{
    AiSystemInput, AiSystemNode, ModelStatusValue, ModelVersionInput, ModelVersionNode,
    RiskTierValue, ScopeExclusionNode, ScopeNode, StageValue,
};

/// A critical AI system and the classification rules that made it so.
#[derive(async_graphql::SimpleObject)]
#[graphql(name = "CriticalAiSystem")]
pub struct CriticalNode {
    pub ai_system: AiSystemNode,
    /// The rules that fired, e.g. "risk tier is high", "open critical risk #4: ...".
    pub because: Vec<String>,
}

#[derive(Default)]
pub struct InventoryQuery;

#[Object]
impl InventoryQuery {
    /// The AI systems classified critical (risk tier high or prohibited, or an open critical
    /// risk), with the rules that fired; incidents on them are held to stricter response times.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn critical_ai_systems(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<CriticalNode>> {
        let services = ctx.data::<Services>()?;
        let list = inventory::critical::list(services, viewer(ctx))
            .await
            .gql()?;
        paginate("critical_ai_system", list, first, after, |c| CriticalNode {
            ai_system: c.system.into(),
            because: c.because,
        })
        .gql()
    }

    /// The AI system inventory, filtered and sorted (`sort`: name | risk_tier | lifecycle_stage |
    /// updated_at).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn ai_systems(
        &self,
        ctx: &Context<'_>,
        stage: Option<StageValue>,
        risk_tier: Option<RiskTierValue>,
        in_scope: Option<bool>,
        search: Option<String>,
        sort: Option<String>,
        #[graphql(default)] descending: bool,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<AiSystemNode>> {
        let services = ctx.data::<Services>()?;
        let filter = Filter {
            stage: stage.map(Into::into),
            risk_tier: risk_tier.map(Into::into),
            in_scope,
            search,
            sort,
            descending,
        };
        paginate(
            "ai_system",
            inventory::list(services, viewer(ctx), &filter)
                .await
                .gql()?
                .into_iter()
                .map(Into::into)
                .collect(),
            first,
            after,
            std::convert::identity,
        )
        .gql()
    }

    async fn ai_system(&self, ctx: &Context<'_>, id: ID) -> Result<AiSystemNode> {
        let services = ctx.data::<Services>()?;
        Ok(inventory::get(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Model versions of an AI system, newest first.
    #[graphql(complexity = "first.map_or(10, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn model_versions(
        &self,
        ctx: &Context<'_>,
        ai_system_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<ModelVersionNode>> {
        let services = ctx.data::<Services>()?;
        paginate(
            "model_version",
            inventory::model_versions(services, viewer(ctx), parse_id(&ai_system_id).gql()?)
                .await
                .gql()?
                .into_iter()
                .map(Into::into)
                .collect(),
            first,
            after,
            std::convert::identity,
        )
        .gql()
    }

    /// The AI management system's scope statement (null until written).
    async fn scope_statement(&self, ctx: &Context<'_>) -> Result<Option<ScopeNode>> {
        let services = ctx.data::<Services>()?;
        Ok(inventory::scope(services, viewer(ctx))
            .await
            .gql()?
            .map(Into::into))
    }
}

#[derive(Default)]
pub struct InventoryMutation;

#[Object]
impl InventoryMutation {
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn create_ai_system(
        &self,
        ctx: &Context<'_>,
        input: AiSystemInput,
    ) -> Result<AiSystemNode> {
        let services = ctx.data::<Services>()?;
        Ok(inventory::create(services, viewer(ctx), input.into())
            .await
            .gql()?
            .into())
    }

    /// Replaces an AI system's fields; a system in the operate stage needs `approvalRequestId`
    /// of an approved system_change approval.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn update_ai_system(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: AiSystemInput,
        approval_request_id: Option<ID>,
    ) -> Result<AiSystemNode> {
        let services = ctx.data::<Services>()?;
        let approval = opt_id(approval_request_id)?;
        Ok(inventory::update(
            services,
            viewer(ctx),
            parse_id(&id).gql()?,
            input.into(),
            approval,
        )
        .await
        .gql()?
        .into())
    }

    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn add_model_version(
        &self,
        ctx: &Context<'_>,
        ai_system_id: ID,
        input: ModelVersionInput,
    ) -> Result<ModelVersionNode> {
        let services = ctx.data::<Services>()?;
        let input = inventory::ModelVersionInput {
            version: input.version,
            intended_use: input.intended_use,
            limitations: input.limitations,
            training_data: input.training_data,
            evaluation_results: input
                .evaluation_results
                .map_or(serde_json::json!({}), |j| j.0),
        };
        Ok(inventory::add_model_version(
            services,
            viewer(ctx),
            parse_id(&ai_system_id).gql()?,
            input,
        )
        .await
        .gql()?
        .into())
    }

    /// Moves a model version (development | validated | deployed | retired); `deployed` needs an
    /// approved deployment approval.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn set_model_version_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: ModelStatusValue,
    ) -> Result<ModelVersionNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            inventory::set_model_status(services, viewer(ctx), parse_id(&id).gql()?, status.into())
                .await
                .gql()?
                .into(),
        )
    }

    /// Writes the scope statement (every exclusion needs a reason).
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn set_scope_statement(
        &self,
        ctx: &Context<'_>,
        statement: String,
        #[graphql(default)] teams: Vec<String>,
        #[graphql(default)] processes: Vec<String>,
        #[graphql(default)] exclusions: Vec<ScopeExclusionNode>,
    ) -> Result<ScopeNode> {
        let services = ctx.data::<Services>()?;
        let exclusions = exclusions.into_iter().map(Into::into).collect();
        Ok(inventory::set_scope(
            services,
            viewer(ctx),
            &statement,
            teams,
            processes,
            exclusions,
        )
        .await
        .gql()?
        .into())
    }
}
