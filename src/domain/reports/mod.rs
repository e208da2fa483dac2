//! Reports: one pipeline for every kind. A kind gathers its rows through the use cases, aggregates
//! them with [`crate::analytics`] (polars, off the async workers) and returns its structured data
//! (GraphQL's JSON) and a format-neutral [`document::Document`]; [`render`] turns either into
//! HTML or text through the templates of `reports/`, and [`output`] into PDF, XLSX or CSV.
//! Every report has a [`period::Period`] and a [`scope::Scope`]; [`stored`] keeps built runs so
//! a past report can be downloaded again byte for byte.

pub mod board;
pub mod chart;
pub mod compliance;
pub mod document;
pub mod escalation;
pub mod metrics;
pub mod output;
pub mod period;
pub mod render;
pub mod scope;
pub mod soa;
pub mod stored;

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use board::{BoardReport, governance_board};

use super::Services;
use crate::domain::account::organizations;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::error::{AppError, AppResult};
use document::{Document, Section};
use period::Period;
use render::Format;
use scope::{Resolved, Scope};

vocabulary! {
    /// The kinds of report.
    pub enum ReportKind {
        Board => "governance-board",
        Compliance => "compliance",
        Soa => "soa",
        Escalation => "escalation",
        Metrics => "metrics",
    }
}

/// The kinds' stored words, as schedules and downloads name them.
pub const KINDS: &[&str] = ReportKind::NAMES;

impl ReportKind {
    /// A kind as people write it; `board` is short for `governance-board`.
    pub fn named(field: &str, value: &str) -> AppResult<ReportKind> {
        match value.trim() {
            "board" => Ok(ReportKind::Board),
            other => ReportKind::parse(field, other),
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ReportKind::Board => "AI governance board report",
            ReportKind::Compliance => "Compliance report",
            ReportKind::Soa => "Statement of Applicability",
            ReportKind::Escalation => "Escalation report",
            ReportKind::Metrics => "Metrics report",
        }
    }
}

/// The organization a report is about.
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationRef {
    pub name: String,
    pub slug: String,
}

/// What a kind needs to gather its report, and where its aggregation time is counted.
pub struct Context<'a> {
    pub services: &'a Services,
    pub viewer: &'a Viewer,
    pub period: Period,
    pub scope: Resolved,
    pub now: DateTime<Utc>,
    pub organization: OrganizationRef,
    aggregate: Mutex<Duration>,
}

impl Context<'_> {
    /// Runs an aggregation step and counts its time as aggregation rather than querying. The
    /// metric rollups read their stored chunks batch by batch while aggregating, so their reads
    /// count here too.
    pub async fn aggregated<T>(&self, step: impl Future<Output = AppResult<T>>) -> AppResult<T> {
        let started = Instant::now();
        let result = step.await;
        if let Ok(mut total) = self.aggregate.lock() {
            *total += started.elapsed();
        }
        result
    }

    fn aggregate_time(&self) -> Duration {
        self.aggregate.lock().map(|d| *d).unwrap_or_default()
    }
}

/// A document of this context's organization, period and scope.
pub(crate) fn kind_document(ctx: &Context<'_>, title: &str, sections: Vec<Section>) -> Document {
    Document {
        title: title.into(),
        organization: ctx.organization.name.clone(),
        kind: String::new(),
        period: ctx.period.describe(),
        scope: ctx.scope.description.clone(),
        generated_at: ctx.now,
        sections,
    }
}

/// A report to build.
#[derive(Debug, Clone)]
pub struct Request {
    pub kind: ReportKind,
    /// `2026-Q3`, `2026-09`, `2026`, `2026-07-01..2026-09-30`; the current quarter when absent.
    pub period: Option<String>,
    pub scope: Scope,
}

/// Time spent per stage, for benchmarks and the CLI.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timings {
    pub query: Duration,
    pub aggregate: Duration,
}

/// A built report, ready to render in any format.
#[derive(Debug, Clone)]
pub struct Built {
    pub kind: ReportKind,
    pub period: Period,
    pub scope: Scope,
    pub organization: OrganizationRef,
    pub generated_at: DateTime<Utc>,
    /// The structured data, with the kind, period and scope (GraphQL's and the JSON format's).
    pub data: serde_json::Value,
    pub document: Document,
    /// The board report keeps its own templates.
    pub board: Option<Box<BoardReport>>,
    pub timings: Timings,
}

fn to_json<T: Serialize>(value: &T) -> AppResult<serde_json::Value> {
    serde_json::to_value(value).map_err(AppError::internal)
}

