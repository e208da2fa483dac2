//! Reports as structured JSON for dashboards (`report(kind, period, scope)`, the same data
//! `GET /reports/{kind}` renders), and stored report runs: `buildReport` stores a run in the
//! formats asked for; `reportRuns` lists them with each output's sha256 and download URL.

mod types;

use async_graphql::{Context, ID, Json, Object, Result};

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::reports::{BoardReport, Request, governance_board, stored};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::parse_id;
use types::{ReportFormatValue, ReportKindValue, ReportRunNode, ReportScopeInput};

#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// The governance-board report of the current quarter: posture, risks and heatmaps, coverage
    /// per framework, evidence gaps, policies, pending approvals, incidents, KPIs, the change
    /// against the previous quarter and the signed audit checkpoint with its verification.
    /// `report(kind: governance_board, period: ...)` takes another period or scope.
    #[graphql(complexity = 50)]
    async fn governance_board_report(&self, ctx: &Context<'_>) -> Result<Json<BoardReport>> {
        let services = ctx.data::<Services>()?;
        Ok(Json(governance_board(services, viewer(ctx)).await.gql()?))
    }

    /// A report built now, as structured JSON: the kind's data with its `kind`, `period`
    /// (`label`, `from`, `to`), `scope` and `generatedAt` (the board report keeps its own `period`
    /// and `scope` descriptions, as `governanceBoardReport` has them). `period` is a month (`2026-09`), a
    /// quarter (`2026-Q3`), a year (`2026`) or dates (`2026-07-01..2026-09-30`); the current
    /// quarter when absent. Rendered downloads: `/reports/{kind}?format=pdf|xlsx|csv|html|text|json`.
    #[graphql(complexity = 100)]
    async fn report(
        &self,
        ctx: &Context<'_>,
        kind: ReportKindValue,
        period: Option<String>,
        scope: Option<ReportScopeInput>,
    ) -> Result<Json<serde_json::Value>> {
        let services = ctx.data::<Services>()?;
        let request = Request {
            kind: kind.into(),
            period,
            scope: scope.map(Into::into).unwrap_or_default(),
        };
        let built = crate::domain::reports::build(services, viewer(ctx), &request)
            .await
            .gql()?;
        Ok(Json(built.data))
    }

    /// Stored report runs (built on request or by a schedule), newest first.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn report_runs(
        &self,
        ctx: &Context<'_>,
        kind: Option<ReportKindValue>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<ReportRunNode>> {
        let services = ctx.data::<Services>()?;
        let runs = stored::list(services, viewer(ctx), kind.map(Into::into))
            .await
            .gql()?;
        paginate("report_run", runs, first, after, ReportRunNode::from).gql()
    }

    /// One stored report run.
    async fn report_run(&self, ctx: &Context<'_>, id: ID) -> Result<ReportRunNode> {
        let services = ctx.data::<Services>()?;
        let id = parse_id(&id).gql()?;
        Ok(stored::get(services, viewer(ctx), id).await.gql()?.into())
    }
}

#[derive(Default)]
pub struct ReportMutation;

#[Object]
impl ReportMutation {
    /// Builds a report now and stores it in `formats` (CSV stores one file per table), so the
    /// same bytes can be downloaded again from each output's `url`. Audited.
    #[graphql(guard = "Can(Permission::ReadRecords)", complexity = 200)]
    async fn build_report(
        &self,
        ctx: &Context<'_>,
        kind: ReportKindValue,
        period: Option<String>,
        scope: Option<ReportScopeInput>,
        formats: Vec<ReportFormatValue>,
    ) -> Result<ReportRunNode> {
        let services = ctx.data::<Services>()?;
        let names: Vec<String> = formats.iter().map(|f| f.name().to_string()).collect();
        let formats = stored::parse_formats(&names).gql()?;
        let request = Request {
            kind: kind.into(),
            period,
            scope: scope.map(Into::into).unwrap_or_default(),
        };
        Ok(
            stored::build_and_store(services, viewer(ctx), &request, &formats)
                .await
                .gql()?
                .into(),
        )
    }
}
