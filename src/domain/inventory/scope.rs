//! The organization's scope statement (systems, teams, processes, exclusions with reasons).

use chrono::{DateTime, Utc};
use entity::scope_statement;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

/// An exclusion from scope with its reason.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ScopeExclusion {
    pub subject: String,
    pub reason: String,
}

/// The organization's scope statement.
#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub statement: String,
    pub teams: Vec<String>,
    pub processes: Vec<String>,
    pub exclusions: Vec<ScopeExclusion>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// The scope statement, if one was written.
pub async fn scope(services: &Services, viewer: &Viewer) -> AppResult<Option<Scope>> {
    viewer.require(Permission::ReadRecords)?;
    let Some(row) = scope_statement::Entity::find_by_id(viewer.organization_id()?)
        .one(&services.db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Scope {
        statement: row.statement,
        teams: serde_json::from_str(&row.teams).map_err(AppError::internal)?,
        processes: serde_json::from_str(&row.processes).map_err(AppError::internal)?,
        exclusions: serde_json::from_str(&row.exclusions).map_err(AppError::internal)?,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
    }))
}

/// Writes the scope statement; every exclusion needs a reason.
pub async fn set_scope(
    services: &Services,
    viewer: &Viewer,
    statement: &str,
    teams: Vec<String>,
    processes: Vec<String>,
    exclusions: Vec<ScopeExclusion>,
) -> AppResult<Scope> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let statement = validate::text("statement", statement, 20_000)?;
    for exclusion in &exclusions {
        validate::line("exclusion subject", &exclusion.subject, 300)?;
        validate::justification(
            &format!("reason for excluding '{}'", exclusion.subject),
            Some(&exclusion.reason),
        )?;
    }
    let txn = Write::begin(services, viewer).await?;
    let current = scope_statement::Entity::find_by_id(organization_id)
        .one(&*txn)
        .await?;
    let before = current
        .as_ref()
        .map(|row| serde_json::json!({ "statement": row.statement, "exclusions": row.exclusions }));
    let scope = Scope {
        statement,
        teams,
        processes,
        exclusions,
        updated_by: viewer.describe(),
        updated_at: txn.now(),
    };
    // The row's key is the organization id, so insert and update are told apart here, not by
    // `save` (which treats a set key as an update).
    let exists = current.is_some();
    let mut active: scope_statement::ActiveModel = match current {
        Some(row) => row.into(),
        None => scope_statement::ActiveModel {
            organization_id: Set(organization_id),
            ..Default::default()
        },
    };
    active.statement = Set(scope.statement.clone());
    active.teams = Set(json_text(&scope.teams)?);
    active.processes = Set(json_text(&scope.processes)?);
    active.exclusions = Set(json_text(&scope.exclusions)?);
    active.updated_by = Set(scope.updated_by.clone());
    active.updated_at = Set(scope.updated_at);
    if exists {
        active.update(&*txn).await?;
    } else {
        active.insert(&*txn).await?;
    }
    txn.record(
        Action::Update,
        Entity::ScopeStatement,
        organization_id,
        before,
        Some(snapshot(&scope)?),
    )
    .await?;
    txn.commit().await?;
    Ok(scope)
}

fn json_text<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(AppError::internal)
}
