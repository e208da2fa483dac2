//! Accord: an AI management system service (ISO/IEC 42001 in spirit) that unifies NIST CSF 2.0 and
//! NIST AI RMF 1.0 through one set of common controls.
//!
//! Crate map (data flows one way, top to bottom):
//! - [`cli`]: the `accord` command; parses arguments and calls the same use cases as the API.
//! - [`server`]: assembles configuration, database, catalogs, GraphQL schema and HTTP server.
//! - [`http`]: actix-web routes: GraphQL endpoint, GraphiQL, health and readiness.
//! - [`graphql`]: async-graphql schema; wraps domain types, maps domain errors to `extensions.code`.
//! - [`domain`]: use cases and rules; knows neither actix nor async-graphql.
//! - [`analytics`]: polars aggregations for reports (pure functions over rows).
//! - [`jobs`]: the background job queue (leases in the database) and its runner.
//! - [`mail`]: email messages and transports (SMTP with lettre, `.eml` files).
//! - [`auth`]: bearer JWT verification and API keys, producing the domain's `Viewer`.
//! - [`db`]: connecting to SQLite or PostgreSQL with the settings each needs, and migrations.
//! - [`config`]: defaults < `accord.toml` < `ACCORD_*` environment variables.
//! - [`error`]: the one error type of the domain, with stable codes.

pub mod analytics;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod error_code;
pub mod graphql;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod secrets;
pub mod server;
