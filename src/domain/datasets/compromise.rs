//! Marking a dataset compromised ("this source was found poisoned: what is affected?"): the
//! dataset is flagged, the lineage graph is walked downstream, and each affected AI system gets
//! one incident linked to the finding, once however often the dataset is marked (a unique row per
//! dataset and AI system records it).

use chrono::{DateTime, Utc};
use entity::{compromise_item, dataset};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::Dataset;
use super::lineage::{self, MAX_DEPTH, MAX_NODES, NodeRef, graph::Direction};
use super::register::find_row;
use crate::domain::Services;
use crate::domain::governance::Severity;
use crate::domain::incidents::{self, Category, NewIncident};
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::AppResult;

/// An AI system reached from a compromised dataset, with its incident.
#[derive(Debug, Clone, Serialize)]
pub struct Affected {
    pub ai_system_id: i32,
    pub ai_system: String,
    pub incident_id: i32,
    /// False when an earlier marking already opened it.
    pub opened_now: bool,
}

/// The outcome of marking a dataset compromised.
#[derive(Debug, Clone, Serialize)]
pub struct Compromise {
    pub dataset_id: i32,
    pub compromised_at: DateTime<Utc>,
    pub affected: Vec<Affected>,
    /// Whether the walk hit its bounds (then some reach may be missing).
    pub truncated: bool,
}

/// Marks a dataset compromised and opens one incident per affected AI system.
pub async fn mark(
    services: &Services,
    viewer: &Viewer,
    dataset_id: i32,
    note: &str,
) -> AppResult<Compromise> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let note = validate::text("note", note, 5_000)?;
    let write = Write::begin(services, viewer).await?;
    let row = find_row(&*write, organization_id, dataset_id).await?;
    let before: Dataset = row.clone().try_into()?;
    let compromised_at = row.compromised_at.unwrap_or_else(|| write.now());
    let mut active: dataset::ActiveModel = row.into();
    active.compromised_at = Set(Some(compromised_at));
    active.compromise_note = Set(Some(note.clone()));
    active.updated_at = Set(write.now());
    active.update(&*write).await?;
    // The dataset's node exists once it is on the graph; a dataset nobody used reaches nothing.
    let trace = match lineage::trace_in(
        &*write,
        organization_id,
        NodeRef::Dataset(dataset_id),
        Direction::Downstream,
        MAX_DEPTH,
        MAX_NODES,
    )
    .await
    {
        Ok(trace) => Some(trace),
        Err(crate::error::AppError::NotFound(_)) => None,
        Err(err) => return Err(err),
    };
    let existing = compromise_item::Entity::find()
        .filter(compromise_item::Column::OrganizationId.eq(organization_id))
        .filter(compromise_item::Column::DatasetId.eq(dataset_id))
        .all(&*write)
        .await?;
    let mut affected = Vec::new();
    for (ai_system_id, name) in trace
        .as_ref()
        .map(|t| t.ai_systems.clone())
        .unwrap_or_default()
    {
        if let Some(item) = existing.iter().find(|i| i.ai_system_id == ai_system_id) {
            affected.push(Affected {
                ai_system_id,
                ai_system: name,
                incident_id: item.incident_id,
                opened_now: false,
            });
            continue;
        }
        let incident = incidents::open(
            &write,
            organization_id,
            write.actor(),
            NewIncident {
                ai_system_id: Some(ai_system_id),
                model_version_id: None,
                title: format!("Compromised training data: {} {}", before.name, before.version),
                description: format!(
                    "Dataset {} {} was marked compromised: {note}\nIt reaches this AI system through the lineage graph; review the affected model versions.",
                    before.name, before.version
                ),
                severity: Severity::High,
                category: Category::Security,
                occurred_at: compromised_at,
                metric_episode_id: None,
                escalate: true,
            },
        )
        .await?;
        compromise_item::ActiveModel {
            organization_id: Set(organization_id),
            dataset_id: Set(dataset_id),
            ai_system_id: Set(ai_system_id),
            incident_id: Set(incident.id),
            created_at: Set(write.now()),
            ..Default::default()
        }
        .insert(&*write)
        .await?;
        affected.push(Affected {
            ai_system_id,
            ai_system: name,
            incident_id: incident.id,
            opened_now: true,
        });
    }
    let outcome = Compromise {
        dataset_id,
        compromised_at,
        affected,
        truncated: trace.is_some_and(|t| t.truncated),
    };
    write
        .changed(
            Action::Set,
            Entity::Dataset,
            format!("{dataset_id}/compromised"),
            &before,
            &outcome,
        )
        .await?;
    write.commit().await?;
    Ok(outcome)
}
