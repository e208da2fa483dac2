//! Monitoring metrics of AI systems (ISO/IEC 42001 9.1, NIST AI RMF MEASURE): definitions with
//! thresholds, series of points pushed by monitoring pipelines, rollups, breach episodes that
//! open incidents, and continuous control monitoring.
//!
//! - [`definitions`]: what is measured, how windows are summarized, thresholds, linked controls;
//! - [`ingest`]: parsing CSV / NDJSON / GraphQL batches into validated points (all or nothing),
//!   [`intake`]: the push use case that stores them in one audited write;
//! - [`store`]: points kept as compressed columnar chunks ([`codec`]) per series and month,
//!   appended by ingest and merged by the compaction job;
//! - [`rollups`]: `metricSeries` / `metricSummary` through polars (`crate::analytics::metrics`);
//! - [`evaluate`]: windows against thresholds ([`walk`], pure), episodes with hysteresis,
//!   incidents and warnings written by [`apply`];
//! - [`monitoring`]: what the metrics say about the controls they evidence;
//! - [`worker`]: the job runner's evaluation, compaction and periodic duties.

pub mod apply;
pub mod codec;
pub mod definitions;
pub mod episodes;
pub mod evaluate;
pub mod ingest;
pub mod intake;
pub mod monitoring;
pub mod rollups;
pub mod store;
pub mod walk;
pub mod worker;

use crate::analytics::metrics::Bucket;
use crate::domain::kernel::vocabulary::vocabulary;

pub use definitions::{Definition, DefinitionInput};

vocabulary! {
    /// What a metric measures.
    pub enum MetricKind {
        DataDrift => "data_drift",
        PredictionDrift => "prediction_drift",
        Accuracy => "accuracy",
        Auc => "auc",
        FairnessGap => "fairness_gap",
        SafetyViolations => "safety_violations",
        ToxicityRate => "toxicity_rate",
        HallucinationRate => "hallucination_rate",
        Latency => "latency",
        IncidentRate => "incident_rate",
        Custom => "custom",
    }
}

vocabulary! {
    /// Which way a metric gets worse.
    pub enum Direction {
        HigherIsWorse => "higher_is_worse",
        HigherIsBetter => "higher_is_better",
    }
}

vocabulary! {
    /// The calendar window (UTC) a metric is evaluated over.
    pub enum Window {
        Hour => "hour",
        Day => "day",
        Week => "week",
        Month => "month",
    }
}

vocabulary! {
    /// How a window's points become the one figure held against the thresholds. `rate` is the
    /// sum of the window's values per hour (points carry event counts).
    pub enum Statistic {
        Mean => "mean",
        P95 => "p95",
        Max => "max",
        Rate => "rate",
    }
}

vocabulary! {
    /// Where a series stands after its last evaluated window.
    pub enum Level {
        Unknown => "unknown",
        Ok => "ok",
        Warning => "warning",
        Breach => "breach",
    }
}

impl Window {
    pub fn bucket(self) -> Bucket {
        match self {
            Window::Hour => Bucket::Hour,
            Window::Day => Bucket::Day,
            Window::Week => Bucket::Week,
            Window::Month => Bucket::Month,
        }
    }
}

impl Direction {
    pub fn higher_is_worse(self) -> bool {
        self == Direction::HigherIsWorse
    }
}

impl MetricKind {
    /// The incident category a breach of this kind of metric opens.
    pub fn incident_category(self) -> crate::domain::incidents::Category {
        use crate::domain::incidents::Category;
        match self {
            MetricKind::FairnessGap => Category::Fairness,
            MetricKind::SafetyViolations
            | MetricKind::ToxicityRate
            | MetricKind::HallucinationRate => Category::Safety,
            MetricKind::IncidentRate | MetricKind::Custom => Category::Other,
            _ => Category::PerformanceOrDrift,
        }
    }
}
