//! The command line's shape: every command, its subcommands and flags (clap). What each one does
//! is dispatched in the parent module.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "accord",
    version,
    about = "AI management system: ISO/IEC 42001, NIST CSF 2.0 and NIST AI RMF 1.0 through common controls"
)]
pub(super) struct Cli {
    /// Configuration file (default: ./accord.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub(super) config: Option<PathBuf>,
    #[command(subcommand)]
    pub(super) command: Command,
}

/// Options every command that opens the database accepts.
#[derive(Args, Clone, Default)]
pub(super) struct DataArgs {
    /// Data directory (embedded database, generated secrets, stored files). Default: ./data
    #[arg(long, value_name = "DIR")]
    pub(super) data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
pub(super) enum Command {
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
    /// Monitoring metrics: bulk import of points.
    Metrics {
        #[command(subcommand)]
        command: MetricsCommand,
    },
    /// Data lineage: export a dataset's graph.
    Lineage {
        #[command(subcommand)]
        command: LineageCommand,
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
pub(super) enum CrosswalkCommand {
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
pub(super) enum AuditCommand {
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
pub(super) enum ReportCommand {
    /// Build a report of an organization now and write it to a file (or stdout).
    Build {
        /// Organization slug.
        #[arg(long)]
        org: String,
        /// board (governance-board), compliance, soa, escalation or metrics.
        #[arg(long, default_value = "governance-board")]
        kind: String,
        /// 2026-Q3, 2026-09, 2026 or 2026-07-01..2026-09-30 (default: the current quarter).
        #[arg(long)]
        period: Option<String>,
        /// Only the AI systems of this business unit.
        #[arg(long)]
        business_unit: Option<String>,
        /// Only these AI systems (repeat the option).
        #[arg(long = "ai-system", value_name = "ID")]
        ai_systems: Vec<i32>,
        /// Only this framework (compliance): iso-iec-42001, nist-csf or nist-ai-rmf.
        #[arg(long)]
        framework: Option<String>,
        /// html, text, json, pdf, xlsx or csv.
        #[arg(long, default_value = "html")]
        format: String,
        /// The table to write as CSV (default: the report's first).
        #[arg(long)]
        table: Option<String>,
        /// Output file (default: stdout).
        #[arg(long, short = 'o', value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
pub(super) enum ScheduleCommand {
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
pub(super) enum DeliveryCommand {
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
pub(super) enum MetricsCommand {
    /// Import a CSV or NDJSON file of points (gzip when it ends in .gz), all or nothing; exits 1
    /// listing the bad lines when any is bad.
    Import {
        /// Organization slug.
        #[arg(long)]
        org: String,
        /// The file: columns metric, ai_system, model_version, segment, time, value.
        file: std::path::PathBuf,
        /// csv or ndjson (default: from the file name).
        #[arg(long)]
        format: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
pub(super) enum LineageCommand {
    /// Write a dataset's lineage (everything upstream and downstream) as SVG or PROV-JSON.
    Export {
        /// Organization slug.
        #[arg(long)]
        org: String,
        /// The dataset's id.
        #[arg(long)]
        dataset: i32,
        /// svg or json (W3C PROV-JSON).
        #[arg(long, default_value = "svg")]
        format: String,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
pub(super) enum DemoCommand {
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
    /// Write a synthetic layered lineage graph (for benchmarks) into an existing organization;
    /// prints the ids of its first and last node.
    Lineage {
        /// Organization slug.
        #[arg(long)]
        org: String,
        /// About how many edges.
        #[arg(long, default_value_t = 10_000)]
        edges: usize,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
pub(super) enum TokenCommand {
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
pub(super) enum CatalogCommand {
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
pub(super) enum LibraryCommand {
    /// Check the library's rules and print, per framework, leaf requirements satisfiable,
    /// relationship, rationale and strength counts; exits 1 when a rule is broken.
    Stats,
}

#[derive(Subcommand)]
pub(super) enum OrgCommand {
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
