//! Use cases and rules, one module per feature. Knows neither actix nor async-graphql; the HTTP API,
//! the CLI and the scheduler all call these same functions.

pub mod access;
pub mod analysis;
pub mod api_keys;
pub mod applicability;
pub mod approvals;
pub mod artifacts;
pub mod audit;
pub mod catalog;
pub mod clock;
pub mod controls;
pub mod coverage;
pub mod crosswalk;
pub mod demo;
pub mod evidence;
pub mod governance;
pub mod interchange;
pub mod inventory;
pub mod library;
pub mod organizations;
pub mod policies;
pub mod raci;
pub mod read_model;
pub mod relationship;
pub mod reports;
pub mod risks;
pub mod validate;
pub mod viewer;
pub mod write;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use catalog::CatalogSnapshot;

/// What every use case needs: the database and the read-only catalog snapshot.
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub catalog: Arc<CatalogSnapshot>,
    /// Whether unauthenticated callers may read the framework catalogs.
    pub public_catalog: bool,
    /// Signed checkpoints of the audit chains.
    pub audit: Arc<audit::Checkpoints>,
    /// The only source of the current time.
    pub clock: clock::Clock,
    /// Per-organization crosswalk and coverage, kept current by the audit sequence.
    pub read_model: Arc<read_model::ReadModel>,
}

impl Services {
    /// Catalogs are public when configured so; otherwise any role may read them.
    pub fn authorize_catalog_read(&self, viewer: &viewer::Viewer) -> crate::error::AppResult<()> {
        if self.public_catalog {
            return Ok(());
        }
        viewer.require(access::Permission::ReadCrosswalk)
    }
}
