//! Common controls of an organization and their typed mappings to requirements.
//! Every read and write is scoped to the viewer's organization; another organization's id is
//! `NOT_FOUND`. Catalog requirements stay global and read-only.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use entity::{control, control_mapping};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use serde::Serialize;

use super::Services;
use super::audit::{self, snapshot};
use super::relationship::{Rationale, Relationship};
use super::viewer::{CROSSWALK_READERS, Viewer, WRITERS};
use crate::db::begin_write;
use crate::error::{AppError, AppResult};

/// Implementation status of a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Planned,
    InProgress,
    Implemented,
    NotApplicable,
}

/// How well an implemented control works, as last assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effectiveness {
    NotAssessed,
    Effective,
    PartiallyEffective,
    Ineffective,
}

macro_rules! string_enum {
    ($ty:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),* }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = AppError;
            fn from_str(s: &str) -> AppResult<$ty> {
                match s {
                    $($text => Ok($ty::$variant),)*
                    other => Err(AppError::validation(format!(
                        concat!("unknown ", stringify!($ty), " '{}'"), other
                    ))),
                }
            }
        }
    };
}

string_enum!(ControlStatus {
    Planned => "planned",
    InProgress => "in_progress",
    Implemented => "implemented",
    NotApplicable => "not_applicable",
});

string_enum!(Effectiveness {
    NotAssessed => "not_assessed",
    Effective => "effective",
    PartiallyEffective => "partially_effective",
    Ineffective => "ineffective",
});

