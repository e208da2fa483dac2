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
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::definitions::{self, Definition};
use super::{Level, Statistic, store};
use crate::analytics::metrics::{self, Bucket, SeriesPoints, WindowStats, instant, past};
use crate::domain::Services;
use crate::domain::delivery::recipients;
use crate::domain::delivery::schedules::{RaciRef, Recipients};
use crate::domain::incidents::{self, NewIncident};
use crate::domain::kernel::blocking;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::domain::notifications::{self, Notice};
use crate::domain::raci::RaciSubject;
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

/// Warnings for windows older than this (before the last evaluated window's end) send no email.
const RECENT_WARNING_MS: i64 = 7 * 24 * 3_600_000;

/// The rule a series is held to.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub warning: Option<f64>,
    pub breach: Option<f64>,
    pub higher_is_worse: bool,
    pub open_after: i32,
    pub close_after: i32,
}

impl Rule {
    fn of(d: &Definition) -> Rule {
        Rule {
            warning: d.warning_threshold,
            breach: d.breach_threshold,
            higher_is_worse: d.direction.higher_is_worse(),
            open_after: d.open_after.max(1),
            close_after: d.close_after.max(1),
        }
    }

    fn level(&self, value: f64) -> Level {
        if past(value, self.breach, self.higher_is_worse) {
            Level::Breach
        } else if past(value, self.warning, self.higher_is_worse) {
            Level::Warning
        } else {
            Level::Ok
        }
    }

    fn worse(&self, a: f64, b: f64) -> f64 {
        if self.higher_is_worse {
            a.max(b)
        } else {
            a.min(b)
        }
    }
}

/// An open episode as the walk sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpisodeState {
    pub opened_at: i64,
    pub last_breach_at: i64,
    pub breaching_windows: i32,
    pub peak: f64,
}

/// Where a series stands between windows.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesState {
    pub level: Level,
    pub breach_streak: i32,
    /// The first window (ms) of the current breaching streak.
    pub breach_started: Option<i64>,
    pub healthy_streak: i32,
    pub open: Option<EpisodeState>,
}

/// One evaluated window: its start and end (ms) and the statistic's value.
#[derive(Debug, Clone, Copy)]
pub struct WindowValue {
    pub start: i64,
    pub end: i64,
    pub value: f64,
}

/// What happened at a window.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Opened(EpisodeState),
    /// The episode as it ended, and the end of the window that closed it.
    Closed(EpisodeState, i64),
    Warning {
        start: i64,
        value: f64,
    },
}

/// Walks windows in order, moving `state` and returning what happened.
pub fn walk(rule: &Rule, state: &mut SeriesState, windows: &[WindowValue]) -> Vec<Event> {
    let mut events = Vec::new();
    for w in windows {
        let level = rule.level(w.value);
        if level == Level::Breach {
            state.breach_streak += 1;
            if state.breach_streak == 1 {
                state.breach_started = Some(w.start);
            }
            state.healthy_streak = 0;
            match &mut state.open {
                Some(open) => {
                    open.last_breach_at = w.start;
                    open.breaching_windows += 1;
                    open.peak = rule.worse(open.peak, w.value);
                }
                None if state.breach_streak >= rule.open_after => {
                    let opened = EpisodeState {
                        // The episode began with the streak's first breaching window.
                        opened_at: state.breach_started.unwrap_or(w.start),
                        last_breach_at: w.start,
                        breaching_windows: state.breach_streak,
                        peak: w.value,
                    };
                    state.open = Some(opened);
                    events.push(Event::Opened(opened));
                }
                None => {}
            }
        } else {
            state.breach_streak = 0;
            state.breach_started = None;
            state.healthy_streak += 1;
            if let Some(open) = state.open
                && state.healthy_streak >= rule.close_after
            {
                events.push(Event::Closed(open, w.end));
                state.open = None;
            }
            let was_healthy = matches!(state.level, Level::Ok | Level::Unknown);
            if level == Level::Warning && was_healthy && state.open.is_none() {
                events.push(Event::Warning {
                    start: w.start,
                    value: w.value,
                });
            }
        }
        state.level = level;
    }
    events
}

/// The figure a window is judged by.
fn statistic_value(statistic: Statistic, stats: &WindowStats, bucket: Bucket) -> f64 {
    match statistic {
        Statistic::Mean => stats.mean,
        Statistic::P95 => stats.p95,
        Statistic::Max => stats.max,
        Statistic::Rate => stats.sum / bucket.hours(stats.start),
    }
}

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

