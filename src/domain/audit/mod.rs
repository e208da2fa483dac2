//! The tamper-evident audit log. Every mutation of an organization's records appends an entry in
//! the same transaction: actor, action, entity, id, before and after (JSON), time, and a SHA-256
//! hash chained to the previous entry of the organization. A chain alone cannot reveal a
//! truncated tail, so after each audited commit the chain head is written, HMAC-signed, to a
//! checkpoint file outside the database ([`checkpoint`]); [`verify`] checks both.

mod chain;
pub mod checkpoint;
pub mod query;
pub mod verify;

pub(in crate::domain) use chain::append;
pub use chain::{Event, GENESIS, entry_hash};
pub use checkpoint::Checkpoints;

use super::Services;

/// Writes the organization's chain head, signed, outside the database after a commit.
/// A failure is logged, not returned: the data is already committed.
pub(in crate::domain) async fn checkpoint(services: &Services, organization_id: i32) {
    if let Err(err) = services
        .audit
        .write_latest(&services.db, organization_id)
        .await
    {
        tracing::error!(organization_id, error = %err, "writing the audit checkpoint failed");
    }
}
