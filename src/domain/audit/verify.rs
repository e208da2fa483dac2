//! Recomputes an organization's chain and compares it with the latest signed checkpoint,
//! reporting the first broken link.

use entity::audit_log;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::chain::{GENESIS, entry_hash};
use super::checkpoint::{Checkpoint, Checkpoints};
use crate::error::AppResult;

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub organization_id: i32,
    pub entries: usize,
    pub checkpoint_seq: Option<i64>,
    /// `None` when the chain and checkpoint agree.
    pub problem: Option<Problem>,
}

/// The first thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The sequence number where the chain breaks (or where the checkpoint expects an entry).
    pub seq: i64,
    pub reason: String,
}

/// Verifies one organization's chain against its latest checkpoint file.
pub async fn verify(
    db: &DatabaseConnection,
    checkpoints: &Checkpoints,
    organization_id: i32,
) -> AppResult<Verification> {
    let checkpoint = checkpoints.latest(organization_id)?;
    verify_against(db, checkpoints, organization_id, checkpoint).await
}

/// Verifies one organization's chain against a given checkpoint (e.g. one printed in a board
/// report and kept apart from the server), or the chain alone when there is none.
pub async fn verify_against(
    db: &DatabaseConnection,
    checkpoints: &Checkpoints,
    organization_id: i32,
    checkpoint: Option<Checkpoint>,
) -> AppResult<Verification> {
    if let Some(c) = &checkpoint
        && c.organization_id != organization_id
    {
        return Err(crate::error::AppError::validation(format!(
            "the checkpoint is of organization {}, not {organization_id}",
            c.organization_id
        )));
    }
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::OrganizationId.eq(organization_id))
        .order_by_asc(audit_log::Column::Seq)
        .all(db)
        .await?;
    let mut report = Verification {
        organization_id,
        entries: entries.len(),
        checkpoint_seq: checkpoint.as_ref().map(|c| c.seq),
        problem: None,
    };
    let fail = |seq: i64, reason: String| Some(Problem { seq, reason });
    let mut prev_hash = GENESIS.to_string();
    for (expected_seq, entry) in (1_i64..).zip(entries.iter()) {
        if entry.seq != expected_seq {
            report.problem = fail(
                expected_seq,
                format!(
                    "entry {expected_seq} is missing (next entry is {})",
                    entry.seq
                ),
            );
            return Ok(report);
        }
        if entry.prev_hash != prev_hash {
            report.problem = fail(
                entry.seq,
                format!("entry {} does not link to the entry before it", entry.seq),
            );
            return Ok(report);
        }
        let recomputed = entry_hash(
            entry.organization_id,
            entry.seq,
            &entry.prev_hash,
            &entry.actor,
            &entry.action,
            &entry.entity,
            &entry.entity_id,
            entry.before.as_deref(),
            entry.after.as_deref(),
            &entry.at,
        );
        if recomputed != entry.hash {
            report.problem = fail(
                entry.seq,
                format!(
                    "entry {} was altered (its hash does not match its content)",
                    entry.seq
                ),
            );
            return Ok(report);
        }
        prev_hash = entry.hash.clone();
    }
    if let Some(checkpoint) = checkpoint {
        if !checkpoints.is_authentic(&checkpoint)? {
            report.problem = fail(
                checkpoint.seq,
                "the checkpoint's signature is invalid (checkpoint tampered)".into(),
            );
            return Ok(report);
        }
        let last = entries.last().map_or(0, |e| e.seq);
        match entries.iter().find(|e| e.seq == checkpoint.seq) {
            None => {
                report.problem = fail(
                    checkpoint.seq,
                    format!(
                        "the chain ends at entry {last} but the checkpoint recorded entry {}: the newest entries were deleted",
                        checkpoint.seq
                    ),
                );
            }
            Some(entry) if entry.hash != checkpoint.hash => {
                report.problem = fail(
                    checkpoint.seq,
                    format!(
                        "entry {} differs from the checkpointed chain head",
                        checkpoint.seq
                    ),
                );
            }
            Some(_) => {}
        }
    }
    Ok(report)
}
