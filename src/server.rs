//! Assembles and runs the service: database (connected and migrated), catalogs (loaded), GraphQL
//! schema and HTTP server. `accord serve` and the integration tests start it the same way.
//!
//! Shutdown: SIGTERM lets in-flight requests finish (up to 30 s), SIGINT stops at once (actix's
//! behaviour); then background tasks are told to stop through a watch channel and awaited, and the
//! database pool is closed so SQLite checkpoints its WAL.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpServer, dev::ServerHandle, web};
use sea_orm::DatabaseConnection;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::auth::{Authenticator, JwtVerifier, load_key_material};
use crate::config::Config;
use crate::db;
use crate::domain::Services;
use crate::domain::audit::Checkpoints;
use crate::domain::catalog::{CatalogSnapshot, loader};
use crate::graphql::build_schema;
use crate::http::rate_limit::RateLimiter;
use crate::http::{AppState, cors, routes, security_headers};

/// How long SIGTERM waits for in-flight requests.
const DRAIN_TIMEOUT_SECS: u64 = 30;

/// Opens the database, migrates it if configured, loads the catalogs and indexes them.
pub async fn prepare(config: &Config) -> anyhow::Result<Services> {
    let db = db::connect(config).await?;
    if config.database.migrate_on_start {
        db::migrate(&db)
            .await
            .map_err(|err| anyhow::anyhow!("migration failed: {err}"))?;
    }
    let catalog = load_catalogs(&db).await?;
    // A library mapping that names an unknown requirement is a packaging bug: fail at start.
    crate::domain::library::verify(&catalog).map_err(describe)?;
    let audit_key_path = config.data_dir.join("secrets").join("audit-checkpoint.key");
    let (audit_key, _) = crate::secrets::read_or_generate(&audit_key_path)?;
    let clock = crate::domain::kernel::clock::Clock::system();
    Ok(Services {
        db,
        catalog: Arc::new(catalog),
        public_catalog: config.auth.public_catalog,
        audit: Arc::new(Checkpoints::new(
            config.data_dir.join("audit-checkpoints"),
            audit_key,
            clock.clone(),
        )),
        clock,
        read_model: Arc::default(),
        delivery: Arc::new(crate::domain::delivery::Settings::from_config(config)),
    })
}

/// Loads the embedded catalogs into the database and reads back the snapshot.
pub async fn load_catalogs(db: &DatabaseConnection) -> anyhow::Result<CatalogSnapshot> {
    for (slug, version, outcome) in loader::load_embedded(db).await.map_err(describe)? {
        tracing::info!(%slug, %version, ?outcome, "catalog");
    }
    CatalogSnapshot::load(db).await.map_err(describe)
}

fn describe(err: crate::error::AppError) -> anyhow::Error {
    match err {
        crate::error::AppError::Internal(source) => source,
        other => anyhow::anyhow!(other.to_string()),
    }
}

/// Options that differ between `accord serve` and tests.
#[derive(Debug, Clone, Copy)]
pub struct StartOptions {
    /// Let actix handle SIGTERM/SIGINT (the CLI does; tests stop the server through its handle).
    pub handle_signals: bool,
}

/// A started server.
pub struct RunningServer {
    pub local_addr: SocketAddr,
    pub services: Services,
    handle: ServerHandle,
    server_task: tokio::task::JoinHandle<std::io::Result<()>>,
    shutdown: watch::Sender<bool>,
    background: JoinSet<()>,
}

