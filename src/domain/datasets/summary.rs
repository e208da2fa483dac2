//! The data section of the governance-board report: datasets with unresolved rights, raw
//! personal data, failed checks (the latest of each kind), and compromised sources with the AI
//! systems they reach.

use std::collections::BTreeMap;

use serde::Serialize;

use super::lineage::{self, NodeRef, graph::Direction};
use super::{PersonalDataHandling, checks, register, rights};
use crate::domain::Services;
use crate::domain::approvals::{self, ApprovalSubject};
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::error::{AppError, AppResult};

/// What the board sees of data governance.
#[derive(Debug, Clone, Serialize)]
pub struct DataSummary {
    pub datasets: usize,
    pub unresolved_rights: Vec<DatasetIssues>,
    pub raw_personal_data: Vec<String>,
    pub failed_checks: Vec<FailedCheck>,
    pub compromised: Vec<Compromised>,
}

/// A dataset and what is wrong with it.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetIssues {
    pub dataset: String,
    pub issues: Vec<String>,
}

/// The latest check of a kind on a dataset, failed.
#[derive(Debug, Clone, Serialize)]
pub struct FailedCheck {
    pub dataset: String,
    pub kind: String,
    pub checked_on: String,
    pub risk_id: Option<i32>,
}

/// A compromised dataset and the AI systems it reaches.
#[derive(Debug, Clone, Serialize)]
pub struct Compromised {
    pub dataset: String,
    pub since: String,
    pub reaches: Vec<String>,
}

/// Collects the data section for the viewer's organization.
pub async fn for_board(services: &Services, viewer: &Viewer) -> AppResult<DataSummary> {
    let today = services.clock.today();
    let organization_id = viewer.organization_id()?;
    let datasets = register::list(services, viewer).await?;
    let mut summary = DataSummary {
        datasets: datasets.len(),
        unresolved_rights: Vec::new(),
        raw_personal_data: Vec::new(),
        failed_checks: Vec::new(),
        compromised: Vec::new(),
    };
    for dataset in &datasets {
        let name = format!("{} {}", dataset.name, dataset.version);
        // An approved exception settles the rights problems (not fitness for training).
        let excepted = approvals::is_approved(
            &services.db,
            organization_id,
            ApprovalSubject::DataUseException,
            dataset.id,
        )
        .await?;
        let rights_problems = if excepted {
            Vec::new()
        } else {
            rights::rights_problems(dataset, today)
        };
        let issues: Vec<String> = rights_problems
            .into_iter()
            .chain(rights::training_problems(dataset))
            .map(|p| p.message)
            .collect();
        if !issues.is_empty() {
            summary.unresolved_rights.push(DatasetIssues {
                dataset: name.clone(),
                issues,
            });
        }
        let has_personal =
            !dataset.personal_data_categories.is_empty() || !dataset.special_categories.is_empty();
        if has_personal && dataset.personal_data_handling == PersonalDataHandling::Raw {
            summary.raw_personal_data.push(name.clone());
        }
        // The latest check of each kind counts: a later pass clears an earlier failure.
        let mut latest: BTreeMap<String, checks::Check> = BTreeMap::new();
        for check in checks::of(services, viewer, dataset.id).await? {
            latest
                .entry(check.kind.as_str().to_string())
                .or_insert(check);
        }
        for (kind, check) in latest {
            if check.result == checks::CheckOutcome::Failed {
                summary.failed_checks.push(FailedCheck {
                    dataset: name.clone(),
                    kind: kind.replace('_', " "),
                    checked_on: check.checked_on.to_string(),
                    risk_id: check.risk_id,
                });
            }
        }
        if let Some(since) = dataset.compromised_at {
            let reaches = match lineage::trace(
                services,
                viewer,
                NodeRef::Dataset(dataset.id),
                Direction::Downstream,
                lineage::MAX_DEPTH,
                lineage::MAX_NODES,
            )
            .await
            {
                Ok(trace) => trace.ai_systems.into_iter().map(|(_, n)| n).collect(),
                Err(AppError::NotFound(_)) => Vec::new(),
                Err(err) => return Err(err),
            };
            summary.compromised.push(Compromised {
                dataset: name,
                since: since.format("%Y-%m-%d").to_string(),
                reaches,
            });
        }
    }
    Ok(summary)
}
