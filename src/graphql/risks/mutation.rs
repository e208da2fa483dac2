//! Writing the register.

use crate::domain::kernel::access::Permission;
use async_graphql::{Context, ID, Object, Result};

use super::types::{RiskInput, RiskNode};
use crate::domain::Services;
use crate::domain::risks;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::util::parse_id;

fn ids(list: &[ID]) -> Result<Vec<i32>> {
    list.iter().map(parse_id).collect::<Result<_, _>>().gql()
}

#[derive(Default)]
pub struct RiskMutation;

#[Object]
impl RiskMutation {
    /// Adds a risk. Treating controls are `controlIds` when given; otherwise, for a risk that
    /// names a threat, the organization's controls the threat library recommends (unless
    /// `linkRecommendedControls` is false).
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn create_risk(
        &self,
        ctx: &Context<'_>,
        input: RiskInput,
        control_ids: Option<Vec<ID>>,
        #[graphql(default = true)] link_recommended_controls: bool,
    ) -> Result<RiskNode> {
        let services = ctx.data::<Services>()?;
        let control_ids = control_ids.as_deref().map(ids).transpose()?;
        Ok(RiskNode::at(
            risks::create(
                services,
                viewer(ctx),
                input.into_domain()?,
                control_ids,
                link_recommended_controls,
            )
            .await
            .gql()?,
            services.clock.today(),
        ))
    }

    /// Replaces a risk's fields: re-rating, treatment, status, decision record.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn update_risk(&self, ctx: &Context<'_>, id: ID, input: RiskInput) -> Result<RiskNode> {
        let services = ctx.data::<Services>()?;
        Ok(RiskNode::at(
            risks::update(
                services,
                viewer(ctx),
                parse_id(&id).gql()?,
                input.into_domain()?,
            )
            .await
            .gql()?,
            services.clock.today(),
        ))
    }

    /// Sets the controls that treat a risk (replacing the previous set).
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn set_risk_controls(
        &self,
        ctx: &Context<'_>,
        id: ID,
        control_ids: Vec<ID>,
    ) -> Result<RiskNode> {
        let services = ctx.data::<Services>()?;
        Ok(RiskNode::at(
            risks::set_controls(
                services,
                viewer(ctx),
                parse_id(&id).gql()?,
                &ids(&control_ids)?,
            )
            .await
            .gql()?,
            services.clock.today(),
        ))
    }

    /// Sets the organization's risk matrix bands (`1 <= lowMax < mediumMax < highMax < 25`).
    /// Every level shown and acted on follows them at once.
    #[graphql(guard = "Can(Permission::ManageGovernance)")]
    async fn set_risk_matrix(
        &self,
        ctx: &Context<'_>,
        low_max: i32,
        medium_max: i32,
        high_max: i32,
    ) -> Result<super::types::RiskMatrix> {
        let services = ctx.data::<Services>()?;
        let bands = risks::matrix::Bands::new(low_max, medium_max, high_max).gql()?;
        Ok(risks::matrix::set(services, viewer(ctx), bands)
            .await
            .gql()?
            .into())
    }
}
