//! The per-organization crosswalk read model: the organization's direct mappings and control
//! edges, and its coverage per framework, built once and reused until something changes.
//!
//! "Something changed" is read from the organization's audit head: every write goes through the
//! audited-write path, which advances `audit_head.seq` in the same transaction, so one primary-key
//! read per request tells whether the model is current, on this instance or after a write on any
//! other instance sharing the database. The sequence is read *before* the data is loaded, so a
//! model is never older than the sequence it is filed under.
//!
//! Coverage also depends on time (evidence becomes current or expires, a monitored control's
//! metric goes stale), so a cached coverage result carries the instant it stops being true: the
//! earliest future `collected_at` or `valid_until` of the organization's evidence, or staleness of
//! a monitoring series, as of the injected clock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use entity::{audit_head, evidence};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::domain::Services;
use crate::domain::crosswalk::coverage::RequirementCoverage;
use crate::domain::crosswalk::{Answer, ControlEdge, DirectMapping};
use crate::error::AppResult;

/// One organization's model at one audit sequence.
pub struct OrgModel {
    pub seq: i64,
    pub direct: Vec<DirectMapping>,
    pub edges: Vec<ControlEdge>,
    coverage: Mutex<HashMap<i32, CachedCoverage>>,
    /// Every answer of a framework pair, by `(from, to, via direct, via controls)`.
    answers: Mutex<HashMap<PairKey, Arc<Vec<Arc<Answer>>>>>,
    /// Finished API responses that depend only on this model and the immutable catalogs, by a
    /// hash of the request (see `crate::http::response_cache`); dropped with the model when the
    /// organization's audit sequence moves.
    responses: Mutex<HashMap<u64, Arc<[u8]>>>,
}

/// Responses kept per organization model; beyond it new ones are not kept.
const MAX_RESPONSES: usize = 256;
/// Largest response kept.
const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// `(from framework, to framework, via direct, via controls)`.
pub type PairKey = (i32, i32, bool, bool);

#[derive(Clone)]
struct CachedCoverage {
    /// When the result stops being true because evidence starts or stops counting.
    until: Option<DateTime<Utc>>,
    requirements: Arc<Vec<RequirementCoverage>>,
}

/// Every organization's current model, shared by the instance's workers.
#[derive(Default)]
pub struct ReadModel {
    orgs: RwLock<HashMap<i32, Arc<OrgModel>>>,
}

impl ReadModel {
    /// The organization's model, rebuilt when its audit sequence has moved.
    pub async fn organization(
        &self,
        services: &Services,
        organization_id: i32,
    ) -> AppResult<Arc<OrgModel>> {
        let seq = current_seq(services, organization_id).await?;
        if let Some(model) = self.cached(organization_id, seq) {
            return Ok(model);
        }
        let model = Arc::new(OrgModel {
            seq,
            direct: crate::domain::crosswalk::direct::all(&services.db, organization_id).await?,
            edges: crate::domain::crosswalk::control_edges(services, organization_id).await?,
            coverage: Mutex::new(HashMap::new()),
            answers: Mutex::new(HashMap::new()),
            responses: Mutex::new(HashMap::new()),
        });
        if let Ok(mut orgs) = self.orgs.write() {
            // Two requests may build at once; keep the newer.
            let keep = orgs.get(&organization_id).is_some_and(|m| m.seq > seq);
            if !keep {
                orgs.insert(organization_id, model.clone());
            }
        }
        Ok(model)
    }

    fn cached(&self, organization_id: i32, seq: i64) -> Option<Arc<OrgModel>> {
        let orgs = self.orgs.read().ok()?;
        orgs.get(&organization_id)
            .filter(|model| model.seq == seq)
            .cloned()
    }
}

impl OrgModel {
    /// A response kept for the request hash `key`.
    pub fn response(&self, key: u64) -> Option<Arc<[u8]>> {
        self.responses.lock().ok()?.get(&key).cloned()
    }

    /// Keeps a response for `key`, within the cache's bounds.
    pub fn keep_response(&self, key: u64, body: Arc<[u8]>) {
        if body.len() > MAX_RESPONSE_BYTES {
            return;
        }
        if let Ok(mut responses) = self.responses.lock()
            && (responses.len() < MAX_RESPONSES || responses.contains_key(&key))
        {
            responses.insert(key, body);
        }
    }

    /// Every answer of a framework pair, computed by `compute` once per model.
    pub fn pair_answers(
        &self,
        key: PairKey,
        compute: impl FnOnce() -> Vec<Answer>,
    ) -> Arc<Vec<Arc<Answer>>> {
        if let Some(hit) = self.answers.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hit;
        }
        // Each answer is shared, so a request takes its page without copying paths and texts.
        let answers = Arc::new(compute().into_iter().map(Arc::new).collect::<Vec<_>>());
        if let Ok(mut cache) = self.answers.lock() {
            cache.insert(key, answers.clone());
        }
        answers
    }

    /// The coverage of a framework, computed by `compute` on a miss or once evidence timing has
    /// changed what counts.
    pub async fn coverage<F, Fut>(
        &self,
        services: &Services,
        organization_id: i32,
        framework_id: i32,
        compute: F,
    ) -> AppResult<Arc<Vec<RequirementCoverage>>>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = AppResult<Vec<RequirementCoverage>>>,
    {
        let now = services.clock.now();
        let hit = self.coverage.lock().ok().and_then(|cache| {
            cache
                .get(&framework_id)
                .filter(|c| c.until.is_none_or(|until| now < until))
                .map(|c| c.requirements.clone())
        });
        if let Some(requirements) = hit {
            return Ok(requirements);
        }
        let until = next_evidence_change(services, organization_id, now).await?;
        let requirements = Arc::new(compute().await?);
        if let Ok(mut cache) = self.coverage.lock() {
            cache.insert(
                framework_id,
                CachedCoverage {
                    until,
                    requirements: requirements.clone(),
                },
            );
        }
        Ok(requirements)
    }
}

async fn current_seq(services: &Services, organization_id: i32) -> AppResult<i64> {
    Ok(audit_head::Entity::find_by_id(organization_id)
        .one(&services.db)
        .await?
        .map_or(0, |head| head.seq))
}

/// The earliest instant after `now` at which some evidence of the organization starts or stops
/// being current, or a monitored control's metric goes stale.
async fn next_evidence_change(
    services: &Services,
    organization_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    let starts = earliest_after(
        services,
        organization_id,
        evidence::Column::CollectedAt,
        now,
    )
    .await?;
    let ends = earliest_after(services, organization_id, evidence::Column::ValidUntil, now).await?;
    // A monitored control's metric going stale changes coverage too.
    let stale = crate::domain::metrics::monitoring::controls(&services.db, organization_id, now)
        .await?
        .next_change;
    Ok([starts, ends, stale].into_iter().flatten().min())
}

/// The smallest value of an evidence time column that lies after `now`.
async fn earliest_after(
    services: &Services,
    organization_id: i32,
    column: evidence::Column,
    now: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    Ok(evidence::Entity::find()
        .select_only()
        .column_as(column.min(), "next")
        .filter(evidence::Column::OrganizationId.eq(organization_id))
        .filter(column.gt(now))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(&services.db)
        .await?
        .flatten())
}
