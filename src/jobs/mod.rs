//! Background jobs: one small queue in the `job` table, shared by every instance on the
//! database. A job is claimed with a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: a
//! compare-and-set update, which SQLite's single writer serializes), so with several instances
//! each job runs once at a time; a crashed instance's lease expires and another takes over.
//! [`runner`] runs inside every `accord serve` and in `accord worker`; the work itself (building
//! scheduled reports, sending email) is the domain's, handed to the runner as a [`Handler`].

pub mod queue;
pub mod runner;

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};

pub use queue::{ClaimedJob, JobStatus, NewJob};

/// How one run of a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    Done,
    /// Run again at the given time (the error is kept on the job).
    RetryAt(DateTime<Utc>, String),
    /// Give up for good.
    Failed(String),
}

/// The work of the runner: periodic duties (finding due schedules) and one job at a time.
pub trait Handler: Send + Sync + 'static {
    /// Called every poll interval: enqueue whatever has become due.
    fn tick(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
    /// Whether this handler runs jobs of `kind`.
    fn handles(&self, kind: &str) -> bool;
    /// Runs one claimed job.
    fn run<'a>(
        &'a self,
        job: &'a ClaimedJob,
    ) -> Pin<Box<dyn Future<Output = JobOutcome> + Send + 'a>>;
}

/// Several handlers as one: every tick reaches each, every job the first that handles its kind.
pub struct Handlers(pub Vec<std::sync::Arc<dyn Handler>>);

impl Handler for Handlers {
    fn tick(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            for handler in &self.0 {
                handler.tick().await;
            }
        })
    }

    fn handles(&self, kind: &str) -> bool {
        self.0.iter().any(|h| h.handles(kind))
    }

    fn run<'a>(
        &'a self,
        job: &'a ClaimedJob,
    ) -> Pin<Box<dyn Future<Output = JobOutcome> + Send + 'a>> {
        match self.0.iter().find(|h| h.handles(&job.kind)) {
            Some(handler) => handler.run(job),
            None => {
                Box::pin(
                    async move { JobOutcome::Failed(format!("unknown job kind '{}'", job.kind)) },
                )
            }
        }
    }
}
