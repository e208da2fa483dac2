//! Framework catalogs: NIST CSF 2.0, NIST AI RMF 1.0 and ISO/IEC 42001:2023 (ids and headings only).
//!
//! Catalogs are global and read-only for organizations. They are embedded in the binary, loaded into
//! the database idempotently at start ([`loader`]), and served from an in-memory [`CatalogSnapshot`]
//! because they are small, immutable between loads, and read on nearly every request.

pub mod embedded;
pub mod loader;
mod snapshot;
pub mod urn;

pub use snapshot::{CatalogSnapshot, RequirementFilter, RequirementPage};

use serde::Serialize;

/// A framework at one version.
#[derive(Debug, Clone, Serialize)]
pub struct Framework {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub short_name: String,
    pub version: String,
    pub publisher: String,
    pub published: String,
    pub licence: String,
    pub source: String,
    pub requirement_count: usize,
}

/// One catalog row (function, category, subcategory, clause, Annex A control...).
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub id: i32,
    pub framework_id: i32,
    pub ref_id: String,
    pub urn: String,
    pub kind: String,
    pub parent_id: Option<i32>,
    pub title: String,
    pub text: String,
    pub examples: Vec<String>,
    pub ord: i32,
    pub depth: i32,
}
