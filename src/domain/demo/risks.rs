//! Demo risks: for each AI system, risks from the threats its kind of system faces, rated,
//! treated by the threat library's controls, with an accountable owner; one accepted risk carries
//! its decision record, and one is overdue for review.

use chrono::Duration;

use crate::domain::inventory::AiSystem;
use crate::domain::inventory::RiskTier;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::risks::{self, RiskInput};
use crate::domain::risks::{RiskStatus, Treatment};
use crate::domain::{Services, approvals, governance, raci};
use crate::error::AppResult;

/// Threats per system, picked by the system's position so the data is deterministic.
const THREAT_SETS: &[&[&str]] = &[
    &["bias", "model_drift", "lack_of_transparency"],
    &["prompt_injection", "hallucination", "privacy_leakage"],
    &["adversarial_examples", "model_drift", "data_poisoning"],
    &["misuse", "supply_chain_compromise"],
    &["model_drift", "privacy_leakage"],
    &["bias", "lack_of_transparency", "misuse"],
    &["model_drift", "supply_chain_compromise"],
    &["prompt_injection", "excessive_agency", "model_theft"],
];

/// Creates the risks of `systems`; returns how many.
pub async fn seed(
    services: &Services,
    system: &Viewer,
    systems: &[AiSystem],
    approvers: &[Viewer],
) -> AppResult<usize> {
    let routes = governance::routes(services, system).await?;
    let mut created = 0;
    for (i, ai_system) in systems.iter().enumerate() {
        for (j, threat_key) in THREAT_SETS[i % THREAT_SETS.len()].iter().enumerate() {
            let threat = risks::threats::find(threat_key)?;
            let n = i + j;
            let likelihood = (n % 4 + 2) as i64;
            let impact = if ai_system.risk_tier == RiskTier::High {
                5
            } else {
                (n % 3 + 2) as i64
            };
            let accepted = n % 11 == 5;
            let assessed = n % 3 != 0;
            let owner = format!("owner{}@example.com", i % 4 + 1);
            let review_due = if n % 9 == 4 {
                services.clock.now() - Duration::days(20)
            } else {
                services.clock.now() + Duration::days(90 + (n as i64 % 5) * 30)
            };
            let risk = risks::create(
                services,
                system,
                RiskInput {
                    ai_system_id: Some(ai_system.id),
                    title: threat.name.clone(),
                    description: threat.description.clone(),
                    threat: Some(threat.key.clone()),
                    category: None,
                    inherent_likelihood: likelihood,
                    inherent_impact: impact,
                    residual_likelihood: assessed.then_some((likelihood - 1).max(1)),
                    residual_impact: assessed.then_some(impact),
                    treatment: if accepted {
                        Treatment::Accept
                    } else {
                        Treatment::Mitigate
                    },
                    owner: owner.clone(),
                    // Accepted below, once approved where its level needs it.
                    status: if accepted {
                        RiskStatus::Assessed
                    } else if assessed {
                        RiskStatus::Treating
                    } else {
                        RiskStatus::Identified
                    },
                    decision: accepted.then(|| {
                        "Accepted by the AI Risk Review Committee: residual risk within appetite; revisit at next review".to_string()
                    }),
                    review_due: Some(review_due.date_naive().to_string()),
                },
                None,
                true,
            )
            .await?;
            if accepted {
                accept(services, system, approvers, &routes, &risk).await?;
            }
            raci::assign(
                services,
                system,
                raci::RaciSubject::Risk,
                risk.id,
                &owner,
                raci::PartyKind::Person,
                raci::RaciRole::Accountable,
            )
            .await?;
            created += 1;
        }
    }
    Ok(created)
}

/// Accepts a demo risk the way an organization must: a high or critical one through an approved
/// risk-acceptance request of the body on the escalation route for its level.
async fn accept(
    services: &Services,
    system: &Viewer,
    approvers: &[Viewer],
    routes: &[governance::Route],
    risk: &risks::Risk,
) -> AppResult<()> {
    let level = risk.level();
    if matches!(level, risks::Level::High | risks::Level::Critical)
        // The last level of the route decides (routes come in escalation order).
        && let Some(route) = routes
            .iter()
            .rfind(|r| r.severity.as_str() == level.as_str())
    {
        let request = approvals::request(
            services,
            system,
            approvals::ApprovalSubject::RiskAcceptance,
            risk.id,
            route.body_id,
            2,
            "Residual risk within appetite with the listed controls",
        )
        .await?;
        for approver in approvers.iter().take(2) {
            approvals::decide(
                services,
                approver,
                request.id,
                approvals::Verdict::Approve,
                "Within appetite",
            )
            .await?;
        }
    }
    let mut input = RiskInput::from(risk);
    input.status = RiskStatus::Accepted;
    risks::update(services, system, risk.id, input).await?;
    Ok(())
}
