//! Live coverage of a framework by the organization's controls (DESIGN.md section 3), computed
//! from current data on every call, never copied:
//! - *satisfied*: an implemented control that is not rated ineffective or partially effective,
//!   with current evidence (uploaded, or its linked metrics: `metrics::monitoring`), maps to the requirement as equal or superset_of; or every member of a
//!   control set the library declares for the requirement does so while mapped to it (IR 8477's
//!   set-of-controls relationship: together they cover every element);
//! - *partial*: qualifying controls map only as subset_of / intersects_with (or the full-cover
//!   control is rated partially effective, or a metric monitoring it is stale or breaching);
//! - *not applicable*: excluded with a justification; *not covered* otherwise.
//!
//! Assessed requirements are the leaves of each catalog (subcategories, sub-clauses, Annex A
//! controls), except ISO/IEC 42001 clauses 1-3, which hold no requirements.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use entity::control;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::domain::Services;
use crate::domain::controls::evidence::controls_with_current_evidence;
use crate::domain::controls::{ControlStatus, Effectiveness, all_mappings};
use crate::domain::crosswalk::applicability::{Exclusion, exclusions};
use crate::domain::crosswalk::relationship::Relationship;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::library;
use crate::domain::metrics;
use crate::domain::metrics::monitoring::ControlMonitoring;
use crate::error::AppResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoverageStatus {
    Satisfied,
    Partial,
    NotCovered,
    NotApplicable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Function,
    Category,
}

/// How one mapped control stands toward one requirement.
#[derive(Debug, Clone)]
pub struct Contribution {
    pub control_id: i32,
    pub code: String,
    /// The library control this one was copied from, which control sets name.
    pub library_code: Option<String>,
    pub title: String,
    pub relationship: Relationship,
    pub status: ControlStatus,
    pub effectiveness: Effectiveness,
    pub has_current_evidence: bool,
    /// False when a linked metric is stale or breaching (continuous control monitoring).
    pub monitoring_healthy: bool,
    /// What keeps this control from counting fully; empty when it satisfies the requirement.
    pub blockers: Vec<String>,
}

/// The coverage of one requirement.
#[derive(Debug, Clone)]
pub struct RequirementCoverage {
    pub requirement_id: i32,
    pub status: CoverageStatus,
    pub contributions: Vec<Contribution>,
    pub exclusion: Option<Exclusion>,
}

/// Counts of a group of requirements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub satisfied: usize,
    pub partial: usize,
    pub not_covered: usize,
    pub not_applicable: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.satisfied + self.partial + self.not_covered + self.not_applicable
    }
    /// Percentage of applicable requirements in a state (0 when none is applicable).
    pub fn percent(&self, count: usize) -> f64 {
        let applicable = self.total() - self.not_applicable;
        if applicable == 0 {
            0.0
        } else {
            (count as f64 * 1000.0 / applicable as f64).round() / 10.0
        }
    }
    fn add(&mut self, status: CoverageStatus) {
        match status {
            CoverageStatus::Satisfied => self.satisfied += 1,
            CoverageStatus::Partial => self.partial += 1,
            CoverageStatus::NotCovered => self.not_covered += 1,
            CoverageStatus::NotApplicable => self.not_applicable += 1,
        }
    }
}

/// Coverage of a framework, grouped.
#[derive(Debug, Clone)]
pub struct CoverageReport {
    pub framework_id: i32,
    pub totals: Counts,
    /// `(group requirement id, counts)` in catalog order.
    pub groups: Vec<(i32, Counts)>,
    /// Shared with the read model: a report that only needs totals copies nothing.
    pub requirements: Arc<Vec<RequirementCoverage>>,
}

/// Assesses every assessed requirement of a framework for the viewer's organization.
pub async fn assess(
    services: &Services,
    viewer: &Viewer,
    framework_id: i32,
) -> AppResult<Arc<Vec<RequirementCoverage>>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    let model = services
        .read_model
        .organization(services, organization_id)
        .await?;
    model
        .coverage(services, organization_id, framework_id, || {
            assess_from_database(services, viewer, framework_id)
        })
        .await
}

