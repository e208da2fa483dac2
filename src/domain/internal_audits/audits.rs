//! Audits: planned with a scope, criteria, period, lead auditor and team (checked for
//! impartiality whenever they change and again when the audit starts), started with a checklist
//! generated from the scope, completed once every checklist line has a result.

use chrono::{DateTime, NaiveDate, Utc};
use entity::audit;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use super::checklist;
use super::impartiality::{self, Auditors};
use super::programmes::{self, stored_date};
use super::scope::Scope;
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// Who runs the audit.
    pub enum AuditKind {
        Internal => "internal",
        Certification => "certification",
    }
}

vocabulary! {
    /// Where an audit stands.
    pub enum AuditStatus {
        Planned => "planned",
        InProgress => "in_progress",
        Completed => "completed",
    }
}

/// The most people on an audit team.
const MAX_TEAM: usize = 50;

/// An audit.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    pub id: i32,
    pub programme_id: Option<i32>,
    pub title: String,
    pub kind: AuditKind,
    pub criteria: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub lead_auditor: String,
    pub team: Vec<String>,
    pub scope: Scope,
    pub status: AuditStatus,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<audit::Model> for Audit {
    type Error = AppError;
    fn try_from(m: audit::Model) -> AppResult<Self> {
        Ok(Audit {
            id: m.id,
            programme_id: m.programme_id,
            kind: AuditKind::stored(&m.kind)?,
            criteria: m.criteria,
            period_start: stored_date(&m.period_start)?,
            period_end: stored_date(&m.period_end)?,
            lead_auditor: m.lead_auditor,
            team: serde_json::from_str(&m.team).map_err(AppError::internal)?,
            scope: serde_json::from_str(&m.scope).map_err(AppError::internal)?,
            status: AuditStatus::stored(&m.status)?,
            opened_at: m.opened_at,
            closed_at: m.closed_at,
            created_by: m.created_by,
            created_at: m.created_at,
            title: m.title,
        })
    }
}

/// An audit as planned.
#[derive(Debug, Clone)]
pub struct AuditInput {
    pub programme_id: Option<i32>,
    pub title: String,
    pub kind: AuditKind,
    pub criteria: String,
    pub period_start: String,
    pub period_end: String,
    pub lead_auditor: String,
    pub team: Vec<String>,
    pub scope: Scope,
}

struct Checked {
    title: String,
    criteria: String,
    start: NaiveDate,
    end: NaiveDate,
    lead: String,
    team: Vec<String>,
}

fn checked(input: &AuditInput) -> AppResult<Checked> {
    let lead = validate::line("leadAuditor", &input.lead_auditor, 200)?;
    if input.team.len() > MAX_TEAM {
        return Err(AppError::rule(
            "team",
            "too_many",
            format!("an audit team has at most {MAX_TEAM} people"),
        ));
    }
    let mut team: Vec<String> = Vec::new();
    for (i, member) in input.team.iter().enumerate() {
        let member = validate::line(&format!("team.{i}"), member, 200)?;
        if member != lead && !team.contains(&member) {
            team.push(member);
        }
    }
    let (start, end) = programmes::period(&input.period_start, &input.period_end)?;
    Ok(Checked {
        title: validate::line("title", &input.title, 300)?,
        criteria: validate::text("criteria", &input.criteria, 20_000)?,
        start,
        end,
        lead,
        team,
    })
}

/// Checks the scope and that nobody on the audit audits their own controls.
async fn check_people_and_scope(
    write: &Write<'_>,
    organization_id: i32,
    lead: &str,
    team: &[String],
    scope: &Scope,
) -> AppResult<()> {
    let services = write.services();
    scope
        .check(&**write, &services.catalog, organization_id)
        .await?;
    let resolved = scope
        .resolve(&**write, &services.catalog, organization_id)
        .await?;
    let people = crate::domain::people::all_of(services, organization_id).await?;
    impartiality::check(
        &**write,
        organization_id,
        &Auditors { lead, team },
        &resolved,
        &people,
    )
    .await
}

