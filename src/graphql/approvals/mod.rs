//! Approval requests to governance bodies (policies, deployments, system changes) and the
//! approvers' decisions.

pub mod types;

use async_graphql::{Context, ID, Object, Result};

use crate::domain::Services;
use crate::domain::approvals;
use crate::domain::kernel::access::Permission;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Authenticated, Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::parse_id;
use types::{ApprovalStatusValue, ApprovalSubjectValue, RequestNode, VerdictValue};

#[derive(Default)]
pub struct ApprovalQuery;

#[Object]
impl ApprovalQuery {
    /// Approval requests, optionally for one subject or in one status.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn approval_requests(
        &self,
        ctx: &Context<'_>,
        subject_type: Option<ApprovalSubjectValue>,
        subject_id: Option<ID>,
        status: Option<ApprovalStatusValue>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<RequestNode>> {
        let services = ctx.data::<Services>()?;
        let subject_id = subject_id.as_ref().map(parse_id).transpose().gql()?;
        let subject = subject_type.map(Into::into).zip(subject_id);
        paginate(
            "request",
            approvals::list(services, viewer(ctx), subject, status.map(Into::into))
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
pub struct ApprovalMutation;

#[Object]
impl ApprovalMutation {
    /// Requests approval of a deployment (subjectType deployment, a model version id) or of a
    /// change to an AI system in operation (system_change, an AI system id).
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn request_approval(
        &self,
        ctx: &Context<'_>,
        subject_type: ApprovalSubjectValue,
        subject_id: ID,
        body_id: ID,
        #[graphql(default = 1)] quorum: i32,
        #[graphql(default)] summary: String,
    ) -> Result<RequestNode> {
        let services = ctx.data::<Services>()?;
        let request = approvals::request(
            services,
            viewer(ctx),
            subject_type.into(),
            parse_id(&subject_id).gql()?,
            parse_id(&body_id).gql()?,
            quorum,
            &summary,
        )
        .await
        .gql()?;
        Ok(request.into())
    }

    /// Records the caller's decision on a request; only the body's approvers may.
    #[graphql(guard = "Authenticated")]
    async fn decide_approval(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        decision: VerdictValue,
        #[graphql(default)] comment: String,
    ) -> Result<RequestNode> {
        let services = ctx.data::<Services>()?;
        Ok(approvals::decide(
            services,
            viewer(ctx),
            parse_id(&request_id).gql()?,
            decision.into(),
            &comment,
        )
        .await
        .gql()?
        .into())
    }
}
