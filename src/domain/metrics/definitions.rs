//! Metric definitions: what a metric measures, its window and statistic, the warning and breach
//! thresholds with their hysteresis, how fresh its data must be, the severity of the incident a
//! breach opens, and the controls it evidences.

use chrono::{DateTime, Utc};
use entity::{control, metric_control, metric_definition};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use super::{Direction, MetricKind, Statistic, Window};
use crate::domain::Services;
use crate::domain::governance::Severity;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

/// A metric definition as the domain sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub id: i32,
    pub organization_id: i32,
    pub key: String,
    pub name: String,
    pub description: String,
    pub kind: MetricKind,
    pub unit: String,
    pub direction: Direction,
    pub window: Window,
    pub statistic: Statistic,
    pub warning_threshold: Option<f64>,
    pub breach_threshold: Option<f64>,
    /// Consecutive breaching windows that open an episode.
    pub open_after: i32,
    /// Consecutive healthy windows that close it.
    pub close_after: i32,
    /// A series with no point for this long is stale.
    pub stale_after_hours: i32,
    pub incident_severity: Severity,
    pub control_ids: Vec<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Definition {
    fn from_row(m: metric_definition::Model, control_ids: Vec<i32>) -> AppResult<Definition> {
        Ok(Definition {
            id: m.id,
            organization_id: m.organization_id,
            key: m.key,
            name: m.name,
            description: m.description,
            kind: MetricKind::stored(&m.kind)?,
            unit: m.unit,
            direction: Direction::stored(&m.direction)?,
            window: Window::stored(&m.window)?,
            statistic: Statistic::stored(&m.statistic)?,
            warning_threshold: m.warning_threshold,
            breach_threshold: m.breach_threshold,
            open_after: m.open_after,
            close_after: m.close_after,
            stale_after_hours: m.stale_after_hours,
            incident_severity: Severity::stored(&m.incident_severity)?,
            control_ids,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// Fields of a definition, as created or replaced.
#[derive(Debug, Clone)]
pub struct DefinitionInput {
    pub key: String,
    pub name: String,
    pub description: String,
    pub kind: MetricKind,
    pub unit: String,
    pub direction: Direction,
    pub window: Window,
    pub statistic: Statistic,
    pub warning_threshold: Option<f64>,
    pub breach_threshold: Option<f64>,
    pub open_after: i32,
    pub close_after: i32,
    pub stale_after_hours: Option<i32>,
    pub incident_severity: Severity,
    pub control_ids: Vec<i32>,
}

/// Keys are what pipelines send: short, lower-case, dotted or dashed words.
fn check_key(key: &str) -> AppResult<String> {
    let key = validate::line("key", key, 80)?;
    let valid = key
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !valid || !key.as_bytes()[0].is_ascii_alphanumeric() {
        return Err(AppError::rule(
            "key",
            "key_format",
            "key must start with a letter or digit and hold only a-z, 0-9, '.', '_' and '-'",
        ));
    }
    Ok(key)
}

fn check_thresholds(input: &DefinitionInput) -> AppResult<()> {
    for (field, value) in [
        ("warningThreshold", input.warning_threshold),
        ("breachThreshold", input.breach_threshold),
    ] {
        if value.is_some_and(|v| !v.is_finite()) {
            return Err(AppError::rule(
                field,
                "finite",
                format!("{field} must be a finite number"),
            ));
        }
    }
    if let (Some(warning), Some(breach)) = (input.warning_threshold, input.breach_threshold) {
        let ordered = if input.direction.higher_is_worse() {
            warning < breach
        } else {
            warning > breach
        };
        if !ordered {
            return Err(AppError::rule(
                "warningThreshold",
                "warning_before_breach",
                "the warning threshold must be reached before the breach threshold in the metric's direction",
            ));
        }
    }
    for (field, value) in [
        ("openAfter", input.open_after),
        ("closeAfter", input.close_after),
    ] {
        if !(1..=100).contains(&value) {
            return Err(AppError::rule(
                field,
                "range",
                format!("{field} must be 1-100 windows"),
            ));
        }
    }
    if input
        .stale_after_hours
        .is_some_and(|h| !(1..=24 * 400).contains(&h))
    {
        return Err(AppError::rule(
            "staleAfterHours",
            "range",
            "staleAfterHours must be 1-9600",
        ));
    }
    Ok(())
}

/// Two windows without data make a series stale unless the definition says otherwise.
fn default_stale_hours(window: Window) -> i32 {
    match window {
        Window::Hour => 2,
        Window::Day => 48,
        Window::Week => 24 * 14,
        Window::Month => 24 * 62,
    }
}

async fn controls_of<C: ConnectionTrait>(db: &C, definition_id: i32) -> AppResult<Vec<i32>> {
    Ok(metric_control::Entity::find()
        .filter(metric_control::Column::DefinitionId.eq(definition_id))
        .order_by_asc(metric_control::Column::ControlId)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.control_id)
        .collect())
}

async fn set_controls(
    write: &Write<'_>,
    organization_id: i32,
    definition_id: i32,
    ids: &[i32],
) -> AppResult<()> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let found = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .filter(control::Column::Id.is_in(ids.clone()))
        .all(&**write)
        .await?;
    if let Some(missing) = ids.iter().find(|id| !found.iter().any(|c| c.id == **id)) {
        return Err(AppError::not_found(format!("control {missing}")));
    }
    metric_control::Entity::delete_many()
        .filter(metric_control::Column::DefinitionId.eq(definition_id))
        .exec(&**write)
        .await?;
    for control_id in ids {
        metric_control::ActiveModel {
            organization_id: Set(organization_id),
            definition_id: Set(definition_id),
            control_id: Set(control_id),
            ..Default::default()
        }
        .insert(&**write)
        .await?;
    }
    Ok(())
}

/// An optional text field: empty stays empty, anything else passes `check`.
fn optional(
    check: fn(&str, &str, usize) -> AppResult<String>,
    field: &str,
    value: &str,
    max: usize,
) -> AppResult<String> {
    if value.trim().is_empty() {
        Ok(String::new())
    } else {
        check(field, value, max)
    }
}

fn columns(input: &DefinitionInput, key: String) -> AppResult<metric_definition::ActiveModel> {
    check_thresholds(input)?;
    Ok(metric_definition::ActiveModel {
        key: Set(key),
        name: Set(validate::line("name", &input.name, 200)?),
        description: Set(optional(
            validate::text,
            "description",
            &input.description,
            4000,
        )?),
        kind: Set(input.kind.as_str().into()),
        unit: Set(optional(validate::line, "unit", &input.unit, 40)?),
        direction: Set(input.direction.as_str().into()),
        window: Set(input.window.as_str().into()),
        statistic: Set(input.statistic.as_str().into()),
        warning_threshold: Set(input.warning_threshold),
        breach_threshold: Set(input.breach_threshold),
        open_after: Set(input.open_after),
        close_after: Set(input.close_after),
        stale_after_hours: Set(input
            .stale_after_hours
            .unwrap_or_else(|| default_stale_hours(input.window))),
        incident_severity: Set(input.incident_severity.as_str().into()),
        ..Default::default()
    })
}

/// Creates a definition.
pub async fn create(
    services: &Services,
    viewer: &Viewer,
    input: DefinitionInput,
) -> AppResult<Definition> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let key = check_key(&input.key)?;
    let mut row = columns(&input, key.clone())?;
    let write = Write::begin(services, viewer).await?;
    if find_by_key(&*write, organization_id, &key).await?.is_some() {
        return Err(AppError::rule(
            "key",
            "unique",
            format!("a metric with key '{key}' exists"),
        ));
    }
    let now = write.now();
    row.organization_id = Set(organization_id);
    row.created_at = Set(now);
    row.updated_at = Set(now);
    let stored = row.insert(&*write).await?;
    set_controls(&write, organization_id, stored.id, &input.control_ids).await?;
    let control_ids = controls_of(&*write, stored.id).await?;
    let created = Definition::from_row(stored, control_ids)?;
    write
        .created(Entity::MetricDefinition, created.id, &created)
        .await?;
    write.commit().await?;
    Ok(created)
}

/// Replaces a definition's fields (its key stays). A new window, or no thresholds at all, starts
/// its series' evaluation afresh (open episodes close).
pub async fn update(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    input: DefinitionInput,
) -> AppResult<Definition> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let write = Write::begin(services, viewer).await?;
    let before = find(&*write, organization_id, id).await?;
    let mut row = columns(&input, before.key.clone())?;
    row.id = Set(id);
    row.updated_at = Set(write.now());
    let stored = row.update(&*write).await?;
    set_controls(&write, organization_id, id, &input.control_ids).await?;
    let after = Definition::from_row(stored, controls_of(&*write, id).await?)?;
    let unthresholded = after.warning_threshold.is_none() && after.breach_threshold.is_none();
    if before.window != after.window || unthresholded {
        super::apply::restart_series(&write, id, after.window).await?;
    }
    write
        .record(
            Action::Update,
            Entity::MetricDefinition,
            id,
            Some(snapshot(&before)?),
            Some(snapshot(&after)?),
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// Deletes a definition with its series and points.
pub async fn delete(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Definition> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let write = Write::begin(services, viewer).await?;
    let before = find(&*write, organization_id, id).await?;
    metric_definition::Entity::delete_by_id(id)
        .exec(&*write)
        .await?;
    write
        .record(
            Action::Delete,
            Entity::MetricDefinition,
            id,
            Some(snapshot(&before)?),
            None,
        )
        .await?;
    write.commit().await?;
    Ok(before)
}

/// A definition of the organization.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<Definition> {
    let row = metric_definition::Entity::find_by_id(id)
        .filter(metric_definition::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("metric definition {id}")))?;
    Definition::from_row(row, controls_of(db, id).await?)
}

