//! The `accord` command line. Every command calls the same domain use cases as the API.
//!
//! Exit codes: 0 success, 1 failure while running, 2 bad usage, configuration or input.

mod admin;
mod audit;
mod crosswalk;
mod demo;
mod report;
mod schedule;
mod serve;
mod token;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::error::AppError;

#[derive(Parser)]
#[command(
    name = "accord",
    version,
    about = "AI management system: ISO/IEC 42001, NIST CSF 2.0 and NIST AI RMF 1.0 through common controls"
)]
struct Cli {
    /// Configuration file (default: ./accord.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// Options every command that opens the database accepts.
#[derive(Args, Clone, Default)]
struct DataArgs {
    /// Data directory (embedded database, generated secrets, stored files). Default: ./data
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (GraphQL, GraphiQL, health checks).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Run scheduled reports and email delivery without serving HTTP, until SIGTERM or SIGINT.
    Worker {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Framework catalogs.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// The shipped common-control library.
    Library {
        #[command(subcommand)]
        command: LibraryCommand,
    },
    /// Organizations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Crosswalk exports and imports (CSV, OSCAL).
    Crosswalk {
        #[command(subcommand)]
        command: CrosswalkCommand,
    },
    /// The tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Reports (governance board).
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Report schedules: list them, or send one now.
    Schedule {
        #[command(subcommand)]
        command: ScheduleCommand,
    },
    /// Email deliveries of scheduled reports: history, pending and given up.
    Delivery {
        #[command(subcommand)]
        command: DeliveryCommand,
    },
    /// Demo data.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Bearer tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand)]
enum CrosswalkCommand {
    /// Print an organization's crosswalk between two frameworks (direct and inferred answers).
    Export {
        /// Organization slug.
        #[arg(long)]
        org: String,
        /// Source framework slug, e.g. nist-ai-rmf.
        #[arg(long)]
        from: String,
        /// Target framework slug, e.g. iso-iec-42001.
        #[arg(long)]
        to: String,
        /// csv or oscal.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Which answers: direct, controls, or both (default).
        #[arg(long)]
        via: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Import a crosswalk file (CSV or OSCAL mapping collection) as direct mappings, all or nothing.
    Import {
        /// The file to import.
        file: PathBuf,
        /// Organization slug.
        #[arg(long)]
        org: String,
        /// csv or oscal (default: from the content).
        #[arg(long)]
        format: Option<String>,
        /// Source framework slug, when an OSCAL file does not say.
        #[arg(long)]
        from: Option<String>,
        /// Target framework slug, when an OSCAL file does not say.
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chains and check them against the signed checkpoints; exits 1 and
    /// names the first broken entry when anything was altered, deleted or truncated.
    Verify {
        /// Only this organization (default: all).
        #[arg(long)]
        org: Option<String>,
        /// Also check against this checkpoint (JSON, e.g. copied from a governance-board report):
        /// proves no entry up to it was removed even if the checkpoint files were lost.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Build a report of an organization now and write it to a file (or stdout).
    Build {
        /// Organization slug.
        #[arg(long)]
        org: String,
        /// governance-board.
        #[arg(long, default_value = "governance-board")]
        kind: String,
        /// html, text or json.
        #[arg(long, default_value = "html")]
        format: String,
        /// Output file (default: stdout).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum ScheduleCommand {
    /// Print an organization's schedules with their next run.
    List {
        /// Organization slug.
        #[arg(long)]
        org: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Build a schedule's report now and queue one email per recipient (a running `accord serve`
    /// or `accord worker` sends them).
    SendNow {
        #[arg(long)]
        org: String,
        /// Schedule id.
        #[arg(long)]
        id: i32,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum DeliveryCommand {
    /// Print deliveries, newest first, and the counts per state; exits 1 when any was given up.
    List {
        #[arg(long)]
        org: String,
        /// Only this state: pending, sent or failed.
        #[arg(long)]
        status: Option<String>,
        /// Only this schedule's deliveries.
        #[arg(long)]
        schedule: Option<i32>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Fill an organization (created if needed) with deterministic records of every kind.
    Seed {
        /// Organization slug.
        #[arg(long)]
        org: String,
        /// Display name when the organization is created.
        #[arg(long)]
        name: Option<String>,
        /// small or large.
        #[arg(long, default_value = "small")]
        size: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Mint an HS256 token with the configured (or generated) secret; prints the token alone.
    Issue {
        /// Subject: who the token is for.
        #[arg(long)]
        sub: String,
        /// Organization slug.
        #[arg(long)]
        org: String,
        /// Role: admin, editor, auditor, executive or integrator (repeatable).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Lifetime, e.g. 90s, 30m, 8h, 7d (at most 90d).
        #[arg(long, default_value = "8h")]
        ttl: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Print each loaded framework: slug, name, version and requirement count.
    List {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Print a framework as an OSCAL 1.2 catalog (JSON).
    Export {
        /// Framework slug, e.g. nist-csf.
        #[arg(long)]
        framework: String,
        /// Version (default: the newest loaded).
        #[arg(long)]
        version: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum LibraryCommand {
    /// Check the library's rules and print, per framework, leaf requirements satisfiable,
    /// relationship, rationale and strength counts; exits 1 when a rule is broken.
    Stats,
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organization.
    Create {
        /// Short identifier: lowercase letters, digits and hyphens.
        #[arg(long)]
        slug: String,
        /// Display name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Print every organization.
    List {
        #[command(flatten)]
        data: DataArgs,
    },
}

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
                    format,
                    out,
                    data,
                },
        } => {
            let config = load_config(config_file, &data)?;
            report::build(config, &org, &kind, &format, out.as_deref()).await
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
