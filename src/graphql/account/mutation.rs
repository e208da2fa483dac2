//! Creating organizations and managing integrator API keys (admins only).

use crate::domain::kernel::access::Permission;
use async_graphql::{Context, ID, Object, Result};

use super::types::{ApiKeyNode, CreatedApiKey, OrganizationNode};
use crate::domain::Services;
use crate::domain::account::{api_keys, organizations};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::util::parse_id;

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates an organization.
    #[graphql(guard = "Can(Permission::ManageAccess)")]
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        slug: String,
        name: String,
    ) -> Result<OrganizationNode> {
        let services = ctx.data::<Services>()?;
        Ok(organizations::create(services, viewer(ctx), &slug, &name)
            .await
            .gql()?
            .into())
    }

    /// Creates an integrator API key; the key is in the answer and nowhere else, ever.
    #[graphql(guard = "Can(Permission::ManageAccess)")]
    async fn create_api_key(&self, ctx: &Context<'_>, name: String) -> Result<CreatedApiKey> {
        let services = ctx.data::<Services>()?;
        let (key, record) = api_keys::create(services, viewer(ctx), &name).await.gql()?;
        Ok(CreatedApiKey {
            key,
            api_key: record.into(),
        })
    }

    /// Revokes an API key of the caller's organization.
    #[graphql(guard = "Can(Permission::ManageAccess)")]
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> Result<ApiKeyNode> {
        let services = ctx.data::<Services>()?;
        let id = parse_id(&id).gql()?;
        Ok(api_keys::revoke(services, viewer(ctx), id)
            .await
            .gql()?
            .into())
    }
}
