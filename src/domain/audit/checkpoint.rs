//! Signed checkpoints of each organization's chain head, kept outside the database (a file per
//! organization under the data directory): `verify` compares the chain with the latest one, which
//! is how a deleted tail is detected.

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::SecondsFormat;
use entity::audit_head;
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{AppError, AppResult};

/// One signed chain head.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Checkpoint {
    pub organization_id: i32,
    pub seq: i64,
    pub hash: String,
    pub at: String,
    /// HMAC-SHA256 over `organization_id|seq|hash|at`, hex.
    pub mac: String,
}

/// Where checkpoints live and the key that signs them.
pub struct Checkpoints {
    dir: PathBuf,
    key: Vec<u8>,
    /// Serializes writers in this process so a checkpoint never goes backwards.
    lock: Mutex<()>,
    clock: crate::domain::kernel::clock::Clock,
}

impl Checkpoints {
    pub fn new(dir: PathBuf, key: Vec<u8>, clock: crate::domain::kernel::clock::Clock) -> Self {
        Checkpoints {
            dir,
            key,
            lock: Mutex::new(()),
            clock,
        }
    }

    fn path(&self, organization_id: i32) -> PathBuf {
        self.dir.join(format!("org-{organization_id}.json"))
    }

    fn mac(&self, organization_id: i32, seq: i64, hash: &str, at: &str) -> AppResult<String> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))?;
        mac.update(format!("{organization_id}|{seq}|{hash}|{at}").as_bytes());
        Ok(hex::encode(mac.finalize().into_bytes()))
    }

    /// The latest checkpoint of an organization, if one was written.
    pub fn latest(&self, organization_id: i32) -> AppResult<Option<Checkpoint>> {
        match std::fs::read_to_string(self.path(organization_id)) {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
                AppError::internal(anyhow::anyhow!("checkpoint file is unreadable: {e}"))
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(AppError::internal(err)),
        }
    }

    /// True when the checkpoint's signature is ours.
    pub fn is_authentic(&self, checkpoint: &Checkpoint) -> AppResult<bool> {
        let expected = self.mac(
            checkpoint.organization_id,
            checkpoint.seq,
            &checkpoint.hash,
            &checkpoint.at,
        )?;
        Ok(expected == checkpoint.mac)
    }

    /// Writes the organization's current chain head (atomically: temp file, fsync, rename).
    pub async fn write_latest(
        &self,
        db: &DatabaseConnection,
        organization_id: i32,
    ) -> AppResult<()> {
        let Some(head) = audit_head::Entity::find_by_id(organization_id)
            .one(db)
            .await?
        else {
            return Ok(());
        };
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        if self
            .latest(organization_id)
            .ok()
            .flatten()
            .is_some_and(|c| c.seq >= head.seq)
        {
            return Ok(());
        }
        let at = self.clock.now().to_rfc3339_opts(SecondsFormat::Secs, true);
        let checkpoint = Checkpoint {
            organization_id,
            seq: head.seq,
            mac: self.mac(organization_id, head.seq, &head.hash, &at)?,
            hash: head.hash,
            at,
        };
        std::fs::create_dir_all(&self.dir).map_err(AppError::internal)?;
        let path = self.path(organization_id);
        let temp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(&checkpoint).map_err(AppError::internal)?;
        {
            use std::io::Write;
            let mut file = std::fs::File::create(&temp).map_err(AppError::internal)?;
            file.write_all(text.as_bytes())
                .map_err(AppError::internal)?;
            file.sync_all().map_err(AppError::internal)?;
        }
        std::fs::rename(&temp, &path).map_err(AppError::internal)?;
        Ok(())
    }
}
