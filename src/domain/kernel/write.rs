//! The one audited-write path. Every mutation of an organization's records runs in a [`Write`]:
//! a transaction begun for writing (IMMEDIATE on SQLite, so concurrent writers queue instead of
//! failing at commit), typed audit events appended to the organization's hash chain inside it,
//! and on commit the chain head checkpointed outside the database. A new feature's write is:
//!
//! ```ignore
//! let write = Write::begin(services, viewer).await?;
//! let created = model.insert(&*write).await?;
//! write.created(Entity::Risk, created.id, &created).await?;
//! write.commit().await?;
//! ```
//!
//! The time of the write ([`Write::now`]) comes from the injected clock, once, so every row and
//! the audit entry of one write carry the same instant.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;
use serde::Serialize;
use serde_json::Value;

use crate::db::begin_write;
use crate::domain::Services;
use crate::domain::audit;
use crate::domain::kernel::viewer::Viewer;
use crate::error::{AppError, AppResult};

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
    Retire,
    Revoke,
    Submit,
    Decide,
    Include,
    Exclude,
    Seed,
    Set,
    SetMember,
    SetStatus,
    SetControls,
    NewVersion,
    Approve,
    ReturnToDraft,
    Fire,
    Deliver,
    GiveUp,
    Ingest,
    Open,
    Close,
    Notify,
}

impl Action {
    /// The stored (and hashed) form; never change an existing spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Retire => "retire",
            Action::Revoke => "revoke",
            Action::Submit => "submit",
            Action::Decide => "decide",
            Action::Include => "include",
            Action::Exclude => "exclude",
            Action::Seed => "seed",
            Action::Set => "set",
            Action::SetMember => "set_member",
            Action::SetStatus => "set_status",
            Action::SetControls => "set_controls",
            Action::NewVersion => "new_version",
            Action::Approve => "approve",
            Action::ReturnToDraft => "return_to_draft",
            Action::Fire => "fire",
            Action::Deliver => "deliver",
            Action::GiveUp => "give_up",
            Action::Ingest => "ingest",
            Action::Open => "open",
            Action::Close => "close",
            Action::Notify => "notify",
        }
    }
}

/// The kind of record an audit entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    AiSystem,
    ApiKey,
    ApprovalRequest,
    Artifact,
    Control,
    ControlLibrary,
    ControlMapping,
    EscalationRoute,
    Evidence,
    GovernanceBody,
    Incident,
    IncidentSla,
    MetricBatch,
    MetricDefinition,
    MetricEpisode,
    ModelVersion,
    Notification,
    Organization,
    Outbox,
    Person,
    Policy,
    RaciAssignment,
    ReportRun,
    ReportSchedule,
    RequirementApplicability,
    RequirementMapping,
    Risk,
    ScopeStatement,
    Audit,
    AuditChecklistItem,
    AuditFinding,
    AuditProgramme,
    CorrectiveAction,
    ManagementReview,
    ReviewAction,
    RiskMatrix,
    Dataset,
    DatasetCheck,
    LineageEdge,
    LineageNode,
    ModelDataset,
}

impl Entity {
    /// The stored (and hashed) form; never change an existing spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::AiSystem => "ai_system",
            Entity::ApiKey => "api_key",
            Entity::ApprovalRequest => "approval_request",
            Entity::Artifact => "artifact",
            Entity::Control => "control",
            Entity::ControlLibrary => "control_library",
            Entity::ControlMapping => "control_mapping",
            Entity::EscalationRoute => "escalation_route",
            Entity::Evidence => "evidence",
            Entity::GovernanceBody => "governance_body",
            Entity::Incident => "incident",
            Entity::IncidentSla => "incident_sla",
            Entity::MetricBatch => "metric_batch",
            Entity::MetricDefinition => "metric_definition",
            Entity::MetricEpisode => "metric_episode",
            Entity::Notification => "notification",
            Entity::ModelVersion => "model_version",
            Entity::Organization => "organization",
            Entity::Outbox => "outbox",
            Entity::Person => "person",
            Entity::Policy => "policy",
            Entity::RaciAssignment => "raci_assignment",
            Entity::ReportRun => "report_run",
            Entity::ReportSchedule => "report_schedule",
            Entity::RequirementApplicability => "requirement_applicability",
            Entity::RequirementMapping => "requirement_mapping",
            Entity::Risk => "risk",
            Entity::ScopeStatement => "scope_statement",
            Entity::Audit => "audit",
            Entity::AuditChecklistItem => "audit_checklist_item",
            Entity::AuditFinding => "audit_finding",
            Entity::AuditProgramme => "audit_programme",
            Entity::CorrectiveAction => "corrective_action",
            Entity::ManagementReview => "management_review",
            Entity::ReviewAction => "review_action",
            Entity::RiskMatrix => "risk_matrix",
            Entity::Dataset => "dataset",
            Entity::DatasetCheck => "dataset_check",
            Entity::LineageEdge => "lineage_edge",
            Entity::LineageNode => "lineage_node",
            Entity::ModelDataset => "model_dataset",
        }
    }
}

