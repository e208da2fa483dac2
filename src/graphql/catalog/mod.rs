//! Catalog queries: frameworks and their requirements (global, read-only).

mod query;
pub mod types;

pub use query::CatalogQuery;