/// A control as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub id: i32,
    pub code: String,
    pub domain: String,
    pub title: String,
    pub description: String,
    pub owner: Option<String>,
    pub status: ControlStatus,
    pub effectiveness: Effectiveness,
    pub review_frequency_days: i32,
    pub not_applicable_reason: Option<String>,
    pub library_code: Option<String>,
    pub retired_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<control::Model> for Control {
    type Error = AppError;
    fn try_from(m: control::Model) -> AppResult<Control> {
        Ok(Control {
            status: m.status.parse().map_err(AppError::internal_from)?,
            effectiveness: m.effectiveness.parse().map_err(AppError::internal_from)?,
            id: m.id,
            code: m.code,
            domain: m.domain,
            title: m.title,
            description: m.description,
            owner: m.owner,
            review_frequency_days: m.review_frequency_days,
            not_applicable_reason: m.not_applicable_reason,
            library_code: m.library_code,
            retired_at: m.retired_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// "control <relationship> requirement".
#[derive(Debug, Clone, Serialize)]
pub struct ControlMapping {
    pub id: i32,
    pub control_id: i32,
    pub requirement_id: i32,
    pub relationship: Relationship,
    pub rationale: Rationale,
    pub strength: Option<i32>,
    pub confidence: Option<String>,
    pub justification: String,
    pub provenance: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<control_mapping::Model> for ControlMapping {
    type Error = AppError;
    fn try_from(m: control_mapping::Model) -> AppResult<ControlMapping> {
        Ok(ControlMapping {
            relationship: m.relationship.parse().map_err(AppError::internal_from)?,
            rationale: m.rationale.parse().map_err(AppError::internal_from)?,
            id: m.id,
            control_id: m.control_id,
            requirement_id: m.requirement_id,
            strength: m.strength,
            confidence: m.confidence,
            justification: m.justification,
            provenance: m.provenance,
            created_by: m.created_by,
            created_at: m.created_at,
        })
    }
}

/// Filters for [`list`].
#[derive(Debug, Default, Clone)]
pub struct ControlFilter {
    pub status: Option<ControlStatus>,
    pub domain: Option<String>,
    /// Case-insensitive substring of code, title or description.
    pub search: Option<String>,
    pub include_retired: bool,
}

/// Fields of a new control.
#[derive(Debug, Clone)]
pub struct NewControl {
    pub code: String,
    pub domain: String,
    pub title: String,
    pub description: String,
    pub owner: Option<String>,
    pub status: ControlStatus,
    pub review_frequency_days: i32,
}

/// Changes to a control; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct ControlPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub status: Option<ControlStatus>,
    pub effectiveness: Option<Effectiveness>,
    pub review_frequency_days: Option<i32>,
    pub not_applicable_reason: Option<String>,
}

/// Fields of a new or changed mapping.
#[derive(Debug, Clone)]
pub struct MappingInput {
    pub relationship: Relationship,
    pub rationale: Rationale,
    pub strength: Option<i32>,
    pub confidence: Option<String>,
    pub justification: String,
}

fn validate_text(field: &str, value: &str, max: usize) -> AppResult<()> {
    if value.trim().is_empty() || value.len() > max {
        return Err(AppError::validation(format!(
            "{field} must be 1-{max} characters"
        )));
    }
    Ok(())
}

fn validate_mapping(input: &MappingInput) -> AppResult<()> {
    if input.relationship == Relationship::NotRelated {
        return Err(AppError::validation(
            "a control mapping needs a relationship other than not_related; remove the mapping instead",
        ));
    }
    if let Some(strength) = input.strength
        && !(0..=10).contains(&strength)
    {
        return Err(AppError::validation("strength must be between 0 and 10"));
    }
    validate_text("justification", &input.justification, 2000)
}

/// Loads a control of the viewer's organization.
pub async fn find_model<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<control::Model> {
    control::Entity::find_by_id(id)
        .filter(control::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("control {id}")))
}

/// The organization's controls, by code.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    filter: &ControlFilter,
) -> AppResult<Vec<Control>> {
    viewer.require_any(CROSSWALK_READERS)?;
    let mut query = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_asc(control::Column::Code);
    if !filter.include_retired {
        query = query.filter(control::Column::RetiredAt.is_null());
    }
    if let Some(status) = filter.status {
        query = query.filter(control::Column::Status.eq(status.as_str()));
    }
    if let Some(domain) = &filter.domain {
        query = query.filter(control::Column::Domain.eq(domain.as_str()));
    }
    let needle = filter.search.as_ref().map(|s| s.to_lowercase());
    query
        .all(&services.db)
        .await?
        .into_iter()
        .filter(|c| {
            needle.as_ref().is_none_or(|n| {
                c.code.to_lowercase().contains(n)
                    || c.title.to_lowercase().contains(n)
                    || c.description.to_lowercase().contains(n)
            })
        })
        .map(Control::try_from)
        .collect()
}

/// One control of the viewer's organization.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Control> {
    viewer.require_any(CROSSWALK_READERS)?;
    find_model(&services.db, viewer.organization_id()?, id)
        .await?
        .try_into()
}

/// Creates a control; its code must be new in the organization.
pub async fn create(services: &Services, viewer: &Viewer, input: NewControl) -> AppResult<Control> {
    viewer.require_any(WRITERS)?;
    let organization_id = viewer.organization_id()?;
    validate_text("code", &input.code, 32)?;
    validate_text("title", &input.title, 200)?;
    validate_text("domain", &input.domain, 64)?;
    if !(1..=3650).contains(&input.review_frequency_days) {
        return Err(AppError::validation(
            "reviewFrequencyDays must be between 1 and 3650",
        ));
    }
    if input.status == ControlStatus::NotApplicable {
        return Err(AppError::validation(
            "create the control first, then mark it not_applicable with a reason",
        ));
    }
    let txn = begin_write(&services.db).await?;
    let exists = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .filter(control::Column::Code.eq(input.code.trim()))
        .one(&txn)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(format!(
            "control code '{}' is already used",
            input.code.trim()
        )));
    }
    let now = Utc::now();
    let created = control::ActiveModel {
        organization_id: Set(organization_id),
        code: Set(input.code.trim().to_string()),
        domain: Set(input.domain.trim().to_string()),
        title: Set(input.title.trim().to_string()),
        description: Set(input.description.trim().to_string()),
        owner: Set(input
            .owner
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty())),
        status: Set(input.status.as_str().to_string()),
        effectiveness: Set(Effectiveness::NotAssessed.as_str().to_string()),
        review_frequency_days: Set(input.review_frequency_days),
        not_applicable_reason: Set(None),
        library_code: Set(None),
        retired_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let control: Control = created.try_into()?;
    audit::record(
        &txn,
        organization_id,
        &viewer.describe(),
        "create",
        "control",
        control.id,
        None,
        Some(snapshot(&control)?),
    )
    .await?;
    audit::commit(services, txn, organization_id).await?;
    Ok(control)
}

