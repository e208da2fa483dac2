//! Reading the audit log (admins and auditors) and verifying it (admins).

use entity::audit_log;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::verify::{Verification, verify};
use crate::domain::Services;
use crate::domain::access::Permission;
use crate::domain::viewer::Viewer;
use crate::error::{AppError, AppResult};

/// One audit entry as the API shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub at: String,
    pub prev_hash: String,
    pub hash: String,
}

impl From<audit_log::Model> for AuditEntry {
    fn from(m: audit_log::Model) -> Self {
        AuditEntry {
            seq: m.seq,
            actor: m.actor,
            action: m.action,
            entity: m.entity,
            entity_id: m.entity_id,
            before: m.before,
            after: m.after,
            at: m.at,
            prev_hash: m.prev_hash,
            hash: m.hash,
        }
    }
}

/// Filters for [`entries`]; all optional.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    /// RFC 3339 lower bound on the entry time.
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Entries after this sequence number (for paging).
    pub after_seq: Option<i64>,
    pub limit: u64,
}

/// Entries of the viewer's organization, oldest first.
pub async fn entries(
    services: &Services,
    viewer: &Viewer,
    filter: &AuditFilter,
) -> AppResult<Vec<AuditEntry>> {
    viewer.require(Permission::ReadAuditLog)?;
    if filter.limit == 0 || filter.limit > 1000 {
        return Err(AppError::validation("first must be between 1 and 1000"));
    }
    let mut query = audit_log::Entity::find()
        .filter(audit_log::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_asc(audit_log::Column::Seq)
        .limit(filter.limit);
    if let Some(entity) = &filter.entity {
        query = query.filter(audit_log::Column::Entity.eq(entity.as_str()));
    }
    if let Some(id) = &filter.entity_id {
        query = query.filter(audit_log::Column::EntityId.eq(id.as_str()));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_log::Column::Actor.eq(actor.as_str()));
    }
    if let Some(since) = filter.since {
        // Times are stored as fixed-width UTC RFC 3339 text, so text order is time order.
        let bound = since.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        query = query.filter(audit_log::Column::At.gte(bound));
    }
    if let Some(after) = filter.after_seq {
        query = query.filter(audit_log::Column::Seq.gt(after));
    }
    Ok(query
        .all(&services.db)
        .await?
        .into_iter()
        .map(AuditEntry::from)
        .collect())
}

/// Verifies the viewer's organization's chain (admins).
pub async fn verify_own(services: &Services, viewer: &Viewer) -> AppResult<Verification> {
    viewer.require(Permission::VerifyAudit)?;
    verify(&services.db, &services.audit, viewer.organization_id()?).await
}
