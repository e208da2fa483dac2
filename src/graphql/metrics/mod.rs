//! Monitoring metrics: definitions with thresholds, pushing small batches of points, series and
//! their rollups, the period summary, breach episodes and threshold evaluation (dry or for real).

pub mod types;

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::metrics::intake::{self, PointInput, Pushed};
use crate::domain::metrics::rollups::{self, SeriesFilter};
use crate::domain::metrics::{definitions, episodes, evaluate};
use crate::error::AppError;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::{opt_id, parse_id};
use types::{
    DefinitionInputNode, DefinitionNode, EpisodeNode, EvaluationNode, MetricIngestResult,
    PointInputNode, SeriesNode, SeriesWindowsNode, SummaryNode, WindowValue,
};

#[derive(Default)]
pub struct MetricQuery;

#[Object]
impl MetricQuery {
    /// The organization's metric definitions, by key.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn metric_definitions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<DefinitionNode>> {
        let services = ctx.data::<Services>()?;
        let list = definitions::list(services, viewer(ctx)).await.gql()?;
        paginate(
            "metric_definition",
            list,
            first,
            after,
            DefinitionNode::from,
        )
        .gql()
    }

    async fn metric_definition(&self, ctx: &Context<'_>, id: ID) -> Result<DefinitionNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            definitions::get(services, viewer(ctx), parse_id(&id).gql()?)
                .await
                .gql()?
                .into(),
        )
    }

    /// The organization's time series, optionally of one metric, AI system or segment.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn monitored_series(
        &self,
        ctx: &Context<'_>,
        definition_id: Option<ID>,
        ai_system_id: Option<ID>,
        segment: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<SeriesNode>> {
        let services = ctx.data::<Services>()?;
        let filter = SeriesFilter {
            definition_id: opt_id(definition_id)?,
            ai_system_id: opt_id(ai_system_id)?,
            segment,
        };
        let list = rollups::series(services, viewer(ctx), &filter)
            .await
            .gql()?;
        paginate("metric_series", list, first, after, SeriesNode::from).gql()
    }

    /// One series rolled up into windows over [from, to) (default: the last 30 days; at most
    /// three years): count, mean, min, p50, p95, max and threshold counts per window, the latest
    /// `maxWindows` (1-1000) windows.
    #[graphql(complexity = "max_windows.clamp(1, 1000) as usize * child_complexity / 10 + 10")]
    async fn metric_series(
        &self,
        ctx: &Context<'_>,
        series_id: ID,
        #[graphql(default_with = "WindowValue::Day")] window: WindowValue,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        #[graphql(default = 200)] max_windows: i32,
    ) -> Result<SeriesWindowsNode> {
        let services = ctx.data::<Services>()?;
        if !(1..=rollups::MAX_WINDOWS as i32).contains(&max_windows) {
            return Err(AppError::rule(
                "maxWindows",
                "range",
                "maxWindows must be 1-1000",
            ))
            .gql();
        }
        let period = rollups::period(services.clock.now(), from, to).gql()?;
        let (series, windows, truncated) = rollups::windows(
            services,
            viewer(ctx),
            parse_id(&series_id).gql()?,
            window.into(),
            period,
            max_windows as usize,
        )
        .await
        .gql()?;
        Ok(SeriesWindowsNode {
            series: series.into(),
            window,
            windows: windows.into_iter().map(Into::into).collect(),
            truncated,
        })
    }

    /// Every matching series summarized over [from, to) (default: the last 30 days): count,
    /// mean, p50, p95, max, breach and warning counts, and the trend of its `window` means.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn metric_summary(
        &self,
        ctx: &Context<'_>,
        definition_id: Option<ID>,
        ai_system_id: Option<ID>,
        segment: Option<String>,
        #[graphql(default_with = "WindowValue::Day")] window: WindowValue,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<SummaryNode>> {
        let services = ctx.data::<Services>()?;
        let filter = SeriesFilter {
            definition_id: opt_id(definition_id)?,
            ai_system_id: opt_id(ai_system_id)?,
            segment,
        };
        let period = rollups::period(services.clock.now(), from, to).gql()?;
        let rows = rollups::summary(services, viewer(ctx), &filter, window.into(), period)
            .await
            .gql()?;
        paginate("metric_summary", rows, first, after, SummaryNode::from).gql()
    }

    /// Breach episodes, newest first.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn metric_episodes(
        &self,
        ctx: &Context<'_>,
        series_id: Option<ID>,
        #[graphql(default)] open_only: bool,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<EpisodeNode>> {
        let services = ctx.data::<Services>()?;
        let list = episodes::list(services, viewer(ctx), opt_id(series_id)?, open_only)
            .await
            .gql()?;
        paginate("metric_episode", list, first, after, EpisodeNode::from).gql()
    }
}

