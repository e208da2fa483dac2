//! Running CPU-bound work (the polars aggregations of [`crate::analytics`]) from async use cases.

use crate::analytics::PolarsResult;
use crate::error::{AppError, AppResult};

/// Runs an aggregation on tokio's blocking pool. Polars blocks on its own executor with
/// `block_in_place`, which panics on the current-thread runtimes actix workers use; off the
/// async workers it also cannot stall request handling while it crunches.
pub async fn compute<T, F>(aggregation: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> PolarsResult<T> + Send + 'static,
{
    tokio::task::spawn_blocking(aggregation)
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

/// Runs CPU-bound work that fails with the domain's errors (decoding stored metric chunks before
/// aggregating them) on tokio's blocking pool, for the same reasons as [`compute`].
pub async fn run<T, F>(work: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> AppResult<T> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(AppError::internal)?
}
