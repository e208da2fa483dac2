//! Escalation: an incident is emailed along the organization's route for its severity (the
//! route's governance body members, through the people directory, and its listed recipients),
//! recorded as a notice that someone must acknowledge within the severity's SLA. A severity's
//! route has levels (say the risk committee, then the governance board). When nobody has
//! acknowledged by the deadline, the job runner escalates once to the next level, and past the
//! severity's last level to the first level of the next higher severity that has a route.
//! Acknowledging the incident stops it.

use chrono::{DateTime, Duration, Utc};
use entity::{governance_body, incident, incident_notice};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::{Incident, IncidentStatus, sla, timeline};
use crate::domain::Services;
use crate::domain::delivery::recipients;
use crate::domain::delivery::schedules::Recipients;
use crate::domain::governance::{self, Route, Severity};
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::Write;
use crate::domain::notifications::{self, Notice};
use crate::error::{AppError, AppResult};

/// One level of an incident's escalation, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    pub level: i32,
    pub severity: Severity,
    pub body_id: Option<i32>,
    pub body_name: Option<String>,
    pub recipients: Vec<String>,
    pub notified_at: DateTime<Utc>,
    pub acknowledge_by: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
}

/// Emails `incident` along its severity's route, level by level from the lowest configured,
/// inside `write`: the first level at once. Notes on the timeline when the organization has no
/// route for that severity.
pub async fn notify_first(
    write: &Write<'_>,
    organization_id: i32,
    incident: &Incident,
) -> AppResult<()> {
    let chain = governance::chain_of(&**write, organization_id).await?;
    match chain.iter().find(|r| r.severity == incident.severity) {
        Some(route) => notify(write, organization_id, incident, 1, route).await,
        None => {
            timeline::append(
                write,
                organization_id,
                incident.id,
                timeline::EventKind::Escalated,
                &format!(
                    "no escalation route for {} incidents; nobody was emailed",
                    incident.severity
                ),
            )
            .await
        }
    }
}

/// The route after `(severity, level)` in the escalation chain: the next level of the same
/// severity, else the first level of the next higher severity that has a route.
fn next_route(chain: &[Route], severity: Severity, level: i32) -> Option<&Route> {
    chain
        .iter()
        .find(|r| (r.severity, r.level) > (severity, level))
}

/// Emails step `step` of `incident`'s escalation along `route`, inside `write`, and records the
/// notice someone must acknowledge.
async fn notify(
    write: &Write<'_>,
    organization_id: i32,
    incident: &Incident,
    step: i32,
    route: &Route,
) -> AppResult<()> {
    let services = write.services();
    let level = step;
    let severity = route.severity;
    let listed = route.recipients.clone();
    let members = recipients::body_members(services, organization_id, &[route.body_id]).await?;
    let people = crate::domain::people::all_of(services, organization_id).await?;
    let wanted = Recipients {
        addresses: listed,
        ..Default::default()
    };
    let addresses = recipients::resolve(&wanted, &people, &members, &[]);
    let body = governance_body::Entity::find_by_id(route.body_id)
        .filter(governance_body::Column::OrganizationId.eq(organization_id))
        .one(&**write)
        .await?;
    let body_name = body.map_or_else(|| format!("body {}", route.body_id), |b| b.name);
    let now = write.now();
    let slas = sla::all_of(&**write, organization_id).await?;
    let critical = super::critical_systems(&**write, organization_id).await?;
    let due = now
        + Duration::minutes(i64::from(
            sla::of(&slas, incident.held_as(&critical)).acknowledge_minutes,
        ));
    let notice = Notice {
        topic: "incident_escalation",
        subject_type: "incident",
        subject_id: incident.id,
        subject: format!(
            "[{}] AI incident #{}: {}{}",
            incident.severity.as_str().to_uppercase(),
            incident.id,
            incident.title,
            if level > 1 {
                format!(" (escalation level {level})")
            } else {
                String::new()
            }
        ),
        body: format!(
            "{}\n\nSeverity: {}\nCategory: {}\nOccurred: {}\nDetected: {}\nEscalation level {level}: {body_name}\n\nAcknowledge by {} in Accord (incident #{}); until someone does, it escalates further.",
            incident.description,
            incident.severity,
            incident.category,
            incident.occurred_at.to_rfc3339(),
            incident.detected_at.to_rfc3339(),
            due.to_rfc3339(),
            incident.id,
        ),
    };
    let sent = notifications::queue(
        write,
        organization_id,
        &notice,
        &addresses,
        &services.delivery.run,
    )
    .await?;
    incident_notice::ActiveModel {
        organization_id: Set(organization_id),
        incident_id: Set(incident.id),
        level: Set(level),
        severity: Set(severity.as_str().into()),
        route_level: Set(route.level),
        body_id: Set(Some(route.body_id)),
        recipients: Set(serde_json::to_string(&addresses).map_err(AppError::internal)?),
        notified_at: Set(now),
        acknowledge_by: Set(due),
        acknowledged_at: Set(None),
        acknowledged_by: Set(None),
        ..Default::default()
    }
    .insert(&**write)
    .await?;
    timeline::append(
        write,
        organization_id,
        incident.id,
        timeline::EventKind::Escalated,
        &format!(
            "level {level} ({severity} route, level {}): {body_name}, {sent} recipient(s) emailed",
            route.level
        ),
    )
    .await
}

