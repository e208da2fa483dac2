//! Organizations: the unit of data isolation. Every customer record carries `organization_id`.

use chrono::Utc;
use entity::organization;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::{AppError, AppResult};

/// An organization as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub created_at: chrono::DateTime<Utc>,
}

impl From<organization::Model> for Organization {
    fn from(m: organization::Model) -> Self {
        Organization {
            id: m.id,
            slug: m.slug,
            name: m.name,
            created_at: m.created_at,
        }
    }
}

/// A slug: 2-63 characters of lowercase letters, digits and inner hyphens.
pub fn validate_slug(slug: &str) -> AppResult<()> {
    let ok_chars = slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !(2..=63).contains(&slug.len()) || !ok_chars || slug.starts_with('-') || slug.ends_with('-')
    {
        return Err(AppError::rule(
            "slug",
            "slug_format",
            format!("invalid slug '{slug}': use 2-63 lowercase letters, digits and inner hyphens"),
        ));
    }
    Ok(())
}

/// Creates an organization (admins and the host operator); the slug must be new.
pub async fn create(
    services: &Services,
    viewer: &Viewer,
    slug: &str,
    name: &str,
) -> AppResult<Organization> {
    viewer.require(Permission::ManageAccess)?;
    validate_slug(slug)?;
    let name = crate::domain::kernel::validate::line("name", name, 200)?;
    let name = name.as_str();
    // The organization's id is known only once it is inserted, inside this same write.
    let mut txn = Write::begin_as(services, None, viewer.describe()).await?;
    let exists = organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(&*txn)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(format!(
            "organization '{slug}' already exists"
        )));
    }
    let created = organization::ActiveModel {
        slug: Set(slug.to_string()),
        name: Set(name.to_string()),
        created_at: Set(txn.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let organization: Organization = created.into();
    txn.set_organization(organization.id);
    txn.created(Entity::Organization, organization.id, &organization)
        .await?;
    // Each organization starts from its own copy of the shipped control library.
    let (controls, mappings) = crate::domain::library::seed_organization(
        &*txn,
        &services.catalog,
        organization.id,
        txn.now(),
    )
    .await?;
    let version = &crate::domain::library::library()?.version;
    // And from Accord's own direct crosswalks (AI RMF and CSF to ISO/IEC 42001).
    let crosswalk_mappings = crate::domain::library::crosswalks::seed_organization(
        &*txn,
        &services.catalog,
        organization.id,
        version,
        txn.now(),
    )
    .await?;
    let seeded = serde_json::json!({
        "library": version,
        "controls": controls,
        "mappings": mappings,
        "crosswalk_mappings": crosswalk_mappings,
    });
    txn.record(
        Action::Seed,
        Entity::ControlLibrary,
        organization.id,
        None,
        Some(seeded),
    )
    .await?;
    txn.commit().await?;
    Ok(organization)
}

/// Finds an organization by slug.
pub async fn by_slug(services: &Services, slug: &str) -> AppResult<Organization> {
    organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(&services.db)
        .await?
        .map(Organization::from)
        .ok_or_else(|| AppError::not_found(format!("organization '{slug}'")))
}

/// The caller's own organization.
pub async fn current(services: &Services, viewer: &Viewer) -> AppResult<Organization> {
    let id = viewer.organization_id()?;
    organization::Entity::find_by_id(id)
        .one(&services.db)
        .await?
        .map(Organization::from)
        .ok_or_else(|| AppError::not_found("organization"))
}

/// Every organization, by slug (host operator only: the CLI).
pub async fn list(services: &Services, viewer: &Viewer) -> AppResult<Vec<Organization>> {
    if !matches!(viewer, Viewer::Operator) {
        return Err(AppError::Forbidden(
            "only the host operator lists all organizations".into(),
        ));
    }
    Ok(organization::Entity::find()
        .order_by_asc(organization::Column::Slug)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Organization::from)
        .collect())
}
