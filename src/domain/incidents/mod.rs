//! AI incidents: what happened to which AI system, how severe, and where it stands. Opened by
//! people or by a metric's breach episode (one incident per episode), escalated along the
//! organization's routes ([`escalation`]) against response times per severity ([`sla`]), with an
//! append-only [`timeline`]. Editors handle incidents; executives and auditors read them.

pub mod escalation;
pub mod lifecycle;
pub mod links;
pub mod sla;
pub mod timeline;
pub mod worker;

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
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
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
    pub metric_episode_id: Option<i32>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// An incident against its severity's response times, as of an instant.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentView {
    pub incident: Incident,
    pub acknowledge_due: DateTime<Utc>,
    pub resolve_due: DateTime<Utc>,
    /// Unacknowledged past its acknowledgement time, or unresolved past its resolution time.
    pub past_sla: bool,
}

impl IncidentView {
    /// Whether acknowledgement and resolution missed their times, judged when they happened (or
    /// at `now` while still pending), unlike `past_sla`, which only looks at what is pending.
    pub fn missed(&self, now: DateTime<Utc>) -> (bool, bool) {
        let missed =
            |done: Option<DateTime<Utc>>, due: DateTime<Utc>| done.map_or(now > due, |at| at > due);
        (
            missed(self.incident.acknowledged_at, self.acknowledge_due),
            missed(self.incident.resolved_at, self.resolve_due),
        )
    }
}

impl Incident {
    /// The severity whose response times apply: one higher on a critical AI system.
    pub fn held_as(&self, critical: &HashSet<i32>) -> Severity {
        let on_critical = self.ai_system_id.is_some_and(|id| critical.contains(&id));
        if !on_critical {
            return self.severity;
        }
        Severity::ALL
            .iter()
            .copied()
            .skip_while(|s| *s != self.severity)
            .nth(1)
            .unwrap_or(self.severity)
    }

    /// Minutes from occurrence to detection.
    pub fn time_to_detect(&self) -> i64 {
        (self.detected_at - self.occurred_at).num_minutes()
    }
    /// Minutes from detection to acknowledgement.
    pub fn time_to_acknowledge(&self) -> Option<i64> {
        self.acknowledged_at
            .map(|at| (at - self.detected_at).num_minutes())
    }
    /// Minutes from detection to resolution.
    pub fn time_to_resolve(&self) -> Option<i64> {
        self.resolved_at
            .map(|at| (at - self.detected_at).num_minutes())
    }

    /// This incident against `slas` at `now`; on a critical AI system (see
    /// [`crate::domain::inventory::critical`]) it is held to the next higher severity's times.
    pub fn view(
        self,
        slas: &[sla::Sla],
        critical: &HashSet<i32>,
        now: DateTime<Utc>,
    ) -> IncidentView {
        let sla = sla::of(slas, self.held_as(critical));
        let acknowledge_due =
            self.detected_at + Duration::minutes(i64::from(sla.acknowledge_minutes));
        let resolve_due = self.detected_at + Duration::minutes(i64::from(sla.resolve_minutes));
        let past_sla = (self.acknowledged_at.is_none() && now > acknowledge_due)
            || (self.resolved_at.is_none() && now > resolve_due);
        IncidentView {
            incident: self,
            acknowledge_due,
            resolve_due,
            past_sla,
        }
    }
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
            acknowledged_at: m.acknowledged_at,
            resolved_at: m.resolved_at,
            closed_at: m.closed_at,
            resolution: m.resolution,
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
    /// Email the escalation route now; false for a breach found in history (a bulk import of old
    /// points), which is recorded and not escalated.
    pub escalate: bool,
}

/// Opens an incident inside a write (detected now, by the write's actor), puts it on its
/// timeline and emails the first level of its escalation route.
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
        acknowledged_at: Set(None),
        resolved_at: Set(None),
        closed_at: Set(None),
        resolution: Set(None),
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
    timeline::append(
        write,
        organization_id,
        created.id,
        timeline::EventKind::Opened,
        &created.title,
    )
    .await?;
    if new.escalate {
        escalation::notify_first(write, organization_id, &created).await?;
    } else {
        timeline::append(
            write,
            organization_id,
            created.id,
            timeline::EventKind::Note,
            "found in historical data: recorded, not escalated",
        )
        .await?;
    }
    Ok(created)
}

/// Which incidents to list.
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    pub ai_system_id: Option<i32>,
    pub status: Option<IncidentStatus>,
    pub severity: Option<Severity>,
    /// Only unacknowledged or unresolved incidents past their response times.
    pub past_sla: bool,
}

/// Incidents of the viewer's organization, most recently detected first.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    filter: &IncidentFilter,
) -> AppResult<Vec<IncidentView>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    let mut query =
        incident::Entity::find().filter(incident::Column::OrganizationId.eq(organization_id));
    if let Some(id) = filter.ai_system_id {
        query = query.filter(incident::Column::AiSystemId.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(incident::Column::Status.eq(status.as_str()));
    }
    if let Some(severity) = filter.severity {
        query = query.filter(incident::Column::Severity.eq(severity.as_str()));
    }
    if filter.past_sla {
        // Only unresolved incidents can be past either time.
        query = query.filter(incident::Column::ResolvedAt.is_null());
    }
    let slas = sla::all_of(&services.db, organization_id).await?;
    let critical = critical_systems(&services.db, organization_id).await?;
    let now = services.clock.now();
    let mut out = Vec::new();
    for row in query
        .order_by_desc(incident::Column::DetectedAt)
        .order_by_desc(incident::Column::Id)
        .all(&services.db)
        .await?
    {
        let view = Incident::try_from(row)?.view(&slas, &critical, now);
        if !filter.past_sla || view.past_sla {
            out.push(view);
        }
    }
    Ok(out)
}

/// Incidents of an organization detected in `[from, to)`, in detection order.
pub async fn detected_between<C: sea_orm::ConnectionTrait>(
    db: &C,
    organization_id: i32,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<Incident>> {
    incident::Entity::find()
        .filter(incident::Column::OrganizationId.eq(organization_id))
        .filter(incident::Column::DetectedAt.gte(from))
        .filter(incident::Column::DetectedAt.lt(to))
        .order_by_asc(incident::Column::DetectedAt)
        .order_by_asc(incident::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Incident::try_from)
        .collect()
}

/// The AI system of every unresolved incident of an organization (one column, not the rows).
pub async fn unresolved_systems<C: sea_orm::ConnectionTrait>(
    db: &C,
    organization_id: i32,
) -> AppResult<Vec<Option<i32>>> {
    use sea_orm::QuerySelect;
    Ok(incident::Entity::find()
        .select_only()
        .column(incident::Column::AiSystemId)
        .filter(incident::Column::OrganizationId.eq(organization_id))
        .filter(incident::Column::ResolvedAt.is_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// The organization's critical AI systems.
pub(crate) async fn critical_systems<C: sea_orm::ConnectionTrait>(
    db: &C,
    organization_id: i32,
) -> AppResult<HashSet<i32>> {
    crate::domain::inventory::critical::ids(db, organization_id).await
}

/// An incident row of the organization.
pub(crate) async fn find<C: sea_orm::ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<incident::Model> {
    incident::Entity::find_by_id(id)
        .filter(incident::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("incident {id}")))
}

/// One incident of the viewer's organization.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<IncidentView> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    let slas = sla::all_of(&services.db, organization_id).await?;
    let critical = critical_systems(&services.db, organization_id).await?;
    Ok(
        Incident::try_from(find(&services.db, organization_id, id).await?)?.view(
            &slas,
            &critical,
            services.clock.now(),
        ),
    )
}
