//! The metrics report: per AI system and metric (and segment), windows of the period (daily up to
//! 45 days, weekly beyond) with mean, p95, max and how many points breached; per series the
//! period's figures, the windows whose judged statistic (the definition's mean, p95, max or rate)
//! was past the breach threshold, and the trend. Charts draw each series' judged statistic with
//! its warning and breach thresholds.

use serde::Serialize;

use super::chart::{Chart, trend};
use super::document::{Cell, ColumnKind, Document, Section, Table, format_number};
use super::{Context, kind_document};
use crate::analytics::metrics::{self, Bucket, WindowStats, instant};
use crate::domain::metrics::rollups::{self, SeriesFilter};
use crate::domain::metrics::walk::statistic_value;
use crate::error::AppResult;

/// Periods up to this many days are shown in daily windows; longer ones in weeks.
const DAILY_UP_TO_DAYS: i64 = 45;
/// Charts drawn at most (the tables hold every series).
const MAX_CHARTS: usize = 24;

#[derive(Debug, Clone, Serialize)]
pub struct MetricsReport {
    /// `day` or `week`.
    pub window: String,
    pub series: Vec<SeriesReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriesReport {
    pub ai_system: String,
    pub metric: String,
    pub key: String,
    pub unit: String,
    pub segment: Option<String>,
    pub statistic: String,
    pub warning_threshold: Option<f64>,
    pub breach_threshold: Option<f64>,
    pub points: u32,
    pub mean: Option<f64>,
    pub p95: Option<f64>,
    pub max: Option<f64>,
    /// Points past the breach threshold.
    pub breach_points: u32,
    /// Windows whose judged statistic was past the breach threshold.
    pub breach_windows: u32,
    /// Least-squares change of the judged statistic per window.
    pub trend: f64,
    pub worsening: bool,
    pub windows: Vec<WindowReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WindowReport {
    pub start: chrono::DateTime<chrono::Utc>,
    pub points: u32,
    pub mean: f64,
    pub p95: f64,
    pub max: f64,
    /// The definition's statistic for this window.
    pub value: f64,
    pub breach_points: u32,
    pub breaching: bool,
}

pub async fn gather(ctx: &Context<'_>) -> AppResult<MetricsReport> {
    let bucket = if ctx.period.days_long() <= DAILY_UP_TO_DAYS {
        Bucket::Day
    } else {
        Bucket::Week
    };
    let rows = ctx
        .aggregated(rollups::windows_and_totals(
            ctx.services,
            ctx.viewer,
            &SeriesFilter::default(),
            bucket,
            (ctx.period.from, ctx.period.read_until(ctx.now)),
        ))
        .await?;
    let mut series = Vec::new();
    for (info, total, windows) in rows {
        if !ctx.scope.includes(Some(info.ai_system_id)) {
            continue;
        }
        let definition = &info.definition;
        let higher_is_worse = definition.direction.higher_is_worse();
        let judged = |w: &WindowStats| statistic_value(definition.statistic, w, bucket);
        let windows: Vec<WindowReport> = windows
            .iter()
            .map(|w| {
                let value = judged(w);
                WindowReport {
                    start: instant(w.start),
                    points: w.count,
                    mean: w.mean,
                    p95: w.p95,
                    max: w.max,
                    value,
                    breach_points: w.breaches,
                    breaching: metrics::past(value, definition.breach_threshold, higher_is_worse),
                }
            })
            .collect();
        let values: Vec<f64> = windows.iter().map(|w| w.value).collect();
        let trend = metrics::slope(&values);
        series.push(SeriesReport {
            ai_system: info.ai_system_name.clone(),
            metric: definition.name.clone(),
            key: definition.key.clone(),
            unit: definition.unit.clone(),
            segment: info.segment.clone(),
            statistic: definition.statistic.to_string(),
            warning_threshold: definition.warning_threshold,
            breach_threshold: definition.breach_threshold,
            points: total.as_ref().map_or(0, |t| t.count),
            mean: total.as_ref().map(|t| t.mean),
            p95: total.as_ref().map(|t| t.p95),
            max: total.as_ref().map(|t| t.max),
            breach_points: total.as_ref().map_or(0, |t| t.breaches),
            breach_windows: u32::try_from(windows.iter().filter(|w| w.breaching).count())
                .unwrap_or(u32::MAX),
            worsening: if higher_is_worse {
                trend > 0.0
            } else {
                trend < 0.0
            },
            trend,
            windows,
        });
    }
    series.sort_by(|a, b| {
        (a.ai_system.as_str(), a.key.as_str(), a.segment.as_deref()).cmp(&(
            b.ai_system.as_str(),
            b.key.as_str(),
            b.segment.as_deref(),
        ))
    });
    Ok(MetricsReport {
        window: match bucket {
            Bucket::Day => "day".into(),
            _ => "week".into(),
        },
        series,
    })
}

fn label(s: &SeriesReport) -> String {
    match &s.segment {
        Some(segment) => format!("{} / {} [{segment}]", s.ai_system, s.metric),
        None => format!("{} / {}", s.ai_system, s.metric),
    }
}

/// A chart of one series' judged statistic per window, with its thresholds.
pub fn chart(s: &SeriesReport) -> Chart {
    let values: Vec<f64> = s.windows.iter().map(|w| w.value).collect();
    trend(
        format!("{} ({} per window)", label(s), s.statistic),
        &s.unit,
        s.windows
            .iter()
            .map(|w| w.start.format("%m-%d").to_string())
            .collect(),
        &s.metric,
        &values,
        s.warning_threshold,
        s.breach_threshold,
    )
}

pub fn summary_table(report: &MetricsReport) -> Table {
    let mut table = Table::new(
        "metric_summary",
        "Per AI system and metric over the period",
        &[
            ("AI system", ColumnKind::Text),
            ("metric", ColumnKind::Text),
            ("segment", ColumnKind::Text),
            ("unit", ColumnKind::Text),
            ("points", ColumnKind::Integer),
            ("mean", ColumnKind::Number),
            ("p95", ColumnKind::Number),
            ("max", ColumnKind::Number),
            ("breach threshold", ColumnKind::Number),
            ("breaching points", ColumnKind::Integer),
            ("breaching windows", ColumnKind::Integer),
            ("trend per window", ColumnKind::Number),
            ("direction", ColumnKind::Text),
        ],
    );
    for s in &report.series {
        table.push(vec![
            s.ai_system.as_str().into(),
            s.metric.as_str().into(),
            Cell::from(s.segment.clone()),
            s.unit.as_str().into(),
            s.points.into(),
            s.mean.into(),
            s.p95.into(),
            s.max.into(),
            s.breach_threshold.into(),
            s.breach_points.into(),
            s.breach_windows.into(),
            s.trend.into(),
            (if s.worsening {
                "worsening"
            } else {
                "steady or improving"
            })
            .into(),
        ]);
    }
    table
}

pub fn document(ctx: &Context<'_>, report: &MetricsReport) -> Document {
    let mut windows = Table::new(
        "metric_windows",
        &format!("Per {} window", report.window),
        &[
            ("AI system", ColumnKind::Text),
            ("metric", ColumnKind::Text),
            ("segment", ColumnKind::Text),
            ("window start", ColumnKind::Date),
            ("points", ColumnKind::Integer),
            ("mean", ColumnKind::Number),
            ("p95", ColumnKind::Number),
            ("max", ColumnKind::Number),
            ("judged value", ColumnKind::Number),
            ("breaching points", ColumnKind::Integer),
            ("breaching", ColumnKind::Text),
        ],
    );
    for s in &report.series {
        for w in &s.windows {
            windows.push(vec![
                s.ai_system.as_str().into(),
                s.metric.as_str().into(),
                Cell::from(s.segment.clone()),
                w.start.date_naive().into(),
                w.points.into(),
                w.mean.into(),
                w.p95.into(),
                w.max.into(),
                w.value.into(),
                w.breach_points.into(),
                (if w.breaching { "yes" } else { "no" }).into(),
            ]);
        }
    }
    let breaching: Vec<&SeriesReport> = report
        .series
        .iter()
        .filter(|s| s.breach_windows > 0)
        .collect();
    let mut overview = Section::new("Overview").facts(vec![
        ("Series".into(), report.series.len().to_string()),
        ("Window".into(), report.window.clone()),
        (
            "Series with breaching windows".into(),
            breaching.len().to_string(),
        ),
        (
            "Worsening series".into(),
            report
                .series
                .iter()
                .filter(|s| s.worsening)
                .count()
                .to_string(),
        ),
    ]);
    for s in breaching.iter().take(10) {
        overview = overview.paragraph(format!(
            "{}: {} of {} windows past the breach threshold {} {}.",
            label(s),
            s.breach_windows,
            s.windows.len(),
            s.breach_threshold.map(format_number).unwrap_or_default(),
            s.unit
        ));
    }
    let mut charts = Section::new("Trends");
    if report.series.len() > MAX_CHARTS {
        charts = charts.paragraph(format!(
            "The first {MAX_CHARTS} of {} series are drawn; the tables hold every series.",
            report.series.len()
        ));
    }
    for s in report.series.iter().take(MAX_CHARTS) {
        charts = charts.chart(chart(s));
    }
    kind_document(
        ctx,
        "Metrics report",
        vec![
            overview,
            Section::new("Summary").table(summary_table(report)),
            charts,
            Section::new("Windows").table(windows),
        ],
    )
}
