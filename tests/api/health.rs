//! Liveness, readiness and the SQLite settings behind durability.

use accord::config::Config;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;

use crate::helpers::{Backend, TestApp};

backend_tests!(health_and_readiness_answer);

async fn health_and_readiness_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let health = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(health.status(), 200);
    let ready = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.expect("json");
    assert_eq!(body["migrations"], "applied");
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(body["database"]["backend"], expected);
    assert_eq!(body["frameworks"], 3);
    let graphiql = app
        .client
        .get(app.url("/graphiql"))
        .send()
        .await
        .expect("sent");
    assert_eq!(graphiql.status(), 200);
    // The page gets its own policy (its own assets, calls to this server), not the API's 'none',
    // and it names no third-party origin.
    let policy = graphiql.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_string();
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(!policy.contains("https:"), "{policy}");
    assert!(!policy.contains("unsafe-eval"));
    let script = app
        .client
        .get(app.url("/graphiql.js"))
        .send()
        .await
        .expect("sent");
    assert_eq!(script.status(), 200);
    app.stop().await;
}

async fn pragma(connection: &sea_orm::DatabaseConnection, name: &str) -> String {
    let row = connection
        .query_one_raw(Statement::from_string(
            connection.get_database_backend(),
            format!("PRAGMA {name}"),
        ))
        .await
        .expect("pragma query")
        .expect("pragma row");
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
        .expect("pragma value")
}

/// The embedded database runs in WAL mode with synchronous=FULL and foreign keys on, on every
/// pooled connection, so an acknowledged commit survives a crash.
#[tokio::test]
async fn sqlite_connections_use_wal_full_sync_and_foreign_keys() {
    let dir = tempfile::tempdir().expect("dir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let connection = accord::db::connect(&config).await.expect("connect");
    assert_eq!(pragma(&connection, "journal_mode").await, "wal");
    assert_eq!(pragma(&connection, "synchronous").await, "2", "2 = FULL");
    assert_eq!(pragma(&connection, "foreign_keys").await, "1");
    connection.close().await.expect("close");
}

/// Several instances starting at once on one empty PostgreSQL database all come up: migrations
/// run one at a time under an advisory lock and the catalogs load once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_starting_together_share_one_postgres() {
    if !crate::helpers::postgres_configured() {
        return;
    }
    let (url, name) = crate::helpers::create_postgres_database().await;
    let starts: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move {
                let dir = tempfile::tempdir().expect("dir");
                let config = Config {
                    data_dir: dir.path().to_path_buf(),
                    database_url: Some(url),
                    ..Config::default()
                };
                let services = accord::server::prepare(&config).await?;
                let count = services.catalog.frameworks().len();
                services.db.close().await.ok();
                anyhow::Ok(count)
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for start in starts {
        outcomes.push(start.await.expect("joined").map_err(|e| e.to_string()));
    }
    crate::helpers::drop_postgres_database(&name).await;
    for outcome in outcomes {
        assert_eq!(
            outcome,
            Ok(3),
            "every instance starts with one copy of each catalog"
        );
    }
}
