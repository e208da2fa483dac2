//! Audit findings on a requirement, control or AI system on the audit's checklist: major and minor
//! nonconformities, observations and opportunities for improvement. A nonconformity closes only
//! once it has corrective actions and every one of them was verified effective by someone other
//! than its owner.

use chrono::{DateTime, Utc};
use entity::{audit_finding, corrective_action};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use super::actions::ActionStatus;
use super::audits::{self, AuditStatus};
use super::checklist;
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// How serious a finding is.
    pub enum FindingKind {
        MajorNonconformity => "major_nonconformity",
        MinorNonconformity => "minor_nonconformity",
        Observation => "observation",
        OpportunityForImprovement => "opportunity_for_improvement",
    }
}

impl FindingKind {
    /// Whether the finding needs verified corrective action before it closes.
    pub fn is_nonconformity(self) -> bool {
        matches!(
            self,
            FindingKind::MajorNonconformity | FindingKind::MinorNonconformity
        )
    }
}

vocabulary! {
    /// Whether a finding is still being dealt with.
    pub enum FindingStatus {
        Open => "open",
        Closed => "closed",
    }
}

/// A finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: i32,
    pub audit_id: i32,
    pub kind: FindingKind,
    pub requirement_id: Option<i32>,
    pub control_id: Option<i32>,
    pub ai_system_id: Option<i32>,
    pub title: String,
    pub description: String,
    pub status: FindingStatus,
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl TryFrom<audit_finding::Model> for Finding {
    type Error = AppError;
    fn try_from(m: audit_finding::Model) -> AppResult<Self> {
        Ok(Finding {
            id: m.id,
            audit_id: m.audit_id,
            kind: FindingKind::stored(&m.kind)?,
            requirement_id: m.requirement_id,
            control_id: m.control_id,
            ai_system_id: m.ai_system_id,
            title: m.title,
            description: m.description,
            status: FindingStatus::stored(&m.status)?,
            raised_by: m.raised_by,
            raised_at: m.raised_at,
            closed_by: m.closed_by,
            closed_at: m.closed_at,
        })
    }
}

/// A finding as an auditor raises it.
#[derive(Debug, Clone)]
pub struct NewFinding {
    pub audit_id: i32,
    pub kind: FindingKind,
    pub requirement_id: Option<i32>,
    pub control_id: Option<i32>,
    pub ai_system_id: Option<i32>,
    pub title: String,
    pub description: String,
}

