//! `crosswalk`, `coverage`, `gaps` and export URLs.

use async_graphql::{Context, Enum, Object, Result};

use super::types::{
    AnswerNode, CountsNode, Coverage, CoverageGroupNode, GroupByValue, RequirementCoverageNode,
    ViaValue,
};
use crate::domain::Services;
use crate::domain::crosswalk::coverage;
use crate::domain::crosswalk::{self, CrosswalkRequest, Via};
use crate::error::AppError;
use crate::graphql::catalog::types::FrameworkNode;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::viewer;
use crate::graphql::pagination::{OffsetConnection, paginate};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ExportFormat {
    /// Flat CSV, one row per mapping (IR 8477 columns).
    Csv,
    /// OSCAL 1.2 mapping collection (JSON).
    Oscal,
}

fn via_list(via: Option<Vec<ViaValue>>) -> Vec<Via> {
    match via {
        Some(list) if !list.is_empty() => list.into_iter().map(Into::into).collect(),
        _ => vec![Via::Direct, Via::Controls],
    }
}

#[derive(Default)]
pub struct CrosswalkQuery;

#[Object]
impl CrosswalkQuery {
    /// What in framework `to` corresponds to framework `from` (or to one of its requirements and
    /// that requirement's descendants), directly and through common controls, with relationship,
    /// rationale, path and provenance of each answer. Frameworks by slug (newest version).
    /// Answers come strongest first (`score`) for each source requirement; `minScore` (0-100)
    /// leaves out weaker ones.
    #[graphql(complexity = "first.unwrap_or(100).max(0) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn crosswalk(
        &self,
        ctx: &Context<'_>,
        from: String,
        to: String,
        requirement: Option<String>,
        via: Option<Vec<ViaValue>>,
        min_score: Option<i32>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<AnswerNode>> {
        let services = ctx.data::<Services>()?;
        if let Some(min) = min_score
            && !(0..=100).contains(&min)
        {
            return Err(AppError::rule(
                "minScore",
                "score_range",
                format!("minScore must be between 0 and 100 (got {min})"),
            ))
            .gql();
        }
        let from = services.catalog.framework(&from, None).gql()?;
        let to = services.catalog.framework(&to, None).gql()?;
        let sources = requirement
            .map(|r| crosswalk::requirement_and_descendants(services, from.id, &r))
            .transpose()
            .gql()?;
        let request = CrosswalkRequest {
            from_framework_id: from.id,
            to_framework_id: to.id,
            sources,
            via: via_list(via),
        };
        let mut answers = crosswalk::crosswalk(services, viewer(ctx), &request)
            .await
            .gql()?;
        if let Some(min) = min_score {
            answers.retain(|answer| answer.score >= min);
        }
        paginate("answer", answers, first, after, AnswerNode).gql()
    }

    /// Live coverage of a framework by the organization's controls: satisfied, partial, not
    /// covered and not applicable, per function or category and in total.
    async fn coverage(
        &self,
        ctx: &Context<'_>,
        framework: String,
        #[graphql(default_with = "GroupByValue::Function")] group_by: GroupByValue,
    ) -> Result<Coverage> {
        let services = ctx.data::<Services>()?;
        let framework = services.catalog.framework(&framework, None).gql()?;
        let report = coverage::coverage(services, viewer(ctx), framework.id, group_by.into())
            .await
            .gql()?;
        Ok(Coverage {
            framework: FrameworkNode(framework.clone()),
            totals: CountsNode(report.totals),
            groups: report
                .groups
                .into_iter()
                .map(|(group_id, counts)| CoverageGroupNode { group_id, counts })
                .collect(),
            assessed: report.requirements,
        })
    }

    /// Requirements not satisfied (partial or not covered), with the controls that would close them.
    #[graphql(complexity = "first.map_or(200, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn gaps(
        &self,
        ctx: &Context<'_>,
        framework: String,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<RequirementCoverageNode>> {
        let services = ctx.data::<Services>()?;
        let framework = services.catalog.framework(&framework, None).gql()?;
        paginate(
            "gap",
            coverage::gaps(services, viewer(ctx), framework.id)
                .await
                .gql()?
                .into_iter()
                .map(RequirementCoverageNode)
                .collect(),
            first,
            after,
            std::convert::identity,
        )
        .gql()
    }

    /// The download URL (relative to the API root) of a crosswalk export.
    async fn crosswalk_export_url(
        &self,
        ctx: &Context<'_>,
        from: String,
        to: String,
        format: ExportFormat,
        via: Option<Vec<ViaValue>>,
    ) -> Result<String> {
        let services = ctx.data::<Services>()?;
        services.catalog.framework(&from, None).gql()?;
        services.catalog.framework(&to, None).gql()?;
        let via: Vec<&str> = via_list(via)
            .into_iter()
            .map(|v| match v {
                Via::Direct => "direct",
                Via::Controls => "controls",
            })
            .collect();
        let path = match format {
            ExportFormat::Csv => "/exports/crosswalk.csv",
            ExportFormat::Oscal => "/exports/oscal/mapping.json",
        };
        Ok(format!("{path}?from={from}&to={to}&via={}", via.join(",")))
    }
}
