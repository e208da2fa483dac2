//! `me`, `organization` and `apiKeys`.

use crate::domain::kernel::access::Permission;
use async_graphql::{Context, Object, Result};

use super::types::{ApiKeyNode, Me, OrganizationNode};
use crate::domain::Services;
use crate::domain::account::{api_keys, organizations};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Authenticated, Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The caller: subject, roles, organization and how they authenticated.
    #[graphql(guard = "Authenticated")]
    async fn me(&self, ctx: &Context<'_>) -> Result<Me> {
        let services = ctx.data::<Services>()?;
        let viewer = viewer(ctx);
        let principal = viewer.principal().gql()?;
        let organization = organizations::current(services, viewer).await.gql()?;
        Ok(Me::new(principal, organization))
    }

    /// The caller's organization.
    #[graphql(guard = "Authenticated")]
    async fn organization(&self, ctx: &Context<'_>) -> Result<OrganizationNode> {
        let services = ctx.data::<Services>()?;
        Ok(organizations::current(services, viewer(ctx))
            .await
            .gql()?
            .into())
    }

    /// The organization's integrator API keys (admins).
    #[graphql(
        guard = "Can(Permission::ManageAccess)",
        complexity = "first.map_or(10, |n| n.clamp(0, 1000) as usize) * child_complexity"
    )]
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<ApiKeyNode>> {
        let services = ctx.data::<Services>()?;
        paginate(
            "api_key",
            api_keys::list(services, viewer(ctx))
                .await
                .gql()?
                .into_iter()
                .map(ApiKeyNode::from)
                .collect(),
            first,
            after,
            std::convert::identity,
        )
        .gql()
    }
}