struct Pending {
    series: metric_series::Model,
    rule: Rule,
    state: SeriesState,
    windows: Vec<WindowValue>,
    events: Vec<Event>,
    until: DateTime<Utc>,
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

fn transition(
    definition: &Definition,
    series: &metric_series::Model,
    event: &Event,
    episode_id: Option<i32>,
    incident_id: Option<i32>,
    notified: usize,
) -> Transition {
    let (kind, at, value) = match event {
        Event::Opened(e) => (TransitionKind::Opened, e.opened_at, e.peak),
        Event::Closed(e, end) => (TransitionKind::Closed, *end, e.peak),
        Event::Warning { start, value } => (TransitionKind::Warning, *start, *value),
    };
    Transition {
        kind,
        series_id: series.id,
        metric_key: definition.key.clone(),
        ai_system_id: series.ai_system_id,
        segment: series.segment.clone(),
        at: instant(at),
        value,
        episode_id,
        incident_id,
        notified,
    }
}

/// Writes one series' events and its new state.
#[allow(clippy::too_many_arguments)]
async fn apply(
    services: &Services,
    write: &Write<'_>,
    organization_id: i32,
    actor: &str,
    definition: &Definition,
    systems: &HashMap<i32, ai_system::Model>,
    p: &Pending,
    stored_open: Option<&metric_episode::Model>,
) -> AppResult<Vec<Transition>> {
    let now = write.now();
    let system_name = systems.get(&p.series.ai_system_id).map_or_else(
        || format!("AI system {}", p.series.ai_system_id),
        |s| s.name.clone(),
    );
    let segment = if p.series.segment.is_empty() {
        String::new()
    } else {
        format!(" (segment {})", p.series.segment)
    };
    let mut episode_id = stored_open.map(|e| e.id);
    let mut incident_id = stored_open.and_then(|e| e.incident_id);
    let mut out = Vec::new();
    for event in &p.events {
        match event {
            Event::Opened(e) => {
                let episode = metric_episode::ActiveModel {
                    organization_id: Set(organization_id),
                    series_id: Set(p.series.id),
                    status: Set("open".into()),
                    opened_at: Set(instant(e.opened_at)),
                    last_breach_at: Set(instant(e.last_breach_at)),
                    closed_at: Set(None),
                    breaching_windows: Set(e.breaching_windows),
                    peak: Set(e.peak),
                    incident_id: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&**write)
                .await?;
                let incident = incidents::open(
                    write,
                    organization_id,
                    actor,
                    NewIncident {
                        ai_system_id: Some(p.series.ai_system_id),
                        model_version_id: p.series.model_version_id,
                        title: format!("{} breached on {system_name}{segment}", definition.name),
                        description: format!(
                            "Metric '{}' ({} per {}) reached {:.4} {} against the breach threshold {} for {} consecutive window(s) from {}.",
                            definition.key,
                            definition.statistic,
                            definition.window,
                            e.peak,
                            definition.unit,
                            definition.breach_threshold.map_or_else(|| "-".into(), |t| t.to_string()),
                            e.breaching_windows,
                            instant(e.opened_at).to_rfc3339(),
                        ),
                        severity: definition.incident_severity,
                        category: definition.kind.incident_category(),
                        occurred_at: instant(e.opened_at),
                        metric_episode_id: Some(episode.id),
                    },
                )
                .await?;
                let mut linked: metric_episode::ActiveModel = episode.clone().into();
                linked.incident_id = Set(Some(incident.id));
                let episode = linked.update(&**write).await?;
                write
                    .record(
                        Action::Open,
                        Entity::MetricEpisode,
                        episode.id,
                        None,
                        Some(episode_json(&episode)),
                    )
                    .await?;
                episode_id = Some(episode.id);
                incident_id = Some(incident.id);
                out.push(transition(
                    definition,
                    &p.series,
                    event,
                    episode_id,
                    incident_id,
                    0,
                ));
            }
            Event::Closed(e, end) => {
                if let Some(id) = episode_id {
                    close_episode(write, id, e, *end).await?;
                }
                out.push(transition(
                    definition,
                    &p.series,
                    event,
                    episode_id,
                    incident_id,
                    0,
                ));
                episode_id = None;
                incident_id = None;
            }
            Event::Warning { start, value } => {
                // A warning from history (a bulk import of old points) is reported, not emailed.
                let recent = *start >= p.until.timestamp_millis() - RECENT_WARNING_MS;
                let recipients = if recent {
                    accountable_addresses(services, organization_id, p.series.ai_system_id, systems)
                        .await?
                } else {
                    Vec::new()
                };
                let notice = Notice {
                    topic: "metric_warning",
                    subject_type: "metric_series",
                    subject_id: p.series.id,
                    subject: format!("Warning: {} on {system_name}{segment}", definition.name),
                    body: format!(
                        "{} ({}) on {system_name}{segment} entered the warning band: {:.4} {} for the {} starting {} (warning at {}, breach at {}).\n\nNo incident has been opened. Review the system's monitoring in Accord.",
                        definition.name,
                        definition.key,
                        value,
                        definition.unit,
                        definition.window,
                        instant(*start).to_rfc3339(),
                        definition
                            .warning_threshold
                            .map_or_else(|| "-".into(), |t| t.to_string()),
                        definition
                            .breach_threshold
                            .map_or_else(|| "-".into(), |t| t.to_string()),
                    ),
                };
                let notified = notifications::queue(
                    write,
                    organization_id,
                    &notice,
                    &recipients,
                    &services.delivery.run,
                )
                .await?;
                out.push(transition(
                    definition,
                    &p.series,
                    event,
                    episode_id,
                    incident_id,
                    notified,
                ));
            }
        }
    }
    // An episode still open carries this evaluation's breaching windows.
    if let (Some(id), Some(open)) = (episode_id, p.state.open)
        && !p
            .events
            .iter()
            .any(|e| matches!(e, Event::Opened(o) if *o == open))
        && let Some(row) = metric_episode::Entity::find_by_id(id).one(&**write).await?
        && row.breaching_windows != open.breaching_windows
    {
        let mut update: metric_episode::ActiveModel = row.into();
        update.last_breach_at = Set(instant(open.last_breach_at));
        update.breaching_windows = Set(open.breaching_windows);
        update.peak = Set(open.peak);
        update.updated_at = Set(now);
        update.update(&**write).await?;
    }
    let mut series: metric_series::ActiveModel = p.series.clone().into();
    series.evaluated_until = Set(Some(p.until));
    series.level = Set(p.state.level.as_str().into());
    series.breach_streak = Set(p.state.breach_streak);
    series.breach_started_at = Set(p.state.breach_started.map(instant));
    series.healthy_streak = Set(p.state.healthy_streak);
    series.open_episode_id = Set(episode_id);
    series.updated_at = Set(now);
    series.update(&**write).await?;
    Ok(out)
}

fn episode_json(e: &metric_episode::Model) -> serde_json::Value {
    serde_json::json!({
        "series_id": e.series_id,
        "status": e.status,
        "opened_at": e.opened_at,
        "last_breach_at": e.last_breach_at,
        "closed_at": e.closed_at,
        "breaching_windows": e.breaching_windows,
        "peak": e.peak,
        "incident_id": e.incident_id,
    })
}

async fn close_episode(write: &Write<'_>, id: i32, e: &EpisodeState, end: i64) -> AppResult<()> {
    let Some(row) = metric_episode::Entity::find_by_id(id).one(&**write).await? else {
        return Ok(());
    };
    let before = episode_json(&row);
    let mut update: metric_episode::ActiveModel = row.into();
    update.status = Set("closed".into());
    update.closed_at = Set(Some(instant(end)));
    update.last_breach_at = Set(instant(e.last_breach_at));
    update.breaching_windows = Set(e.breaching_windows);
    update.peak = Set(e.peak);
    update.updated_at = Set(write.now());
    let after = update.update(&**write).await?;
    write
        .record(
            Action::Close,
            Entity::MetricEpisode,
            id,
            Some(before),
            Some(snapshot(&episode_json(&after))?),
        )
        .await
}

/// Starts a definition's series afresh after its window changed or its thresholds were removed:
/// open episodes close now (their incidents stay), streaks reset, and evaluation resumes at the
/// first whole window of the new kind.
pub async fn restart_series(
    write: &Write<'_>,
    definition_id: i32,
    window: super::Window,
) -> AppResult<()> {
    let bucket = window.bucket();
    let now = write.now();
    let series = metric_series::Entity::find()
        .filter(metric_series::Column::DefinitionId.eq(definition_id))
        .order_by_asc(metric_series::Column::Id)
        .all(&**write)
        .await?;
    for s in series {
        if let Some(id) = s.open_episode_id
            && let Some(open) = metric_episode::Entity::find_by_id(id).one(&**write).await?
        {
            let state = EpisodeState {
                opened_at: open.opened_at.timestamp_millis(),
                last_breach_at: open.last_breach_at.timestamp_millis(),
                breaching_windows: open.breaching_windows,
                peak: open.peak,
            };
            close_episode(write, id, &state, now.timestamp_millis()).await?;
        }
        let resume = s.evaluated_until.map(|t| {
            let start = bucket.start_of(t.timestamp_millis());
            if start < t.timestamp_millis() {
                instant(bucket.next(start))
            } else {
                t
            }
        });
        let mut update: metric_series::ActiveModel = s.into();
        update.evaluated_until = Set(resume);
        update.level = Set(Level::Unknown.as_str().into());
        update.breach_streak = Set(0);
        update.breach_started_at = Set(None);
        update.healthy_streak = Set(0);
        update.open_episode_id = Set(None);
        update.updated_at = Set(now);
        update.update(&**write).await?;
    }
    Ok(())
}

/// The email addresses of whoever is Accountable for an AI system; the system's owner when that
/// is an address and nobody else resolves.
async fn accountable_addresses(
    services: &Services,
    organization_id: i32,
    ai_system_id: i32,
    systems: &HashMap<i32, ai_system::Model>,
) -> AppResult<Vec<String>> {
    let wanted = Recipients {
        accountable_for: vec![RaciRef {
            subject_type: RaciSubject::AiSystem,
            subject_id: ai_system_id,
        }],
        ..Default::default()
    };
    let accountable =
        recipients::accountable(services, organization_id, &wanted.accountable_for).await?;
    let people = crate::domain::people::all_of(services, organization_id).await?;
    let mut addresses = recipients::resolve(&wanted, &people, &[], &accountable);
    if addresses.is_empty()
        && let Some(owner) = systems.get(&ai_system_id).map(|s| s.owner.trim())
        && crate::mail::message::mailbox("owner", owner).is_ok()
    {
        addresses.push(owner.to_lowercase());
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> Rule {
        Rule {
            warning: Some(0.1),
            breach: Some(0.2),
            higher_is_worse: true,
            open_after: 2,
            close_after: 3,
        }
    }

    fn windows(values: &[f64]) -> Vec<WindowValue> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| WindowValue {
                start: i as i64 * 10,
                end: i as i64 * 10 + 10,
                value: *v,
            })
            .collect()
    }

