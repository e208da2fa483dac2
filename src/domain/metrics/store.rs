//! Where points live: one `metric_chunk` row per series, calendar month and write, holding the
//! points as a compressed columnar block ([`super::codec`]). Ingest only appends chunks (no
//! read-modify-write, one insert per series and month), so a million points are a few hundred
//! rows in one transaction. Reads merge a month's chunks, the newer chunk winning a repeated
//! time; the compaction job folds each month's chunks into one so reads stay one chunk a month.
//!
//! Compaction changes no observable value, so it runs in a plain write transaction without an
//! audit entry: auditing it would move the organization's audit sequence and drop every cached
//! read for nothing.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use entity::{metric_chunk, metric_series};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};

use super::Level;
use super::codec;
use super::ingest::{Batch, Columns, SeriesRef};
use crate::analytics::metrics::{Bucket, instant};
use crate::domain::Services;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::{AppError, AppResult};

/// Series ids named in one query at most.
const MAX_IDS_IN_QUERY: usize = 1_000;

/// Chunk rows inserted per statement (PostgreSQL allows 65,535 parameters a statement).
const INSERT_BATCH: usize = 500;

/// A series' points: times (ms, sorted, unique) and values.
pub type Points = (Vec<i64>, Vec<f64>);

/// What one ingest stored.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct IngestReport {
    pub points: usize,
    pub series: usize,
    pub chunks: usize,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Names the batch in the audit log and its follow-up jobs.
    pub batch_id: String,
}

/// Sorts by time and keeps the last value sent for a repeated time.
pub fn sorted_unique(columns: &Columns) -> (Vec<i64>, Vec<f64>) {
    let mut order: Vec<usize> = (0..columns.times.len()).collect();
    // Stable: among equal times, arrival order is kept, so the last one sent comes last.
    order.sort_by_key(|&i| columns.times[i]);
    let mut times: Vec<i64> = Vec::with_capacity(order.len());
    let mut values: Vec<f64> = Vec::with_capacity(order.len());
    for i in order {
        let (t, v) = (columns.times[i], columns.values[i]);
        match times.last() {
            Some(&last) if last == t => {
                if let Some(slot) = values.last_mut() {
                    *slot = v;
                }
            }
            _ => {
                times.push(t);
                values.push(v);
            }
        }
    }
    (times, values)
}

/// Splits sorted columns at calendar-month boundaries: `(month start, range)`.
fn months(times: &[i64]) -> Vec<(i64, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < times.len() {
        let month = Bucket::Month.start_of(times[start]);
        let next = Bucket::Month.next(month);
        let end = start + times[start..].partition_point(|&t| t < next);
        out.push((month, start..end));
        start = end;
    }
    out
}

/// The organization's series, locked on PostgreSQL in id order: ingest, compaction and
/// evaluation take the same rows in the same order, so they queue instead of overwriting each
/// other's counts or deadlocking. (SQLite's single writer already serializes them.)
async fn locked_series(
    write: &Write<'_>,
    organization_id: i32,
) -> AppResult<HashMap<String, metric_series::Model>> {
    let mut query = metric_series::Entity::find()
        .filter(metric_series::Column::OrganizationId.eq(organization_id))
        .order_by_asc(metric_series::Column::Id);
    if write.get_database_backend() == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    Ok(query
        .all(&**write)
        .await?
        .into_iter()
        .map(|s| (s.series_key.clone(), s))
        .collect())
}

