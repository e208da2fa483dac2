//! Notifications: single plain-text emails that are not report deliveries (a metric warning to
//! an AI system's accountable person; later incident escalations). Queued inside the write that
//! decides them, one row and one `notification.send` job per recipient, and sent by the delivery
//! worker with the same retry and give-up rules as report email.

use chrono::{DateTime, Utc};
use entity::notification;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::domain::Services;
use crate::domain::delivery::runs::DeliveryStatus;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};
use crate::jobs::{NewJob, queue};

/// The job that sends one notification.
pub const NOTIFY_JOB: &str = "notification.send";

/// What to tell whom about which record.
#[derive(Debug, Clone)]
pub struct Notice {
    /// Why, e.g. `metric_warning`.
    pub topic: &'static str,
    /// The record it is about, e.g. `metric_series` 12.
    pub subject_type: &'static str,
    pub subject_id: i32,
    pub subject: String,
    pub body: String,
}

/// A notification as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub id: i32,
    pub topic: String,
    pub subject_type: String,
    pub subject_id: i32,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<notification::Model> for Notification {
    type Error = AppError;
    fn try_from(m: notification::Model) -> AppResult<Self> {
        Ok(Notification {
            id: m.id,
            topic: m.topic,
            subject_type: m.subject_type,
            subject_id: m.subject_id,
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
            message_id: m.message_id,
            status: DeliveryStatus::stored(&m.status)?,
            attempts: m.attempts,
            last_error: m.last_error,
            sent_at: m.sent_at,
            created_at: m.created_at,
        })
    }
}

/// Queues `notice` to each recipient inside `write`; returns how many were queued.
pub async fn queue(
    write: &Write<'_>,
    organization_id: i32,
    notice: &Notice,
    recipients: &[String],
    settings: &crate::domain::delivery::runs::RunSettings,
) -> AppResult<usize> {
    let now = write.now();
    for recipient in recipients {
        let digest = Sha256::digest(
            // The body names the window, so two warnings of one evaluation differ.
            format!(
                "{}|{}|{}|{}|{recipient}",
                notice.topic,
                notice.subject_id,
                now.timestamp_millis(),
                notice.body
            )
            .as_bytes(),
        );
        let row = notification::ActiveModel {
            organization_id: Set(organization_id),
            topic: Set(notice.topic.into()),
            subject_type: Set(notice.subject_type.into()),
            subject_id: Set(notice.subject_id),
            recipient: Set(recipient.clone()),
            subject: Set(notice.subject.clone()),
            body: Set(notice.body.clone()),
            message_id: Set(format!(
                "accord.{}.{}@{}",
                notice.topic.replace('_', "-"),
                &hex::encode(digest)[..20],
                settings.message_domain
            )),
            status: Set(DeliveryStatus::Pending.as_str().into()),
            attempts: Set(0),
            last_error: Set(None),
            smtp_reply: Set(None),
            sent_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&**write)
        .await?;
        let shown: Notification = row.clone().try_into()?;
        write
            .record(
                Action::Notify,
                Entity::Notification,
                row.id,
                None,
                Some(snapshot(&shown)?),
            )
            .await?;
        queue::enqueue(
            &**write,
            NewJob {
                kind: NOTIFY_JOB,
                payload: json!({ "notification_id": row.id }),
                dedupe_key: format!("notification:{}", row.id),
                run_at: now,
                max_attempts: settings.max_attempts,
            },
            now,
        )
        .await?;
    }
    Ok(recipients.len())
}

/// Records how sending went.
pub async fn settle(
    services: &Services,
    row: notification::Model,
    status: DeliveryStatus,
    reply: Option<String>,
    error: Option<String>,
) -> AppResult<()> {
    let write = Write::begin_as(services, Some(row.organization_id), "mailer".into()).await?;
    let before: Notification = row.clone().try_into()?;
    let now = write.now();
    let mut active: notification::ActiveModel = row.into();
    active.status = Set(status.as_str().into());
    active.attempts = Set(before.attempts + 1);
    if reply.is_some() {
        active.smtp_reply = Set(reply);
    }
    active.last_error = Set(error);
    if status == DeliveryStatus::Sent {
        active.sent_at = Set(Some(now));
    }
    active.updated_at = Set(now);
    let after: Notification = active.update(&*write).await?.try_into()?;
    let action = match status {
        DeliveryStatus::Sent => Action::Deliver,
        DeliveryStatus::Failed => Action::GiveUp,
        DeliveryStatus::Pending => Action::Update,
    };
    write
        .record(
            action,
            Entity::Notification,
            after.id,
            Some(snapshot(&before)?),
            Some(snapshot(&after)?),
        )
        .await?;
    write.commit().await
}

/// The email of a notification.
pub fn email(row: &notification::Model, from: &str, now: DateTime<Utc>) -> crate::mail::Email {
    let escaped = row
        .body
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    crate::mail::Email {
        from: from.to_string(),
        to: row.recipient.clone(),
        subject: row.subject.clone(),
        message_id: row.message_id.clone(),
        date: now,
        text: row.body.clone(),
        html: format!(
            "<!doctype html><html><body><pre style=\"font-family:sans-serif;white-space:pre-wrap\">{escaped}</pre></body></html>"
        ),
        attachments: Vec::new(),
    }
}

/// Notifications of the viewer's organization, newest first, optionally about one record.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    subject: Option<(&str, i32)>,
) -> AppResult<Vec<Notification>> {
    viewer.require(Permission::ReadRecords)?;
    let mut query = notification::Entity::find()
        .filter(notification::Column::OrganizationId.eq(viewer.organization_id()?));
    if let Some((kind, id)) = subject {
        query = query
            .filter(notification::Column::SubjectType.eq(kind))
            .filter(notification::Column::SubjectId.eq(id));
    }
    query
        .order_by_desc(notification::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Notification::try_from)
        .collect()
}
