//! Documentation artefacts: model cards, data lineage records, change logs, validation and test
//! reports, deployment approvals, monitoring and training records, incident documents. Each is
//! versioned by kind and title, linked to an AI system / model version / control, and carries the
//! SHA-256 of its content, which is stored in the database (so every instance behind a load
//! balancer serves it) or referenced by URI.

use chrono::{DateTime, Utc};
use entity::{ai_system, artifact, control, model_version};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Entity, Write};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// What a documentation artefact is.
    pub enum ArtifactKind {
        ModelCard => "model_card",
        DataLineage => "data_lineage",
        ChangeLog => "change_log",
        ValidationReport => "validation_report",
        TestReport => "test_report",
        DeploymentApproval => "deployment_approval",
        MonitoringRecord => "monitoring_record",
        TrainingRecord => "training_record",
        IncidentDocument => "incident_document",
    }
}

/// Largest stored artefact file.
pub const MAX_CONTENT_BYTES: usize = 10 * 1024 * 1024;

/// An artefact's record (without its content).
#[derive(Debug, Clone, Serialize)]
pub struct Artifact {
    pub id: i32,
    pub kind: ArtifactKind,
    pub title: String,
    pub version: i32,
    pub ai_system_id: Option<i32>,
    pub model_version_id: Option<i32>,
    pub control_id: Option<i32>,
    pub sha256: String,
    pub size: i64,
    pub media_type: Option<String>,
    pub uri: Option<String>,
    pub stored: bool,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

impl TryFrom<artifact::Model> for Artifact {
    type Error = AppError;
    fn try_from(m: artifact::Model) -> AppResult<Self> {
        Ok(Artifact {
            stored: m.content.is_some(),
            id: m.id,
            kind: ArtifactKind::stored(&m.kind)?,
            title: m.title,
            version: m.version,
            ai_system_id: m.ai_system_id,
            model_version_id: m.model_version_id,
            control_id: m.control_id,
            sha256: m.sha256,
            size: m.size,
            media_type: m.media_type,
            uri: m.uri,
            added_by: m.added_by,
            added_at: m.added_at,
        })
    }
}

/// A new artefact: either `content` (stored) or a `uri` with the content's `sha256`.
#[derive(Debug, Clone)]
pub struct NewArtifact {
    pub kind: ArtifactKind,
    pub title: String,
    pub ai_system_id: Option<i32>,
    pub model_version_id: Option<i32>,
    pub control_id: Option<i32>,
    pub media_type: Option<String>,
    pub uri: Option<String>,
    pub sha256: Option<String>,
    pub size: Option<i64>,
    pub content: Option<Vec<u8>>,
}

async fn check_links<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    input: &NewArtifact,
) -> AppResult<()> {
    if let Some(id) = input.ai_system_id
        && ai_system::Entity::find_by_id(id)
            .filter(ai_system::Column::OrganizationId.eq(organization_id))
            .count(db)
            .await?
            == 0
    {
        return Err(AppError::not_found(format!("AI system {id}")));
    }
    if let Some(id) = input.model_version_id
        && model_version::Entity::find_by_id(id)
            .filter(model_version::Column::OrganizationId.eq(organization_id))
            .count(db)
            .await?
            == 0
    {
        return Err(AppError::not_found(format!("model version {id}")));
    }
    if let Some(id) = input.control_id
        && control::Entity::find_by_id(id)
            .filter(control::Column::OrganizationId.eq(organization_id))
            .count(db)
            .await?
            == 0
    {
        return Err(AppError::not_found(format!("control {id}")));
    }
    Ok(())
}

