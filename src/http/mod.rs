//! HTTP layer (actix-web): routes, the GraphQL endpoint, GraphiQL, health and readiness.

mod admission;
mod artifacts;
mod authn;
mod body;
mod graphiql;
mod graphql;
mod health;
mod interchange;
mod lineage;
mod methods;
mod metrics;
pub mod rate_limit;
mod reports;
pub mod response;
mod response_cache;
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

/// Registers every route. Each path answers the methods it serves; any other method gets
/// `405 METHOD_NOT_ALLOWED` with `Allow`, and `OPTIONS` gets `204` with `Allow` (a CORS preflight
/// from an allowed origin is answered by the CORS middleware before routing).
pub fn routes(cfg: &mut web::ServiceConfig) {
    use methods::{GET, GET_POST, POST, resource};
    cfg.service(
        resource("/graphql", GET_POST)
            .route(web::post().to(graphql::post))
            .route(web::get().to(graphql::get)),
    )
    .service(resource("/graphiql", GET).route(web::get().to(graphiql::page)))
    .service(resource("/graphiql.js", GET).route(web::get().to(graphiql::script)))
    .service(
        resource("/graphiql/assets/{version}/{file}", GET).route(web::get().to(graphiql::asset)),
    )
    .service(resource("/healthz", GET).route(web::get().to(health::healthz)))
    .service(resource("/readyz", GET).route(web::get().to(health::readyz)))
    .service(
        resource("/exports/crosswalk.csv", GET).route(web::get().to(interchange::crosswalk_csv)),
    )
    .service(
        resource("/exports/oscal/mapping.json", GET)
            .route(web::get().to(interchange::crosswalk_oscal)),
    )
    .service(
        resource("/exports/oscal/catalog/{slug}", GET)
            .route(web::get().to(interchange::catalog_oscal)),
    )
    .service(
        resource("/imports/crosswalk", POST).route(web::post().to(interchange::crosswalk_import)),
    )
    .service(resource("/ingest/metrics", POST).route(web::post().to(metrics::ingest)))
    .service(resource("/reports/{kind}", GET).route(web::get().to(reports::download)))
    .service(
        resource("/report-runs/{id}/{format}", GET).route(web::get().to(reports::stored_output)),
    )
    .service(resource("/uploads/artifact", POST).route(web::post().to(artifacts::upload)))
    .service(resource("/artifacts/{id}/content", GET).route(web::get().to(artifacts::content)))
    .service(resource("/lineage/{file}", GET).route(web::get().to(lineage::download)))
    .default_service(web::to(methods::not_found));
}
