//! The organization's people directory: who signs in as which token subject, under what name,
//! at which address, with which roles and teams. Governance-body members, RACI parties and
//! approvers are token subjects, so a body, a role or a team resolves to email addresses here.
//! Admins manage it, one person at a time or by CSV import.

use chrono::{DateTime, Utc};
use entity::person;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    TryIntoModel,
};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::{Role, Viewer};
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};
use crate::mail::message::mailbox;

/// A person of the directory.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub id: i32,
    pub subject: String,
    pub display_name: String,
    pub email: String,
    /// Role names (admin, editor, auditor, executive, integrator), checked on write.
    pub roles: Vec<String>,
    pub teams: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<person::Model> for Person {
    type Error = AppError;
    fn try_from(m: person::Model) -> AppResult<Self> {
        Ok(Person {
            id: m.id,
            subject: m.subject,
            display_name: m.display_name,
            email: m.email,
            roles: serde_json::from_str(&m.roles).map_err(AppError::internal)?,
            teams: serde_json::from_str(&m.teams).map_err(AppError::internal)?,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// A person's fields, as given by an admin or a CSV row.
#[derive(Debug, Clone)]
pub struct PersonInput {
    pub subject: String,
    pub display_name: String,
    pub email: String,
    pub roles: Vec<String>,
    pub teams: Vec<String>,
}

struct Checked {
    subject: String,
    display_name: String,
    email: String,
    roles: Vec<&'static str>,
    teams: Vec<String>,
}

fn check(input: &PersonInput) -> AppResult<Checked> {
    let email = mailbox("email", &input.email)?.email.to_string();
    let roles = input
        .roles
        .iter()
        .enumerate()
        .map(|(i, r)| {
            r.trim().parse::<Role>().map(Role::as_str).map_err(|_| {
                AppError::rule(
                    format!("roles.{i}"),
                    "one_of",
                    format!(
                        "role '{r}' must be one of: admin, editor, auditor, executive, integrator"
                    ),
                )
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let teams = input
        .teams
        .iter()
        .enumerate()
        .map(|(i, t)| validate::line(&format!("teams.{i}"), t, 100))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Checked {
        subject: validate::line("subject", &input.subject, 200)?,
        display_name: validate::line("displayName", &input.display_name, 200)?,
        email,
        roles,
        teams,
    })
}

/// Adds a person or replaces the fields of the person with the same subject.
pub async fn upsert(services: &Services, viewer: &Viewer, input: PersonInput) -> AppResult<Person> {
    viewer.require(Permission::ManageAccess)?;
    let organization_id = viewer.organization_id()?;
    let c = check(&input)?;
    let txn = Write::begin(services, viewer).await?;
    let saved = upsert_in(&txn, organization_id, c).await?;
    txn.commit().await?;
    Ok(saved)
}

async fn upsert_in(txn: &Write<'_>, organization_id: i32, c: Checked) -> AppResult<Person> {
    let existing = person::Entity::find()
        .filter(person::Column::OrganizationId.eq(organization_id))
        .filter(person::Column::Subject.eq(c.subject.as_str()))
        .one(&**txn)
        .await?;
    let now = txn.now();
    let roles = serde_json::to_string(&c.roles).map_err(AppError::internal)?;
    let teams = serde_json::to_string(&c.teams).map_err(AppError::internal)?;
    let (before, mut active): (Option<Person>, person::ActiveModel) = match existing {
        Some(row) => (Some(row.clone().try_into()?), row.into()),
        None => (
            None,
            person::ActiveModel {
                organization_id: Set(organization_id),
                subject: Set(c.subject),
                created_at: Set(now),
                ..Default::default()
            },
        ),
    };
    active.display_name = Set(c.display_name);
    active.email = Set(c.email);
    active.roles = Set(roles);
    active.teams = Set(teams);
    active.updated_at = Set(now);
    let saved: Person = active.save(&**txn).await?.try_into_model()?.try_into()?;
    let action = if before.is_some() {
        Action::Update
    } else {
        Action::Create
    };
    txn.record(
        action,
        Entity::Person,
        saved.id,
        before.as_ref().map(snapshot).transpose()?,
        Some(snapshot(&saved)?),
    )
    .await?;
    Ok(saved)
}

/// Imports `subject,display_name,email,roles,teams` rows (roles and teams separated by `;`),
/// all or nothing: one bad row refuses the file and names the row.
pub async fn import_csv(services: &Services, viewer: &Viewer, csv_text: &str) -> AppResult<usize> {
    viewer.require(Permission::ManageAccess)?;
    let organization_id = viewer.organization_id()?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let split = |s: Option<&str>| -> Vec<String> {
        s.unwrap_or_default()
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect()
    };
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record =
            record.map_err(|e| AppError::rule("csv", "csv_format", format!("line {line}: {e}")))?;
        let input = PersonInput {
            subject: record.get(0).unwrap_or_default().to_string(),
            display_name: record.get(1).unwrap_or_default().to_string(),
            email: record.get(2).unwrap_or_default().to_string(),
            roles: split(record.get(3)),
            teams: split(record.get(4)),
        };
        let checked = check(&input).map_err(|err| match err {
            AppError::Validation {
                message,
                field,
                rule,
            } => AppError::Validation {
                message: format!("line {line}: {message}"),
                field: field.map(|f| format!("csv.{line}.{f}")),
                rule,
            },
            other => other,
        })?;
        rows.push(checked);
    }
    let txn = Write::begin(services, viewer).await?;
    let count = rows.len();
    for row in rows {
        upsert_in(&txn, organization_id, row).await?;
    }
    txn.commit().await?;
    Ok(count)
}

/// Removes a person from the directory.
pub async fn delete(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Person> {
    viewer.require(Permission::ManageAccess)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let row = person::Entity::find_by_id(id)
        .filter(person::Column::OrganizationId.eq(organization_id))
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("person {id}")))?;
    let removed: Person = row.try_into()?;
    person::Entity::delete_by_id(id).exec(&*txn).await?;
    txn.record(
        Action::Delete,
        Entity::Person,
        id,
        Some(snapshot(&removed)?),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(removed)
}

/// The directory, by display name.
pub async fn list(services: &Services, viewer: &Viewer) -> AppResult<Vec<Person>> {
    viewer.require(Permission::ReadRecords)?;
    all_of(services, viewer.organization_id()?).await
}

/// Every person of an organization (for resolving recipients inside a job).
pub async fn all_of(services: &Services, organization_id: i32) -> AppResult<Vec<Person>> {
    person::Entity::find()
        .filter(person::Column::OrganizationId.eq(organization_id))
        .order_by_asc(person::Column::DisplayName)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Person::try_from)
        .collect()
}

/// The person a viewer signs in as, if the directory knows them.
pub async fn me(services: &Services, viewer: &Viewer) -> AppResult<Option<Person>> {
    let Ok(principal) = viewer.principal() else {
        return Ok(None);
    };
    person::Entity::find()
        .filter(person::Column::OrganizationId.eq(principal.organization_id))
        .filter(person::Column::Subject.eq(principal.subject.as_str()))
        .one(&services.db)
        .await?
        .map(Person::try_from)
        .transpose()
}