/// Creates the series a batch names that do not exist yet; a concurrent push creating the same
/// series is not an error.
async fn create_missing(
    write: &Write<'_>,
    organization_id: i32,
    wanted: &[&SeriesRef],
) -> AppResult<()> {
    let now = write.now();
    for series in wanted {
        let row = metric_series::ActiveModel {
            organization_id: Set(organization_id),
            definition_id: Set(series.definition_id),
            ai_system_id: Set(series.ai_system_id),
            model_version_id: Set(series.model_version_id),
            segment: Set(series.segment.clone()),
            series_key: Set(series.key()),
            first_at: Set(None),
            last_at: Set(None),
            points: Set(0),
            evaluated_until: Set(None),
            level: Set(Level::Unknown.as_str().into()),
            breach_streak: Set(0),
            breach_started_at: Set(None),
            healthy_streak: Set(0),
            last_value: Set(None),
            open_episode_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let inserted = metric_series::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    metric_series::Column::OrganizationId,
                    metric_series::Column::SeriesKey,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&**write)
            .await;
        match inserted {
            Ok(_) | Err(DbErr::RecordNotInserted) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(())
}

/// Stores a parsed batch in the write: series created as needed, one chunk per series and month,
/// the series' extent updated, one audit entry for the batch.
pub async fn store(
    write: &Write<'_>,
    organization_id: i32,
    batch: Batch,
    source: &str,
) -> AppResult<IngestReport> {
    let known = locked_series(write, organization_id).await?;
    // Created in a stable order, so series ids follow the batch's content, not hash order.
    let mut missing: Vec<&SeriesRef> = batch
        .series
        .keys()
        .filter(|r| !known.contains_key(&r.key()))
        .collect();
    missing.sort();
    let mut existing = if missing.is_empty() {
        known
    } else {
        create_missing(write, organization_id, &missing).await?;
        locked_series(write, organization_id).await?
    };
    let mut report = IngestReport {
        series: batch.series.len(),
        ..Default::default()
    };
    let now = write.now();
    // Series in id order (the lock order); encoding is a small share of ingest and runs while the
    // write is held.
    let mut ordered: Vec<(metric_series::Model, Columns)> = Vec::new();
    for (series_ref, columns) in batch.series {
        let series = existing.remove(&series_ref.key()).ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("series {} vanished", series_ref.key()))
        })?;
        ordered.push((series, columns));
    }
    ordered.sort_by_key(|(series, _)| series.id);
    let mut rows: Vec<metric_chunk::ActiveModel> = Vec::new();
    for (series, columns) in ordered {
        let (times, values) = sorted_unique(&columns);
        let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
            continue;
        };
        report.points += times.len();
        for (month, range) in months(&times) {
            rows.push(metric_chunk::ActiveModel {
                organization_id: Set(organization_id),
                series_id: Set(series.id),
                period_start: Set(instant(month)),
                first_at: Set(instant(times[range.start])),
                last_at: Set(instant(times[range.end - 1])),
                points: Set(i32::try_from(range.len()).unwrap_or(i32::MAX)),
                compacted: Set(false),
                data: Set(codec::encode(&times[range.clone()], &values[range])),
                created_at: Set(now),
                ..Default::default()
            });
        }
        let (first, last) = (instant(first), instant(last));
        report.from = Some(report.from.map_or(first, |f| f.min(first)));
        report.to = Some(report.to.map_or(last, |t| t.max(last)));
        let newest = series.last_at.is_none_or(|at| last >= at);
        let mut update: metric_series::ActiveModel = series.clone().into();
        update.first_at = Set(Some(series.first_at.map_or(first, |f| f.min(first))));
        update.last_at = Set(Some(series.last_at.map_or(last, |l| l.max(last))));
        // Counts re-sent points too until compaction resolves them.
        update.points = Set(series.points + times.len() as i64);
        if newest {
            update.last_value = Set(values.last().copied());
        }
        update.updated_at = Set(now);
        update.update(&**write).await?;
    }
    report.chunks = rows.len();
    for slice in rows.chunks(INSERT_BATCH) {
        metric_chunk::Entity::insert_many(slice.to_vec())
            .exec_without_returning(&**write)
            .await?;
    }
    report.batch_id = uuid::Uuid::new_v4().to_string();
    write
        .record(
            Action::Ingest,
            Entity::MetricBatch,
            &report.batch_id,
            None,
            Some(serde_json::json!({
                "source": source,
                "points": report.points,
                "series": report.series,
                "chunks": report.chunks,
                "from": report.from,
                "to": report.to,
            })),
        )
        .await?;
    Ok(report)
}

/// Chunk rows of some series overlapping `[from, to)`, ordered for [`assemble`].
pub async fn chunks<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    series_ids: &[i32],
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> AppResult<Vec<metric_chunk::Model>> {
    let mut query = metric_chunk::Entity::find()
        .filter(metric_chunk::Column::OrganizationId.eq(organization_id));
    // A long id list would pass the databases' parameter limits: read the organization's chunks
    // and keep the wanted series instead.
    let filter_in_memory = series_ids.len() > MAX_IDS_IN_QUERY;
    if !filter_in_memory {
        query = query.filter(metric_chunk::Column::SeriesId.is_in(series_ids.to_vec()));
    }
    if let Some(from) = from {
        query = query.filter(metric_chunk::Column::LastAt.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(metric_chunk::Column::FirstAt.lt(to));
    }
    let mut rows = query
        .order_by_asc(metric_chunk::Column::SeriesId)
        .order_by_asc(metric_chunk::Column::PeriodStart)
        .order_by_asc(metric_chunk::Column::Id)
        .all(db)
        .await?;
    if filter_in_memory {
        let wanted: std::collections::HashSet<i32> = series_ids.iter().copied().collect();
        rows.retain(|r| wanted.contains(&r.series_id));
    }
    Ok(rows)
}

/// Decodes chunks into one sorted, duplicate-free column pair per series, restricted to
/// `[from, to)` (ms). CPU work: call it off the async workers.
pub fn assemble(
    chunks: &[metric_chunk::Model],
    from: Option<i64>,
    to: Option<i64>,
) -> AppResult<HashMap<i32, Points>> {
    let mut months: BTreeMap<(i32, i64), Vec<&metric_chunk::Model>> = BTreeMap::new();
    for chunk in chunks {
        months
            .entry((chunk.series_id, chunk.period_start.timestamp_millis()))
            .or_default()
            .push(chunk);
    }
    let mut out: HashMap<i32, Points> = HashMap::new();
    for ((series_id, _), parts) in months {
        let (times, values) = out.entry(series_id).or_default();
        let (mut t, mut v) = (Vec::new(), Vec::new());
        for part in &parts {
            codec::decode_into(&part.data, &mut t, &mut v).map_err(AppError::internal)?;
        }
        let (t, v) = if parts.len() > 1 {
            sorted_unique(&Columns {
                times: t,
                values: v,
            })
        } else {
            (t, v)
        };
        let lo = from.map_or(0, |f| t.partition_point(|&x| x < f));
        let hi = to.map_or(t.len(), |to| t.partition_point(|&x| x < to));
        if lo < hi {
            times.extend_from_slice(&t[lo..hi]);
            values.extend_from_slice(&v[lo..hi]);
        }
    }
    out.retain(|_, (t, _)| !t.is_empty());
    Ok(out)
}

#[derive(Debug, FromQueryResult)]
struct Crowded {
    series_id: i32,
    period_start: DateTime<Utc>,
}

/// `COUNT(id) > 1`, kept apart: `ExprTrait` in scope shadows `Ord::min` / `max`.
fn several_chunks() -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::{Expr, ExprTrait};
    Expr::col(metric_chunk::Column::Id).count().gt(1)
}

