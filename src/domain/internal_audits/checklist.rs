//! The checklist an audit opens with, generated from its scope: a line per requirement and
//! mapped control (or per requirement with no control, which is itself worth a look), per
//! control named on its own, and per AI system; each control line keeps a snapshot of the
//! control's status and evidence as they were when the audit opened. Auditors record a result
//! and a note on each line.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entity::{ai_system, audit_checklist_item, audit_finding, control, evidence};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::{Value, json};

use super::audits::{self, AuditStatus};
use super::scope::Resolved;
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// What the auditor concluded on a checklist line.
    pub enum CheckResult {
        NotChecked => "not_checked",
        Conforming => "conforming",
        Nonconforming => "nonconforming",
        NotApplicable => "not_applicable",
    }
}

/// Evidence items kept per control in the snapshot (newest first); the count covers all.
const SNAPSHOT_EVIDENCE: usize = 20;
/// Rows per insert statement (well under PostgreSQL's bind-parameter limit).
const INSERT_BATCH: usize = 500;

/// One checklist line.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub id: i32,
    pub audit_id: i32,
    pub position: i32,
    pub requirement_id: Option<i32>,
    pub control_id: Option<i32>,
    pub ai_system_id: Option<i32>,
    pub label: String,
    /// The control's status and evidence when the audit opened.
    pub evidence: Value,
    pub result: CheckResult,
    pub note: String,
    pub checked_by: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
}

impl TryFrom<audit_checklist_item::Model> for Line {
    type Error = AppError;
    fn try_from(m: audit_checklist_item::Model) -> AppResult<Self> {
        Ok(Line {
            id: m.id,
            audit_id: m.audit_id,
            position: m.position,
            requirement_id: m.requirement_id,
            control_id: m.control_id,
            ai_system_id: m.ai_system_id,
            label: m.label,
            evidence: serde_json::from_str(&m.evidence).map_err(AppError::internal)?,
            result: CheckResult::stored(&m.result)?,
            note: m.note,
            checked_by: m.checked_by,
            checked_at: m.checked_at,
        })
    }
}

/// A control's status and evidence, as the snapshot keeps them.
fn control_snapshot(
    control: &control::Model,
    evidence: &[&evidence::Model],
    now: DateTime<Utc>,
) -> Value {
    let current = evidence
        .iter()
        .filter(|e| e.valid_until.is_none_or(|until| until >= now))
        .count();
    json!({
        "control": control.code,
        "status": control.status,
        "effectiveness": control.effectiveness,
        "evidence_count": evidence.len(),
        "current_evidence_count": current,
        "evidence": evidence.iter().take(SNAPSHOT_EVIDENCE).map(|e| json!({
            "id": e.id,
            "title": e.title,
            "kind": e.kind,
            "collected_at": e.collected_at,
            "valid_until": e.valid_until,
            "sha256": e.sha256,
        })).collect::<Vec<_>>(),
    })
}

/// A line before it is stored.
struct Draft {
    requirement_id: Option<i32>,
    control_id: Option<i32>,
    ai_system_id: Option<i32>,
    label: String,
    evidence: Value,
}

