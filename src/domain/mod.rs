//! Use cases and rules, one module per feature. Knows neither actix nor async-graphql; the HTTP API,
//! the CLI and the scheduler all call these same functions.

//!
//! Layout: [`kernel`] holds what every feature shares (the viewer and its permissions, input
//! validation, the audited write path, the clock, vocabularies); every other module is one feature,
//! mirrored by `src/graphql/<feature>/` and `tests/api/<feature>.rs` where it has an API.

pub mod kernel;

pub mod account;
pub mod approvals;
pub mod artifacts;
pub mod audit;
pub mod catalog;
pub mod controls;
pub mod crosswalk;
pub mod datasets;
pub mod delivery;
pub mod demo;
pub mod governance;
pub mod incidents;
pub mod interchange;
pub mod internal_audits;
pub mod inventory;
pub mod library;
pub mod metrics;
pub mod notifications;
pub mod people;
pub mod policies;
pub mod raci;
pub mod reports;
pub mod reviews;
pub mod risks;

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
    pub clock: kernel::clock::Clock,
    /// Per-organization crosswalk and coverage, kept current by the audit sequence.
    pub read_model: Arc<crosswalk::read_model::ReadModel>,
    /// What building report runs and their emails needs from the configuration.
    pub delivery: Arc<delivery::Settings>,
}

impl Services {
    /// Catalogs are public when configured so; otherwise any role may read them.
    pub fn authorize_catalog_read(
        &self,
        viewer: &kernel::viewer::Viewer,
    ) -> crate::error::AppResult<()> {
        if self.public_catalog {
            return Ok(());
        }
        viewer.require(kernel::access::Permission::ReadCrosswalk)
    }
}
