//! Pushing points, the use case behind `POST /ingest/metrics`, `recordMetricPoints` and
//! `accord metrics import`: resolve names against the organization, parse the stream off the
//! async workers, then store the whole batch in one audited write that also queues its threshold
//! evaluation and the compaction of the months it touched.

use std::io::Read;

use chrono::Duration;
use entity::{ai_system, model_version};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::definitions;
use super::ingest::{
    self, Batch, Collector, Format, LineError, Lookup, Parsed, RawPoint, StreamError,
};
use super::store::{self, IngestReport};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::blocking;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::write::Write;
use crate::error::{AppError, AppResult};
use crate::jobs::{NewJob, queue};

/// The job that evaluates an organization's thresholds.
pub const EVALUATE_JOB: &str = "metrics.evaluate";
/// The job that compacts an organization's chunks.
pub const COMPACT_JOB: &str = "metrics.compact";
/// Compaction waits a little, so a burst of pushes is folded together.
const COMPACT_DELAY_SECS: i64 = 30;

/// The result of a push.
#[derive(Debug)]
pub enum Pushed {
    Stored(IngestReport),
    Rejected {
        errors: Vec<LineError>,
        total: usize,
    },
    /// Past a size limit (points, line length, inflated size): nothing stored.
    TooLarge(String),
}

/// What names in pushed points resolve against.
pub async fn lookup(services: &Services, organization_id: i32) -> AppResult<Lookup> {
    let db = &services.db;
    let mut lookup = Lookup::default();
    for d in definitions::all_of(db, organization_id).await? {
        lookup.definitions.insert(d.key, d.id);
    }
    let systems = ai_system::Entity::find()
        .filter(ai_system::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?;
    for s in &systems {
        lookup.systems.insert(s.id.to_string(), s.id);
        lookup.systems.insert(s.name.clone(), s.id);
    }
    let versions = model_version::Entity::find()
        .filter(model_version::Column::AiSystemId.is_in(systems.iter().map(|s| s.id)))
        .all(db)
        .await?;
    for v in versions {
        lookup.versions.insert((v.ai_system_id, v.version), v.id);
    }
    Ok(lookup)
}

/// Parses a stream (CPU work, on the blocking pool) and stores it when every line is good.
pub async fn push_stream<R: Read + Send + 'static>(
    services: &Services,
    viewer: &Viewer,
    format: Format,
    reader: R,
    source: &'static str,
) -> AppResult<Pushed> {
    viewer.require(Permission::IngestMetrics)?;
    let organization_id = viewer.organization_id()?;
    let lookup = lookup(services, organization_id).await?;
    let now_ms = services.clock.now().timestamp_millis();
    let parsed = blocking::run(
        move || match ingest::parse(format, reader, &lookup, now_ms) {
            Ok(parsed) => Ok(Ok(parsed)),
            Err(err @ (StreamError::TooManyPoints | StreamError::TooLarge(_))) => {
                Ok(Err(err.to_string()))
            }
            Err(err) => Err(AppError::rule("body", "unreadable", err.to_string())),
        },
    )
    .await?;
    match parsed {
        Ok(parsed) => finish(services, viewer, parsed, source).await,
        Err(limit) => Ok(Pushed::TooLarge(limit)),
    }
}

/// One point of a GraphQL batch.
#[derive(Debug, Clone)]
pub struct PointInput {
    pub metric: String,
    pub ai_system: String,
    pub model_version: Option<String>,
    pub segment: Option<String>,
    pub time: String,
    pub value: f64,
}

/// Stores a small batch of points (at most [`ingest::MAX_GRAPHQL_POINTS`]); a bad point is
/// reported by its position (1-based) as the line.
pub async fn push_points(
    services: &Services,
    viewer: &Viewer,
    points: &[PointInput],
) -> AppResult<Pushed> {
    viewer.require(Permission::IngestMetrics)?;
    if points.len() > ingest::MAX_GRAPHQL_POINTS {
        return Err(AppError::rule(
            "points",
            "too_many",
            format!(
                "at most {} points per call; push larger batches to POST /ingest/metrics",
                ingest::MAX_GRAPHQL_POINTS
            ),
        ));
    }
    let lookup = lookup(services, viewer.organization_id()?).await?;
    let mut collector = Collector::new(&lookup, services.clock.now().timestamp_millis());
    for (i, p) in points.iter().enumerate() {
        let value = p.value.to_string();
        collector.add(
            i as u64 + 1,
            &RawPoint {
                metric: &p.metric,
                ai_system: &p.ai_system,
                model_version: p.model_version.as_deref().unwrap_or(""),
                segment: p.segment.as_deref().unwrap_or(""),
                time: &p.time,
                value: &value,
            },
        );
    }
    finish(services, viewer, collector.finish(), "graphql").await
}

async fn finish(
    services: &Services,
    viewer: &Viewer,
    parsed: Parsed,
    source: &str,
) -> AppResult<Pushed> {
    match parsed {
        Parsed::Rejected { errors, total } => Ok(Pushed::Rejected { errors, total }),
        Parsed::Accepted(batch) if batch.points == 0 => {
            Err(AppError::rule("body", "empty", "no points were sent"))
        }
        Parsed::Accepted(batch) => {
            let organization_id = viewer.organization_id()?;
            let write = Write::begin(services, viewer).await?;
            let report = store_batch(&write, organization_id, batch, source).await?;
            write.commit().await?;
            Ok(Pushed::Stored(report))
        }
    }
}

/// Stores a batch and queues its follow-up jobs, inside `write`.
pub async fn store_batch(
    write: &Write<'_>,
    organization_id: i32,
    batch: Batch,
    source: &str,
) -> AppResult<IngestReport> {
    let report = store::store(write, organization_id, batch, source).await?;
    let now = write.now();
    let compact_at = now + Duration::seconds(COMPACT_DELAY_SECS);
    // Every push is evaluated; compaction runs once per organization and minute of pushes.
    for (kind, run_at, key) in [
        (EVALUATE_JOB, now, report.batch_id.clone()),
        (
            COMPACT_JOB,
            compact_at,
            format!("minute-{}", compact_at.timestamp() / 60),
        ),
    ] {
        queue::enqueue(
            &**write,
            NewJob {
                kind,
                payload: json!({ "organization_id": organization_id }),
                dedupe_key: format!("{kind}:{organization_id}:{key}"),
                run_at,
                max_attempts: 5,
            },
            now,
        )
        .await?;
    }
    Ok(report)
}