/// Plans an audit.
pub async fn create(services: &Services, viewer: &Viewer, input: AuditInput) -> AppResult<Audit> {
    viewer.require(Permission::WriteAudits)?;
    let organization_id = viewer.organization_id()?;
    let c = checked(&input)?;
    let write = Write::begin(services, viewer).await?;
    if let Some(id) = input.programme_id {
        programmes::find(&*write, organization_id, id).await?;
    }
    check_people_and_scope(&write, organization_id, &c.lead, &c.team, &input.scope).await?;
    let row = audit::ActiveModel {
        organization_id: Set(organization_id),
        programme_id: Set(input.programme_id),
        title: Set(c.title),
        kind: Set(input.kind.as_str().into()),
        criteria: Set(c.criteria),
        period_start: Set(c.start.to_string()),
        period_end: Set(c.end.to_string()),
        lead_auditor: Set(c.lead),
        team: Set(serde_json::to_string(&c.team).map_err(AppError::internal)?),
        scope: Set(serde_json::to_string(&input.scope).map_err(AppError::internal)?),
        status: Set(AuditStatus::Planned.as_str().into()),
        opened_at: Set(None),
        closed_at: Set(None),
        created_by: Set(write.actor().to_string()),
        created_at: Set(write.now()),
        ..Default::default()
    }
    .insert(&*write)
    .await?;
    let created: Audit = row.try_into()?;
    write.created(Entity::Audit, created.id, &created).await?;
    write.commit().await?;
    Ok(created)
}

