//! The escalation report: the high and critical incidents detected in the period (by the severity
//! they are held to, one higher on a critical AI system), the route each followed level by level,
//! who was notified and when, who acknowledged, the times to detect, acknowledge and resolve,
//! the items that missed a response time (judged at the time, not as of today) and the
//! re-escalations; and the metric threshold breaches that began in the period.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::document::{Cell, ColumnKind, Document, Section, Table, format_number};
use super::{Context, kind_document};
use crate::analytics::incidents::{Response, SeverityFigures, by_severity};
use crate::domain::governance::Severity;
use crate::domain::incidents::escalation::{NoticeView, notices_of};
use crate::domain::incidents::{self, sla};
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::metrics::episodes;
use crate::domain::metrics::rollups::{self, SeriesFilter};
use crate::error::AppResult;

#[derive(Debug, Clone, Serialize)]
pub struct EscalationReport {
    pub by_severity: Vec<SeverityFigures>,
    pub incidents: Vec<EscalatedIncident>,
    pub breaches: Vec<Breach>,
    pub past_sla: u32,
    pub re_escalations: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct EscalatedIncident {
    pub id: i32,
    pub title: String,
    pub ai_system: Option<String>,
    pub severity: Severity,
    /// The severity its response times and routes follow.
    pub held_as: Severity,
    pub status: String,
    pub detected_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub minutes_to_detect: i64,
    pub minutes_to_acknowledge: Option<i64>,
    pub minutes_to_resolve: Option<i64>,
    pub acknowledge_due: DateTime<Utc>,
    pub resolve_due: DateTime<Utc>,
    pub acknowledged_late: bool,
    pub resolved_late: bool,
    pub notices: Vec<NoticeView>,
    /// Notices past the first level: the times nobody acknowledged in time.
    pub re_escalations: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Breach {
    pub episode_id: i32,
    pub ai_system: String,
    pub metric: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub breaching_windows: i32,
    pub peak: f64,
    pub incident_id: Option<i32>,
}

pub async fn gather(ctx: &Context<'_>) -> AppResult<EscalationReport> {
    let services = ctx.services;
    let db = &services.db;
    let organization_id = ctx.viewer.organization_id()?;
    let slas = sla::all_of(db, organization_id).await?;
    let critical = incidents::critical_systems(db, organization_id).await?;
    let names: HashMap<i32, String> = ctx
        .scope
        .inventory
        .iter()
        .map(|s| (s.id, s.name.clone()))
        .collect();
    let detected = incidents::detected_between(db, organization_id, ctx.period.from, ctx.period.to)
        .await?
        .into_iter()
        .filter(|i| ctx.scope.includes(i.ai_system_id))
        .filter(|i| i.held_as(&critical) >= Severity::High)
        .collect::<Vec<_>>();
    let ids: Vec<i32> = detected.iter().map(|i| i.id).collect();
    let mut notices: HashMap<i32, Vec<NoticeView>> = HashMap::new();
    for (incident_id, notice) in notices_of(db, organization_id, &ids).await? {
        notices.entry(incident_id).or_default().push(notice);
    }
    let mut escalated = Vec::new();
    let mut responses = Vec::new();
    for incident in detected {
        let held_as = incident.held_as(&critical);
        let view = incident.view(&slas, &critical, ctx.now);
        let (acknowledged_late, resolved_late) = view.missed(ctx.now);
        let i = view.incident;
        let notices = notices.remove(&i.id).unwrap_or_default();
        responses.push(Response {
            severity: held_as.as_str().into(),
            detect_minutes: i.time_to_detect() as f64,
            acknowledge_minutes: i.time_to_acknowledge().map(|m| m as f64),
            resolve_minutes: i.time_to_resolve().map(|m| m as f64),
            past_sla: acknowledged_late || resolved_late,
        });
        escalated.push(EscalatedIncident {
            minutes_to_detect: i.time_to_detect(),
            minutes_to_acknowledge: i.time_to_acknowledge(),
            minutes_to_resolve: i.time_to_resolve(),
            ai_system: i.ai_system_id.and_then(|id| names.get(&id).cloned()),
            id: i.id,
            title: i.title,
            severity: i.severity,
            held_as,
            status: i.status.to_string(),
            detected_at: i.detected_at,
            acknowledged_at: i.acknowledged_at,
            resolved_at: i.resolved_at,
            acknowledge_due: view.acknowledge_due,
            resolve_due: view.resolve_due,
            acknowledged_late,
            resolved_late,
            re_escalations: u32::try_from(notices.len().saturating_sub(1)).unwrap_or(u32::MAX),
            notices,
        });
    }
    let severities = ["high", "critical"];
    let figures = ctx
        .aggregated(crate::domain::kernel::blocking::compute(move || {
            by_severity(&responses, &severities)
        }))
        .await?;
    let series: HashMap<i32, (i32, String, String)> =
        rollups::series(services, ctx.viewer, &SeriesFilter::default())
            .await?
            .into_iter()
            .map(|s| (s.id, (s.ai_system_id, s.ai_system_name, s.definition.name)))
            .collect();
    let mut breaches = episodes::list(services, ctx.viewer, None, false)
        .await?
        .into_iter()
        .filter(|e| ctx.period.contains(e.opened_at))
        .filter_map(|e| {
            let (system_id, system, metric) = series.get(&e.series_id)?.clone();
            ctx.scope.includes(Some(system_id)).then_some(Breach {
                episode_id: e.id,
                ai_system: system,
                metric,
                opened_at: e.opened_at,
                closed_at: e.closed_at,
                breaching_windows: e.breaching_windows,
                peak: e.peak,
                incident_id: e.incident_id,
            })
        })
        .collect::<Vec<_>>();
    // Oldest first, ids breaking ties: the same records always print in the same order.
    breaches.sort_by_key(|b| (b.opened_at, b.episode_id));
    Ok(EscalationReport {
        past_sla: u32::try_from(
            escalated
                .iter()
                .filter(|i| i.acknowledged_late || i.resolved_late)
                .count(),
        )
        .unwrap_or(u32::MAX),
        re_escalations: escalated.iter().map(|i| i.re_escalations).sum(),
        by_severity: figures,
        incidents: escalated,
        breaches,
    })
}

fn minutes(value: Option<f64>) -> Cell {
    value.map(|m| (m * 10.0).round() / 10.0).into()
}

pub fn document(ctx: &Context<'_>, report: &EscalationReport) -> Document {
    let mut figures = Table::new(
        "response_times",
        "Response times by severity (minutes)",
        &[
            ("severity", ColumnKind::Text),
            ("incidents", ColumnKind::Integer),
            ("acknowledged", ColumnKind::Integer),
            ("resolved", ColumnKind::Integer),
            ("past SLA", ColumnKind::Integer),
            ("mean to detect", ColumnKind::Number),
            ("median to acknowledge", ColumnKind::Number),
            ("p95 to acknowledge", ColumnKind::Number),
            ("median to resolve", ColumnKind::Number),
            ("p95 to resolve", ColumnKind::Number),
        ],
    );
    for f in &report.by_severity {
        figures.push(vec![
            f.severity.as_str().into(),
            f.count.into(),
            f.acknowledged.into(),
            f.resolved.into(),
            f.past_sla.into(),
            minutes(f.mean_detect_minutes),
            minutes(f.median_acknowledge_minutes),
            minutes(f.p95_acknowledge_minutes),
            minutes(f.median_resolve_minutes),
            minutes(f.p95_resolve_minutes),
        ]);
    }
    let mut incidents = Table::new(
        "incidents",
        "High and critical incidents",
        &[
            ("id", ColumnKind::Integer),
            ("title", ColumnKind::Text),
            ("AI system", ColumnKind::Text),
            ("severity", ColumnKind::Text),
            ("held as", ColumnKind::Text),
            ("status", ColumnKind::Text),
            ("detected", ColumnKind::DateTime),
            ("acknowledged", ColumnKind::DateTime),
            ("resolved", ColumnKind::DateTime),
            ("min to detect", ColumnKind::Integer),
            ("min to acknowledge", ColumnKind::Integer),
            ("min to resolve", ColumnKind::Integer),
            ("past SLA", ColumnKind::Text),
            ("re-escalations", ColumnKind::Integer),
        ],
    );
    let mut notices = Table::new(
        "notices",
        "Who was notified, when, and who acknowledged",
        &[
            ("incident", ColumnKind::Integer),
            ("level", ColumnKind::Integer),
            ("route", ColumnKind::Text),
            ("body", ColumnKind::Text),
            ("recipients", ColumnKind::Text),
            ("notified", ColumnKind::DateTime),
            ("acknowledge by", ColumnKind::DateTime),
            ("acknowledged", ColumnKind::DateTime),
            ("acknowledged by", ColumnKind::Text),
        ],
    );
    for i in &report.incidents {
        let past = match (i.acknowledged_late, i.resolved_late) {
            (true, true) => "acknowledge and resolve",
            (true, false) => "acknowledge",
            (false, true) => "resolve",
            (false, false) => "no",
        };
        incidents.push(vec![
            i.id.into(),
            i.title.as_str().into(),
            Cell::from(i.ai_system.clone()),
            i.severity.as_str().into(),
            i.held_as.as_str().into(),
            i.status.as_str().into(),
            i.detected_at.into(),
            i.acknowledged_at.into(),
            i.resolved_at.into(),
            i.minutes_to_detect.into(),
            i.minutes_to_acknowledge.into(),
            i.minutes_to_resolve.into(),
            past.into(),
            i.re_escalations.into(),
        ]);
        for n in &i.notices {
            notices.push(vec![
                i.id.into(),
                n.level.into(),
                n.severity.as_str().into(),
                Cell::from(n.body_name.clone()),
                Cell::from(n.recipients.join(", ")),
                n.notified_at.into(),
                n.acknowledge_by.into(),
                n.acknowledged_at.into(),
                Cell::from(n.acknowledged_by.clone()),
            ]);
        }
    }
    let mut breaches = Table::new(
        "threshold_breaches",
        "Metric threshold breaches that began in the period",
        &[
            ("episode", ColumnKind::Integer),
            ("AI system", ColumnKind::Text),
            ("metric", ColumnKind::Text),
            ("opened", ColumnKind::DateTime),
            ("closed", ColumnKind::DateTime),
            ("breaching windows", ColumnKind::Integer),
            ("peak", ColumnKind::Number),
            ("incident", ColumnKind::Integer),
        ],
    );
    for b in &report.breaches {
        breaches.push(vec![
            b.episode_id.into(),
            b.ai_system.as_str().into(),
            b.metric.as_str().into(),
            b.opened_at.into(),
            b.closed_at.into(),
            b.breaching_windows.into(),
            b.peak.into(),
            b.incident_id.into(),
        ]);
    }
    let total: u32 = report.by_severity.iter().map(|f| f.count).sum();
    let overview = Section::new("Overview").facts(vec![
        ("High and critical incidents".into(), total.to_string()),
        ("Past a response time".into(), report.past_sla.to_string()),
        ("Re-escalations".into(), report.re_escalations.to_string()),
        (
            "Threshold breaches".into(),
            report.breaches.len().to_string(),
        ),
        (
            "Median minutes to resolve (critical)".into(),
            report
                .by_severity
                .iter()
                .find(|f| f.severity == "critical")
                .and_then(|f| f.median_resolve_minutes)
                .map(format_number)
                .unwrap_or_else(|| "-".into()),
        ),
    ]);
    kind_document(
        ctx,
        "Escalation report",
        vec![
            overview.table(figures),
            Section::new("Incidents").table(incidents),
            Section::new("Escalation routes and notices").table(notices),
            Section::new("Threshold breaches").table(breaches),
        ],
    )
}
