//! The governance-board report: AI posture (inventory by stage and tier), top risks and the
//! heatmap, coverage per framework, controls without current evidence, policies (by status and
//! overdue reviews), pending approvals, and the signed checkpoint of the audit log with the result
//! of verifying the chain against it. The checkpoint is printed in the report so a copy kept by the
//! board anchors the log outside the database (`accord audit verify --checkpoint FILE`).
//!
//! For its period it adds inherent and residual heatmaps, coverage per framework function,
//! incidents by severity with their response times, metric KPIs with their trends, overdue
//! corrective actions, and the change against the previous period ([`changes`]). The scope
//! narrows the inventory, risks, incidents and metrics to the AI systems in it.

pub mod changes;
pub mod document;
mod operations;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::analytics::counts::{Count, count_by};
use crate::analytics::incidents::SeverityFigures;
use crate::domain::account::organizations;
use crate::domain::approvals::{ApprovalStatus, ApprovalSubject, Verdict};
use crate::domain::audit::checkpoint::Checkpoint;
use crate::domain::audit::verify::verify;
use crate::domain::controls::evidence::controls_without_current_evidence;
use crate::domain::controls::{ControlStatus, Effectiveness};
use crate::domain::crosswalk::coverage::{self, GroupBy};
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::blocking::compute;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::reports::Context;
use crate::domain::reports::scope::Resolved;
use crate::domain::risks::{self, Basis, Category, Level, RiskStatus, Treatment};
use crate::domain::{Services, approvals, policies};
use crate::error::{AppError, AppResult};

const TOP_RISKS: usize = 10;

/// The report's data, as templates and GraphQL see it.
#[derive(Debug, Clone, Serialize)]
pub struct BoardReport {
    pub organization: String,
    pub organization_slug: String,
    pub generated_at: DateTime<Utc>,
    /// `generated_at` for people: `2026-11-29 14:05 UTC`.
    pub generated: String,
    pub posture: Posture,
    pub risks: RiskSummary,
    pub coverage: Vec<FrameworkCoverage>,
    pub evidence_gaps: Vec<ControlRef>,
    pub policies: PolicySummary,
    pub pending_approvals: Vec<PendingApproval>,
    pub data: crate::domain::datasets::summary::DataSummary,
    pub audit: AuditAnchor,
    /// The period, as printed.
    pub period: String,
    pub previous_period: String,
    pub scope: String,
    pub coverage_by_function: Vec<FunctionCoverage>,
    pub incidents: IncidentSummary,
    pub kpis: Vec<Kpi>,
    pub overdue_actions: Vec<OverdueAction>,
    pub changes: Vec<changes::Change>,
}

/// One function (or Annex/clause group) of a framework.
#[derive(Debug, Clone, Serialize)]
pub struct FunctionCoverage {
    pub framework: String,
    pub ref_id: String,
    pub title: String,
    pub satisfied_percent: f64,
    pub partial_percent: f64,
}

/// Incidents detected in the period.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentSummary {
    pub detected: u32,
    pub by_severity: Vec<SeverityFigures>,
    /// Unresolved now, whenever detected.
    pub open_now: u32,
}

/// A metric's figures over the period, with its judged value per window for a trend line.
#[derive(Debug, Clone, Serialize)]
pub struct Kpi {
    pub ai_system: String,
    pub metric: String,
    pub unit: String,
    pub mean: Option<f64>,
    pub p95: Option<f64>,
    pub breach_windows: u32,
    pub windows: u32,
    pub worsening: bool,
    pub warning_threshold: Option<f64>,
    pub breach_threshold: Option<f64>,
    /// Window starts (`MM-DD`) and the judged value per window, for the trend line.
    pub labels: Vec<String>,
    pub values: Vec<f64>,
}

/// A corrective action past its due date and not verified.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueAction {
    pub id: i32,
    pub action: String,
    pub owner: String,
    pub due_on: String,
    pub status: String,
    pub days_overdue: i64,
}

/// The AI system inventory in numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Posture {
    pub systems: u32,
    pub in_scope: u32,
    pub excluded: u32,
    /// In-scope systems per lifecycle stage.
    pub by_stage: Vec<Count>,
    /// In-scope systems per risk tier.
    pub by_tier: Vec<Count>,
}

