//! `accord demo seed`: fills an organization with deterministic demo records.

use super::CliError;
use crate::config::Config;
use crate::domain::demo::{self, Size};
use crate::server::prepare;

pub async fn seed(
    config: Config,
    org: &str,
    name: Option<&str>,
    size: &str,
) -> Result<(), CliError> {
    let size = match size {
        "small" => Size::Small,
        "large" => Size::Large,
        other => {
            return Err(CliError::usage(format!(
                "--size must be small or large, not '{other}'"
            )));
        }
    };
    let services = prepare(&config).await?;
    let name = name.map_or_else(|| format!("{org} (demo)"), str::to_string);
    eprintln!("seeding organization {org}...");
    let seeded = demo::seed(&services, org, &name, size).await?;
    println!(
        "seeded {org}: {} AI systems, {} model versions, {} approved policies, {} evidenced controls, {} artefacts, {} risks, {} metric points, {} incidents, {} audits with {} findings and {} corrective actions, {} datasets",
        seeded.ai_systems,
        seeded.model_versions,
        seeded.policies,
        seeded.evidence,
        seeded.artifacts,
        seeded.risks,
        seeded.metric_points,
        seeded.incidents,
        seeded.audits,
        seeded.findings,
        seeded.corrective_actions,
        seeded.datasets
    );
    Ok(())
}

/// `accord demo lineage`: a synthetic lineage graph for benchmarks.
pub async fn lineage(config: Config, org: &str, edges: usize) -> Result<(), CliError> {
    let services = prepare(&config).await?;
    let made = demo::lineage::seed(&services, org, edges).await?;
    println!(
        "lineage {org}: {} nodes, {} edges, first node {}, last node {}",
        made.nodes, made.edges, made.first_node, made.last_node
    );
    Ok(())
}
