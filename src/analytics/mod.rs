//! Aggregations for reports and dashboards, with polars lazy frames. Pure functions over plain
//! rows: no I/O, no database, no knowledge of HTTP or GraphQL. The domain gathers the rows and
//! calls them through [`compute`], off the async workers.

pub mod counts;
pub mod heatmap;

pub use polars::error::{PolarsError, PolarsResult};

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
