//! AI incidents (reported by people or opened by metric breach episodes): their handling,
//! timeline, escalation notices and response times (SLAs); and notifications.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::Services;
use crate::domain::incidents::escalation::NoticeView;
use crate::domain::incidents::lifecycle::{self, ReportInput};
use crate::domain::incidents::sla::{self, Sla};
use crate::domain::incidents::timeline::{self, Event, EventKind};
use crate::domain::incidents::{
    self, Category, IncidentFilter, IncidentStatus, IncidentView, escalation,
};
use crate::domain::kernel::access::Permission;
use crate::domain::metrics::episodes;
use crate::domain::notifications::{self, Notification};
use crate::graphql::delivery::types::DeliveryStatusValue;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::governance::types::SeverityValue;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::metrics::types::EpisodeNode;
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::{id, opt_id, parse_id};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// What kind of harm or failure an incident is.
    CategoryValue, "IncidentCategory", Category [
        Safety, Security, Privacy, Fairness, PerformanceOrDrift, Misuse, Legal, Other
    ]
);
graphql_vocabulary!(
    /// Where an incident stands.
    IncidentStatusValue, "IncidentStatus", IncidentStatus [Open, Acknowledged, Resolved, Closed]
);
graphql_vocabulary!(
    /// What an incident timeline entry records.
    EventKindValue, "IncidentEventKind", EventKind [Opened, Escalated, Acknowledged, Note, Resolved, Closed]
);

/// An AI incident, against its severity's response times.
#[derive(SimpleObject)]
#[graphql(name = "Incident", complex)]
pub struct IncidentNode {
    pub id: ID,
    pub ai_system_id: Option<ID>,
    pub model_version_id: Option<ID>,
    pub title: String,
    pub description: String,
    pub severity: SeverityValue,
    pub category: CategoryValue,
    pub status: IncidentStatusValue,
    pub occurred_at: DateTime<Utc>,
    pub detected_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// What was done, given when resolved.
    pub resolution: Option<String>,
    /// Minutes from occurrence to detection.
    pub time_to_detect_minutes: i64,
    /// Minutes from detection to acknowledgement.
    pub time_to_acknowledge_minutes: Option<i64>,
    /// Minutes from detection to resolution.
    pub time_to_resolve_minutes: Option<i64>,
    pub acknowledge_due_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    /// Unacknowledged past its acknowledgement time, or unresolved past its resolution time.
    pub past_sla: bool,
    pub metric_episode_id: Option<ID>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    episode: Option<i32>,
    #[graphql(skip)]
    key: i32,
}

impl From<IncidentView> for IncidentNode {
    fn from(v: IncidentView) -> Self {
        let i = &v.incident;
        IncidentNode {
            id: id(i.id),
            ai_system_id: i.ai_system_id.map(id),
            model_version_id: i.model_version_id.map(id),
            title: i.title.clone(),
            description: i.description.clone(),
            severity: i.severity.into(),
            category: i.category.into(),
            status: i.status.into(),
            occurred_at: i.occurred_at,
            detected_at: i.detected_at,
            acknowledged_at: i.acknowledged_at,
            resolved_at: i.resolved_at,
            closed_at: i.closed_at,
            resolution: i.resolution.clone(),
            time_to_detect_minutes: i.time_to_detect(),
            time_to_acknowledge_minutes: i.time_to_acknowledge(),
            time_to_resolve_minutes: i.time_to_resolve(),
            acknowledge_due_at: v.acknowledge_due,
            resolve_due_at: v.resolve_due,
            past_sla: v.past_sla,
            metric_episode_id: i.metric_episode_id.map(id),
            created_by: i.created_by.clone(),
            created_at: i.created_at,
            episode: i.metric_episode_id,
            key: i.id,
        }
    }
}

/// One entry of an incident's append-only timeline.
#[derive(SimpleObject)]
#[graphql(name = "IncidentEvent")]
pub struct EventNode {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: EventKindValue,
    pub note: String,
}