/// Escalates every unacknowledged incident whose latest notice has passed its acknowledgement
/// time, once per level; returns how many were escalated. One incident failing (another
/// instance escalated it first, a broken route) is logged and does not hold up the others.
pub async fn escalate_overdue(services: &Services) -> AppResult<usize> {
    let now = services.clock.now();
    let overdue = incident_notice::Entity::find()
        .filter(incident_notice::Column::AcknowledgedAt.is_null())
        .filter(incident_notice::Column::AcknowledgeBy.lte(now))
        .order_by_asc(incident_notice::Column::Id)
        .all(&services.db)
        .await?;
    let mut escalated = 0;
    for notice in overdue {
        match escalate_one(services, &notice, now).await {
            Ok(done) => escalated += usize::from(done),
            Err(err) => {
                tracing::warn!(incident = notice.incident_id, %err, "escalating an incident failed")
            }
        }
    }
    Ok(escalated)
}

/// The row of an incident, locked on PostgreSQL so a step and an escalation of one incident take
/// turns (SQLite's single writer already serializes them).
pub(super) async fn locked_incident(
    write: &Write<'_>,
    incident_id: i32,
) -> AppResult<Option<incident::Model>> {
    let query = write.for_update(incident::Entity::find_by_id(incident_id));
    Ok(query.one(&**write).await?)
}

async fn escalate_one(
    services: &Services,
    notice: &incident_notice::Model,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    // Cheap checks first, outside any write: only the latest level of an open incident moves.
    let later = incident_notice::Entity::find()
        .filter(incident_notice::Column::IncidentId.eq(notice.incident_id))
        .filter(incident_notice::Column::Level.gt(notice.level))
        .one(&services.db)
        .await?;
    let open = incident::Entity::find_by_id(notice.incident_id)
        .one(&services.db)
        .await?
        .is_some_and(|i| i.status == IncidentStatus::Open.as_str());
    if later.is_some() || !open {
        return Ok(false);
    }
    let write =
        Write::begin_as(services, Some(notice.organization_id), "escalation".into()).await?;
    // Again under the lock: an acknowledgement may have committed since.
    let Some(row) = locked_incident(&write, notice.incident_id).await? else {
        return Ok(false);
    };
    let incident: Incident = row.try_into()?;
    let still_latest = incident_notice::Entity::find()
        .filter(incident_notice::Column::IncidentId.eq(notice.incident_id))
        .filter(incident_notice::Column::Level.gt(notice.level))
        .one(&*write)
        .await?
        .is_none();
    if incident.status != IncidentStatus::Open || !still_latest {
        return Ok(false);
    }
    let from = Severity::stored(&notice.severity)?;
    let chain = governance::chain_of(&*write, notice.organization_id).await?;
    let next = next_route(&chain, from, notice.route_level);
    if let Some(route) = next {
        notify(
            &write,
            notice.organization_id,
            &incident,
            notice.level + 1,
            route,
        )
        .await?;
    } else {
        // The top of the route: nothing further to escalate to. The notice stays
        // unacknowledged, with its deadline moved out of the overdue scan.
        let mut row: incident_notice::ActiveModel = notice.clone().into();
        row.acknowledge_by = Set(now + Duration::days(36_500));
        row.update(&*write).await?;
    }
    write.commit().await?;
    Ok(next.is_some())
}

/// Marks every open notice of an incident acknowledged, inside `write`.
pub async fn acknowledge(write: &Write<'_>, incident_id: i32, by: &str) -> AppResult<()> {
    let open = incident_notice::Entity::find()
        .filter(incident_notice::Column::IncidentId.eq(incident_id))
        .filter(incident_notice::Column::AcknowledgedAt.is_null())
        .all(&**write)
        .await?;
    for notice in open {
        let mut row: incident_notice::ActiveModel = notice.into();
        row.acknowledged_at = Set(Some(write.now()));
        row.acknowledged_by = Set(Some(by.to_string()));
        row.update(&**write).await?;
    }
    Ok(())
}

/// Who was notified when, and who acknowledged, level by level.
pub async fn notices(
    services: &Services,
    viewer: &Viewer,
    incident_id: i32,
) -> AppResult<Vec<NoticeView>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    Ok(notices_of(&services.db, organization_id, &[incident_id])
        .await?
        .into_iter()
        .map(|(_, notice)| notice)
        .collect())
}

/// The notices of several incidents, as `(incident id, notice)` by incident and level.
pub async fn notices_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    organization_id: i32,
    incident_ids: &[i32],
) -> AppResult<Vec<(i32, NoticeView)>> {
    let bodies = governance_body::Entity::find()
        .filter(governance_body::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?;
    let mut out = Vec::new();
    // Bounded IN lists keep every backend under its bind-parameter limit.
    for chunk in incident_ids.chunks(1_000) {
        let rows = incident_notice::Entity::find()
            .filter(incident_notice::Column::OrganizationId.eq(organization_id))
            .filter(incident_notice::Column::IncidentId.is_in(chunk.iter().copied()))
            .order_by_asc(incident_notice::Column::IncidentId)
            .order_by_asc(incident_notice::Column::Level)
            .all(db)
            .await?;
        for n in rows {
            out.push((
                n.incident_id,
                NoticeView {
                    level: n.level,
                    severity: Severity::stored(&n.severity)?,
                    body_name: n
                        .body_id
                        .and_then(|id| bodies.iter().find(|b| b.id == id).map(|b| b.name.clone())),
                    body_id: n.body_id,
                    recipients: serde_json::from_str(&n.recipients).map_err(AppError::internal)?,
                    notified_at: n.notified_at,
                    acknowledge_by: n.acknowledge_by,
                    acknowledged_at: n.acknowledged_at,
                    acknowledged_by: n.acknowledged_by,
                },
            ));
        }
    }
    Ok(out)
}
