//! Reports as structured JSON, for dashboards; the same data `GET /reports/{kind}` renders.

use async_graphql::{Context, Json, Object, Result};

use crate::domain::Services;
use crate::domain::reports::{BoardReport, governance_board};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::viewer;

#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// The governance-board report built now: posture, risks and heatmap, coverage per framework,
    /// evidence gaps, policies, pending approvals and the signed audit checkpoint with its
    /// verification. Download it rendered at `/reports/governance-board?format=html|text|json`.
    #[graphql(complexity = 50)]
    async fn governance_board_report(&self, ctx: &Context<'_>) -> Result<Json<BoardReport>> {
        let services = ctx.data::<Services>()?;
        Ok(Json(governance_board(services, viewer(ctx)).await.gql()?))
    }
}
