//! The board report as a document, for PDF, XLSX and CSV, and the charts its templates place.

use super::{BoardReport, HeatRow, Kpi};
use crate::domain::reports::chart::{Bar, Chart, HeatCell, trend};
use crate::domain::reports::document::{Cell, ColumnKind, Document, Section, Table};
use crate::domain::reports::{Context, kind_document};

/// KPI trend lines drawn.
const KPI_CHARTS: usize = 6;

fn heatmap(title: &str, rows: &[HeatRow]) -> Chart {
    Chart::Heatmap {
        title: title.into(),
        cells: rows
            .iter()
            .flat_map(|row| {
                row.cells.iter().map(move |c| HeatCell {
                    likelihood: row.likelihood,
                    impact: c.impact,
                    count: c.count,
                    level: c.level.to_string(),
                })
            })
            .collect(),
    }
}

fn kpi_chart(k: &Kpi) -> Chart {
    trend(
        format!("KPI {} {}", k.ai_system, k.metric),
        &k.unit,
        k.labels.clone(),
        &k.metric,
        &k.values,
        k.warning_threshold,
        k.breach_threshold,
    )
}

fn heat_table(name: &str, title: &str, rows: &[HeatRow]) -> Table {
    let mut table = Table::new(
        name,
        title,
        &[
            ("likelihood", ColumnKind::Integer),
            ("impact 1", ColumnKind::Integer),
            ("impact 2", ColumnKind::Integer),
            ("impact 3", ColumnKind::Integer),
            ("impact 4", ColumnKind::Integer),
            ("impact 5", ColumnKind::Integer),
        ],
    );
    for row in rows {
        let mut cells = vec![Cell::from(u32::from(row.likelihood))];
        cells.extend(row.cells.iter().map(|c| Cell::from(c.count)));
        table.push(cells);
    }
    table
}

