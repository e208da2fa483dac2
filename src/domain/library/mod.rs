//! Accord's shipped common-control library (`catalogs/library/`): controls written by the project
//! and their mappings to the three frameworks. Each new organization gets its own copy, which it
//! may then edit, extend or retire.
//!
//! Second edition: every leaf requirement is decomposed into elements (in Accord's words), every
//! mapping says which elements the control covers, and declared control sets cover a requirement
//! jointly (NIST IR 8477 allows a relationship between a set of controls and a requirement).
//! [`check`] holds the library's own rules and statistics.

pub mod check;
pub mod crosswalks;
pub mod edition;

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use entity::{control, control_mapping};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::catalog::CatalogSnapshot;
use super::controls::{ControlStatus, Effectiveness};
use crate::domain::crosswalk::relationship::{Rationale, Relationship};
use crate::error::{AppError, AppResult};

const CONTROLS: &str = include_str!("../../../catalogs/library/controls.json");
const MAPPINGS: &[&str] = &[
    include_str!("../../../catalogs/library/mappings-nist-csf.json"),
    include_str!("../../../catalogs/library/mappings-nist-ai-rmf.json"),
    include_str!("../../../catalogs/library/mappings-iso-iec-42001.json"),
];
const ELEMENTS: &[&str] = &[
    include_str!("../../../catalogs/library/elements-nist-csf.json"),
    include_str!("../../../catalogs/library/elements-nist-ai-rmf.json"),
    include_str!("../../../catalogs/library/elements-iso-iec-42001.json"),
];

/// One control of the library.
#[derive(Debug, Clone, Deserialize)]
pub struct LibraryControl {
    pub code: String,
    pub domain: String,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub evidence_examples: Vec<String>,
    pub review_frequency_days: i32,
    #[serde(default)]
    pub threats: Vec<String>,
}

/// What changed in a control in this edition, for organizations reviewing the new edition.
#[derive(Debug, Clone, Deserialize)]
pub struct ControlChange {
    pub code: String,
    pub change: String,
    pub summary: String,
}

#[derive(Debug, Deserialize)]
struct ControlsFile {
    version: String,
    #[serde(default)]
    changes: Vec<ControlChange>,
    controls: Vec<LibraryControl>,
}

/// One element of a requirement: a distinct thing it asks for, in Accord's words.
#[derive(Debug, Clone, Deserialize)]
pub struct Element {
    pub key: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
struct ElementsFile {
    framework: String,
    requirements: std::collections::BTreeMap<String, Vec<Element>>,
}

/// A declared set of controls that together cover every element of a requirement.
#[derive(Debug, Clone, Deserialize)]
pub struct ControlSet {
    #[serde(skip)]
    pub framework: String,
    pub requirement: String,
    pub controls: Vec<String>,
    pub justification: String,
}

#[derive(Debug, Deserialize)]
struct MappingsFile {
    framework: String,
    version: String,
    mappings: Vec<MappingRow>,
    #[serde(default)]
    unmapped: Vec<UnmappedRow>,
    #[serde(default)]
    control_sets: Vec<ControlSet>,
}

#[derive(Debug, Deserialize)]
struct MappingRow {
    control: String,
    requirement: String,
    relationship: String,
    rationale: String,
    strength: Option<i32>,
    justification: String,
    #[serde(default)]
    covers: Vec<String>,
}

/// A requirement the library deliberately leaves unmapped, with the reason.
#[derive(Debug, Clone, Deserialize)]
pub struct UnmappedRow {
    pub requirement: String,
    pub reason: String,
}

/// One library mapping, still by framework and ref (resolved per deployment's catalog ids).
#[derive(Debug, Clone)]
pub struct LibraryMapping {
    pub control: String,
    pub framework: String,
    pub version: String,
    pub requirement: String,
    pub relationship: Relationship,
    pub rationale: Rationale,
    pub strength: Option<i32>,
    pub justification: String,
    /// Keys of the requirement's elements this control covers fully.
    pub covers: Vec<String>,
}

/// The parsed library.
#[derive(Debug)]
pub struct Library {
    pub version: String,
    pub controls: Vec<LibraryControl>,
    pub mappings: Vec<LibraryMapping>,
    /// `(framework, requirement, reason)` for requirements deliberately left unmapped.
    pub unmapped: Vec<(String, UnmappedRow)>,
    /// `(framework, requirement) -> elements`.
    pub elements: std::collections::BTreeMap<(String, String), Vec<Element>>,
    pub control_sets: Vec<ControlSet>,
    pub changes: Vec<ControlChange>,
}

fn parse() -> AppResult<Library> {
    let invalid = |what: &str, err: &dyn std::fmt::Display| {
        AppError::internal(anyhow::anyhow!("control library {what} is invalid: {err}"))
    };
    let controls: ControlsFile =
        serde_json::from_str(CONTROLS).map_err(|e| invalid("controls.json", &e))?;
    let mut mappings = Vec::new();
    let mut unmapped = Vec::new();
    let mut control_sets = Vec::new();
    for raw in MAPPINGS {
        let file: MappingsFile =
            serde_json::from_str(raw).map_err(|e| invalid("mapping file", &e))?;
        for row in file.mappings {
            mappings.push(LibraryMapping {
                relationship: row
                    .relationship
                    .parse()
                    .map_err(|e| invalid("relationship", &e))?,
                rationale: row
                    .rationale
                    .parse()
                    .map_err(|e| invalid("rationale", &e))?,
                control: row.control,
                framework: file.framework.clone(),
                version: file.version.clone(),
                requirement: row.requirement,
                strength: row.strength,
                justification: row.justification,
                covers: row.covers,
            });
        }
        control_sets.extend(file.control_sets.into_iter().map(|mut set| {
            set.framework = file.framework.clone();
            set
        }));
        unmapped.extend(
            file.unmapped
                .into_iter()
                .map(|u| (file.framework.clone(), u)),
        );
    }
    let mut elements = std::collections::BTreeMap::new();
    for raw in ELEMENTS {
        let file: ElementsFile =
            serde_json::from_str(raw).map_err(|e| invalid("elements file", &e))?;
        for (requirement, list) in file.requirements {
            elements.insert((file.framework.clone(), requirement), list);
        }
    }
    Ok(Library {
        version: controls.version,
        controls: controls.controls,
        mappings,
        unmapped,
        elements,
        control_sets,
        changes: controls.changes,
    })
}

/// The embedded library, parsed once.
pub fn library() -> AppResult<&'static Library> {
    static LIBRARY: OnceLock<Result<Library, String>> = OnceLock::new();
    LIBRARY
        .get_or_init(|| parse().map_err(|e| format!("{e:?}")))
        .as_ref()
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))
}

