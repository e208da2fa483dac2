//! GraphQL shapes of metric definitions, series, rollups, episodes and threshold evaluations.

use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::metrics::episodes::Episode;
use crate::domain::metrics::evaluate::{Evaluation, Transition, TransitionKind};
use crate::domain::metrics::intake::PointInput;
use crate::domain::metrics::rollups::{SeriesInfo, SummaryRow, WindowRow};
use crate::domain::metrics::{
    Definition, DefinitionInput, Direction, Level, MetricKind, Statistic, Window,
};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::governance::types::SeverityValue;
use crate::graphql::util::{id, parse_id};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// What a metric measures.
    MetricKindValue, "MetricKind", MetricKind [
        DataDrift, PredictionDrift, Accuracy, Auc, FairnessGap, SafetyViolations, ToxicityRate,
        HallucinationRate, Latency, IncidentRate, Custom
    ]
);
graphql_vocabulary!(
    /// Which way a metric gets worse.
    DirectionValue, "MetricDirection", Direction [HigherIsWorse, HigherIsBetter]
);
graphql_vocabulary!(
    /// A calendar window in UTC.
    WindowValue, "MetricWindow", Window [Hour, Day, Week, Month]
);
graphql_vocabulary!(
    /// The figure a window is judged by; `rate` is the window's sum of values per hour.
    StatisticValue, "MetricStatistic", Statistic [Mean, P95, Max, Rate]
);
graphql_vocabulary!(
    /// Where a series stands after its last evaluated window.
    LevelValue, "MetricLevel", Level [Unknown, Ok, Warning, Breach]
);
graphql_vocabulary!(
    /// What an evaluation did to a series.
    TransitionKindValue, "ThresholdTransitionKind", TransitionKind [Opened, Closed, Warning]
);

