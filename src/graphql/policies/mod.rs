//! Policies and the approval workflow.

use crate::domain::kernel::access::Permission;
use async_graphql::{Context, ID, InputObject, Object, Result};

mod types;

use crate::domain::Services;
use crate::domain::policies::{self, NewPolicy, PolicyEdit};
use crate::graphql::approvals::types::RequestNode;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::parse_id;
use types::{PolicyKindValue, PolicyNode, PolicyStatusValue};

/// A new policy.
#[derive(InputObject)]
pub struct PolicyInput {
    pub kind: PolicyKindValue,
    pub title: String,
    pub content: String,
    /// The governance body whose approvers approve it.
    pub body_id: ID,
    #[graphql(default = 1)]
    pub quorum: i32,
    /// YYYY-MM-DD
    pub review_due: String,
}

/// Changes to a policy.
#[derive(InputObject)]
pub struct PolicyEditInput {
    pub title: Option<String>,
    pub content: Option<String>,
    pub review_due: Option<String>,
}

#[derive(Default)]
pub struct PolicyQuery;

#[Object]
impl PolicyQuery {
    /// Policies (every version), filtered by kind and status.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn policies(
        &self,
        ctx: &Context<'_>,
        kind: Option<PolicyKindValue>,
        status: Option<PolicyStatusValue>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<PolicyNode>> {
        let services = ctx.data::<Services>()?;
        paginate(
            "policy",
            policies::list(
                services,
                viewer(ctx),
                kind.map(Into::into),
                status.map(Into::into),
            )
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

    async fn policy(&self, ctx: &Context<'_>, id: ID) -> Result<PolicyNode> {
        let services = ctx.data::<Services>()?;
        Ok(policies::get(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Approved policies whose review date has passed.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn overdue_policies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<PolicyNode>> {
        let services = ctx.data::<Services>()?;
        let today = services.clock.today();
        paginate(
            "policy",
            policies::overdue(services, viewer(ctx), today)
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
pub struct PolicyMutation;

#[Object]
impl PolicyMutation {
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn create_policy(&self, ctx: &Context<'_>, input: PolicyInput) -> Result<PolicyNode> {
        let services = ctx.data::<Services>()?;
        let new = NewPolicy {
            kind: input.kind.into(),
            title: input.title,
            content: input.content,
            body_id: parse_id(&input.body_id).gql()?,
            quorum: input.quorum,
            review_due: input.review_due,
        };
        Ok(policies::create(services, viewer(ctx), new)
            .await
            .gql()?
            .into())
    }

    /// Edits a draft; editing an approved policy creates its next draft version.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn edit_policy(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: PolicyEditInput,
    ) -> Result<PolicyNode> {
        let services = ctx.data::<Services>()?;
        let changes = PolicyEdit {
            title: input.title,
            content: input.content,
            review_due: input.review_due,
        };
        Ok(
            policies::edit(services, viewer(ctx), parse_id(&id).gql()?, changes)
                .await
                .gql()?
                .into(),
        )
    }

    /// Sends a draft for review: opens an approval request to its governance body.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn submit_policy(&self, ctx: &Context<'_>, id: ID) -> Result<RequestNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            policies::submit(services, viewer(ctx), parse_id(&id).gql()?)
                .await
                .gql()?
                .into(),
        )
    }

    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn retire_policy(&self, ctx: &Context<'_>, id: ID) -> Result<PolicyNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            policies::retire(services, viewer(ctx), parse_id(&id).gql()?)
                .await
                .gql()?
                .into(),
        )
    }
}
