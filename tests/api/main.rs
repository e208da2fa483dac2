//! Accord's integration tests: one binary, one module per feature. Every test starts the real
//! server on port 0 with a fresh database and talks to it over HTTP.
//!
//! Each backend test runs twice: on SQLite always, and on PostgreSQL when `TEST_DATABASE_URL`
//! names a server database the tests may create databases from (the PostgreSQL leg is skipped,
//! with a notice, when it is unset).

/// Generates `sqlite::NAME` and `postgres::NAME` tests for each `async fn NAME(backend: Backend)`.
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::helpers::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if crate::helpers::postgres_configured() {
                        super::$name(crate::helpers::Backend::Postgres).await;
                    }
                }
            )*
        }
    };
}

// Harness: the server under test, and records several features start from.
mod fixtures;
mod helpers;
mod smtp;

// One module per feature, mirroring `src/domain/<feature>` and `src/graphql/<feature>`.
mod approvals;
mod artifacts;
mod audit;
mod audits;
mod catalog;
mod controls;
mod crosswalk;
mod datasets;
mod delivery;
mod governance;
mod incidents;
mod interchange;
mod inventory;
pub mod metrics;
mod policies;
mod raci;
mod reports;
mod reviews;
mod risks;

// Cross-cutting behaviour: authentication and roles, limits and errors, the clock, the CLI, the
// schema, health and GraphiQL.
mod access;
mod auth;
mod cli;
mod clock;
mod connections;
mod errors;
mod graphiql;
mod hardening;
mod health;
mod layers;
mod limits;
mod schema;
