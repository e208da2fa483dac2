//! Accord's database migrations (sea-orm). Append-only once landed: change the schema with a new
//! migration, never by editing one that has shipped. Every migration must run on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261129_000001_catalogs;
mod m20261129_000002_api_keys;
mod m20261129_000003_controls;
mod m20261129_000004_audit_log;
mod m20261129_000005_inventory_governance;
mod m20261129_000006_policies_artifacts;
mod m20261129_000007_risks;
mod m20261202_000008_delivery;
mod m20261203_000009_metrics;
mod m20261203_000010_incident_response;
mod m20261204_000011_audits_reviews;
mod m20261205_000012_data_governance;
mod m20261206_000013_report_runs;

/// Runs every migration in order; `accord migrate` and `accord serve` both call it.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_catalogs::Migration),
            Box::new(m20261129_000002_api_keys::Migration),
            Box::new(m20261129_000003_controls::Migration),
            Box::new(m20261129_000004_audit_log::Migration),
            Box::new(m20261129_000005_inventory_governance::Migration),
            Box::new(m20261129_000006_policies_artifacts::Migration),
            Box::new(m20261129_000007_risks::Migration),
            Box::new(m20261202_000008_delivery::Migration),
            Box::new(m20261203_000009_metrics::Migration),
            Box::new(m20261203_000010_incident_response::Migration),
            Box::new(m20261204_000011_audits_reviews::Migration),
            Box::new(m20261205_000012_data_governance::Migration),
            Box::new(m20261206_000013_report_runs::Migration),
        ]
    }
}
