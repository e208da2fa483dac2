//! Continuous control monitoring: a control linked to metrics is evidenced by them. While every
//! series of its metrics is fresh (a point within the definition's `stale_after_hours`) and not in
//! a breach episode, the control has current evidence without anyone uploading a file. A stale or
//! breaching series keeps it from counting fully toward coverage (the control still operates, as
//! its monitoring ran recently, but a requirement it satisfied becomes partial), with the reason
//! among the requirement's blockers. Monitoring whose last point is older than
//! [`EVIDENCE_HORIZON_DAYS`] (or four staleness periods, if longer), and a metric without data,
//! evidence nothing.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{ai_system, metric_series};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::definitions;
use crate::error::AppResult;

/// How long past its last point a series still shows the control operated.
pub const EVIDENCE_HORIZON_DAYS: i64 = 30;

/// What a control's metrics say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ControlMonitoring {
    /// Some linked series has a point within the evidence horizon: the control is monitored.
    pub evidenced: bool,
    /// Why the monitoring does not count fully; empty when every series is fresh and healthy.
    pub problems: Vec<String>,
}

/// The monitoring of every metric-linked control of an organization.
#[derive(Debug, Clone, Default)]
pub struct Monitoring {
    pub controls: HashMap<i32, ControlMonitoring>,
    /// The next instant a series goes stale or leaves the horizon (when cached coverage stops
    /// being true).
    pub next_change: Option<DateTime<Utc>>,
}

/// Reads the monitoring of the organization's controls at `now`.
pub async fn controls<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Monitoring> {
    let definitions: Vec<_> = definitions::all_of(db, organization_id)
        .await?
        .into_iter()
        .filter(|d| !d.control_ids.is_empty())
        .collect();
    let mut out = Monitoring::default();
    if definitions.is_empty() {
        return Ok(out);
    }
    let series = metric_series::Entity::find()
        .filter(metric_series::Column::OrganizationId.eq(organization_id))
        .filter(metric_series::Column::DefinitionId.is_in(definitions.iter().map(|d| d.id)))
        .all(db)
        .await?;
    let systems: HashMap<i32, String> = ai_system::Entity::find()
        .filter(ai_system::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    for definition in &definitions {
        let stale_after = Duration::hours(i64::from(definition.stale_after_hours));
        let mut evidenced = false;
        let mut problems = Vec::new();
        for s in series.iter().filter(|s| s.definition_id == definition.id) {
            let name = systems
                .get(&s.ai_system_id)
                .cloned()
                .unwrap_or_else(|| format!("AI system {}", s.ai_system_id));
            let what = if s.segment.is_empty() {
                format!("metric {} on {name}", definition.key)
            } else {
                format!(
                    "metric {} on {name} (segment {})",
                    definition.key, s.segment
                )
            };
            let Some(last) = s.last_at else {
                continue;
            };
            let horizon = (stale_after * 4).max(Duration::days(EVIDENCE_HORIZON_DAYS));
            if last + horizon <= now {
                continue;
            }
            evidenced = true;
            let stale_at = last + stale_after;
            // Coverage changes when the series goes stale, and again when it leaves the horizon.
            let next = if stale_at <= now {
                problems.push(format!(
                    "{what} is stale: last point {}",
                    last.format("%Y-%m-%d %H:%M UTC")
                ));
                last + horizon
            } else {
                stale_at
            };
            out.next_change = Some(out.next_change.map_or(next, |t| t.min(next)));
            if s.open_episode_id.is_some() {
                problems.push(format!("{what} is breaching its threshold"));
            }
        }
        for control_id in &definition.control_ids {
            let entry = out.controls.entry(*control_id).or_default();
            entry.evidenced |= evidenced;
            entry.problems.extend(problems.iter().cloned());
        }
    }
    Ok(out)
}
