//! Critical AI systems: the classification rules and which of them fired. A system is critical
//! when its risk tier is high or prohibited, or when it has an open risk at the critical level
//! (residual once assessed). Incidents on critical systems are held to the response times of the
//! next higher severity. A system whose model versions use a dataset holding special-category
//! personal data is critical too.

use std::collections::{HashMap, HashSet};

use entity::{ai_system, dataset, model_dataset, model_version, risk};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::{AiSystem, RiskTier};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::risks::{self, Level, RiskStatus};
use crate::error::AppResult;

/// The columns of a risk the critical rule reads.
type RatedRisk = (i32, Option<i32>, String, i16, i16, Option<i16>, Option<i16>);

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
    // Residual risk never exceeds inherent risk, so only risks whose inherent score is above the
    // high band can be critical: the database leaves out the rest, and only the columns the
    // rule needs are read (this runs on every incident listing).
    let rows: Vec<RatedRisk> = risk::Entity::find()
        .select_only()
        .columns([
            risk::Column::Id,
            risk::Column::AiSystemId,
            risk::Column::Title,
            risk::Column::InherentLikelihood,
            risk::Column::InherentImpact,
            risk::Column::ResidualLikelihood,
            risk::Column::ResidualImpact,
        ])
        .filter(risk::Column::OrganizationId.eq(organization_id))
        .filter(risk::Column::AiSystemId.is_not_null())
        .filter(risk::Column::Status.ne(RiskStatus::Closed.as_str()))
        .filter(
            Expr::col(risk::Column::InherentLikelihood)
                .mul(Expr::col(risk::Column::InherentImpact))
                .gt(i32::from(bands.high_max)),
        )
        .order_by_asc(risk::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for (id, system, title, il, ii, rl, ri) in rows {
        if risks::level_of_stored(id, (il, ii), (rl, ri), bands)? == Level::Critical
            && let Some(system) = system
        {
            out.entry(system)
                .or_default()
                .push(format!("open critical risk #{id}: {title}"));
        }
    }
    special_category_data(db, organization_id, &mut out).await?;
    Ok(out)
}

/// The ids of the organization's critical systems, for the paths that need no reasons (every
/// incident listing): the risk rule is answered by the database, one distinct column.
pub async fn ids<C: ConnectionTrait>(db: &C, organization_id: i32) -> AppResult<HashSet<i32>> {
    let mut out: HashSet<i32> = HashSet::new();
    let tiers: Vec<(i32, String)> = ai_system::Entity::find()
        .select_only()
        .columns([ai_system::Column::Id, ai_system::Column::RiskTier])
        .filter(ai_system::Column::OrganizationId.eq(organization_id))
        .into_tuple()
        .all(db)
        .await?;
    for (id, tier) in tiers {
        if matches!(
            RiskTier::stored(&tier)?,
            RiskTier::High | RiskTier::Prohibited
        ) {
            out.insert(id);
        }
    }
    let high_max = i32::from(risks::matrix::of(db, organization_id).await?.high_max);
    let residual_set = Condition::all()
        .add(risk::Column::ResidualLikelihood.is_not_null())
        .add(risk::Column::ResidualImpact.is_not_null());
    let residual_unset = Condition::any()
        .add(risk::Column::ResidualLikelihood.is_null())
        .add(risk::Column::ResidualImpact.is_null());
    let score = |l: risk::Column, i: risk::Column| Expr::col(l).mul(Expr::col(i)).gt(high_max);
    let systems: Vec<Option<i32>> = risk::Entity::find()
        .select_only()
        .column(risk::Column::AiSystemId)
        .distinct()
        .filter(risk::Column::OrganizationId.eq(organization_id))
        .filter(risk::Column::AiSystemId.is_not_null())
        .filter(risk::Column::Status.ne(RiskStatus::Closed.as_str()))
        .filter(
            Condition::any()
                .add(residual_set.add(score(
                    risk::Column::ResidualLikelihood,
                    risk::Column::ResidualImpact,
                )))
                .add(Condition::all().add(residual_unset).add(score(
                    risk::Column::InherentLikelihood,
                    risk::Column::InherentImpact,
                ))),
        )
        .into_tuple()
        .all(db)
        .await?;
    out.extend(systems.into_iter().flatten());
    let mut data = HashMap::new();
    special_category_data(db, organization_id, &mut data).await?;
    out.extend(data.into_keys());
    Ok(out)
}

/// Adds the systems whose model versions use a dataset with special-category personal data.
async fn special_category_data<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    out: &mut HashMap<i32, Vec<String>>,
) -> AppResult<()> {
    let sensitive: HashMap<i32, String> = dataset::Entity::find()
        .filter(dataset::Column::OrganizationId.eq(organization_id))
        .filter(dataset::Column::SpecialCategories.ne("[]"))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, format!("{} {}", d.name, d.version)))
        .collect();
    if sensitive.is_empty() {
        return Ok(());
    }
    let systems: HashMap<i32, i32> = model_version::Entity::find()
        .filter(model_version::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v.ai_system_id))
        .collect();
    for usage in model_dataset::Entity::find()
        .filter(model_dataset::Column::OrganizationId.eq(organization_id))
        .filter(model_dataset::Column::DatasetId.is_in(sensitive.keys().copied()))
        .order_by_asc(model_dataset::Column::Id)
        .all(db)
        .await?
    {
        if let (Some(name), Some(system)) = (
            sensitive.get(&usage.dataset_id),
            systems.get(&usage.model_version_id),
        ) {
            let reason = format!("uses special-category personal data ({name})");
            let reasons = out.entry(*system).or_default();
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
    }
    Ok(())
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
