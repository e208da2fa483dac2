//! `accord audit verify`: recomputes each organization's audit chain and checks it against the
//! latest signed checkpoint (and, with `--checkpoint FILE`, against a checkpoint kept elsewhere,
//! such as the one printed in a governance-board report); exits non-zero and names the first
//! broken link when it fails.

use std::path::Path;

use super::CliError;
use crate::config::Config;
use crate::domain::account::organizations;
use crate::domain::audit::checkpoint::Checkpoint;
use crate::domain::audit::verify::{Verification, verify, verify_against};
use crate::domain::kernel::viewer::Viewer;
use crate::server::prepare;

fn read_checkpoint(path: &Path) -> Result<Checkpoint, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(text.trim()).map_err(|e| {
        CliError::usage(format!(
            "{} is not a checkpoint (JSON with organization_id, seq, hash, at, mac): {e}",
            path.display()
        ))
    })
}

/// Prints one outcome; true when it is a failure.
fn report(slug: &str, label: &str, outcome: &Verification) -> bool {
    match &outcome.problem {
        None => {
            println!(
                "{slug}: ok, {} entries, {label} at entry {}",
                outcome.entries,
                outcome
                    .checkpoint_seq
                    .map_or("-".to_string(), |s| s.to_string())
            );
            false
        }
        Some(problem) => {
            println!(
                "{slug}: BROKEN at entry {} ({label}): {}",
                problem.seq, problem.reason
            );
            true
        }
    }
}

pub async fn verify_chains(
    config: Config,
    org: Option<&str>,
    checkpoint_file: Option<&Path>,
) -> Result<(), CliError> {
    let kept = checkpoint_file.map(read_checkpoint).transpose()?;
    let services = prepare(&config).await?;
    let mut targets = match org {
        Some(slug) => vec![organizations::by_slug(&services, slug).await?],
        None => organizations::list(&services, &Viewer::Operator).await?,
    };
    if let Some(kept) = &kept {
        targets.retain(|o| o.id == kept.organization_id);
        if targets.is_empty() {
            return Err(CliError::usage(format!(
                "the checkpoint is of organization {}, which is not {}",
                kept.organization_id,
                org.unwrap_or("on this server")
            )));
        }
    }
    let mut failures = 0;
    for organization in targets {
        let outcome = verify(&services.db, &services.audit, organization.id).await?;
        if report(&organization.slug, "checkpoint file", &outcome) {
            failures += 1;
        }
        if let Some(kept) = &kept {
            let outcome = verify_against(
                &services.db,
                &services.audit,
                organization.id,
                Some(kept.clone()),
            )
            .await?;
            if report(&organization.slug, "given checkpoint", &outcome) {
                failures += 1;
            }
        }
    }
    if failures > 0 {
        return Err(CliError::failure(format!(
            "audit verification failed for {failures} check(s)"
        )));
    }
    Ok(())
}
