//! The ISO/IEC 42001 Statement of Applicability: every Annex A control (all 38, by id and
//! heading only: the standard's text is not ours to ship), applicable or excluded with the
//! justification, its implementation status from live coverage, the organization's controls
//! implementing it, and their evidence with dates. The justification for including a control is
//! the organization's own mapping rationale; an exclusion carries the justification recorded
//! with it (`setRequirementApplicability`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::compliance::{freshness_of, latest_by_control};
use super::document::{Cell, ColumnKind, Document, Section, Table};
use super::{Context, kind_document};
use crate::domain::controls::evidence;
use crate::domain::controls::{ControlStatus, all_mappings};
use crate::domain::crosswalk::coverage::{self, CoverageStatus};
use crate::domain::crosswalk::relationship::Relationship;
use crate::error::{AppError, AppResult};

/// The framework the SoA is about.
pub const ISO_42001: &str = "iso-iec-42001";
/// The catalog kind of Annex A controls.
const ANNEX_A_CONTROL: &str = "annex_a_control";

#[derive(Debug, Clone, Serialize)]
pub struct StatementOfApplicability {
    pub framework: String,
    pub controls: Vec<SoaLine>,
    pub applicable: u32,
    pub excluded: u32,
    pub implemented: u32,
    pub partially_implemented: u32,
    pub not_implemented: u32,
}

