//! Delivery's work for the job runner: on each tick, fire due schedules; for each job, build a
//! run or send one email. Sending retries with exponential backoff and jitter; the server's
//! permanent refusal, or the last allowed attempt, gives the email up and shows it as failed.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Duration, Utc};
use entity::{notification, outbox, report_output, report_run, report_schedule};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::email::{self, Content};
use super::runs::{self, DeliveryStatus, MAIL_JOB, RUN_JOB, RunSettings, Trigger};
use super::schedules::Schedule;
use crate::config::MailConfig;
use crate::domain::Services;
use crate::domain::account::organizations;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::notifications;
use crate::domain::reports::stored;
use crate::error::{AppError, AppResult};
use crate::jobs::{ClaimedJob, Handler, JobOutcome};
use crate::mail::{Attachment, Mailer, Outcome};

/// The delivery handler the job runner calls.
pub struct DeliveryWorker {
    pub services: Services,
    pub mailer: Mailer,
    pub mail: MailConfig,
    pub public_url: String,
}

impl DeliveryWorker {
    pub fn settings(&self) -> RunSettings {
        settings(&self.mail)
    }

    async fn run_job(&self, job: &ClaimedJob) -> JobOutcome {
        let schedule_id = job.payload["schedule_id"]
            .as_i64()
            .and_then(|v| i32::try_from(v).ok());
        let occurrence = job.payload["occurrence"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc));
        let (Some(schedule_id), Some(occurrence)) = (schedule_id, occurrence) else {
            return JobOutcome::Failed(format!("malformed payload {}", job.payload));
        };
        let schedule = match report_schedule::Entity::find_by_id(schedule_id)
            .one(&self.services.db)
            .await
        {
            Ok(Some(row)) => match Schedule::try_from(row) {
                Ok(schedule) => schedule,
                Err(err) => return JobOutcome::Failed(err.to_string()),
            },
            // Deleted since it fired: nothing to send.
            Ok(None) => return JobOutcome::Done,
            Err(err) => return self.retry(job, err.to_string()),
        };
        let since = job.payload["since"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc));
        match runs::build(
            &self.services,
            &schedule,
            runs::Occurrence {
                at: occurrence,
                since,
            },
            Trigger::Scheduled,
            "scheduler".into(),
            &self.settings(),
        )
        .await
        {
            Ok(_) => JobOutcome::Done,
            Err(err) => self.retry(job, err.to_string()),
        }
    }

    async fn mail_job(&self, job: &ClaimedJob) -> JobOutcome {
        let Some(outbox_id) = job.payload["outbox_id"]
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
        else {
            return JobOutcome::Failed(format!("malformed payload {}", job.payload));
        };
        let row = match outbox::Entity::find_by_id(outbox_id)
            .one(&self.services.db)
            .await
        {
            Ok(Some(row)) => row,
            Ok(None) => return JobOutcome::Done,
            Err(err) => return self.retry(job, err.to_string()),
        };
        if DeliveryStatus::stored(&row.status).ok() != Some(DeliveryStatus::Pending) {
            // Already sent or given up (a job retried after its outcome was recorded).
            return JobOutcome::Done;
        }
        let message = match self.compose(&row).await {
            Ok(message) => message,
            Err(err) => return self.retry(job, err.to_string()),
        };
        let (status, reply, error, result) = self.classify(job, self.mailer.send(&message).await);
        if let Err(err) = runs::settle_delivery(&self.services, row, status, reply, error).await {
            // The email went out (or not) but the record failed: retry the job; a resend
            // carries the same Message-ID.
            tracing::warn!(outbox = outbox_id, %err, "recording a delivery failed");
            return self.retry(job, err.to_string());
        }
        if status == DeliveryStatus::Failed {
            tracing::warn!(outbox = outbox_id, "an email was given up");
        }
        result
    }

    /// What a send attempt means for the email and for its job: sent, given up (permanent
    /// refusal or the last attempt), or pending with a retry.
    fn classify(
        &self,
        job: &ClaimedJob,
        outcome: Outcome,
    ) -> (DeliveryStatus, Option<String>, Option<String>, JobOutcome) {
        let last_attempt = job.attempt >= job.max_attempts;
        match outcome {
            Outcome::Sent(reply) => (DeliveryStatus::Sent, Some(reply), None, JobOutcome::Done),
            Outcome::Permanent(reply) => (
                DeliveryStatus::Failed,
                Some(reply.clone()),
                Some(reply.clone()),
                JobOutcome::Failed(reply),
            ),
            Outcome::Retry(error) if last_attempt => (
                DeliveryStatus::Failed,
                None,
                Some(error.clone()),
                JobOutcome::Failed(error),
            ),
            Outcome::Retry(error) => (
                DeliveryStatus::Pending,
                None,
                Some(error.clone()),
                self.retry(job, error),
            ),
        }
    }

    /// Sends one notification (a single email outside report delivery).
    async fn notify_job(&self, job: &ClaimedJob) -> JobOutcome {
        let Some(id) = job.payload["notification_id"]
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
        else {
            return JobOutcome::Failed(format!("malformed payload {}", job.payload));
        };
        let row = match notification::Entity::find_by_id(id)
            .one(&self.services.db)
            .await
        {
            Ok(Some(row)) => row,
            Ok(None) => return JobOutcome::Done,
            Err(err) => return self.retry(job, err.to_string()),
        };
        if DeliveryStatus::stored(&row.status).ok() != Some(DeliveryStatus::Pending) {
            return JobOutcome::Done;
        }
        let message = notifications::email(&row, &self.mail.from, self.services.clock.now());
        let (status, reply, error, result) = self.classify(job, self.mailer.send(&message).await);
        if let Err(err) = notifications::settle(&self.services, row, status, reply, error).await {
            tracing::warn!(notification = id, %err, "recording a notification failed");
            return self.retry(job, err.to_string());
        }
        result
    }

    /// The email of an outbox row, with the run's stored outputs attached.
    pub async fn compose(&self, row: &outbox::Model) -> AppResult<crate::mail::Email> {
        let db = &self.services.db;
        let run = report_run::Entity::find_by_id(row.run_id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::not_found(format!("report run {}", row.run_id)))?;
        let schedule = match run.schedule_id {
            Some(id) => report_schedule::Entity::find_by_id(id).one(db).await?,
            None => None,
        };
        let organization = organizations::current(
            &self.services,
            &crate::domain::kernel::viewer::Viewer::System {
                organization_id: run.organization_id,
            },
        )
        .await?;
        let occurrence = DateTime::parse_from_rfc3339(&run.occurrence)
            .map_err(AppError::internal)?
            .with_timezone(&Utc);
        let outputs = report_output::Entity::find()
            .filter(report_output::Column::RunId.eq(run.id))
            .order_by_asc(report_output::Column::Id)
            .all(db)
            .await?;
        let date = occurrence.format("%Y-%m-%d").to_string();
        let links: Vec<String> = outputs
            .iter()
            .map(|o| stored::url_of(run.id, &o.format))
            .collect();
        let attachments = outputs
            .into_iter()
            .map(|o| Attachment {
                file_name: stored::file_name(&run, &o.format, &date),
                media_type: o.media_type,
                content: o.content,
            })
            .collect();
        let (name, template, zone) = match &schedule {
            Some(s) => (
                s.name.clone(),
                s.subject_template.clone(),
                s.time_zone.clone(),
            ),
            None => (
                "report".into(),
                super::schedules::DEFAULT_SUBJECT.into(),
                "UTC".into(),
            ),
        };
        Ok(email::email(
            Content {
                schedule_name: &name,
                subject_template: &template,
                report_kind: &run.report_kind,
                organization: &organization.name,
                occurrence,
                time_zone: &zone,
                run_id: run.id,
                public_url: &self.public_url,
                attachments,
                links,
            },
            &self.mail.from,
            &row.recipient,
            &row.message_id,
            self.services.clock.now(),
        ))
    }

    /// Exponential backoff from `mail.backoff_secs`, doubled per attempt, capped, with up to
    /// 20% jitter so instances that failed together do not retry together.
    fn retry(&self, job: &ClaimedJob, error: String) -> JobOutcome {
        let base = self.mail.backoff_secs.max(1) as f64;
        let exponent = i32::min(job.attempt.max(1) - 1, 20);
        let delay = (base * 2f64.powi(exponent)).min(self.mail.max_backoff_secs.max(1) as f64);
        let jitter = 1.0 + rand::random::<f64>() * 0.2;
        let millis = (delay * jitter * 1000.0) as i64;
        JobOutcome::RetryAt(
            self.services.clock.now() + Duration::milliseconds(millis),
            error,
        )
    }
}