async fn find_by_key<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    key: &str,
) -> AppResult<Option<metric_definition::Model>> {
    Ok(metric_definition::Entity::find()
        .filter(metric_definition::Column::OrganizationId.eq(organization_id))
        .filter(metric_definition::Column::Key.eq(key))
        .one(db)
        .await?)
}

/// One definition, for a reader.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Definition> {
    viewer.require(Permission::ReadRecords)?;
    find(&services.db, viewer.organization_id()?, id).await
}

/// Every definition of an organization, by key, with its controls.
pub async fn all_of<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
) -> AppResult<Vec<Definition>> {
    let links = metric_control::Entity::find()
        .filter(metric_control::Column::OrganizationId.eq(organization_id))
        .order_by_asc(metric_control::Column::ControlId)
        .all(db)
        .await?;
    metric_definition::Entity::find()
        .filter(metric_definition::Column::OrganizationId.eq(organization_id))
        .order_by_asc(metric_definition::Column::Key)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let controls = links
                .iter()
                .filter(|l| l.definition_id == row.id)
                .map(|l| l.control_id)
                .collect();
            Definition::from_row(row, controls)
        })
        .collect()
}

/// Every definition, for a reader.
pub async fn list(services: &Services, viewer: &Viewer) -> AppResult<Vec<Definition>> {
    viewer.require(Permission::ReadRecords)?;
    all_of(&services.db, viewer.organization_id()?).await
}
