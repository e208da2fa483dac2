//! Deterministic demo data: an organization filled with plausible records of every kind, written
//! through the same use cases as the API (so the audit log records every one of them).

mod datasets;
mod history;
pub mod lineage;
mod metrics;
mod oversight;
mod risks;

use chrono::Duration;
use serde_json::json;

use super::Services;
use super::account::organizations;
use super::controls::{self, ControlFilter, ControlPatch, ControlStatus, Effectiveness};
use super::inventory::{RiskTier, Stage};
use super::kernel::vocabulary::Vocabulary;
use super::{approvals, artifacts, governance, inventory, policies, raci};
use crate::domain::controls::evidence::{self, NewEvidence};
use crate::domain::kernel::viewer::{Credential, Principal, Role, Viewer};
use crate::error::{AppError, AppResult};

/// How much to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Small,
    Large,
}

/// What was created.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seeded {
    pub ai_systems: usize,
    pub model_versions: usize,
    pub policies: usize,
    pub evidence: usize,
    pub artifacts: usize,
    pub risks: usize,
    pub metric_points: usize,
    pub incidents: usize,
    pub audits: usize,
    pub findings: usize,
    pub corrective_actions: usize,
    pub datasets: usize,
}

const PURPOSES: &[(&str, &str, RiskTier)] = &[
    (
        "Credit scorer",
        "Scores consumer credit applications",
        RiskTier::High,
    ),
    (
        "Support assistant",
        "Answers customer questions with a language model",
        RiskTier::Limited,
    ),
    (
        "Fraud detector",
        "Flags suspicious card transactions",
        RiskTier::High,
    ),
    (
        "Document classifier",
        "Routes incoming documents to teams",
        RiskTier::Minimal,
    ),
    (
        "Churn predictor",
        "Predicts customers likely to leave",
        RiskTier::Limited,
    ),
    (
        "Resume screener",
        "Ranks job applications for recruiters",
        RiskTier::High,
    ),
    (
        "Demand forecaster",
        "Forecasts weekly product demand",
        RiskTier::Minimal,
    ),
    (
        "Code assistant",
        "Suggests code to internal developers",
        RiskTier::Limited,
    ),
];
const UNITS: &[&str] = &[
    "Retail Banking",
    "Customer Care",
    "Payments",
    "Operations",
    "People",
];
const STAGES: &[Stage] = &[
    Stage::Operate,
    Stage::Operate,
    Stage::Deploy,
    Stage::Validate,
    Stage::Develop,
    Stage::Design,
];

fn person(subject: &str, organization: &organizations::Organization) -> Viewer {
    person_as(subject, organization, Role::Executive)
}

fn person_as(subject: &str, organization: &organizations::Organization, role: Role) -> Viewer {
    Viewer::User(Principal {
        subject: subject.to_string(),
        organization_id: organization.id,
        organization_slug: organization.slug.clone(),
        roles: vec![role],
        credential: Credential::Token,
    })
}

