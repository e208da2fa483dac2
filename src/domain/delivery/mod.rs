//! Scheduled delivery of reports by email: [`schedules`] (cron in a time zone, recipients),
//! [`runs`] (a stored run per occurrence with one outbox row per recipient), [`recipients`]
//! (through the people directory), [`email`] (what a recipient receives) and [`worker`] (the
//! job runner's handler that fires schedules and sends).

pub mod email;
pub mod recipients;
pub mod runs;
pub mod schedules;
pub mod worker;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::people;
use crate::error::AppResult;

/// Delivery's configuration as the use cases need it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub run: runs::RunSettings,
    /// Where links in emails point.
    pub public_url: String,
}

impl Settings {
    pub fn from_config(config: &crate::config::Config) -> Settings {
        Settings {
            run: worker::settings(&config.mail),
            public_url: config.public_url.clone(),
        }
    }
}

/// What the next email of a schedule would look like, and to whom it would go.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub recipients: Vec<String>,
    /// Body members with no entry in the people directory, so no address.
    pub unresolved_members: Vec<String>,
    pub next_run_at: Option<DateTime<Utc>>,
}

/// The next email of a schedule (without attachments, which are built when it runs).
pub async fn preview(
    services: &Services,
    viewer: &Viewer,
    schedule_id: i32,
    public_url: &str,
) -> AppResult<Preview> {
    viewer.require(Permission::ReadRecords)?;
    let schedule = schedules::get(services, viewer, schedule_id).await?;
    let organization = crate::domain::account::organizations::current(services, viewer).await?;
    let people = people::all_of(services, schedule.organization_id).await?;
    let members = recipients::body_members(
        services,
        schedule.organization_id,
        &schedule.recipients.bodies,
    )
    .await?;
    let accountable = recipients::accountable(
        services,
        schedule.organization_id,
        &schedule.recipients.accountable_for,
    )
    .await?;
    let occurrence = schedule.next_run_at.unwrap_or_else(|| services.clock.now());
    let content = email::Content {
        schedule_name: &schedule.name,
        subject_template: &schedule.subject_template,
        report_kind: &schedule.report_kind,
        organization: &organization.name,
        occurrence,
        time_zone: &schedule.time_zone,
        run_id: 0,
        public_url,
        attachments: Vec::new(),
        links: Vec::new(),
    };
    let (text, html) = email::bodies(&content);
    Ok(Preview {
        subject: email::subject(&content),
        text,
        html,
        recipients: recipients::resolve(&schedule.recipients, &people, &members, &accountable),
        unresolved_members: recipients::unresolved(&people, &members),
        next_run_at: schedule.next_run_at,
    })
}
