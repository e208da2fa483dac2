//! HTTP layer (actix-web): routes, the GraphQL endpoint, GraphiQL, health and readiness.

mod admission;
mod artifacts;
mod authn;
mod body;
mod graphiql;
mod graphql;
mod health;
mod interchange;
pub mod rate_limit;
mod reports;
pub mod response;
mod security;

use std::sync::Arc;

use actix_web::web;

use crate::auth::Authenticator;
use crate::config::Config;
use crate::domain::Services;
use crate::graphql::AccordSchema;

/// Shared, read-only state of every worker.
pub struct AppState {
    pub schema: AccordSchema,
    pub services: Services,
    pub config: Arc<Config>,
    pub authenticator: Authenticator,
    pub rate_limiter: rate_limit::RateLimiter,
}

pub use security::{cors, security_headers};

/// Registers every route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/graphql", web::post().to(graphql::post))
        .route("/graphql", web::get().to(graphql::get))
        .route("/graphiql", web::get().to(graphiql::page))
        .route("/graphiql.js", web::get().to(graphiql::script))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route(
            "/exports/crosswalk.csv",
            web::get().to(interchange::crosswalk_csv),
        )
        .route(
            "/exports/oscal/mapping.json",
            web::get().to(interchange::crosswalk_oscal),
        )
        .route(
            "/exports/oscal/catalog/{slug}",
            web::get().to(interchange::catalog_oscal),
        )
        .route(
            "/imports/crosswalk",
            web::post().to(interchange::crosswalk_import),
        )
        .route("/reports/{kind}", web::get().to(reports::download))
        .route("/uploads/artifact", web::post().to(artifacts::upload))
        .route("/artifacts/{id}/content", web::get().to(artifacts::content));
}