/// Checks that every library mapping names a known control and a requirement of a loaded
/// catalog, and that every shipped crosswalk row names loaded requirements.
pub fn verify(catalog: &CatalogSnapshot) -> AppResult<()> {
    crosswalks::verify(catalog)?;
    let library = library()?;
    for mapping in &library.mappings {
        if !library.controls.iter().any(|c| c.code == mapping.control) {
            return Err(AppError::internal(anyhow::anyhow!(
                "library mapping names unknown control {}",
                mapping.control
            )));
        }
        let framework = catalog.framework(&mapping.framework, Some(&mapping.version))?;
        catalog.requirement_by_ref(framework.id, &mapping.requirement)?;
    }
    Ok(())
}

/// A library control as a new row of an organization: planned, not yet assessed.
pub(crate) fn control_row(
    c: &LibraryControl,
    organization_id: i32,
    now: DateTime<Utc>,
) -> control::ActiveModel {
    control::ActiveModel {
        organization_id: Set(organization_id),
        code: Set(c.code.clone()),
        domain: Set(c.domain.clone()),
        title: Set(c.title.clone()),
        description: Set(c.description.clone()),
        owner: Set(None),
        status: Set(ControlStatus::Planned.as_str().to_string()),
        effectiveness: Set(Effectiveness::NotAssessed.as_str().to_string()),
        review_frequency_days: Set(c.review_frequency_days),
        not_applicable_reason: Set(None),
        library_code: Set(Some(c.code.clone())),
        retired_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// A library mapping as a new row of the organization's control `control_id`.
pub(crate) fn mapping_row(
    catalog: &CatalogSnapshot,
    m: &LibraryMapping,
    organization_id: i32,
    control_id: i32,
    provenance: &str,
    now: DateTime<Utc>,
) -> AppResult<control_mapping::ActiveModel> {
    let framework = catalog.framework(&m.framework, Some(&m.version))?;
    let requirement = catalog.requirement_by_ref(framework.id, &m.requirement)?;
    Ok(control_mapping::ActiveModel {
        organization_id: Set(organization_id),
        control_id: Set(control_id),
        requirement_id: Set(requirement.id),
        relationship: Set(m.relationship.as_str().to_string()),
        rationale: Set(m.rationale.as_str().to_string()),
        strength: Set(m.strength),
        confidence: Set(Some("high".into())),
        justification: Set(m.justification.clone()),
        provenance: Set(provenance.to_string()),
        created_by: Set("accord".into()),
        created_at: Set(now),
        ..Default::default()
    })
}

/// Copies the library into a new organization inside the caller's transaction.
pub async fn seed_organization<C: ConnectionTrait>(
    txn: &C,
    catalog: &CatalogSnapshot,
    organization_id: i32,
    now: DateTime<Utc>,
) -> AppResult<(usize, usize)> {
    let library = library()?;
    let rows = library
        .controls
        .iter()
        .map(|c| control_row(c, organization_id, now));
    control::Entity::insert_many(rows).exec(txn).await?;
    let ids: std::collections::HashMap<String, i32> = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.code, c.id))
        .collect();

    let provenance = format!("accord-library@{}", library.version);
    let mut mapping_rows = Vec::with_capacity(library.mappings.len());
    for m in &library.mappings {
        let control_id = *ids.get(&m.control).ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("unknown library control {}", m.control))
        })?;
        mapping_rows.push(mapping_row(
            catalog,
            m,
            organization_id,
            control_id,
            &provenance,
            now,
        )?);
    }
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for chunk in mapping_rows.chunks(500) {
        control_mapping::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    Ok((library.controls.len(), mapping_rows.len()))
}
