//! The compliance report, per framework in scope: coverage by function and by category, the gaps
//! (partial and not covered requirements) with the controls that would close them and what
//! blocks each, and evidence freshness of every control mapped to the framework.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::chart::{Bar, Chart};
use super::document::{Cell, ColumnKind, Document, Section, Table};
use super::{Context, kind_document};
use crate::domain::controls::evidence::{self, Evidence};
use crate::domain::controls::{self, Control, ControlFilter};
use crate::domain::crosswalk::coverage::{self, Counts, CoverageStatus, GroupBy};
use crate::domain::library;
use crate::error::AppResult;

/// Evidence that expires within this many days is flagged as expiring.
pub const EXPIRING_DAYS: i64 = 30;

#[derive(Debug, Clone, Serialize)]
pub struct ComplianceReport {
    pub frameworks: Vec<FrameworkCompliance>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrameworkCompliance {
    pub slug: String,
    pub name: String,
    pub totals: GroupCoverage,
    pub functions: Vec<GroupCoverage>,
    pub categories: Vec<GroupCoverage>,
    pub gaps: Vec<Gap>,
    pub evidence: Vec<Freshness>,
}

/// Coverage counts of a group of requirements (a function, a category, or the whole framework).
#[derive(Debug, Clone, Serialize)]
pub struct GroupCoverage {
    pub ref_id: String,
    pub title: String,
    pub satisfied: u32,
    pub partial: u32,
    pub not_covered: u32,
    pub not_applicable: u32,
    /// Of the applicable requirements.
    pub satisfied_percent: f64,
    pub partial_percent: f64,
}

/// A requirement not satisfied.
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    pub ref_id: String,
    pub title: String,
    /// `partial` or `not_covered`.
    pub status: String,
    /// Mapped controls and what keeps each from satisfying the requirement.
    pub controls: Vec<GapControl>,
    /// Library controls that map to the requirement and the organization has not adopted.
    pub library_suggestions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GapControl {
    pub code: String,
    pub title: String,
    pub relationship: String,
    pub blockers: Vec<String>,
}

/// A control's newest evidence and how fresh it is.
#[derive(Debug, Clone, Serialize)]
pub struct Freshness {
    pub code: String,
    pub title: String,
    pub control_status: String,
    pub latest_evidence: Option<String>,
    pub collected_at: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    pub age_days: Option<i64>,
    /// `current`, `expiring` (within [`EXPIRING_DAYS`]), `expired` or `none`.
    pub freshness: String,
}

fn counts(ref_id: &str, title: &str, c: &Counts) -> GroupCoverage {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    GroupCoverage {
        ref_id: ref_id.into(),
        title: title.into(),
        satisfied: n(c.satisfied),
        partial: n(c.partial),
        not_covered: n(c.not_covered),
        not_applicable: n(c.not_applicable),
        satisfied_percent: c.percent(c.satisfied),
        partial_percent: c.percent(c.partial),
    }
}

pub(super) fn status_word(status: CoverageStatus) -> &'static str {
    match status {
        CoverageStatus::Satisfied => "satisfied",
        CoverageStatus::Partial => "partial",
        CoverageStatus::NotCovered => "not_covered",
        CoverageStatus::NotApplicable => "not_applicable",
    }
}

/// How fresh a control's newest evidence is at `now`.
pub(super) fn freshness_of(latest: Option<&Evidence>, now: DateTime<Utc>) -> &'static str {
    match latest {
        None => "none",
        Some(e) if !e.is_current(now) => "expired",
        Some(e)
            if e.valid_until
                .is_some_and(|until| until <= now + Duration::days(EXPIRING_DAYS)) =>
        {
            "expiring"
        }
        Some(_) => "current",
    }
}

/// The newest evidence per control.
pub(super) fn latest_by_control(all: Vec<Evidence>) -> HashMap<i32, Evidence> {
    let mut latest = HashMap::new();
    // `all` is newest first: the first seen per control is its newest.
    for e in all {
        latest.entry(e.control_id).or_insert(e);
    }
    latest
}

