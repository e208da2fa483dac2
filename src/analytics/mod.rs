//! Aggregations for reports and dashboards, with polars lazy frames. Pure functions over plain
//! rows: no I/O, no database, no knowledge of HTTP or GraphQL. The domain gathers the rows and
//! calls them through `domain::kernel::blocking::compute`, off the async workers.

pub mod counts;
pub mod heatmap;
pub mod incidents;
pub mod metrics;

pub use polars::error::{PolarsError, PolarsResult};
