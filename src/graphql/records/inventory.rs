//! Inventory, scope, model versions, artefacts and evidence gaps.

use crate::domain::access::Permission;
use async_graphql::{Context, ID, InputObject, Object, Result};
use base64::{Engine, engine::general_purpose::STANDARD};

use super::types::{
    AiSystemInput, AiSystemNode, ArtifactNode, ModelVersionInput, ModelVersionNode,
    ScopeExclusionNode, ScopeNode,
};
use crate::domain::Services;
use crate::domain::artifacts::{self, NewArtifact};
use crate::domain::evidence::controls_without_current_evidence;
use crate::domain::inventory::{self, InventoryQuery as Filter};
use crate::error::AppError;
use crate::graphql::controls::types::ControlNode;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::util::parse_id;

fn opt_id(id: Option<ID>) -> Result<Option<i32>> {
    id.as_ref().map(parse_id).transpose().gql()
}

#[derive(Default)]
pub struct InventoryQuery;

#[Object]
impl InventoryQuery {
    /// The AI system inventory, filtered and sorted (`sort`: name | risk_tier | lifecycle_stage |
    /// updated_at).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "20 * child_complexity")]
    async fn ai_systems(
        &self,
        ctx: &Context<'_>,
        stage: Option<String>,
        risk_tier: Option<String>,
        in_scope: Option<bool>,
        search: Option<String>,
        sort: Option<String>,
        #[graphql(default)] descending: bool,
    ) -> Result<Vec<AiSystemNode>> {
        let services = ctx.data::<Services>()?;
        let filter = Filter {
            stage,
            risk_tier,
            in_scope,
            search,
            sort,
            descending,
        };
        Ok(inventory::list(services, viewer(ctx), &filter)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    async fn ai_system(&self, ctx: &Context<'_>, id: ID) -> Result<AiSystemNode> {
        let services = ctx.data::<Services>()?;
        Ok(inventory::get(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Model versions of an AI system, newest first.
    #[graphql(complexity = "10 * child_complexity")]
    async fn model_versions(
        &self,
        ctx: &Context<'_>,
        ai_system_id: ID,
    ) -> Result<Vec<ModelVersionNode>> {
        let services = ctx.data::<Services>()?;
        Ok(
            inventory::model_versions(services, viewer(ctx), parse_id(&ai_system_id).gql()?)
                .await
                .gql()?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// The AI management system's scope statement (null until written).
    async fn scope_statement(&self, ctx: &Context<'_>) -> Result<Option<ScopeNode>> {
        let services = ctx.data::<Services>()?;
        Ok(inventory::scope(services, viewer(ctx))
            .await
            .gql()?
            .map(Into::into))
    }

    /// Documentation artefacts, optionally of one AI system or kind, newest first.
    #[graphql(complexity = "20 * child_complexity")]
    async fn artifacts(
        &self,
        ctx: &Context<'_>,
        ai_system_id: Option<ID>,
        kind: Option<String>,
    ) -> Result<Vec<ArtifactNode>> {
        let services = ctx.data::<Services>()?;
        Ok(artifacts::list(
            services,
            viewer(ctx),
            opt_id(ai_system_id)?,
            kind.as_deref(),
        )
        .await
        .gql()?
        .into_iter()
        .map(Into::into)
        .collect())
    }

    /// Active, applicable controls that have no current evidence.
    #[graphql(complexity = "50 * child_complexity")]
    async fn controls_without_current_evidence(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<ControlNode>> {
        let services = ctx.data::<Services>()?;
        Ok(controls_without_current_evidence(services, viewer(ctx))
            .await
            .gql()?
            .into_iter()
            .map(ControlNode::new)
            .collect())
    }
}

/// A new artefact: `contentBase64` (stored, up to 10 MiB through POST /uploads/artifact, smaller
/// here within the request limit) or `uri` with the content's `sha256`.
#[derive(InputObject)]
pub struct ArtifactInput {
    /// model_card | data_lineage | change_log | validation_report | test_report |
    /// deployment_approval | monitoring_record | training_record | incident_document
    pub kind: String,
    pub title: String,
    pub ai_system_id: Option<ID>,
    pub model_version_id: Option<ID>,
    pub control_id: Option<ID>,
    pub media_type: Option<String>,
    pub uri: Option<String>,
    pub sha256: Option<String>,
    pub content_base64: Option<String>,
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
        status: String,
    ) -> Result<ModelVersionNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            inventory::set_model_status(services, viewer(ctx), parse_id(&id).gql()?, &status)
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

    /// Adds the next version of a documentation artefact.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn add_artifact(&self, ctx: &Context<'_>, input: ArtifactInput) -> Result<ArtifactNode> {
        let services = ctx.data::<Services>()?;
        let content = input
            .content_base64
            .as_deref()
            .map(|b64| {
                STANDARD
                    .decode(b64)
                    .map_err(|_| AppError::validation("contentBase64 is not base64"))
            })
            .transpose()
            .gql()?;
        let new = NewArtifact {
            kind: input.kind,
            title: input.title,
            ai_system_id: opt_id(input.ai_system_id)?,
            model_version_id: opt_id(input.model_version_id)?,
            control_id: opt_id(input.control_id)?,
            media_type: input.media_type,
            uri: input.uri,
            sha256: input.sha256,
            size: None,
            content,
        };
        Ok(artifacts::add(services, viewer(ctx), new)
            .await
            .gql()?
            .into())
    }
}