/// Changes a control. Marking it not_applicable needs a reason.
pub async fn update(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    patch: ControlPatch,
) -> AppResult<Control> {
    viewer.require_any(WRITERS)?;
    let organization_id = viewer.organization_id()?;
    let txn = begin_write(&services.db).await?;
    let current = find_model(&txn, organization_id, id).await?;
    let before: Control = current.clone().try_into()?;
    if current.retired_at.is_some() {
        return Err(AppError::Conflict(format!(
            "control {} is retired",
            current.code
        )));
    }
    let status = patch.status.map_or_else(|| current.status.parse(), Ok)?;
    let reason = patch
        .not_applicable_reason
        .clone()
        .or_else(|| current.not_applicable_reason.clone())
        .filter(|r| !r.trim().is_empty());
    if status == ControlStatus::NotApplicable && reason.is_none() {
        return Err(AppError::validation(
            "a not_applicable control needs notApplicableReason",
        ));
    }
    if let Some(title) = &patch.title {
        validate_text("title", title, 200)?;
    }
    if let Some(days) = patch.review_frequency_days
        && !(1..=3650).contains(&days)
    {
        return Err(AppError::validation(
            "reviewFrequencyDays must be between 1 and 3650",
        ));
    }
    let mut active: control::ActiveModel = current.into();
    if let Some(title) = patch.title {
        active.title = Set(title.trim().to_string());
    }
    if let Some(description) = patch.description {
        active.description = Set(description.trim().to_string());
    }
    if let Some(owner) = patch.owner {
        active.owner = Set(Some(owner.trim().to_string()).filter(|o| !o.is_empty()));
    }
    if let Some(effectiveness) = patch.effectiveness {
        active.effectiveness = Set(effectiveness.as_str().to_string());
    }
    if let Some(days) = patch.review_frequency_days {
        active.review_frequency_days = Set(days);
    }
    active.status = Set(status.as_str().to_string());
    active.not_applicable_reason = Set(if status == ControlStatus::NotApplicable {
        reason
    } else {
        None
    });
    active.updated_at = Set(Utc::now());
    let updated: Control = active.update(&txn).await?.try_into()?;
    audit::record(
        &txn,
        organization_id,
        &viewer.describe(),
        "update",
        "control",
        id,
        Some(snapshot(&before)?),
        Some(snapshot(&updated)?),
    )
    .await?;
    audit::commit(services, txn, organization_id).await?;
    Ok(updated)
}

