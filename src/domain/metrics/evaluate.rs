//! Threshold evaluation. Each series is evaluated window by window (the definition's calendar
//! window, closed windows only, from where the last evaluation stopped), the window's statistic
//! held against the thresholds:
//! - `open_after` consecutive breaching windows open one *episode* and one incident (severity
//!   from the definition, category from its kind);
//! - the episode stays open, gathering breaching windows, until `close_after` consecutive
//!   non-breaching windows close it (hysteresis: a flapping series keeps one episode, no storm);
//! - entering the warning band from healthy, outside an episode, notifies the AI system's
//!   accountable people (RACI, through the people directory) by email, without an incident.
//!
//! Windows without points change nothing. Points arriving for windows already evaluated are
//! stored and shown in rollups but do not rewrite episodes.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{ai_system, metric_episode, metric_series};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::apply::{apply, transition};
use super::definitions::{self, Definition};
use super::walk::{EpisodeState, Event, Rule, SeriesState, WindowValue, statistic_value, walk};
use super::{Level, Statistic, store};
use crate::analytics::metrics::{self, Bucket, SeriesPoints, instant};
use crate::domain::Services;
use crate::domain::kernel::blocking;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::Write;
use crate::error::{AppError, AppResult};

vocabulary! {
    /// What an evaluation did (or, dry, would do) to a series.
    pub enum TransitionKind {
        Opened => "opened",
        Closed => "closed",
        Warning => "warning",
    }
}

/// How long after a window closes it is evaluated.
pub const GRACE_SECS: i64 = 600;

/// One transition, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    pub kind: TransitionKind,
    pub series_id: i32,
    pub metric_key: String,
    pub ai_system_id: i32,
    pub segment: String,
    /// The window that caused it (for a close, the end of the closing window).
    pub at: DateTime<Utc>,
    pub value: f64,
    pub episode_id: Option<i32>,
    pub incident_id: Option<i32>,
    pub notified: usize,
}

/// What an evaluation did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evaluation {
    pub dry_run: bool,
    pub series: usize,
    pub windows: usize,
    pub transitions: Vec<Transition>,
}

pub(super) struct Pending {
    pub(super) series: metric_series::Model,
    pub(super) rule: Rule,
    pub(super) state: SeriesState,
    pub(super) windows: Vec<WindowValue>,
    pub(super) events: Vec<Event>,
    pub(super) until: DateTime<Utc>,
}

fn state_of(
    series: &metric_series::Model,
    open: Option<&metric_episode::Model>,
) -> AppResult<SeriesState> {
    Ok(SeriesState {
        level: Level::stored(&series.level)?,
        breach_streak: series.breach_streak,
        breach_started: series.breach_started_at.map(|t| t.timestamp_millis()),
        healthy_streak: series.healthy_streak,
        open: open.map(|e| EpisodeState {
            opened_at: e.opened_at.timestamp_millis(),
            last_breach_at: e.last_breach_at.timestamp_millis(),
            breaching_windows: e.breaching_windows,
            peak: e.peak,
        }),
    })
}

