//! Reading metrics: the organization's series, one series rolled up into windows, and the
//! summary of every series over a period (count, mean, p50, p95, max, breach and warning counts,
//! the trend of its window means, its latest value). Chunks are decoded and aggregated with polars
//! off the async workers, one series at a time; `metricSeries` answers at most 1,000 windows and
//! periods span at most three years.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{ai_system, metric_series};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::definitions::{self, Definition};
use super::{Level, Window, store};
use crate::analytics::metrics::{self, Bucket, SeriesPoints, WindowStats, instant};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::blocking;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::error::{AppError, AppResult};

/// Most windows one `metricSeries` answer holds.
pub const MAX_WINDOWS: usize = 1_000;
/// Period read when none is given.
const DEFAULT_DAYS: i64 = 30;
/// Longest period one request may read.
const MAX_DAYS: i64 = 3 * 366;

/// A series with its definition and AI system.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesInfo {
    pub id: i32,
    pub definition: Definition,
    pub ai_system_id: i32,
    pub ai_system_name: String,
    pub model_version_id: Option<i32>,
    pub segment: Option<String>,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
    pub points: i64,
    pub level: Level,
    pub last_value: Option<f64>,
    pub open_episode_id: Option<i32>,
    /// No point within the definition's `stale_after_hours`.
    pub stale: bool,
}

/// Which series to read.
#[derive(Debug, Clone, Default)]
pub struct SeriesFilter {
    pub definition_id: Option<i32>,
    pub ai_system_id: Option<i32>,
    pub segment: Option<String>,
}

/// One window of a series.
#[derive(Debug, Clone, Serialize)]
pub struct WindowRow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub count: u32,
    pub mean: f64,
    pub min: f64,
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
    pub breaches: u32,
    pub warnings: u32,
}

/// A series summarized over a period.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    pub series: SeriesInfo,
    pub count: u32,
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub max: Option<f64>,
    pub breaches: u32,
    pub warnings: u32,
    pub windows: usize,
    /// Least-squares change of the window means per window.
    pub trend: f64,
    /// The trend points the way the metric gets worse.
    pub worsening: bool,
}

