//! AI incidents: what happened to which AI system, how severe, and where it stands. Opened by
//! people or by a metric's breach episode (one incident per episode). Escalation, SLAs and the
//! timeline build on these records (the oversight issue).

use chrono::{DateTime, Utc};
use entity::incident;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::governance::Severity;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Entity, Write};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// What kind of harm or failure an incident is.
    pub enum Category {
        Safety => "safety",
        Security => "security",
        Privacy => "privacy",
        Fairness => "fairness",
        PerformanceOrDrift => "performance_or_drift",
        Misuse => "misuse",
        Legal => "legal",
        Other => "other",
    }
}

vocabulary! {
    /// Where an incident stands; `open` and `acknowledged` are unresolved.
    pub enum IncidentStatus {
        Open => "open",
        Acknowledged => "acknowledged",
        Resolved => "resolved",
        Closed => "closed",
    }
}

/// An incident as the domain sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    pub id: i32,
    pub ai_system_id: Option<i32>,
    pub model_version_id: Option<i32>,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub category: Category,
    pub status: IncidentStatus,
    pub occurred_at: DateTime<Utc>,
    pub detected_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub metric_episode_id: Option<i32>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<incident::Model> for Incident {
    type Error = AppError;
    fn try_from(m: incident::Model) -> AppResult<Self> {
        Ok(Incident {
            id: m.id,
            ai_system_id: m.ai_system_id,
            model_version_id: m.model_version_id,
            title: m.title,
            description: m.description,
            severity: Severity::stored(&m.severity)?,
            category: Category::stored(&m.category)?,
            status: IncidentStatus::stored(&m.status)?,
            occurred_at: m.occurred_at,
            detected_at: m.detected_at,
            resolved_at: m.resolved_at,
            metric_episode_id: m.metric_episode_id,
            created_by: m.created_by,
            created_at: m.created_at,
        })
    }
}

/// Fields of a new incident.
#[derive(Debug, Clone)]
pub struct NewIncident {
    pub ai_system_id: Option<i32>,
    pub model_version_id: Option<i32>,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub category: Category,
    pub occurred_at: DateTime<Utc>,
    pub metric_episode_id: Option<i32>,
}

/// Opens an incident inside a write (detected now, by the write's actor).
pub async fn open(
    write: &Write<'_>,
    organization_id: i32,
    actor: &str,
    new: NewIncident,
) -> AppResult<Incident> {
    let now = write.now();
    let created: Incident = incident::ActiveModel {
        organization_id: Set(organization_id),
        ai_system_id: Set(new.ai_system_id),
        model_version_id: Set(new.model_version_id),
        title: Set(new.title.chars().take(300).collect()),
        description: Set(new.description),
        severity: Set(new.severity.as_str().into()),
        category: Set(new.category.as_str().into()),
        status: Set(IncidentStatus::Open.as_str().into()),
        occurred_at: Set(new.occurred_at),
        detected_at: Set(now),
        resolved_at: Set(None),
        metric_episode_id: Set(new.metric_episode_id),
        created_by: Set(actor.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&**write)
    .await?
    .try_into()?;
    write
        .created(Entity::Incident, created.id, &created)
        .await?;
    Ok(created)
}

/// Which incidents to list.
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    pub ai_system_id: Option<i32>,
    pub status: Option<IncidentStatus>,
    pub severity: Option<Severity>,
}

/// Incidents of the viewer's organization, newest first.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    filter: &IncidentFilter,
) -> AppResult<Vec<Incident>> {
    viewer.require(Permission::ReadRecords)?;
    let mut query = incident::Entity::find()
        .filter(incident::Column::OrganizationId.eq(viewer.organization_id()?));
    if let Some(id) = filter.ai_system_id {
        query = query.filter(incident::Column::AiSystemId.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(incident::Column::Status.eq(status.as_str()));
    }
    if let Some(severity) = filter.severity {
        query = query.filter(incident::Column::Severity.eq(severity.as_str()));
    }
    query
        .order_by_desc(incident::Column::DetectedAt)
        .order_by_desc(incident::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Incident::try_from)
        .collect()
}

/// One incident of the viewer's organization.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Incident> {
    viewer.require(Permission::ReadRecords)?;
    incident::Entity::find_by_id(id)
        .filter(incident::Column::OrganizationId.eq(viewer.organization_id()?))
        .one(&services.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("incident {id}")))?
        .try_into()
}
