//! Reading the audit log (admins and auditors) and verifying it (admins).

use entity::audit_log;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::verify::{Verification, verify};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
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

/// One page of entries, with the size of the whole filtered log.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Entries matching the filter, on every page.
    pub total: u64,
    /// Whether entries follow this page.
    pub has_more: bool,
}

/// Entries of the viewer's organization, oldest first, `limit` after `after_seq`.
pub async fn entries(
    services: &Services,
    viewer: &Viewer,
    filter: &AuditFilter,
) -> AppResult<AuditPage> {
    viewer.require(Permission::ReadAuditLog)?;
    if filter.limit == 0 || filter.limit > 1000 {
        return Err(AppError::rule(
            "first",
            "page_size_range",
            "first must be between 1 and 1000",
        ));
    }
    let mut query = audit_log::Entity::find()
        .filter(audit_log::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_asc(audit_log::Column::Seq);
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
    let total = query.clone().count(&services.db).await?;
    if let Some(after) = filter.after_seq {
        query = query.filter(audit_log::Column::Seq.gt(after));
    }
    // One row beyond the page says whether another page follows.
    let mut rows = query.limit(filter.limit + 1).all(&services.db).await?;
    let has_more = rows.len() as u64 > filter.limit;
    rows.truncate(filter.limit as usize);
    Ok(AuditPage {
        entries: rows.into_iter().map(AuditEntry::from).collect(),
        total,
        has_more,
    })
}

/// Verifies the viewer's organization's chain (admins).
pub async fn verify_own(services: &Services, viewer: &Viewer) -> AppResult<Verification> {
    viewer.require(Permission::VerifyAudit)?;
    verify(&services.db, &services.audit, viewer.organization_id()?).await
}
