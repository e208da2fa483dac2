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

mod access;
mod approvals;
mod audit;
mod auth;
mod catalog;
mod cli;
mod clock;
mod coverage;
mod crosswalk;
mod errors;
mod graphiql;
mod hardening;
mod health;
mod helpers;
mod interchange;
mod limits;
mod read_model;
mod records;
mod reports;
mod risks;
mod schema;