/// Run settings from the mail configuration.
pub fn settings(mail: &MailConfig) -> RunSettings {
    let domain = crate::mail::message::mailbox("mail.from", &mail.from)
        .map(|m| m.email.domain().to_string())
        .unwrap_or_else(|_| "localhost".into());
    RunSettings {
        message_domain: domain,
        max_attempts: i32::try_from(mail.max_attempts.max(1)).unwrap_or(8),
    }
}

impl Handler for DeliveryWorker {
    fn tick(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            match runs::enqueue_due(&self.services).await {
                Ok(0) => {}
                Ok(fired) => tracing::info!(fired, "report schedules fired"),
                Err(err) => tracing::warn!(%err, "firing due schedules failed"),
            }
        })
    }

    fn handles(&self, kind: &str) -> bool {
        matches!(kind, RUN_JOB | MAIL_JOB | notifications::NOTIFY_JOB)
    }

    fn run<'a>(
        &'a self,
        job: &'a ClaimedJob,
    ) -> Pin<Box<dyn Future<Output = JobOutcome> + Send + 'a>> {
        Box::pin(async move {
            match job.kind.as_str() {
                RUN_JOB => self.run_job(job).await,
                MAIL_JOB => self.mail_job(job).await,
                notifications::NOTIFY_JOB => self.notify_job(job).await,
                other => JobOutcome::Failed(format!("unknown job kind '{other}'")),
            }
        })
    }
}
