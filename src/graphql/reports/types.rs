//! GraphQL shapes of reports: kinds, formats, scopes and stored runs.

use async_graphql::{Enum, ID, InputObject, Json, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::reports::ReportKind;
use crate::domain::reports::scope::Scope;
use crate::domain::reports::stored::{StoredOutput, StoredRun};

/// A kind of report. (The stored word of `governance_board` is `governance-board`.)
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "ReportKind", rename_items = "snake_case")]
pub enum ReportKindValue {
    GovernanceBoard,
    Compliance,
    Soa,
    Escalation,
    Metrics,
}

impl From<ReportKindValue> for ReportKind {
    fn from(value: ReportKindValue) -> Self {
        match value {
            ReportKindValue::GovernanceBoard => ReportKind::Board,
            ReportKindValue::Compliance => ReportKind::Compliance,
            ReportKindValue::Soa => ReportKind::Soa,
            ReportKindValue::Escalation => ReportKind::Escalation,
            ReportKindValue::Metrics => ReportKind::Metrics,
        }
    }
}

/// A rendered format.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "ReportFormat", rename_items = "snake_case")]
pub enum ReportFormatValue {
    Html,
    Text,
    Json,
    Pdf,
    Xlsx,
    Csv,
}

impl ReportFormatValue {
    pub fn name(self) -> &'static str {
        match self {
            ReportFormatValue::Html => "html",
            ReportFormatValue::Text => "text",
            ReportFormatValue::Json => "json",
            ReportFormatValue::Pdf => "pdf",
            ReportFormatValue::Xlsx => "xlsx",
            ReportFormatValue::Csv => "csv",
        }
    }
}

/// What a report covers; everything when empty.
#[derive(InputObject, Default)]
pub struct ReportScopeInput {
    pub business_unit: Option<String>,
    pub ai_system_ids: Option<Vec<ID>>,
    /// `iso-iec-42001`, `nist-csf` or `nist-ai-rmf` (compliance report).
    pub framework: Option<String>,
}

impl From<ReportScopeInput> for Scope {
    fn from(input: ReportScopeInput) -> Self {
        Scope {
            business_unit: input.business_unit,
            // Ids that are not numbers match no AI system; the scope check refuses them.
            ai_system_ids: input
                .ai_system_ids
                .unwrap_or_default()
                .iter()
                .map(|id| id.parse::<i32>().unwrap_or(-1))
                .collect(),
            framework: input.framework,
        }
    }
}

/// One stored file of a run.
#[derive(SimpleObject)]
#[graphql(name = "StoredReportOutput")]
pub struct ReportOutputNode {
    /// `pdf`, `xlsx`, `html`, `text`, `json`, or `csv:<table>`.
    pub format: String,
    pub media_type: String,
    pub file_name: String,
    pub sha256: String,
    pub bytes: i64,
    /// Download path under the API root.
    pub url: String,
}

impl From<StoredOutput> for ReportOutputNode {
    fn from(o: StoredOutput) -> Self {
        ReportOutputNode {
            format: o.format,
            media_type: o.media_type,
            file_name: o.file_name,
            sha256: o.sha256,
            bytes: i64::try_from(o.bytes).unwrap_or(i64::MAX),
            url: o.url,
        }
    }
}

/// A stored report run.
#[derive(SimpleObject)]
#[graphql(name = "StoredReport")]
pub struct ReportRunNode {
    pub id: ID,
    /// The kind's stored word (`governance-board`, `soa`...).
    pub kind: String,
    pub period: Option<String>,
    pub scope: Option<Json<serde_json::Value>>,
    /// `manual` or `scheduled`.
    pub trigger: String,
    pub schedule_id: Option<ID>,
    /// sha256 of the report's structured data.
    pub data_sha256: Option<String>,
    /// sha256 over the outputs' sha256s.
    pub checksum: String,
    pub created_at: DateTime<Utc>,
    pub outputs: Vec<ReportOutputNode>,
}

impl From<StoredRun> for ReportRunNode {
    fn from(r: StoredRun) -> Self {
        ReportRunNode {
            id: ID(r.id.to_string()),
            kind: r.kind,
            period: r.period,
            scope: r.scope.map(Json),
            trigger: r.trigger,
            schedule_id: r.schedule_id.map(|id| ID(id.to_string())),
            data_sha256: r.data_sha256,
            checksum: r.checksum,
            created_at: r.created_at,
            outputs: r.outputs.into_iter().map(Into::into).collect(),
        }
    }
}
