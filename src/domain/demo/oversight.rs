//! Demo internal audits and a management review, through the same use cases as the API: an
//! audit programme for the year, completed audits whose checklists carry results, findings of
//! every kind, corrective actions (one verified by an auditor other than its owner so its
//! nonconformity could close, one overdue), a planned audit, and a draft management review.

use chrono::Duration;

use crate::domain::Services;
use crate::domain::controls::Control;
use crate::domain::internal_audits::actions::{self, NewAction};
use crate::domain::internal_audits::checklist::{self, CheckResult};
use crate::domain::internal_audits::findings::{self, FindingKind, NewFinding};
use crate::domain::internal_audits::scope::Scope;
use crate::domain::internal_audits::{AuditInput, AuditKind, audits, programmes};
use crate::domain::inventory::AiSystem;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::reviews::{self, ReviewInput};
use crate::error::AppResult;

/// What the oversight demo created.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Oversight {
    pub audits: usize,
    pub findings: usize,
    pub corrective_actions: usize,
}

const KINDS: [FindingKind; 4] = [
    FindingKind::MajorNonconformity,
    FindingKind::MinorNonconformity,
    FindingKind::Observation,
    FindingKind::OpportunityForImprovement,
];

/// Seeds `completed` audits (one per quarter back from now) with `findings_each` findings each.
pub async fn seed(
    services: &Services,
    system: &Viewer,
    auditor: &Viewer,
    controls: &[Control],
    systems: &[AiSystem],
    completed: usize,
    findings_each: usize,
) -> AppResult<Oversight> {
    let mut made = Oversight::default();
    let today = services.clock.today();
    let year_start = today - Duration::days(365);
    let programme = programmes::create(
        services,
        auditor,
        "AI management system internal audit programme",
        &year_start.to_string(),
        &(today + Duration::days(90)).to_string(),
        "Cover every clause of ISO/IEC 42001 and the controls of every high-tier AI system once a year",
    )
    .await?;
    let in_scope: Vec<&Control> = controls.iter().take(findings_each.max(4) + 2).collect();
    for q in 0..completed {
        let start = today - Duration::days(90 * (completed - q) as i64);
        let scope = Scope {
            control_ids: in_scope.iter().map(|c| c.id).collect(),
            ai_system_ids: systems.iter().take(1).map(|s| s.id).collect(),
            ..Default::default()
        };
        let audit = audits::create(
            services,
            auditor,
            AuditInput {
                programme_id: Some(programme.id),
                title: format!("Quarterly AI controls audit {}", q + 1),
                kind: AuditKind::Internal,
                criteria: "ISO/IEC 42001 Annex A controls as implemented; the AI policy".into(),
                period_start: start.to_string(),
                period_end: (start + Duration::days(89)).to_string(),
                lead_auditor: "auditor".into(),
                team: vec!["auditor2".into()],
                scope,
            },
        )
        .await?;
        audits::start(services, auditor, audit.id).await?;
        // The controls that get a nonconformity below are the nonconforming lines.
        let nonconforming: Vec<i32> = in_scope
            .iter()
            .take(findings_each)
            .enumerate()
            .filter(|(i, _)| KINDS[i % KINDS.len()].is_nonconformity())
            .map(|(_, c)| c.id)
            .collect();
        for line in checklist::of(services, auditor, audit.id).await? {
            let result = if line
                .control_id
                .is_some_and(|id| nonconforming.contains(&id))
            {
                CheckResult::Nonconforming
            } else {
                CheckResult::Conforming
            };
            checklist::record(services, auditor, line.id, result, "Sampled the evidence").await?;
        }
        for (i, control) in in_scope.iter().take(findings_each).enumerate() {
            let kind = KINDS[i % KINDS.len()];
            let finding = findings::raise(
                services,
                auditor,
                NewFinding {
                    audit_id: audit.id,
                    kind,
                    requirement_id: None,
                    control_id: Some(control.id),
                    ai_system_id: None,
                    title: format!("{}: {}", control.code, kind.as_str().replace('_', " ")),
                    description: format!(
                        "Evidence for {} did not cover the whole audit period.",
                        control.code
                    ),
                },
            )
            .await?;
            made.findings += 1;
            if !kind.is_nonconformity() {
                continue;
            }
            // Older quarters' actions are done and verified; the latest ones are still due,
            // the minor one already overdue.
            let due = if kind == FindingKind::MinorNonconformity {
                today - Duration::days(5)
            } else {
                today + Duration::days(30)
            };
            let action = actions::add(
                services,
                system,
                NewAction {
                    finding_id: finding.id,
                    owner: "compliance@example.com".into(),
                    due_on: due.to_string(),
                    root_cause: "Evidence collection was manual and skipped in holiday weeks"
                        .into(),
                    action: "Automate evidence collection and alert the owner on gaps".into(),
                },
            )
            .await?;
            made.corrective_actions += 1;
            if q + 1 < completed {
                actions::complete(services, system, action.id).await?;
                actions::verify(
                    services,
                    auditor,
                    action.id,
                    true,
                    "Three months of evidence present",
                )
                .await?;
                findings::close(services, auditor, finding.id).await?;
            }
        }
        audits::complete(services, auditor, audit.id).await?;
        made.audits += 1;
    }
    audits::create(
        services,
        auditor,
        AuditInput {
            programme_id: Some(programme.id),
            title: "ISO/IEC 42001 management system audit".into(),
            kind: AuditKind::Internal,
            criteria: "ISO/IEC 42001 clauses 4-10".into(),
            period_start: today.to_string(),
            period_end: (today + Duration::days(60)).to_string(),
            lead_auditor: "auditor".into(),
            team: vec![],
            scope: Scope {
                frameworks: vec!["iso-iec-42001".into()],
                ..Default::default()
            },
        },
    )
    .await?;
    made.audits += 1;
    let review = reviews::create(
        services,
        system,
        ReviewInput {
            title: "Quarterly AI management review".into(),
            held_on: today.to_string(),
            period_start: (today - Duration::days(90)).to_string(),
            period_end: today.to_string(),
            chair: "ceo".into(),
            attendees: vec!["ceo".into(), "cro".into(), "dpo".into()],
            context_changes: "EU AI Act obligations for high-risk systems approach".into(),
            stakeholder_feedback: "Customers asked for clearer explanations of credit decisions."
                .into(),
        },
    )
    .await?;
    reviews::add_action(
        services,
        system,
        review.id,
        "Publish plain-language explanations for credit decisions",
        "cro",
        &(today + Duration::days(60)).to_string(),
    )
    .await?;
    Ok(made)
}
