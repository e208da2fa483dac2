//! Policies and the approval workflow.

use crate::domain::access::Permission;
use async_graphql::{Context, ID, InputObject, Object, Result};

use super::types::{PolicyNode, RequestNode};
use crate::domain::Services;
use crate::domain::approvals;
use crate::domain::policies::{self, NewPolicy, PolicyEdit};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Authenticated, Can, viewer};
use crate::graphql::util::parse_id;

/// A new policy.
#[derive(InputObject)]
pub struct PolicyInput {
    /// ai_governance | ai_risk_management | data_governance | acceptable_use | security | privacy | other
    pub kind: String,
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
    #[graphql(complexity = "20 * child_complexity")]
    async fn policies(
        &self,
        ctx: &Context<'_>,
        kind: Option<String>,
        status: Option<String>,
    ) -> Result<Vec<PolicyNode>> {
        let services = ctx.data::<Services>()?;
        Ok(
            policies::list(services, viewer(ctx), kind.as_deref(), status.as_deref())
                .await
                .gql()?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    async fn policy(&self, ctx: &Context<'_>, id: ID) -> Result<PolicyNode> {
        let services = ctx.data::<Services>()?;
        Ok(policies::get(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Approved policies whose review date has passed.
    #[graphql(complexity = "20 * child_complexity")]
    async fn overdue_policies(&self, ctx: &Context<'_>) -> Result<Vec<PolicyNode>> {
        let services = ctx.data::<Services>()?;
        let today = services.clock.today();
        Ok(policies::overdue(services, viewer(ctx), today)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Approval requests, optionally for one subject (policy | deployment | system_change) or status.
    #[graphql(complexity = "20 * child_complexity")]
    async fn approval_requests(
        &self,
        ctx: &Context<'_>,
        subject_type: Option<String>,
        subject_id: Option<ID>,
        status: Option<String>,
    ) -> Result<Vec<RequestNode>> {
        let services = ctx.data::<Services>()?;
        let subject_id = subject_id.as_ref().map(parse_id).transpose().gql()?;
        let subject = subject_type.as_deref().zip(subject_id);
        Ok(
            approvals::list(services, viewer(ctx), subject, status.as_deref())
                .await
                .gql()?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
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
            kind: input.kind,
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

    /// Requests approval of a deployment (subjectType deployment, a model version id) or of a
    /// change to an AI system in operation (system_change, an AI system id).
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn request_approval(
        &self,
        ctx: &Context<'_>,
        subject_type: String,
        subject_id: ID,
        body_id: ID,
        #[graphql(default = 1)] quorum: i32,
        #[graphql(default)] summary: String,
    ) -> Result<RequestNode> {
        let services = ctx.data::<Services>()?;
        let request = approvals::request(
            services,
            viewer(ctx),
            &subject_type,
            parse_id(&subject_id).gql()?,
            parse_id(&body_id).gql()?,
            quorum,
            &summary,
        )
        .await
        .gql()?;
        Ok(request.into())
    }

    /// Records the caller's decision (approve | reject) on a request; only the body's approvers may.
    #[graphql(guard = "Authenticated")]
    async fn decide_approval(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        decision: String,
        #[graphql(default)] comment: String,
    ) -> Result<RequestNode> {
        let services = ctx.data::<Services>()?;
        Ok(approvals::decide(
            services,
            viewer(ctx),
            parse_id(&request_id).gql()?,
            &decision,
            &comment,
        )
        .await
        .gql()?
        .into())
    }
}
