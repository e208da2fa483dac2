//! RACI assignments.

use crate::domain::access::Permission;
use async_graphql::{Context, ID, Object, Result};

use super::types::AssignmentNode;
use crate::domain::Services;
use crate::domain::raci;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::util::parse_id;

#[derive(Default)]
pub struct RaciQuery;

#[Object]
impl RaciQuery {
    /// Every assignment on a subject (ai_system | control | policy | risk | governance_body).
    #[graphql(complexity = "10 * child_complexity")]
    async fn raci(
        &self,
        ctx: &Context<'_>,
        subject_type: String,
        subject_id: ID,
    ) -> Result<Vec<AssignmentNode>> {
        let services = ctx.data::<Services>()?;
        Ok(raci::for_subject(
            services,
            viewer(ctx),
            &subject_type,
            parse_id(&subject_id).gql()?,
        )
        .await
        .gql()?
        .into_iter()
        .map(Into::into)
        .collect())
    }

    /// Who is accountable for a subject.
    async fn accountable_for(
        &self,
        ctx: &Context<'_>,
        subject_type: String,
        subject_id: ID,
    ) -> Result<Option<AssignmentNode>> {
        let services = ctx.data::<Services>()?;
        Ok(raci::accountable_for(
            services,
            viewer(ctx),
            &subject_type,
            parse_id(&subject_id).gql()?,
        )
        .await
        .gql()?
        .map(Into::into))
    }

    /// What a person or team holds a role for (all roles, or one, e.g. accountable).
    #[graphql(complexity = "20 * child_complexity")]
    async fn responsibilities_of(
        &self,
        ctx: &Context<'_>,
        party: String,
        role: Option<String>,
    ) -> Result<Vec<AssignmentNode>> {
        let services = ctx.data::<Services>()?;
        Ok(
            raci::of_party(services, viewer(ctx), &party, role.as_deref())
                .await
                .gql()?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }
}

#[derive(Default)]
pub struct RaciMutation;

#[Object]
impl RaciMutation {
    /// Assigns a person or team a role (responsible | accountable | consulted | informed);
    /// a second Accountable for a subject is refused.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn assign_raci(
        &self,
        ctx: &Context<'_>,
        subject_type: String,
        subject_id: ID,
        party: String,
        #[graphql(default_with = "String::from(\"person\")")] party_kind: String,
        role: String,
    ) -> Result<AssignmentNode> {
        let services = ctx.data::<Services>()?;
        let assignment = raci::assign(
            services,
            viewer(ctx),
            &subject_type,
            parse_id(&subject_id).gql()?,
            &party,
            &party_kind,
            &role,
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
