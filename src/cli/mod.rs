//! The `accord` command line. Every command calls the same domain use cases as the API.
//!
//! Exit codes: 0 success, 1 failure while running, 2 bad usage, configuration or input.

mod admin;
mod args;
mod audit;
mod crosswalk;
mod demo;
mod lineage;
mod metrics;
mod progress;
mod report;
mod schedule;
mod serve;
mod token;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use args::*;

use crate::config::Config;
use crate::error::AppError;

/// A command failure with its exit code.
pub struct CliError {
    code: u8,
    message: String,
}

impl CliError {
    fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
        }
    }
    fn failure(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<AppError> for CliError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Internal(source) => CliError::failure(format!("{source:#}")),
            other => CliError::usage(other.to_string()),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(err: anyhow::Error) -> Self {
        CliError::failure(format!("{err:#}"))
    }
}

/// Parses the arguments, runs the command and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| CliError::failure(format!("cannot start the runtime: {err}")))
        .and_then(|runtime| runtime.block_on(dispatch(cli)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", err.message);
            ExitCode::from(err.code)
        }
    }
}

/// Loads configuration and applies the command-line overrides.
/// `serve` logs at the configured level; one-shot commands only warn, so their output stays readable.
fn load_config(cli_config: Option<&PathBuf>, data: &DataArgs) -> Result<Config, CliError> {
    let config = load_config_quiet(cli_config, data)?;
    init_logging("warn");
    Ok(config)
}

fn load_config_quiet(cli_config: Option<&PathBuf>, data: &DataArgs) -> Result<Config, CliError> {
    let mut config = Config::load(cli_config.map(PathBuf::as_path))
        .map_err(|err| CliError::usage(err.to_string()))?;
    if let Some(dir) = &data.data_dir {
        config.data_dir = dir.clone();
    }
    Ok(config)
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(filter))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Logs go to stderr so that commands which print a result (a token, a list) keep stdout clean.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Needs no database: the library and catalogs are embedded.
fn library_stats() -> Result<(), CliError> {
    use crate::domain::library::{check, library};
    let report = check::review(library()?)?;
    print!("{}", check::render(&report));
    if report.problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::failure("the library breaks its own rules"))
    }
}

async fn dispatch(cli: Cli) -> Result<(), CliError> {
    let config_file = cli.config.as_ref();
    match cli.command {
        Command::Serve { listen, data } => {
            let mut config = load_config_quiet(config_file, &data)?;
            init_logging(&config.log);
            if let Some(listen) = listen {
                config.listen = listen;
            }
            serve::run(config).await
        }
        Command::Worker { data } => {
            let config = load_config_quiet(config_file, &data)?;
            init_logging(&config.log);
            serve::worker(config).await
        }
        Command::Migrate { data } => admin::migrate(load_config(config_file, &data)?).await,
        Command::Catalog {
            command: CatalogCommand::List { data },
        } => admin::catalog_list(load_config(config_file, &data)?).await,
        Command::Catalog {
            command:
                CatalogCommand::Export {
                    framework,
                    version,
                    data,
                },
        } => {
            let config = load_config(config_file, &data)?;
            crosswalk::catalog_export(config, &framework, version.as_deref()).await
        }
        Command::Library {
            command: LibraryCommand::Stats,
        } => library_stats(),
        Command::Org {
            command: OrgCommand::Create { slug, name, data },
        } => admin::org_create(load_config(config_file, &data)?, &slug, &name).await,
        Command::Org {
            command: OrgCommand::List { data },
        } => admin::org_list(load_config(config_file, &data)?).await,
        Command::Crosswalk {
            command:
                CrosswalkCommand::Export {
                    org,
                    from,
                    to,
                    format,
                    via,
                    data,
                },
        } => {
            let config = load_config(config_file, &data)?;
            crosswalk::export(config, &org, &from, &to, &format, via.as_deref()).await
        }
        Command::Crosswalk {
            command:
                CrosswalkCommand::Import {
                    file,
                    org,
                    format,
                    from,
                    to,
                    data,
                },
        } => {
            let config = load_config(config_file, &data)?;
            crosswalk::import(
                config,
                &org,
                &file,
                format.as_deref(),
                from.as_deref(),
                to.as_deref(),
            )
            .await
        }
        Command::Audit {
            command:
                AuditCommand::Verify {
                    org,
                    checkpoint,
                    data,
                },
        } => {
            audit::verify_chains(
                load_config(config_file, &data)?,
                org.as_deref(),
                checkpoint.as_deref(),
            )
            .await
        }
        Command::Report {
            command:
                ReportCommand::Build {
                    org,
                    kind,
                    period,
                    business_unit,
                    ai_systems,
                    framework,
                    format,
                    table,
                    out,
                    data,
                },
        } => {
            let config = load_config(config_file, &data)?;
            let scope = crate::domain::reports::scope::Scope {
                business_unit,
                ai_system_ids: ai_systems,
                framework,
            };
            report::build(
                config,
                report::Options {
                    org: &org,
                    kind: &kind,
                    period: period.as_deref(),
                    scope,
                    format: &format,
                    table: table.as_deref(),
                    out: out.as_deref(),
                },
            )
            .await
        }
        Command::Schedule {
            command: ScheduleCommand::List { org, data },
        } => schedule::list(load_config(config_file, &data)?, &org).await,
        Command::Schedule {
            command: ScheduleCommand::SendNow { org, id, data },
        } => schedule::send_now(load_config(config_file, &data)?, &org, id).await,
        Command::Delivery {
            command:
                DeliveryCommand::List {
                    org,
                    status,
                    schedule,
                    data,
                },
        } => {
            let config = load_config(config_file, &data)?;
            schedule::deliveries(config, &org, status.as_deref(), schedule).await
        }
        Command::Metrics {
            command:
                MetricsCommand::Import {
                    org,
                    file,
                    format,
                    data,
                },
        } => {
            metrics::import(
                load_config(config_file, &data)?,
                &org,
                &file,
                format.as_deref(),
            )
            .await
        }
        Command::Lineage {
            command:
                LineageCommand::Export {
                    org,
                    dataset,
                    format,
                    out,
                    data,
                },
        } => {
            lineage::export(
                load_config(config_file, &data)?,
                &org,
                dataset,
                &format,
                out.as_deref(),
            )
            .await
        }
        Command::Demo {
            command:
                DemoCommand::Seed {
                    org,
                    name,
                    size,
                    data,
                },
        } => {
            demo::seed(
                load_config(config_file, &data)?,
                &org,
                name.as_deref(),
                &size,
            )
            .await
        }
        Command::Demo {
            command: DemoCommand::Lineage { org, edges, data },
        } => demo::lineage(load_config(config_file, &data)?, &org, edges).await,
        Command::Token {
            command:
                TokenCommand::Issue {
                    sub,
                    org,
                    roles,
                    ttl,
                    data,
                },
        } => token::issue(load_config(config_file, &data)?, &sub, &org, &roles, &ttl).await,
    }
}
