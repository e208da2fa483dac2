//! An incident's timeline: append-only entries of what happened and what was noted. Entries are
//! only ever inserted; nothing updates or deletes them.

use chrono::{DateTime, Utc};
use entity::incident_event;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::Write;
use crate::error::AppResult;

vocabulary! {
    /// What a timeline entry records.
    pub enum EventKind {
        Opened => "opened",
        Escalated => "escalated",
        Acknowledged => "acknowledged",
        Note => "note",
        Resolved => "resolved",
        Closed => "closed",
    }
}

/// One timeline entry.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: EventKind,
    pub note: String,
}

/// Appends an entry inside `write`, by the write's actor at the write's instant.
pub async fn append(
    write: &Write<'_>,
    organization_id: i32,
    incident_id: i32,
    kind: EventKind,
    note: &str,
) -> AppResult<()> {
    incident_event::ActiveModel {
        organization_id: Set(organization_id),
        incident_id: Set(incident_id),
        at: Set(write.now()),
        actor: Set(write.actor().to_string()),
        kind: Set(kind.as_str().into()),
        note: Set(note.to_string()),
        ..Default::default()
    }
    .insert(&**write)
    .await?;
    Ok(())
}

/// An incident's entries, oldest first.
pub async fn of(services: &Services, viewer: &Viewer, incident_id: i32) -> AppResult<Vec<Event>> {
    viewer.require(Permission::ReadRecords)?;
    incident_event::Entity::find()
        .filter(incident_event::Column::OrganizationId.eq(viewer.organization_id()?))
        .filter(incident_event::Column::IncidentId.eq(incident_id))
        .order_by_asc(incident_event::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(|e| {
            Ok(Event {
                at: e.at,
                actor: e.actor,
                kind: EventKind::stored(&e.kind)?,
                note: e.note,
            })
        })
        .collect()
}