/// Prepares everything and starts listening on `config.listen` (port 0 picks a free port).
pub async fn start(config: Config, options: StartOptions) -> anyhow::Result<RunningServer> {
    let keys = load_key_material(&config.auth, &config.data_dir)?;
    if let Some(path) = &keys.generated_secret {
        tracing::warn!(
            secret = %path.display(),
            "no token signing key was configured, so one was generated; mint a first admin token with: \
             accord org create --slug acme --name \"Acme Corp\" --data-dir {dir} && \
             accord token issue --sub alice --org acme --role admin --ttl 8h --data-dir {dir}",
            dir = config.data_dir.display()
        );
    }
    let authenticator = Authenticator::new(JwtVerifier::new(&config.auth, &keys));
    let services = prepare(&config).await?;
    let listener = TcpListener::bind(&config.listen)
        .map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", config.listen))?;
    let local_addr = listener.local_addr()?;
    let state = web::Data::new(AppState {
        schema: build_schema(services.clone(), &config.graphql),
        services: services.clone(),
        config: Arc::new(config.clone()),
        authenticator,
        rate_limiter: RateLimiter::new(config.rate_limit.clone()),
    });
    let cors_origins = config.cors_allowed_origins.clone();
    let workers = match config.workers {
        0 => std::thread::available_parallelism().map_or(2, usize::from),
        n => n,
    };
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(cors(&cors_origins))
            .wrap(security_headers())
            .configure(routes)
    })
    .workers(workers)
    .shutdown_timeout(DRAIN_TIMEOUT_SECS)
    .listen(listener)?;
    if !options.handle_signals {
        server = server.disable_signals();
    }
    let server = server.run();
    let handle = server.handle();
    let server_task = tokio::spawn(server);
    let (shutdown, _) = watch::channel(false);
    let mut background = JoinSet::new();
    if config.jobs.enabled {
        background.spawn(job_runner(&config, services.clone(), shutdown.subscribe())?);
    }
    tracing::info!(%local_addr, backend = db::backend_name(&services.db), "accord is listening");
    Ok(RunningServer {
        local_addr,
        services,
        handle,
        server_task,
        shutdown,
        background,
    })
}

/// The job runner (scheduled reports and email delivery) as a task that stops on `shutdown`.
pub fn job_runner(
    config: &Config,
    services: Services,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    let mailer = crate::mail::Mailer::from_config(&config.mail, &config.data_dir)
        .map_err(|err| anyhow::anyhow!("mail: {err}"))?;
    let worker = crate::domain::delivery::worker::DeliveryWorker {
        services: services.clone(),
        mailer,
        mail: config.mail.clone(),
        public_url: config.public_url.clone(),
    };
    let metrics = crate::domain::metrics::worker::MetricsWorker::new(services.clone());
    let escalation = crate::domain::incidents::worker::EscalationWorker {
        services: services.clone(),
    };
    Ok(crate::jobs::runner::run(
        services,
        Arc::new(crate::jobs::Handlers(vec![
            Arc::new(worker),
            Arc::new(metrics),
            Arc::new(escalation),
        ])),
        config.jobs.clone(),
        crate::jobs::runner::owner_name(),
        shutdown,
    ))
}

impl RunningServer {
    /// A receiver that turns `true` when background tasks must stop.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Runs a background task that is stopped and awaited on shutdown.
    pub fn spawn_background<F>(&mut self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.background.spawn(task);
    }

    /// Waits until the HTTP server stops (by signal or [`stop`](Self::stop)), then stops the rest.
    pub async fn wait(mut self) -> anyhow::Result<()> {
        let served = (&mut self.server_task).await;
        self.finish().await;
        served??;
        Ok(())
    }

    /// Stops the server: `graceful` drains in-flight requests first.
    pub async fn stop(self, graceful: bool) -> anyhow::Result<()> {
        self.handle.stop(graceful).await;
        self.wait().await
    }

    async fn finish(&mut self) {
        let _ = self.shutdown.send(true);
        let drained = tokio::time::timeout(Duration::from_secs(10), async {
            while self.background.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("background tasks did not stop in time; aborting them");
            self.background.abort_all();
        }
        if let Err(err) = self.services.db.close_by_ref().await {
            tracing::warn!(%err, "closing the database pool failed");
        }
        tracing::info!("accord stopped");
    }
}
