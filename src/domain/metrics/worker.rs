//! Metrics' work for the job runner: evaluating thresholds (queued by every push, and every
//! [`EVALUATE_EVERY_SECS`] for every organization with series, because windows close and series
//! go stale with time alone) and compacting chunks.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use entity::metric_series;
use sea_orm::{EntityTrait, QuerySelect};
use serde_json::json;

use super::intake::{COMPACT_JOB, EVALUATE_JOB};
use super::{evaluate, store};
use crate::domain::Services;
use crate::jobs::{ClaimedJob, Handler, JobOutcome, NewJob, queue};

/// How often every organization's thresholds are evaluated without a push.
pub const EVALUATE_EVERY_SECS: i64 = 300;

/// The metrics handler the job runner calls.
pub struct MetricsWorker {
    pub services: Services,
    last_tick: Mutex<Option<DateTime<Utc>>>,
}

impl MetricsWorker {
    pub fn new(services: Services) -> MetricsWorker {
        MetricsWorker {
            services,
            last_tick: Mutex::new(None),
        }
    }

    /// Queues the periodic evaluation of every organization with series, once per period
    /// across instances (the dedupe key names the period).
    async fn enqueue_periodic(&self) -> crate::error::AppResult<usize> {
        let now = self.services.clock.now();
        let due = match self.last_tick.lock() {
            Ok(mut last) => {
                let due = last.is_none_or(|t| now - t >= Duration::seconds(EVALUATE_EVERY_SECS));
                if due {
                    *last = Some(now);
                }
                due
            }
            Err(_) => false,
        };
        if !due {
            return Ok(0);
        }
        let organizations: Vec<i32> = metric_series::Entity::find()
            .select_only()
            .column(metric_series::Column::OrganizationId)
            .distinct()
            .into_tuple()
            .all(&self.services.db)
            .await?;
        let period = now.timestamp() / EVALUATE_EVERY_SECS;
        let mut queued = 0;
        for organization_id in organizations {
            let added = queue::enqueue(
                &self.services.db,
                NewJob {
                    kind: EVALUATE_JOB,
                    payload: json!({ "organization_id": organization_id }),
                    dedupe_key: format!("{EVALUATE_JOB}:{organization_id}:period-{period}"),
                    run_at: now,
                    max_attempts: 3,
                },
                now,
            )
            .await?;
            queued += usize::from(added);
        }
        Ok(queued)
    }

    fn retry(&self, error: String) -> JobOutcome {
        JobOutcome::RetryAt(self.services.clock.now() + Duration::seconds(30), error)
    }
}

impl Handler for MetricsWorker {
    fn tick(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            if let Err(err) = self.enqueue_periodic().await {
                tracing::warn!(%err, "queueing metric evaluations failed");
            }
        })
    }

    fn handles(&self, kind: &str) -> bool {
        matches!(kind, EVALUATE_JOB | COMPACT_JOB)
    }

    fn run<'a>(
        &'a self,
        job: &'a ClaimedJob,
    ) -> Pin<Box<dyn Future<Output = JobOutcome> + Send + 'a>> {
        Box::pin(async move {
            let Some(organization_id) = job.payload["organization_id"]
                .as_i64()
                .and_then(|v| i32::try_from(v).ok())
            else {
                return JobOutcome::Failed(format!("malformed payload {}", job.payload));
            };
            match job.kind.as_str() {
                EVALUATE_JOB => {
                    match evaluate::evaluate(
                        &self.services,
                        organization_id,
                        "metrics-evaluator",
                        false,
                    )
                    .await
                    {
                        Ok(done) => {
                            if !done.transitions.is_empty() {
                                tracing::info!(
                                    organization_id,
                                    transitions = done.transitions.len(),
                                    "metric thresholds evaluated"
                                );
                            }
                            JobOutcome::Done
                        }
                        Err(err) => self.retry(err.to_string()),
                    }
                }
                COMPACT_JOB => loop {
                    match store::compact(&self.services, organization_id).await {
                        Ok(0) => break JobOutcome::Done,
                        Ok(_) => continue,
                        Err(err) => break self.retry(err.to_string()),
                    }
                },
                other => JobOutcome::Failed(format!("unknown job kind '{other}'")),
            }
        })
    }
}