/// The same assessment read from the database on every call, bypassing the read model: what a
/// cache miss computes, and the reference the read model is tested against.
pub async fn assess_from_database(
    services: &Services,
    viewer: &Viewer,
    framework_id: i32,
) -> AppResult<Vec<RequirementCoverage>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    let db = &services.db;
    let now = services.clock.now();
    let controls: HashMap<i32, control::Model> = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .filter(control::Column::RetiredAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let evidenced = controls_with_current_evidence(db, organization_id, now).await?;
    let monitoring = metrics::monitoring::controls(db, organization_id, now).await?;
    let mut excluded = exclusions(db, organization_id).await?;
    let mut by_requirement: HashMap<i32, Vec<(i32, Relationship)>> = HashMap::new();
    for mapping in all_mappings(db, organization_id).await? {
        if controls.contains_key(&mapping.control_id)
            && mapping.relationship != Relationship::NotRelated
        {
            by_requirement
                .entry(mapping.requirement_id)
                .or_default()
                .push((mapping.control_id, mapping.relationship));
        }
    }

    let sets = control_sets(services, framework_id)?;
    let mut results = Vec::new();
    for requirement in services.catalog.assessable(framework_id) {
        let mut contributions: Vec<Contribution> = by_requirement
            .get(&requirement.id)
            .map(|links| {
                links
                    .iter()
                    .filter_map(|(control_id, relationship)| {
                        controls.get(control_id).map(|c| {
                            contribution(
                                c,
                                *relationship,
                                &evidenced,
                                monitoring.controls.get(control_id),
                            )
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        contributions.sort_by(|a, b| a.code.cmp(&b.code));
        let exclusion = excluded.remove(&requirement.id);
        let status = if exclusion.is_some() {
            CoverageStatus::NotApplicable
        } else {
            let declared = sets.get(&requirement.id).map_or(&[][..], Vec::as_slice);
            status_of(&contributions, declared)
        };
        results.push(RequirementCoverage {
            requirement_id: requirement.id,
            status,
            contributions,
            exclusion,
        });
    }
    Ok(results)
}

fn contribution(
    control: &control::Model,
    relationship: Relationship,
    evidenced: &HashSet<i32>,
    monitoring: Option<&ControlMonitoring>,
) -> Contribution {
    let status = control.status.parse().unwrap_or(ControlStatus::Planned);
    let effectiveness = control
        .effectiveness
        .parse()
        .unwrap_or(Effectiveness::NotAssessed);
    let has_current_evidence = evidenced.contains(&control.id);
    let mut blockers = Vec::new();
    if status != ControlStatus::Implemented {
        blockers.push(format!("control status is {status}"));
    }
    match effectiveness {
        Effectiveness::Ineffective => blockers.push("control is rated ineffective".into()),
        Effectiveness::PartiallyEffective => {
            blockers.push("control is rated partially effective".into())
        }
        _ => {}
    }
    let monitoring_problems = monitoring.map_or(&[][..], |m| m.problems.as_slice());
    // A monitored control whose metrics went stale or breach still operates, but counts only
    // partially until its monitoring is healthy again.
    let has_current_evidence = has_current_evidence || monitoring.is_some_and(|m| m.evidenced);
    if !has_current_evidence {
        blockers.push("no current evidence".into());
    }
    blockers.extend(monitoring_problems.iter().cloned());
    if !relationship.covers_fully() {
        blockers.push(format!("maps only as {relationship}"));
    }
    Contribution {
        control_id: control.id,
        code: control.code.clone(),
        library_code: control.library_code.clone(),
        title: control.title.clone(),
        relationship,
        status,
        effectiveness,
        has_current_evidence,
        monitoring_healthy: monitoring_problems.is_empty(),
        blockers,
    }
}

/// The library's control sets for this framework, by requirement id (member library codes).
fn control_sets(
    services: &Services,
    framework_id: i32,
) -> AppResult<HashMap<i32, Vec<Vec<String>>>> {
    let mut out: HashMap<i32, Vec<Vec<String>>> = HashMap::new();
    let Some(framework) = services.catalog.framework_by_id(framework_id) else {
        return Ok(out);
    };
    let library = library::library()?;
    let mapped_version = library
        .mappings
        .iter()
        .find(|m| m.framework == framework.slug)
        .map(|m| m.version.as_str());
    if mapped_version != Some(framework.version.as_str()) {
        return Ok(out);
    }
    for set in library
        .control_sets
        .iter()
        .filter(|s| s.framework == framework.slug)
    {
        if let Ok(requirement) = services
            .catalog
            .requirement_by_ref(framework_id, &set.requirement)
        {
            out.entry(requirement.id)
                .or_default()
                .push(set.controls.clone());
        }
    }
    Ok(out)
}

/// Satisfied by one fully-covering qualifying control, or by a declared control set whose every
/// member qualifies and is mapped to the requirement; partial when a qualifying control covers
/// part of it (or fully but rated partially effective); not covered otherwise.
fn status_of(contributions: &[Contribution], sets: &[Vec<String>]) -> CoverageStatus {
    let operating = |c: &&Contribution| {
        c.status == ControlStatus::Implemented
            && c.has_current_evidence
            && c.effectiveness != Effectiveness::Ineffective
    };
    let counts_fully = |c: &Contribution| {
        operating(&c)
            && c.effectiveness != Effectiveness::PartiallyEffective
            && c.monitoring_healthy
    };
    let mut any_operating = false;
    for c in contributions.iter().filter(operating) {
        any_operating = true;
        if c.relationship.covers_fully() && counts_fully(c) {
            return CoverageStatus::Satisfied;
        }
    }
    let set_holds = |members: &Vec<String>| {
        members.iter().all(|code| {
            contributions
                .iter()
                .any(|c| c.library_code.as_deref() == Some(code.as_str()) && counts_fully(c))
        })
    };
    if sets.iter().any(set_holds) {
        return CoverageStatus::Satisfied;
    }
    if any_operating {
        CoverageStatus::Partial
    } else {
        CoverageStatus::NotCovered
    }
}

/// Coverage counts and percentages, per group and in total.
pub async fn coverage(
    services: &Services,
    viewer: &Viewer,
    framework_id: i32,
    group_by: GroupBy,
) -> AppResult<CoverageReport> {
    let requirements = assess(services, viewer, framework_id).await?;
    let catalog = &services.catalog;
    let mut totals = Counts::default();
    let mut groups: Vec<(i32, Counts)> = Vec::new();
    for item in requirements.iter() {
        totals.add(item.status);
        let requirement = catalog.requirement(item.requirement_id)?;
        let ancestors = catalog.ancestors(requirement);
        let group = match group_by {
            GroupBy::Function => ancestors.first().copied().unwrap_or(requirement),
            GroupBy::Category => ancestors.last().copied().unwrap_or(requirement),
        };
        match groups.iter_mut().find(|(id, _)| *id == group.id) {
            Some((_, counts)) => counts.add(item.status),
            None => {
                let mut counts = Counts::default();
                counts.add(item.status);
                groups.push((group.id, counts));
            }
        }
    }
    Ok(CoverageReport {
        framework_id,
        totals,
        groups,
        requirements,
    })
}

/// Requirements not satisfied (and not excluded), with the controls that would close them.
pub async fn gaps(
    services: &Services,
    viewer: &Viewer,
    framework_id: i32,
) -> AppResult<Vec<RequirementCoverage>> {
    Ok(assess(services, viewer, framework_id)
        .await?
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                CoverageStatus::Partial | CoverageStatus::NotCovered
            )
        })
        .cloned()
        .collect())
}
