//! The tamper-evident audit log. Every mutation of an organization's records appends an entry in
//! the same transaction: actor, action, entity, id, before and after (JSON), time, and a SHA-256
//! hash chained to the previous entry of the organization. A chain alone cannot reveal a
//! truncated tail, so after each audited commit the chain head is written, HMAC-signed, to a
//! checkpoint file outside the database ([`checkpoint`]); [`verify`] checks both.

mod chain;
pub mod checkpoint;
pub mod query;
pub mod verify;

pub use chain::{GENESIS, entry_hash, record};
pub use checkpoint::Checkpoints;

use sea_orm::DatabaseTransaction;
use serde::Serialize;
use serde_json::Value;

use super::Services;
use crate::error::{AppError, AppResult};

/// A record's state as stored in the log.
pub fn snapshot<T: Serialize>(value: &T) -> AppResult<Value> {
    serde_json::to_value(value).map_err(AppError::internal)
}

/// Commits an audited transaction, then checkpoints the organization's chain head.
/// A failed checkpoint write is logged, not returned: the data is already committed.
pub async fn commit(
    services: &Services,
    txn: DatabaseTransaction,
    organization_id: i32,
) -> AppResult<()> {
    txn.commit().await?;
    if let Err(err) = services
        .audit
        .write_latest(&services.db, organization_id)
        .await
    {
        tracing::error!(organization_id, error = %err, "writing the audit checkpoint failed");
    }
    Ok(())
}