#[derive(Default)]
pub struct MetricMutation;

#[Object]
impl MetricMutation {
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn create_metric_definition(
        &self,
        ctx: &Context<'_>,
        input: DefinitionInputNode,
    ) -> Result<DefinitionNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            definitions::create(services, viewer(ctx), input.into_domain()?)
                .await
                .gql()?
                .into(),
        )
    }

    /// Replaces a definition's fields; its key cannot change.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn update_metric_definition(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: DefinitionInputNode,
    ) -> Result<DefinitionNode> {
        let services = ctx.data::<Services>()?;
        Ok(definitions::update(
            services,
            viewer(ctx),
            parse_id(&id).gql()?,
            input.into_domain()?,
        )
        .await
        .gql()?
        .into())
    }

    /// Deletes a definition with its series and points.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn delete_metric_definition(&self, ctx: &Context<'_>, id: ID) -> Result<DefinitionNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            definitions::delete(services, viewer(ctx), parse_id(&id).gql()?)
                .await
                .gql()?
                .into(),
        )
    }

    /// Stores up to 1,000 points, all or nothing (larger batches: `POST /ingest/metrics`). The
    /// last value sent for a series and time wins.
    #[graphql(guard = "Can(Permission::IngestMetrics)")]
    async fn record_metric_points(
        &self,
        ctx: &Context<'_>,
        points: Vec<PointInputNode>,
    ) -> Result<MetricIngestResult> {
        let services = ctx.data::<Services>()?;
        let points: Vec<PointInput> = points.into_iter().map(Into::into).collect();
        match intake::push_points(services, viewer(ctx), &points)
            .await
            .gql()?
        {
            Pushed::Stored(r) => Ok(MetricIngestResult {
                points: i32::try_from(r.points).unwrap_or(i32::MAX),
                series: i32::try_from(r.series).unwrap_or(i32::MAX),
                chunks: i32::try_from(r.chunks).unwrap_or(i32::MAX),
                from: r.from,
                to: r.to,
                batch_id: r.batch_id,
            }),
            Pushed::TooLarge(message) => Err(AppError::rule("points", "too_many", message)).gql(),
            Pushed::Rejected { errors, total } => {
                let detail: Vec<String> = errors
                    .iter()
                    .map(|e| format!("point {}: {}", e.line, e.message))
                    .collect();
                Err(AppError::rule(
                    "points",
                    "bad_points",
                    format!(
                        "{total} bad point(s); nothing was stored: {}",
                        detail.join("; ")
                    ),
                ))
                .gql()
            }
        }
    }

    /// Evaluates every series against its thresholds up to the last closed window. With
    /// `dryRun` (the default) nothing is written: the answer shows which episodes would open or
    /// close and which warnings would be sent.
    async fn evaluate_thresholds(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = true)] dry_run: bool,
    ) -> Result<EvaluationNode> {
        let services = ctx.data::<Services>()?;
        let viewer = viewer(ctx);
        let permission = if dry_run {
            Permission::ReadRecords
        } else {
            Permission::WriteRecords
        };
        viewer.require(permission).gql()?;
        let organization_id = viewer.organization_id().gql()?;
        Ok(
            evaluate::evaluate(services, organization_id, &viewer.describe(), dry_run)
                .await
                .gql()?
                .into(),
        )
    }
}
