//! Report runs and their deliveries. A due occurrence (or "send now") builds the report in each
//! of the schedule's formats and, in one transaction, stores the run, its outputs, one outbox row
//! per recipient (unique per run and recipient) and one mail job per outbox row.

use chrono::{DateTime, Utc};
use entity::{outbox, report_run, report_schedule};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::recipients;
use super::schedules::{Schedule, When};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::domain::people;
use crate::domain::reports::{self, ReportKind, Request, render::Format, stored};
use crate::error::{AppError, AppResult};
use crate::jobs::{NewJob, queue};

/// Job kind: build the run of a schedule's occurrence.
pub const RUN_JOB: &str = "report.run";
/// Job kind: send one outbox row.
pub const MAIL_JOB: &str = "mail.send";

vocabulary! {
    /// Where one email is: waiting to be sent (or retried), accepted by the server, or given up.
    pub enum DeliveryStatus {
        Pending => "pending",
        Sent => "sent",
        Failed => "failed",
    }
}

vocabulary! {
    /// Why a run exists.
    pub enum Trigger {
        Scheduled => "scheduled",
        Manual => "manual",
    }
}

/// A stored run.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub id: i32,
    pub schedule_id: Option<i32>,
    pub report_kind: String,
    pub occurrence: String,
    pub trigger: Trigger,
    /// The previous occurrence: the run reports on what changed since then.
    pub period_start: Option<DateTime<Utc>>,
    pub checksum: String,
    pub recipients: Vec<String>,
    pub formats: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// One email of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub id: i32,
    pub run_id: i32,
    pub recipient: String,
    pub message_id: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub smtp_reply: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<outbox::Model> for Delivery {
    type Error = AppError;
    fn try_from(m: outbox::Model) -> AppResult<Self> {
        Ok(Delivery {
            status: DeliveryStatus::stored(&m.status)?,
            id: m.id,
            run_id: m.run_id,
            recipient: m.recipient,
            message_id: m.message_id,
            attempts: m.attempts,
            last_error: m.last_error,
            smtp_reply: m.smtp_reply,
            sent_at: m.sent_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// What the run builder needs from delivery's configuration.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// The domain of Message-IDs (the From address's).
    pub message_domain: String,
    /// Attempts per email before it is given up.
    pub max_attempts: i32,
}

/// A stable Message-ID per run and recipient: a resend of the same delivery is recognisable.
pub fn message_id(run_id: i32, recipient: &str, domain: &str) -> String {
    let digest = Sha256::digest(recipient.to_lowercase().as_bytes());
    format!(
        "accord.run-{run_id}.{}@{domain}",
        &hex::encode(digest)[..16]
    )
}

/// Builds and stores the run of `schedule` for `occurrence` with its outbox and mail jobs.
/// `None` when that occurrence already has a run (another instance, or a retried job).
/// The period a run covers: from the schedule's previous occurrence (if any) to this one.
#[derive(Debug, Clone, Copy)]
pub struct Occurrence {
    pub at: DateTime<Utc>,
    pub since: Option<DateTime<Utc>>,
}

pub async fn build(
    services: &Services,
    schedule: &Schedule,
    occurrence: Occurrence,
    trigger: Trigger,
    actor: String,
    settings: &RunSettings,
) -> AppResult<Option<Run>> {
    let Occurrence {
        at: occurrence,
        since: period_start,
    } = occurrence;
    let occurrence_text = occurrence.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let organization_id = schedule.organization_id;
    if run_exists(&services.db, schedule.id, &occurrence_text).await? {
        return Ok(None);
    }
    let system = Viewer::System { organization_id };
    let request = Request {
        kind: ReportKind::named("reportKind", &schedule.report_kind)?,
        period: period_between(period_start, occurrence),
        scope: Default::default(),
    };
    let built = reports::build(services, &system, &request).await?;
    let formats = schedule
        .formats
        .iter()
        .map(|name| Format::parse(name))
        .collect::<AppResult<Vec<_>>>()?;
    let data_sha = stored::data_sha256(&built)?;
    let (built, outputs) = stored::outputs_blocking(built, formats).await?;
    let checksum = stored::checksum(&outputs);
    let people = people::all_of(services, organization_id).await?;
    let members =
        recipients::body_members(services, organization_id, &schedule.recipients.bodies).await?;
    let accountable = recipients::accountable(
        services,
        organization_id,
        &schedule.recipients.accountable_for,
    )
    .await?;
    let addresses = recipients::resolve(&schedule.recipients, &people, &members, &accountable);

    let mut txn = Write::begin_as(services, Some(organization_id), actor).await?;
    txn.set_organization(organization_id);
    if run_exists(&*txn, schedule.id, &occurrence_text).await? {
        return Ok(None);
    }
    let now = txn.now();
    let run = report_run::ActiveModel {
        organization_id: Set(organization_id),
        schedule_id: Set(Some(schedule.id)),
        report_kind: Set(schedule.report_kind.clone()),
        occurrence: Set(occurrence_text.clone()),
        trigger: Set(trigger.as_str().into()),
        inputs: Set(json!({
            "schedule": schedule.id,
            "formats": schedule.formats,
            "recipients": schedule.recipients,
            "occurrence": occurrence_text,
            "period": { "label": built.period.label, "from": built.period.from, "to": built.period.to },
            "since": period_start,
            "data_sha256": data_sha,
        })
        .to_string()),
        checksum: Set(checksum.clone()),
        created_at: Set(now),
        period: Set(Some(built.period.label.clone())),
        scope: Set(Some("{}".into())),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    stored::insert_outputs(&*txn, run.id, outputs).await?;
    for address in &addresses {
        let row = outbox::ActiveModel {
            organization_id: Set(organization_id),
            run_id: Set(run.id),
            recipient: Set(address.clone()),
            message_id: Set(message_id(run.id, address, &settings.message_domain)),
            status: Set(DeliveryStatus::Pending.as_str().into()),
            attempts: Set(0),
            last_error: Set(None),
            smtp_reply: Set(None),
            sent_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
        queue::enqueue(
            &*txn,
            NewJob {
                kind: MAIL_JOB,
                payload: json!({ "outbox_id": row.id }),
                dedupe_key: format!("mail:{}", row.id),
                run_at: now,
                max_attempts: settings.max_attempts,
            },
            now,
        )
        .await?;
    }
    let stored = Run {
        id: run.id,
        schedule_id: run.schedule_id,
        report_kind: run.report_kind,
        occurrence: run.occurrence,
        trigger,
        period_start,
        checksum,
        recipients: addresses,
        formats: schedule.formats.clone(),
        created_at: run.created_at,
    };
    txn.created(Entity::ReportRun, stored.id, &stored).await?;
    txn.commit().await?;
    Ok(Some(stored))
}

/// The period a scheduled run reports on: the whole days from the previous occurrence to the day
/// before this one; the current quarter when there is no previous occurrence or less than a day
/// passed since it.
fn period_between(since: Option<DateTime<Utc>>, at: DateTime<Utc>) -> Option<String> {
    let since = since?.date_naive();
    let last = at.date_naive().pred_opt()?;
    (since <= last).then(|| format!("{}..{}", since.format("%Y-%m-%d"), last.format("%Y-%m-%d")))
}

async fn run_exists<C: ConnectionTrait>(
    db: &C,
    schedule_id: i32,
    occurrence: &str,
) -> AppResult<bool> {
    Ok(report_run::Entity::find()
        .filter(report_run::Column::ScheduleId.eq(schedule_id))
        .filter(report_run::Column::Occurrence.eq(occurrence))
        .one(db)
        .await?
        .is_some())
}

/// Enqueues the run job of every enabled schedule that is due, and moves each schedule to its
/// next occurrence after now (so a backlog of missed occurrences runs once). A compare-and-set
/// on the old due time makes one instance the one that fires it.
pub async fn enqueue_due(services: &Services) -> AppResult<usize> {
    let now = services.clock.now();
    let due = report_schedule::Entity::find()
        .filter(report_schedule::Column::Enabled.eq(true))
        .filter(report_schedule::Column::NextRunAt.lte(now))
        .order_by_asc(report_schedule::Column::NextRunAt)
        .all(&services.db)
        .await?;
    let mut fired = 0;
    for row in due {
        let Some(occurrence) = row.next_run_at else {
            continue;
        };
        let next = match When::parse(&row.cron, &row.time_zone).and_then(|w| w.next_after(now)) {
            Ok(next) => next,
            Err(err) => {
                tracing::warn!(schedule = row.id, %err, "a schedule's cron no longer parses");
                continue;
            }
        };
        let txn = Write::begin_as(services, Some(row.organization_id), "scheduler".into()).await?;
        let moved = report_schedule::Entity::update_many()
            .col_expr(report_schedule::Column::NextRunAt, Some(next).into())
            .col_expr(report_schedule::Column::LastRunAt, Some(occurrence).into())
            .filter(report_schedule::Column::Id.eq(row.id))
            .filter(report_schedule::Column::NextRunAt.eq(occurrence))
            .exec(&*txn)
            .await?;
        if moved.rows_affected != 1 {
            continue;
        }
        let occurrence_text = occurrence.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        queue::enqueue(
            &*txn,
            NewJob {
                kind: RUN_JOB,
                payload: json!({
                    "schedule_id": row.id,
                    "occurrence": occurrence_text,
                    "since": row.last_run_at,
                }),
                dedupe_key: format!("run:{}:{occurrence_text}", row.id),
                run_at: now,
                max_attempts: 5,
            },
            now,
        )
        .await?;
        txn.record(
            Action::Fire,
            Entity::ReportSchedule,
            row.id,
            Some(json!({ "next_run_at": occurrence })),
            Some(json!({ "fired": occurrence_text, "next_run_at": next })),
        )
        .await?;
        txn.commit().await?;
        fired += 1;
    }
    Ok(fired)
}

/// "Send now": builds a run of the schedule at this instant and queues its emails.
pub async fn send_now(
    services: &Services,
    viewer: &Viewer,
    schedule_id: i32,
    settings: &RunSettings,
) -> AppResult<Run> {
    viewer.require(Permission::WriteRecords)?;
    let schedule = super::schedules::get(services, viewer, schedule_id).await?;
    let occurrence = Occurrence {
        at: services.clock.now(),
        since: schedule.last_run_at,
    };
    build(
        services,
        &schedule,
        occurrence,
        Trigger::Manual,
        viewer.describe(),
        settings,
    )
    .await?
    .ok_or_else(|| AppError::Conflict("a run for this instant already exists; try again".into()))
}

/// Filters of the delivery history.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub schedule_id: Option<i32>,
    pub recipient: Option<String>,
    pub status: Option<DeliveryStatus>,
}

/// Delivery history, newest first. Those who may not manage schedules (executives, auditors)
/// see the deliveries addressed to them.
pub async fn deliveries(
    services: &Services,
    viewer: &Viewer,
    filter: &DeliveryFilter,
) -> AppResult<Vec<Delivery>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    let mut query = outbox::Entity::find()
        .filter(outbox::Column::OrganizationId.eq(organization_id))
        .order_by_desc(outbox::Column::Id);
    if viewer.require(Permission::WriteRecords).is_err() {
        let own = people::me(services, viewer).await?.map(|p| p.email);
        query = query.filter(outbox::Column::Recipient.eq(own.unwrap_or_default()));
    }
    if let Some(schedule_id) = filter.schedule_id {
        let runs: Vec<i32> = report_run::Entity::find()
            .filter(report_run::Column::OrganizationId.eq(organization_id))
            .filter(report_run::Column::ScheduleId.eq(schedule_id))
            .all(&services.db)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        query = query.filter(outbox::Column::RunId.is_in(runs));
    }
    if let Some(recipient) = &filter.recipient {
        query = query.filter(outbox::Column::Recipient.eq(recipient.trim().to_lowercase()));
    }
    if let Some(status) = filter.status {
        query = query.filter(outbox::Column::Status.eq(status.as_str()));
    }
    query
        .all(&services.db)
        .await?
        .into_iter()
        .map(Delivery::try_from)
        .collect()
}

/// Records a delivery's outcome (audited as the system of its organization).
pub(super) async fn settle_delivery(
    services: &Services,
    row: outbox::Model,
    status: DeliveryStatus,
    reply: Option<String>,
    error: Option<String>,
) -> AppResult<()> {
    let organization_id = row.organization_id;
    let txn = Write::begin_as(services, Some(organization_id), "mailer".into()).await?;
    let before: Delivery = row.clone().try_into()?;
    let now = txn.now();
    let mut active: outbox::ActiveModel = row.into();
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
    let after: Delivery = active.update(&*txn).await?.try_into()?;
    let action = match status {
        DeliveryStatus::Sent => Action::Deliver,
        DeliveryStatus::Failed => Action::GiveUp,
        DeliveryStatus::Pending => Action::Update,
    };
    txn.record(
        action,
        Entity::Outbox,
        after.id,
        Some(snapshot(&before)?),
        Some(snapshot(&after)?),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
