//! Appending to the hash chain.

use chrono::{DateTime, SecondsFormat, Utc};
use entity::{audit_head, audit_log};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// The "previous hash" of an organization's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an entry: SHA-256 over a JSON array of every field in a fixed order.
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    organization_id: i32,
    seq: i64,
    prev_hash: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&str>,
    after: Option<&str>,
    at: &str,
) -> String {
    let canonical = serde_json::json!([
        organization_id,
        seq,
        prev_hash,
        actor,
        action,
        entity,
        entity_id,
        before,
        after,
        at
    ])
    .to_string();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// One entry to append; built by the audited-write path (`crate::domain::kernel::write`).
pub struct Event<'a> {
    pub organization_id: i32,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub at: DateTime<Utc>,
}

/// Appends one entry inside the caller's transaction and returns its sequence number.
/// The head row's UPDATE takes a row lock, so concurrent appenders of one organization queue.
pub(in crate::domain) async fn append<C: ConnectionTrait>(
    txn: &C,
    event: Event<'_>,
) -> AppResult<i64> {
    let Event {
        organization_id,
        actor,
        action,
        entity,
        entity_id,
        before,
        after,
        at,
    } = event;
    let advanced = audit_head::Entity::update_many()
        .col_expr(
            audit_head::Column::Seq,
            Expr::col(audit_head::Column::Seq).add(1),
        )
        .filter(audit_head::Column::OrganizationId.eq(organization_id))
        .exec(txn)
        .await?;
    if advanced.rows_affected == 0 {
        audit_head::ActiveModel {
            organization_id: Set(organization_id),
            seq: Set(1),
            hash: Set(GENESIS.to_string()),
        }
        .insert(txn)
        .await?;
    }
    let head = audit_head::Entity::find_by_id(organization_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("audit head vanished")))?;
    let seq = head.seq;
    let prev_hash = head.hash.clone();
    let before = before.map(|v| v.to_string());
    let after = after.map(|v| v.to_string());
    let at = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let hash = entry_hash(
        organization_id,
        seq,
        &prev_hash,
        actor,
        action,
        entity,
        &entity_id,
        before.as_deref(),
        after.as_deref(),
        &at,
    );
    audit_log::ActiveModel {
        organization_id: Set(organization_id),
        seq: Set(seq),
        actor: Set(actor.to_string()),
        action: Set(action.to_string()),
        entity: Set(entity.to_string()),
        entity_id: Set(entity_id),
        before: Set(before),
        after: Set(after),
        at: Set(at),
        prev_hash: Set(prev_hash),
        hash: Set(hash.clone()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let mut head: audit_head::ActiveModel = head.into();
    head.hash = Set(hash);
    head.update(txn).await?;
    Ok(seq)
}
