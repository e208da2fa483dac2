//! `controls` and `control`.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result};

use super::types::{ControlNode, ControlStatusValue};
use crate::domain::Services;
use crate::domain::controls::evidence;
use crate::domain::controls::{self, ControlFilter};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::viewer;
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::parse_id;

#[derive(Default)]
pub struct ControlQuery;

#[Object]
impl ControlQuery {
    /// The organization's common controls by code, filtered and paginated.
    #[graphql(complexity = "first.unwrap_or(100).max(0) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn controls(
        &self,
        ctx: &Context<'_>,
        status: Option<ControlStatusValue>,
        domain: Option<String>,
        search: Option<String>,
        #[graphql(default)] include_retired: bool,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<ControlNode>> {
        let services = ctx.data::<Services>()?;
        let viewer = viewer(ctx);
        let filter = ControlFilter {
            status: status.map(Into::into),
            domain,
            search,
            include_retired,
        };
        let list = controls::list(services, viewer, &filter).await.gql()?;
        // One query for every listed control's mappings and evidence, not one per control.
        let node = ctx.look_ahead().field("edges").field("node");
        let mappings =
            if node.field("mappings").exists() || node.field("mappingsByFramework").exists() {
                Some(Arc::new(
                    controls::organization_mappings(services, viewer)
                        .await
                        .gql()?,
                ))
            } else {
                None
            };
        let evidenced = if node.field("hasCurrentEvidence").exists() {
            Some(Arc::new(
                evidence::evidenced_control_ids(services, viewer)
                    .await
                    .gql()?,
            ))
        } else {
            None
        };
        paginate("control", list, first, after, |control| ControlNode {
            control,
            mappings: mappings.clone(),
            evidenced: evidenced.clone(),
        })
        .gql()
    }

    /// One control of the organization (another organization's id is NOT_FOUND).
    async fn control(&self, ctx: &Context<'_>, id: ID) -> Result<ControlNode> {
        let services = ctx.data::<Services>()?;
        let id = parse_id(&id).gql()?;
        Ok(ControlNode::new(
            controls::get(services, viewer(ctx), id).await.gql()?,
        ))
    }

    /// Active, applicable controls that have no current evidence.
    #[graphql(complexity = "first.map_or(50, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn controls_without_current_evidence(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<ControlNode>> {
        let services = ctx.data::<Services>()?;
        paginate(
            "control",
            evidence::controls_without_current_evidence(services, viewer(ctx))
                .await
                .gql()?
                .into_iter()
                .map(ControlNode::new)
                .collect(),
            first,
            after,
            std::convert::identity,
        )
        .gql()
    }
}
