//! Catalog queries: frameworks and their requirements (global, read-only).

mod query;
mod types;

pub use query::CatalogQuery;