/// Writes the checklist of audit `audit_id` inside `write`; returns how many lines.
pub(super) async fn generate(
    write: &Write<'_>,
    organization_id: i32,
    audit_id: i32,
    scope: &Resolved,
) -> AppResult<usize> {
    let services = write.services();
    let catalog = &services.catalog;
    let controls: HashMap<i32, control::Model> = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .all(&**write)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut by_control: HashMap<i32, Vec<evidence::Model>> = HashMap::new();
    for item in evidence::Entity::find()
        .filter(evidence::Column::OrganizationId.eq(organization_id))
        .order_by_desc(evidence::Column::CollectedAt)
        .all(&**write)
        .await?
    {
        if scope.control_ids.contains(&item.control_id) {
            by_control.entry(item.control_id).or_default().push(item);
        }
    }
    let now = write.now();
    let snapshot_of = |id: i32| -> Value {
        match controls.get(&id) {
            Some(control) => {
                let items: Vec<&evidence::Model> = by_control
                    .get(&id)
                    .map_or_else(Vec::new, |v| v.iter().collect());
                control_snapshot(control, &items, now)
            }
            None => json!({}),
        }
    };
    let control_label = |id: i32| {
        controls.get(&id).map_or_else(
            || format!("control {id}"),
            |c| format!("{} {}", c.code, c.title),
        )
    };
    let mut lines: Vec<Draft> = Vec::new();
    let mut covered: BTreeSet<i32> = BTreeSet::new();
    for requirement_id in &scope.requirement_ids {
        let requirement = catalog.requirement(*requirement_id)?;
        let framework = catalog
            .framework_by_id(requirement.framework_id)
            .map_or("", |f| f.short_name.as_str());
        let heading = format!("{framework} {} {}", requirement.ref_id, requirement.title);
        match scope.mapped.get(requirement_id) {
            Some(mapped) if !mapped.is_empty() => {
                for control_id in mapped {
                    covered.insert(*control_id);
                    lines.push(Draft {
                        requirement_id: Some(*requirement_id),
                        control_id: Some(*control_id),
                        ai_system_id: None,
                        label: format!("{heading}: {}", control_label(*control_id)),
                        evidence: snapshot_of(*control_id),
                    });
                }
            }
            _ => lines.push(Draft {
                requirement_id: Some(*requirement_id),
                control_id: None,
                ai_system_id: None,
                label: format!("{heading}: no control mapped"),
                evidence: json!({}),
            }),
        }
    }
    for control_id in &scope.control_ids {
        if !covered.contains(control_id) {
            lines.push(Draft {
                requirement_id: None,
                control_id: Some(*control_id),
                ai_system_id: None,
                label: control_label(*control_id),
                evidence: snapshot_of(*control_id),
            });
        }
    }
    if !scope.ai_system_ids.is_empty() {
        let systems = ai_system::Entity::find()
            .filter(ai_system::Column::OrganizationId.eq(organization_id))
            .filter(ai_system::Column::Id.is_in(scope.ai_system_ids.iter().copied()))
            .order_by_asc(ai_system::Column::Id)
            .all(&**write)
            .await?;
        for system in systems {
            lines.push(Draft {
                requirement_id: None,
                control_id: None,
                ai_system_id: Some(system.id),
                label: format!(
                    "AI system {}: inventory, risk, incident and monitoring records",
                    system.name
                ),
                evidence: json!({
                    "ai_system_id": system.id,
                    "lifecycle_stage": system.lifecycle_stage,
                    "risk_tier": system.risk_tier,
                    "in_scope": system.in_scope,
                }),
            });
        }
    }
    let count = lines.len();
    let mut rows = Vec::with_capacity(count);
    for (position, line) in lines.into_iter().enumerate() {
        rows.push(audit_checklist_item::ActiveModel {
            organization_id: Set(organization_id),
            audit_id: Set(audit_id),
            position: Set(i32::try_from(position + 1).map_err(AppError::internal)?),
            requirement_id: Set(line.requirement_id),
            control_id: Set(line.control_id),
            ai_system_id: Set(line.ai_system_id),
            label: Set(line.label),
            evidence: Set(line.evidence.to_string()),
            result: Set(CheckResult::NotChecked.as_str().into()),
            note: Set(String::new()),
            checked_by: Set(None),
            checked_at: Set(None),
            ..Default::default()
        });
    }
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(INSERT_BATCH));
        audit_checklist_item::Entity::insert_many(std::mem::replace(&mut rows, rest))
            .exec(&**write)
            .await?;
    }
    Ok(count)
}

/// How many lines of an audit have no result yet.
pub(super) async fn unchecked<C: ConnectionTrait>(db: &C, audit_id: i32) -> AppResult<u64> {
    Ok(audit_checklist_item::Entity::find()
        .filter(audit_checklist_item::Column::AuditId.eq(audit_id))
        .filter(audit_checklist_item::Column::Result.eq(CheckResult::NotChecked.as_str()))
        .count(db)
        .await?)
}