pub fn document(ctx: &Context<'_>, r: &BoardReport) -> Document {
    let mut sections = Vec::new();

    let mut changes = Table::new(
        "changes",
        &format!("Against {}", r.previous_period),
        &[
            ("measure", ColumnKind::Text),
            ("previous", ColumnKind::Number),
            ("current", ColumnKind::Number),
            ("better when", ColumnKind::Text),
            ("verdict", ColumnKind::Text),
        ],
    );
    for c in &r.changes {
        changes.push(vec![
            c.measure.as_str().into(),
            c.previous.into(),
            c.current.into(),
            (if c.better == super::changes::Better::Lower {
                "lower"
            } else {
                "higher"
            })
            .into(),
            c.verdict.replace('_', " ").into(),
        ]);
    }
    let improved = r.changes.iter().filter(|c| c.verdict == "improved").count();
    let worse = r.changes.iter().filter(|c| c.verdict == "worse").count();
    sections.push(
        Section::new("Change against the previous period")
            .paragraph(format!(
                "{improved} measures improved and {worse} got worse against {}.",
                r.previous_period
            ))
            .table(changes),
    );

    sections.push(Section::new("AI posture").facts(vec![
        ("AI systems in scope".into(), r.posture.in_scope.to_string()),
        ("Excluded with a justification".into(), r.posture.excluded.to_string()),
        (
            "By risk tier".into(),
            r.posture
                .by_tier
                .iter()
                .map(|c| format!("{} {}", c.value, c.count))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "By lifecycle stage".into(),
            r.posture
                .by_stage
                .iter()
                .map(|c| format!("{} {}", c.value, c.count))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]));

    let mut top = Table::new(
        "top_risks",
        "Highest residual risks",
        &[
            ("risk", ColumnKind::Text),
            ("AI system", ColumnKind::Text),
            ("score", ColumnKind::Integer),
            ("level", ColumnKind::Text),
            ("inherent", ColumnKind::Integer),
            ("treatment", ColumnKind::Text),
            ("status", ColumnKind::Text),
            ("owner", ColumnKind::Text),
            ("controls effective", ColumnKind::Text),
        ],
    );
    for t in &r.risks.top {
        top.push(vec![
            t.title.as_str().into(),
            Cell::from(
                t.ai_system
                    .clone()
                    .unwrap_or_else(|| "organization-wide".into()),
            ),
            u32::from(t.score).into(),
            t.level.to_string().into(),
            u32::from(t.inherent_score).into(),
            t.treatment.to_string().into(),
            t.status.to_string().into(),
            t.owner.as_str().into(),
            format!("{}/{}", t.controls_effective, t.controls_linked).into(),
        ]);
    }
    sections.push(
        Section::new("Risks")
            .facts(vec![
                ("Open risks".into(), r.risks.open.to_string()),
                (
                    "Overdue for review".into(),
                    r.risks.overdue_reviews.to_string(),
                ),
                (
                    "High or critical accepted".into(),
                    r.risks.accepted_high.to_string(),
                ),
            ])
            .chart(heatmap("Inherent risk heatmap", &r.risks.inherent_heatmap))
            .chart(heatmap("Residual risk heatmap", &r.risks.heatmap))
            .table(heat_table(
                "residual_heatmap",
                "Open risks by residual likelihood and impact",
                &r.risks.heatmap,
            ))
            .table(heat_table(
                "inherent_heatmap",
                "Open risks by inherent likelihood and impact",
                &r.risks.inherent_heatmap,
            ))
            .table(top),
    );

    let mut coverage = Table::new(
        "coverage",
        "Coverage per framework",
        &[
            ("framework", ColumnKind::Text),
            ("satisfied", ColumnKind::Integer),
            ("partial", ColumnKind::Integer),
            ("not covered", ColumnKind::Integer),
            ("not applicable", ColumnKind::Integer),
            ("satisfied %", ColumnKind::Percent),
        ],
    );
    for f in &r.coverage {
        coverage.push(vec![
            format!("{} {}", f.name, f.version).into(),
            f.satisfied.into(),
            f.partial.into(),
            f.not_covered.into(),
            f.not_applicable.into(),
            f.satisfied_percent.into(),
        ]);
    }
    let mut functions = Table::new(
        "coverage_by_function",
        "Coverage per framework function",
        &[
            ("framework", ColumnKind::Text),
            ("function", ColumnKind::Text),
            ("title", ColumnKind::Text),
            ("satisfied %", ColumnKind::Percent),
            ("partial %", ColumnKind::Percent),
        ],
    );
    for f in &r.coverage_by_function {
        functions.push(vec![
            f.framework.as_str().into(),
            f.ref_id.as_str().into(),
            f.title.as_str().into(),
            f.satisfied_percent.into(),
            f.partial_percent.into(),
        ]);
    }
    sections.push(
        Section::new("Compliance coverage")
            .table(coverage)
            .chart(Chart::Bars {
                title: "Coverage by function".into(),
                bars: r
                    .coverage_by_function
                    .iter()
                    .map(|f| Bar {
                        label: format!("{} {}", f.framework, f.ref_id),
                        satisfied: f.satisfied_percent,
                        partial: f.partial_percent,
                    })
                    .collect(),
            })
            .table(functions)
            .paragraph(format!(
                "{} active controls have no current evidence.",
                r.evidence_gaps.len()
            )),
    );

    let mut incidents = Table::new(
        "incidents_by_severity",
        "Incidents detected in the period, by severity (minutes)",
        &[
            ("severity", ColumnKind::Text),
            ("incidents", ColumnKind::Integer),
            ("resolved", ColumnKind::Integer),
            ("past SLA", ColumnKind::Integer),
            ("median to acknowledge", ColumnKind::Number),
            ("median to resolve", ColumnKind::Number),
            ("p95 to resolve", ColumnKind::Number),
        ],
    );
    for f in &r.incidents.by_severity {
        incidents.push(vec![
            f.severity.as_str().into(),
            f.count.into(),
            f.resolved.into(),
            f.past_sla.into(),
            f.median_acknowledge_minutes.into(),
            f.median_resolve_minutes.into(),
            f.p95_resolve_minutes.into(),
        ]);
    }
    sections.push(
        Section::new("Incidents")
            .facts(vec![
                (
                    "Detected in the period".into(),
                    r.incidents.detected.to_string(),
                ),
                ("Unresolved now".into(), r.incidents.open_now.to_string()),
            ])
            .table(incidents),
    );

    let mut kpis = Table::new(
        "kpis",
        "Metric KPIs over the period",
        &[
            ("AI system", ColumnKind::Text),
            ("metric", ColumnKind::Text),
            ("unit", ColumnKind::Text),
            ("mean", ColumnKind::Number),
            ("p95", ColumnKind::Number),
            ("breaching windows", ColumnKind::Integer),
            ("windows", ColumnKind::Integer),
            ("trend", ColumnKind::Text),
        ],
    );
    for k in &r.kpis {
        kpis.push(vec![
            k.ai_system.as_str().into(),
            k.metric.as_str().into(),
            k.unit.as_str().into(),
            k.mean.into(),
            k.p95.into(),
            k.breach_windows.into(),
            k.windows.into(),
            (if k.worsening {
                "worsening"
            } else {
                "steady or improving"
            })
            .into(),
        ]);
    }
    let mut metrics = Section::new("Metric KPIs").table(kpis);
    for k in r.kpis.iter().take(KPI_CHARTS) {
        metrics = metrics.chart(kpi_chart(k));
    }
    sections.push(metrics);

    let mut actions = Table::new(
        "overdue_actions",
        "Corrective actions past due and not verified",
        &[
            ("id", ColumnKind::Integer),
            ("action", ColumnKind::Text),
            ("owner", ColumnKind::Text),
            ("due", ColumnKind::Text),
            ("status", ColumnKind::Text),
            ("days overdue", ColumnKind::Integer),
        ],
    );
    for a in &r.overdue_actions {
        actions.push(vec![
            a.id.into(),
            a.action.as_str().into(),
            a.owner.as_str().into(),
            a.due_on.as_str().into(),
            a.status.as_str().into(),
            a.days_overdue.into(),
        ]);
    }
    let mut approvals = Table::new(
        "pending_approvals",
        "Awaiting decision",
        &[
            ("request", ColumnKind::Text),
            ("subject", ColumnKind::Text),
            ("requested by", ColumnKind::Text),
            ("requested", ColumnKind::DateTime),
            ("approvals", ColumnKind::Text),
        ],
    );
    for a in &r.pending_approvals {
        approvals.push(vec![
            a.summary.as_str().into(),
            a.subject_type.to_string().replace('_', " ").into(),
            a.requested_by.as_str().into(),
            a.requested_at.into(),
            format!("{}/{}", a.approvals, a.quorum).into(),
        ]);
    }
    let overdue_policies: Vec<String> = r
        .policies
        .overdue
        .iter()
        .map(|p| format!("{} v{} (due {})", p.title, p.version, p.review_due))
        .collect();
    let mut follow_up = Section::new("Actions, reviews and approvals").table(actions);
    if !overdue_policies.is_empty() {
        follow_up = follow_up.paragraph(format!(
            "Policy reviews overdue: {}.",
            overdue_policies.join("; ")
        ));
    }
    sections.push(follow_up.table(approvals));

    let mut rights = Table::new(
        "data_rights",
        "Datasets with unresolved rights",
        &[("dataset", ColumnKind::Text), ("issues", ColumnKind::Text)],
    );
    for d in &r.data.unresolved_rights {
        rights.push(vec![d.dataset.as_str().into(), d.issues.join("; ").into()]);
    }
    sections.push(
        Section::new("Data governance")
            .paragraph(format!(
                "{} datasets registered; {} with unresolved rights, {} holding raw personal data, {} failed checks, {} compromised.",
                r.data.datasets,
                r.data.unresolved_rights.len(),
                r.data.raw_personal_data.len(),
                r.data.failed_checks.len(),
                r.data.compromised.len()
            ))
            .table(rights),
    );

    let mut anchor = Section::new("Audit log anchor").paragraph(if r.audit.verified {
        format!(
            "The change log ({} entries) verifies against its signed checkpoint.",
            r.audit.entries
        )
    } else {
        format!(
            "THE CHANGE LOG DOES NOT VERIFY: {}",
            r.audit.problem.clone().unwrap_or_default()
        )
    });
    if let Some(checkpoint) = &r.audit.checkpoint_json {
        anchor = anchor
            .paragraph("Signed checkpoint (keep it; accord audit verify --checkpoint FILE checks the log against it):")
            .paragraph(checkpoint.clone());
    }
    sections.push(anchor);
    kind_document(ctx, "AI governance board report", sections)
}
