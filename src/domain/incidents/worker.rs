//! Incidents' duty for the job runner: on every tick, escalate unacknowledged incidents whose
//! acknowledgement time has passed (the notice's unique level makes it once per level, however
//! many instances tick).

use std::future::Future;
use std::pin::Pin;

use super::escalation;
use crate::domain::Services;
use crate::jobs::{ClaimedJob, Handler, JobOutcome};

/// The escalation handler the job runner calls.
pub struct EscalationWorker {
    pub services: Services,
}

impl Handler for EscalationWorker {
    fn tick(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            match escalation::escalate_overdue(&self.services).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(escalated = n, "incidents escalated"),
                Err(err) => tracing::warn!(%err, "escalating incidents failed"),
            }
        })
    }

    fn handles(&self, _kind: &str) -> bool {
        false
    }

    fn run<'a>(
        &'a self,
        job: &'a ClaimedJob,
    ) -> Pin<Box<dyn Future<Output = JobOutcome> + Send + 'a>> {
        Box::pin(async move { JobOutcome::Failed(format!("unknown job kind '{}'", job.kind)) })
    }
}
