//! `accord audit verify`: recomputes each organization's audit chain and checks it against the
//! latest signed checkpoint; exits non-zero and names the first broken link when it fails.

use super::CliError;
use crate::config::Config;
use crate::domain::audit::verify::verify;
use crate::domain::organizations;
use crate::domain::viewer::Viewer;
use crate::server::prepare;

pub async fn verify_chains(config: Config, org: Option<&str>) -> Result<(), CliError> {
    let services = prepare(&config).await?;
    let targets = match org {
        Some(slug) => vec![organizations::by_slug(&services, slug).await?],
        None => organizations::list(&services, &Viewer::Operator).await?,
    };
    let mut failures = 0;
    for organization in targets {
        let report = verify(&services.db, &services.audit, organization.id).await?;
        match report.problem {
            None => println!(
                "{}: ok, {} entries, checkpoint at entry {}",
                organization.slug,
                report.entries,
                report
                    .checkpoint_seq
                    .map_or("-".to_string(), |s| s.to_string())
            ),
            Some(problem) => {
                failures += 1;
                println!(
                    "{}: BROKEN at entry {}: {}",
                    organization.slug, problem.seq, problem.reason
                );
            }
        }
    }
    if failures > 0 {
        return Err(CliError::failure(format!(
            "audit verification failed for {failures} organization(s)"
        )));
    }
    Ok(())
}
