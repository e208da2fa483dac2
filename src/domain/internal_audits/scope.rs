//! What an audit covers: frameworks (every assessable requirement of each), single requirements,
//! controls and AI systems, resolved against the catalog and the organization's mappings into the
//! requirements, the controls mapped to them and the pairs between them that the checklist walks.

use std::collections::{BTreeMap, BTreeSet};

use entity::{ai_system, control, control_mapping};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use crate::domain::catalog::CatalogSnapshot;
use crate::error::{AppError, AppResult};

/// An audit's scope as entered: what is in it, by framework slug and by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub frameworks: Vec<String>,
    pub requirement_ids: Vec<i32>,
    pub control_ids: Vec<i32>,
    pub ai_system_ids: Vec<i32>,
}

/// The largest number of scope entries of each kind.
const MAX_ENTRIES: usize = 2_000;

/// A scope resolved: requirements in catalog order, the organization's controls mapped to them
/// (or named), and the mapping pairs between them.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub requirement_ids: Vec<i32>,
    pub control_ids: BTreeSet<i32>,
    /// Controls mapped to each requirement in scope (not_related mappings left out).
    pub mapped: BTreeMap<i32, Vec<i32>>,
    pub ai_system_ids: Vec<i32>,
}

impl Scope {
    /// Checks the scope names something, within limits, and only the organization's records.
    pub async fn check<C: ConnectionTrait>(
        &self,
        db: &C,
        catalog: &CatalogSnapshot,
        organization_id: i32,
    ) -> AppResult<()> {
        if self.frameworks.is_empty()
            && self.requirement_ids.is_empty()
            && self.control_ids.is_empty()
            && self.ai_system_ids.is_empty()
        {
            return Err(AppError::rule(
                "scope",
                "scope_required",
                "an audit's scope names at least one framework, requirement, control or AI system",
            ));
        }
        for (field, len) in [
            ("scope.frameworks", self.frameworks.len()),
            ("scope.requirementIds", self.requirement_ids.len()),
            ("scope.controlIds", self.control_ids.len()),
            ("scope.aiSystemIds", self.ai_system_ids.len()),
        ] {
            if len > MAX_ENTRIES {
                return Err(AppError::rule(
                    field,
                    "too_many",
                    format!("{field} takes at most {MAX_ENTRIES} entries"),
                ));
            }
        }
        for slug in &self.frameworks {
            catalog.framework(slug, None)?;
        }
        for id in &self.requirement_ids {
            catalog.requirement(*id)?;
        }
        let controls: BTreeSet<i32> = self.control_ids.iter().copied().collect();
        let found = control::Entity::find()
            .filter(control::Column::OrganizationId.eq(organization_id))
            .filter(control::Column::Id.is_in(controls.iter().copied()))
            .all(db)
            .await?;
        if let Some(missing) = controls
            .iter()
            .find(|id| !found.iter().any(|c| c.id == **id))
        {
            return Err(AppError::not_found(format!("control {missing}")));
        }
        let systems: BTreeSet<i32> = self.ai_system_ids.iter().copied().collect();
        let found = ai_system::Entity::find()
            .filter(ai_system::Column::OrganizationId.eq(organization_id))
            .filter(ai_system::Column::Id.is_in(systems.iter().copied()))
            .all(db)
            .await?;
        if let Some(missing) = systems
            .iter()
            .find(|id| !found.iter().any(|s| s.id == **id))
        {
            return Err(AppError::not_found(format!("AI system {missing}")));
        }
        Ok(())
    }

    /// The requirements, controls and mappings the scope covers.
    pub async fn resolve<C: ConnectionTrait>(
        &self,
        db: &C,
        catalog: &CatalogSnapshot,
        organization_id: i32,
    ) -> AppResult<Resolved> {
        let mut requirement_ids: Vec<i32> = Vec::new();
        let mut seen = BTreeSet::new();
        for slug in &self.frameworks {
            let framework = catalog.framework(slug, None)?;
            for requirement in catalog.assessable(framework.id) {
                if seen.insert(requirement.id) {
                    requirement_ids.push(requirement.id);
                }
            }
        }
        for id in &self.requirement_ids {
            if seen.insert(*id) {
                requirement_ids.push(*id);
            }
        }
        let mut mapped: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
        let mut control_ids: BTreeSet<i32> = self.control_ids.iter().copied().collect();
        // One query for the whole organization: filtering thousands of ids in SQL would bump
        // into bind-parameter limits, and an organization has at most a few thousand mappings.
        let mappings = control_mapping::Entity::find()
            .filter(control_mapping::Column::OrganizationId.eq(organization_id))
            .filter(control_mapping::Column::Relationship.ne("not_related"))
            .all(db)
            .await?;
        let live: BTreeSet<i32> = control::Entity::find()
            .filter(control::Column::OrganizationId.eq(organization_id))
            .filter(control::Column::RetiredAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        for mapping in mappings {
            if seen.contains(&mapping.requirement_id) && live.contains(&mapping.control_id) {
                let list = mapped.entry(mapping.requirement_id).or_default();
                if !list.contains(&mapping.control_id) {
                    list.push(mapping.control_id);
                }
                control_ids.insert(mapping.control_id);
            }
        }
        for list in mapped.values_mut() {
            list.sort_unstable();
        }
        let mut ai_system_ids = self.ai_system_ids.clone();
        ai_system_ids.sort_unstable();
        ai_system_ids.dedup();
        Ok(Resolved {
            requirement_ids,
            control_ids,
            mapped,
            ai_system_ids,
        })
    }
}
