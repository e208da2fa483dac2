//! Governance bodies, members and escalation routes.

use crate::domain::access::Permission;
use async_graphql::{Context, ID, Object, Result};

use super::types::{BodyNode, RouteNode};
use crate::domain::Services;
use crate::domain::governance;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::util::parse_id;

#[derive(Default)]
pub struct GovernanceQuery;

#[Object]
impl GovernanceQuery {
    /// Governance bodies with their members.
    #[graphql(complexity = "10 * child_complexity")]
    async fn governance_bodies(&self, ctx: &Context<'_>) -> Result<Vec<BodyNode>> {
        let services = ctx.data::<Services>()?;
        Ok(governance::bodies(services, viewer(ctx))
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Escalation routes by severity, low to critical.
    #[graphql(complexity = "4 * child_complexity")]
    async fn escalation_routes(&self, ctx: &Context<'_>) -> Result<Vec<RouteNode>> {
        let services = ctx.data::<Services>()?;
        Ok(governance::routes(services, viewer(ctx))
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

#[derive(Default)]
pub struct GovernanceMutation;

#[Object]
impl GovernanceMutation {
    /// Creates a governance body (kind: board | risk_committee | ethics_committee | working_group | other).
    #[graphql(guard = "Can(Permission::ManageGovernance)")]
    async fn create_governance_body(
        &self,
        ctx: &Context<'_>,
        name: String,
        kind: String,
        #[graphql(default)] mandate: String,
    ) -> Result<BodyNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            governance::create_body(services, viewer(ctx), &name, &kind, &mandate)
                .await
                .gql()?
                .into(),
        )
    }

    /// Adds or updates a member (role: chair | member | secretary | observer).
    #[graphql(guard = "Can(Permission::ManageGovernance)")]
    async fn set_body_member(
        &self,
        ctx: &Context<'_>,
        body_id: ID,
        person: String,
        role: String,
        can_approve: bool,
    ) -> Result<BodyNode> {
        let services = ctx.data::<Services>()?;
        Ok(governance::set_member(
            services,
            viewer(ctx),
            parse_id(&body_id).gql()?,
            &person,
            &role,
            can_approve,
        )
        .await
        .gql()?
        .into())
    }

    /// Sets where incidents of a severity (low | medium | high | critical) escalate.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn set_escalation_route(
        &self,
        ctx: &Context<'_>,
        severity: String,
        body_id: ID,
        recipients: Vec<String>,
    ) -> Result<RouteNode> {
        let services = ctx.data::<Services>()?;
        Ok(governance::set_route(
            services,
            viewer(ctx),
            &severity,
            parse_id(&body_id).gql()?,
            recipients,
        )
        .await
        .gql()?
        .into())
    }
}