/// An open audited write. Dereferences to the transaction for queries (`&*write`).
pub struct Write<'s> {
    services: &'s Services,
    txn: DatabaseTransaction,
    organization_id: Option<i32>,
    actor: String,
    now: DateTime<Utc>,
}

impl std::ops::Deref for Write<'_> {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl<'s> Write<'s> {
    /// A write in the viewer's organization, audited as the viewer.
    pub async fn begin(services: &'s Services, viewer: &Viewer) -> AppResult<Write<'s>> {
        let organization_id = viewer.organization_id()?;
        Write::begin_as(services, Some(organization_id), viewer.describe()).await
    }

    /// A write audited as `actor`; `organization_id` may be set later with
    /// [`Write::set_organization`] (creating an organization learns its id inside the write).
    pub async fn begin_as(
        services: &'s Services,
        organization_id: Option<i32>,
        actor: String,
    ) -> AppResult<Write<'s>> {
        Ok(Write {
            services,
            txn: begin_write(&services.db).await?,
            organization_id,
            actor,
            now: services.clock.now(),
        })
    }

    /// `query` locking the rows it reads on PostgreSQL (`FOR UPDATE`), so two steps on one
    /// record take turns; SQLite's single writer already serializes writes.
    pub fn for_update<E: sea_orm::EntityTrait>(
        &self,
        query: sea_orm::Select<E>,
    ) -> sea_orm::Select<E> {
        use sea_orm::{ConnectionTrait, QuerySelect};
        if self.txn.get_database_backend() == sea_orm::DbBackend::Postgres {
            query.lock_exclusive()
        } else {
            query
        }
    }

    /// The instant of this write, from the injected clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The services this write runs with (for follow-ups queued inside it, such as emails).
    pub fn services(&self) -> &'s Services {
        self.services
    }

    /// Who the write is audited as.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn set_organization(&mut self, organization_id: i32) {
        self.organization_id = Some(organization_id);
    }

    fn organization(&self) -> AppResult<i32> {
        self.organization_id.ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("an audited write needs an organization"))
        })
    }

    /// Appends one audit event inside the transaction.
    pub async fn record(
        &self,
        action: Action,
        entity: Entity,
        entity_id: impl ToString,
        before: Option<Value>,
        after: Option<Value>,
    ) -> AppResult<()> {
        audit::append(
            &self.txn,
            audit::Event {
                organization_id: self.organization()?,
                actor: &self.actor,
                action: action.as_str(),
                entity: entity.as_str(),
                entity_id: entity_id.to_string(),
                before,
                after,
                at: self.now,
            },
        )
        .await
        .map(drop)
    }

    /// A record was created: `after` is its stored state.
    pub async fn created<T: Serialize>(
        &self,
        entity: Entity,
        entity_id: impl ToString,
        after: &T,
    ) -> AppResult<()> {
        self.record(
            Action::Create,
            entity,
            entity_id,
            None,
            Some(snapshot(after)?),
        )
        .await
    }

    /// Records a change of `entity_id` as `action`, with its state before and after.
    pub async fn changed<B: Serialize, A: Serialize>(
        &self,
        action: Action,
        entity: Entity,
        entity_id: impl ToString,
        before: &B,
        after: &A,
    ) -> AppResult<()> {
        self.record(
            action,
            entity,
            entity_id,
            Some(snapshot(before)?),
            Some(snapshot(after)?),
        )
        .await
    }

    /// Commits, then checkpoints the organization's chain head outside the database. A failed
    /// checkpoint write is logged, not returned: the data is already committed.
    pub async fn commit(self) -> AppResult<()> {
        let organization_id = self.organization_id;
        self.txn.commit().await?;
        if let Some(organization_id) = organization_id {
            audit::checkpoint(self.services, organization_id).await;
        }
        Ok(())
    }
}

/// A record's state as stored in the log.
pub fn snapshot<T: Serialize>(value: &T) -> AppResult<Value> {
    serde_json::to_value(value).map_err(AppError::internal)
}