/// Evaluates every series of the organization up to the last closed window. A dry run reports
/// what would happen and writes nothing.
pub async fn evaluate(
    services: &Services,
    organization_id: i32,
    actor: &str,
    dry_run: bool,
) -> AppResult<Evaluation> {
    let now = services.clock.now();
    let db = services.db.clone();
    let definitions: HashMap<i32, Definition> = definitions::all_of(&db, organization_id)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let series_rows = metric_series::Entity::find()
        .filter(metric_series::Column::OrganizationId.eq(organization_id))
        .order_by_asc(metric_series::Column::Id)
        .all(&db)
        .await?;
    let open_ids: Vec<i32> = series_rows
        .iter()
        .filter_map(|s| s.open_episode_id)
        .collect();
    let open_episodes: HashMap<i32, metric_episode::Model> = metric_episode::Entity::find()
        .filter(metric_episode::Column::Id.is_in(open_ids))
        .all(&db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    // A window is evaluated once it has been closed for the grace period, so points a pipeline
    // sends just after the hour still count.
    let cutoff = (now - Duration::seconds(GRACE_SECS)).timestamp_millis();

    // Which windows each series has to evaluate.
    let mut pending: Vec<Pending> = Vec::new();
    for series in series_rows {
        let Some(definition) = definitions.get(&series.definition_id) else {
            continue;
        };
        if definition.breach_threshold.is_none() && definition.warning_threshold.is_none() {
            continue;
        }
        let Some(first_at) = series.first_at else {
            continue;
        };
        let bucket = definition.window.bucket();
        let from = series
            .evaluated_until
            .unwrap_or(instant(bucket.start_of(first_at.timestamp_millis())));
        let until = instant(bucket.start_of(cutoff));
        if from >= until {
            continue;
        }
        let open = series.open_episode_id.and_then(|id| open_episodes.get(&id));
        pending.push(Pending {
            rule: Rule::of(definition),
            state: state_of(&series, open)?,
            series,
            windows: Vec::new(),
            events: Vec::new(),
            until,
        });
    }
    let mut evaluation = Evaluation {
        dry_run,
        series: pending.len(),
        ..Default::default()
    };
    if pending.is_empty() {
        return Ok(evaluation);
    }

    // The windows' statistics, per window kind, off the async workers.
    let earliest = pending
        .iter()
        .map(|p| {
            p.series
                .evaluated_until
                .or(p.series.first_at)
                .unwrap_or(now)
        })
        .min()
        .unwrap_or(now);
    let ids: Vec<i32> = pending.iter().map(|p| p.series.id).collect();
    let rows = store::chunks(&db, organization_id, &ids, Some(earliest), None).await?;
    let plan: Vec<(i32, i64, i64, Bucket, Statistic)> = pending
        .iter()
        .filter_map(|p| {
            let d = definitions.get(&p.series.definition_id)?;
            let bucket = d.window.bucket();
            let from = p
                .series
                .evaluated_until
                .map_or(i64::MIN, |t| t.timestamp_millis());
            Some((
                p.series.id,
                from,
                p.until.timestamp_millis(),
                bucket,
                d.statistic,
            ))
        })
        .collect();
    // One series decoded at a time (rows come ordered by series), so memory stays bounded.
    let windows: HashMap<i32, Vec<WindowValue>> = blocking::run(move || {
        let mut out: HashMap<i32, Vec<WindowValue>> = HashMap::new();
        for (id, from, until, bucket, statistic) in &plan {
            let lo = rows.partition_point(|r| r.series_id < *id);
            let hi = rows.partition_point(|r| r.series_id <= *id);
            let (times, values) = store::assemble(&rows[lo..hi], Some(*from), Some(*until))?
                .remove(id)
                .unwrap_or_default();
            let input = SeriesPoints {
                series: 0,
                times,
                values,
                ..Default::default()
            };
            let stats = metrics::rollup(&[input], *bucket).map_err(AppError::internal)?;
            out.insert(
                *id,
                stats
                    .iter()
                    .map(|w| WindowValue {
                        start: w.start,
                        end: bucket.next(w.start),
                        value: statistic_value(*statistic, w, *bucket),
                    })
                    .collect(),
            );
        }
        Ok(out)
    })
    .await?;
    for p in &mut pending {
        p.windows = windows.get(&p.series.id).cloned().unwrap_or_default();
        evaluation.windows += p.windows.len();
        p.events = walk(&p.rule, &mut p.state, &p.windows);
    }

    if dry_run {
        for p in &pending {
            if let Some(definition) = definitions.get(&p.series.definition_id) {
                evaluation.transitions.extend(
                    p.events
                        .iter()
                        .map(|e| transition(definition, &p.series, e, None, None, 0)),
                );
            }
        }
        return Ok(evaluation);
    }

    // The windows were computed outside the write (it would hold SQLite's one writer, or the
    // series rows, through the decoding and aggregation); now apply them to series whose state
    // no other evaluation has moved since they were read.
    let systems: HashMap<i32, ai_system::Model> = ai_system::Entity::find()
        .filter(ai_system::Column::OrganizationId.eq(organization_id))
        .all(&db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let write = Write::begin_as(services, Some(organization_id), actor.to_string()).await?;
    let mut query = metric_series::Entity::find()
        .filter(metric_series::Column::OrganizationId.eq(organization_id))
        .order_by_asc(metric_series::Column::Id);
    if db.get_database_backend() == DbBackend::Postgres {
        // Ingest, compaction and evaluation lock series rows in id order: they take turns.
        query = query.lock_exclusive();
    }
    let current: HashMap<i32, metric_series::Model> = query
        .all(&*write)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    for p in &mut pending {
        let Some(definition) = definitions.get(&p.series.definition_id) else {
            continue;
        };
        let unchanged = current.get(&p.series.id).is_some_and(|now| {
            now.evaluated_until == p.series.evaluated_until
                && now.open_episode_id == p.series.open_episode_id
                && now.breach_streak == p.series.breach_streak
        });
        if !unchanged {
            continue;
        }
        if let Some(now) = current.get(&p.series.id) {
            p.series = now.clone();
        }
        let stored_open = p
            .series
            .open_episode_id
            .and_then(|id| open_episodes.get(&id));
        let transitions = apply(
            services,
            &write,
            organization_id,
            actor,
            definition,
            &systems,
            p,
            stored_open,
        )
        .await?;
        evaluation.transitions.extend(transitions);
    }
    write.commit().await?;
    Ok(evaluation)
}
