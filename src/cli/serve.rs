//! `accord serve`: runs the server until SIGTERM (drain) or SIGINT (stop). `accord worker`: runs
//! the job runner alone, for deployments that separate delivery from the API.

use super::CliError;
use crate::config::Config;
use crate::server::{StartOptions, job_runner, prepare, start};

pub async fn run(config: Config) -> Result<(), CliError> {
    let server = start(
        config,
        StartOptions {
            handle_signals: true,
        },
    )
    .await?;
    println!("accord listening on http://{}", server.local_addr);
    server.wait().await?;
    Ok(())
}

pub async fn worker(config: Config) -> Result<(), CliError> {
    let services = prepare(&config).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let runner = tokio::spawn(job_runner(&config, services.clone(), stopped)?);
    println!("accord worker running");
    wait_for_signal().await;
    // Stop claiming; running jobs get the runner's grace period, the rest are picked up again
    // by another instance once their leases expire.
    let _ = stop.send(true);
    let _ = runner.await;
    services.db.close_by_ref().await.ok();
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
