//! Direct requirement-to-requirement mappings of an organization (imported crosswalks).
//! Stored once per pair; the inverse direction is derived when read.

use entity::requirement_mapping;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter,
};

use super::engine::{DirectMapping, Edge};
use crate::domain::crosswalk::relationship::{Rationale, Relationship};
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::{AppError, AppResult};

/// A validated mapping ready to store.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewDirectMapping {
    pub source_id: i32,
    pub target_id: i32,
    pub relationship: Relationship,
    pub rationale: Option<Rationale>,
    pub strength: Option<i32>,
    pub confidence: Option<String>,
    pub justification: String,
    pub provenance: String,
}

/// Every direct mapping of the organization.
pub async fn all<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
) -> AppResult<Vec<DirectMapping>> {
    requirement_mapping::Entity::find()
        .filter(requirement_mapping::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            Ok(DirectMapping {
                source_id: m.source_id,
                target_id: m.target_id,
                edge: Edge {
                    id: m.id,
                    relationship: m.relationship.parse().map_err(AppError::internal_from)?,
                    rationale: m
                        .rationale
                        .as_deref()
                        .map(str::parse)
                        .transpose()
                        .map_err(AppError::internal_from)?,
                    strength: m.strength,
                    confidence: m.confidence,
                    justification: m.justification,
                    provenance: m.provenance,
                },
            })
        })
        .collect()
}

/// Inserts or replaces the mapping of each pair, inside the caller's transaction.
/// A pair already stored in the opposite direction is replaced by the new direction.
/// Returns `(created, updated)`.
pub async fn upsert_all(
    write: &Write<'_>,
    organization_id: i32,
    actor: &str,
    rows: &[NewDirectMapping],
) -> AppResult<(usize, usize)> {
    let txn: &DatabaseTransaction = write;
    let existing = requirement_mapping::Entity::find()
        .filter(requirement_mapping::Column::OrganizationId.eq(organization_id))
        .all(txn)
        .await?;
    let mut by_pair: std::collections::HashMap<(i32, i32), requirement_mapping::Model> = existing
        .into_iter()
        .map(|m| {
            (
                (m.source_id.min(m.target_id), m.source_id.max(m.target_id)),
                m,
            )
        })
        .collect();
    let (mut created, mut updated) = (0, 0);
    let now = write.now();
    for row in rows {
        let key = (
            row.source_id.min(row.target_id),
            row.source_id.max(row.target_id),
        );
        let before = by_pair.get(&key).map(|old| {
            serde_json::json!({
                "source_id": old.source_id,
                "target_id": old.target_id,
                "relationship": old.relationship,
                "rationale": old.rationale,
                "strength": old.strength,
                "provenance": old.provenance,
            })
        });
        let mut active = match by_pair.remove(&key) {
            Some(old) => {
                updated += 1;
                let active: requirement_mapping::ActiveModel = old.into();
                active
            }
            None => {
                created += 1;
                requirement_mapping::ActiveModel {
                    organization_id: Set(organization_id),
                    created_at: Set(now),
                    ..Default::default()
                }
            }
        };
        active.source_id = Set(row.source_id);
        active.target_id = Set(row.target_id);
        active.relationship = Set(row.relationship.as_str().to_string());
        active.rationale = Set(row.rationale.map(|r| r.as_str().to_string()));
        active.strength = Set(row.strength);
        active.confidence = Set(row.confidence.clone());
        active.justification = Set(row.justification.clone());
        active.provenance = Set(row.provenance.clone());
        active.created_by = Set(actor.to_string());
        let saved = active.save(txn).await?;
        let id = saved.id.clone().take().unwrap_or_default();
        let action = if before.is_some() {
            Action::Update
        } else {
            Action::Create
        };
        let after = serde_json::to_value(row).map_err(AppError::internal)?;
        write
            .record(action, Entity::RequirementMapping, id, before, Some(after))
            .await?;
    }
    Ok((created, updated))
}