/// The period `[from, to)` to read, defaulted and bounded.
pub fn period(
    now: DateTime<Utc>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> AppResult<(DateTime<Utc>, DateTime<Utc>)> {
    let to = to.unwrap_or(now + Duration::seconds(1));
    let from = from.unwrap_or(to - Duration::days(DEFAULT_DAYS));
    if from >= to {
        return Err(AppError::rule(
            "from",
            "before_to",
            "from must be before to",
        ));
    }
    if to - from > Duration::days(MAX_DAYS) {
        return Err(AppError::rule(
            "from",
            "period_too_long",
            format!("a period may span at most {MAX_DAYS} days"),
        ));
    }
    Ok((from, to))
}

/// The organization's series, with their definitions and systems.
pub async fn series(
    services: &Services,
    viewer: &Viewer,
    filter: &SeriesFilter,
) -> AppResult<Vec<SeriesInfo>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    let db = &services.db;
    let definitions: HashMap<i32, Definition> = definitions::all_of(db, organization_id)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let systems: HashMap<i32, String> = ai_system::Entity::find()
        .filter(ai_system::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut query = metric_series::Entity::find()
        .filter(metric_series::Column::OrganizationId.eq(organization_id));
    if let Some(id) = filter.definition_id {
        query = query.filter(metric_series::Column::DefinitionId.eq(id));
    }
    if let Some(id) = filter.ai_system_id {
        query = query.filter(metric_series::Column::AiSystemId.eq(id));
    }
    if let Some(segment) = &filter.segment {
        query = query.filter(metric_series::Column::Segment.eq(segment.trim()));
    }
    let now = services.clock.now();
    query
        .order_by_asc(metric_series::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| {
            let definition = definitions.get(&s.definition_id)?.clone();
            Some((s, definition))
        })
        .map(|(s, definition)| {
            let stale = s.last_at.is_none_or(|last| {
                last + Duration::hours(i64::from(definition.stale_after_hours)) <= now
            });
            Ok(SeriesInfo {
                id: s.id,
                ai_system_name: systems.get(&s.ai_system_id).cloned().unwrap_or_default(),
                ai_system_id: s.ai_system_id,
                model_version_id: s.model_version_id,
                segment: (!s.segment.is_empty()).then_some(s.segment),
                first_at: s.first_at,
                last_at: s.last_at,
                points: s.points,
                level: Level::stored(&s.level)?,
                last_value: s.last_value,
                open_episode_id: s.open_episode_id,
                stale,
                definition,
            })
        })
        .collect()
}

fn input(info: &SeriesInfo, index: u32, times: Vec<i64>, values: Vec<f64>) -> SeriesPoints {
    SeriesPoints {
        series: index,
        times,
        values,
        warning: info.definition.warning_threshold,
        breach: info.definition.breach_threshold,
        higher_is_worse: info.definition.direction.higher_is_worse(),
    }
}

/// Points aggregated in one polars query at most (several series together, so the query's
/// threads have work; never more, so memory stays bounded whatever the period holds).
const BATCH_POINTS: i64 = 500_000;

/// Reads the points of `infos` in `[from, to)` and aggregates them off the workers, a batch of
/// series at a time (read, decoded and aggregated before the next batch is read, so memory stays
/// bounded by the batch): `aggregate` gets the batch (each series numbered by its place in it)
/// and returns one result per series, in order.
async fn batched<T, F>(
    services: &Services,
    organization_id: i32,
    infos: &[SeriesInfo],
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    aggregate: F,
) -> AppResult<Vec<T>>
where
    T: Send + 'static,
    F: Fn(Vec<SeriesPoints>) -> AppResult<Vec<T>> + Send + Sync + 'static,
{
    let aggregate = std::sync::Arc::new(aggregate);
    let mut out = Vec::with_capacity(infos.len());
    // Batches by the series' stored point counts (the period may hold fewer).
    let mut start = 0;
    while start < infos.len() {
        let mut end = start;
        let mut points = 0i64;
        while end < infos.len() && (end == start || points < BATCH_POINTS) {
            points += infos[end].points;
            end += 1;
        }
        let batch = infos[start..end].to_vec();
        start = end;
        let ids: Vec<i32> = batch.iter().map(|i| i.id).collect();
        let rows = store::chunks(&services.db, organization_id, &ids, Some(from), Some(to)).await?;
        let aggregate = aggregate.clone();
        out.extend(
            blocking::run(move || {
                let window = (Some(from.timestamp_millis()), Some(to.timestamp_millis()));
                let mut decoded = store::assemble(&rows, window.0, window.1)?;
                drop(rows);
                let inputs = batch
                    .iter()
                    .enumerate()
                    .map(|(i, info)| {
                        let (times, values) = decoded.remove(&info.id).unwrap_or_default();
                        input(info, i as u32, times, values)
                    })
                    .collect();
                aggregate(inputs)
            })
            .await?,
        );
    }
    Ok(out)
}

/// Splits rows of a batch (sorted by series number) into one list per series of the batch.
fn per_series(rows: Vec<WindowStats>, series: usize) -> Vec<Vec<WindowStats>> {
    let mut out: Vec<Vec<WindowStats>> = vec![Vec::new(); series];
    for row in rows {
        if let Some(list) = out.get_mut(row.series as usize) {
            list.push(row);
        }
    }
    out
}

/// One series in windows over `[from, to)`: the latest `max_windows` windows, oldest first, and
/// whether older ones were left out.
pub async fn windows(
    services: &Services,
    viewer: &Viewer,
    series_id: i32,
    window: Window,
    period: (DateTime<Utc>, DateTime<Utc>),
    max_windows: usize,
) -> AppResult<(SeriesInfo, Vec<WindowRow>, bool)> {
    let organization_id = viewer.organization_id()?;
    let info = series(services, viewer, &SeriesFilter::default())
        .await?
        .into_iter()
        .find(|s| s.id == series_id)
        .ok_or_else(|| AppError::not_found(format!("metric series {series_id}")))?;
    let bucket = window.bucket();
    let rows: Vec<WindowStats> = batched(
        services,
        organization_id,
        std::slice::from_ref(&info),
        period,
        move |batch| {
            let n = batch.len();
            Ok(per_series(
                metrics::rollup(&batch, bucket).map_err(AppError::internal)?,
                n,
            ))
        },
    )
    .await?
    .concat();
    let limit = max_windows.clamp(1, MAX_WINDOWS);
    let truncated = rows.len() > limit;
    let skip = rows.len().saturating_sub(limit);
    let rows = rows
        .into_iter()
        .skip(skip)
        .map(|r| WindowRow {
            start: instant(r.start),
            end: instant(bucket.next(r.start)),
            count: r.count,
            mean: r.mean,
            min: r.min,
            p50: r.p50,
            p95: r.p95,
            max: r.max,
            breaches: r.breaches,
            warnings: r.warnings,
        })
        .collect();
    Ok((info, rows, truncated))
}

/// Every matching series over `[from, to)` in `bucket` windows: its totals over the whole period
/// and its windows, oldest first, as raw statistics (reports judge and print them).
pub async fn windows_and_totals(
    services: &Services,
    viewer: &Viewer,
    filter: &SeriesFilter,
    bucket: Bucket,
    period: (DateTime<Utc>, DateTime<Utc>),
) -> AppResult<Vec<(SeriesInfo, Option<WindowStats>, Vec<WindowStats>)>> {
    let organization_id = viewer.organization_id()?;
    let infos = series(services, viewer, filter).await?;
    if infos.is_empty() {
        return Ok(Vec::new());
    }
    let stats = batched(services, organization_id, &infos, period, move |batch| {
        let n = batch.len();
        let (windows, totals) =
            metrics::rollup_and_overall(&batch, bucket).map_err(AppError::internal)?;
        let mut totals = per_series(totals, n).into_iter();
        Ok(per_series(windows, n)
            .into_iter()
            .map(|w| (totals.next().and_then(|t| t.into_iter().next()), w))
            .collect())
    })
    .await?;
    Ok(infos
        .into_iter()
        .zip(stats)
        .map(|(info, (total, windows))| (info, total, windows))
        .collect())
}

/// Every matching series summarized over `[from, to)`, trends over `window`.
pub async fn summary(
    services: &Services,
    viewer: &Viewer,
    filter: &SeriesFilter,
    window: Window,
    period: (DateTime<Utc>, DateTime<Utc>),
) -> AppResult<Vec<SummaryRow>> {
    let stats = windows_and_totals(services, viewer, filter, window.bucket(), period).await?;
    Ok(stats
        .into_iter()
        .map(|(info, total, windows)| {
            let means: Vec<f64> = windows.iter().map(|w| w.mean).collect();
            let trend = metrics::slope(&means);
            let worsening = if info.definition.direction.higher_is_worse() {
                trend > 0.0
            } else {
                trend < 0.0
            };
            SummaryRow {
                count: total.as_ref().map_or(0, |t| t.count),
                mean: total.as_ref().map(|t| t.mean),
                p50: total.as_ref().map(|t| t.p50),
                p95: total.as_ref().map(|t| t.p95),
                max: total.as_ref().map(|t| t.max),
                breaches: total.as_ref().map_or(0, |t| t.breaches),
                warnings: total.as_ref().map_or(0, |t| t.warnings),
                windows: means.len(),
                trend,
                worsening,
                series: info,
            }
        })
        .collect())
}
