//! Reading the register, the heatmap and the threat library.

use crate::domain::kernel::access::Permission;
use async_graphql::{Context, ID, Object, Result};

use super::types::{
    BasisValue, CategoryValue, HeatmapCell, LevelValue, RiskNode, RiskRef, RiskStatusValue,
    ThreatNode, UnmitigatedThreatNode,
};
use crate::domain::Services;
use crate::domain::risks::{self, threats, unmitigated};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::parse_id;

#[derive(Default)]
pub struct RiskQuery;

#[Object]
impl RiskQuery {
    /// The risk register, filtered; highest current score first unless `sort` says otherwise
    /// (score | inherent_score | title | review_due | updated_at).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn risks(
        &self,
        ctx: &Context<'_>,
        ai_system_id: Option<ID>,
        category: Option<CategoryValue>,
        status: Option<RiskStatusValue>,
        level: Option<LevelValue>,
        owner: Option<String>,
        threat: Option<String>,
        #[graphql(default)] open_only: bool,
        #[graphql(default)] review_overdue: bool,
        search: Option<String>,
        sort: Option<String>,
        #[graphql(default)] descending: bool,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<RiskNode>> {
        let services = ctx.data::<Services>()?;
        let query = risks::RiskQuery {
            ai_system_id: ai_system_id.as_ref().map(parse_id).transpose().gql()?,
            category: category.map(Into::into),
            status: status.map(Into::into),
            level: level.map(Into::into),
            owner,
            threat,
            open_only,
            review_overdue,
            search,
            sort,
            descending,
        };
        paginate(
            "risk",
            risks::list(services, viewer(ctx), &query)
                .await
                .gql()?
                .into_iter()
                .map(|risk| RiskNode::at(risk, services.clock.today()))
                .collect(),
            first,
            after,
            std::convert::identity,
        )
        .gql()
    }

    async fn risk(&self, ctx: &Context<'_>, id: ID) -> Result<RiskNode> {
        let services = ctx.data::<Services>()?;
        let risk = risks::get(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?;
        Ok(RiskNode::at(risk, services.clock.today()))
    }

    /// Open risks per likelihood x impact cell (`basis`: current | inherent); 25 cells, the most
    /// likely row first.
    #[graphql(complexity = "first.map_or(25, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn risk_heatmap(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "BasisValue::Current")] basis: BasisValue,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<HeatmapCell>> {
        let services = ctx.data::<Services>()?;
        let bands = risks::matrix::get(services, viewer(ctx)).await.gql()?.bands;
        paginate(
            "cell",
            risks::heatmap(services, viewer(ctx), basis.into())
                .await
                .gql()?
                .into_iter()
                .map(|c| HeatmapCell {
                    likelihood: i32::from(c.likelihood),
                    impact: i32::from(c.impact),
                    level: bands.level(c.likelihood * c.impact).into(),
                    count: i32::try_from(c.count).unwrap_or(i32::MAX),
                })
                .collect(),
            first,
            after,
            std::convert::identity,
        )
        .gql()
    }

    /// The AI threat library: threats and the controls that treat them.
    #[graphql(
        guard = "Can(Permission::ReadRecords)",
        complexity = "first.map_or(15, |n| n.clamp(0, 1000) as usize) * child_complexity"
    )]
    async fn threats(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<ThreatNode>> {
        let services = ctx.data::<Services>()?;
        let open = risks::open_counts_by_threat(services, viewer(ctx))
            .await
            .gql()?;
        paginate(
            "threat",
            threats::library()
                .gql()?
                .iter()
                .map(|t| ThreatNode::new(t, open.get(&t.key).copied().unwrap_or(0)))
                .collect(),
            first,
            after,
            std::convert::identity,
        )
        .gql()
    }

    /// The threats an AI system faces (named by its open risks) with no implemented control
    /// treating them, with the controls the threat library recommends.
    #[graphql(
        guard = "Can(Permission::ReadRecords)",
        complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity"
    )]
    async fn unmitigated_threats(
        &self,
        ctx: &Context<'_>,
        ai_system_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<UnmitigatedThreatNode>> {
        let services = ctx.data::<Services>()?;
        let list = unmitigated::of_system(services, viewer(ctx), parse_id(&ai_system_id).gql()?)
            .await
            .gql()?;
        paginate("unmitigated_threat", list, first, after, |u| {
            UnmitigatedThreatNode {
                threat: ThreatNode::new(u.threat, u.risks.len() as u64),
                risks: u
                    .risks
                    .into_iter()
                    .map(|(id, title)| RiskRef {
                        id: ID(id.to_string()),
                        title,
                    })
                    .collect(),
            }
        })
        .gql()
    }

    /// The organization's risk matrix bands.
    async fn risk_matrix(&self, ctx: &Context<'_>) -> Result<super::types::RiskMatrix> {
        let services = ctx.data::<Services>()?;
        Ok(risks::matrix::get(services, viewer(ctx))
            .await
            .gql()?
            .into())
    }
}
