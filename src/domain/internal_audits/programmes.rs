//! The audit programme (ISO/IEC 42001 9.2.2): audits planned for a period, with objectives.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{audit, audit_programme};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::write::{Entity, Write};
use crate::error::{AppError, AppResult};

/// An audit programme with how far it has got.
#[derive(Debug, Clone, Serialize)]
pub struct Programme {
    pub id: i32,
    pub title: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub objectives: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub planned: usize,
    pub in_progress: usize,
    pub completed: usize,
}

/// Checks a period: both dates, start not after end.
pub fn period(start: &str, end: &str) -> AppResult<(NaiveDate, NaiveDate)> {
    let start = validate::date("periodStart", start)?;
    let end = validate::date("periodEnd", end)?;
    if end < start {
        return Err(AppError::rule(
            "periodEnd",
            "period_order",
            "periodEnd must not be before periodStart",
        ));
    }
    Ok((start, end))
}

pub(super) fn stored_date(value: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(AppError::internal)
}

/// The audits of an organization that belong to a programme.
async fn planned_audits<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
) -> AppResult<Vec<audit::Model>> {
    Ok(audit::Entity::find()
        .filter(audit::Column::OrganizationId.eq(organization_id))
        .filter(audit::Column::ProgrammeId.is_not_null())
        .all(db)
        .await?)
}

fn view(row: audit_programme::Model, audits: &[audit::Model]) -> AppResult<Programme> {
    let count = |s: &str| {
        audits
            .iter()
            .filter(|a| a.programme_id == Some(row.id) && a.status == s)
            .count()
    };
    Ok(Programme {
        id: row.id,
        period_start: stored_date(&row.period_start)?,
        period_end: stored_date(&row.period_end)?,
        title: row.title,
        objectives: row.objectives,
        created_by: row.created_by,
        created_at: row.created_at,
        planned: count("planned"),
        in_progress: count("in_progress"),
        completed: count("completed"),
    })
}

/// Plans an audit programme for a period.
pub async fn create(
    services: &Services,
    viewer: &Viewer,
    title: &str,
    period_start: &str,
    period_end: &str,
    objectives: &str,
) -> AppResult<Programme> {
    viewer.require(Permission::WriteAudits)?;
    let organization_id = viewer.organization_id()?;
    let title = validate::line("title", title, 300)?;
    let objectives = validate::optional_text("objectives", objectives, 20_000)?;
    let (start, end) = period(period_start, period_end)?;
    let write = Write::begin(services, viewer).await?;
    let row = audit_programme::ActiveModel {
        organization_id: Set(organization_id),
        title: Set(title),
        period_start: Set(start.to_string()),
        period_end: Set(end.to_string()),
        objectives: Set(objectives),
        created_by: Set(write.actor().to_string()),
        created_at: Set(write.now()),
        ..Default::default()
    }
    .insert(&*write)
    .await?;
    let created = view(row, &[])?;
    write
        .created(Entity::AuditProgramme, created.id, &created)
        .await?;
    write.commit().await?;
    Ok(created)
}

/// Checks that a programme belongs to the organization.
pub(super) async fn find<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<audit_programme::Model> {
    audit_programme::Entity::find_by_id(id)
        .filter(audit_programme::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("audit programme {id}")))
}

/// Every programme, latest period first.
pub async fn list(services: &Services, viewer: &Viewer) -> AppResult<Vec<Programme>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    let audits = planned_audits(&services.db, organization_id).await?;
    let rows = audit_programme::Entity::find()
        .filter(audit_programme::Column::OrganizationId.eq(organization_id))
        .order_by_desc(audit_programme::Column::PeriodStart)
        .order_by_desc(audit_programme::Column::Id)
        .all(&services.db)
        .await?;
    rows.into_iter().map(|row| view(row, &audits)).collect()
}
