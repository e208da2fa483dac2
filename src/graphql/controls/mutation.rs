//! Creating, changing, retiring and mapping controls; recording evidence.

use crate::domain::kernel::access::Permission;
use async_graphql::{Context, ID, Object, Result};

use super::types::{
    ControlMappingNode, ControlNode, CreateControlInput, EvidenceInput, EvidenceNode,
    MappingInputValue, UpdateControlInput,
};
use crate::domain::Services;
use crate::domain::controls::evidence::{self, NewEvidence};
use crate::domain::controls::{self, ControlPatch, NewControl};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::util::{parse_id, requirement_ref};

#[derive(Default)]
pub struct ControlMutation;

#[Object]
impl ControlMutation {
    /// Adds a control to the organization's library.
    #[graphql(guard = "Can(Permission::WriteControls)")]
    async fn create_control(
        &self,
        ctx: &Context<'_>,
        input: CreateControlInput,
    ) -> Result<ControlNode> {
        let services = ctx.data::<Services>()?;
        let control = controls::create(
            services,
            viewer(ctx),
            NewControl {
                code: input.code,
                domain: input.domain,
                title: input.title,
                description: input.description,
                owner: input.owner,
                status: input.status.into(),
                review_frequency_days: input.review_frequency_days,
            },
        )
        .await
        .gql()?;
        Ok(ControlNode::new(control))
    }

    /// Changes a control's status, effectiveness, owner or text.
    #[graphql(guard = "Can(Permission::WriteControls)")]
    async fn update_control(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateControlInput,
    ) -> Result<ControlNode> {
        let services = ctx.data::<Services>()?;
        let patch = ControlPatch {
            title: input.title,
            description: input.description,
            owner: input.owner,
            status: input.status.map(Into::into),
            effectiveness: input.effectiveness.map(Into::into),
            review_frequency_days: input.review_frequency_days,
            not_applicable_reason: input.not_applicable_reason,
        };
        let control = controls::update(services, viewer(ctx), parse_id(&id).gql()?, patch)
            .await
            .gql()?;
        Ok(ControlNode::new(control))
    }

    /// Retires a control: it stops counting toward coverage and crosswalks.
    #[graphql(guard = "Can(Permission::WriteControls)")]
    async fn retire_control(&self, ctx: &Context<'_>, id: ID) -> Result<ControlNode> {
        let services = ctx.data::<Services>()?;
        let control = controls::retire(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?;
        Ok(ControlNode::new(control))
    }

    /// Maps a control to a requirement (by URN or id).
    #[graphql(guard = "Can(Permission::WriteControls)")]
    async fn add_control_mapping(
        &self,
        ctx: &Context<'_>,
        control_id: ID,
        requirement: String,
        input: MappingInputValue,
    ) -> Result<ControlMappingNode> {
        let services = ctx.data::<Services>()?;
        let requirement_id = requirement_ref(services, &requirement).gql()?.id;
        let mapping = controls::add_mapping(
            services,
            viewer(ctx),
            parse_id(&control_id).gql()?,
            requirement_id,
            input.into(),
        )
        .await
        .gql()?;
        Ok(ControlMappingNode(mapping))
    }

    /// Changes a mapping's judgement.
    #[graphql(guard = "Can(Permission::WriteControls)")]
    async fn update_control_mapping(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: MappingInputValue,
    ) -> Result<ControlMappingNode> {
        let services = ctx.data::<Services>()?;
        let mapping =
            controls::update_mapping(services, viewer(ctx), parse_id(&id).gql()?, input.into())
                .await
                .gql()?;
        Ok(ControlMappingNode(mapping))
    }

    /// Removes a mapping; returns it as it was.
    #[graphql(guard = "Can(Permission::WriteControls)")]
    async fn remove_control_mapping(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<ControlMappingNode> {
        let services = ctx.data::<Services>()?;
        let mapping = controls::remove_mapping(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?;
        Ok(ControlMappingNode(mapping))
    }

    /// Records evidence for a control.
    #[graphql(guard = "Can(Permission::WriteControls)")]
    async fn add_evidence(
        &self,
        ctx: &Context<'_>,
        control_id: ID,
        input: EvidenceInput,
    ) -> Result<EvidenceNode> {
        let services = ctx.data::<Services>()?;
        let evidence = evidence::add(
            services,
            viewer(ctx),
            parse_id(&control_id).gql()?,
            NewEvidence {
                title: input.title,
                kind: input.kind.into(),
                collected_at: input.collected_at,
                valid_until: input.valid_until,
                sha256: input.sha256,
                uri: input.uri,
            },
        )
        .await
        .gql()?;
        Ok(EvidenceNode(evidence))
    }
}
