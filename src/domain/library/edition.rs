//! Reviewing and adopting a new edition of the control library in an organization that started
//! from an earlier one. New organizations get the current edition; an existing organization sees,
//! per library control, whether it is missing (added in the new edition), behind (its library
//! mappings come from another edition) or current, with the edition's change note, and adopts
//! what it chooses: a missing control is added with its mappings; a control behind gets the new
//! edition's mappings in place of the old edition's (its own mappings, status, owner, evidence and
//! edits to its text are kept). The shipped direct crosswalks can be adopted the same way.

use std::collections::{BTreeSet, HashMap};

use entity::{control, control_mapping, requirement_mapping};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;

use super::{Library, LibraryControl, library};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::{AppError, AppResult};

const LIBRARY_PROVENANCE: &str = "accord-library@";
const CROSSWALK_PROVENANCE: &str = "accord-crosswalk@";

vocabulary! {
    /// Where an organization's copy of a library control stands against the shipped edition.
    pub enum EditionState {
        /// Not in the organization: new in this edition (or removed there).
        Missing => "missing",
        /// In the organization with another edition's mappings.
        Behind => "behind",
        Current => "current",
    }
}

/// One library control as the review shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ControlReview {
    pub code: String,
    pub title: String,
    pub state: EditionState,
    /// What the edition changed in this control (its change note), if anything.
    pub change: Option<String>,
    pub summary: Option<String>,
    /// The editions the organization's library mappings of this control come from.
    pub organization_editions: Vec<String>,
}

/// The whole review.
#[derive(Debug, Clone, Serialize)]
pub struct EditionReview {
    pub shipped_version: String,
    /// Every edition the organization's library mappings come from.
    pub organization_editions: Vec<String>,
    pub controls: Vec<ControlReview>,
    /// Whether the organization holds the shipped direct crosswalks of this edition.
    pub crosswalks_current: bool,
}

fn edition_of(provenance: &str, prefix: &str) -> Option<String> {
    provenance.strip_prefix(prefix).map(str::to_string)
}

/// What the organization holds of the library, against the shipped edition.
pub async fn review(services: &Services, viewer: &Viewer) -> AppResult<EditionReview> {
    viewer.require(Permission::ReadCrosswalk)?;
    let organization_id = viewer.organization_id()?;
    let shipped = library()?;
    let controls = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .filter(control::Column::LibraryCode.is_not_null())
        .all(&services.db)
        .await?;
    let by_id: HashMap<i32, String> = controls
        .iter()
        .filter_map(|c| c.library_code.clone().map(|code| (c.id, code)))
        .collect();
    let mut editions: HashMap<String, BTreeSet<String>> = HashMap::new();
    for mapping in control_mapping::Entity::find()
        .filter(control_mapping::Column::OrganizationId.eq(organization_id))
        .filter(control_mapping::Column::Provenance.starts_with(LIBRARY_PROVENANCE))
        .all(&services.db)
        .await?
    {
        if let (Some(code), Some(edition)) = (
            by_id.get(&mapping.control_id),
            edition_of(&mapping.provenance, LIBRARY_PROVENANCE),
        ) {
            editions.entry(code.clone()).or_default().insert(edition);
        }
    }
    let notes: HashMap<&str, &super::ControlChange> = shipped
        .changes
        .iter()
        .map(|c| (c.code.as_str(), c))
        .collect();
    let held: BTreeSet<&str> = by_id.values().map(String::as_str).collect();
    let mut reviewed = Vec::new();
    for control in &shipped.controls {
        let own = editions.get(&control.code).cloned().unwrap_or_default();
        let state = if !held.contains(control.code.as_str()) {
            EditionState::Missing
        } else if own.len() == 1 && own.contains(&shipped.version) {
            EditionState::Current
        } else {
            EditionState::Behind
        };
        let note = notes.get(control.code.as_str());
        reviewed.push(ControlReview {
            code: control.code.clone(),
            title: control.title.clone(),
            state,
            change: note.map(|n| n.change.clone()),
            summary: note.map(|n| n.summary.clone()),
            organization_editions: own.into_iter().collect(),
        });
    }
    let all_editions: BTreeSet<String> = editions.values().flatten().cloned().collect();
    let crosswalks = requirement_mapping::Entity::find()
        .filter(requirement_mapping::Column::OrganizationId.eq(organization_id))
        .filter(
            requirement_mapping::Column::Provenance
                .eq(format!("{CROSSWALK_PROVENANCE}{}", shipped.version)),
        )
        .count(&services.db)
        .await?;
    Ok(EditionReview {
        shipped_version: shipped.version.clone(),
        organization_editions: all_editions.into_iter().collect(),
        controls: reviewed,
        crosswalks_current: crosswalks > 0,
    })
}

