//! Reading the register, the heatmap and the threat library.

use crate::domain::access::Permission;
use async_graphql::{Context, ID, Object, Result};

use super::types::{HeatmapCell, RiskNode, ThreatNode};
use crate::domain::Services;
use crate::domain::risks::{self, threats};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::util::parse_id;

#[derive(Default)]
pub struct RiskQuery;

#[Object]
impl RiskQuery {
    /// The risk register, filtered; highest current score first unless `sort` says otherwise
    /// (score | inherent_score | title | review_due | updated_at).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "20 * child_complexity")]
    async fn risks(
        &self,
        ctx: &Context<'_>,
        ai_system_id: Option<ID>,
        category: Option<String>,
        status: Option<String>,
        level: Option<String>,
        owner: Option<String>,
        threat: Option<String>,
        #[graphql(default)] open_only: bool,
        #[graphql(default)] review_overdue: bool,
        search: Option<String>,
        sort: Option<String>,
        #[graphql(default)] descending: bool,
    ) -> Result<Vec<RiskNode>> {
        let services = ctx.data::<Services>()?;
        let query = risks::RiskQuery {
            ai_system_id: ai_system_id.as_ref().map(parse_id).transpose().gql()?,
            category,
            status,
            level,
            owner,
            threat,
            open_only,
            review_overdue,
            search,
            sort,
            descending,
        };
        Ok(risks::list(services, viewer(ctx), &query)
            .await
            .gql()?
            .into_iter()
            .map(|risk| RiskNode::at(risk, services.clock.today()))
            .collect())
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
    #[graphql(complexity = "25 * child_complexity")]
    async fn risk_heatmap(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "String::from(\"current\")")] basis: String,
    ) -> Result<Vec<HeatmapCell>> {
        let services = ctx.data::<Services>()?;
        Ok(risks::heatmap(services, viewer(ctx), &basis)
            .await
            .gql()?
            .into_iter()
            .map(|c| HeatmapCell {
                likelihood: i32::from(c.likelihood),
                impact: i32::from(c.impact),
                level: risks::level_of(c.likelihood * c.impact).to_string(),
                count: i32::try_from(c.count).unwrap_or(i32::MAX),
            })
            .collect())
    }

    /// The AI threat library: threats and the controls that treat them.
    #[graphql(
        guard = "Can(Permission::ReadRecords)",
        complexity = "15 * child_complexity"
    )]
    async fn threats(&self, ctx: &Context<'_>) -> Result<Vec<ThreatNode>> {
        let services = ctx.data::<Services>()?;
        let open = risks::open_counts_by_threat(services, viewer(ctx))
            .await
            .gql()?;
        Ok(threats::library()
            .gql()?
            .iter()
            .map(|t| ThreatNode::new(t, open.get(&t.key).copied().unwrap_or(0)))
            .collect())
    }
}