/// Every line of an audit, in order.
pub(super) async fn lines_of<C: ConnectionTrait>(db: &C, audit_id: i32) -> AppResult<Vec<Line>> {
    audit_checklist_item::Entity::find()
        .filter(audit_checklist_item::Column::AuditId.eq(audit_id))
        .order_by_asc(audit_checklist_item::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// The nonconforming lines of an audit with no finding of the audit on their control,
/// requirement or AI system.
pub(super) async fn nonconforming_without_finding<C: ConnectionTrait>(
    db: &C,
    audit_id: i32,
) -> AppResult<Vec<Line>> {
    let findings = audit_finding::Entity::find()
        .filter(audit_finding::Column::AuditId.eq(audit_id))
        .all(db)
        .await?;
    Ok(lines_of(db, audit_id)
        .await?
        .into_iter()
        .filter(|l| l.result == CheckResult::Nonconforming)
        .filter(|l| {
            !findings.iter().any(|f| {
                (l.control_id.is_some() && f.control_id == l.control_id)
                    || (l.control_id.is_none()
                        && l.requirement_id.is_some()
                        && f.requirement_id == l.requirement_id)
                    || (l.ai_system_id.is_some() && f.ai_system_id == l.ai_system_id)
            })
        })
        .collect())
}

/// An audit's checklist, in order.
pub async fn of(services: &Services, viewer: &Viewer, audit_id: i32) -> AppResult<Vec<Line>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    audit_checklist_item::Entity::find()
        .filter(audit_checklist_item::Column::OrganizationId.eq(organization_id))
        .filter(audit_checklist_item::Column::AuditId.eq(audit_id))
        .order_by_asc(audit_checklist_item::Column::Position)
        .all(&services.db)
        .await?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// Records the auditor's result and note on a line of an audit in progress.
pub async fn record(
    services: &Services,
    viewer: &Viewer,
    line_id: i32,
    result: CheckResult,
    note: &str,
) -> AppResult<Line> {
    viewer.require(Permission::WriteAudits)?;
    let organization_id = viewer.organization_id()?;
    let note = validate::optional_text("note", note, 20_000)?;
    if result == CheckResult::NotChecked {
        return Err(AppError::rule(
            "result",
            "result_required",
            "record conforming, nonconforming or not_applicable",
        ));
    }
    if note.is_empty() && result != CheckResult::Conforming {
        return Err(AppError::rule(
            "note",
            "note_required",
            format!("a {} result needs a note saying why", result.as_str()),
        ));
    }
    let write = Write::begin(services, viewer).await?;
    let row = audit_checklist_item::Entity::find_by_id(line_id)
        .filter(audit_checklist_item::Column::OrganizationId.eq(organization_id))
        .one(&*write)
        .await?
        .ok_or_else(|| AppError::not_found(format!("checklist line {line_id}")))?;
    let audit: audits::Audit = audits::locked(&write, organization_id, row.audit_id)
        .await?
        .try_into()?;
    audits::require_on_team(&audit, viewer)?;
    if audit.status != AuditStatus::InProgress {
        return Err(AppError::rule(
            "id",
            "audit_status",
            "results are recorded while the audit is in progress",
        ));
    }
    // Read again under the audit's lock: another auditor may have recorded it meanwhile.
    let row = audit_checklist_item::Entity::find_by_id(line_id)
        .one(&*write)
        .await?
        .ok_or_else(|| AppError::not_found(format!("checklist line {line_id}")))?;
    let before: Line = row.clone().try_into()?;
    let mut active: audit_checklist_item::ActiveModel = row.into();
    active.result = Set(result.as_str().into());
    active.note = Set(note);
    active.checked_by = Set(Some(write.actor().to_string()));
    active.checked_at = Set(Some(write.now()));
    let after: Line = active.update(&*write).await?.try_into()?;
    write
        .record(
            Action::Update,
            Entity::AuditChecklistItem,
            &line_id.to_string(),
            Some(json!({ "result": before.result, "note": before.note })),
            Some(snapshot(
                &json!({ "result": after.result, "note": after.note }),
            )?),
        )
        .await?;
    write.commit().await?;
    Ok(after)
}
