//! Critical AI systems: the classification rules and which of them fired. A system is critical
//! when its risk tier is high or prohibited, or when it has an open risk at the critical level
//! (residual once assessed). Incidents on critical systems are held to the response times of the
//! next higher severity. (Special-category personal data in a system's datasets joins the rules
//! when the dataset register lands.)

use std::collections::HashMap;

use entity::{ai_system, risk};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::{AiSystem, RiskTier};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::risks::{self, Level, RiskStatus};
use crate::error::AppResult;

/// A critical system and the rules that made it so.
#[derive(Debug, Clone, Serialize)]
pub struct Critical {
    pub system: AiSystem,
    pub because: Vec<String>,
}

/// Why each critical system of an organization is critical, by system id (systems that are not
/// critical are absent).
pub async fn reasons<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
) -> AppResult<HashMap<i32, Vec<String>>> {
    let mut out: HashMap<i32, Vec<String>> = HashMap::new();
    for system in ai_system::Entity::find()
        .filter(ai_system::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
    {
        let tier = RiskTier::stored(&system.risk_tier)?;
        if matches!(tier, RiskTier::High | RiskTier::Prohibited) {
            out.entry(system.id)
                .or_default()
                .push(format!("risk tier is {tier}"));
        }
    }
    let bands = risks::matrix::of(db, organization_id).await?;
    for row in risk::Entity::find()
        .filter(risk::Column::OrganizationId.eq(organization_id))
        .filter(risk::Column::AiSystemId.is_not_null())
        .filter(risk::Column::Status.ne(RiskStatus::Closed.as_str()))
        .order_by_asc(risk::Column::Id)
        .all(db)
        .await?
    {
        if risks::current_level(&row, bands)? == Level::Critical
            && let Some(system) = row.ai_system_id
        {
            out.entry(system)
                .or_default()
                .push(format!("open critical risk #{}: {}", row.id, row.title));
        }
    }
    Ok(out)
}

/// The organization's critical systems with the rules that fired, by name.
pub async fn list(services: &Services, viewer: &Viewer) -> AppResult<Vec<Critical>> {
    viewer.require(Permission::ReadRecords)?;
    let mut because = reasons(&services.db, viewer.organization_id()?).await?;
    let systems = super::list(services, viewer, &super::InventoryQuery::default()).await?;
    Ok(systems
        .into_iter()
        .filter_map(|system| {
            let because = because.remove(&system.id)?;
            Some(Critical { system, because })
        })
        .collect())
}
