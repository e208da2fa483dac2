//! A year of history for the large demo organization: thousands of incidents (most handled and
//! closed, the recent ones still open, some past their response times) and a register of ten
//! thousand risks. Written in bulk, each kind in one audited write with a single `seed` entry
//! naming how many rows it added: replaying a year through the use cases one by one would take
//! minutes and email every route for incidents long closed. Deterministic: the same seed gives
//! the same rows.

use chrono::{DateTime, Duration, Utc};
use entity::{incident, risk};
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;

use crate::domain::Services;
use crate::domain::governance::Severity;
use crate::domain::incidents::{Category, IncidentStatus};
use crate::domain::inventory::AiSystem;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::domain::risks::matrix::Bands;
use crate::domain::risks::{Level, RiskStatus, Treatment, threats};
use crate::error::AppResult;

/// Incidents over the past year.
pub const INCIDENTS: usize = 5_200;
/// Risks in the register.
pub const RISKS: usize = 10_000;
/// Rows per insert statement (under PostgreSQL's bind-parameter limit).
const BATCH: usize = 400;

/// A deterministic spread of `i` over `0..n` (a multiplicative hash).
fn pick(i: usize, salt: usize, n: usize) -> usize {
    (i.wrapping_mul(2_654_435_761)
        .wrapping_add(salt.wrapping_mul(40_503))
        >> 7)
        % n
}

fn severity_of(i: usize) -> Severity {
    match pick(i, 1, 100) {
        0..=39 => Severity::Low,
        40..=74 => Severity::Medium,
        75..=94 => Severity::High,
        _ => Severity::Critical,
    }
}

/// One incident of the history: detected `age` before now, handled according to its age.
fn incident_row(
    organization_id: i32,
    i: usize,
    systems: &[AiSystem],
    now: DateTime<Utc>,
) -> incident::ActiveModel {
    let age =
        Duration::minutes((i as i64 * 365 * 24 * 60) / INCIDENTS as i64 + pick(i, 2, 600) as i64);
    let detected = now - age;
    let occurred = detected - Duration::minutes(5 + pick(i, 3, 240) as i64);
    let severity = severity_of(i);
    let category = Category::ALL[pick(i, 4, Category::ALL.len())];
    let system = &systems[pick(i, 5, systems.len())];
    // Older incidents are closed; the last fortnight holds every state, some past SLA.
    let (status, acknowledged, resolved, closed) = if age > Duration::days(14) {
        let ack = detected + Duration::minutes(3 + pick(i, 6, 90) as i64);
        let res = ack + Duration::minutes(30 + pick(i, 7, 3_000) as i64);
        (
            IncidentStatus::Closed,
            Some(ack),
            Some(res),
            Some(res + Duration::hours(24)),
        )
    } else {
        let ack = detected + Duration::minutes(3 + pick(i, 6, 90) as i64);
        match pick(i, 8, 4) {
            0 => (IncidentStatus::Open, None, None, None),
            1 => (IncidentStatus::Acknowledged, Some(ack), None, None),
            2 => (
                IncidentStatus::Resolved,
                Some(ack),
                Some(ack + Duration::minutes(60)),
                None,
            ),
            _ => (
                IncidentStatus::Closed,
                Some(ack),
                Some(ack + Duration::minutes(60)),
                Some(ack + Duration::hours(30)),
            ),
        }
    };
    let acknowledged = acknowledged.map(|t| t.min(now));
    let resolved = resolved.map(|t| t.min(now));
    let closed = closed.map(|t| t.min(now));
    incident::ActiveModel {
        organization_id: Set(organization_id),
        ai_system_id: Set(Some(system.id)),
        model_version_id: Set(None),
        title: Set(format!(
            "{} {} incident on {}",
            severity.as_str(),
            category.as_str().replace('_', " "),
            system.name
        )),
        description: Set(format!(
            "Historical {} incident #{i} of {} (demo data).",
            category.as_str().replace('_', " "),
            system.name
        )),
        severity: Set(severity.as_str().into()),
        category: Set(category.as_str().into()),
        status: Set(status.as_str().into()),
        occurred_at: Set(occurred),
        detected_at: Set(detected),
        acknowledged_at: Set(acknowledged),
        resolved_at: Set(resolved),
        closed_at: Set(closed),
        resolution: Set(resolved.map(|_| "Mitigated and monitored; see the runbook".to_string())),
        metric_episode_id: Set(None),
        created_by: Set("demo".into()),
        created_at: Set(detected),
        updated_at: Set(closed.or(resolved).or(acknowledged).unwrap_or(detected)),
        ..Default::default()
    }
}

