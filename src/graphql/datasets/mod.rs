//! Data governance over GraphQL: the dataset register, which datasets model versions used
//! (with the rights rules), the lineage graph with upstream and downstream walks, and marking a
//! dataset compromised.

pub mod types;

use async_graphql::{Context, ID, Json, Object, Result};

use crate::domain::Services;
use crate::domain::datasets::lineage::{self, graph::Direction};
use crate::domain::datasets::{compromise, register, usage};
use crate::domain::kernel::access::Permission;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::{opt_id, parse_id};
use types::*;

#[derive(Default)]
pub struct DatasetQuery;

#[Object]
impl DatasetQuery {
    /// The dataset register, by name and version.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn datasets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<DatasetNode>> {
        let services = ctx.data::<Services>()?;
        let list = register::list(services, viewer(ctx)).await.gql()?;
        paginate("dataset", list, first, after, DatasetNode::from).gql()
    }

    async fn dataset(&self, ctx: &Context<'_>, id: ID) -> Result<DatasetNode> {
        let services = ctx.data::<Services>()?;
        Ok(register::get(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Which datasets model versions used, for what, optionally of one model version or dataset.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn dataset_usages(
        &self,
        ctx: &Context<'_>,
        model_version_id: Option<ID>,
        dataset_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<UsageNode>> {
        let services = ctx.data::<Services>()?;
        let list = usage::list(
            services,
            viewer(ctx),
            opt_id(model_version_id)?,
            opt_id(dataset_id)?,
        )
        .await
        .gql()?;
        paginate("dataset_usage", list, first, after, UsageNode::from).gql()
    }

    /// Everything `of` came from, transitively, with each step (at most `maxDepth` edges away
    /// and `maxNodes` nodes; `truncated` says when a bound stopped the walk).
    #[graphql(complexity = "max_nodes.clamp(1, 10_000) as usize * child_complexity")]
    async fn lineage_upstream(
        &self,
        ctx: &Context<'_>,
        of: LineageRef,
        #[graphql(default = 20)] max_depth: i32,
        #[graphql(default = 1000)] max_nodes: i32,
    ) -> Result<LineageTrace> {
        walk(ctx, of, Direction::Upstream, max_depth, max_nodes).await
    }

    /// Everything derived from `of`: datasets, model versions and the AI systems they belong to.
    #[graphql(complexity = "max_nodes.clamp(1, 10_000) as usize * child_complexity")]
    async fn lineage_downstream(
        &self,
        ctx: &Context<'_>,
        of: LineageRef,
        #[graphql(default = 20)] max_depth: i32,
        #[graphql(default = 1000)] max_nodes: i32,
    ) -> Result<LineageTrace> {
        walk(ctx, of, Direction::Downstream, max_depth, max_nodes).await
    }
}

async fn walk(
    ctx: &Context<'_>,
    of: LineageRef,
    direction: Direction,
    max_depth: i32,
    max_nodes: i32,
) -> Result<LineageTrace> {
    let services = ctx.data::<Services>()?;
    let bound = |v: i32| usize::try_from(v).unwrap_or(usize::MAX);
    Ok(lineage::trace(
        services,
        viewer(ctx),
        of.into_domain("of")?,
        direction,
        bound(max_depth),
        bound(max_nodes),
    )
    .await
    .gql()?
    .into())
}

#[derive(Default)]
pub struct DatasetMutation;

#[Object]
impl DatasetMutation {
    /// Registers a dataset.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn create_dataset(
        &self,
        ctx: &Context<'_>,
        input: DatasetInputNode,
    ) -> Result<DatasetNode> {
        let services = ctx.data::<Services>()?;
        Ok(register::create(services, viewer(ctx), input.into())
            .await
            .gql()?
            .into())
    }

    /// Updates a dataset's record.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn update_dataset(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: DatasetInputNode,
    ) -> Result<DatasetNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            register::update(services, viewer(ctx), parse_id(&id).gql()?, input.into())
                .await
                .gql()?
                .into(),
        )
    }

    /// Records that a model version used a dataset for `role` and `purpose`, under the rights
    /// rules (rule codes `purpose_not_allowed`, `synthetic_not_validated`,
    /// `consent_evidence_missing`, and for a model that is deployed or moving to deploy
    /// `copyright_unknown`, `licence_missing`, `licence_expired`, `authorization_expired`,
    /// `raw_special_category` unless a `data_use_exception` approval exists).
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn link_model_dataset(
        &self,
        ctx: &Context<'_>,
        model_version_id: ID,
        dataset_id: ID,
        role: DataRoleValue,
        purpose: String,
    ) -> Result<UsageNode> {
        let services = ctx.data::<Services>()?;
        Ok(usage::link(
            services,
            viewer(ctx),
            parse_id(&model_version_id).gql()?,
            parse_id(&dataset_id).gql()?,
            role.into(),
            &purpose,
        )
        .await
        .gql()?
        .into())
    }

    /// Adds a processing step or storage location to the lineage graph; `details` holds the
    /// transformation, code or tool version and parameters (or a storage URI).
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn add_lineage_node(
        &self,
        ctx: &Context<'_>,
        kind: NodeKindValue,
        label: String,
        details: Option<Json<serde_json::Value>>,
    ) -> Result<LineageNodeNode> {
        let services = ctx.data::<Services>()?;
        let details = details.map_or_else(|| serde_json::json!({}), |d| d.0);
        Ok(
            lineage::add_node(services, viewer(ctx), kind.into(), &label, details)
                .await
                .gql()?
                .into(),
        )
    }

    /// Adds an edge: data flowed from `from` to `to` through `transformation` (rule
    /// `lineage_cycle` when it would close a cycle).
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn add_lineage_edge(
        &self,
        ctx: &Context<'_>,
        from: LineageRef,
        to: LineageRef,
        transformation: String,
    ) -> Result<LineageEdgeNode> {
        let services = ctx.data::<Services>()?;
        Ok(lineage::add_edge(
            services,
            viewer(ctx),
            from.into_domain("from")?,
            to.into_domain("to")?,
            &transformation,
        )
        .await
        .gql()?
        .into())
    }

    /// Records a quality or privacy check of a dataset (`checkedOn` `YYYY-MM-DD`); a failed
    /// one with `openRisk` opens a linked risk owned by the dataset's owner in the same step.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    #[allow(clippy::too_many_arguments)]
    async fn record_dataset_check(
        &self,
        ctx: &Context<'_>,
        dataset_id: ID,
        kind: CheckKindValue,
        method: String,
        result: CheckOutcomeValue,
        #[graphql(default)] details: String,
        checked_on: String,
        #[graphql(default)] open_risk: bool,
    ) -> Result<CheckNode> {
        let services = ctx.data::<Services>()?;
        let input = crate::domain::datasets::checks::NewCheck {
            dataset_id: parse_id(&dataset_id).gql()?,
            kind: kind.into(),
            method,
            result: result.into(),
            details,
            checked_on,
            open_risk,
        };
        Ok(
            crate::domain::datasets::checks::record(services, viewer(ctx), input)
                .await
                .gql()?
                .into(),
        )
    }

    /// Marks a dataset compromised: every AI system it reaches downstream gets one incident,
    /// once.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn mark_dataset_compromised(
        &self,
        ctx: &Context<'_>,
        id: ID,
        note: String,
    ) -> Result<DatasetCompromise> {
        let services = ctx.data::<Services>()?;
        Ok(
            compromise::mark(services, viewer(ctx), parse_id(&id).gql()?, &note)
                .await
                .gql()?
                .into(),
        )
    }
}
