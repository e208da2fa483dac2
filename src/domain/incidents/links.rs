//! What an incident concerns: the risks it realized and the controls that failed or responded.
//! Setting the links replaces them, in one audited write with a note on the timeline.

use std::collections::BTreeSet;

use entity::{control, incident_link, risk};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::timeline::{self, EventKind};
use super::{escalation, find};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::{AppError, AppResult};

/// Most risks and controls one incident links to, each.
const MAX_LINKS: usize = 200;

/// A linked risk.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkedRisk {
    pub id: i32,
    pub title: String,
}

/// A linked control.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkedControl {
    pub id: i32,
    pub code: String,
    pub title: String,
}

/// An incident's links.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Links {
    pub risks: Vec<LinkedRisk>,
    pub controls: Vec<LinkedControl>,
}

const RISK: &str = "risk";
const CONTROL: &str = "control";

fn distinct(field: &str, ids: &[i32]) -> AppResult<BTreeSet<i32>> {
    if ids.len() > MAX_LINKS {
        return Err(AppError::rule(
            field,
            "too_many",
            format!("{field} takes at most {MAX_LINKS} ids"),
        ));
    }
    Ok(ids.iter().copied().collect())
}

/// The risks and controls of `ids` in the organization. `strict` refuses any other id as
/// NOT_FOUND (input); otherwise ids no longer there are left out (a risk deleted since linking).
async fn resolve<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    risks: &BTreeSet<i32>,
    controls: &BTreeSet<i32>,
    strict: bool,
) -> AppResult<Links> {
    let found_risks = risk::Entity::find()
        .filter(risk::Column::OrganizationId.eq(organization_id))
        .filter(risk::Column::Id.is_in(risks.iter().copied()))
        .order_by_asc(risk::Column::Id)
        .all(db)
        .await?;
    if let Some(missing) = risks
        .iter()
        .find(|id| strict && !found_risks.iter().any(|r| r.id == **id))
    {
        return Err(AppError::not_found(format!("risk {missing}")));
    }
    let found_controls = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .filter(control::Column::Id.is_in(controls.iter().copied()))
        .order_by_asc(control::Column::Code)
        .all(db)
        .await?;
    if let Some(missing) = controls
        .iter()
        .find(|id| strict && !found_controls.iter().any(|c| c.id == **id))
    {
        return Err(AppError::not_found(format!("control {missing}")));
    }
    Ok(Links {
        risks: found_risks
            .into_iter()
            .map(|r| LinkedRisk {
                id: r.id,
                title: r.title,
            })
            .collect(),
        controls: found_controls
            .into_iter()
            .map(|c| LinkedControl {
                id: c.id,
                code: c.code,
                title: c.title,
            })
            .collect(),
    })
}

async fn stored<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    incident_id: i32,
) -> AppResult<Links> {
    let rows = incident_link::Entity::find()
        .filter(incident_link::Column::OrganizationId.eq(organization_id))
        .filter(incident_link::Column::IncidentId.eq(incident_id))
        .all(db)
        .await?;
    let ids = |kind: &str| -> BTreeSet<i32> {
        rows.iter()
            .filter(|l| l.subject_type == kind)
            .map(|l| l.subject_id)
            .collect()
    };
    resolve(db, organization_id, &ids(RISK), &ids(CONTROL), false).await
}

/// Sets the risks and controls an incident concerns (replacing earlier links).
pub async fn set(
    services: &Services,
    viewer: &Viewer,
    incident_id: i32,
    risk_ids: &[i32],
    control_ids: &[i32],
) -> AppResult<Links> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let risks = distinct("riskIds", risk_ids)?;
    let controls = distinct("controlIds", control_ids)?;
    let write = Write::begin(services, viewer).await?;
    find(&*write, organization_id, incident_id).await?;
    escalation::locked_incident(&write, incident_id).await?;
    let before = stored(&*write, organization_id, incident_id).await?;
    let after = resolve(&*write, organization_id, &risks, &controls, true).await?;
    incident_link::Entity::delete_many()
        .filter(incident_link::Column::IncidentId.eq(incident_id))
        .exec(&*write)
        .await?;
    let rows: Vec<incident_link::ActiveModel> = risks
        .iter()
        .map(|id| (RISK, *id))
        .chain(controls.iter().map(|id| (CONTROL, *id)))
        .map(|(kind, id)| incident_link::ActiveModel {
            organization_id: Set(organization_id),
            incident_id: Set(incident_id),
            subject_type: Set(kind.into()),
            subject_id: Set(id),
            created_by: Set(write.actor().to_string()),
            created_at: Set(write.now()),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        incident_link::Entity::insert_many(rows)
            .exec(&*write)
            .await?;
    }
    let note = format!(
        "linked to risks [{}] and controls [{}]",
        after
            .risks
            .iter()
            .map(|r| format!("#{} {}", r.id, r.title))
            .collect::<Vec<_>>()
            .join(", "),
        after
            .controls
            .iter()
            .map(|c| c.code.clone())
            .collect::<Vec<_>>()
            .join(", ")
    );
    timeline::append(&write, organization_id, incident_id, EventKind::Note, &note).await?;
    write
        .changed(
            Action::Set,
            Entity::Incident,
            &format!("{incident_id}/links"),
            &before,
            &after,
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// The risks and controls an incident concerns.
pub async fn of(services: &Services, viewer: &Viewer, incident_id: i32) -> AppResult<Links> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    find(&services.db, organization_id, incident_id).await?;
    stored(&services.db, organization_id, incident_id).await
}