    fn fresh() -> SeriesState {
        SeriesState {
            level: Level::Unknown,
            breach_streak: 0,
            breach_started: None,
            healthy_streak: 0,
            open: None,
        }
    }

    #[test]
    fn a_sustained_breach_opens_once_and_recovery_closes() {
        let mut state = fresh();
        let events = walk(
            &rule(),
            &mut state,
            &windows(&[0.3, 0.4, 0.5, 0.3, 0.0, 0.0, 0.0]),
        );
        assert_eq!(events.len(), 2);
        let Event::Opened(opened) = events[0] else {
            panic!("opened first")
        };
        assert_eq!((opened.opened_at, opened.breaching_windows), (0, 2));
        let Event::Closed(closed, end) = events[1] else {
            panic!("closed")
        };
        assert_eq!((closed.breaching_windows, closed.peak, end), (4, 0.5, 70));
        assert!(state.open.is_none());
    }

    #[test]
    fn flapping_keeps_one_episode() {
        let mut state = fresh();
        let flapping = [0.3, 0.3, 0.0, 0.3, 0.0, 0.3, 0.0, 0.0, 0.3];
        let events = walk(&rule(), &mut state, &windows(&flapping));
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, Event::Opened(_)))
                .count(),
            1
        );
        assert!(!events.iter().any(|e| matches!(e, Event::Closed(..))));
    }

    #[test]
    fn a_warning_notifies_once_per_entry() {
        let mut state = fresh();
        let events = walk(&rule(), &mut state, &windows(&[0.0, 0.15, 0.15, 0.0, 0.12]));
        let warnings: Vec<i64> = events
            .iter()
            .filter_map(|e| match e {
                Event::Warning { start, .. } => Some(*start),
                _ => None,
            })
            .collect();
        assert_eq!(warnings, vec![10, 40]);
    }
}
