//! Documentation artefacts (model cards, validation reports, change logs...): versioned, hashed,
//! stored or referenced by URI.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};

use crate::domain::Services;
use crate::domain::artifacts::{self, Artifact, ArtifactKind, NewArtifact};
use crate::domain::kernel::access::Permission;
use crate::error::AppError;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::{id, opt_id};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// What a documentation artefact is.
    ArtifactKindValue, "ArtifactKind", ArtifactKind [
        ModelCard, DataLineage, ChangeLog, ValidationReport, TestReport, DeploymentApproval,
        MonitoringRecord, TrainingRecord, IncidentDocument, ManagementReview
    ]
);

/// A documentation artefact (content downloadable at `downloadUrl` when stored).
#[derive(SimpleObject)]
#[graphql(name = "Artifact")]
pub struct ArtifactNode {
    pub id: ID,
    pub kind: ArtifactKindValue,
    pub title: String,
    pub version: i32,
    pub ai_system_id: Option<ID>,
    pub model_version_id: Option<ID>,
    pub control_id: Option<ID>,
    pub sha256: String,
    pub size: i64,
    pub media_type: Option<String>,
    pub uri: Option<String>,
    pub download_url: Option<String>,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

impl From<Artifact> for ArtifactNode {
    fn from(a: Artifact) -> Self {
        ArtifactNode {
            download_url: a.stored.then(|| format!("/artifacts/{}/content", a.id)),
            id: id(a.id),
            kind: a.kind.into(),
            title: a.title,
            version: a.version,
            ai_system_id: a.ai_system_id.map(id),
            model_version_id: a.model_version_id.map(id),
            control_id: a.control_id.map(id),
            sha256: a.sha256,
            size: a.size,
            media_type: a.media_type,
            uri: a.uri,
            added_by: a.added_by,
            added_at: a.added_at,
        }
    }
}

/// A new artefact: `contentBase64` (stored, up to 10 MiB through POST /uploads/artifact, smaller
/// here within the request limit) or `uri` with the content's `sha256`.
#[derive(InputObject)]
pub struct ArtifactInput {
    pub kind: ArtifactKindValue,
    pub title: String,
    pub ai_system_id: Option<ID>,
    pub model_version_id: Option<ID>,
    pub control_id: Option<ID>,
    pub media_type: Option<String>,
    pub uri: Option<String>,
    pub sha256: Option<String>,
    pub content_base64: Option<String>,
}

#[derive(Default)]
pub struct ArtifactQuery;

#[Object]
impl ArtifactQuery {
    /// Documentation artefacts, optionally of one AI system or kind, newest first.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn artifacts(
        &self,
        ctx: &Context<'_>,
        ai_system_id: Option<ID>,
        kind: Option<ArtifactKindValue>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<ArtifactNode>> {
        let services = ctx.data::<Services>()?;
        paginate(
            "artifact",
            artifacts::list(
                services,
                viewer(ctx),
                opt_id(ai_system_id)?,
                kind.map(Into::into),
            )
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect(),
            first,
            after,
            std::convert::identity,
        )
        .gql()
    }
}

#[derive(Default)]
pub struct ArtifactMutation;

#[Object]
impl ArtifactMutation {
    /// Adds the next version of a documentation artefact.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn add_artifact(&self, ctx: &Context<'_>, input: ArtifactInput) -> Result<ArtifactNode> {
        let services = ctx.data::<Services>()?;
        let content = input
            .content_base64
            .as_deref()
            .map(|b64| {
                STANDARD
                    .decode(b64)
                    .map_err(|_| AppError::validation("contentBase64 is not base64"))
            })
            .transpose()
            .gql()?;
        let new = NewArtifact {
            kind: input.kind.into(),
            title: input.title,
            ai_system_id: opt_id(input.ai_system_id)?,
            model_version_id: opt_id(input.model_version_id)?,
            control_id: opt_id(input.control_id)?,
            media_type: input.media_type,
            uri: input.uri,
            sha256: input.sha256,
            size: None,
            content,
        };
        Ok(artifacts::add(services, viewer(ctx), new)
            .await
            .gql()?
            .into())
    }
}
