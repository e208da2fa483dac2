//! RACI assignments.

use crate::domain::kernel::access::Permission;
use async_graphql::{Context, ID, Object, Result};

pub(crate) mod types;

use crate::domain::Services;
use crate::domain::raci;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::parse_id;
use types::{AssignmentNode, PartyKindValue, RaciRoleValue, RaciSubjectValue};

#[derive(Default)]
pub struct RaciQuery;

#[Object]
impl RaciQuery {
    /// Every assignment on a subject.
    #[graphql(complexity = "first.map_or(10, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn raci(
        &self,
        ctx: &Context<'_>,
        subject_type: RaciSubjectValue,
        subject_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<AssignmentNode>> {
        let services = ctx.data::<Services>()?;
        paginate(
            "assignment",
            raci::for_subject(
                services,
                viewer(ctx),
                subject_type.into(),
                parse_id(&subject_id).gql()?,
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

    /// Who is accountable for a subject.
    async fn accountable_for(
        &self,
        ctx: &Context<'_>,
        subject_type: RaciSubjectValue,
        subject_id: ID,
    ) -> Result<Option<AssignmentNode>> {
        let services = ctx.data::<Services>()?;
        Ok(raci::accountable_for(
            services,
            viewer(ctx),
            subject_type.into(),
            parse_id(&subject_id).gql()?,
        )
        .await
        .gql()?
        .map(Into::into))
    }

    /// What a person or team holds a role for (all roles, or one, e.g. accountable).
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn responsibilities_of(
        &self,
        ctx: &Context<'_>,
        party: String,
        role: Option<RaciRoleValue>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<AssignmentNode>> {
        let services = ctx.data::<Services>()?;
        paginate(
            "assignment",
            raci::of_party(services, viewer(ctx), &party, role.map(Into::into))
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
pub struct RaciMutation;

#[Object]
impl RaciMutation {
    /// Assigns a person or team a role; a second Accountable for a subject is refused.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn assign_raci(
        &self,
        ctx: &Context<'_>,
        subject_type: RaciSubjectValue,
        subject_id: ID,
        party: String,
        #[graphql(default_with = "PartyKindValue::Person")] party_kind: PartyKindValue,
        role: RaciRoleValue,
    ) -> Result<AssignmentNode> {
        let services = ctx.data::<Services>()?;
        let assignment = raci::assign(
            services,
            viewer(ctx),
            subject_type.into(),
            parse_id(&subject_id).gql()?,
            &party,
            party_kind.into(),
            role.into(),
        )
        .await
        .gql()?;
        Ok(assignment.into())
    }

    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn unassign_raci(&self, ctx: &Context<'_>, id: ID) -> Result<AssignmentNode> {
        let services = ctx.data::<Services>()?;
        Ok(raci::unassign(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }
}
