//! Response times per incident severity: how soon an incident must be acknowledged and resolved,
//! counted from detection. Organizations set their own; these defaults apply until they do.

use entity::incident_sla;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::governance::Severity;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

/// The response times of one severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sla {
    pub severity: Severity,
    pub acknowledge_minutes: i32,
    pub resolve_minutes: i32,
}

/// Until the organization sets its own: critical 15 minutes / 4 hours, high 1 hour / 1 day,
/// medium 4 hours / 3 days, low 1 day / 7 days.
pub fn default_for(severity: Severity) -> Sla {
    let (acknowledge_minutes, resolve_minutes) = match severity {
        Severity::Critical => (15, 4 * 60),
        Severity::High => (60, 24 * 60),
        Severity::Medium => (4 * 60, 3 * 24 * 60),
        Severity::Low => (24 * 60, 7 * 24 * 60),
    };
    Sla {
        severity,
        acknowledge_minutes,
        resolve_minutes,
    }
}

/// Every severity's response times for an organization, lowest severity first.
pub async fn all_of<C: ConnectionTrait>(db: &C, organization_id: i32) -> AppResult<Vec<Sla>> {
    let set = incident_sla::Entity::find()
        .filter(incident_sla::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?;
    Severity::ALL
        .iter()
        .map(|severity| {
            Ok(match set.iter().find(|s| s.severity == severity.as_str()) {
                Some(row) => Sla {
                    severity: *severity,
                    acknowledge_minutes: row.acknowledge_minutes,
                    resolve_minutes: row.resolve_minutes,
                },
                None => default_for(*severity),
            })
        })
        .collect()
}

/// One severity's response times.
pub fn of(slas: &[Sla], severity: Severity) -> Sla {
    slas.iter()
        .copied()
        .find(|s| s.severity == severity)
        .unwrap_or_else(|| default_for(severity))
}

/// Sets one severity's response times (admins).
pub async fn set(
    services: &Services,
    viewer: &Viewer,
    severity: Severity,
    acknowledge_minutes: i32,
    resolve_minutes: i32,
) -> AppResult<Sla> {
    viewer.require(Permission::ManageGovernance)?;
    let organization_id = viewer.organization_id()?;
    if !(1..=60 * 24 * 90).contains(&acknowledge_minutes) {
        return Err(AppError::rule(
            "acknowledgeMinutes",
            "range",
            "acknowledgeMinutes must be 1 to 129600 (90 days)",
        ));
    }
    if resolve_minutes < acknowledge_minutes || resolve_minutes > 60 * 24 * 365 {
        return Err(AppError::rule(
            "resolveMinutes",
            "range",
            "resolveMinutes must be at least acknowledgeMinutes and at most a year",
        ));
    }
    let write = Write::begin(services, viewer).await?;
    let before = of(&all_of(&*write, organization_id).await?, severity);
    let existing = incident_sla::Entity::find()
        .filter(incident_sla::Column::OrganizationId.eq(organization_id))
        .filter(incident_sla::Column::Severity.eq(severity.as_str()))
        .one(&*write)
        .await?;
    let mut row: incident_sla::ActiveModel = match existing {
        Some(row) => row.into(),
        None => incident_sla::ActiveModel {
            organization_id: Set(organization_id),
            severity: Set(severity.as_str().into()),
            ..Default::default()
        },
    };
    row.acknowledge_minutes = Set(acknowledge_minutes);
    row.resolve_minutes = Set(resolve_minutes);
    row.save(&*write).await?;
    let after = Sla {
        severity,
        acknowledge_minutes,
        resolve_minutes,
    };
    write
        .record(
            Action::Set,
            Entity::IncidentSla,
            severity.as_str(),
            Some(snapshot(&before)?),
            Some(snapshot(&after)?),
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// The response times, for a reader.
pub async fn list(services: &Services, viewer: &Viewer) -> AppResult<Vec<Sla>> {
    viewer.require(Permission::ReadRecords)?;
    all_of(&services.db, viewer.organization_id()?).await
}
