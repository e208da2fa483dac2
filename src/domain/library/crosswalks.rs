//! Accord's own direct requirement-to-requirement crosswalks (`catalogs/crosswalks/`): AI RMF 1.0
//! and CSF 2.0 to ISO/IEC 42001, authored from the texts and reviewed independently. Each new
//! organization gets a copy among its direct mappings (provenance `accord-crosswalk@<version>`),
//! so the engine answers from them directly, beside the answers inferred through controls, and
//! the organization may edit or replace them like any imported crosswalk.

use chrono::{DateTime, Utc};
use entity::requirement_mapping;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::Deserialize;

use crate::domain::catalog::CatalogSnapshot;
use crate::domain::crosswalk::relationship::{Rationale, Relationship};
use crate::error::{AppError, AppResult};

const FILES: &[(&str, &str)] = &[
    (
        "nist-ai-rmf--iso-iec-42001.json",
        include_str!("../../../catalogs/crosswalks/nist-ai-rmf--iso-iec-42001.json"),
    ),
    (
        "nist-csf--iso-iec-42001.json",
        include_str!("../../../catalogs/crosswalks/nist-csf--iso-iec-42001.json"),
    ),
];

#[derive(Deserialize)]
struct Side {
    framework: String,
    version: String,
}

#[derive(Deserialize)]
struct Row {
    source: String,
    target: String,
    relationship: String,
    rationale: String,
    strength: Option<i32>,
    justification: String,
}

#[derive(Deserialize)]
struct File {
    source: Side,
    target: Side,
    mappings: Vec<Row>,
}

/// One shipped direct mapping, by framework and ref.
pub struct ShippedMapping {
    pub source: (String, String, String),
    pub target: (String, String, String),
    pub relationship: Relationship,
    pub rationale: Rationale,
    pub strength: Option<i32>,
    pub justification: String,
}

/// Every shipped crosswalk row.
pub fn shipped() -> AppResult<Vec<ShippedMapping>> {
    let mut out = Vec::new();
    for (name, raw) in FILES {
        let invalid = |e: &dyn std::fmt::Display| {
            AppError::internal(anyhow::anyhow!("crosswalk {name}: {e}"))
        };
        let file: File = serde_json::from_str(raw).map_err(|e| invalid(&e))?;
        for row in file.mappings {
            out.push(ShippedMapping {
                source: (
                    file.source.framework.clone(),
                    file.source.version.clone(),
                    row.source,
                ),
                target: (
                    file.target.framework.clone(),
                    file.target.version.clone(),
                    row.target,
                ),
                relationship: row.relationship.parse().map_err(|e| invalid(&e))?,
                rationale: row.rationale.parse().map_err(|e| invalid(&e))?,
                strength: row.strength,
                justification: row.justification,
            });
        }
    }
    Ok(out)
}

/// Resolves a `(framework, version, ref)` to the deployment's requirement id.
fn resolve(catalog: &CatalogSnapshot, side: &(String, String, String)) -> AppResult<i32> {
    let framework = catalog.framework(&side.0, Some(&side.1))?;
    Ok(catalog.requirement_by_ref(framework.id, &side.2)?.id)
}

/// Checks that every shipped row names requirements of the loaded catalogs (at start-up).
pub fn verify(catalog: &CatalogSnapshot) -> AppResult<()> {
    for row in shipped()? {
        resolve(catalog, &row.source)?;
        resolve(catalog, &row.target)?;
    }
    Ok(())
}

/// Copies the shipped crosswalks into a new organization inside the caller's transaction;
/// returns how many mappings were stored.
pub async fn seed_organization<C: ConnectionTrait>(
    txn: &C,
    catalog: &CatalogSnapshot,
    organization_id: i32,
    version: &str,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let provenance = format!("accord-crosswalk@{version}");
    let mut rows = Vec::new();
    for m in shipped()? {
        rows.push(requirement_mapping::ActiveModel {
            organization_id: Set(organization_id),
            source_id: Set(resolve(catalog, &m.source)?),
            target_id: Set(resolve(catalog, &m.target)?),
            relationship: Set(m.relationship.as_str().to_string()),
            rationale: Set(Some(m.rationale.as_str().to_string())),
            strength: Set(m.strength),
            confidence: Set(Some("high".into())),
            justification: Set(m.justification),
            provenance: Set(provenance.clone()),
            created_by: Set("accord".into()),
            created_at: Set(now),
            ..Default::default()
        });
    }
    let count = rows.len();
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for chunk in rows.chunks(300) {
        requirement_mapping::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    Ok(count)
}
