//! Evidence that a control operates. Evidence counts toward coverage only while it is current:
//! collected in the past and not past its `valid_until`.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entity::evidence;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::domain::Services;
use crate::domain::controls::find_model;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Entity, Write};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// Kinds of evidence an auditor expects to see.
    pub enum EvidenceKind {
        Log => "log",
        Screenshot => "screenshot",
        TestResult => "test_result",
        Approval => "approval",
        RiskAssessment => "risk_assessment",
        ModelCard => "model_card",
        LineageRecord => "lineage_record",
        PipelineDocumentation => "pipeline_documentation",
        Policy => "policy",
        Report => "report",
        Other => "other",
    }
}

/// One piece of evidence.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Evidence {
    pub id: i32,
    pub control_id: i32,
    pub title: String,
    pub kind: EvidenceKind,
    pub collected_at: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub sha256: Option<String>,
    pub uri: Option<String>,
    pub collector: String,
    pub created_at: DateTime<Utc>,
}

impl Evidence {
    /// Current at `now`: collected already and not expired.
    pub fn is_current(&self, now: DateTime<Utc>) -> bool {
        self.collected_at <= now && self.valid_until.is_none_or(|until| until > now)
    }
}

impl TryFrom<evidence::Model> for Evidence {
    type Error = AppError;
    fn try_from(m: evidence::Model) -> AppResult<Self> {
        Ok(Evidence {
            id: m.id,
            control_id: m.control_id,
            title: m.title,
            kind: EvidenceKind::stored(&m.kind)?,
            collected_at: m.collected_at,
            valid_until: m.valid_until,
            sha256: m.sha256,
            uri: m.uri,
            collector: m.collector,
            created_at: m.created_at,
        })
    }
}

/// Fields of new evidence.
#[derive(Debug, Clone)]
pub struct NewEvidence {
    pub title: String,
    pub kind: EvidenceKind,
    pub collected_at: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub sha256: Option<String>,
    pub uri: Option<String>,
}

/// Records evidence for a control of the viewer's organization.
pub async fn add(
    services: &Services,
    viewer: &Viewer,
    control_id: i32,
    input: NewEvidence,
) -> AppResult<Evidence> {
    viewer.require(Permission::WriteControls)?;
    crate::domain::kernel::validate::line("title", &input.title, 300)?;
    let kind = input.kind;
    if input
        .valid_until
        .is_some_and(|until| until <= input.collected_at)
    {
        return Err(AppError::rule(
            "validUntil",
            "valid_until_before_collected",
            "validUntil must be after collectedAt",
        ));
    }
    if let Some(hash) = &input.sha256
        && (hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(AppError::rule(
            "sha256",
            "sha256_format",
            "sha256 must be 64 hexadecimal characters",
        ));
    }
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    find_model(&*txn, organization_id, control_id).await?;
    let created = evidence::ActiveModel {
        organization_id: Set(organization_id),
        control_id: Set(control_id),
        title: Set(input.title.trim().to_string()),
        kind: Set(kind.as_str().into()),
        collected_at: Set(input.collected_at),
        valid_until: Set(input.valid_until),
        sha256: Set(input.sha256.map(|h| h.to_ascii_lowercase())),
        uri: Set(input.uri),
        collector: Set(viewer.describe()),
        created_at: Set(txn.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let evidence: Evidence = created.try_into()?;
    txn.created(Entity::Evidence, evidence.id, &evidence)
        .await?;
    txn.commit().await?;
    Ok(evidence)
}

/// Evidence of one control, newest first.
pub async fn of_control(
    services: &Services,
    viewer: &Viewer,
    control_id: i32,
) -> AppResult<Vec<Evidence>> {
    viewer.require(Permission::ReadCrosswalk)?;
    let organization_id = viewer.organization_id()?;
    find_model(&services.db, organization_id, control_id).await?;
    evidence::Entity::find()
        .filter(evidence::Column::OrganizationId.eq(organization_id))
        .filter(evidence::Column::ControlId.eq(control_id))
        .order_by_desc(evidence::Column::CollectedAt)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Evidence::try_from)
        .collect()
}

/// Ids of the viewer's organization's controls with current evidence, as of the injected clock.
pub async fn evidenced_control_ids(
    services: &Services,
    viewer: &Viewer,
) -> AppResult<HashSet<i32>> {
    viewer.require(Permission::ReadCrosswalk)?;
    controls_with_current_evidence(
        &services.db,
        viewer.organization_id()?,
        services.clock.now(),
    )
    .await
}

/// Ids of the organization's controls that have current evidence at `now`.
pub async fn controls_with_current_evidence<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    now: DateTime<Utc>,
) -> AppResult<HashSet<i32>> {
    // Only the distinct control ids travel, not every evidence row.
    let ids: Vec<i32> = evidence::Entity::find()
        .select_only()
        .column(evidence::Column::ControlId)
        .distinct()
        .filter(evidence::Column::OrganizationId.eq(organization_id))
        .filter(evidence::Column::CollectedAt.lte(now))
        .filter(
            sea_orm::Condition::any()
                .add(evidence::Column::ValidUntil.is_null())
                .add(evidence::Column::ValidUntil.gt(now)),
        )
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Active, applicable controls of the viewer's organization with no current evidence.
pub async fn controls_without_current_evidence(
    services: &Services,
    viewer: &Viewer,
) -> AppResult<Vec<crate::domain::controls::Control>> {
    let controls = crate::domain::controls::list(
        services,
        viewer,
        &crate::domain::controls::ControlFilter::default(),
    )
    .await?;
    let evidenced = controls_with_current_evidence(
        &services.db,
        viewer.organization_id()?,
        services.clock.now(),
    )
    .await?;
    Ok(controls
        .into_iter()
        .filter(|c| {
            c.status != crate::domain::controls::ControlStatus::NotApplicable
                && !evidenced.contains(&c.id)
        })
        .collect())
}

/// Every piece of evidence of an organization, newest first (reports read it once rather than
/// per control).
pub async fn all_of<C: ConnectionTrait>(db: &C, organization_id: i32) -> AppResult<Vec<Evidence>> {
    evidence::Entity::find()
        .filter(evidence::Column::OrganizationId.eq(organization_id))
        .order_by_desc(evidence::Column::CollectedAt)
        .order_by_desc(evidence::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Evidence::try_from)
        .collect()
}
