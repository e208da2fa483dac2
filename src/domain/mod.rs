//! Use cases and rules, one module per feature. Knows neither actix nor async-graphql; the HTTP API,
//! the CLI and the scheduler all call these same functions.

pub mod catalog;
pub mod organizations;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use catalog::CatalogSnapshot;

/// What every use case needs: the database and the read-only catalog snapshot.
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub catalog: Arc<CatalogSnapshot>,
}