/// Months compacted per run; the job runs again while more remain.
const COMPACT_PER_RUN: u64 = 200;

/// Folds each month holding several chunks of a series into one chunk, at most
/// [`COMPACT_PER_RUN`] months a call. Returns how many months were compacted (0: none is left).
pub async fn compact(services: &Services, organization_id: i32) -> AppResult<usize> {
    let db = &services.db;
    let crowded: Vec<Crowded> = metric_chunk::Entity::find()
        .select_only()
        .column(metric_chunk::Column::SeriesId)
        .column(metric_chunk::Column::PeriodStart)
        .filter(metric_chunk::Column::OrganizationId.eq(organization_id))
        .group_by(metric_chunk::Column::SeriesId)
        .group_by(metric_chunk::Column::PeriodStart)
        .having(several_chunks())
        .limit(COMPACT_PER_RUN)
        .into_model::<Crowded>()
        .all(db)
        .await?;
    let now = services.clock.now();
    let mut compacted = 0;
    for month in &crowded {
        let txn = crate::db::begin_write(db).await?;
        // The series row first, as ingest locks it before adding chunks: an ingest into this
        // month has committed before the parts are read, or waits until the merge commits (its
        // chunk then gets a higher id than the merged one, and stays the newer).
        let mut series = metric_series::Entity::find_by_id(month.series_id);
        if db.get_database_backend() == DbBackend::Postgres {
            series = series.lock_exclusive();
        }
        let Some(series) = series.one(&txn).await? else {
            continue;
        };
        let parts = metric_chunk::Entity::find()
            .filter(metric_chunk::Column::SeriesId.eq(month.series_id))
            .filter(metric_chunk::Column::PeriodStart.eq(month.period_start))
            .order_by_asc(metric_chunk::Column::Id)
            .all(&txn)
            .await?;
        if parts.len() < 2 {
            continue;
        }
        let ids: Vec<i32> = parts.iter().map(|p| p.id).collect();
        let stored: i64 = parts.iter().map(|p| i64::from(p.points)).sum();
        let series_id = month.series_id;
        let merged = crate::domain::kernel::blocking::run(move || {
            let (times, values) = assemble(&parts, None, None)?
                .remove(&series_id)
                .unwrap_or_default();
            let bounds = times.first().copied().zip(times.last().copied());
            Ok(bounds
                .map(|(first, last)| (codec::encode(&times, &values), first, last, times.len())))
        })
        .await?;
        let Some((data, first, last, count)) = merged else {
            continue;
        };
        let deleted = metric_chunk::Entity::delete_many()
            .filter(metric_chunk::Column::Id.is_in(ids.clone()))
            .exec(&txn)
            .await?;
        if deleted.rows_affected != ids.len() as u64 {
            // Another compaction merged these parts first: leave its result alone.
            continue;
        }
        metric_chunk::ActiveModel {
            organization_id: Set(organization_id),
            series_id: Set(month.series_id),
            period_start: Set(month.period_start),
            first_at: Set(instant(first)),
            last_at: Set(instant(last)),
            points: Set(i32::try_from(count).unwrap_or(i32::MAX)),
            compacted: Set(true),
            data: Set(data),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let removed = stored - count as i64;
        if removed > 0 {
            let mut update: metric_series::ActiveModel = series.clone().into();
            update.points = Set((series.points - removed).max(0));
            update.update(&txn).await?;
        }
        txn.commit().await?;
        compacted += 1;
    }
    Ok(compacted)
}
