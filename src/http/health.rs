//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers and
//! every migration is applied) for load balancers and orchestrators.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::AppState;
use crate::db;

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let database = &state.services.db;
    let reachable = database.ping().await.is_ok();
    let migrated = reachable && db::migrations_applied(database).await.unwrap_or(false);
    let body = json!({
        "status": if migrated { "ready" } else { "not_ready" },
        "database": { "backend": db::backend_name(database), "reachable": reachable },
        "migrations": if migrated { "applied" } else { "pending" },
        "frameworks": state.services.catalog.frameworks().len(),
    });
    if migrated {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
