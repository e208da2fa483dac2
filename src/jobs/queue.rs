//! The job table: enqueue (idempotent by a dedupe key), claim with a lease, and settle.

use chrono::{DateTime, Duration, Utc};
use entity::job;
use sea_orm::sea_query::{ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use serde_json::Value;

use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// Where a job is: waiting (`queued`, possibly for a later `run_at`), claimed (`running`,
    /// under a lease), finished (`done`) or given up (`failed`).
    pub enum JobStatus {
        Queued => "queued",
        Running => "running",
        Done => "done",
        Failed => "failed",
    }
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: Value,
    /// The same key enqueues once: the work it names is already queued or done.
    pub dedupe_key: String,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i32,
}

/// A job this instance holds the lease of.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: i32,
    pub kind: String,
    pub payload: Value,
    /// This run's number, from 1.
    pub attempt: i32,
    pub max_attempts: i32,
}

/// Enqueues `job` inside the caller's transaction; false when its dedupe key already exists.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    job: NewJob,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let row = job::ActiveModel {
        kind: Set(job.kind.to_string()),
        payload: Set(job.payload.to_string()),
        dedupe_key: Set(job.dedupe_key),
        status: Set(JobStatus::Queued.as_str().into()),
        run_at: Set(job.run_at),
        lease_owner: Set(None),
        lease_until: Set(None),
        attempts: Set(0),
        max_attempts: Set(std::cmp::max(job.max_attempts, 1)),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let inserted = job::Entity::insert(row)
        .on_conflict(
            OnConflict::column(job::Column::DedupeKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await;
    match inserted {
        Ok(rows) => Ok(rows > 0),
        Err(DbErr::RecordNotInserted) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// Claimable now: queued and due, or running under a lease that has expired.
fn claimable(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(job::Column::Status.eq(JobStatus::Queued.as_str()))
                .add(job::Column::RunAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(job::Column::Status.eq(JobStatus::Running.as_str()))
                .add(job::Column::LeaseUntil.lt(now)),
        )
}

/// Claims the next ready job for `owner` until `now + lease`, if any.
pub async fn claim(
    db: &DatabaseConnection,
    owner: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> AppResult<Option<ClaimedJob>> {
    let id = match db.get_database_backend() {
        DatabaseBackend::Postgres => claim_postgres(db, owner, now, lease).await?,
        _ => claim_compare_and_set(db, owner, now, lease).await?,
    };
    let Some(id) = id else {
        return Ok(None);
    };
    let row = job::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("claimed job {id} vanished")))?;
    Ok(Some(ClaimedJob {
        id: row.id,
        kind: row.kind,
        payload: serde_json::from_str(&row.payload).map_err(AppError::internal)?,
        attempt: row.attempts,
        max_attempts: row.max_attempts,
    }))
}

/// PostgreSQL: one statement; rows other instances are claiming are skipped, not waited for.
async fn claim_postgres(
    db: &DatabaseConnection,
    owner: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> AppResult<Option<i32>> {
    let statement = Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        r#"UPDATE job SET status = 'running', lease_owner = $1, lease_until = $2,
               attempts = attempts + 1, updated_at = $3
           WHERE id = (
               SELECT id FROM job
               WHERE (status = 'queued' AND run_at <= $3)
                  OR (status = 'running' AND lease_until < $3)
               ORDER BY run_at, id
               LIMIT 1
               FOR UPDATE SKIP LOCKED)
           RETURNING id"#,
        [owner.into(), (now + lease).into(), now.into()],
    );
    let row = db.query_one_raw(statement).await?;
    Ok(row.map(|r| r.try_get::<i32>("", "id")).transpose()?)
}

/// SQLite (one writer at a time): pick a candidate, then take it only if it is still claimable.
/// Losing the race to another instance just means trying the next candidate.
async fn claim_compare_and_set(
    db: &DatabaseConnection,
    owner: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> AppResult<Option<i32>> {
    let candidates: Vec<i32> = job::Entity::find()
        .select_only()
        .column(job::Column::Id)
        .filter(claimable(now))
        .order_by_asc(job::Column::RunAt)
        .order_by_asc(job::Column::Id)
        .limit(8)
        .into_tuple()
        .all(db)
        .await?;
    for id in candidates {
        let taken = job::Entity::update_many()
            .col_expr(job::Column::Status, JobStatus::Running.as_str().into())
            .col_expr(job::Column::LeaseOwner, Some(owner.to_string()).into())
            .col_expr(job::Column::LeaseUntil, Some(now + lease).into())
            .col_expr(
                job::Column::Attempts,
                sea_orm::sea_query::Expr::col(job::Column::Attempts).add(1),
            )
            .col_expr(job::Column::UpdatedAt, now.into())
            .filter(job::Column::Id.eq(id))
            .filter(claimable(now))
            .exec(db)
            .await?;
        if taken.rows_affected == 1 {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// Records how a run ended; only the lease holder may (a job whose lease expired and was
/// claimed elsewhere is no longer this runner's to settle).
pub async fn settle(
    db: &DatabaseConnection,
    job: &ClaimedJob,
    owner: &str,
    outcome: &super::JobOutcome,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    use super::JobOutcome;
    let (status, run_at, error) = match outcome {
        JobOutcome::Done => (JobStatus::Done, None, None),
        JobOutcome::RetryAt(_, error) if job.attempt >= job.max_attempts => {
            (JobStatus::Failed, None, Some(error.clone()))
        }
        JobOutcome::RetryAt(at, error) => (JobStatus::Queued, Some(*at), Some(error.clone())),
        JobOutcome::Failed(error) => (JobStatus::Failed, None, Some(error.clone())),
    };
    let mut update = job::Entity::update_many()
        .col_expr(job::Column::Status, status.as_str().into())
        .col_expr(job::Column::LeaseOwner, Option::<String>::None.into())
        .col_expr(
            job::Column::LeaseUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .col_expr(job::Column::LastError, error.into())
        .col_expr(job::Column::UpdatedAt, now.into());
    if let Some(at) = run_at {
        update = update.col_expr(job::Column::RunAt, at.into());
    }
    let settled = update
        .filter(job::Column::Id.eq(job.id))
        .filter(job::Column::LeaseOwner.eq(owner))
        .filter(job::Column::Status.eq(JobStatus::Running.as_str()))
        .exec(db)
        .await?;
    Ok(settled.rows_affected == 1)
}

/// Gives a claimed job back without counting the attempt (stopped by shutdown before it
/// finished), so another instance runs it without waiting for the lease to expire.
pub async fn release(
    db: &DatabaseConnection,
    job: &ClaimedJob,
    owner: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    job::Entity::update_many()
        .col_expr(job::Column::Status, JobStatus::Queued.as_str().into())
        .col_expr(job::Column::LeaseOwner, Option::<String>::None.into())
        .col_expr(
            job::Column::LeaseUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .col_expr(
            job::Column::Attempts,
            sea_orm::sea_query::Expr::col(job::Column::Attempts).sub(1),
        )
        .col_expr(job::Column::UpdatedAt, now.into())
        .filter(job::Column::Id.eq(job.id))
        .filter(job::Column::LeaseOwner.eq(owner))
        .filter(job::Column::Status.eq(JobStatus::Running.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Jobs by status, for `accord jobs` and the operators' counters.
pub async fn counts(db: &DatabaseConnection) -> AppResult<Vec<(String, String, i64)>> {
    let rows: Vec<(String, String, i64)> = job::Entity::find()
        .select_only()
        .column(job::Column::Kind)
        .column(job::Column::Status)
        .column_as(job::Column::Id.count(), "n")
        .group_by(job::Column::Kind)
        .group_by(job::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}