/// Builds a report of the viewer's organization.
pub async fn build(services: &Services, viewer: &Viewer, request: &Request) -> AppResult<Built> {
    viewer.require(Permission::ReadRecords)?;
    let started = Instant::now();
    let now = services.clock.now();
    let period = Period::parse_or_current(request.period.as_deref(), now)?;
    let scope = request.scope.resolve(services, viewer).await?;
    let organization = organizations::current(services, viewer).await?;
    let ctx = Context {
        services,
        viewer,
        period,
        scope,
        now,
        organization: OrganizationRef {
            name: organization.name,
            slug: organization.slug,
        },
        aggregate: Mutex::new(Duration::ZERO),
    };
    let (data, mut document, board) = match request.kind {
        ReportKind::Board => {
            let report = board::build(&ctx).await?;
            let document = board::document::document(&ctx, &report);
            (to_json(&report)?, document, Some(Box::new(report)))
        }
        ReportKind::Compliance => {
            let report = compliance::gather(&ctx).await?;
            (to_json(&report)?, compliance::document(&ctx, &report), None)
        }
        ReportKind::Soa => {
            let report = soa::gather(&ctx).await?;
            (to_json(&report)?, soa::document(&ctx, &report), None)
        }
        ReportKind::Escalation => {
            let report = escalation::gather(&ctx).await?;
            (to_json(&report)?, escalation::document(&ctx, &report), None)
        }
        ReportKind::Metrics => {
            let report = metrics::gather(&ctx).await?;
            (to_json(&report)?, metrics::document(&ctx, &report), None)
        }
    };
    document.kind = request.kind.as_str().into();
    let mut data = data;
    if let Some(object) = data.as_object_mut() {
        // The board's own fields win: its JSON stays what it was.
        let meta = [
            ("kind", serde_json::json!(request.kind.as_str())),
            ("period", to_json(&ctx.period)?),
            ("scope", to_json(&request.scope)?),
            ("scopeDescription", serde_json::json!(ctx.scope.description)),
            ("organization", serde_json::json!(ctx.organization.name)),
            ("generatedAt", to_json(&now)?),
        ];
        for (key, value) in meta {
            object.entry(key).or_insert(value);
        }
    }
    let aggregate = ctx.aggregate_time();
    Ok(Built {
        kind: request.kind,
        period: ctx.period.clone(),
        scope: request.scope.clone(),
        organization: ctx.organization.clone(),
        generated_at: now,
        data,
        document,
        board,
        timings: Timings {
            query: started.elapsed().saturating_sub(aggregate),
            aggregate,
        },
    })
}

/// Renders `built` on the blocking pool: writing PDF and XLSX is CPU work that must not hold an
/// async worker (or freeze the CLI's progress bar).
pub async fn render_blocking(
    built: Built,
    format: Format,
    table: Option<String>,
) -> AppResult<Rendered> {
    crate::domain::kernel::blocking::run(move || built.render(format, table.as_deref())).await
}

/// One rendered file of a report.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Vec<u8>,
    pub media_type: &'static str,
    pub file_name: String,
    /// The table a CSV file holds.
    pub table: Option<String>,
}

impl Built {
    fn file_name(&self, suffix: &str, extension: &str) -> String {
        let period = self.period.label.replace("..", "_to_");
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        };
        format!(
            "{}-{}-{}{}.{extension}",
            self.kind.as_str(),
            clean(&self.organization.slug),
            clean(&period),
            clean(suffix)
        )
    }

    /// The report in `format`; for CSV, `table` names the table (the first when absent).
    pub fn render(&self, format: Format, table: Option<&str>) -> AppResult<Rendered> {
        let rendered = |body: Vec<u8>, suffix: &str, table: Option<String>| Rendered {
            body,
            media_type: format.media_type(),
            file_name: self.file_name(suffix, format.extension()),
            table,
        };
        Ok(match format {
            Format::Json => rendered(
                serde_json::to_vec_pretty(&self.data).map_err(AppError::internal)?,
                "",
                None,
            ),
            Format::Html | Format::Text => {
                let text = match &self.board {
                    Some(board) => render::board(format, board, &self.document)?,
                    None => render::document(format, &self.document)?,
                };
                rendered(text.into_bytes(), "", None)
            }
            Format::Pdf => rendered(output::pdf::pdf(&self.document), "", None),
            Format::Xlsx => rendered(output::xlsx::workbook(&self.document)?, "", None),
            Format::Csv => {
                let chosen = match table {
                    Some(name) => {
                        self.document
                            .tables()
                            .find(|t| t.name == name)
                            .ok_or_else(|| {
                                let names: Vec<&str> =
                                    self.document.tables().map(|t| t.name.as_str()).collect();
                                AppError::rule(
                                    "table",
                                    "one_of",
                                    format!("table '{name}' must be one of: {}", names.join(", ")),
                                )
                            })?
                    }
                    None => self.document.tables().next().ok_or_else(|| {
                        AppError::rule("format", "no_tables", "this report has no tables")
                    })?,
                };
                rendered(
                    output::csv::table_csv(chosen)?,
                    &format!("-{}", chosen.name),
                    Some(chosen.name.clone()),
                )
            }
        })
    }

    /// Every file of `format`: one per table for CSV, one otherwise.
    pub fn render_all(&self, format: Format) -> AppResult<Vec<Rendered>> {
        if format != Format::Csv {
            return Ok(vec![self.render(format, None)?]);
        }
        self.document
            .tables()
            .map(|t| self.render(format, Some(&t.name)))
            .collect()
    }
}
