//! The board report's operational part for its period: incidents by severity with response
//! times, metric KPIs, overdue corrective actions, and the change against the previous period.

use std::collections::HashMap;

use chrono::Duration;

use super::changes::{self, Change, History};
use super::{IncidentSummary, Kpi, OverdueAction};
use crate::analytics::incidents::{Response, by_severity};
use crate::domain::controls::evidence;
use crate::domain::governance::Severity;
use crate::domain::incidents::{self, Incident, sla};
use crate::domain::internal_audits::actions::{self, ActionFilter};
use crate::domain::kernel::blocking::{compute, run};
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::metrics::episodes;
use crate::domain::metrics::rollups::{self, SeriesFilter};
use crate::domain::reports::{Context, metrics};
use crate::error::AppResult;

/// KPIs shown: breaching and worsening series first.
const MAX_KPIS: usize = 12;

pub struct Operations {
    pub incidents: IncidentSummary,
    pub kpis: Vec<Kpi>,
    pub overdue_actions: Vec<OverdueAction>,
    pub changes: Vec<Change>,
}

pub async fn gather(ctx: &Context<'_>) -> AppResult<Operations> {
    let db = &ctx.services.db;
    let organization_id = ctx.viewer.organization_id()?;
    let previous = ctx.period.previous();
    let slas = sla::all_of(db, organization_id).await?;
    let critical = incidents::critical_systems(db, organization_id).await?;
    // Both periods in one read: the delta needs the previous one.
    let mut both: Vec<Incident> =
        incidents::detected_between(db, organization_id, previous.from, ctx.period.to)
            .await?
            .into_iter()
            .filter(|i| ctx.scope.includes(i.ai_system_id))
            .collect();
    let now = ctx.now;
    let late_ids: std::collections::HashSet<i32> = both
        .iter()
        .filter(|i| {
            let (acknowledge, resolve) = Incident::clone(i).view(&slas, &critical, now).missed(now);
            acknowledge || resolve
        })
        .map(|i| i.id)
        .collect();
    // Counted by the severity they are held to (one higher on a critical AI system), as the
    // escalation report counts them.
    for incident in &mut both {
        incident.severity = incident.held_as(&critical);
    }
    let responses: Vec<Response> = both
        .iter()
        .filter(|i| ctx.period.contains(i.detected_at))
        .map(|i| Response {
            severity: i.severity.as_str().into(),
            detect_minutes: i.time_to_detect() as f64,
            acknowledge_minutes: i.time_to_acknowledge().map(|m| m as f64),
            resolve_minutes: i.time_to_resolve().map(|m| m as f64),
            past_sla: late_ids.contains(&i.id),
        })
        .collect();
    let detected = u32::try_from(responses.len()).unwrap_or(u32::MAX);
    let by_severity = ctx
        .aggregated(compute(move || by_severity(&responses, Severity::NAMES)))
        .await?;
    let open_now = incidents::unresolved_systems(db, organization_id)
        .await?
        .into_iter()
        .filter(|system| ctx.scope.includes(*system))
        .count();

    let metrics = metrics::gather(ctx).await?;
    let mut kpis: Vec<Kpi> = metrics
        .series
        .iter()
        .map(|s| Kpi {
            ai_system: s.ai_system.clone(),
            metric: match &s.segment {
                Some(segment) => format!("{} [{segment}]", s.metric),
                None => s.metric.clone(),
            },
            unit: s.unit.clone(),
            mean: s.mean,
            p95: s.p95,
            breach_windows: s.breach_windows,
            windows: u32::try_from(s.windows.len()).unwrap_or(u32::MAX),
            worsening: s.worsening,
            warning_threshold: s.warning_threshold,
            breach_threshold: s.breach_threshold,
            labels: s
                .windows
                .iter()
                .map(|w| w.start.format("%m-%d").to_string())
                .collect(),
            values: s.windows.iter().map(|w| w.value).collect(),
        })
        .collect();
    kpis.sort_by_key(|k| (std::cmp::Reverse(k.breach_windows), !k.worsening));
    kpis.truncate(MAX_KPIS);

    let today = ctx.now.date_naive();
    let all_actions = actions::all_of(db, organization_id, &ActionFilter::default(), today).await?;
    let overdue_actions: Vec<OverdueAction> = all_actions
        .iter()
        .filter(|a| a.overdue)
        .map(|a| OverdueAction {
            id: a.id,
            action: a.action.clone(),
            owner: a.owner.clone(),
            due_on: a.due_on.to_string(),
            status: a.status.as_str().into(),
            days_overdue: (today - a.due_on).num_days(),
        })
        .collect();
    let evidence = evidence::all_of(db, organization_id).await?;
    let system_of: HashMap<i32, i32> =
        rollups::series(ctx.services, ctx.viewer, &SeriesFilter::default())
            .await?
            .into_iter()
            .map(|s| (s.id, s.ai_system_id))
            .collect();
    let episodes: Vec<episodes::Episode> = episodes::list(ctx.services, ctx.viewer, None, false)
        .await?
        .into_iter()
        .filter(|e| e.opened_at >= previous.from - Duration::days(1))
        .filter(|e| {
            system_of
                .get(&e.series_id)
                .is_some_and(|system| ctx.scope.includes(Some(*system)))
        })
        .collect();
    let history = History {
        late: late_ids,
        incidents: both,
        episodes,
        actions: all_actions,
        evidence,
    };
    let (period, now) = (ctx.period.clone(), ctx.now);
    let changes = ctx
        .aggregated(run(move || changes::compare(&history, &period, now)))
        .await?;
    Ok(Operations {
        incidents: IncidentSummary {
            detected,
            by_severity,
            open_now: u32::try_from(open_now).unwrap_or(u32::MAX),
        },
        kpis,
        overdue_actions,
        changes,
    })
}