/// Retires a control: it stops counting anywhere but keeps its history.
pub async fn retire(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Control> {
    viewer.require_any(WRITERS)?;
    let organization_id = viewer.organization_id()?;
    let txn = begin_write(&services.db).await?;
    let current = find_model(&txn, organization_id, id).await?;
    if current.retired_at.is_some() {
        return current.try_into();
    }
    let before: Control = current.clone().try_into()?;
    let mut active: control::ActiveModel = current.into();
    let now = Utc::now();
    active.retired_at = Set(Some(now));
    active.updated_at = Set(now);
    let retired: Control = active.update(&txn).await?.try_into()?;
    audit::record(
        &txn,
        organization_id,
        &viewer.describe(),
        "retire",
        "control",
        id,
        Some(snapshot(&before)?),
        Some(snapshot(&retired)?),
    )
    .await?;
    audit::commit(services, txn, organization_id).await?;
    Ok(retired)
}

/// Mappings of one control, in catalog order.
pub async fn mappings_of(
    services: &Services,
    viewer: &Viewer,
    control_id: i32,
) -> AppResult<Vec<ControlMapping>> {
    viewer.require_any(CROSSWALK_READERS)?;
    let organization_id = viewer.organization_id()?;
    find_model(&services.db, organization_id, control_id).await?;
    let mut mappings: Vec<ControlMapping> = control_mapping::Entity::find()
        .filter(control_mapping::Column::OrganizationId.eq(organization_id))
        .filter(control_mapping::Column::ControlId.eq(control_id))
        .all(&services.db)
        .await?
        .into_iter()
        .map(ControlMapping::try_from)
        .collect::<AppResult<_>>()?;
    let catalog = &services.catalog;
    mappings.sort_by_key(|m| {
        catalog
            .requirement(m.requirement_id)
            .map(|r| (r.framework_id, r.ord))
            .unwrap_or_default()
    });
    Ok(mappings)
}

/// Every active mapping of the organization (for the crosswalk and coverage).
pub async fn all_mappings<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
) -> AppResult<Vec<ControlMapping>> {
    control_mapping::Entity::find()
        .filter(control_mapping::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(ControlMapping::try_from)
        .collect()
}

/// Maps a control to a requirement; both must exist, and the pair must be new.
pub async fn add_mapping(
    services: &Services,
    viewer: &Viewer,
    control_id: i32,
    requirement_id: i32,
    input: MappingInput,
) -> AppResult<ControlMapping> {
    viewer.require_any(WRITERS)?;
    validate_mapping(&input)?;
    services.catalog.requirement(requirement_id)?;
    let organization_id = viewer.organization_id()?;
    let txn = begin_write(&services.db).await?;
    let control = find_model(&txn, organization_id, control_id).await?;
    if control.retired_at.is_some() {
        return Err(AppError::Conflict(format!(
            "control {} is retired",
            control.code
        )));
    }
    let duplicate = control_mapping::Entity::find()
        .filter(control_mapping::Column::ControlId.eq(control_id))
        .filter(control_mapping::Column::RequirementId.eq(requirement_id))
        .one(&txn)
        .await?;
    if duplicate.is_some() {
        return Err(AppError::Conflict(format!(
            "control {} is already mapped to this requirement",
            control.code
        )));
    }
    let created = control_mapping::ActiveModel {
        organization_id: Set(organization_id),
        control_id: Set(control_id),
        requirement_id: Set(requirement_id),
        relationship: Set(input.relationship.as_str().to_string()),
        rationale: Set(input.rationale.as_str().to_string()),
        strength: Set(input.strength),
        confidence: Set(input.confidence),
        justification: Set(input.justification.trim().to_string()),
        provenance: Set(format!("user:{}", viewer.describe())),
        created_by: Set(viewer.describe()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mapping: ControlMapping = created.try_into()?;
    audit::record(
        &txn,
        organization_id,
        &viewer.describe(),
        "create",
        "control_mapping",
        mapping.id,
        None,
        Some(snapshot(&mapping)?),
    )
    .await?;
    audit::commit(services, txn, organization_id).await?;
    Ok(mapping)
}

async fn find_mapping<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<control_mapping::Model> {
    control_mapping::Entity::find_by_id(id)
        .filter(control_mapping::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("mapping {id}")))
}

/// Changes a mapping's relationship, rationale, strength, confidence or justification.
pub async fn update_mapping(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    input: MappingInput,
) -> AppResult<ControlMapping> {
    viewer.require_any(WRITERS)?;
    validate_mapping(&input)?;
    let organization_id = viewer.organization_id()?;
    let txn = begin_write(&services.db).await?;
    let current = find_mapping(&txn, organization_id, id).await?;
    let before: ControlMapping = current.clone().try_into()?;
    let mut active: control_mapping::ActiveModel = current.into();
    active.relationship = Set(input.relationship.as_str().to_string());
    active.rationale = Set(input.rationale.as_str().to_string());
    active.strength = Set(input.strength);
    active.confidence = Set(input.confidence);
    active.justification = Set(input.justification.trim().to_string());
    active.provenance = Set(format!("user:{}", viewer.describe()));
    let updated: ControlMapping = active.update(&txn).await?.try_into()?;
    audit::record(
        &txn,
        organization_id,
        &viewer.describe(),
        "update",
        "control_mapping",
        id,
        Some(snapshot(&before)?),
        Some(snapshot(&updated)?),
    )
    .await?;
    audit::commit(services, txn, organization_id).await?;
    Ok(updated)
}

/// Removes a mapping; returns what was removed.
pub async fn remove_mapping(
    services: &Services,
    viewer: &Viewer,
    id: i32,
) -> AppResult<ControlMapping> {
    viewer.require_any(WRITERS)?;
    let organization_id = viewer.organization_id()?;
    let txn = begin_write(&services.db).await?;
    let current = find_mapping(&txn, organization_id, id).await?;
    control_mapping::Entity::delete_by_id(current.id)
        .exec(&txn)
        .await?;
    let removed: ControlMapping = current.try_into()?;
    audit::record(
        &txn,
        organization_id,
        &viewer.describe(),
        "delete",
        "control_mapping",
        id,
        Some(snapshot(&removed)?),
        None,
    )
    .await?;
    audit::commit(services, txn, organization_id).await?;
    Ok(removed)
}
