//! Report schedules: which report, in which formats, when (a cron expression in an IANA time
//! zone), to whom. The next occurrence is kept on the schedule; after downtime a missed
//! occurrence runs once, and the next one is counted from now, not from the missed one.

use std::str::FromStr;

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use croner::Cron;
use entity::{governance_body, report_schedule};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::{Role, Viewer};
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::domain::raci::RaciSubject;
use crate::domain::reports::{self, render::Format};
use crate::error::{AppError, AppResult};
use crate::mail::message::mailbox;

/// Default subject: `{report}`, `{organization}` and `{date}` are filled in.
pub const DEFAULT_SUBJECT: &str = "{report} — {organization} — {date}";

/// Who receives a schedule's emails.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipients {
    /// Email addresses.
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Everyone in the people directory with one of these roles.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Every member of these governance bodies (by id), through the people directory.
    #[serde(default)]
    pub bodies: Vec<i32>,
    /// Whoever is Accountable (RACI) for these records when the email is sent: a person, or
    /// everyone in the directory on that team.
    #[serde(default)]
    pub accountable_for: Vec<RaciRef>,
}

/// A record a RACI assignment can be about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaciRef {
    pub subject_type: RaciSubject,
    pub subject_id: i32,
}

/// A schedule as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    pub id: i32,
    pub organization_id: i32,
    pub name: String,
    pub report_kind: String,
    pub formats: Vec<String>,
    pub cron: String,
    pub time_zone: String,
    pub recipients: Recipients,
    pub subject_template: String,
    pub enabled: bool,
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_run_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<report_schedule::Model> for Schedule {
    type Error = AppError;
    fn try_from(m: report_schedule::Model) -> AppResult<Self> {
        Ok(Schedule {
            formats: serde_json::from_str(&m.formats).map_err(AppError::internal)?,
            recipients: serde_json::from_str(&m.recipients).map_err(AppError::internal)?,
            id: m.id,
            organization_id: m.organization_id,
            name: m.name,
            report_kind: m.report_kind,
            cron: m.cron,
            time_zone: m.time_zone,
            subject_template: m.subject_template,
            enabled: m.enabled,
            next_run_at: m.next_run_at,
            last_run_at: m.last_run_at,
            created_by: m.created_by,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// A schedule's fields (all of them, on create and on update).
#[derive(Debug, Clone)]
pub struct ScheduleInput {
    pub name: String,
    pub report_kind: String,
    pub formats: Vec<String>,
    pub cron: String,
    pub time_zone: String,
    pub recipients: Recipients,
    pub subject_template: Option<String>,
    pub enabled: bool,
}

/// A parsed cron expression in a time zone.
#[derive(Debug, Clone)]
pub struct When {
    cron: Cron,
    zone: Tz,
}

impl When {
    /// Parses both, refusing with `field` and rule `cron_expression` or `time_zone`.
    pub fn parse(cron: &str, time_zone: &str) -> AppResult<When> {
        let cron = Cron::from_str(cron.trim()).map_err(|e| {
            AppError::rule(
                "cron",
                "cron_expression",
                format!("cron '{cron}' is not a cron expression: {e}"),
            )
        })?;
        let zone = Tz::from_str(time_zone.trim()).map_err(|_| {
            AppError::rule(
                "timeZone",
                "time_zone",
                format!("'{time_zone}' is not an IANA time zone (e.g. Europe/Berlin)"),
            )
        })?;
        Ok(When { cron, zone })
    }

    /// The first occurrence strictly after `after`. Local times are the zone's: a 09:00 schedule
    /// fires at 09:00 on both daylight-saving change days.
    pub fn next_after(&self, after: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
        self.cron
            .find_next_occurrence(&after.with_timezone(&self.zone), false)
            // croner keeps the sub-second part of `after`; occurrences are whole minutes.
            .map(|local| {
                local
                    .with_timezone(&Utc)
                    .with_nanosecond(0)
                    .unwrap_or(local.with_timezone(&Utc))
            })
            .map_err(|e| {
                AppError::rule(
                    "cron",
                    "cron_expression",
                    format!("no next occurrence: {e}"),
                )
            })
    }
}

struct Checked {
    name: String,
    report_kind: &'static str,
    formats: Vec<&'static str>,
    cron: String,
    time_zone: String,
    when: When,
    recipients: Recipients,
    subject_template: String,
}

fn check(input: &ScheduleInput) -> AppResult<Checked> {
    let name = validate::line("name", &input.name, 200)?;
    let report_kind = validate::one_of("reportKind", &input.report_kind, reports::KINDS)?;
    if input.formats.is_empty() {
        return Err(AppError::rule(
            "formats",
            "required",
            "formats names at least one format to attach (html, text, json)",
        ));
    }
    let mut formats = Vec::new();
    for (i, format) in input.formats.iter().enumerate() {
        let parsed = Format::parse(format).map_err(|_| {
            AppError::rule(
                format!("formats.{i}"),
                "one_of",
                format!(
                    "format '{format}' must be one of: {}",
                    Format::NAMES.join(", ")
                ),
            )
        })?;
        let name = parsed.name();
        if !formats.contains(&name) {
            formats.push(name);
        }
    }
    let when = When::parse(&input.cron, &input.time_zone)?;
    let mut recipients = Recipients::default();
    for (i, address) in input.recipients.addresses.iter().enumerate() {
        let parsed = mailbox(&format!("recipients.addresses.{i}"), address)?;
        let address = parsed.email.to_string();
        if !recipients.addresses.contains(&address) {
            recipients.addresses.push(address);
        }
    }
    for (i, role) in input.recipients.roles.iter().enumerate() {
        let role = role.trim().parse::<Role>().map_err(|_| {
            AppError::rule(
                format!("recipients.roles.{i}"),
                "one_of",
                format!(
                    "role '{role}' must be one of: admin, editor, auditor, executive, integrator"
                ),
            )
        })?;
        recipients.roles.push(role.as_str().to_string());
    }
    recipients.bodies = input.recipients.bodies.clone();
    recipients.accountable_for = input.recipients.accountable_for.clone();
    if recipients.addresses.is_empty()
        && recipients.roles.is_empty()
        && recipients.bodies.is_empty()
        && recipients.accountable_for.is_empty()
    {
        return Err(AppError::rule(
            "recipients",
            "required",
            "a schedule needs recipients: addresses, roles, governance bodies or accountable parties",
        ));
    }
    let subject_template = match input.subject_template.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_SUBJECT.to_string(),
        Some(subject) => validate::line("subjectTemplate", subject, 300)?,
    };
    Ok(Checked {
        name,
        report_kind,
        formats,
        cron: input.cron.trim().to_string(),
        time_zone: input.time_zone.trim().to_string(),
        when,
        recipients,
        subject_template,
    })
}

async fn check_bodies(txn: &Write<'_>, organization_id: i32, bodies: &[i32]) -> AppResult<()> {
    for (i, id) in bodies.iter().enumerate() {
        let found = governance_body::Entity::find_by_id(*id)
            .filter(governance_body::Column::OrganizationId.eq(organization_id))
            .count(&**txn)
            .await?;
        if found == 0 {
            return Err(AppError::rule(
                format!("recipients.bodies.{i}"),
                "unknown_body",
                format!("governance body {id} does not exist"),
            ));
        }
    }
    Ok(())
}

fn apply(
    active: &mut report_schedule::ActiveModel,
    c: &Checked,
    now: DateTime<Utc>,
) -> AppResult<()> {
    active.name = Set(c.name.clone());
    active.report_kind = Set(c.report_kind.to_string());
    active.formats = Set(serde_json::to_string(&c.formats).map_err(AppError::internal)?);
    active.cron = Set(c.cron.clone());
    active.time_zone = Set(c.time_zone.clone());
    active.recipients = Set(serde_json::to_string(&c.recipients).map_err(AppError::internal)?);
    active.subject_template = Set(c.subject_template.clone());
    active.updated_at = Set(now);
    Ok(())
}

/// Creates a schedule; its first occurrence is the next one after now.
pub async fn create(
    services: &Services,
    viewer: &Viewer,
    input: ScheduleInput,
) -> AppResult<Schedule> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let c = check(&input)?;
    let txn = Write::begin(services, viewer).await?;
    check_bodies(&txn, organization_id, &c.recipients.bodies).await?;
    let now = txn.now();
    let mut active = report_schedule::ActiveModel {
        organization_id: Set(organization_id),
        enabled: Set(input.enabled),
        next_run_at: Set(if input.enabled {
            Some(c.when.next_after(now)?)
        } else {
            None
        }),
        last_run_at: Set(None),
        created_by: Set(viewer.describe()),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, &c, now)?;
    let created: Schedule = active.insert(&*txn).await?.try_into()?;
    txn.created(Entity::ReportSchedule, created.id, &created)
        .await?;
    txn.commit().await?;
    Ok(created)
}

/// Replaces a schedule's fields; a changed cron, zone or enabled flag recomputes the next run.
pub async fn update(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    input: ScheduleInput,
) -> AppResult<Schedule> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let c = check(&input)?;
    let txn = Write::begin(services, viewer).await?;
    check_bodies(&txn, organization_id, &c.recipients.bodies).await?;
    let row = find(&txn, organization_id, id).await?;
    let before: Schedule = row.clone().try_into()?;
    let now = txn.now();
    let mut active: report_schedule::ActiveModel = row.into();
    apply(&mut active, &c, now)?;
    active.enabled = Set(input.enabled);
    active.next_run_at = Set(if input.enabled {
        Some(c.when.next_after(now)?)
    } else {
        None
    });
    let updated: Schedule = active.update(&*txn).await?.try_into()?;
    txn.record(
        Action::Update,
        Entity::ReportSchedule,
        id,
        Some(snapshot(&before)?),
        Some(snapshot(&updated)?),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes a schedule; its stored runs and delivery history stay.
pub async fn delete(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Schedule> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let removed: Schedule = find(&txn, organization_id, id).await?.try_into()?;
    report_schedule::Entity::delete_by_id(id)
        .exec(&*txn)
        .await?;
    txn.record(
        Action::Delete,
        Entity::ReportSchedule,
        id,
        Some(snapshot(&removed)?),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(removed)
}

pub(super) async fn find(
    txn: &Write<'_>,
    organization_id: i32,
    id: i32,
) -> AppResult<report_schedule::Model> {
    report_schedule::Entity::find_by_id(id)
        .filter(report_schedule::Column::OrganizationId.eq(organization_id))
        .one(&**txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("report schedule {id}")))
}

/// One schedule of the viewer's organization.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Schedule> {
    viewer.require(Permission::ReadRecords)?;
    report_schedule::Entity::find_by_id(id)
        .filter(report_schedule::Column::OrganizationId.eq(viewer.organization_id()?))
        .one(&services.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("report schedule {id}")))?
        .try_into()
}

/// The organization's schedules, by name.
pub async fn list(services: &Services, viewer: &Viewer) -> AppResult<Vec<Schedule>> {
    viewer.require(Permission::ReadRecords)?;
    report_schedule::Entity::find()
        .filter(report_schedule::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_asc(report_schedule::Column::Name)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Schedule::try_from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("instant")
            .with_timezone(&Utc)
    }

    #[test]
    fn nine_local_on_both_daylight_saving_change_days() {
        let when = When::parse("0 9 * * *", "Europe/Berlin").expect("parses");
        // 2027-03-28: clocks go forward at 02:00 (UTC+1 -> UTC+2).
        assert_eq!(
            when.next_after(at("2027-03-27T08:30:00Z")).ok(),
            Some(at("2027-03-28T07:00:00Z"))
        );
        assert_eq!(
            when.next_after(at("2027-03-28T07:00:00Z")).ok(),
            Some(at("2027-03-29T07:00:00Z"))
        );
        // 2027-10-31: clocks go back at 03:00 (UTC+2 -> UTC+1).
        assert_eq!(
            when.next_after(at("2027-10-30T07:30:00Z")).ok(),
            Some(at("2027-10-31T08:00:00Z"))
        );
    }

    #[test]
    fn bad_cron_and_zone_name_their_field() {
        let err = When::parse("every day", "Europe/Berlin").err();
        assert!(
            matches!(err, Some(AppError::Validation { field: Some(ref f), .. }) if f == "cron")
        );
        let err = When::parse("0 9 * * *", "Mars/Olympus").err();
        assert!(
            matches!(err, Some(AppError::Validation { field: Some(ref f), .. }) if f == "timeZone")
        );
    }
}
