//! Renders report data with the templates of `reports/` (minijinja, embedded in the binary so a
//! deployed `accord` needs no files beside it). HTML autoescapes every value; text does not.
//! The board report has its own templates; every other kind renders its document through the
//! generic `report.html.j2` and `report.txt.j2`.

use std::sync::OnceLock;

use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use std::collections::BTreeMap;

use super::BoardReport;
use super::chart::{Chart, svg};
use super::document::{Block, Document};
use crate::error::{AppError, AppResult};

/// The output formats a report renders to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Text,
    Json,
    Pdf,
    Xlsx,
    Csv,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["html", "text", "json", "pdf", "xlsx", "csv"];

    pub fn parse(value: &str) -> AppResult<Format> {
        match value.trim().to_ascii_lowercase().as_str() {
            "html" => Ok(Format::Html),
            "text" | "txt" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "pdf" => Ok(Format::Pdf),
            "xlsx" => Ok(Format::Xlsx),
            "csv" => Ok(Format::Csv),
            other => Err(AppError::rule(
                "format",
                "one_of",
                format!(
                    "format '{other}' must be one of: {}",
                    Format::NAMES.join(", ")
                ),
            )),
        }
    }

    /// The format's name as callers give it (`html`, `text`, `json`...).
    pub fn name(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Text => "text",
            Format::Json => "json",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Text => "text/plain; charset=utf-8",
            Format::Json => "application/json",
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Text => "txt",
            Format::Json => "json",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }
}

const TEMPLATES: &[(&str, &str)] = &[
    (
        "governance-board.html",
        include_str!("../../../reports/governance-board.html.j2"),
    ),
    (
        "governance-board.txt",
        include_str!("../../../reports/governance-board.txt.j2"),
    ),
    (
        "report.html",
        include_str!("../../../reports/report.html.j2"),
    ),
    ("report.txt", include_str!("../../../reports/report.txt.j2")),
    (
        "dataset-sheet.md",
        include_str!("../../../reports/dataset-sheet.md.j2"),
    ),
    (
        "management-review.md",
        include_str!("../../../reports/management-review.md.j2"),
    ),
];

fn environment() -> AppResult<&'static Environment<'static>> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        // A value missing from the data is a template bug, not something to print as empty.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|e| format!("report template {name} does not parse: {e}"))?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))
}

/// The board report in HTML or text, with its charts.
pub fn board(format: Format, report: &BoardReport, document: &Document) -> AppResult<String> {
    let name = format!("governance-board.{}", format.extension());
    let charts: BTreeMap<String, String> = charts_of(document)
        .map(|(key, chart)| (key, svg::data_uri(chart)))
        .collect();
    // KPI trend lines in the document's order (breaching and worsening first).
    let kpi_charts: Vec<BTreeMap<&str, String>> = charts_of(document)
        .filter(|(key, _)| key.starts_with("kpi_"))
        .map(|(_, chart)| {
            BTreeMap::from([
                ("title", chart.title().to_string()),
                ("src", svg::data_uri(chart)),
            ])
        })
        .collect();
    render_with(
        &name,
        minijinja::context! {
            report => minijinja::value::Serde(report),
            charts => charts,
            kpi_charts => kpi_charts,
        },
    )
}

/// Any other report in HTML or text, from its document.
pub fn document(format: Format, document: &Document) -> AppResult<String> {
    let name = format!("report.{}", format.extension());
    render_with(
        &name,
        minijinja::context! { report => minijinja::value::Serde(view(document)) },
    )
}

/// Charts by a key made of their title's words (`inherent_risk_heatmap`), for templates to place.
fn charts_of(document: &Document) -> impl Iterator<Item = (String, &Chart)> {
    document.sections.iter().flat_map(|s| {
        s.blocks.iter().filter_map(|b| match b {
            Block::Chart { chart } => Some((chart_key(chart.title()), chart)),
            _ => None,
        })
    })
}

fn chart_key(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// A document as the generic templates read it: cells printed, numbers flagged for alignment,
/// charts as images.
#[derive(Serialize)]
struct DocumentView<'a> {
    title: &'a str,
    organization: &'a str,
    period: &'a str,
    scope: &'a str,
    generated: String,
    sections: Vec<SectionView<'a>>,
}

#[derive(Serialize)]
struct SectionView<'a> {
    heading: &'a str,
    blocks: Vec<BlockView<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum BlockView<'a> {
    Paragraph {
        text: &'a str,
    },
    Facts {
        facts: &'a [(String, String)],
    },
    Table {
        title: &'a str,
        name: &'a str,
        columns: Vec<&'a str>,
        rows: Vec<Vec<(String, bool)>>,
    },
    Chart {
        title: &'a str,
        src: String,
    },
}

fn view(document: &Document) -> DocumentView<'_> {
    DocumentView {
        title: &document.title,
        organization: &document.organization,
        period: &document.period,
        scope: &document.scope,
        generated: document
            .generated_at
            .format("%Y-%m-%d %H:%M UTC")
            .to_string(),
        sections: document
            .sections
            .iter()
            .map(|s| SectionView {
                heading: &s.heading,
                blocks: s
                    .blocks
                    .iter()
                    .map(|b| match b {
                        Block::Paragraph { text } => BlockView::Paragraph { text },
                        Block::Facts { facts } => BlockView::Facts { facts },
                        Block::Table { table } => BlockView::Table {
                            title: &table.title,
                            name: &table.name,
                            columns: table.columns.iter().map(|c| c.name.as_str()).collect(),
                            rows: table
                                .rows
                                .iter()
                                .map(|row| {
                                    row.iter().map(|c| (c.display(), c.is_numeric())).collect()
                                })
                                .collect(),
                        },
                        Block::Chart { chart } => BlockView::Chart {
                            title: chart.title(),
                            src: svg::data_uri(chart),
                        },
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn render_with(name: &str, context: minijinja::Value) -> AppResult<String> {
    let template = environment()?
        .get_template(name)
        .map_err(|_| AppError::not_found(format!("report template {name}")))?;
    template
        .render(context)
        .map_err(|e| AppError::internal(anyhow::anyhow!("rendering {name}: {e:#}")))
}

/// Renders the template `name` (e.g. `management-review.md`) with `report`.
pub fn template<T: Serialize>(name: &str, report: &T) -> AppResult<String> {
    render_with(
        name,
        minijinja::context! { report => minijinja::value::Serde(report) },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        environment().expect("templates parse");
    }

    #[test]
    fn unknown_formats_are_refused() {
        assert!(Format::parse("docx").is_err());
        assert_eq!(Format::parse("PDF").ok(), Some(Format::Pdf));
        assert_eq!(Format::parse("HTML").ok(), Some(Format::Html));
    }
}
