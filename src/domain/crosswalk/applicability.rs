//! Requirements an organization excludes as not applicable, each with a justification (the
//! basis of the Statement of Applicability's exclusions).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::requirement_applicability as applicability;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

/// An exclusion decision.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Exclusion {
    pub requirement_id: i32,
    pub justification: String,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

/// The organization's exclusions by requirement id.
pub async fn exclusions<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
) -> AppResult<HashMap<i32, Exclusion>> {
    Ok(applicability::Entity::find()
        .filter(applicability::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            (
                m.requirement_id,
                Exclusion {
                    requirement_id: m.requirement_id,
                    justification: m.justification,
                    decided_by: m.decided_by,
                    decided_at: m.decided_at,
                },
            )
        })
        .collect())
}

/// Marks a requirement not applicable (a justification is required) or applicable again.
pub async fn set(
    services: &Services,
    viewer: &Viewer,
    requirement_id: i32,
    applicable: bool,
    justification: Option<String>,
) -> AppResult<Option<Exclusion>> {
    viewer.require(Permission::WriteControls)?;
    services.catalog.requirement(requirement_id)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let current = applicability::Entity::find()
        .filter(applicability::Column::OrganizationId.eq(organization_id))
        .filter(applicability::Column::RequirementId.eq(requirement_id))
        .one(&*txn)
        .await?;
    let actor = viewer.describe();
    let before = current
        .as_ref()
        .map(|row| serde_json::json!({ "justification": row.justification, "decided_by": row.decided_by }));
    if applicable {
        if let Some(row) = current {
            applicability::Entity::delete_by_id(row.id)
                .exec(&*txn)
                .await?;
            txn.record(
                Action::Include,
                Entity::RequirementApplicability,
                requirement_id,
                before,
                None,
            )
            .await?;
        }
        txn.commit().await?;
        return Ok(None);
    }
    let justification = justification
        .map(|j| j.trim().to_string())
        .filter(|j| j.len() >= 10)
        .ok_or_else(|| {
            AppError::rule(
                "justification",
                "justification_length",
                "excluding a requirement needs a justification of at least 10 characters",
            )
        })?;
    let now = txn.now();
    let mut active = match current {
        Some(row) => row.into(),
        None => applicability::ActiveModel {
            organization_id: Set(organization_id),
            requirement_id: Set(requirement_id),
            ..Default::default()
        },
    };
    active.justification = Set(justification.clone());
    active.decided_by = Set(viewer.describe());
    active.decided_at = Set(now);
    active.save(&*txn).await?;
    let exclusion = Exclusion {
        requirement_id,
        justification,
        decided_by: actor.clone(),
        decided_at: now,
    };
    let after = snapshot(&exclusion)?;
    txn.record(
        Action::Exclude,
        Entity::RequirementApplicability,
        requirement_id,
        before,
        Some(after),
    )
    .await?;
    txn.commit().await?;
    Ok(Some(exclusion))
}
