//! Writing what an evaluation decided: episodes opened (with their incident, which escalates)
//! and closed, warnings emailed to the AI system's accountable people, the series' new state; and
//! restarting a definition's series when its window or thresholds change.

use std::collections::HashMap;

use entity::{ai_system, metric_episode, metric_series};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::Level;
use super::definitions::Definition;
use super::evaluate::{Pending, Transition, TransitionKind};
use super::walk::{EpisodeState, Event};
use crate::analytics::metrics::instant;
use crate::domain::Services;
use crate::domain::delivery::recipients;
use crate::domain::delivery::schedules::{RaciRef, Recipients};
use crate::domain::incidents::{self, NewIncident};
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::domain::notifications::{self, Notice};
use crate::domain::raci::RaciSubject;
use crate::error::AppResult;

/// Warnings, and incidents of breaches, from windows older than this before the last evaluated
/// window's end are recorded without email: history loaded in bulk wakes nobody.
const RECENT_MS: i64 = 7 * 24 * 3_600_000;

/// The last breaching window of the episode an `Opened` event began, as of the end of this
/// evaluation (the episode may have gone on breaching, or closed, in later windows).
fn last_breach(p: &Pending, opened: &EpisodeState) -> i64 {
    let closed = p.events.iter().find_map(|event| match event {
        Event::Closed(e, _) if e.opened_at == opened.opened_at => Some(e.last_breach_at),
        _ => None,
    });
    closed
        .or_else(|| {
            p.state
                .open
                .filter(|o| o.opened_at == opened.opened_at)
                .map(|o| o.last_breach_at)
        })
        .unwrap_or(opened.last_breach_at)
}

pub(super) fn transition(
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
pub(super) async fn apply(
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
                        // A breach wholly in history (loaded in bulk: it began and ended long
                        // ago) is recorded without waking anyone; one still going is escalated.
                        escalate: last_breach(p, e) >= p.until.timestamp_millis() - RECENT_MS,
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
                let recent = *start >= p.until.timestamp_millis() - RECENT_MS;
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
