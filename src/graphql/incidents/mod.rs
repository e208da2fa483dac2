//! AI incidents (opened by people or by metric breach episodes) and notifications.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::Services;
use crate::domain::incidents::{self, Category, Incident, IncidentFilter, IncidentStatus};
use crate::domain::metrics::episodes;
use crate::domain::notifications::{self, Notification};
use crate::graphql::delivery::types::DeliveryStatusValue;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::governance::types::SeverityValue;
use crate::graphql::guards::viewer;
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

/// An AI incident.
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
    pub resolved_at: Option<DateTime<Utc>>,
    pub metric_episode_id: Option<ID>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    episode: Option<i32>,
}

impl From<Incident> for IncidentNode {
    fn from(i: Incident) -> Self {
        IncidentNode {
            id: id(i.id),
            ai_system_id: i.ai_system_id.map(id),
            model_version_id: i.model_version_id.map(id),
            title: i.title,
            description: i.description,
            severity: i.severity.into(),
            category: i.category.into(),
            status: i.status.into(),
            occurred_at: i.occurred_at,
            detected_at: i.detected_at,
            resolved_at: i.resolved_at,
            metric_episode_id: i.metric_episode_id.map(id),
            created_by: i.created_by,
            created_at: i.created_at,
            episode: i.metric_episode_id,
        }
    }
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
    /// Incidents, most recently detected first.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn incidents(
        &self,
        ctx: &Context<'_>,
        ai_system_id: Option<ID>,
        status: Option<IncidentStatusValue>,
        severity: Option<SeverityValue>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<IncidentNode>> {
        let services = ctx.data::<Services>()?;
        let filter = IncidentFilter {
            ai_system_id: opt_id(ai_system_id)?,
            status: status.map(Into::into),
            severity: severity.map(Into::into),
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
