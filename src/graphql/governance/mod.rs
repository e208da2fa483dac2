//! Governance bodies, members and escalation routes.

use crate::domain::kernel::access::Permission;
use async_graphql::{Context, ID, Object, Result};

pub mod types;

use crate::domain::Services;
use crate::domain::governance;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::parse_id;
use types::{BodyKindValue, BodyNode, MemberRoleValue, RouteNode, SeverityValue};

#[derive(Default)]
pub struct GovernanceQuery;

#[Object]
impl GovernanceQuery {
    /// Governance bodies with their members.
    #[graphql(complexity = "first.map_or(10, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn governance_bodies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<BodyNode>> {
        let services = ctx.data::<Services>()?;
        paginate(
            "body",
            governance::bodies(services, viewer(ctx))
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

    /// Escalation routes by severity, low to critical.
    #[graphql(complexity = "first.map_or(4, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn escalation_routes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<RouteNode>> {
        let services = ctx.data::<Services>()?;
        paginate(
            "route",
            governance::routes(services, viewer(ctx))
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
}

#[derive(Default)]
pub struct GovernanceMutation;

#[Object]
impl GovernanceMutation {
    /// Creates a governance body.
    #[graphql(guard = "Can(Permission::ManageGovernance)")]
    async fn create_governance_body(
        &self,
        ctx: &Context<'_>,
        name: String,
        kind: BodyKindValue,
        #[graphql(default)] mandate: String,
    ) -> Result<BodyNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            governance::create_body(services, viewer(ctx), &name, kind.into(), &mandate)
                .await
                .gql()?
                .into(),
        )
    }

    /// Adds or updates a member.
    #[graphql(guard = "Can(Permission::ManageGovernance)")]
    async fn set_body_member(
        &self,
        ctx: &Context<'_>,
        body_id: ID,
        person: String,
        role: MemberRoleValue,
        can_approve: bool,
    ) -> Result<BodyNode> {
        let services = ctx.data::<Services>()?;
        Ok(governance::set_member(
            services,
            viewer(ctx),
            parse_id(&body_id).gql()?,
            &person,
            role.into(),
            can_approve,
        )
        .await
        .gql()?
        .into())
    }

    /// Sets where incidents of a severity escalate at `level` (1, the default, is notified
    /// first; an unacknowledged level escalates to the next after the acknowledgement time).
    #[graphql(guard = "Can(Permission::ManageGovernance)")]
    async fn set_escalation_route(
        &self,
        ctx: &Context<'_>,
        severity: SeverityValue,
        #[graphql(default = 1)] level: i32,
        body_id: ID,
        recipients: Vec<String>,
    ) -> Result<RouteNode> {
        let services = ctx.data::<Services>()?;
        Ok(governance::set_route(
            services,
            viewer(ctx),
            severity.into(),
            level,
            parse_id(&body_id).gql()?,
            recipients,
        )
        .await
        .gql()?
        .into())
    }

    /// Removes one level of a severity's escalation route.
    #[graphql(guard = "Can(Permission::ManageGovernance)")]
    async fn remove_escalation_route(
        &self,
        ctx: &Context<'_>,
        severity: SeverityValue,
        level: i32,
    ) -> Result<RouteNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            governance::remove_route(services, viewer(ctx), severity.into(), level)
                .await
                .gql()?
                .into(),
        )
    }
}
