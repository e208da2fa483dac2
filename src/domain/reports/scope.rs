//! What a report covers: the whole organization, one business unit, chosen AI systems, and (for
//! compliance reports) one framework. Resolved against the organization's inventory, so a scope
//! naming a system of another organization or an unknown framework is refused, not ignored.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::domain::Services;
use crate::domain::inventory::{self, AiSystem, InventoryQuery};
use crate::domain::kernel::viewer::Viewer;
use crate::error::{AppError, AppResult};

/// A scope as asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Scope {
    pub business_unit: Option<String>,
    pub ai_system_ids: Vec<i32>,
    /// A framework slug (`iso-iec-42001`, `nist-csf`, `nist-ai-rmf`).
    pub framework: Option<String>,
}

/// A scope checked against the organization.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The AI systems in scope; `None` for the whole organization.
    pub systems: Option<BTreeSet<i32>>,
    /// The organization's systems that are in scope, by name.
    pub inventory: Vec<AiSystem>,
    /// Framework ids to report on: the one named, or every framework loaded.
    pub framework_ids: Vec<i32>,
    /// How the scope reads in a report's header.
    pub description: String,
}

impl Resolved {
    /// Whether a record of `ai_system_id` belongs in the report. Records of no system belong only
    /// to an organization-wide report.
    pub fn includes(&self, ai_system_id: Option<i32>) -> bool {
        match (&self.systems, ai_system_id) {
            (None, _) => true,
            (Some(systems), Some(id)) => systems.contains(&id),
            (Some(_), None) => false,
        }
    }
}

impl Scope {
    /// Checks the scope against the viewer's organization.
    pub async fn resolve(&self, services: &Services, viewer: &Viewer) -> AppResult<Resolved> {
        let all = inventory::list(services, viewer, &InventoryQuery::default()).await?;
        let framework_ids = match self.framework.as_deref().map(str::trim) {
            Some(slug) if !slug.is_empty() => {
                let framework = services.catalog.framework(slug, None).map_err(|_| {
                    AppError::rule(
                        "framework",
                        "unknown_framework",
                        format!("no framework '{slug}' is loaded"),
                    )
                })?;
                vec![framework.id]
            }
            // The newest version of each framework: an older version loaded beside it would repeat
            // every table under the same name.
            _ => {
                let mut slugs: Vec<&str> = Vec::new();
                for framework in services.catalog.frameworks() {
                    if !slugs.contains(&framework.slug.as_str()) {
                        slugs.push(&framework.slug);
                    }
                }
                slugs
                    .into_iter()
                    .filter_map(|slug| services.catalog.framework(slug, None).ok())
                    .map(|f| f.id)
                    .collect()
            }
        };
        let mut parts = Vec::new();
        let mut systems: Option<BTreeSet<i32>> = None;
        if let Some(unit) = self
            .business_unit
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            let of_unit: BTreeSet<i32> = all
                .iter()
                .filter(|s| s.business_unit.eq_ignore_ascii_case(unit))
                .map(|s| s.id)
                .collect();
            if of_unit.is_empty() {
                return Err(AppError::rule(
                    "businessUnit",
                    "unknown_business_unit",
                    format!("no AI system belongs to business unit '{unit}'"),
                ));
            }
            parts.push(format!("business unit {unit}"));
            systems = Some(of_unit);
        }
        if !self.ai_system_ids.is_empty() {
            let mut chosen = BTreeSet::new();
            for id in &self.ai_system_ids {
                if !all.iter().any(|s| s.id == *id) {
                    return Err(AppError::rule(
                        "aiSystemIds",
                        "unknown_ai_system",
                        format!("AI system {id} is not in this organization's inventory"),
                    ));
                }
                chosen.insert(*id);
            }
            let names: Vec<&str> = all
                .iter()
                .filter(|s| chosen.contains(&s.id))
                .map(|s| s.name.as_str())
                .collect();
            parts.push(format!("AI systems {}", names.join(", ")));
            let narrowed: BTreeSet<i32> = match &systems {
                Some(unit) => unit.intersection(&chosen).copied().collect(),
                None => chosen,
            };
            if narrowed.is_empty() {
                return Err(AppError::rule(
                    "aiSystemIds",
                    "outside_business_unit",
                    "none of these AI systems belongs to the business unit",
                ));
            }
            systems = Some(narrowed);
        }
        if self
            .framework
            .as_deref()
            .is_some_and(|f| !f.trim().is_empty())
            && let Some(framework) = framework_ids
                .first()
                .and_then(|id| services.catalog.framework_by_id(*id))
        {
            parts.push(format!("framework {}", framework.short_name));
        }
        let description = if parts.is_empty() {
            "whole organization".to_string()
        } else {
            parts.join("; ")
        };
        let inventory = all
            .into_iter()
            .filter(|s| systems.as_ref().is_none_or(|set| set.contains(&s.id)))
            .collect();
        Ok(Resolved {
            systems,
            inventory,
            framework_ids,
            description,
        })
    }
}
