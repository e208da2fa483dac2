//! Demo metrics: drift, accuracy, fairness, latency and toxicity definitions, and points every
//! 30 minutes ending now for the first in-scope AI systems (a month for the small demo, a year
//! and more than a million points for the large one). Values are deterministic noise around a
//! healthy baseline with drift episodes that breach; they are loaded as CSV through the bulk
//! ingest path and evaluated, so breach episodes and their incidents exist at once.

use std::fmt::Write as _;

use chrono::{Duration, DurationRound};

use super::Size;
use crate::domain::Services;
use crate::domain::controls::{self, ControlFilter, ControlStatus};
use crate::domain::governance::Severity;
use crate::domain::inventory::AiSystem;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::metrics::ingest::Format;
use crate::domain::metrics::intake::{self, Pushed};
use crate::domain::metrics::{
    DefinitionInput, Direction, MetricKind, Statistic, Window, definitions, evaluate,
};
use crate::error::{AppError, AppResult};

/// `(key, name, kind, unit, direction, statistic, warning, breach, severity, baseline, noise, shift)`
type Spec = (
    &'static str,
    &'static str,
    MetricKind,
    &'static str,
    Direction,
    Statistic,
    f64,
    f64,
    Severity,
    f64,
    f64,
    f64,
);

const SPECS: &[Spec] = &[
    (
        "drift.psi",
        "Input drift (PSI)",
        MetricKind::DataDrift,
        "psi",
        Direction::HigherIsWorse,
        Statistic::Mean,
        0.1,
        0.2,
        Severity::Medium,
        0.04,
        0.02,
        0.25,
    ),
    (
        "accuracy",
        "Accuracy",
        MetricKind::Accuracy,
        "ratio",
        Direction::HigherIsBetter,
        Statistic::Mean,
        0.85,
        0.8,
        Severity::High,
        0.91,
        0.01,
        -0.16,
    ),
    (
        "fairness.gap",
        "Approval-rate gap between groups",
        MetricKind::FairnessGap,
        "ratio",
        Direction::HigherIsWorse,
        Statistic::Max,
        0.08,
        0.12,
        Severity::High,
        0.03,
        0.01,
        0.12,
    ),
    (
        "latency.p95",
        "Response latency",
        MetricKind::Latency,
        "ms",
        Direction::HigherIsWorse,
        Statistic::P95,
        800.0,
        1500.0,
        Severity::Low,
        300.0,
        60.0,
        1800.0,
    ),
    (
        "toxicity.rate",
        "Toxic output rate",
        MetricKind::ToxicityRate,
        "ratio",
        Direction::HigherIsWorse,
        Statistic::Mean,
        0.005,
        0.01,
        Severity::Critical,
        0.002,
        0.001,
        0.02,
    ),
];

/// A small deterministic generator (64-bit LCG): the same demo on every machine.
struct Noise(u64);

impl Noise {
    /// Uniform in [-1, 1).
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
}

/// Creates the definitions and loads the points; returns how many points.
pub async fn seed(
    services: &Services,
    viewer: &Viewer,
    systems: &[AiSystem],
    size: Size,
) -> AppResult<usize> {
    let controls = controls::list(services, viewer, &ControlFilter::default()).await?;
    let monitored: Vec<i32> = controls
        .iter()
        .filter(|c| c.status == ControlStatus::Implemented)
        .filter(|c| {
            let text = format!("{} {}", c.title, c.description).to_lowercase();
            text.contains("monitor")
        })
        .take(2)
        .map(|c| c.id)
        .collect();
    for (i, spec) in SPECS.iter().enumerate() {
        definitions::create(
            services,
            viewer,
            DefinitionInput {
                key: spec.0.into(),
                name: spec.1.into(),
                description: format!(
                    "{} of each AI system in operation, pushed by the monitoring pipeline.",
                    spec.1
                ),
                kind: spec.2,
                unit: spec.3.into(),
                direction: spec.4,
                window: Window::Day,
                statistic: spec.5,
                warning_threshold: Some(spec.6),
                breach_threshold: Some(spec.7),
                open_after: 2,
                close_after: 3,
                stale_after_hours: None,
                incident_severity: spec.8,
                // Drift monitoring evidences the organization's monitoring controls.
                control_ids: if i == 0 {
                    monitored.clone()
                } else {
                    Vec::new()
                },
            },
        )
        .await?;
    }
    let (system_count, days) = match size {
        Size::Small => (3, 30),
        Size::Large => (12, 365),
    };
    let end = services
        .clock
        .now()
        .duration_trunc(Duration::minutes(30))
        .map_err(AppError::internal)?;
    let steps = days * 48;
    let mut csv = String::with_capacity(system_count * SPECS.len() * steps as usize * 60);
    csv.push_str("metric,ai_system,time,value\n");
    let mut points = 0;
    for (s, system) in systems
        .iter()
        .filter(|s| s.in_scope)
        .take(system_count)
        .enumerate()
    {
        for (m, spec) in SPECS.iter().enumerate() {
            let series = (s * SPECS.len() + m) as u64;
            let mut noise = Noise(series.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5eed);
            // Two drift episodes a year (one a month in the small demo), 3-5 days each.
            let episodes: Vec<(i64, i64)> = match size {
                Size::Small => vec![(i64::from(s as u8) * 4 + 10, 4)],
                Size::Large => vec![
                    (
                        (37 * series as i64 + 40) % (days - 20),
                        3 + (series as i64 % 3),
                    ),
                    ((91 * series as i64 + 190) % (days - 20), 4),
                ],
            };
            for step in 0..steps {
                let at = end - Duration::minutes(30 * (steps - step));
                let day = step / 48;
                let drifting = episodes
                    .iter()
                    .any(|(from, len)| day >= *from && day < from + len);
                let mut value = spec.9 + spec.10 * noise.next();
                if drifting {
                    value += spec.11 * (0.8 + 0.2 * noise.next().abs());
                }
                let _ = writeln!(
                    csv,
                    "{},{},{},{:.6}",
                    spec.0,
                    system.id,
                    at.to_rfc3339(),
                    value.max(0.0)
                );
                points += 1;
            }
        }
    }
    match intake::push_stream(
        services,
        viewer,
        Format::Csv,
        std::io::Cursor::new(csv.into_bytes()),
        "demo",
    )
    .await?
    {
        Pushed::Stored(_) => {}
        Pushed::TooLarge(message) => {
            return Err(AppError::internal(anyhow::anyhow!(
                "demo metrics too large: {message}"
            )));
        }
        Pushed::Rejected { errors, .. } => {
            return Err(AppError::internal(anyhow::anyhow!(
                "demo metrics rejected: {errors:?}"
            )));
        }
    }
    evaluate::evaluate(services, viewer.organization_id()?, "demo", false).await?;
    Ok(points)
}