/// Adds the next version of an artefact (by kind and title).
pub async fn add(services: &Services, viewer: &Viewer, input: NewArtifact) -> AppResult<Artifact> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let kind = input.kind;
    let title = validate::line("title", &input.title, 300)?;
    let (sha256, size) = match (&input.content, &input.uri) {
        (Some(content), _) => {
            if content.len() > MAX_CONTENT_BYTES {
                return Err(AppError::rule(
                    "contentBase64",
                    "content_too_large",
                    format!("artefact files are limited to {MAX_CONTENT_BYTES} bytes"),
                ));
            }
            let digest = hex::encode(Sha256::digest(content));
            if let Some(claimed) = &input.sha256
                && !claimed.eq_ignore_ascii_case(&digest)
            {
                return Err(AppError::rule(
                    "sha256",
                    "sha256_mismatch",
                    "the sha256 given does not match the content",
                ));
            }
            (digest, content.len() as i64)
        }
        (None, Some(_)) => {
            let claimed = input
                .sha256
                .clone()
                .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
                .ok_or_else(|| {
                    AppError::rule(
                        "sha256",
                        "uri_needs_sha256",
                        "an artefact referenced by URI needs the sha256 of its content",
                    )
                })?;
            (claimed.to_ascii_lowercase(), input.size.unwrap_or(0))
        }
        (None, None) => {
            return Err(AppError::rule(
                "contentBase64",
                "content_or_uri",
                "give the artefact's content or a URI",
            ));
        }
    };
    if input.ai_system_id.is_none()
        && input.model_version_id.is_none()
        && input.control_id.is_none()
    {
        return Err(AppError::rule(
            "aiSystemId",
            "artifact_link_required",
            "link the artefact to an AI system, a model version or a control",
        ));
    }
    let txn = Write::begin(services, viewer).await?;
    check_links(&*txn, organization_id, &input).await?;
    let latest: Option<i32> = artifact::Entity::find()
        .select_only()
        .column(artifact::Column::Version)
        .filter(artifact::Column::OrganizationId.eq(organization_id))
        .filter(artifact::Column::Kind.eq(kind.as_str()))
        .filter(artifact::Column::Title.eq(title.as_str()))
        .order_by_desc(artifact::Column::Version)
        .into_tuple()
        .one(&*txn)
        .await?;
    let created: Artifact = artifact::ActiveModel {
        organization_id: Set(organization_id),
        kind: Set(kind.as_str().into()),
        title: Set(title),
        version: Set(latest.unwrap_or(0) + 1),
        ai_system_id: Set(input.ai_system_id),
        model_version_id: Set(input.model_version_id),
        control_id: Set(input.control_id),
        sha256: Set(sha256),
        size: Set(size),
        media_type: Set(input.media_type),
        uri: Set(input.uri),
        content: Set(input.content),
        added_by: Set(viewer.describe()),
        added_at: Set(txn.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?
    .try_into()?;
    txn.created(Entity::Artifact, created.id, &created).await?;
    txn.commit().await?;
    Ok(created)
}

/// Artefacts, optionally of one AI system or kind, newest first.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    ai_system_id: Option<i32>,
    kind: Option<ArtifactKind>,
) -> AppResult<Vec<Artifact>> {
    viewer.require(Permission::ReadRecords)?;
    let mut query = artifact::Entity::find()
        .filter(artifact::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_desc(artifact::Column::Id);
    if let Some(id) = ai_system_id {
        query = query.filter(artifact::Column::AiSystemId.eq(id));
    }
    if let Some(kind) = kind {
        query = query.filter(artifact::Column::Kind.eq(kind.as_str()));
    }
    query
        .all(&services.db)
        .await?
        .into_iter()
        .map(Artifact::try_from)
        .collect()
}

/// An artefact's stored content with its media type (auditors and integrators included).
pub async fn content(
    services: &Services,
    viewer: &Viewer,
    id: i32,
) -> AppResult<(Artifact, Vec<u8>)> {
    viewer.require(Permission::ReadCrosswalk)?;
    let row = artifact::Entity::find_by_id(id)
        .filter(artifact::Column::OrganizationId.eq(viewer.organization_id()?))
        .one(&services.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("artefact {id}")))?;
    let bytes = row.content.clone().ok_or_else(|| {
        AppError::not_found("stored content (this artefact is referenced by URI)")
    })?;
    Ok((row.try_into()?, bytes))
}
