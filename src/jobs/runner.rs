//! The job runner: every poll interval it lets the handler enqueue what has become due, then
//! claims ready jobs (up to the configured concurrency) and runs them. On shutdown it stops
//! claiming, gives running jobs a grace period to finish, and gives back the ones that do not.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use super::{ClaimedJob, Handler, JobOutcome, queue};
use crate::config::JobsConfig;
use crate::domain::Services;

/// How long running jobs may take to finish once shutdown is asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(8);

/// Runs until `shutdown` turns true.
pub async fn run(
    services: Services,
    handler: Arc<dyn Handler>,
    config: JobsConfig,
    owner: String,
    mut shutdown: watch::Receiver<bool>,
) {
    let poll = Duration::from_millis(config.poll_interval_ms.max(10));
    let lease = chrono::Duration::seconds(i64::try_from(config.lease_secs.max(1)).unwrap_or(120));
    let concurrency = config.concurrency.max(1);
    tracing::info!(%owner, "job runner started");
    while !*shutdown.borrow() {
        handler.tick().await;
        let mut running: JoinSet<(ClaimedJob, JobOutcome)> = JoinSet::new();
        let mut claimed: Vec<ClaimedJob> = Vec::new();
        while running.len() < concurrency {
            let now = services.clock.now();
            match queue::claim(&services.db, &owner, now, lease).await {
                Ok(Some(job)) => {
                    claimed.push(job.clone());
                    let handler = handler.clone();
                    running.spawn(async move {
                        let outcome = handler.run(&job).await;
                        (job, outcome)
                    });
                }
                Ok(None) => break,
                Err(err) => {
                    tracing::warn!(%err, "claiming a job failed");
                    break;
                }
            }
        }
        let claimed_full_batch = running.len() == concurrency;
        if running.is_empty() {
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = shutdown.changed() => {}
            }
            continue;
        }
        let mut stopping = false;
        loop {
            let next = if stopping {
                match tokio::time::timeout(SHUTDOWN_GRACE, running.join_next()).await {
                    Ok(next) => next,
                    Err(_) => break,
                }
            } else {
                tokio::select! {
                    next = running.join_next() => next,
                    _ = shutdown.changed() => { stopping = true; continue; }
                }
            };
            let Some(joined) = next else {
                break;
            };
            match joined {
                Ok((job, outcome)) => {
                    claimed.retain(|c| c.id != job.id);
                    settle(&services, &job, &owner, &outcome).await
                }
                Err(err) => tracing::error!(%err, "a job task panicked; its lease will expire"),
            }
        }
        if !running.is_empty() {
            // Shutdown outlasted the grace period: stop the rest and give them back, so another
            // instance runs them at once rather than after their leases expire.
            running.abort_all();
            tracing::warn!(
                left = claimed.len(),
                "jobs stopped by shutdown; releasing them"
            );
            for job in &claimed {
                if let Err(err) =
                    queue::release(&services.db, job, &owner, services.clock.now()).await
                {
                    tracing::warn!(job = job.id, %err, "releasing a job failed; its lease will expire");
                }
            }
        }
        if !claimed_full_batch && !stopping {
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
    tracing::info!(%owner, "job runner stopped");
}

async fn settle(services: &Services, job: &ClaimedJob, owner: &str, outcome: &JobOutcome) {
    let now = services.clock.now();
    match queue::settle(&services.db, job, owner, outcome, now).await {
        Ok(true) => {
            tracing::debug!(job = job.id, kind = %job.kind, ?outcome, "job settled")
        }
        Ok(false) => tracing::warn!(
            job = job.id,
            "job finished after its lease passed to another runner; its result is dropped"
        ),
        Err(err) => tracing::warn!(job = job.id, %err, "recording a job's outcome failed"),
    }
}

/// A name for this runner's leases: host, process and a random suffix.
pub fn owner_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "accord".into());
    format!(
        "{host}:{}:{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}