/// Adds a year of incidents; returns how many.
pub async fn incidents(
    services: &Services,
    system: &Viewer,
    systems: &[AiSystem],
) -> AppResult<usize> {
    if systems.is_empty() {
        return Ok(0);
    }
    let organization_id = system.organization_id()?;
    let write = Write::begin(services, system).await?;
    let now = write.now();
    let rows: Vec<incident::ActiveModel> = (0..INCIDENTS)
        .map(|i| incident_row(organization_id, i, systems, now))
        .collect();
    for batch in rows.chunks(BATCH) {
        incident::Entity::insert_many(batch.to_vec())
            .exec(&*write)
            .await?;
    }
    write
        .record(
            Action::Seed,
            Entity::Incident,
            "history",
            None,
            Some(json!({ "incidents": INCIDENTS, "over_days": 365 })),
        )
        .await?;
    write.commit().await?;
    Ok(INCIDENTS)
}

/// Adds the large register's risks; returns how many. High and critical risks are never
/// `accepted` here: accepting one needs its body's approval, which bulk data cannot fake.
pub async fn risks(services: &Services, system: &Viewer, systems: &[AiSystem]) -> AppResult<usize> {
    if systems.is_empty() {
        return Ok(0);
    }
    let organization_id = system.organization_id()?;
    let library = threats::library()?;
    let write = Write::begin(services, system).await?;
    let now = write.now();
    let mut rows = Vec::with_capacity(RISKS);
    for i in 0..RISKS {
        let threat = &library[pick(i, 9, library.len())];
        let system = &systems[pick(i, 10, systems.len())];
        let likelihood = 1 + pick(i, 11, 5) as i16;
        let impact = 1 + pick(i, 12, 5) as i16;
        let assessed = pick(i, 13, 3) != 0;
        let residual = assessed.then(|| ((likelihood - 1).max(1), impact));
        let score = residual.map_or(likelihood * impact, |(l, i)| l * i);
        let status = match pick(i, 14, 10) {
            0 => RiskStatus::Closed,
            // The new organization rates with the default bands; only low and medium risks
            // are accepted here.
            1 if Bands::default().level(score as u8) < Level::High => RiskStatus::Accepted,
            _ if assessed => RiskStatus::Treating,
            _ => RiskStatus::Identified,
        };
        let review_due = now.date_naive() + Duration::days(pick(i, 15, 400) as i64 - 30);
        rows.push(risk::ActiveModel {
            organization_id: Set(organization_id),
            ai_system_id: Set(Some(system.id)),
            title: Set(format!("{} ({})", threat.name, system.name)),
            description: Set(threat.description.clone()),
            threat: Set(Some(threat.key.clone())),
            category: Set(threat.category.as_str().into()),
            inherent_likelihood: Set(likelihood),
            inherent_impact: Set(impact),
            residual_likelihood: Set(residual.map(|r| r.0)),
            residual_impact: Set(residual.map(|r| r.1)),
            treatment: Set(if status == RiskStatus::Accepted {
                Treatment::Accept
            } else {
                Treatment::Mitigate
            }
            .as_str()
            .into()),
            owner: Set(format!("owner{}@example.com", pick(i, 16, 4) + 1)),
            status: Set(status.as_str().into()),
            decision: Set((status == RiskStatus::Accepted)
                .then(|| "Within appetite at its level; revisit at next review".to_string())),
            review_due: Set(Some(review_due.to_string())),
            created_at: Set(now - Duration::days(pick(i, 17, 365) as i64)),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    for batch in rows.chunks(BATCH) {
        risk::Entity::insert_many(batch.to_vec())
            .exec(&*write)
            .await?;
    }
    write
        .record(
            Action::Seed,
            Entity::Risk,
            "register",
            None,
            Some(json!({ "risks": RISKS })),
        )
        .await?;
    write.commit().await?;
    Ok(RISKS)
}
