//! GraphQL shapes of report schedules, runs, deliveries and email previews.

use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::delivery::Preview;
use crate::domain::delivery::runs::{Delivery, DeliveryStatus, Run, Trigger};
use crate::domain::delivery::schedules::{RaciRef, Recipients, Schedule, ScheduleInput};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::raci::types::RaciSubjectValue;
use crate::graphql::util::{id, parse_id};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// Where one email is: pending (waiting or retrying), sent (accepted by the server), failed.
    DeliveryStatusValue, "DeliveryStatus", DeliveryStatus [Pending, Sent, Failed]
);
graphql_vocabulary!(
    /// Why a run exists: its schedule came due, or someone sent it now.
    TriggerValue, "RunTrigger", Trigger [Scheduled, Manual]
);

/// Who receives a schedule's emails.
#[derive(SimpleObject, InputObject, Clone, Default)]
#[graphql(input_name = "RecipientsInput", name = "Recipients")]
pub struct RecipientsNode {
    /// Email addresses.
    #[graphql(default)]
    pub addresses: Vec<String>,
    /// Everyone in the people directory with one of these roles.
    #[graphql(default)]
    pub roles: Vec<String>,
    /// Every member of these governance bodies, through the people directory.
    #[graphql(default)]
    pub body_ids: Vec<ID>,
    /// Whoever is Accountable (RACI) for these records when the email is sent.
    #[graphql(default)]
    pub accountable_for: Vec<RaciRefNode>,
}

/// A record a RACI assignment can be about.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "RaciRefInput", name = "RaciRef")]
pub struct RaciRefNode {
    pub subject_type: RaciSubjectValue,
    pub subject_id: ID,
}

/// A report schedule.
#[derive(SimpleObject)]
#[graphql(name = "ReportSchedule")]
pub struct ScheduleNode {
    pub id: ID,
    pub name: String,
    pub report_kind: String,
    /// Attached formats: html, text, json.
    pub formats: Vec<String>,
    /// Five-field cron (minute hour day-of-month month day-of-week) in `timeZone`.
    pub cron: String,
    /// IANA time zone, e.g. Europe/Berlin.
    pub time_zone: String,
    pub recipients: RecipientsNode,
    pub subject_template: String,
    pub enabled: bool,
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_run_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Schedule> for ScheduleNode {
    fn from(s: Schedule) -> Self {
        ScheduleNode {
            id: id(s.id),
            name: s.name,
            report_kind: s.report_kind,
            formats: s.formats,
            cron: s.cron,
            time_zone: s.time_zone,
            recipients: RecipientsNode {
                addresses: s.recipients.addresses,
                roles: s.recipients.roles,
                body_ids: s.recipients.bodies.into_iter().map(id).collect(),
                accountable_for: s
                    .recipients
                    .accountable_for
                    .into_iter()
                    .map(|r| RaciRefNode {
                        subject_type: r.subject_type.into(),
                        subject_id: id(r.subject_id),
                    })
                    .collect(),
            },
            subject_template: s.subject_template,
            enabled: s.enabled,
            next_run_at: s.next_run_at,
            last_run_at: s.last_run_at,
            created_by: s.created_by,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A schedule's fields.
#[derive(InputObject)]
#[graphql(name = "ReportScheduleInput")]
pub struct ScheduleInputNode {
    pub name: String,
    #[graphql(default_with = "String::from(\"governance-board\")")]
    pub report_kind: String,
    #[graphql(default_with = "vec![String::from(\"html\")]")]
    pub formats: Vec<String>,
    pub cron: String,
    #[graphql(default_with = "String::from(\"UTC\")")]
    pub time_zone: String,
    pub recipients: RecipientsNode,
    /// `{report}`, `{organization}` and `{date}` are filled in.
    pub subject_template: Option<String>,
    #[graphql(default = true)]
    pub enabled: bool,
}

impl ScheduleInputNode {
    pub fn into_domain(self) -> async_graphql::Result<ScheduleInput> {
        let bodies = self
            .recipients
            .body_ids
            .iter()
            .map(parse_id)
            .collect::<Result<Vec<_>, _>>()
            .gql()?;
        let accountable_for = self
            .recipients
            .accountable_for
            .iter()
            .map(|r| {
                Ok(RaciRef {
                    subject_type: r.subject_type.into(),
                    subject_id: parse_id(&r.subject_id)?,
                })
            })
            .collect::<Result<Vec<_>, crate::error::AppError>>()
            .gql()?;
        Ok(ScheduleInput {
            name: self.name,
            report_kind: self.report_kind,
            formats: self.formats,
            cron: self.cron,
            time_zone: self.time_zone,
            recipients: Recipients {
                addresses: self.recipients.addresses,
                roles: self.recipients.roles,
                bodies,
                accountable_for,
            },
            subject_template: self.subject_template,
            enabled: self.enabled,
        })
    }
}

/// One email of a run.
#[derive(SimpleObject)]
#[graphql(name = "Delivery")]
pub struct DeliveryNode {
    pub id: ID,
    pub run_id: ID,
    pub recipient: String,
    /// Stable per run and recipient: a resend carries the same id.
    pub message_id: String,
    pub status: DeliveryStatusValue,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// The SMTP server's last reply.
    pub smtp_reply: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Delivery> for DeliveryNode {
    fn from(d: Delivery) -> Self {
        DeliveryNode {
            id: id(d.id),
            run_id: id(d.run_id),
            recipient: d.recipient,
            message_id: d.message_id,
            status: d.status.into(),
            attempts: d.attempts,
            last_error: d.last_error,
            smtp_reply: d.smtp_reply,
            sent_at: d.sent_at,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// A stored report run.
#[derive(SimpleObject)]
#[graphql(name = "ReportRun")]
pub struct RunNode {
    pub id: ID,
    pub schedule_id: Option<ID>,
    pub report_kind: String,
    pub occurrence: String,
    pub trigger: TriggerValue,
    /// The schedule's previous occurrence: the period runs from there to `occurrence`.
    pub period_start: Option<DateTime<Utc>>,
    /// SHA-256 over the outputs' SHA-256s.
    pub checksum: String,
    pub recipients: Vec<String>,
    pub formats: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Run> for RunNode {
    fn from(r: Run) -> Self {
        RunNode {
            id: id(r.id),
            schedule_id: r.schedule_id.map(id),
            report_kind: r.report_kind,
            occurrence: r.occurrence,
            trigger: r.trigger.into(),
            period_start: r.period_start,
            checksum: r.checksum,
            recipients: r.recipients,
            formats: r.formats,
            created_at: r.created_at,
        }
    }
}

/// The next email of a schedule.
#[derive(SimpleObject)]
#[graphql(name = "EmailPreview")]
pub struct PreviewNode {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub recipients: Vec<String>,
    /// Body members with no entry in the people directory, so no address.
    pub unresolved_members: Vec<String>,
    pub next_run_at: Option<DateTime<Utc>>,
}

impl From<Preview> for PreviewNode {
    fn from(p: Preview) -> Self {
        PreviewNode {
            subject: p.subject,
            text: p.text,
            html: p.html,
            recipients: p.recipients,
            unresolved_members: p.unresolved_members,
            next_run_at: p.next_run_at,
        }
    }
}

/// Emails by state.
#[derive(SimpleObject)]
pub struct DeliveryCounts {
    pub pending: i32,
    pub sent: i32,
    /// Given up: permanently refused, or out of attempts.
    pub failed: i32,
}
