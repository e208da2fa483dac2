//! GraphQL types of incidents: the incident with its timeline, notices and links, response
//! times, and notifications.

use async_graphql::{Context, ID, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::Services;
use crate::domain::incidents::escalation::NoticeView;
use crate::domain::incidents::links::{self, LinkedControl, LinkedRisk};
use crate::domain::incidents::sla::Sla;
use crate::domain::incidents::timeline::{self, Event, EventKind};
use crate::domain::incidents::{Category, IncidentStatus, IncidentView, escalation};
use crate::domain::metrics::episodes;
use crate::domain::notifications::Notification;
use crate::graphql::delivery::types::DeliveryStatusValue;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::governance::types::SeverityValue;
use crate::graphql::guards::viewer;
use crate::graphql::metrics::types::EpisodeNode;
use crate::graphql::util::id;
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

    /// The risks this incident realized.
    async fn linked_risks(&self, ctx: &Context<'_>) -> Result<Vec<LinkedRiskNode>> {
        let services = ctx.data::<Services>()?;
        let found = links::of(services, viewer(ctx), self.key).await.gql()?;
        Ok(found.risks.into_iter().map(Into::into).collect())
    }

    /// The controls that failed or responded.
    async fn linked_controls(&self, ctx: &Context<'_>) -> Result<Vec<LinkedControlNode>> {
        let services = ctx.data::<Services>()?;
        let found = links::of(services, viewer(ctx), self.key).await.gql()?;
        Ok(found.controls.into_iter().map(Into::into).collect())
    }
}

/// A risk an incident is linked to.
#[derive(SimpleObject)]
#[graphql(name = "IncidentRiskLink")]
pub struct LinkedRiskNode {
    pub id: ID,
    pub title: String,
}

impl From<LinkedRisk> for LinkedRiskNode {
    fn from(r: LinkedRisk) -> Self {
        LinkedRiskNode {
            id: id(r.id),
            title: r.title,
        }
    }
}

/// A control an incident is linked to.
#[derive(SimpleObject)]
#[graphql(name = "IncidentControlLink")]
pub struct LinkedControlNode {
    pub id: ID,
    pub code: String,
    pub title: String,
}

impl From<LinkedControl> for LinkedControlNode {
    fn from(c: LinkedControl) -> Self {
        LinkedControlNode {
            id: id(c.id),
            code: c.code,
            title: c.title,
        }
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