/// Replans an audit that has not started.
pub async fn update(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    input: AuditInput,
) -> AppResult<Audit> {
    viewer.require(Permission::WriteAudits)?;
    let organization_id = viewer.organization_id()?;
    let c = checked(&input)?;
    let write = Write::begin(services, viewer).await?;
    let row = locked(&write, organization_id, id).await?;
    let before: Audit = row.clone().try_into()?;
    expect(
        &before,
        AuditStatus::Planned,
        "only a planned audit can be replanned",
    )?;
    if let Some(programme) = input.programme_id {
        programmes::find(&*write, organization_id, programme).await?;
    }
    check_people_and_scope(&write, organization_id, &c.lead, &c.team, &input.scope).await?;
    let mut active: audit::ActiveModel = row.into();
    active.programme_id = Set(input.programme_id);
    active.title = Set(c.title);
    active.kind = Set(input.kind.as_str().into());
    active.criteria = Set(c.criteria);
    active.period_start = Set(c.start.to_string());
    active.period_end = Set(c.end.to_string());
    active.lead_auditor = Set(c.lead);
    active.team = Set(serde_json::to_string(&c.team).map_err(AppError::internal)?);
    active.scope = Set(serde_json::to_string(&input.scope).map_err(AppError::internal)?);
    let after: Audit = active.update(&*write).await?.try_into()?;
    write
        .changed(
            Action::Update,
            Entity::Audit,
            &id.to_string(),
            &before,
            &after,
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// Audit work (starting, results, findings, completing) is the audit team's: the lead auditor
/// or a member. Accord's own jobs and the demo seed act as the system and are let through.
pub(super) fn require_on_team(audit: &Audit, viewer: &Viewer) -> AppResult<()> {
    let Viewer::User(principal) = viewer else {
        return Ok(());
    };
    let subject = principal.subject.as_str();
    if audit.lead_auditor == subject || audit.team.iter().any(|m| m == subject) {
        Ok(())
    } else {
        Err(AppError::rule(
            "id",
            "not_on_audit_team",
            format!(
                "only the lead auditor and team of audit {} do its work",
                audit.id
            ),
        ))
    }
}

fn expect(audit: &Audit, status: AuditStatus, message: &str) -> AppResult<()> {
    if audit.status == status {
        Ok(())
    } else {
        Err(AppError::rule(
            "id",
            "audit_status",
            format!("{message}; audit {} is {}", audit.id, audit.status),
        ))
    }
}

/// The audit row, locked on PostgreSQL so two steps on one audit take turns.
pub(super) async fn locked(
    write: &Write<'_>,
    organization_id: i32,
    id: i32,
) -> AppResult<audit::Model> {
    write
        .for_update(
            audit::Entity::find_by_id(id).filter(audit::Column::OrganizationId.eq(organization_id)),
        )
        .one(&**write)
        .await?
        .ok_or_else(|| AppError::not_found(format!("audit {id}")))
}

/// Starts an audit: impartiality checked again (ownership may have changed since planning) and
/// the checklist generated from the scope, with a snapshot of each control's evidence.
pub async fn start(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Audit> {
    viewer.require(Permission::WriteAudits)?;
    let organization_id = viewer.organization_id()?;
    let write = Write::begin(services, viewer).await?;
    let row = locked(&write, organization_id, id).await?;
    let before: Audit = row.clone().try_into()?;
    require_on_team(&before, viewer)?;
    expect(
        &before,
        AuditStatus::Planned,
        "only a planned audit can start",
    )?;
    check_people_and_scope(
        &write,
        organization_id,
        &before.lead_auditor,
        &before.team,
        &before.scope,
    )
    .await?;
    let resolved = before
        .scope
        .resolve(&*write, &services.catalog, organization_id)
        .await?;
    let lines = checklist::generate(&write, organization_id, id, &resolved).await?;
    let mut active: audit::ActiveModel = row.into();
    active.status = Set(AuditStatus::InProgress.as_str().into());
    active.opened_at = Set(Some(write.now()));
    let after: Audit = active.update(&*write).await?.try_into()?;
    write
        .record(
            Action::Open,
            Entity::Audit,
            &id.to_string(),
            Some(snapshot(&before)?),
            Some(serde_json::json!({ "status": after.status, "checklist_lines": lines })),
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// Completes an audit once every checklist line has a result.
pub async fn complete(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Audit> {
    viewer.require(Permission::WriteAudits)?;
    let organization_id = viewer.organization_id()?;
    let write = Write::begin(services, viewer).await?;
    let row = locked(&write, organization_id, id).await?;
    let before: Audit = row.clone().try_into()?;
    require_on_team(&before, viewer)?;
    expect(
        &before,
        AuditStatus::InProgress,
        "only an audit in progress can complete",
    )?;
    let unchecked = checklist::unchecked(&*write, id).await?;
    if unchecked > 0 {
        return Err(AppError::rule(
            "id",
            "checklist_incomplete",
            format!("{unchecked} checklist line(s) have no result yet"),
        ));
    }
    // Every nonconformity found on the checklist enters corrective action (10.2) as a finding.
    let unreported = checklist::nonconforming_without_finding(&*write, id).await?;
    if let Some(line) = unreported.first() {
        return Err(AppError::rule(
            "id",
            "nonconformity_without_finding",
            format!(
                "{} nonconforming checklist line(s) have no finding yet, first: {}",
                unreported.len(),
                line.label
            ),
        ));
    }
    let mut active: audit::ActiveModel = row.into();
    active.status = Set(AuditStatus::Completed.as_str().into());
    active.closed_at = Set(Some(write.now()));
    let after: Audit = active.update(&*write).await?.try_into()?;
    write
        .changed(
            Action::Close,
            Entity::Audit,
            &id.to_string(),
            &before,
            &after,
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// An audit of the organization.
pub(super) async fn find<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<Audit> {
    audit::Entity::find_by_id(id)
        .filter(audit::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("audit {id}")))?
        .try_into()
}

/// One audit.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Audit> {
    viewer.require(Permission::ReadRecords)?;
    find(&services.db, viewer.organization_id()?, id).await
}

/// Audits, latest period first, optionally of one programme or status.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    programme_id: Option<i32>,
    status: Option<AuditStatus>,
) -> AppResult<Vec<Audit>> {
    viewer.require(Permission::ReadRecords)?;
    let mut query =
        audit::Entity::find().filter(audit::Column::OrganizationId.eq(viewer.organization_id()?));
    if let Some(id) = programme_id {
        query = query.filter(audit::Column::ProgrammeId.eq(id));
    }
    if let Some(status) = status {
        query = query.filter(audit::Column::Status.eq(status.as_str()));
    }
    query
        .order_by_desc(audit::Column::PeriodStart)
        .order_by_desc(audit::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}