/// One Annex A control.
#[derive(Debug, Clone, Serialize)]
pub struct SoaLine {
    pub id: String,
    pub heading: String,
    /// The Annex A domain it belongs to (`A.2 Policies related to AI`).
    pub domain: String,
    pub applicable: bool,
    /// Why it is included (the mapping rationale) or excluded (the recorded justification).
    pub justification: String,
    pub excluded_by: Option<String>,
    pub excluded_at: Option<DateTime<Utc>>,
    /// `implemented`, `partially_implemented`, `not_implemented` or `excluded`.
    pub implementation: String,
    pub implementing_controls: Vec<Implementing>,
    pub evidence: Vec<EvidenceRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Implementing {
    pub code: String,
    pub title: String,
    pub status: String,
    pub relationship: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRef {
    pub control: String,
    pub title: String,
    pub collected_at: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub freshness: String,
}

fn implementation(status: CoverageStatus) -> &'static str {
    match status {
        CoverageStatus::Satisfied => "implemented",
        CoverageStatus::Partial => "partially_implemented",
        CoverageStatus::NotCovered => "not_implemented",
        CoverageStatus::NotApplicable => "excluded",
    }
}

pub async fn gather(ctx: &Context<'_>) -> AppResult<StatementOfApplicability> {
    let services = ctx.services;
    let organization_id = ctx.viewer.organization_id()?;
    let catalog = &services.catalog;
    let framework = catalog.framework(ISO_42001, None)?;
    let assessed = coverage::assess(services, ctx.viewer, framework.id).await?;
    let by_requirement: HashMap<i32, &coverage::RequirementCoverage> =
        assessed.iter().map(|r| (r.requirement_id, r)).collect();
    let mappings = all_mappings(&services.db, organization_id).await?;
    let justification_of: HashMap<(i32, i32), String> = mappings
        .into_iter()
        .map(|m| ((m.control_id, m.requirement_id), m.justification))
        .collect();
    let latest = latest_by_control(evidence::all_of(&services.db, organization_id).await?);
    let mut lines = Vec::new();
    for requirement in catalog
        .requirements_of(framework.id)
        .into_iter()
        .filter(|r| r.kind == ANNEX_A_CONTROL)
    {
        let item = by_requirement.get(&requirement.id).ok_or_else(|| {
            AppError::internal(anyhow::anyhow!(
                "Annex A control {} was not assessed",
                requirement.ref_id
            ))
        })?;
        let domain = catalog
            .ancestors(requirement)
            .into_iter()
            .find(|a| a.kind == "annex_a_domain")
            .map(|d| format!("{} {}", d.ref_id, d.title))
            .unwrap_or_default();
        // Implementing controls: mapped, not retired into "not applicable", strongest first.
        let mut implementing: Vec<&coverage::Contribution> = item
            .contributions
            .iter()
            .filter(|c| c.status != ControlStatus::NotApplicable)
            .collect();
        implementing.sort_by_key(|c| (rank(c.relationship), c.code.clone()));
        let (applicable, justification, excluded_by, excluded_at) = match &item.exclusion {
            Some(exclusion) => (
                false,
                exclusion.justification.clone(),
                Some(exclusion.decided_by.clone()),
                Some(exclusion.decided_at),
            ),
            None => {
                let rationale = implementing
                    .iter()
                    .find_map(|c| justification_of.get(&(c.control_id, requirement.id)))
                    .filter(|text| !text.trim().is_empty())
                    .cloned()
                    .unwrap_or_else(|| {
                        "Applicable: no exclusion is recorded; no control implements it yet."
                            .to_string()
                    });
                (true, rationale, None, None)
            }
        };
        let evidence: Vec<EvidenceRef> = implementing
            .iter()
            .filter_map(|c| latest.get(&c.control_id).map(|e| (c, e)))
            .map(|(c, e)| EvidenceRef {
                control: c.code.clone(),
                title: e.title.clone(),
                collected_at: e.collected_at,
                valid_until: e.valid_until,
                freshness: freshness_of(Some(e), ctx.now).into(),
            })
            .collect();
        lines.push(SoaLine {
            id: requirement.ref_id.clone(),
            heading: requirement.title.clone(),
            domain,
            applicable,
            justification,
            excluded_by,
            excluded_at,
            implementation: implementation(item.status).into(),
            implementing_controls: implementing
                .iter()
                .map(|c| Implementing {
                    code: c.code.clone(),
                    title: c.title.clone(),
                    status: c.status.to_string(),
                    relationship: c.relationship.as_str().into(),
                })
                .collect(),
            evidence,
        });
    }
    let count = |f: &dyn Fn(&SoaLine) -> bool| {
        u32::try_from(lines.iter().filter(|l| f(l)).count()).unwrap_or(u32::MAX)
    };
    Ok(StatementOfApplicability {
        framework: framework.short_name.clone(),
        applicable: count(&|l| l.applicable),
        excluded: count(&|l| !l.applicable),
        implemented: count(&|l| l.implementation == "implemented"),
        partially_implemented: count(&|l| l.implementation == "partially_implemented"),
        not_implemented: count(&|l| l.implementation == "not_implemented"),
        controls: lines,
    })
}

/// Full-cover relationships first: they carry the strongest justification.
fn rank(relationship: Relationship) -> u8 {
    match relationship {
        Relationship::Equal => 0,
        Relationship::SupersetOf => 1,
        Relationship::SubsetOf => 2,
        Relationship::IntersectsWith => 3,
        Relationship::NotRelated => 4,
    }
}

pub fn document(ctx: &Context<'_>, soa: &StatementOfApplicability) -> Document {
    let mut table = Table::new(
        "statement_of_applicability",
        "Annex A controls",
        &[
            ("control", ColumnKind::Text),
            ("heading", ColumnKind::Text),
            ("applicable", ColumnKind::Text),
            ("justification", ColumnKind::Text),
            ("implementation", ColumnKind::Text),
            ("implementing controls", ColumnKind::Text),
            ("evidence", ColumnKind::Text),
        ],
    );
    let mut evidence = Table::new(
        "soa_evidence",
        "Evidence of the implementing controls",
        &[
            ("annex a control", ColumnKind::Text),
            ("control", ColumnKind::Text),
            ("evidence", ColumnKind::Text),
            ("collected", ColumnKind::Date),
            ("valid until", ColumnKind::Date),
            ("freshness", ColumnKind::Text),
        ],
    );
    for line in &soa.controls {
        let implementing: Vec<String> = line
            .implementing_controls
            .iter()
            .map(|c| format!("{} ({}, {})", c.code, c.status, c.relationship))
            .collect();
        let dated: Vec<String> = line
            .evidence
            .iter()
            .map(|e| {
                format!(
                    "{}: {} ({})",
                    e.control,
                    e.title,
                    e.collected_at.format("%Y-%m-%d")
                )
            })
            .collect();
        table.push(vec![
            line.id.as_str().into(),
            line.heading.as_str().into(),
            (if line.applicable { "yes" } else { "no" }).into(),
            line.justification.as_str().into(),
            line.implementation.replace('_', " ").into(),
            Cell::from(implementing.join("; ")),
            Cell::from(dated.join("; ")),
        ]);
        for e in &line.evidence {
            evidence.push(vec![
                line.id.as_str().into(),
                e.control.as_str().into(),
                e.title.as_str().into(),
                e.collected_at.date_naive().into(),
                Cell::from(e.valid_until.map(|t| t.date_naive())),
                e.freshness.as_str().into(),
            ]);
        }
    }
    let summary = Section::new("Summary")
        .paragraph(format!(
            "The Statement of Applicability of {} lists every Annex A control of {} with its applicability, the justification for including or excluding it, its implementation status as assessed live from the controls mapped to it, and the evidence of those controls.",
            ctx.organization.name, soa.framework
        ))
        .facts(vec![
            ("Annex A controls".into(), soa.controls.len().to_string()),
            ("Applicable".into(), soa.applicable.to_string()),
            ("Excluded".into(), soa.excluded.to_string()),
            ("Implemented".into(), soa.implemented.to_string()),
            ("Partially implemented".into(), soa.partially_implemented.to_string()),
            ("Not implemented".into(), soa.not_implemented.to_string()),
        ]);
    kind_document(
        ctx,
        "Statement of Applicability (ISO/IEC 42001 Annex A)",
        vec![
            summary,
            Section::new("Annex A controls").table(table),
            Section::new("Evidence").table(evidence),
        ],
    )
}
