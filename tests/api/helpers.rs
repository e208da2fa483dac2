//! `TestApp`: the real server on port 0 with a fresh SQLite file or PostgreSQL database.

use std::sync::Once;

use accord::config::Config;
use accord::server::{RunningServer, StartOptions, start};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server URL (any existing database) tests create their databases from.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// True when the PostgreSQL leg can run; says once when it cannot.
pub fn postgres_configured() -> bool {
    static NOTICE: Once = Once::new();
    let configured = postgres_admin_url().is_some();
    if !configured {
        NOTICE.call_once(|| {
            eprintln!(
                "NOTICE: TEST_DATABASE_URL is not set: the PostgreSQL leg of the tests is skipped"
            );
        });
    }
    configured
}

/// A running server and what it needs to be cleaned up.
pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    pub config: Config,
    server: Option<RunningServer>,
    /// Kept so the directory lives as long as the server.
    _data_dir: tempfile::TempDir,
    postgres_database: Option<String>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// Starts a server after letting the test adjust the configuration.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config {
            listen: "127.0.0.1:0".into(),
            data_dir: data_dir.path().to_path_buf(),
            workers: 1,
            ..Config::default()
        };
        let postgres_database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let (url, name) = create_postgres_database().await;
                config.database_url = Some(url);
                Some(name)
            }
        };
        adjust(&mut config);
        let server = start(
            config.clone(),
            StartOptions {
                handle_signals: false,
            },
        )
        .await
        .expect("server starts");
        TestApp {
            base_url: format!("http://{}", server.local_addr),
            client: reqwest::Client::new(),
            config,
            server: Some(server),
            _data_dir: data_dir,
            postgres_database,
        }
    }

    /// The running server's services (database, catalog snapshot).
    pub fn services(&self) -> &accord::domain::Services {
        &self.server.as_ref().expect("server running").services
    }

    /// Stops the server and starts a new one on the same database and data directory.
    pub async fn restart(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop(true).await.expect("server stops");
        }
        let mut config = self.config.clone();
        config.listen = "127.0.0.1:0".into();
        let server = start(
            config,
            StartOptions {
                handle_signals: false,
            },
        )
        .await
        .expect("server restarts");
        self.base_url = format!("http://{}", server.local_addr);
        self.server = Some(server);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// POSTs a GraphQL request and returns the JSON body (asserting HTTP 200).
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), 200, "GraphQL over HTTP answers 200");
        response.json().await.expect("JSON body")
    }

    /// Creates an organization directly through the domain (as the host operator would).
    pub async fn create_org(&self, slug: &str) -> i32 {
        accord::domain::account::organizations::create(
            self.services(),
            &accord::domain::kernel::viewer::Viewer::Operator,
            slug,
            &format!("{slug} Inc."),
        )
        .await
        .expect("organization created")
        .id
    }

    /// Creates an organization and returns a token for its admin.
    pub async fn admin(&self, org: &str) -> String {
        self.create_org(org).await;
        self.token("alice", org, &["admin"])
    }

    /// Runs a GraphQL request as `token`, asserting it succeeded; returns `data`.
    pub async fn ok(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.graphql_as(token, query, variables).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// GETs a path as `token`; returns status and body text.
    pub async fn get_as(&self, token: &str, path: &str) -> (u16, String) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// POSTs a file body with a content type as `token`; returns status and JSON body.
    pub async fn post_file(
        &self,
        token: &str,
        path: &str,
        content_type: &str,
        body: String,
    ) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Mints an HS256 token with the server's own key material.
    pub fn token(&self, subject: &str, org: &str, roles: &[&str]) -> String {
        let keys = accord::auth::load_key_material(&self.config.auth, &self.config.data_dir)
            .expect("key material");
        let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
        accord::auth::issue_token(&self.config.auth, &keys, subject, org, &roles, 3600)
            .expect("token")
    }

    /// POSTs a GraphQL request with a bearer token; returns status and JSON body.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Runs the `accord` binary against this app's database and data directory; returns the
    /// exit code and stdout followed by stderr.
    pub fn cli(&self, args: &[&str]) -> (i32, String) {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(args)
            .arg("--data-dir")
            .arg(&self.config.data_dir)
            .env("DATABASE_URL", self.config.effective_database_url())
            .env_remove("RUST_LOG")
            .output()
            .expect("accord runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.code().unwrap_or(-1), text)
    }

    /// Counts rows of a table directly in the database.
    pub async fn count_rows(&self, table: &str) -> i64 {
        let db = &self.services().db;
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("count row");
        row.try_get::<i64>("", "n").expect("count value")
    }

    /// Stops the server and drops the PostgreSQL database.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop(true).await.expect("server stops");
        }
        if let Some(name) = self.postgres_database.take() {
            drop_postgres_database(&name).await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A failed test never reaches `stop`; drop its PostgreSQL database on a runtime of our own.
        if let Some(name) = self.postgres_database.take() {
            let _ = std::thread::spawn(move || {
                if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    runtime.block_on(drop_postgres_database(&name));
                }
            })
            .join();
        }
    }
}

/// The first error code of a GraphQL response body.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error code in {body}"))
}

fn database_url(admin: &str, name: &str) -> String {
    let without_query = admin.split('?').next().unwrap_or(admin);
    let base = without_query
        .rsplit_once('/')
        .map_or(without_query, |(base, _)| base);
    format!("{base}/{name}")
}

pub async fn create_postgres_database() -> (String, String) {
    let admin = postgres_admin_url().expect("TEST_DATABASE_URL");
    let name = format!("accord_test_{:016x}", rand::random::<u64>());
    let connection = Database::connect(&admin)
        .await
        .expect("connect to PostgreSQL");
    connection
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    connection.close().await.ok();
    (database_url(&admin, &name), name)
}

pub async fn drop_postgres_database(name: &str) {
    let Some(admin) = postgres_admin_url() else {
        return;
    };
    if let Ok(connection) = Database::connect(&admin).await {
        let _ = connection
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
        connection.close().await.ok();
    }
}