/// Seeds `slug` (creating it if needed); refuses an organization that already has AI systems.
pub async fn seed(services: &Services, slug: &str, name: &str, size: Size) -> AppResult<Seeded> {
    let organization = match organizations::by_slug(services, slug).await {
        Ok(org) => org,
        Err(AppError::NotFound(_)) => {
            organizations::create(services, &Viewer::Operator, slug, name).await?
        }
        Err(err) => return Err(err),
    };
    let system = Viewer::System {
        organization_id: organization.id,
    };
    if !inventory::list(services, &system, &inventory::InventoryQuery::default())
        .await?
        .is_empty()
    {
        return Err(AppError::Conflict(format!(
            "organization '{slug}' already has records; seed a new organization"
        )));
    }
    let mut seeded = Seeded::default();

    let board = governance::create_body(
        services,
        &system,
        "AI Governance Board",
        governance::BodyKind::Board,
        "Approves AI policies and high-risk deployments",
    )
    .await?;
    for (who, role) in [("ceo", "chair"), ("cro", "member"), ("cto", "member")] {
        governance::set_member(
            services,
            &system,
            board.id,
            who,
            governance::MemberRole::parse("role", role)?,
            true,
        )
        .await?;
    }
    let committee = governance::create_body(
        services,
        &system,
        "AI Risk Review Committee",
        governance::BodyKind::RiskCommittee,
        "Reviews AI risks and incidents",
    )
    .await?;
    for (who, role) in [("cro", "chair"), ("dpo", "member")] {
        governance::set_member(
            services,
            &system,
            committee.id,
            who,
            governance::MemberRole::parse("role", role)?,
            true,
        )
        .await?;
    }
    // Critical incidents go to the committee first, then to the board if nobody acknowledges.
    for (severity, level, body, recipients) in [
        ("low", 1, committee.id, vec!["ai-ops@example.com"]),
        (
            "medium",
            1,
            committee.id,
            vec!["ai-ops@example.com", "risk@example.com"],
        ),
        (
            "high",
            1,
            board.id,
            vec!["cro@example.com", "risk@example.com"],
        ),
        (
            "critical",
            1,
            committee.id,
            vec!["cro@example.com", "risk@example.com"],
        ),
        (
            "critical",
            2,
            board.id,
            vec!["ceo@example.com", "cro@example.com"],
        ),
    ] {
        governance::set_route(
            services,
            &system,
            governance::Severity::parse("severity", severity)?,
            level,
            body,
            recipients.into_iter().map(String::from).collect(),
        )
        .await?;
    }

    let count = match size {
        Size::Small => 5,
        Size::Large => 40,
    };
    for i in 0..count {
        let (base, purpose, tier) = PURPOSES[i % PURPOSES.len()];
        let name = if i < PURPOSES.len() {
            base.to_string()
        } else {
            format!("{base} {}", i / PURPOSES.len() + 1)
        };
        let in_scope = i % 7 != 6;
        let created = inventory::create(
            services,
            &system,
            inventory::AiSystemInput {
                name: name.clone(),
                purpose: purpose.to_string(),
                owner: format!("owner{}@example.com", i % 4 + 1),
                business_unit: UNITS[i % UNITS.len()].to_string(),
                lifecycle_stage: STAGES[i % STAGES.len()],
                risk_tier: tier,
                in_scope,
                exclusion_justification: (!in_scope)
                    .then(|| "Internal experiment without production data or users".to_string()),
            },
        )
        .await?;
        seeded.ai_systems += 1;
        raci::assign(
            services,
            &system,
            raci::RaciSubject::AiSystem,
            created.id,
            &format!("owner{}@example.com", i % 4 + 1),
            raci::PartyKind::Person,
            raci::RaciRole::Accountable,
        )
        .await?;
        raci::assign(
            services,
            &system,
            raci::RaciSubject::AiSystem,
            created.id,
            "ml-platform",
            raci::PartyKind::Team,
            raci::RaciRole::Responsible,
        )
        .await?;
        for v in 1..=(i % 3 + 1) {
            let version = inventory::add_model_version(
                services,
                &system,
                created.id,
                inventory::ModelVersionInput {
                    version: format!("{v}.0.0"),
                    intended_use: purpose.to_string(),
                    limitations: "Validated on 2025 data only".into(),
                    training_data: vec![format!("dataset-{}-{v}", i + 1)],
                    evaluation_results: json!({ "accuracy": 0.80 + (v as f64) / 100.0 }),
                },
            )
            .await?;
            seeded.model_versions += 1;
            artifacts::add(
                services,
                &system,
                artifacts::NewArtifact {
                    kind: artifacts::ArtifactKind::ModelCard,
                    title: format!("{name} model card"),
                    ai_system_id: Some(created.id),
                    model_version_id: Some(version.id),
                    control_id: None,
                    media_type: Some("text/markdown".into()),
                    uri: None,
                    sha256: None,
                    size: None,
                    content: Some(
                        format!("# {name} {v}.0.0\n\nIntended use: {purpose}.\n").into_bytes(),
                    ),
                },
            )
            .await?;
            seeded.artifacts += 1;
        }
    }

    let ceo = person("ceo", &organization);
    let cro = person("cro", &organization);
    for (kind, title) in [
        ("ai_governance", "AI Governance Policy"),
        ("ai_risk_management", "AI Risk Management Policy"),
        ("data_governance", "Data Governance Policy"),
    ] {
        let policy = policies::create(
            services,
            &system,
            policies::NewPolicy {
                kind: policies::PolicyKind::parse("kind", kind)?,
                title: title.into(),
                content: format!("{title}: commitments, roles and review cycle."),
                body_id: board.id,
                quorum: 2,
                review_due: (services.clock.now() + Duration::days(365))
                    .date_naive()
                    .to_string(),
            },
        )
        .await?;
        let request = policies::submit(services, &system, policy.id).await?;
        approvals::decide(
            services,
            &ceo,
            request.id,
            approvals::Verdict::Approve,
            "Agreed",
        )
        .await?;
        approvals::decide(
            services,
            &cro,
            request.id,
            approvals::Verdict::Approve,
            "Agreed",
        )
        .await?;
        seeded.policies += 1;
    }

    // Every third control is implemented, effective and evidenced: coverage shows real progress.
    let all = controls::list(services, &system, &ControlFilter::default()).await?;
    for control in all.iter().step_by(3) {
        controls::update(
            services,
            &system,
            control.id,
            ControlPatch {
                status: Some(ControlStatus::Implemented),
                effectiveness: Some(Effectiveness::Effective),
                owner: Some("compliance@example.com".into()),
                ..Default::default()
            },
        )
        .await?;
        evidence::add(
            services,
            &system,
            control.id,
            NewEvidence {
                title: format!("{} operating evidence", control.code),
                kind: evidence::EvidenceKind::TestResult,
                collected_at: services.clock.now() - Duration::days(10),
                valid_until: Some(
                    services.clock.now() + Duration::days(i64::from(control.review_frequency_days)),
                ),
                sha256: None,
                uri: Some(format!("https://evidence.example.com/{}", control.code)),
            },
        )
        .await?;
        seeded.evidence += 1;
    }

    let systems = inventory::list(services, &system, &inventory::InventoryQuery::default()).await?;
    seeded.risks = risks::seed(services, &system, &systems, &[ceo.clone(), cro.clone()]).await?;
    seeded.metric_points = metrics::seed(services, &system, &systems, size).await?;

    seeded.datasets = datasets::seed(services, &system, &systems).await?;

    // Audits sample the implemented controls (every third one above).
    let implemented: Vec<controls::Control> = all.iter().step_by(3).cloned().collect();
    let auditor = person_as("auditor", &organization, Role::Auditor);
    let (quarters, findings_each) = match size {
        Size::Small => (1, 4),
        Size::Large => (4, 12),
    };
    let audited = oversight::seed(
        services,
        &system,
        &auditor,
        &implemented,
        &systems,
        quarters,
        findings_each,
    )
    .await?;
    seeded.audits = audited.audits;
    seeded.findings = audited.findings;
    seeded.corrective_actions = audited.corrective_actions;
    if size == Size::Large {
        seeded.incidents += history::incidents(services, &system, &systems).await?;
        seeded.risks += history::risks(services, &system, &systems).await?;
    }

    inventory::set_scope(
        services,
        &system,
        "The AI management system covers every AI system the organization develops or operates for customers and staff.",
        UNITS.iter().map(|u| u.to_string()).collect(),
        vec!["AI development".into(), "AI operation".into(), "AI procurement".into()],
        vec![inventory::ScopeExclusion {
            subject: "Research sandbox".into(),
            reason: "Isolated research without production data or users".into(),
        }],
    )
    .await?;
    Ok(seeded)
}