/// What an adoption did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Adopted {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub crosswalk_mappings: usize,
}

/// Adopts the shipped edition for `codes` (and the direct crosswalks when asked), in one
/// audited transaction.
pub async fn adopt(
    services: &Services,
    viewer: &Viewer,
    codes: &[String],
    crosswalks: bool,
) -> AppResult<Adopted> {
    viewer.require(Permission::WriteControls)?;
    let organization_id = viewer.organization_id()?;
    let shipped = library()?;
    let mut wanted = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let control = shipped
            .controls
            .iter()
            .find(|c| c.code == code.trim())
            .ok_or_else(|| {
                AppError::rule(
                    format!("codes.{i}"),
                    "unknown_control",
                    format!(
                        "'{code}' is not a control of library edition {}",
                        shipped.version
                    ),
                )
            })?;
        wanted.push(control);
    }
    let txn = Write::begin(services, viewer).await?;
    let now = txn.now();
    let mut adopted = Adopted::default();
    for control in wanted {
        let existing = control::Entity::find()
            .filter(control::Column::OrganizationId.eq(organization_id))
            .filter(control::Column::LibraryCode.eq(control.code.as_str()))
            .one(&*txn)
            .await?;
        let id = match existing {
            Some(row) => {
                control_mapping::Entity::delete_many()
                    .filter(control_mapping::Column::ControlId.eq(row.id))
                    .filter(control_mapping::Column::Provenance.starts_with(LIBRARY_PROVENANCE))
                    .exec(&*txn)
                    .await?;
                adopted.updated.push(control.code.clone());
                row.id
            }
            None => {
                let inserted = insert_control(&txn, organization_id, control, now).await?;
                adopted.added.push(control.code.clone());
                inserted
            }
        };
        let count = insert_mappings(
            &txn,
            services,
            shipped,
            organization_id,
            id,
            &control.code,
            now,
        )
        .await?;
        txn.record(
            Action::Update,
            Entity::ControlLibrary,
            &control.code,
            None,
            Some(serde_json::json!({
                "edition": shipped.version,
                "control_id": id,
                "mappings": count,
            })),
        )
        .await?;
    }
    if crosswalks {
        let provenance = format!("{CROSSWALK_PROVENANCE}{}", shipped.version);
        requirement_mapping::Entity::delete_many()
            .filter(requirement_mapping::Column::OrganizationId.eq(organization_id))
            .filter(requirement_mapping::Column::Provenance.starts_with(CROSSWALK_PROVENANCE))
            .exec(&*txn)
            .await?;
        adopted.crosswalk_mappings = super::crosswalks::seed_organization(
            &*txn,
            &services.catalog,
            organization_id,
            &shipped.version,
            now,
        )
        .await?;
        txn.record(
            Action::Update,
            Entity::ControlLibrary,
            &provenance,
            None,
            Some(serde_json::json!({ "crosswalk_mappings": adopted.crosswalk_mappings })),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(adopted)
}

async fn insert_control(
    txn: &Write<'_>,
    organization_id: i32,
    control: &LibraryControl,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<i32> {
    // A code taken by one of the organization's own controls is refused rather than merged.
    let clash = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .filter(control::Column::Code.eq(control.code.as_str()))
        .count(&**txn)
        .await?;
    if clash > 0 {
        return Err(AppError::Conflict(format!(
            "the organization has its own control {}: rename it before adopting the library's",
            control.code
        )));
    }
    let row = super::control_row(control, organization_id, now)
        .insert(&**txn)
        .await?;
    Ok(row.id)
}

async fn insert_mappings(
    txn: &Write<'_>,
    services: &Services,
    shipped: &Library,
    organization_id: i32,
    control_id: i32,
    code: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<usize> {
    let provenance = format!("{LIBRARY_PROVENANCE}{}", shipped.version);
    let mut count = 0;
    for m in shipped.mappings.iter().filter(|m| m.control == code) {
        super::mapping_row(
            &services.catalog,
            m,
            organization_id,
            control_id,
            &provenance,
            now,
        )?
        .insert(&**txn)
        .await?;
        count += 1;
    }
    Ok(count)
}