/// A metric definition.
#[derive(SimpleObject)]
#[graphql(name = "MetricDefinition")]
pub struct DefinitionNode {
    pub id: ID,
    pub key: String,
    pub name: String,
    pub description: String,
    pub kind: MetricKindValue,
    pub unit: String,
    pub direction: DirectionValue,
    pub window: WindowValue,
    pub statistic: StatisticValue,
    pub warning_threshold: Option<f64>,
    pub breach_threshold: Option<f64>,
    /// Consecutive breaching windows that open an episode (and its incident).
    pub open_after: i32,
    /// Consecutive non-breaching windows that close it.
    pub close_after: i32,
    /// A series with no point for this long is stale.
    pub stale_after_hours: i32,
    pub incident_severity: SeverityValue,
    /// The controls this metric evidences (continuous control monitoring).
    pub control_ids: Vec<ID>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Definition> for DefinitionNode {
    fn from(d: Definition) -> Self {
        DefinitionNode {
            id: id(d.id),
            key: d.key,
            name: d.name,
            description: d.description,
            kind: d.kind.into(),
            unit: d.unit,
            direction: d.direction.into(),
            window: d.window.into(),
            statistic: d.statistic.into(),
            warning_threshold: d.warning_threshold,
            breach_threshold: d.breach_threshold,
            open_after: d.open_after,
            close_after: d.close_after,
            stale_after_hours: d.stale_after_hours,
            incident_severity: d.incident_severity.into(),
            control_ids: d.control_ids.into_iter().map(id).collect(),
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// Fields of a metric definition.
#[derive(InputObject)]
#[graphql(name = "MetricDefinitionInput")]
pub struct DefinitionInputNode {
    /// What pipelines send as `metric`: a-z, 0-9, '.', '_', '-'. Fixed once created.
    pub key: String,
    pub name: String,
    #[graphql(default)]
    pub description: String,
    pub kind: MetricKindValue,
    #[graphql(default)]
    pub unit: String,
    pub direction: DirectionValue,
    pub window: WindowValue,
    pub statistic: StatisticValue,
    pub warning_threshold: Option<f64>,
    pub breach_threshold: Option<f64>,
    #[graphql(default = 1)]
    pub open_after: i32,
    #[graphql(default = 2)]
    pub close_after: i32,
    /// Defaults to two windows.
    pub stale_after_hours: Option<i32>,
    #[graphql(default_with = "SeverityValue::Medium")]
    pub incident_severity: SeverityValue,
    #[graphql(default)]
    pub control_ids: Vec<ID>,
}

impl DefinitionInputNode {
    pub fn into_domain(self) -> async_graphql::Result<DefinitionInput> {
        Ok(DefinitionInput {
            key: self.key,
            name: self.name,
            description: self.description,
            kind: self.kind.into(),
            unit: self.unit,
            direction: self.direction.into(),
            window: self.window.into(),
            statistic: self.statistic.into(),
            warning_threshold: self.warning_threshold,
            breach_threshold: self.breach_threshold,
            open_after: self.open_after,
            close_after: self.close_after,
            stale_after_hours: self.stale_after_hours,
            incident_severity: self.incident_severity.into(),
            control_ids: self
                .control_ids
                .iter()
                .map(parse_id)
                .collect::<Result<_, _>>()
                .gql()?,
        })
    }
}

/// One point pushed through GraphQL.
#[derive(InputObject)]
#[graphql(name = "MetricPointInput")]
pub struct PointInputNode {
    /// The metric definition's key.
    pub metric: String,
    /// The AI system's id or exact name.
    pub ai_system: String,
    /// A version label of that system.
    pub model_version: Option<String>,
    /// A segment label, e.g. a demographic group.
    pub segment: Option<String>,
    pub time: DateTime<Utc>,
    pub value: f64,
}

impl From<PointInputNode> for PointInput {
    fn from(p: PointInputNode) -> Self {
        PointInput {
            metric: p.metric,
            ai_system: p.ai_system,
            model_version: p.model_version,
            segment: p.segment,
            time: p.time.to_rfc3339(),
            value: p.value,
        }
    }
}

/// What a push stored.
#[derive(SimpleObject)]
pub struct MetricIngestResult {
    pub points: i32,
    pub series: i32,
    pub chunks: i32,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub batch_id: String,
}

/// A time series: one metric of one AI system (and model version, and segment).
#[derive(SimpleObject, Clone)]
#[graphql(name = "MetricSeriesInfo")]
pub struct SeriesNode {
    pub id: ID,
    pub definition_id: ID,
    pub metric_key: String,
    pub metric_name: String,
    pub unit: String,
    pub ai_system_id: ID,
    pub ai_system_name: String,
    pub model_version_id: Option<ID>,
    pub segment: Option<String>,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
    /// Points stored (repeated times counted once after compaction).
    pub points: i64,
    pub level: LevelValue,
    pub last_value: Option<f64>,
    pub open_episode_id: Option<ID>,
    /// No point within the definition's staleAfterHours.
    pub stale: bool,
}

impl From<SeriesInfo> for SeriesNode {
    fn from(s: SeriesInfo) -> Self {
        SeriesNode {
            id: id(s.id),
            definition_id: id(s.definition.id),
            metric_key: s.definition.key,
            metric_name: s.definition.name,
            unit: s.definition.unit,
            ai_system_id: id(s.ai_system_id),
            ai_system_name: s.ai_system_name,
            model_version_id: s.model_version_id.map(id),
            segment: s.segment,
            first_at: s.first_at,
            last_at: s.last_at,
            points: s.points,
            level: s.level.into(),
            last_value: s.last_value,
            open_episode_id: s.open_episode_id.map(id),
            stale: s.stale,
        }
    }
}

/// One window of a series.
#[derive(SimpleObject)]
#[graphql(name = "MetricWindowStats")]
pub struct WindowNode {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub count: i32,
    pub mean: f64,
    pub min: f64,
    pub p50: f64,
    /// Linear interpolation between the closest ranks.
    pub p95: f64,
    pub max: f64,
    /// Points past the breach threshold.
    pub breaches: i32,
    /// Points past the warning threshold only.
    pub warnings: i32,
}

fn int(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<WindowRow> for WindowNode {
    fn from(w: WindowRow) -> Self {
        WindowNode {
            start: w.start,
            end: w.end,
            count: int(w.count),
            mean: w.mean,
            min: w.min,
            p50: w.p50,
            p95: w.p95,
            max: w.max,
            breaches: int(w.breaches),
            warnings: int(w.warnings),
        }
    }
}

/// A series rolled up into windows.
#[derive(SimpleObject)]
#[graphql(name = "MetricSeries")]
pub struct SeriesWindowsNode {
    pub series: SeriesNode,
    pub window: WindowValue,
    /// Oldest first; at most maxWindows, the latest ones.
    pub windows: Vec<WindowNode>,
    /// Older windows were left out.
    pub truncated: bool,
}

/// A series summarized over a period.
#[derive(SimpleObject)]
#[graphql(name = "MetricSummary")]
pub struct SummaryNode {
    pub series: SeriesNode,
    pub count: i32,
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub max: Option<f64>,
    pub breaches: i32,
    pub warnings: i32,
    /// Windows with data in the period.
    pub windows: i32,
    /// Least-squares change of the window means per window.
    pub trend: f64,
    /// The trend points the way the metric gets worse.
    pub worsening: bool,
}

impl From<SummaryRow> for SummaryNode {
    fn from(r: SummaryRow) -> Self {
        SummaryNode {
            series: r.series.into(),
            count: int(r.count),
            mean: r.mean,
            p50: r.p50,
            p95: r.p95,
            max: r.max,
            breaches: int(r.breaches),
            warnings: int(r.warnings),
            windows: i32::try_from(r.windows).unwrap_or(i32::MAX),
            trend: r.trend,
            worsening: r.worsening,
        }
    }
}

/// A breach episode: consecutive breaching windows of one series.
#[derive(SimpleObject)]
#[graphql(name = "MetricEpisode")]
pub struct EpisodeNode {
    pub id: ID,
    pub series_id: ID,
    /// open | closed
    pub status: String,
    pub opened_at: DateTime<Utc>,
    pub last_breach_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub breaching_windows: i32,
    /// The worst window value of the episode.
    pub peak: f64,
    pub incident_id: Option<ID>,
}

impl From<Episode> for EpisodeNode {
    fn from(e: Episode) -> Self {
        EpisodeNode {
            id: id(e.id),
            series_id: id(e.series_id),
            status: e.status,
            opened_at: e.opened_at,
            last_breach_at: e.last_breach_at,
            closed_at: e.closed_at,
            breaching_windows: e.breaching_windows,
            peak: e.peak,
            incident_id: e.incident_id.map(id),
        }
    }
}

/// One thing an evaluation did (or, dry, would do).
#[derive(SimpleObject)]
#[graphql(name = "ThresholdTransition")]
pub struct TransitionNode {
    pub kind: TransitionKindValue,
    pub series_id: ID,
    pub metric_key: String,
    pub ai_system_id: ID,
    pub segment: Option<String>,
    /// The window that caused it (for a close, the end of the closing window).
    pub at: DateTime<Utc>,
    pub value: f64,
    pub episode_id: Option<ID>,
    pub incident_id: Option<ID>,
    /// Emails queued (warnings).
    pub notified: i32,
}

impl From<Transition> for TransitionNode {
    fn from(t: Transition) -> Self {
        TransitionNode {
            kind: t.kind.into(),
            series_id: id(t.series_id),
            metric_key: t.metric_key,
            ai_system_id: id(t.ai_system_id),
            segment: (!t.segment.is_empty()).then_some(t.segment),
            at: t.at,
            value: t.value,
            episode_id: t.episode_id.map(id),
            incident_id: t.incident_id.map(id),
            notified: i32::try_from(t.notified).unwrap_or(i32::MAX),
        }
    }
}

/// What an evaluation did.
#[derive(SimpleObject)]
#[graphql(name = "ThresholdEvaluation")]
pub struct EvaluationNode {
    pub dry_run: bool,
    /// Series with windows to evaluate.
    pub series: i32,
    pub windows: i32,
    pub transitions: Vec<TransitionNode>,
}

impl From<Evaluation> for EvaluationNode {
    fn from(e: Evaluation) -> Self {
        EvaluationNode {
            dry_run: e.dry_run,
            series: i32::try_from(e.series).unwrap_or(i32::MAX),
            windows: i32::try_from(e.windows).unwrap_or(i32::MAX),
            transitions: e.transitions.into_iter().map(Into::into).collect(),
        }
    }
}
