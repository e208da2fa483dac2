//! Integrator API keys: created and revoked by admins, shown once, stored as SHA-256 hashes.
//! Keys carry 256 random bits, so a fast hash is enough (password hashing is for guessable secrets)
//! and lets every request be checked with one indexed lookup.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use entity::{api_key, organization};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::{Credential, Principal, Role, Viewer};
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

/// Every key starts with this, so leaked keys are easy to recognise by scanners.
pub const KEY_PREFIX: &str = "acc_";

/// An API key as listed (never the key itself).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiKey {
    pub id: i32,
    pub name: String,
    pub prefix: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<api_key::Model> for ApiKey {
    fn from(m: api_key::Model) -> Self {
        ApiKey {
            id: m.id,
            name: m.name,
            prefix: m.prefix,
            created_by: m.created_by,
            created_at: m.created_at,
            revoked_at: m.revoked_at,
            last_used_at: m.last_used_at,
        }
    }
}

fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Creates a key for the caller's organization; returns the key (shown once) and its record.
pub async fn create(
    services: &Services,
    viewer: &Viewer,
    name: &str,
) -> AppResult<(String, ApiKey)> {
    viewer.require(Permission::ManageAccess)?;
    let organization_id = viewer.organization_id()?;
    let name = crate::domain::kernel::validate::line("name", name, 100)?;
    let name = name.as_str();
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let key = format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(secret));
    let txn = Write::begin(services, viewer).await?;
    let created = api_key::ActiveModel {
        organization_id: Set(organization_id),
        name: Set(name.to_string()),
        prefix: Set(key.chars().take(KEY_PREFIX.len() + 6).collect()),
        key_hash: Set(hash_key(&key)),
        created_by: Set(viewer.describe()),
        created_at: Set(txn.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let record: ApiKey = created.into();
    txn.created(Entity::ApiKey, record.id, &record).await?;
    txn.commit().await?;
    Ok((key, record))
}

/// The caller's organization's keys, newest first.
pub async fn list(services: &Services, viewer: &Viewer) -> AppResult<Vec<ApiKey>> {
    viewer.require(Permission::ManageAccess)?;
    Ok(api_key::Entity::find()
        .filter(api_key::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_desc(api_key::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(ApiKey::from)
        .collect())
}

/// Revokes a key of the caller's organization (idempotent). Another organization's key is
/// `NOT_FOUND`, exactly like a key that does not exist.
pub async fn revoke(services: &Services, viewer: &Viewer, id: i32) -> AppResult<ApiKey> {
    viewer.require(Permission::ManageAccess)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let found = api_key::Entity::find_by_id(id)
        .filter(api_key::Column::OrganizationId.eq(organization_id))
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("API key {id}")))?;
    if found.revoked_at.is_some() {
        return Ok(found.into());
    }
    let before = snapshot(&ApiKey::from(found.clone()))?;
    let mut active: api_key::ActiveModel = found.into();
    active.revoked_at = Set(Some(txn.now()));
    let revoked: ApiKey = active.update(&*txn).await?.into();
    let after = snapshot(&revoked)?;
    txn.record(
        Action::Revoke,
        Entity::ApiKey,
        id,
        Some(before),
        Some(after),
    )
    .await?;
    txn.commit().await?;
    Ok(revoked)
}

/// Resolves a presented key to its principal; `None` for unknown or revoked keys.
pub async fn authenticate(services: &Services, key: &str) -> AppResult<Option<Principal>> {
    if !key.starts_with(KEY_PREFIX) {
        return Ok(None);
    }
    let found = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash_key(key)))
        .filter(api_key::Column::RevokedAt.is_null())
        .find_also_related(organization::Entity)
        .one(&services.db)
        .await?;
    let Some((record, Some(org))) = found else {
        return Ok(None);
    };
    // Usage time is telemetry for key hygiene, not a change of the record: it is kept to the
    // minute (one write per key per minute at most) and not audited.
    let now = services.clock.now();
    if record
        .last_used_at
        .is_none_or(|at| now - at > chrono::Duration::minutes(1))
    {
        api_key::Entity::update_many()
            .col_expr(
                api_key::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(api_key::Column::Id.eq(record.id))
            .exec(&services.db)
            .await?;
    }
    Ok(Some(Principal {
        subject: format!("api-key:{}", record.id),
        organization_id: org.id,
        organization_slug: org.slug,
        roles: vec![Role::Integrator],
        credential: Credential::ApiKey { id: record.id },
    }))
}