/// The register in numbers, with the heatmap and the highest risks.
#[derive(Debug, Clone, Serialize)]
pub struct RiskSummary {
    pub open: u32,
    /// Open risks per current level.
    pub by_level: Vec<Count>,
    /// Rows of the residual (current) heatmap, most likely first.
    pub heatmap: Vec<HeatRow>,
    /// The same risks by their inherent rating (before treatment).
    pub inherent_heatmap: Vec<HeatRow>,
    pub top: Vec<TopRisk>,
    pub overdue_reviews: u32,
    /// Accepted risks whose current level is high or critical.
    pub accepted_high: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeatRow {
    pub likelihood: u8,
    pub cells: Vec<HeatCell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeatCell {
    pub impact: u8,
    pub count: u32,
    pub level: Level,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopRisk {
    pub id: i32,
    pub title: String,
    pub ai_system: Option<String>,
    pub category: Category,
    pub score: u8,
    pub level: Level,
    pub inherent_score: u8,
    pub treatment: Treatment,
    pub status: RiskStatus,
    pub owner: String,
    /// Treating controls implemented and effective, of those linked.
    pub controls_effective: u32,
    pub controls_linked: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrameworkCoverage {
    pub slug: String,
    pub name: String,
    pub version: String,
    pub satisfied: u32,
    pub partial: u32,
    pub not_covered: u32,
    pub not_applicable: u32,
    pub satisfied_percent: f64,
    pub partial_percent: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ControlRef {
    pub code: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicySummary {
    pub by_status: Vec<Count>,
    pub overdue: Vec<PolicyDue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyDue {
    pub title: String,
    pub version: i32,
    pub review_due: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PendingApproval {
    pub id: i32,
    pub subject_type: ApprovalSubject,
    pub subject_id: i32,
    pub summary: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub approvals: u32,
    pub quorum: i32,
}

/// The audit log's anchor: the latest signed checkpoint and the verification of the chain.
#[derive(Debug, Clone, Serialize)]
pub struct AuditAnchor {
    pub entries: u32,
    pub checkpoint: Option<Checkpoint>,
    /// The checkpoint as JSON, to keep with the report and give to `audit verify --checkpoint`.
    pub checkpoint_json: Option<String>,
    pub verified: bool,
    pub problem: Option<String>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Counts values per vocabulary entry off the async workers.
/// Counts of each word of vocabulary `V`, in the vocabulary's order, zeros included.
async fn counted<V: Vocabulary>(values: impl Iterator<Item = V>) -> AppResult<Vec<Count>> {
    let values: Vec<String> = values.map(|v| v.as_str().to_string()).collect();
    compute(move || count_by(&values, V::NAMES)).await
}

async fn posture(scope: &Resolved) -> AppResult<(Posture, Vec<(i32, String)>)> {
    let systems = scope.inventory.clone();
    let in_scope: Vec<_> = systems.iter().filter(|s| s.in_scope).collect();
    Ok((
        Posture {
            systems: count(systems.len()),
            in_scope: count(in_scope.len()),
            excluded: count(systems.len() - in_scope.len()),
            by_stage: counted(in_scope.iter().map(|s| s.lifecycle_stage)).await?,
            by_tier: counted(in_scope.iter().map(|s| s.risk_tier)).await?,
        },
        systems.into_iter().map(|s| (s.id, s.name)).collect(),
    ))
}

async fn risk_summary(
    services: &Services,
    viewer: &Viewer,
    systems: &[(i32, String)],
    scope: &Resolved,
) -> AppResult<RiskSummary> {
    let mut open = risks::list(
        services,
        viewer,
        &risks::RiskQuery {
            open_only: true,
            ..Default::default()
        },
    )
    .await?;
    open.retain(|r| scope.includes(r.ai_system_id));
    let bands = risks::matrix::of(&services.db, viewer.organization_id()?).await?;
    let rows = |cells: Vec<crate::analytics::heatmap::Cell>| -> Vec<HeatRow> {
        cells
            .chunks(5)
            .map(|row| HeatRow {
                likelihood: row.first().map_or(0, |c| c.likelihood),
                cells: row
                    .iter()
                    .map(|c| HeatCell {
                        impact: c.impact,
                        count: c.count,
                        level: bands.level(c.likelihood * c.impact),
                    })
                    .collect(),
            })
            .collect()
    };
    let heatmap = rows(risks::heatmap_of(&open, Basis::Current).await?);
    let inherent_heatmap = rows(risks::heatmap_of(&open, Basis::Inherent).await?);
    let today = services.clock.now().date_naive();
    Ok(RiskSummary {
        open: count(open.len()),
        by_level: counted(open.iter().map(|r| r.level())).await?,
        heatmap,
        inherent_heatmap,
        overdue_reviews: count(open.iter().filter(|r| r.review_overdue(today)).count()),
        accepted_high: count(
            open.iter()
                .filter(|r| r.status == RiskStatus::Accepted)
                .filter(|r| r.level() >= Level::High)
                .count(),
        ),
        // `list` already orders by current score, highest first.
        top: open
            .iter()
            .take(TOP_RISKS)
            .map(|r| TopRisk {
                id: r.id,
                title: r.title.clone(),
                ai_system: r.ai_system_id.and_then(|id| {
                    systems
                        .iter()
                        .find(|(s, _)| *s == id)
                        .map(|(_, n)| n.clone())
                }),
                category: r.category,
                score: r.current().score(),
                level: r.level(),
                inherent_score: r.inherent.score(),
                treatment: r.treatment,
                status: r.status,
                owner: r.owner.clone(),
                controls_effective: count(
                    r.controls
                        .iter()
                        .filter(|c| {
                            c.status == ControlStatus::Implemented
                                && c.effectiveness == Effectiveness::Effective
                        })
                        .count(),
                ),
                controls_linked: count(r.controls.len()),
            })
            .collect(),
    })
}

/// Coverage per framework and per framework function, from one assessment of each framework.
async fn coverage_by_framework(
    services: &Services,
    viewer: &Viewer,
) -> AppResult<(Vec<FrameworkCoverage>, Vec<FunctionCoverage>)> {
    let catalog = &services.catalog;
    let (mut totals, mut functions) = (Vec::new(), Vec::new());
    for framework in catalog.frameworks() {
        let report = coverage::coverage(services, viewer, framework.id, GroupBy::Function).await?;
        let t = &report.totals;
        totals.push(FrameworkCoverage {
            slug: framework.slug.clone(),
            name: framework.name.clone(),
            version: framework.version.clone(),
            satisfied: count(t.satisfied),
            partial: count(t.partial),
            not_covered: count(t.not_covered),
            not_applicable: count(t.not_applicable),
            satisfied_percent: t.percent(t.satisfied),
            partial_percent: t.percent(t.partial),
        });
        for (group_id, counts) in &report.groups {
            let group = catalog.requirement(*group_id)?;
            functions.push(FunctionCoverage {
                framework: framework.short_name.clone(),
                ref_id: group.ref_id.clone(),
                title: group.title.clone(),
                satisfied_percent: counts.percent(counts.satisfied),
                partial_percent: counts.percent(counts.partial),
            });
        }
    }
    Ok((totals, functions))
}

async fn policy_summary(services: &Services, viewer: &Viewer) -> AppResult<PolicySummary> {
    let all = policies::list(services, viewer, None, None).await?;
    Ok(PolicySummary {
        by_status: counted(all.iter().map(|p| p.status)).await?,
        overdue: policies::overdue(services, viewer, services.clock.now().date_naive())
            .await?
            .into_iter()
            .map(|p| PolicyDue {
                title: p.title,
                version: p.version,
                review_due: p.review_due,
            })
            .collect(),
    })
}

async fn audit_anchor(services: &Services, organization_id: i32) -> AppResult<AuditAnchor> {
    let verification = verify(&services.db, &services.audit, organization_id).await?;
    let checkpoint = services.audit.latest(organization_id)?;
    Ok(AuditAnchor {
        entries: count(verification.entries),
        checkpoint_json: checkpoint
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(AppError::internal)?,
        checkpoint,
        verified: verification.problem.is_none(),
        problem: verification
            .problem
            .map(|p| format!("entry {}: {}", p.seq, p.reason)),
    })
}

/// Builds the governance-board report of the viewer's organization for the current quarter.
pub async fn governance_board(services: &Services, viewer: &Viewer) -> AppResult<BoardReport> {
    let built = super::build(
        services,
        viewer,
        &super::Request {
            kind: super::ReportKind::Board,
            period: None,
            scope: Default::default(),
        },
    )
    .await?;
    built
        .board
        .map(|b| *b)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the board report was not built")))
}

/// Builds the governance-board report for the context's period and scope.
pub async fn build(ctx: &Context<'_>) -> AppResult<BoardReport> {
    let (services, viewer) = (ctx.services, ctx.viewer);
    viewer.require(Permission::ReadRecords)?;
    let organization = organizations::current(services, viewer).await?;
    let (posture, systems) = posture(&ctx.scope).await?;
    let risks = risk_summary(services, viewer, &systems, &ctx.scope).await?;
    let (coverage, coverage_by_function) = coverage_by_framework(services, viewer).await?;
    let evidence_gaps = controls_without_current_evidence(services, viewer)
        .await?
        .into_iter()
        .map(|c| ControlRef {
            code: c.code,
            title: c.title,
        })
        .collect();
    let policies = policy_summary(services, viewer).await?;
    let pending_approvals = approvals::list(services, viewer, None, Some(ApprovalStatus::Pending))
        .await?
        .into_iter()
        .map(|r| PendingApproval {
            approvals: count(
                r.decisions
                    .iter()
                    .filter(|d| d.decision == Verdict::Approve)
                    .count(),
            ),
            id: r.id,
            subject_type: r.subject_type,
            subject_id: r.subject_id,
            summary: r.summary,
            requested_by: r.requested_by,
            requested_at: r.requested_at,
            quorum: r.quorum,
        })
        .collect();
    let data = crate::domain::datasets::summary::for_board(services, viewer).await?;
    let operations = operations::gather(ctx).await?;
    // Last, so the anchor covers everything the report shows.
    let audit = audit_anchor(services, organization.id).await?;
    let generated_at = ctx.now;
    Ok(BoardReport {
        organization: organization.name,
        organization_slug: organization.slug,
        generated: generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        generated_at,
        posture,
        risks,
        coverage,
        evidence_gaps,
        policies,
        pending_approvals,
        data,
        audit,
        period: ctx.period.describe(),
        previous_period: ctx.period.previous().describe(),
        scope: ctx.scope.description.clone(),
        coverage_by_function,
        incidents: operations.incidents,
        kpis: operations.kpis,
        overdue_actions: operations.overdue_actions,
        changes: operations.changes,
    })
}
