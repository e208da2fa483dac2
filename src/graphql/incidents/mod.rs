//! AI incidents (reported by people or opened by metric breach episodes): their handling,
//! timeline, escalation notices, links to risks and controls, and response times (SLAs); and
//! notifications.

pub mod types;

use async_graphql::{Context, ID, Object, Result};

use crate::domain::Services;
use crate::domain::incidents::lifecycle::{self, ReportInput};
use crate::domain::incidents::sla;
use crate::domain::incidents::{self, IncidentFilter, links};
use crate::domain::kernel::access::Permission;
use crate::domain::notifications;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::governance::types::SeverityValue;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::{opt_id, parse_id};
use types::*;

#[derive(Default)]
pub struct IncidentQuery;

#[Object]
impl IncidentQuery {
    /// Incidents, most recently detected first; `pastSla` keeps the unresolved ones past their
    /// acknowledgement or resolution time.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn incidents(
        &self,
        ctx: &Context<'_>,
        ai_system_id: Option<ID>,
        status: Option<IncidentStatusValue>,
        severity: Option<SeverityValue>,
        #[graphql(default)] past_sla: bool,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<IncidentNode>> {
        let services = ctx.data::<Services>()?;
        let filter = IncidentFilter {
            ai_system_id: opt_id(ai_system_id)?,
            status: status.map(Into::into),
            severity: severity.map(Into::into),
            past_sla,
        };
        let list = incidents::list(services, viewer(ctx), &filter)
            .await
            .gql()?;
        paginate("incident", list, first, after, IncidentNode::from).gql()
    }

    async fn incident(&self, ctx: &Context<'_>, id: ID) -> Result<IncidentNode> {
        let services = ctx.data::<Services>()?;
        Ok(incidents::get(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Response times per severity (the organization's, or the defaults), lowest first.
    #[graphql(complexity = "first.map_or(4, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn incident_slas(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<SlaNode>> {
        let services = ctx.data::<Services>()?;
        let list = sla::list(services, viewer(ctx)).await.gql()?;
        paginate("incident_sla", list, first, after, SlaNode::from).gql()
    }

    /// Notifications (single emails outside report delivery), newest first, optionally about
    /// one record (`subjectType` e.g. metric_series, with `subjectId`).
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        subject_type: Option<String>,
        subject_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<NotificationNode>> {
        let services = ctx.data::<Services>()?;
        let subject_id = opt_id(subject_id)?;
        let subject = match (subject_type.as_deref(), subject_id) {
            (Some(kind), Some(id)) => Some((kind, id)),
            _ => None,
        };
        let list = notifications::list(services, viewer(ctx), subject)
            .await
            .gql()?;
        paginate("notification", list, first, after, NotificationNode::from).gql()
    }
}

#[derive(Default)]
pub struct IncidentMutation;

#[Object]
impl IncidentMutation {
    /// Reports an incident: it is put on its timeline and emailed along the escalation route of
    /// its severity at once.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn report_incident(
        &self,
        ctx: &Context<'_>,
        input: IncidentInputNode,
    ) -> Result<IncidentNode> {
        let services = ctx.data::<Services>()?;
        let input = ReportInput {
            ai_system_id: opt_id(input.ai_system_id)?,
            model_version_id: opt_id(input.model_version_id)?,
            title: input.title,
            description: input.description,
            severity: input.severity.into(),
            category: input.category.into(),
            occurred_at: input.occurred_at,
        };
        Ok(lifecycle::report(services, viewer(ctx), input)
            .await
            .gql()?
            .into())
    }

    /// Acknowledges an open incident; its escalation stops.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn acknowledge_incident(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] note: String,
    ) -> Result<IncidentNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            lifecycle::acknowledge(services, viewer(ctx), parse_id(&id).gql()?, &note)
                .await
                .gql()?
                .into(),
        )
    }

    /// Resolves an incident with what was done.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn resolve_incident(
        &self,
        ctx: &Context<'_>,
        id: ID,
        resolution: String,
    ) -> Result<IncidentNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            lifecycle::resolve(services, viewer(ctx), parse_id(&id).gql()?, &resolution)
                .await
                .gql()?
                .into(),
        )
    }

    /// Closes a resolved incident.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn close_incident(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] note: String,
    ) -> Result<IncidentNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            lifecycle::close(services, viewer(ctx), parse_id(&id).gql()?, &note)
                .await
                .gql()?
                .into(),
        )
    }

    /// Notes progress on an incident's timeline.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn add_incident_note(
        &self,
        ctx: &Context<'_>,
        id: ID,
        note: String,
    ) -> Result<IncidentNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            lifecycle::add_note(services, viewer(ctx), parse_id(&id).gql()?, &note)
                .await
                .gql()?
                .into(),
        )
    }

    /// Sets the response times of one severity, in minutes from detection.
    #[graphql(guard = "Can(Permission::ManageGovernance)")]
    async fn set_incident_sla(
        &self,
        ctx: &Context<'_>,
        severity: SeverityValue,
        acknowledge_minutes: i32,
        resolve_minutes: i32,
    ) -> Result<SlaNode> {
        let services = ctx.data::<Services>()?;
        Ok(sla::set(
            services,
            viewer(ctx),
            severity.into(),
            acknowledge_minutes,
            resolve_minutes,
        )
        .await
        .gql()?
        .into())
    }

    /// Sets the risks an incident realized and the controls that failed or responded (replacing
    /// earlier links); noted on its timeline.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn set_incident_links(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] risk_ids: Vec<ID>,
        #[graphql(default)] control_ids: Vec<ID>,
    ) -> Result<IncidentNode> {
        let services = ctx.data::<Services>()?;
        let ids = |list: &[ID]| list.iter().map(parse_id).collect::<Result<Vec<i32>, _>>();
        let incident = parse_id(&id).gql()?;
        links::set(
            services,
            viewer(ctx),
            incident,
            &ids(&risk_ids).gql()?,
            &ids(&control_ids).gql()?,
        )
        .await
        .gql()?;
        Ok(incidents::get(services, viewer(ctx), incident)
            .await
            .gql()?
            .into())
    }
}