/// Raises a finding on an audit in progress or completed.
pub async fn raise(services: &Services, viewer: &Viewer, input: NewFinding) -> AppResult<Finding> {
    viewer.require(Permission::WriteAudits)?;
    let organization_id = viewer.organization_id()?;
    let title = validate::line("title", &input.title, 300)?;
    let description = validate::text("description", &input.description, 20_000)?;
    if input.requirement_id.is_none() && input.control_id.is_none() && input.ai_system_id.is_none()
    {
        return Err(AppError::rule(
            "requirementId",
            "finding_subject_required",
            "a finding is on a requirement, a control or an AI system",
        ));
    }
    let write = Write::begin(services, viewer).await?;
    let audit: audits::Audit = audits::locked(&write, organization_id, input.audit_id)
        .await?
        .try_into()?;
    audits::require_on_team(&audit, viewer)?;
    if audit.status == AuditStatus::Planned {
        return Err(AppError::rule(
            "auditId",
            "audit_status",
            "findings are raised once the audit has started",
        ));
    }
    // In scope means on the checklist the audit opened with, whatever the mappings are now.
    let lines = checklist::lines_of(&*write, audit.id).await?;
    for (field, wanted, on_line) in [
        (
            "requirementId",
            input.requirement_id,
            lines.iter().map(|l| l.requirement_id).collect::<Vec<_>>(),
        ),
        (
            "controlId",
            input.control_id,
            lines.iter().map(|l| l.control_id).collect(),
        ),
        (
            "aiSystemId",
            input.ai_system_id,
            lines.iter().map(|l| l.ai_system_id).collect(),
        ),
    ] {
        if let Some(id) = wanted
            && !on_line.contains(&Some(id))
        {
            return Err(AppError::rule(
                field,
                "out_of_scope",
                format!("{id} is not on the checklist of audit {}", audit.id),
            ));
        }
    }
    let row = audit_finding::ActiveModel {
        organization_id: Set(organization_id),
        audit_id: Set(audit.id),
        kind: Set(input.kind.as_str().into()),
        requirement_id: Set(input.requirement_id),
        control_id: Set(input.control_id),
        ai_system_id: Set(input.ai_system_id),
        title: Set(title),
        description: Set(description),
        status: Set(FindingStatus::Open.as_str().into()),
        raised_by: Set(write.actor().to_string()),
        raised_at: Set(write.now()),
        closed_by: Set(None),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(&*write)
    .await?;
    let created: Finding = row.try_into()?;
    write
        .created(Entity::AuditFinding, created.id, &created)
        .await?;
    write.commit().await?;
    Ok(created)
}

/// A finding of the organization, locked on PostgreSQL so closing it and verifying one of its
/// actions take turns.
pub(super) async fn locked(
    write: &Write<'_>,
    organization_id: i32,
    id: i32,
) -> AppResult<audit_finding::Model> {
    let query = write.for_update(
        audit_finding::Entity::find_by_id(id)
            .filter(audit_finding::Column::OrganizationId.eq(organization_id)),
    );
    query
        .one(&**write)
        .await?
        .ok_or_else(|| AppError::not_found(format!("finding {id}")))
}

/// Closes a finding. A nonconformity needs corrective actions, all verified effective.
pub async fn close(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Finding> {
    viewer.require(Permission::WriteAudits)?;
    let organization_id = viewer.organization_id()?;
    let write = Write::begin(services, viewer).await?;
    let row = locked(&write, organization_id, id).await?;
    let before: Finding = row.clone().try_into()?;
    if before.status == FindingStatus::Closed {
        return Err(AppError::rule(
            "id",
            "finding_status",
            format!("finding {id} is already closed"),
        ));
    }
    if before.kind.is_nonconformity() {
        let actions = corrective_action::Entity::find()
            .filter(corrective_action::Column::FindingId.eq(id))
            .all(&*write)
            .await?;
        if actions.is_empty() {
            return Err(AppError::rule(
                "id",
                "corrective_action_required",
                format!("a {} closes only after corrective action", before.kind),
            ));
        }
        let unverified = actions
            .iter()
            .filter(|a| a.status != ActionStatus::Verified.as_str())
            .count();
        if unverified > 0 {
            return Err(AppError::rule(
                "id",
                "verification_required",
                format!(
                    "{unverified} corrective action(s) of this {} are not yet verified effective by someone other than their owner",
                    before.kind
                ),
            ));
        }
    }
    let mut active: audit_finding::ActiveModel = row.into();
    active.status = Set(FindingStatus::Closed.as_str().into());
    active.closed_by = Set(Some(write.actor().to_string()));
    active.closed_at = Set(Some(write.now()));
    let after: Finding = active.update(&*write).await?.try_into()?;
    write
        .changed(
            Action::Close,
            Entity::AuditFinding,
            &id.to_string(),
            &before,
            &after,
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// Which findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    pub audit_id: Option<i32>,
    pub status: Option<FindingStatus>,
    pub kind: Option<FindingKind>,
}

/// Findings of the organization, newest first.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    filter: &FindingFilter,
) -> AppResult<Vec<Finding>> {
    viewer.require(Permission::ReadRecords)?;
    all_of(&services.db, viewer.organization_id()?, filter).await
}

/// Findings of an organization, newest first (for reviews and reports).
pub async fn all_of<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    filter: &FindingFilter,
) -> AppResult<Vec<Finding>> {
    let mut query = audit_finding::Entity::find()
        .filter(audit_finding::Column::OrganizationId.eq(organization_id));
    if let Some(id) = filter.audit_id {
        query = query.filter(audit_finding::Column::AuditId.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(audit_finding::Column::Status.eq(status.as_str()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(audit_finding::Column::Kind.eq(kind.as_str()));
    }
    query
        .order_by_desc(audit_finding::Column::RaisedAt)
        .order_by_desc(audit_finding::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// One finding.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Finding> {
    viewer.require(Permission::ReadRecords)?;
    audit_finding::Entity::find_by_id(id)
        .filter(audit_finding::Column::OrganizationId.eq(viewer.organization_id()?))
        .one(&services.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("finding {id}")))?
        .try_into()
}
