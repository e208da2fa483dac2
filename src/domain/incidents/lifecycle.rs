//! Handling an incident: reporting one by hand, acknowledging it (which stops its escalation),
//! resolving it with what was done, closing it, and noting progress on its timeline. Each step is
//! one audited write with a timeline entry; a step out of order is refused with a rule code.

use chrono::{DateTime, Utc};
use entity::{ai_system, incident, model_version};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::timeline::{self, EventKind};
use super::{Category, Incident, IncidentStatus, IncidentView, NewIncident, escalation, find, sla};
use crate::domain::Services;
use crate::domain::governance::Severity;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

/// An incident as a person reports it.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub ai_system_id: Option<i32>,
    pub model_version_id: Option<i32>,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub category: Category,
    pub occurred_at: DateTime<Utc>,
}

/// Reports an incident: opened, put on its timeline and escalated at once.
pub async fn report(
    services: &Services,
    viewer: &Viewer,
    input: ReportInput,
) -> AppResult<IncidentView> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let title = validate::line("title", &input.title, 300)?;
    let description = validate::text("description", &input.description, 20_000)?;
    let write = Write::begin(services, viewer).await?;
    if input.occurred_at > write.now() {
        return Err(AppError::rule(
            "occurredAt",
            "not_in_future",
            "occurredAt cannot be in the future",
        ));
    }
    if let Some(id) = input.ai_system_id {
        ai_system::Entity::find_by_id(id)
            .filter(ai_system::Column::OrganizationId.eq(organization_id))
            .one(&*write)
            .await?
            .ok_or_else(|| AppError::not_found(format!("AI system {id}")))?;
    }
    if let Some(id) = input.model_version_id {
        model_version::Entity::find_by_id(id)
            .one(&*write)
            .await?
            .filter(|v| Some(v.ai_system_id) == input.ai_system_id)
            .ok_or_else(|| AppError::not_found(format!("model version {id} of that AI system")))?;
    }
    let created = super::open(
        &write,
        organization_id,
        &viewer.describe(),
        NewIncident {
            ai_system_id: input.ai_system_id,
            model_version_id: input.model_version_id,
            title,
            description,
            severity: input.severity,
            category: input.category,
            occurred_at: input.occurred_at,
            metric_episode_id: None,
            escalate: true,
        },
    )
    .await?;
    let slas = sla::all_of(&*write, organization_id).await?;
    let critical = super::critical_systems(&*write, organization_id).await?;
    let now = write.now();
    write.commit().await?;
    Ok(created.view(&slas, &critical, now))
}

/// Where a step may start from, and where it leaves the incident.
fn step(action: EventKind) -> (&'static [IncidentStatus], IncidentStatus) {
    use IncidentStatus::*;
    match action {
        EventKind::Acknowledged => (&[Open], Acknowledged),
        EventKind::Resolved => (&[Open, Acknowledged], Resolved),
        EventKind::Closed => (&[Resolved], Closed),
        _ => (&[Open, Acknowledged, Resolved], Open),
    }
}

/// Moves an incident one step (acknowledge, resolve, close), or notes progress on it.
async fn advance(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    kind: EventKind,
    note: &str,
) -> AppResult<IncidentView> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let note = if kind == EventKind::Acknowledged && note.trim().is_empty() {
        String::new()
    } else {
        validate::text("note", note, 20_000)?
    };
    let write = Write::begin(services, viewer).await?;
    // Locked (PostgreSQL), so two steps or a step and an escalation take turns.
    find(&*write, organization_id, id).await?;
    let row = escalation::locked_incident(&write, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("incident {id}")))?;
    let before: Incident = row.clone().try_into()?;
    let (from, to) = step(kind);
    if !from.contains(&before.status) {
        return Err(AppError::rule(
            "status",
            "invalid_transition",
            format!("a {} incident cannot be {kind}", before.status),
        ));
    }
    let now = write.now();
    let mut update: incident::ActiveModel = row.into();
    match kind {
        EventKind::Acknowledged => {
            update.acknowledged_at = Set(Some(now));
            escalation::acknowledge(&write, id, &viewer.describe()).await?;
        }
        EventKind::Resolved => {
            update.resolved_at = Set(Some(now));
            update.resolution = Set(Some(note.clone()));
            if before.acknowledged_at.is_none() {
                // Resolving answers the escalation too.
                update.acknowledged_at = Set(Some(now));
                escalation::acknowledge(&write, id, &viewer.describe()).await?;
            }
        }
        EventKind::Closed => update.closed_at = Set(Some(now)),
        _ => {}
    }
    if kind != EventKind::Note {
        update.status = Set(to.as_str().into());
    }
    update.updated_at = Set(now);
    let after: Incident = update.update(&*write).await?.try_into()?;
    timeline::append(&write, organization_id, id, kind, &note).await?;
    let action = if kind == EventKind::Note {
        Action::Update
    } else {
        Action::SetStatus
    };
    write
        .record(
            action,
            Entity::Incident,
            id,
            Some(snapshot(&before)?),
            Some(snapshot(&after)?),
        )
        .await?;
    let slas = sla::all_of(&*write, organization_id).await?;
    let critical = super::critical_systems(&*write, organization_id).await?;
    write.commit().await?;
    Ok(after.view(&slas, &critical, now))
}

/// Acknowledges an open incident: its escalation stops.
pub async fn acknowledge(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    note: &str,
) -> AppResult<IncidentView> {
    advance(services, viewer, id, EventKind::Acknowledged, note).await
}

/// Resolves an incident with what was done.
pub async fn resolve(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    resolution: &str,
) -> AppResult<IncidentView> {
    advance(services, viewer, id, EventKind::Resolved, resolution).await
}

/// Closes a resolved incident.
pub async fn close(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    note: &str,
) -> AppResult<IncidentView> {
    let note = if note.trim().is_empty() {
        "closed"
    } else {
        note
    };
    advance(services, viewer, id, EventKind::Closed, note).await
}

/// Notes progress on an incident's timeline.
pub async fn add_note(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    note: &str,
) -> AppResult<IncidentView> {
    advance(services, viewer, id, EventKind::Note, note).await
}