impl From<Event> for EventNode {
    fn from(e: Event) -> Self {
        EventNode {
            at: e.at,
            actor: e.actor,
            kind: e.kind.into(),
            note: e.note,
        }
    }
}

/// One level of an incident's escalation: who was emailed when, and who acknowledged.
#[derive(SimpleObject)]
#[graphql(name = "IncidentNotice")]
pub struct NoticeNode {
    pub level: i32,
    /// The severity whose route was followed.
    pub severity: SeverityValue,
    pub body_id: Option<ID>,
    pub body_name: Option<String>,
    pub recipients: Vec<String>,
    pub notified_at: DateTime<Utc>,
    pub acknowledge_by: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
}

impl From<NoticeView> for NoticeNode {
    fn from(n: NoticeView) -> Self {
        NoticeNode {
            level: n.level,
            severity: n.severity.into(),
            body_id: n.body_id.map(id),
            body_name: n.body_name,
            recipients: n.recipients,
            notified_at: n.notified_at,
            acknowledge_by: n.acknowledge_by,
            acknowledged_at: n.acknowledged_at,
            acknowledged_by: n.acknowledged_by,
        }
    }
}

/// Response times of one severity, in minutes from detection.
#[derive(SimpleObject)]
#[graphql(name = "IncidentSla")]
pub struct SlaNode {
    pub severity: SeverityValue,
    pub acknowledge_minutes: i32,
    pub resolve_minutes: i32,
}

impl From<Sla> for SlaNode {
    fn from(s: Sla) -> Self {
        SlaNode {
            severity: s.severity.into(),
            acknowledge_minutes: s.acknowledge_minutes,
            resolve_minutes: s.resolve_minutes,
        }
    }
}

/// An incident as a person reports it.
#[derive(async_graphql::InputObject)]
#[graphql(name = "IncidentInput")]
pub struct IncidentInputNode {
    pub ai_system_id: Option<ID>,
    pub model_version_id: Option<ID>,
    pub title: String,
    pub description: String,
    pub severity: SeverityValue,
    pub category: CategoryValue,
    pub occurred_at: DateTime<Utc>,
}

#[async_graphql::ComplexObject]
impl IncidentNode {
    /// The metric breach episode that opened this incident.
    async fn metric_episode(&self, ctx: &Context<'_>) -> Result<Option<EpisodeNode>> {
        let Some(episode) = self.episode else {
            return Ok(None);
        };
        let services = ctx.data::<Services>()?;
        // Deleting a metric's definition deletes its episodes; the incident stays.
        match episodes::get(services, viewer(ctx), episode).await {
            Ok(found) => Ok(Some(found.into())),
            Err(crate::error::AppError::NotFound(_)) => Ok(None),
            Err(err) => Err(err).gql(),
        }
    }

    /// The append-only timeline, oldest first.
    async fn timeline(&self, ctx: &Context<'_>) -> Result<Vec<EventNode>> {
        let services = ctx.data::<Services>()?;
        Ok(timeline::of(services, viewer(ctx), self.key)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Who was notified when, level by level, and who acknowledged.
    async fn notices(&self, ctx: &Context<'_>) -> Result<Vec<NoticeNode>> {
        let services = ctx.data::<Services>()?;
        Ok(escalation::notices(services, viewer(ctx), self.key)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

/// A single email outside report delivery (e.g. a metric warning).
#[derive(SimpleObject)]
#[graphql(name = "Notification")]
pub struct NotificationNode {
    pub id: ID,
    /// Why, e.g. metric_warning.
    pub topic: String,
    pub subject_type: String,
    pub subject_id: ID,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    pub status: DeliveryStatusValue,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<Notification> for NotificationNode {
    fn from(n: Notification) -> Self {
        NotificationNode {
            id: id(n.id),
            topic: n.topic,
            subject_type: n.subject_type,
            subject_id: id(n.subject_id),
            recipient: n.recipient,
            subject: n.subject,
            body: n.body,
            message_id: n.message_id,
            status: n.status.into(),
            attempts: n.attempts,
            last_error: n.last_error,
            sent_at: n.sent_at,
            created_at: n.created_at,
        }
    }
}

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
}
