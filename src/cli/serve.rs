//! `accord serve`: runs the server until SIGTERM (drain) or SIGINT (stop).

use super::CliError;
use crate::config::Config;
use crate::server::{StartOptions, start};

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