pub async fn gather(ctx: &Context<'_>) -> AppResult<ComplianceReport> {
    let services = ctx.services;
    let organization_id = ctx.viewer.organization_id()?;
    let controls: HashMap<i32, Control> =
        controls::list(services, ctx.viewer, &ControlFilter::default())
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
    let adopted: BTreeSet<String> = controls
        .values()
        .filter_map(|c| c.library_code.clone())
        .collect();
    let latest = latest_by_control(evidence::all_of(&services.db, organization_id).await?);
    let catalog = &services.catalog;
    let library = library::library()?;
    let mut frameworks = Vec::new();
    for framework_id in &ctx.scope.framework_ids {
        let Some(framework) = catalog.framework_by_id(*framework_id) else {
            continue;
        };
        let by_function =
            coverage::coverage(services, ctx.viewer, framework.id, GroupBy::Function).await?;
        let by_category =
            coverage::coverage(services, ctx.viewer, framework.id, GroupBy::Category).await?;
        let group = |(id, c): &(i32, Counts)| -> AppResult<GroupCoverage> {
            let requirement = catalog.requirement(*id)?;
            Ok(counts(&requirement.ref_id, &requirement.title, c))
        };
        let mut gaps = Vec::new();
        let mut mapped: BTreeSet<i32> = BTreeSet::new();
        for item in by_function.requirements.iter() {
            mapped.extend(item.contributions.iter().map(|c| c.control_id));
            if !matches!(
                item.status,
                CoverageStatus::Partial | CoverageStatus::NotCovered
            ) {
                continue;
            }
            let requirement = catalog.requirement(item.requirement_id)?;
            let library_suggestions = library
                .mappings
                .iter()
                .filter(|m| m.framework == framework.slug && m.requirement == requirement.ref_id)
                .filter(|m| !adopted.contains(&m.control))
                .map(|m| m.control.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            gaps.push(Gap {
                ref_id: requirement.ref_id.clone(),
                title: requirement.title.clone(),
                status: status_word(item.status).into(),
                controls: item
                    .contributions
                    .iter()
                    .map(|c| GapControl {
                        code: c.code.clone(),
                        title: c.title.clone(),
                        relationship: c.relationship.as_str().into(),
                        blockers: c.blockers.clone(),
                    })
                    .collect(),
                library_suggestions,
            });
        }
        let mut evidence: Vec<Freshness> = mapped
            .iter()
            .filter_map(|id| controls.get(id))
            .map(|control| {
                let newest = latest.get(&control.id);
                Freshness {
                    code: control.code.clone(),
                    title: control.title.clone(),
                    control_status: control.status.to_string(),
                    latest_evidence: newest.map(|e| e.title.clone()),
                    collected_at: newest.map(|e| e.collected_at),
                    valid_until: newest.and_then(|e| e.valid_until),
                    age_days: newest.map(|e| (ctx.now - e.collected_at).num_days()),
                    freshness: freshness_of(newest, ctx.now).into(),
                }
            })
            .collect();
        evidence.sort_by(|a, b| a.code.cmp(&b.code));
        frameworks.push(FrameworkCompliance {
            slug: framework.slug.clone(),
            name: framework.short_name.clone(),
            totals: counts(&framework.slug, &framework.name, &by_function.totals),
            functions: by_function
                .groups
                .iter()
                .map(group)
                .collect::<AppResult<_>>()?,
            categories: by_category
                .groups
                .iter()
                .map(group)
                .collect::<AppResult<_>>()?,
            gaps,
            evidence,
        });
    }
    Ok(ComplianceReport { frameworks })
}

fn coverage_table(name: &str, title: &str, groups: &[GroupCoverage]) -> Table {
    let mut table = Table::new(
        name,
        title,
        &[
            ("ref", ColumnKind::Text),
            ("title", ColumnKind::Text),
            ("satisfied", ColumnKind::Integer),
            ("partial", ColumnKind::Integer),
            ("not covered", ColumnKind::Integer),
            ("not applicable", ColumnKind::Integer),
            ("satisfied %", ColumnKind::Percent),
            ("partial %", ColumnKind::Percent),
        ],
    );
    for g in groups {
        table.push(vec![
            g.ref_id.as_str().into(),
            g.title.as_str().into(),
            g.satisfied.into(),
            g.partial.into(),
            g.not_covered.into(),
            g.not_applicable.into(),
            g.satisfied_percent.into(),
            g.partial_percent.into(),
        ]);
    }
    table
}

pub fn document(ctx: &Context<'_>, report: &ComplianceReport) -> Document {
    let mut sections = Vec::new();
    for fw in &report.frameworks {
        let t = &fw.totals;
        let key = fw.slug.replace("-iec", "").replace('-', "_");
        sections.push(
            Section::new(&format!("{}: coverage", fw.name))
                .facts(vec![
                    (
                        "Satisfied".into(),
                        format!(
                            "{} ({}%)",
                            t.satisfied,
                            super::document::format_number(t.satisfied_percent)
                        ),
                    ),
                    (
                        "Partial".into(),
                        format!(
                            "{} ({}%)",
                            t.partial,
                            super::document::format_number(t.partial_percent)
                        ),
                    ),
                    ("Not covered".into(), t.not_covered.to_string()),
                    ("Not applicable".into(), t.not_applicable.to_string()),
                    ("Gaps".into(), fw.gaps.len().to_string()),
                ])
                .chart(Chart::Bars {
                    title: format!("{}: satisfied and partial share per function", fw.name),
                    bars: fw
                        .functions
                        .iter()
                        .map(|g| Bar {
                            label: format!("{} {}", g.ref_id, g.title),
                            satisfied: g.satisfied_percent,
                            partial: g.partial_percent,
                        })
                        .collect(),
                })
                .table(coverage_table(
                    &format!("{key}_functions"),
                    "Coverage by function",
                    &fw.functions,
                ))
                .table(coverage_table(
                    &format!("{key}_categories"),
                    "Coverage by category",
                    &fw.categories,
                )),
        );
        let mut gaps = Table::new(
            &format!("{key}_gaps"),
            "Gaps: requirements not satisfied, the controls that would close them and their blockers",
            &[
                ("ref", ColumnKind::Text),
                ("requirement", ColumnKind::Text),
                ("status", ColumnKind::Text),
                ("mapped controls", ColumnKind::Text),
                ("blockers", ColumnKind::Text),
                ("library suggestions", ColumnKind::Text),
            ],
        );
        for gap in &fw.gaps {
            let controls: Vec<String> = gap
                .controls
                .iter()
                .map(|c| format!("{} ({})", c.code, c.relationship))
                .collect();
            let blockers: Vec<String> = gap
                .controls
                .iter()
                .flat_map(|c| c.blockers.iter().map(move |b| format!("{}: {b}", c.code)))
                .collect();
            gaps.push(vec![
                gap.ref_id.as_str().into(),
                gap.title.as_str().into(),
                gap.status.as_str().into(),
                Cell::from(controls.join("; ")),
                Cell::from(blockers.join("; ")),
                Cell::from(gap.library_suggestions.join(", ")),
            ]);
        }
        sections.push(Section::new(&format!("{}: gaps", fw.name)).table(gaps));
        sections.push(
            Section::new(&format!("{}: evidence freshness", fw.name))
                .paragraph(format!(
                    "The newest evidence of each control mapped to {}; evidence expiring within {EXPIRING_DAYS} days is flagged.",
                    fw.name
                ))
                .table(freshness_table(&format!("{key}_evidence"), &fw.evidence)),
        );
    }
    kind_document(ctx, "Compliance report", sections)
}

pub(super) fn freshness_table(name: &str, rows: &[Freshness]) -> Table {
    let mut table = Table::new(
        name,
        "Evidence freshness",
        &[
            ("control", ColumnKind::Text),
            ("title", ColumnKind::Text),
            ("status", ColumnKind::Text),
            ("newest evidence", ColumnKind::Text),
            ("collected", ColumnKind::Date),
            ("valid until", ColumnKind::Date),
            ("age (days)", ColumnKind::Integer),
            ("freshness", ColumnKind::Text),
        ],
    );
    for f in rows {
        table.push(vec![
            f.code.as_str().into(),
            f.title.as_str().into(),
            f.control_status.as_str().into(),
            Cell::from(f.latest_evidence.clone()),
            Cell::from(f.collected_at.map(|t| t.date_naive())),
            Cell::from(f.valid_until.map(|t| t.date_naive())),
            Cell::from(f.age_days),
            f.freshness.as_str().into(),
        ]);
    }
    table
}
